/*
 * The host's network (src/platform.h): real TCP sockets, so host tests talk
 * to a real nginx on 127.0.0.1, and a scripted peer (host.h: host_tcp_script)
 * for unit tests and fuzzers, which replays canned server bytes and records
 * what was sent. The host is "up" at once, as 127.0.0.1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MB_HOST_SIDE
#include "../../src/platform.h"
#include "host.h"

const char *const *host_tcp_script;
const size_t *host_tcp_script_lens;
size_t host_tcp_script_n;
size_t host_tcp_opens;
int host_tcp_refuse;
int host_tcp_hang;
char *host_tcp_sent;
size_t host_tcp_sent_len;

void host_tcp_reset(void)
{
    free(host_tcp_sent);
    host_tcp_sent = NULL;
    host_tcp_sent_len = 0;
    host_tcp_opens = 0;
    host_tcp_refuse = 0;
    host_tcp_hang = 0;
}

struct conn {
    int fd;                 /* a real socket, or -1 for a scripted peer */
    const char *script;     /* what the scripted peer answers */
    size_t len, pos;
};

int plat_net_up(uint32_t timeout_ms, struct plat_net_info *info)
{
    (void)timeout_ms;
    memset(info, 0, sizeof(*info));
    memcpy(info->mac, "\x02\x00\x00\x00\x00\x01", 6);
    memcpy(info->ip, "\x7f\x00\x00\x01", 4);
    memcpy(info->mask, "\xff\x00\x00\x00", 4);
    return 0;
}

static int sock_err(int e)
{
    switch (e) {
    case ECONNREFUSED: return -ECONNREFUSED;
    case ETIMEDOUT: return -ETIMEDOUT;
    case EHOSTUNREACH:
    case ENETUNREACH: return -EHOSTUNREACH;
    case ECONNRESET:
    case EPIPE: return -ECONNRESET;
    default: return -EIO;
    }
}

int plat_tcp_open(const uint8_t ip[4], uint16_t port, uint32_t timeout_ms, void **out)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
    struct pollfd p;
    struct conn *c;
    int fd, err = 0, one = 1;
    socklen_t el = sizeof(err);
    host_tcp_opens++;
    if (host_tcp_refuse)
        return -ECONNREFUSED;
    c = calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    c->fd = -1;
    if (host_tcp_script) {
        /* each connection gets the next canned answer; past the last, refused */
        size_t i = host_tcp_opens - 1;
        if (i >= host_tcp_script_n) {
            free(c);
            return -ECONNREFUSED;
        }
        c->script = host_tcp_script[i];
        c->len = host_tcp_script_lens ? host_tcp_script_lens[i] : strlen(c->script);
        *out = c;
        return 0;
    }
    memcpy(&sa.sin_addr, ip, 4);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        free(c);
        return -EIO;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS) {
        err = errno;
    } else {
        p.fd = fd;
        p.events = POLLOUT;
        if (poll(&p, 1, (int)timeout_ms) != 1)
            err = ETIMEDOUT;
        else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0)
            err = errno;
    }
    if (err) {
        close(fd);
        free(c);
        return sock_err(err);
    }
    c->fd = fd;
    *out = c;
    return 0;
}

int plat_tcp_send(void *conn, const void *buf, size_t len, uint32_t timeout_ms)
{
    struct conn *c = conn;
    const char *b = buf;
    if (c->fd < 0) {
        char *n = realloc(host_tcp_sent, host_tcp_sent_len + len + 1);
        if (!n)
            return -ENOMEM;
        memcpy(n + host_tcp_sent_len, buf, len);
        host_tcp_sent = n;
        host_tcp_sent_len += len;
        n[host_tcp_sent_len] = 0;
        return 0;
    }
    while (len) {
        struct pollfd p = { .fd = c->fd, .events = POLLOUT };
        ssize_t n;
        if (poll(&p, 1, (int)timeout_ms) != 1)
            return -ETIMEDOUT;
        n = send(c->fd, b, len, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN)
            return sock_err(errno);
        if (n > 0) {
            b += n;
            len -= (size_t)n;
        }
    }
    return 0;
}

int plat_tcp_recv(void *conn, void *buf, size_t len, uint32_t timeout_ms, size_t *got)
{
    struct conn *c = conn;
    struct pollfd p = { .fd = c->fd, .events = POLLIN };
    ssize_t n;
    *got = 0;
    if (c->fd < 0 && c->pos == c->len && host_tcp_hang)
        return -ETIMEDOUT; /* a server that stopped answering without closing */
    if (c->fd < 0) {
        /* a scripted peer answers in small pieces, to exercise reassembly */
        size_t n2 = c->len - c->pos < len ? c->len - c->pos : len;
        if (n2 > 7)
            n2 = 7 + (c->pos % 13);
        if (n2 > c->len - c->pos)
            n2 = c->len - c->pos;
        if (n2 > len)
            n2 = len;
        memcpy(buf, c->script + c->pos, n2);
        c->pos += n2;
        *got = n2;
        return 0;
    }
    if (poll(&p, 1, (int)timeout_ms) != 1)
        return -ETIMEDOUT;
    n = recv(c->fd, buf, len, 0);
    if (n < 0)
        return sock_err(errno);
    *got = (size_t)n;
    return 0;
}

void plat_tcp_close(void *conn)
{
    struct conn *c = conn;
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    free(c);
}

/* ---- PXE and TFTP: a directory plays the TFTP server (host.h) ---- */
/* the core's allocator (src/libc.c), which frees what plat_tftp_get gives */
void *mb_malloc(size_t n);
void mb_free(void *p);

bool host_pxe_booted;
char host_tftp_dir[4096];
char host_tftp_last[1024];

bool plat_pxe_info(struct plat_net_info *info)
{
    if (!host_pxe_booted)
        return false;
    plat_net_up(0, info);
    memcpy(info->ip, "\xc0\xa8\x01\x0a", 4); /* 192.168.1.10: C0A8010A */
    memcpy(info->server, "\xc0\xa8\x01\x01", 4);
    memcpy(info->mac, "\x52\x54\x00\x12\x34\x56", 6);
    strcpy(info->bootfile, "/boot/BOOTX64.EFI");
    info->pxe = true;
    return true;
}

int plat_tftp_get(const uint8_t server[4], const char *path, uint64_t max, void **buf,
                  size_t *len)
{
    char full[8192];
    FILE *f;
    long size;
    snprintf(host_tftp_last, sizeof(host_tftp_last), "%u.%u.%u.%u:%s", server[0], server[1],
             server[2], server[3], path);
    if (!host_tftp_dir[0])
        return -ENETDOWN;
    snprintf(full, sizeof(full), "%s/%s", host_tftp_dir, path);
    f = fopen(full, "rb");
    if (!f)
        return -ENOENT;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return -ENOENT; /* a directory, as a TFTP server would say */
    }
    if ((uint64_t)size > max) {
        fclose(f);
        return -E2BIG;
    }
    /* the core frees it: the core's allocator */
    *buf = mb_malloc(size ? (size_t)size : 1);
    if (!*buf || fread(*buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        mb_free(*buf);
        return -EIO;
    }
    fclose(f);
    *len = (size_t)size;
    return 0;
}
