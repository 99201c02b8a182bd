/*
 * The HTTP client (src/http.c) and files over HTTP (fs/http.c) against a
 * scripted server (tests/host/net.c: each connection gets canned bytes,
 * delivered in small pieces): sizes from Content-Range, keep-alive and a
 * server that closed it meanwhile, redirects, chunked bodies from a server
 * without Range, and named broken answers, each an error and never a short
 * or wrong read. The real server (nginx) is in tests/drives/http.sh.
 */
#include "test.h"

#include "../../fs/fs.h"
#include "../../src/http.h"

static void script(const char *const *answers, size_t n)
{
    host_tcp_script = answers;
    host_tcp_script_n = n;
    host_tcp_reset();
}

static void unscript(void)
{
    script(NULL, 0);
}

/* "0123456789" as a 206 of bytes A-B of a TOTAL-byte file. */
#define R206(range, len, total, body)                                                       \
    "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " range "/" total               \
    "\r\nContent-Length: " len "\r\n\r\n" body

TEST(http_target_forms)
{
    struct http_target t;
    ok(http_target_parse("10.0.2.2:8080", &t) == 0 && t.port == 8080 && t.ip[0] == 10 &&
       t.ip[3] == 2);
    ok_str(t.host, "10.0.2.2:8080");
    ok(http_target_parse("192.168.1.1", &t) == 0 && t.port == 80);
    ok(http_target_parse("example.com", &t) == -EINVAL);
    ok(http_target_parse("1.2.3.256", &t) == -EINVAL);
    ok(http_target_parse("1.2.3.4:0", &t) == -EINVAL);
    ok(http_target_parse("1.2.3.4:65536", &t) == -EINVAL);
    ok(http_target_parse("1.2.3.4:80x", &t) == -EINVAL);
    ok(http_target_parse("1.2.3", &t) == -EINVAL);
}

TEST(http_file_sizes_ranges_and_keep_alive)
{
    /* one connection carries the probe and a later range; the file is 10 bytes */
    static const char *const one[] = {
        R206("0-9", "10", "10", "0123456789"),
    };
    script(one, 1);
    ok_str(run_script("cat (http,10.0.0.1:8080)/dir/a%20b.txt"), "0123456789");
    ok(host_tcp_opens == 1);
    /* the path is percent-encoded, the Host is the server, the range is the first 64 KiB */
    ok(strstr(host_tcp_sent, "GET /dir/a%2520b.txt HTTP/1.1\r\n") != NULL);
    ok(strstr(host_tcp_sent, "Host: 10.0.0.1:8080\r\n") != NULL);
    ok(strstr(host_tcp_sent, "Range: bytes=0-65535\r\n") != NULL);
    unscript();
}

TEST(http_reads_past_the_probe_are_range_requests)
{
    /* a 100000-byte file: the probe brings 64 KiB, the rest comes as asked */
    static char probe[65536 + 200], rest[100000 - 65536 + 200];
    static const char *answers[2];
    size_t n = (size_t)snprintf(probe, 200, "HTTP/1.1 206 Partial Content\r\n"
                                "Content-Range: bytes 0-65535/100000\r\n"
                                "Content-Length: 65536\r\n\r\n");
    memset(probe + n, 'a', 65536);
    probe[n + 65536] = 0;
    n = (size_t)snprintf(rest, 200, "HTTP/1.1 206 Partial Content\r\n"
                         "Content-Range: bytes 65536-99999/100000\r\n"
                         "Content-Length: 34464\r\n\r\n");
    memset(rest + n, 'b', 34464);
    rest[n + 34464] = 0;
    /* the same connection would carry both; the script gives each its own */
    answers[0] = probe;
    answers[1] = rest;
    script(answers, 2);
    /*
     * connection 1 ends after the probe, as a server that closes a kept-alive
     * connection meanwhile does: the second request reconnects, once
     */
    ok(strlen(run_script("cat (http,10.0.0.1)/big.bin")) == 100000);
    ok(host_out && host_out[0] == 'a' && host_out[65535] == 'a' && host_out[65536] == 'b' &&
       host_out[99999] == 'b');
    ok(host_tcp_opens == 2);
    /* only what the probe did not bring is asked for */
    ok(strstr(host_tcp_sent, "Range: bytes=65536-99999\r\n") != NULL);
    unscript();
}

TEST(http_redirects_and_404)
{
    static const char *const answers[] = {
        "HTTP/1.1 302 Found\r\nLocation: /real.txt\r\nContent-Length: 3\r\n\r\nabc"
        R206("0-1", "2", "2", "ok"),
        "HTTP/1.1 301 Moved\r\nLocation: http://10.0.0.9:81/x\r\nContent-Length: 0\r\n\r\n",
        R206("0-1", "2", "2", "ok"),
        "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nnope!",
    };
    script(answers, 4);
    ok_str(run_script("cat (http,10.0.0.1)/moved.txt"), "ok");
    ok(strstr(host_tcp_sent, "GET /real.txt HTTP/1.1") != NULL);
    /* to another server: a new connection with its Host */
    ok_str(run_script("cat (http,10.0.0.1)/elsewhere"), "ok");
    ok(strstr(host_tcp_sent, "Host: 10.0.0.9:81\r\n") != NULL);
    ok_str(run_script("cat (http,10.0.0.1)/gone"),
           "Error: cat: (http,10.0.0.1)/gone: not found (HTTP 404)\n");
    unscript();
}

TEST(http_server_without_range_chunked)
{
    static const char *const answers[] = {
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n",
    };
    script(answers, 1);
    ok_str(run_script("cat (http,10.0.0.1)/menu.lst"), "hello, world");
    unscript();
}

TEST(http_broken_answers_are_errors)
{
    static const struct {
        const char *name, *answer, *want;
    } cases[] = {
        /* http-range-mismatch: asked 0-65535, answered another range */
        { "range", R206("5-9", "5", "10", "56789"), "another range" },
        /* http-short-body: the server stops inside the body */
        { "short", "HTTP/1.1 206 Partial\r\nContent-Range: bytes 0-9/10\r\n"
                   "Content-Length: 10\r\n\r\n01234", "server closed the connection" },
        /* http-bad-status-line */
        { "status", "HTTP/9 200 OK\r\n\r\n", "answer is broken" },
        /* http-header-without-colon */
        { "header", "HTTP/1.1 206 X\r\nContent-Range bytes 0-9/10\r\n\r\n", "answer is broken" },
        /* http-two-lengths */
        { "lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcde",
          "answer is broken" },
        /* http-last-past-total */
        { "total", R206("0-9", "10", "5", "0123456789"), "answer is broken" },
        /* http-bad-chunk-size */
        { "chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
          "answer is broken" },
        /* http-gzip-encoding (never asked for) */
        { "gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "answer is broken" },
        /* http-nothing: the server closes at once */
        { "empty", "", "server closed the connection" },
        /* http-server-error */
        { "500", "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n",
          "HTTP 500 Internal Server Error" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *answers[1] = { cases[i].answer };
        const char *out;
        script(answers, 1);
        out = run_script("cat (http,10.0.0.1)/f");
        if (!strstr(out, cases[i].want) || !strstr(out, "Error: cat: (http,10.0.0.1)/f"))
            printf("    case %s: %s", cases[i].name, out);
        ok(strstr(out, cases[i].want) != NULL);
    }
    unscript();
}

/* A server that goes silent mid-body: a timeout, said so, and never a short file. */
TEST(http_timeout)
{
    static const char *const answers[] = {
        "HTTP/1.1 206 Partial\r\nContent-Range: bytes 0-9/10\r\nContent-Length: 10\r\n\r\n012",
    };
    script(answers, 1);
    host_tcp_hang = 1;
    ok_str(run_script("cat (http,10.0.0.1)/slow"),
           "Error: cat: (http,10.0.0.1)/slow: reading: timed out\n");
    unscript();
}

TEST(http_refused)
{
    host_tcp_refuse = 1;
    ok_str(run_script("cat (http,10.0.0.1)/x"),
           "Error: cat: (http,10.0.0.1)/x: cannot reach the server: connection refused\n");
    host_tcp_refuse = 0;
    unscript();
}

TEST(http_no_listing)
{
    static const char *const answers[] = { "" };
    script(answers, 1);
    ok_str(run_script("ls (http,10.0.0.1)/"),
           "Error: ls: (http,10.0.0.1): HTTP has no directory listings; name the file\n");
    ok(host_tcp_opens == 0);
    unscript();
}

/* chainloader and kernel over HTTP: the file is read whole and loaded from memory. */
TEST(http_chainloader_and_kernel_load_from_memory)
{
    /* each command opens the file twice: to check it, then to read it */
    static const char *const answers[] = {
        R206("0-3", "4", "4", "MZab"),
        R206("0-3", "4", "4", "MZab"),
        R206("0-3", "4", "4", "MZcd"),
        R206("0-3", "4", "4", "MZcd"),
    };
    script(answers, 4);
    ok_str(run_script("chainloader (http,10.0.0.1:8080)/boot.efi opt=1"), "");
    ok_str(host_image, "mem http://10.0.0.1:8080/boot.efi (4 bytes, 4d5a) opt=1");
    ok_str(run_script("kernel (http,10.0.0.1:8080)/vmlinuz console=ttyS0"), "");
    ok_str(host_image, "mem http://10.0.0.1:8080/vmlinuz (4 bytes, 4d5a) console=ttyS0");
    ok(host_tcp_opens == 4);
    boot_clear_loader();
    unscript();
}
