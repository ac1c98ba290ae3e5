// epoll, eventfd and accept4 for the proxy's event loop (Glibc's Swift module lacks them).
#ifndef CEPOLL_H
#define CEPOLL_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

/// accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC.
int cepoll_accept(int fd, struct sockaddr *address, socklen_t *length);

/// Names the calling thread (at most 15 bytes show).
void cepoll_set_thread_name(const char *name);

#endif
