/*
 * imagemenu [DIR]: a menu entry for every disk or CD image in DIR (default
 * /images) on every disk and CD, as Ventoy users know it: copy an image onto
 * the stick, and it is in the menu. In a menu's global section the entries
 * are added to that menu, before its own titles; at the command line it lists
 * what it would add.
 *
 * What an entry does follows the name, case ignored:
 *   .iso                          map in place as a CD (0xff), chainloader (0xff)
 *   .img .vhd .vhdx (.ima .raw)   map in place as a hard disk, chainloader (hd-1)
 *   any of those + .gz or .lz4    map --mem, as a CD for .iso, else a hard disk
 *                                 (x.iso.gz, x.vhd.lz4; a backup.tar.gz is none)
 * The entry's lines are ordinary commands (`e` in the menu shows them), run
 * with errorcheck on like any entry: a map that fails stops it.
 */
#include "../fs/fs.h"
#include "../menu/menu.h"
#include "../src/shell.h"

#define IMAGES_MAX 200 /* per command; the menu holds MENU_ENTRIES_MAX */

struct image {
    char dev[40];
    char name[FS_PATH_MAX - 240]; /* device (40) + DIR (200) + name: one path */
    uint64_t size;
};

struct scan {
    const char *dir;
    struct image *img;
    int n;
    int skipped;   /* names the interpreter would misread */
    bool full;
};

static bool ends_case(const char *s, const char *suffix)
{
    size_t n = strlen8(s), m = strlen8(suffix);
    return n > m && strcasecmp8(s + n - m, suffix) == 0;
}

/* "cd" or "hd" for an image name (uncompressed), or NULL. */
static const char *plain_kind(const char *name)
{
    static const char *const disks[] = { ".img", ".vhd", ".vhdx", ".ima", ".raw" };
    if (ends_case(name, ".iso"))
        return "cd";
    for (size_t i = 0; i < ARRAY_SIZE(disks); i++)
        if (ends_case(name, disks[i]))
            return "hd";
    return NULL;
}

/*
 * How name is booted: "cd", "hd", or NULL when it is no image; *mem for a
 * compressed one, whose name under .gz/.lz4 must be an image's (x.iso.gz):
 * a backup.tar.gz is no disk.
 */
static const char *image_kind(const char *name, bool *mem)
{
    char inner[sizeof(((struct fs_dirent *)0)->name)];
    size_t n = strlen8(name);
    *mem = ends_case(name, ".gz") || ends_case(name, ".lz4");
    if (!*mem)
        return plain_kind(name);
    n -= ends_case(name, ".gz") ? 3 : 4;
    if (n >= sizeof(inner))
        return NULL;
    memcpy(inner, name, n);
    inner[n] = 0;
    return plain_kind(inner);
}

/*
 * A name goes into a command line inside double quotes: a quote, a
 * backslash, a % (variables expand before words split) or a control
 * character would change what the line says, so such a file is left out.
 */
static bool name_is_plain(const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || *p == '%')
            return false;
    return true;
}

static int by_name(const struct image *a, const struct image *b)
{
    int c = strcasecmp8(a->name, b->name);
    return c ? c : strcmp8(a->name, b->name);
}

static int visit(const char *dev, struct fs_volume *vol, void *ctx)
{
    struct scan *sc = ctx;
    char path[FS_PATH_MAX];
    struct fs_file *dir;
    struct fs_dirent ent;
    int first = sc->n;
    if (snprintf(path, sizeof(path), "%s%s", vol->dev, sc->dir) >= (int)sizeof(path) ||
        fs_open(path, &dir) != 0)
        return 0;
    if (fs_is_dir(dir)) {
        while (fs_readdir(dir, &ent) > 0) {
            bool mem;
            if (ent.is_dir || !image_kind(ent.name, &mem))
                continue;
            /* a name that cannot go into a line, or too long for a path (FS_PATH_MAX) */
            if (!name_is_plain(ent.name) || strlen8(ent.name) >= sizeof(sc->img[0].name)) {
                sc->skipped++;
                continue;
            }
            if (sc->n == IMAGES_MAX) {
                sc->full = true;
                break;
            }
            strlcpy8(sc->img[sc->n].dev, vol->dev, sizeof(sc->img[0].dev));
            strlcpy8(sc->img[sc->n].name, ent.name, sizeof(sc->img[0].name));
            sc->img[sc->n].size = ent.size;
            sc->n++;
        }
    }
    fs_close(dir);
    /* each volume's images by name (directory order is the filesystem's) */
    for (int i = first + 1; i < sc->n; i++)
        for (int j = i; j > first && by_name(&sc->img[j], &sc->img[j - 1]) < 0; j--) {
            struct image t = sc->img[j];
            sc->img[j] = sc->img[j - 1];
            sc->img[j - 1] = t;
        }
    return sc->full;
}

/* The entry's lines for image i: map it, then start its EFI loader. */
static char *entry_text(const struct scan *sc, const struct image *im)
{
    bool mem;
    bool cd = strcmp8(image_kind(im->name, &mem), "cd") == 0;
    return asprintf8("map %s\"%s%s/%s\" %s\nchainloader %s\n", mem ? "--mem " : "", im->dev,
                     sc->dir, im->name, cd ? "(0xff)" : "(hd)", cd ? "(0xff)" : "(hd-1)");
}

static const char *how(const struct image *im)
{
    bool mem;
    bool cd = strcmp8(image_kind(im->name, &mem), "cd") == 0;
    return mem ? (cd ? "copied to RAM as a CD" : "copied to RAM as a disk")
               : (cd ? "in place as a CD" : "in place as a disk");
}

static int add_entries(struct menu *m, const struct scan *sc)
{
    for (int i = 0; i < sc->n; i++) {
        const struct image *im = &sc->img[i];
        char *text = entry_text(sc, im), *help;
        struct script *s = NULL;
        int rc;
        if (!text)
            return -ENOMEM;
        rc = script_parse(m->s->name, text, strlen8(text), shell.where_line, &s);
        free(text);
        if (rc == 0) {
            /* every line of it is the imagemenu line of the menu file, for messages */
            for (size_t k = 0; k < s->nlines; k++)
                s->lineno[k] = shell.where_line;
            help = asprintf8("%s%s/%s, %llu MiB, %s", im->dev, sc->dir, im->name,
                             (unsigned long long)((im->size + (1 << 20) - 1) >> 20), how(im));
            rc = help ? menu_add_made_entry(m, im->name, help, s) : -ENOMEM;
            free(help);
        }
        script_put(s);
        if (rc)
            return rc;
    }
    return 0;
}

static int imagemenu_exec(struct cmd_args *a)
{
    struct scan sc = { .dir = "/images" };
    int rc = 0;
    if (a->first < a->argc)
        sc.dir = a->argv[a->first];
    if (sc.dir[0] != '/' || strlen8(sc.dir) > 200)
        return shell_error(-EINVAL, "imagemenu: DIR must be a path from a volume's root, like /images");
    sc.img = calloc(IMAGES_MAX, sizeof(*sc.img));
    if (!sc.img)
        return -ENOMEM;
    fs_for_each_volume("hc", false, visit, &sc);
    if (sc.skipped)
        con_printf("imagemenu: left out %d image%s: a name with \", \\ or %%, or over %d "
                   "bytes, cannot go into a menu line; rename %s\n", sc.skipped,
                   sc.skipped > 1 ? "s" : "", (int)sizeof(sc.img[0].name) - 1,
                   sc.skipped > 1 ? "them" : "it");
    if (sc.full)
        con_printf("imagemenu: more than %d images; the rest are left out\n", IMAGES_MAX);
    if (menu_cur && menu_cur->loading) {
        rc = add_entries(menu_cur, &sc);
        if (rc) {
            char why[sizeof(shell.errmsg)];
            strlcpy8(why, rc == -E2BIG ? shell.errmsg : err_str(rc), sizeof(why));
            rc = shell_error(rc, "imagemenu: %s", why);
        }
    } else {
        for (int i = 0; i < sc.n; i++)
            con_printf("%s%s/%s: %s\n", sc.img[i].dev, sc.dir, sc.img[i].name, how(&sc.img[i]));
        if (!sc.n)
            con_printf("imagemenu: no images in %s on any disk or CD\n", sc.dir);
    }
    free(sc.img);
    if (rc)
        return rc;
    return sc.n;
}

COMMAND(imagemenu, imagemenu_exec, "imagemenu [DIR]",
        "A menu entry for every image in DIR (default /images) on every disk and CD. In a\n"
        "menu's global section the entries are added before the menu's own titles (so\n"
        "`default 0` is the first image, and default/fallback numbers of the titles count\n"
        "the images); typed at the prompt it lists them. By name:\n"
        "  .iso                 mapped in place as a CD (0xff), its EFI loader started\n"
        "  .img .ima .raw .vhd .vhdx  mapped in place as a disk (hd), its ESP's loader started\n"
        "  one of those + .gz or .lz4 (x.iso.gz, x.img.lz4)  copied to RAM with map --mem\n"
        "Each volume's images are in name order. Returns the number found (0: false).",
        NULL);
