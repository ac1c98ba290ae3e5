// A local OTLP/HTTP receiver that only counts spans, for Benchmarks/spans-overhead.sh.
//
// It answers every POST with 200 in one write (an empty protobuf body, or `{}` for JSON)
// and every GET with the number of spans received so far. Spans are counted without
// parsing them: in protobuf by skipping from one span's length to the next
// (ExportTraceServiceRequest.resource_spans[].scope_spans[].spans[]), in JSON as
// `"spanId"` occurrences. Written in C so that on a 2-core machine the receiver takes
// almost none of the CPU the proxies, Redis and redis-benchmark share (a Python sink took
// 1-2% of the machine at 57k spans/s). One thread per connection; loopback only.
//
//   cc -O2 -pthread -o otlp-count-sink otlp-count-sink.c && ./otlp-count-sink PORT
#define _GNU_SOURCE  // memmem
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static atomic_long spans;

/// Reads a varint at *at (before end); returns 0 and leaves *at past end when truncated.
static uint64_t varint(const uint8_t *buf, size_t *at, size_t end) {
    uint64_t value = 0;
    for (int shift = 0; *at < end && shift < 64; shift += 7) {
        uint8_t byte = buf[(*at)++];
        value |= (uint64_t)(byte & 0x7F) << shift;
        if (byte < 0x80) return value;
    }
    *at = end + 1;
    return 0;
}

/// Spans in [start, end): field 1 of the request, field 2 of ResourceSpans (depth 1),
/// field 2 of ScopeSpans (depth 2): the spans, counted and skipped.
static long protobuf_spans(const uint8_t *buf, size_t start, size_t end, int depth) {
    long found = 0;
    size_t at = start;
    while (at < end) {
        uint64_t key = varint(buf, &at, end);
        switch (key & 7) {
        case 0: varint(buf, &at, end); continue;
        case 1: at += 8; continue;
        case 5: at += 4; continue;
        case 2: break;
        default: return found;  // groups are not used by OTLP
        }
        uint64_t length = varint(buf, &at, end);
        if (at > end || length > end - at) return found;
        uint64_t field = key >> 3;
        if (depth == 2 && field == 2) {
            found += 1;
        } else if ((depth == 0 && field == 1) || (depth == 1 && field == 2)) {
            found += protobuf_spans(buf, at, at + length, depth + 1);
        }
        at += length;
    }
    return found;
}

static long json_spans(const uint8_t *buf, size_t length) {
    static const char needle[] = "\"spanId\"";
    long found = 0;
    const uint8_t *at = buf, *end = buf + length;
    while (at < end) {
        const uint8_t *hit = memmem(at, (size_t)(end - at), needle, sizeof needle - 1);
        if (hit == NULL) break;
        found += 1;
        at = hit + sizeof needle - 1;
    }
    return found;
}

static int send_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t sent = send(fd, data, length, MSG_NOSIGNAL);
        if (sent <= 0) return -1;
        data += sent;
        length -= (size_t)sent;
    }
    return 0;
}

/// The value of header `name` (lowercase, with the colon) in `head`, or NULL.
static const char *header(const char *head, const char *name) {
    for (const char *line = strstr(head, "\r\n"); line != NULL; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, name, strlen(name)) == 0) return line + 2 + strlen(name);
    }
    return NULL;
}

static void *serve(void *argument) {
    int fd = (int)(intptr_t)argument;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    size_t capacity = 1 << 21, have = 0;
    uint8_t *buf = malloc(capacity + 1);
    if (buf == NULL) goto done;
    for (;;) {
        // The head: up to the blank line.
        uint8_t *blank = NULL;
        while ((blank = memmem(buf, have, "\r\n\r\n", 4)) == NULL) {
            if (have == capacity) goto done;  // a head this long is not OTLP
            ssize_t got = recv(fd, buf + have, capacity - have, 0);
            if (got <= 0) goto done;
            have += (size_t)got;
        }
        size_t head_length = (size_t)(blank - buf) + 4;
        char saved = (char)buf[head_length];
        buf[head_length] = 0;
        const char *length_text = header((const char *)buf, "content-length:");
        const char *type = header((const char *)buf, "content-type:");
        int is_post = strncmp((const char *)buf, "POST", 4) == 0;
        const char *type_end = type ? strstr(type, "\r\n") : NULL;
        const char *protobuf = type ? strstr(type, "protobuf") : NULL;
        int is_protobuf = protobuf != NULL && protobuf < type_end;
        size_t body_length = length_text ? strtoul(length_text, NULL, 10) : 0;
        buf[head_length] = (uint8_t)saved;
        size_t need = head_length + body_length;
        if (need > capacity) {
            uint8_t *larger = realloc(buf, need + 1);
            if (larger == NULL) goto done;
            buf = larger;
            capacity = need;
        }
        while (have < need) {
            ssize_t got = recv(fd, buf + have, need - have, 0);
            if (got <= 0) goto done;
            have += (size_t)got;
        }
        char answer[160];
        int answer_length;
        if (is_post) {
            long found = is_protobuf ? protobuf_spans(buf, head_length, need, 0)
                                     : json_spans(buf + head_length, body_length);
            atomic_fetch_add(&spans, found);
            answer_length = is_protobuf
                ? snprintf(answer, sizeof answer,
                           "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n")
                : snprintf(answer, sizeof answer,
                           "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        } else {
            char count[32];
            int count_length = snprintf(count, sizeof count, "%ld", atomic_load(&spans));
            answer_length = snprintf(answer, sizeof answer, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s",
                                     count_length, count);
        }
        if (send_all(fd, answer, (size_t)answer_length) != 0) goto done;
        memmove(buf, buf + need, have - need);
        have -= need;
    }
done:
    free(buf);
    close(fd);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: otlp-count-sink PORT\n");
        return 2;
    }
    int server = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(server, (struct sockaddr *)&address, sizeof address) != 0 || listen(server, 64) != 0) {
        perror("otlp-count-sink");
        return 1;
    }
    for (;;) {
        int fd = accept(server, NULL, NULL);
        if (fd < 0) continue;
        pthread_t thread;
        if (pthread_create(&thread, NULL, serve, (void *)(intptr_t)fd) != 0) {
            close(fd);
            continue;
        }
        pthread_detach(thread);
    }
}
