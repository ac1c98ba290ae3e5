// epoll, eventfd and accept4 for the proxy's event loop (Glibc's Swift module lacks them),
// and read and send as plain system calls.
#ifndef CEPOLL_H
#define CEPOLL_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/// accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC.
int cepoll_accept(int fd, struct sockaddr *address, socklen_t *length);

/// Names the calling thread (at most 15 bytes show).
void cepoll_set_thread_name(const char *name);

/// read(2) as a plain system call. glibc's wrapper switches thread cancellation on and off
/// around it, which the proxy, cancelling no threads, does not need
/// (docs/decisions/0002-hand-written-epoll-data-path.md). Sets errno like read(2).
static inline ssize_t cepoll_read(int fd, void *buffer, size_t length) {
    return syscall(SYS_read, fd, buffer, length);
}

/// send(2) (sendto without an address) as a plain system call, for the same reason.
static inline ssize_t cepoll_send(int fd, const void *buffer, size_t length, int flags) {
    return syscall(SYS_sendto, fd, buffer, length, flags, NULL, 0);
}

#endif
