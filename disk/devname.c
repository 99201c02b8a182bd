/*
 * The device syntax (drive.h): "(hd0,1)" and its relatives, and blocklists.
 * Every command that names a device goes through dev_parse, so the grammar
 * lives in one place:
 *
 *   ( )                 the current root device
 *   (bd) (md) (rd)      boot partition, raw memory, RAM drive
 *   (hdN) (cdN) (fdN)   by index; (hd-N) counts back from the last
 *   (hd) (cd) (fd)      the next free number (map targets only)
 *   (0xNN) (NN)         by BIOS number
 *   any of the numbered ones with ",P" for partition P
 *
 * The text is untrusted (menu.lst), so every number is range-checked.
 */
#include "drive.h"

#include "../src/shell.h"

static int bad(const char *s)
{
    const char *close = strchr8(s, ')');
    int n = close ? (int)(close - s) + 1 : (int)strnlen8(s, 64);
    return shell_error(-EINVAL, "bad device name '%.*s'", n, s);
}

/* Parse decimal (or 0x hex when hex) digits at *p into *out, at most max. */
static bool number(const char **p, bool hex, unsigned max, int *out)
{
    unsigned long v = 0;
    const char *s = *p;
    if (hex ? !is_xdigit((unsigned char)*s) : !is_digit((unsigned char)*s))
        return false;
    while (hex ? is_xdigit((unsigned char)*s) : is_digit((unsigned char)*s)) {
        int c = to_lower((unsigned char)*s);
        v = v * (hex ? 16 : 10) + (unsigned long)(is_digit(c) ? c - '0' : c - 'a' + 10);
        if (v > max)
            return false;
        s++;
    }
    *p = s;
    *out = (int)v;
    return true;
}

int dev_parse(const char *s, struct dev_spec *spec, const char **rest)
{
    static const struct { const char *name; enum drive_kind kind; } kinds[] = {
        { "hd", DRIVE_HD }, { "cd", DRIVE_CD }, { "fd", DRIVE_FD },
        { "bd", DRIVE_BD }, { "md", DRIVE_MD }, { "rd", DRIVE_RD },
    };
    const char *p = s + 1;
    memset(spec, 0, sizeof(*spec));
    spec->part = -1;
    if (s[0] != '(')
        return bad(s);
    if (*p == ')') {
        spec->root = true;
        *rest = p + 1;
        return 0;
    }
    if (is_digit((unsigned char)*p)) {
        bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
        if (hex)
            p += 2;
        if (!number(&p, hex, 0xFF, &spec->number))
            return bad(s);
        spec->by_number = true;
        spec->kind = spec->number >= DRIVE_CD_BASE ? DRIVE_CD
                     : spec->number >= DRIVE_HD_BASE ? DRIVE_HD : DRIVE_FD;
    } else {
        size_t i;
        for (i = 0; i < ARRAY_SIZE(kinds); i++)
            if (strncasecmp8(p, kinds[i].name, 2) == 0)
                break;
        if (i == ARRAY_SIZE(kinds))
            return bad(s);
        spec->kind = kinds[i].kind;
        p += 2;
        if (spec->kind >= DRIVE_BD) {
            if (*p != ')')
                return bad(s);
            *rest = p + 1;
            return 0;
        }
        if (*p == ')' ) {
            spec->next_free = true;
            *rest = p + 1;
            return 0;
        }
        if (*p == '-') {
            p++;
            spec->from_end = true;
            if (!number(&p, false, 0xFF, &spec->index) || spec->index == 0)
                return bad(s);
        } else if (!number(&p, false, 0xFF, &spec->index)) {
            return bad(s);
        }
    }
    if (*p == ',') {
        p++;
        if (!number(&p, false, 0xFFFF, &spec->part))
            return bad(s);
    }
    if (*p != ')')
        return bad(s);
    *rest = p + 1;
    return 0;
}

int dev_lookup(const struct dev_spec *spec, struct drive **out)
{
    struct drive *d = NULL;
    drive_init();
    if (spec->root) {
        struct dev_spec root;
        const char *rest;
        if (shell.root[0] != '(' || dev_parse(shell.root, &root, &rest) || root.root)
            return shell_error(-ENODEV, "the root device '%s' is not a device", shell.root);
        return dev_lookup(&root, out);
    }
    if (spec->next_free)
        return shell_error(-EINVAL, "(%s) names no drive yet; it is only a map target",
                           spec->kind == DRIVE_HD ? "hd" : spec->kind == DRIVE_CD ? "cd" : "fd");
    switch (spec->kind) {
    case DRIVE_BD:
        d = drive_boot();
        if (!d)
            return shell_error(-ENODEV, "(bd) is not a drive here");
        break;
    case DRIVE_MD:
        d = drive_md();
        break;
    case DRIVE_RD:
        d = drive_by_index(DRIVE_RD, 0);
        break;
    default:
        if (spec->by_number) {
            d = drive_by_number(spec->number);
        } else if (spec->from_end) {
            struct drive *last = drive_last(spec->kind);
            int n = 0;
            for (struct drive *x = drive_first(); x; x = drive_next(x))
                if (x->kind == spec->kind)
                    n++;
            if (last && spec->index <= n) {
                int want = n - spec->index, i = 0;
                for (struct drive *x = drive_first(); x; x = drive_next(x))
                    if (x->kind == spec->kind && i++ == want)
                        d = x;
            }
        } else {
            d = drive_by_index(spec->kind, spec->index);
        }
    }
    if (!d) {
        if (spec->by_number)
            return shell_error(-ENODEV, "no such drive: (0x%X)", (unsigned)spec->number);
        return shell_error(-ENODEV, "no such drive: (%s%s%d)",
                           spec->kind == DRIVE_HD ? "hd" : spec->kind == DRIVE_CD ? "cd"
                           : spec->kind == DRIVE_FD ? "fd" : "rd",
                           spec->from_end ? "-" : "", spec->index);
    }
    if (spec->part >= 0) {
        if (d->parent || d->kind >= DRIVE_BD)
            return shell_error(-ENODEV, "%s has no partitions", d->name);
        return drive_partition(d, spec->part, out);
    }
    *out = d;
    return 0;
}

int dev_find(const char *name, struct drive **out)
{
    struct dev_spec spec;
    const char *rest;
    int rc = dev_parse(name, &spec, &rest);
    if (rc)
        return rc;
    if (*rest)
        return bad(name);
    rc = dev_lookup(&spec, out);
    if (rc == 0 && drive_root(*out, NULL)->media_changed) {
        /* a new medium: its size and partitions first, then the name again */
        drive_check_media(*out);
        rc = dev_lookup(&spec, out);
    }
    return rc;
}

int blocklist_parse(const char *s, struct blocklist *bl)
{
    const char *p = s;
    bl->n = 0;
    if (!*p)
        return shell_error(-EINVAL, "empty blocklist");
    for (;;) {
        unsigned long long start = 0, count = 0;
        char *end;
        if (bl->n == BLOCKLIST_MAX)
            return shell_error(-EINVAL, "blocklist '%s' has more than %d runs", s, BLOCKLIST_MAX);
        if (*p != '+') {
            if (!is_digit((unsigned char)*p))
                goto bad;
            start = strtoull(p, &end, 0);
            p = end;
        }
        if (*p != '+' || !is_digit((unsigned char)p[1]))
            goto bad;
        count = strtoull(p + 1, &end, 0);
        p = end;
        /* strtoull saturates; anything this large cannot be a sector number */
        if (count == 0 || start >= (1ULL << 55) || count >= (1ULL << 55))
            goto bad;
        bl->run[bl->n].start = start;
        bl->run[bl->n].count = count;
        bl->n++;
        if (*p == 0)
            return 0;
        if (*p != ',')
            goto bad;
        p++;
    }
bad:
    return shell_error(-EINVAL, "bad blocklist '%s'", s);
}
