/* The HTTP/1.1 client (http.h). */
#include "http.h"

#include "platform.h"
#include "shell.h"

/* A decimal number of at most 19 digits (no sign, no blanks inside). */
static int dec64(const char *s, const char **end, uint64_t *out)
{
    uint64_t v = 0;
    int n = 0;
    while (is_digit((unsigned char)s[n])) {
        if (n == 19)
            return -ERANGE;
        v = v * 10 + (uint64_t)(s[n] - '0');
        n++;
    }
    if (!n)
        return -EINVAL;
    *out = v;
    *end = s + n;
    return 0;
}

int http_target_parse(const char *spec, struct http_target *t)
{
    const char *p = spec;
    uint64_t v;
    memset(t, 0, sizeof(*t));
    t->port = 80;
    for (int i = 0; i < 4; i++) {
        if (dec64(p, &p, &v) || v > 255 || (i < 3 && *p++ != '.'))
            return shell_error(-EINVAL, "'%s': give the server as an IPv4 address "
                               "(names need DNS, which mapboot does not do yet)", spec);
        t->ip[i] = (uint8_t)v;
    }
    if (*p == ':') {
        if (dec64(p + 1, &p, &v) || v == 0 || v > 65535)
            return shell_error(-EINVAL, "'%s': bad port", spec);
        t->port = (uint16_t)v;
    }
    if (*p)
        return shell_error(-EINVAL, "'%s': not HOST[:PORT]", spec);
    snprintf(t->host, sizeof(t->host), "%u.%u.%u.%u:%u", t->ip[0], t->ip[1], t->ip[2], t->ip[3],
             t->port);
    return 0;
}

void http_close(struct http_conn *c)
{
    if (c->tcp)
        plat_tcp_close(c->tcp);
    c->tcp = NULL;
    c->reused = false;
    c->pos = c->len = 0;
}

/* More bytes into buf; -EPROTO when the server closed (closed_ok: *eof instead). */
static int fill(struct http_conn *c, bool *eof)
{
    size_t got;
    int rc;
    if (c->pos == c->len)
        c->pos = c->len = 0;
    if (c->len == sizeof(c->buf)) {
        if (!c->pos)
            return -ENOSPC;
        memmove(c->buf, c->buf + c->pos, c->len - c->pos);
        c->len -= c->pos;
        c->pos = 0;
    }
    rc = plat_tcp_recv(c->tcp, c->buf + c->len, sizeof(c->buf) - c->len, c->timeout_ms, &got);
    if (rc)
        return rc;
    if (!got) {
        if (eof) {
            *eof = true;
            return 0;
        }
        return -ECONNRESET;
    }
    c->len += got;
    return 0;
}

/* A line of at most max-1 bytes without its CR LF. */
static int read_line(struct http_conn *c, char *out, size_t max)
{
    for (;;) {
        for (size_t i = c->pos; i < c->len; i++) {
            if (c->buf[i] != '\n')
                continue;
            size_t n = i - c->pos;
            if (n && c->buf[i - 1] == '\r')
                n--;
            if (n >= max)
                return -EPROTO;
            memcpy(out, c->buf + c->pos, n);
            out[n] = 0;
            c->pos = i + 1;
            return 0;
        }
        if (c->len - c->pos >= max)
            return -EPROTO;
        int rc = fill(c, NULL);
        if (rc)
            return rc;
    }
}

static char *skip_blanks(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* "bytes FIRST-LAST/TOTAL", or "bytes *" "/TOTAL" (a 416), into r. */
static int parse_content_range(const char *v, struct http_resp *r)
{
    const char *p;
    if (!str_starts_case8(v, "bytes "))
        return -EPROTO;
    p = v + 6;
    if (*p == '*') {
        p++;
    } else {
        if (dec64(p, &p, &r->first) || *p++ != '-' || dec64(p, &p, &r->last) ||
            r->last < r->first)
            return -EPROTO;
        r->has_range = true;
    }
    if (*p++ != '/')
        return -EPROTO;
    if (*p == '*') {
        p++;
    } else {
        if (dec64(p, &p, &r->total))
            return -EPROTO;
        r->total_known = true;
        if (r->has_range && r->last >= r->total)
            return -EPROTO;
    }
    return *p ? -EPROTO : 0;
}

int http_parse_head(char *head, struct http_resp *r)
{
    char *line = head, *next, *p;
    uint64_t status;
    bool first = true;
    memset(r, 0, sizeof(*r));
    for (; *line; line = next) {
        next = strchr8(line, '\n');
        if (next)
            *next++ = 0;
        else
            next = line + strlen8(line);
        if (first) {
            /* HTTP/1.x NNN reason */
            if (!str_starts8(line, "HTTP/1.") || !is_digit((unsigned char)line[7]) ||
                line[8] != ' ')
                return -EPROTO;
            p = line + 9;
            if (dec64(p, (const char **)&p, &status) || status < 100 || status > 999 ||
                (*p && *p != ' '))
                return -EPROTO;
            r->status = (int)status;
            strlcpy8(r->reason, skip_blanks(p), sizeof(r->reason));
            if (line[7] == '0')
                r->close = true; /* HTTP/1.0 closes unless told otherwise */
            first = false;
            continue;
        }
        p = strchr8(line, ':');
        if (!p || p == line)
            return -EPROTO;
        *p = 0;
        p = skip_blanks(p + 1);
        for (char *e = p + strlen8(p); e > p && (e[-1] == ' ' || e[-1] == '\t'); e--)
            e[-1] = 0;
        if (strcasecmp8(line, "Content-Length") == 0) {
            uint64_t v;
            const char *end;
            if (dec64(p, &end, &v) || *end || (r->has_length && v != r->length))
                return -EPROTO;
            r->has_length = true;
            r->length = v;
        } else if (strcasecmp8(line, "Transfer-Encoding") == 0) {
            if (strcasecmp8(p, "chunked") != 0)
                return -EPROTO; /* gzip and the like: never asked for */
            r->chunked = true;
        } else if (strcasecmp8(line, "Connection") == 0) {
            if (strcasecmp8(p, "close") == 0)
                r->close = true;
            else if (strcasecmp8(p, "keep-alive") == 0)
                r->close = false;
        } else if (strcasecmp8(line, "Content-Range") == 0) {
            if (parse_content_range(p, r))
                return -EPROTO;
        } else if (strcasecmp8(line, "Location") == 0) {
            if (strlcpy8(r->location, p, sizeof(r->location)) >= sizeof(r->location))
                return -EPROTO;
        }
    }
    if (first)
        return -EPROTO;
    if (r->chunked)
        r->has_length = false; /* chunked wins over a length (RFC 9112 6.3) */
    return 0;
}

/* Read the head (status line to the blank line) into r. */
static int read_head(struct http_conn *c, struct http_resp *r, bool *closed_first)
{
    char *head;
    size_t used = 0;
    int rc = 0, blanks = 0;
    *closed_first = false;
    head = malloc(HTTP_HEAD_MAX);
    if (!head)
        return -ENOMEM;
    for (;;) {
        char *line = head + used;
        if (c->pos == c->len && used == 0) {
            bool eof = false;
            rc = fill(c, &eof);
            if (rc == 0 && eof) {
                *closed_first = true; /* nothing at all: a kept-alive connection gone */
                rc = -ECONNRESET;
            }
            if (rc)
                break;
        }
        rc = read_line(c, line, HTTP_HEAD_MAX - used - 1);
        if (rc)
            break;
        if (!*line) {
            if (used == 0 && ++blanks <= 4)
                continue; /* a few blank lines before the status line are allowed */
            if (used == 0) {
                rc = -EPROTO;
                break;
            }
            head[used] = 0;
            break;
        }
        used += strlen8(line);
        head[used++] = '\n';
        if (used >= HTTP_HEAD_MAX - 2) {
            rc = -EPROTO;
            break;
        }
    }
    if (rc == 0)
        rc = http_parse_head(head, r);
    free(head);
    return rc;
}

/* Percent-encode what may not stand in a request target as it is. */
static int encode_path(const char *path, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        bool plain = is_alnum(*p) || strchr8("/-._~!$&'()*+,;=:@", *p);
        if (n + (plain ? 1 : 3) >= size)
            return -ENAMETOOLONG;
        if (plain) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    out[n] = 0;
    return 0;
}

int http_request(struct http_conn *c, const char *method, const char *path, uint64_t first,
                 uint64_t last, struct http_resp *r)
{
    char *req, *enc;
    int rc = 0, len;
    if (!c->timeout_ms)
        c->timeout_ms = HTTP_TIMEOUT_MS;
    req = malloc(3 * 1024 + 512);
    if (!req)
        return -ENOMEM;
    enc = req + 1024;
    rc = encode_path(path[0] ? path : "/", enc, 3 * 1024);
    if (rc) {
        free(req);
        return rc;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        bool closed_first = false, was_reused = c->reused;
        char range[64] = "";
        if (first != HTTP_NO_RANGE)
            snprintf(range, sizeof(range), "Range: bytes=%llu-%llu\r\n",
                     (unsigned long long)first, (unsigned long long)last);
        len = snprintf(req, 1024, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: mapboot\r\n%s"
                       "Accept-Encoding: identity\r\n\r\n", method, enc, c->t.host, range);
        if (len < 0 || len >= 1024) {
            rc = -ENAMETOOLONG;
            break;
        }
        if (!c->tcp) {
            rc = plat_tcp_open(c->t.ip, c->t.port, c->timeout_ms, &c->tcp);
            if (rc) {
                c->tcp = NULL;
                break;
            }
            c->reused = false;
            c->pos = c->len = 0;
        }
        rc = plat_tcp_send(c->tcp, req, (size_t)len, c->timeout_ms);
        if (rc == 0)
            rc = read_head(c, r, &closed_first);
        if (rc == 0)
            break;
        http_close(c);
        /* a kept-alive connection may have been closed by the server meanwhile */
        if (!(was_reused && (closed_first || rc == -ECONNRESET)))
            break;
    }
    free(req);
    if (rc)
        return rc;
    c->reused = true;
    r->no_body = strcasecmp8(method, "HEAD") == 0 || r->status < 200 || r->status == 204 ||
                 r->status == 304;
    r->left = r->has_length ? r->length : 0;
    if (!r->no_body && !r->chunked && !r->has_length)
        r->close = true; /* the body runs to the end of the connection */
    r->done = r->no_body || (r->has_length && r->length == 0);
    return 0;
}

/* Start the next chunk of a chunked body: its size line (and the trailer after the last). */
static int next_chunk(struct http_conn *c, struct http_resp *r)
{
    char line[128];
    uint64_t size = 0;
    int digits = 0, rc = read_line(c, line, sizeof(line));
    if (rc)
        return rc;
    for (const char *p = line; is_xdigit((unsigned char)*p); p++, digits++) {
        if (digits == 15)
            return -EPROTO;
        size = size * 16 + (uint64_t)(is_digit((unsigned char)*p) ? *p - '0'
                                                                  : to_lower(*p) - 'a' + 10);
    }
    if (!digits || (line[digits] && line[digits] != ';' && line[digits] != ' '))
        return -EPROTO;
    if (size) {
        r->in_chunk = true;
        r->left = size;
        return 0;
    }
    /* the last chunk: trailer fields up to a blank line, at most a few */
    for (int i = 0; i < 32; i++) {
        rc = read_line(c, line, sizeof(line));
        if (rc || !line[0])
            break;
    }
    if (rc == 0 && line[0])
        rc = -EPROTO;
    r->done = true;
    return rc;
}

int http_read_body(struct http_conn *c, struct http_resp *r, void *buf, size_t len, size_t *got)
{
    uint64_t can;
    int rc;
    *got = 0;
    while (!r->done && len) {
        if (r->chunked && !r->in_chunk) {
            rc = next_chunk(c, r);
            if (rc)
                return rc;
            continue;
        }
        can = (r->chunked || r->has_length) ? MIN((uint64_t)len, r->left) : len;
        if (c->pos < c->len) {
            size_t n = (size_t)MIN(can, (uint64_t)(c->len - c->pos));
            memcpy(buf, c->buf + c->pos, n);
            c->pos += n;
            *got = n;
        } else {
            size_t n = 0;
            /* straight into the caller's buffer: no copy for large reads */
            rc = plat_tcp_recv(c->tcp, buf, (size_t)can, c->timeout_ms, &n);
            if (rc)
                return rc;
            if (!n) {
                if (r->chunked || r->has_length)
                    return -ECONNRESET; /* closed inside the body */
                r->done = true;
                return 0;
            }
            *got = n;
        }
        if (r->chunked || r->has_length) {
            r->left -= *got;
            if (!r->left && r->chunked) {
                char crlf[4];
                r->in_chunk = false;
                rc = read_line(c, crlf, sizeof(crlf));
                if (rc == 0 && crlf[0])
                    rc = -EPROTO;
                if (rc)
                    return rc;
            } else if (!r->left) {
                r->done = true;
            }
        }
        return 0;
    }
    return 0;
}

void http_finish(struct http_conn *c, struct http_resp *r)
{
    uint8_t drop[4096];
    size_t dropped = 0, got;
    /* a short rest (an error page, say) is read so the connection stays usable */
    while (!r->close && !r->done && dropped < 65536) {
        if (http_read_body(c, r, drop, sizeof(drop), &got) || !got)
            break;
        dropped += got;
    }
    if (r->close || !r->done)
        http_close(c);
}
