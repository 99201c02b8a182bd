/*
 * Files over HTTP: the volume (http,HOST[:PORT]) (GRUB's syntax), for cat,
 * configfile, map and the rest (fs.h). No drive lies under it; every read
 * is a Range request (src/http.c) over a kept-alive connection, each answer
 * checked to be a 206 with exactly the Content-Range asked for and every
 * byte of it (a server that sends less, or another range, is an error,
 * never a short read). Small reads fetch ahead into a cache whose size
 * doubles while reads stay sequential, so a filesystem or a loader reading
 * a mapped image piece by piece does not pay a request for each piece;
 * large reads (map --mem) go straight into the caller's buffer.
 *
 * A server that ignores Range (200 for the whole file) is still served for
 * files up to HTTP_WHOLE_MAX, read whole into memory (menus, small files).
 * There are no directories: ls and find over HTTP have nothing to list.
 */
#include "fs.h"

#include "../src/console.h"
#include "../src/http.h"
#include "../src/platform.h"
#include "../src/shell.h"

#define HTTP_VOLUMES 8
#define RA_MIN (64 * 1024)
#define RA_MAX (4u * 1024 * 1024)
#define HTTP_WHOLE_MAX (64u * 1024 * 1024)
#define HTTP_REDIRECTS 5

struct http_file {
    struct fs_file f;
    struct http_conn *conn;
    char path[FS_PATH_MAX];
    uint8_t *cache;
    size_t cache_cap, cache_len;
    uint64_t cache_off;
    uint64_t next;          /* where a sequential read would go on */
    size_t ra;              /* how far ahead small reads fetch */
    bool whole;             /* the server ignores Range: cache is the file */
};

static struct fs_volume volumes[HTTP_VOLUMES];
static struct http_target targets[HTTP_VOLUMES];
static const struct fs_ops fs_http;

/* The server as the user named it, for messages: "(http,10.0.2.2:8080)". */
static const char *vol_name(const struct fs_volume *vol)
{
    return vol->name;
}

static int fail(struct http_file *hf, int rc, const char *what)
{
    if (rc == -ECONNREFUSED || rc == -EHOSTUNREACH || rc == -ENETDOWN)
        return shell_error(rc, "%s%s: cannot reach the server: %s", vol_name(hf->f.vol),
                           hf->path, err_str(rc));
    if (rc == -ECONNRESET)
        return shell_error(rc, "%s%s: %s: the server closed the connection",
                           vol_name(hf->f.vol), hf->path, what);
    if (rc == -EPROTO || rc == -ENOSPC)
        return shell_error(-EPROTO, "%s%s: the server's answer is broken (%s)",
                           vol_name(hf->f.vol), hf->path, what);
    return shell_error(rc, "%s%s: %s: %s", vol_name(hf->f.vol), hf->path, what, err_str(rc));
}

/* Follow a Location to the file's new place: "/path" or "http://HOST[:PORT]/path". */
static int relocate(struct http_file *hf, const char *loc)
{
    struct http_target t;
    char spec[64];
    const char *slash;
    size_t n;
    int rc;
    if (loc[0] == '/') {
        strlcpy8(hf->path, loc, sizeof(hf->path));
        return 0;
    }
    if (!str_starts_case8(loc, "http://"))
        return shell_error(-ENOTSUP, "%s%s: redirected to '%s', which mapboot cannot follow",
                           vol_name(hf->f.vol), hf->path, loc);
    loc += 7;
    slash = strchr8(loc, '/');
    n = slash ? (size_t)(slash - loc) : strlen8(loc);
    if (n >= sizeof(spec))
        return -EPROTO;
    memcpy(spec, loc, n);
    spec[n] = 0;
    rc = http_target_parse(spec, &t);
    if (rc)
        return rc;
    if (memcmp(&t, &hf->conn->t, sizeof(t)) != 0) {
        http_close(hf->conn);
        hf->conn->t = t;
    }
    strlcpy8(hf->path, slash ? slash : "/", sizeof(hf->path));
    return 0;
}

/* The whole body of a 200 into the cache (a server without Range). */
static int read_whole(struct http_file *hf, struct http_resp *r)
{
    size_t cap = r->has_length ? (size_t)MIN(r->length, (uint64_t)HTTP_WHOLE_MAX) : 65536;
    if (r->has_length && r->length > HTTP_WHOLE_MAX)
        return shell_error(-ENOTSUP, "%s%s: the server does not answer Range requests, and "
                           "the file is over %u MiB", vol_name(hf->f.vol), hf->path,
                           HTTP_WHOLE_MAX >> 20);
    hf->cache = malloc(cap ? cap : 1);
    if (!hf->cache)
        return -ENOMEM;
    hf->cache_cap = cap;
    for (;;) {
        size_t got;
        int rc;
        if (hf->cache_len == hf->cache_cap) {
            uint8_t *n;
            if (r->has_length || hf->cache_cap >= HTTP_WHOLE_MAX)
                break;
            n = realloc(hf->cache, hf->cache_cap * 2);
            if (!n)
                return -ENOMEM;
            hf->cache = n;
            hf->cache_cap *= 2;
        }
        rc = http_read_body(hf->conn, r, hf->cache + hf->cache_len,
                            hf->cache_cap - hf->cache_len, &got);
        if (rc)
            return fail(hf, rc, "reading");
        if (!got)
            break;
        hf->cache_len += got;
    }
    if (!r->done)
        return shell_error(-ENOTSUP, "%s%s: the server does not answer Range requests, and "
                           "the file is over %u MiB", vol_name(hf->f.vol), hf->path,
                           HTTP_WHOLE_MAX >> 20);
    hf->whole = true;
    hf->cache_off = 0;
    hf->f.size = hf->cache_len;
    return 0;
}

/*
 * The file's size, and its first RA_MIN bytes into the cache, from a Range
 * request (following redirects): a small file (a menu) takes one request.
 */
static int probe(struct http_file *hf)
{
    struct http_resp r;
    int rc;
    for (int hops = 0; hops <= HTTP_REDIRECTS; hops++) {
        rc = http_request(hf->conn, "GET", hf->path, 0, RA_MIN - 1, &r);
        if (rc)
            return fail(hf, rc, "asking for it");
        if (r.status == 206) {
            size_t want;
            /* the range asked for, or the whole of a shorter file */
            if (!r.has_range || r.first != 0 || !r.total_known || r.total == 0 ||
                r.last != MIN((uint64_t)RA_MIN, r.total) - 1) {
                http_close(hf->conn);
                return shell_error(-EPROTO, "%s%s: the server answered bytes 0-%u with another "
                                   "range", vol_name(hf->f.vol), hf->path, RA_MIN - 1);
            }
            want = (size_t)r.last + 1;
            hf->cache = malloc(RA_MIN);
            if (!hf->cache) {
                http_close(hf->conn);
                return -ENOMEM;
            }
            hf->cache_cap = RA_MIN;
            while (hf->cache_len < want) {
                size_t got = 0;
                rc = http_read_body(hf->conn, &r, hf->cache + hf->cache_len,
                                    want - hf->cache_len, &got);
                if (rc == 0 && !got)
                    rc = -EPROTO;
                if (rc) {
                    http_close(hf->conn);
                    return fail(hf, rc, "reading");
                }
                hf->cache_len += got;
            }
            http_finish(hf->conn, &r);
            hf->cache_off = 0;
            hf->next = want;
            hf->f.size = r.total;
            return 0;
        }
        if (r.status == 416) {
            /* the range does not fit: an empty file says its size is 0 */
            http_finish(hf->conn, &r);
            if (r.total_known && r.total == 0) {
                hf->f.size = 0;
                return 0;
            }
            return shell_error(-EPROTO, "%s%s: the server refused bytes 0-0 (HTTP 416)",
                               vol_name(hf->f.vol), hf->path);
        }
        if (r.status == 200) {
            rc = read_whole(hf, &r);
            http_finish(hf->conn, &r);
            return rc;
        }
        if ((r.status == 301 || r.status == 302 || r.status == 303 || r.status == 307 ||
             r.status == 308) && r.location[0]) {
            http_finish(hf->conn, &r);
            rc = relocate(hf, r.location);
            if (rc)
                return rc;
            continue;
        }
        http_finish(hf->conn, &r);
        if (r.status == 404 || r.status == 410)
            return shell_error(-ENOENT, "%s%s: not found (HTTP %d)", vol_name(hf->f.vol),
                               hf->path, r.status);
        if (r.status == 401 || r.status == 403)
            return shell_error(-EACCES, "%s%s: the server refuses it (HTTP %d %s)",
                               vol_name(hf->f.vol), hf->path, r.status, r.reason);
        return shell_error(-EIO, "%s%s: HTTP %d %s", vol_name(hf->f.vol), hf->path, r.status,
                           r.reason);
    }
    return shell_error(-ELOOP, "%s%s: more than %d redirects", vol_name(hf->f.vol), hf->path,
                       HTTP_REDIRECTS);
}

/* Bytes [off, off+len) of the file into dst, by one Range request, all or an error. */
static int fetch(struct http_file *hf, uint64_t off, uint8_t *dst, size_t len)
{
    struct http_resp r;
    size_t done = 0;
    int rc;
    if (con_interrupted())
        return shell_error(-ECANCELED, "%s%s: stopped (Ctrl-C)", vol_name(hf->f.vol), hf->path);
    rc = http_request(hf->conn, "GET", hf->path, off, off + len - 1, &r);
    if (rc)
        return fail(hf, rc, "asking for a range");
    if (r.status != 206 || !r.has_range || r.first != off || r.last != off + len - 1 ||
        (r.total_known && r.total != hf->f.size)) {
        http_close(hf->conn);
        if (r.status != 206)
            return shell_error(r.status == 404 ? -ENOENT : -EPROTO,
                               "%s%s: bytes %llu-%llu: HTTP %d %s", vol_name(hf->f.vol),
                               hf->path, (unsigned long long)off,
                               (unsigned long long)(off + len - 1), r.status, r.reason);
        return shell_error(-EPROTO, "%s%s: asked for bytes %llu-%llu of %llu, got %llu-%llu of "
                           "%llu", vol_name(hf->f.vol), hf->path, (unsigned long long)off,
                           (unsigned long long)(off + len - 1),
                           (unsigned long long)hf->f.size, (unsigned long long)r.first,
                           (unsigned long long)r.last, (unsigned long long)r.total);
    }
    while (done < len) {
        size_t got;
        rc = http_read_body(hf->conn, &r, dst + done, len - done, &got);
        if (rc == 0 && !got)
            rc = -EPROTO;
        if (rc) {
            http_close(hf->conn);
            if (rc == -EPROTO)
                return shell_error(rc, "%s%s: bytes %llu-%llu: the server sent %llu bytes and "
                                   "stopped", vol_name(hf->f.vol), hf->path,
                                   (unsigned long long)off, (unsigned long long)(off + len - 1),
                                   (unsigned long long)done);
            return fail(hf, rc, "reading");
        }
        done += got;
    }
    /* every byte asked for, and nothing more */
    if (!r.done) {
        uint8_t extra;
        size_t got = 0;
        if (http_read_body(hf->conn, &r, &extra, 1, &got) || got || !r.done) {
            http_close(hf->conn);
            return shell_error(-EPROTO, "%s%s: the server sent more than the range asked",
                               vol_name(hf->f.vol), hf->path);
        }
    }
    http_finish(hf->conn, &r);
    return 0;
}

/* What the cache holds of [off, off+len) from its start: bytes copied into out. */
static size_t from_cache(struct http_file *hf, uint64_t off, uint8_t *out, size_t len)
{
    size_t n;
    if (off < hf->cache_off || off >= hf->cache_off + hf->cache_len)
        return 0;
    n = (size_t)MIN((uint64_t)len, hf->cache_off + hf->cache_len - off);
    memcpy(out, hf->cache + (off - hf->cache_off), n);
    return n;
}

static int http_read(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
    struct http_file *hf = (struct http_file *)f;
    uint8_t *out = buf;
    size_t head, want;
    int rc;
    *got = 0;
    if (off >= f->size)
        return 0;
    len = (size_t)MIN((uint64_t)len, f->size - off);
    /* what the cache has of the start is copied; only the rest is fetched */
    head = from_cache(hf, off, out, len);
    *got = head;
    if (head == len || hf->whole)
        return 0;
    off += head;
    out += head;
    len -= head;
    if (len >= RA_MAX) {
        rc = fetch(hf, off, out, len);
        if (rc == 0)
            *got += len;
        hf->next = off + len;
        return rc;
    }
    /* read ahead: doubling while sequential, back to the minimum on a seek */
    hf->ra = off == hf->next ? MIN((size_t)RA_MAX, hf->ra ? hf->ra * 2 : RA_MIN) : RA_MIN;
    want = (size_t)MIN((uint64_t)MAX(len, hf->ra), f->size - off);
    if (hf->cache_cap < want) {
        uint8_t *n = realloc(hf->cache, want);
        if (!n)
            return -ENOMEM;
        hf->cache = n;
        hf->cache_cap = want;
    }
    hf->cache_len = 0;
    rc = fetch(hf, off, hf->cache, want);
    if (rc)
        return rc;
    hf->cache_off = off;
    hf->cache_len = want;
    hf->next = off + len;
    memcpy(out, hf->cache, len);
    *got += len;
    return 0;
}

static void http_file_close(struct fs_file *f)
{
    struct http_file *hf = (struct http_file *)f;
    if (!hf)
        return;
    http_close(hf->conn);
    free(hf->conn);
    free(hf->cache);
    free(hf);
}

static int http_open(struct fs_volume *vol, const char *path, struct fs_file **out)
{
    struct http_file *hf = calloc(1, sizeof(*hf));
    int rc;
    if (!hf || !(hf->conn = calloc(1, sizeof(*hf->conn)))) {
        free(hf);
        return -ENOMEM;
    }
    hf->f.priv = hf;
    hf->f.vol = vol;
    hf->conn->t = *(struct http_target *)vol->priv;
    strlcpy8(hf->path, path, sizeof(hf->path));
    if (path[0] == '/' && path[1] == 0) {
        hf->f.is_dir = true; /* the server's root, as a place to be (root, cd) */
        *out = &hf->f;
        return 0;
    }
    rc = probe(hf);
    if (rc) {
        http_file_close(&hf->f);
        return rc;
    }
    *out = &hf->f;
    return 0;
}

static const struct fs_ops fs_http = {
    .name = "http",
    .mount = netvol_mount,
    .unmount = netvol_unmount,
    .open = http_open,
    .read = http_read,
    .readdir = netvol_no_listing,
    .close = http_file_close,
    .label = netvol_no_id,
    .uuid = netvol_no_id,
};

bool http_is_device(const char *dev)
{
    return str_starts_case8(dev, "(http,");
}

int http_volume_get(const char *dev, struct fs_volume **out)
{
    struct http_target t;
    struct plat_net_info info;
    char spec[64];
    int free_slot = -1, rc = netvol_spec(dev, "(http,", spec, sizeof(spec));
    if (rc == 0)
        rc = http_target_parse(spec, &t);
    if (rc)
        return rc;
    for (int i = 0; i < HTTP_VOLUMES; i++) {
        if (volumes[i].ops && memcmp(&targets[i], &t, sizeof(t)) == 0) {
            *out = &volumes[i];
            return 0;
        }
        if (!volumes[i].ops && !volumes[i].refs && free_slot < 0)
            free_slot = i;
    }
    if (free_slot < 0)
        return shell_error(-ENOSPC, "%s: already %d HTTP servers in use", dev, HTTP_VOLUMES);
    /* the interface comes up (DHCP) on first use; what it found shows in ifconfig */
    rc = plat_net_up(20000, &info);
    if (rc)
        return shell_error(rc, "%s: no network: %s", dev, err_str(rc));
    targets[free_slot] = t;
    memset(&volumes[free_slot], 0, sizeof(volumes[free_slot]));
    snprintf(volumes[free_slot].name, sizeof(volumes[free_slot].name), "(http,%s)",
             t.port == 80 ? spec : t.host);
    volumes[free_slot].dev = volumes[free_slot].name;
    volumes[free_slot].priv = &targets[free_slot];
    volumes[free_slot].ops = &fs_http;
    volumes[free_slot].type = "http";
    volumes[free_slot].remote = true;
    *out = &volumes[free_slot];
    return 0;
}
