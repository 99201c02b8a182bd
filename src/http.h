/*
 * An HTTP/1.1 client over the platform's TCP (src/platform.h), for files on
 * (http,HOST[:PORT]) (fs/http.c): keep-alive, Range requests, chunked
 * bodies; redirects are the caller's (it sees the status and Location).
 * The server's bytes are untrusted: every header is bounded and checked
 * (fuzz_http), and a broken answer is -EPROTO with a message.
 */
#ifndef MB_HTTP_H
#define MB_HTTP_H

#include "libc.h"

#define HTTP_HEAD_MAX 8192     /* the status line and headers of one answer */
#define HTTP_TIMEOUT_MS 15000  /* connect, and silence while waiting for bytes */
#define HTTP_NO_RANGE UINT64_MAX

struct http_target {
    uint8_t ip[4];
    uint16_t port;
    char host[64];          /* the Host header: "10.0.2.2:8080" */
};

struct http_conn {
    struct http_target t;
    void *tcp;              /* NULL when not connected */
    bool reused;            /* it has carried an answer already */
    uint32_t timeout_ms;
    size_t pos, len;        /* buf[pos..len) is received and not yet read */
    uint8_t buf[16384];
};

struct http_resp {
    int status;
    char reason[48];
    bool has_length;        /* Content-Length */
    uint64_t length;
    bool chunked;           /* Transfer-Encoding: chunked */
    bool close;             /* the server closes after this answer */
    bool has_range;         /* Content-Range: bytes FIRST-LAST/TOTAL */
    uint64_t first, last, total;
    bool total_known;       /* TOTAL was not "*" */
    char location[512];     /* Location, for redirects ("" when none) */
    /* reading the body */
    bool no_body;           /* HEAD, 1xx, 204, 304 */
    bool done;
    bool in_chunk;
    uint64_t left;          /* of the body (with a length) or of the chunk */
};

/*
 * "HOST[:PORT]" (HOST a dotted IPv4 address; PORT 80 by default) into t.
 * -EINVAL with a message naming what is wrong.
 */
int http_target_parse(const char *spec, struct http_target *t);
/*
 * Send METHOD PATH (PATH percent-encoded here) with a Range of
 * [first, last] unless first is HTTP_NO_RANGE, and read the answer's head
 * into r. A kept-alive connection that the server closed meanwhile is
 * opened again once. Errors close the connection.
 */
int http_request(struct http_conn *c, const char *method, const char *path, uint64_t first,
                 uint64_t last, struct http_resp *r);
/* Up to len bytes of the body; *got 0 at its end. */
int http_read_body(struct http_conn *c, struct http_resp *r, void *buf, size_t len, size_t *got);
/*
 * Be done with the answer: the rest of a short body is read and dropped so
 * the connection can carry the next request; a long one, or a server that
 * closes, closes it.
 */
void http_finish(struct http_conn *c, struct http_resp *r);
void http_close(struct http_conn *c);

/* The head parser alone (for http_request and the fuzzer): head is NUL-terminated. */
int http_parse_head(char *head, struct http_resp *r);

#endif
