/*
 * The path walker (fs_walk in fs/fs.c) over a filesystem made of a table:
 * what each real filesystem relies on it for. Splitting, "." and "..",
 * symlinks (relative, absolute, to directories, chains and loops, empty),
 * ENOTDIR and ENOENT, a directory that contains itself, the depth, name,
 * length and component bounds, and that every node it takes is put back,
 * whatever the outcome.
 */
#include "test.h"

#include "../../fs/fs.h"
#include "../../src/shell.h"

/* One entry: name in directory parent (an index), with a kind, an id and a target. */
struct ent {
    const char *name;
    int parent;
    enum fs_node_kind kind;
    uint64_t id;
    const char *target;
};

/*
 * 0 is the root. "deep" is a directory that holds another "deep" (with a
 * new id each time: a tree as deep as one walks), "self" holds "again" with
 * the id of the root (a directory that contains itself).
 */
static const struct ent tree[] = {
    { "/", -1, FS_NODE_DIR, 100, NULL },
    { "a", 0, FS_NODE_DIR, 101, NULL },          /* 1 */
    { "b", 1, FS_NODE_DIR, 102, NULL },          /* 2 */
    { "file", 2, FS_NODE_FILE, 103, NULL },      /* 3 */
    { "rel", 0, FS_NODE_LINK, 0, "a/b/file" },   /* 4 */
    { "abs", 2, FS_NODE_LINK, 0, "/a/b" },       /* 5: a link to a directory */
    { "up", 2, FS_NODE_LINK, 0, "../.." },       /* 6 */
    { "loop", 0, FS_NODE_LINK, 0, "loop" },      /* 7 */
    { "empty", 0, FS_NODE_LINK, 0, "" },         /* 8 */
    { "self", 0, FS_NODE_DIR, 104, NULL },       /* 9 */
    { "again", 9, FS_NODE_DIR, 100, NULL },      /* 10: the root's id */
    { "l1", 0, FS_NODE_LINK, 0, "l2" },          /* 11..18: a chain of 8 links to a */
    { "l2", 0, FS_NODE_LINK, 0, "l3" },
    { "l3", 0, FS_NODE_LINK, 0, "l4" },
    { "l4", 0, FS_NODE_LINK, 0, "l5" },
    { "l5", 0, FS_NODE_LINK, 0, "l6" },
    { "l6", 0, FS_NODE_LINK, 0, "l7" },
    { "l7", 0, FS_NODE_LINK, 0, "l8" },
    { "l8", 0, FS_NODE_LINK, 0, "a" },
    { "l0", 0, FS_NODE_LINK, 0, "l1" },          /* 19: nine */
    { "deep", 0, FS_NODE_DIR, 1000, NULL },      /* 20 */
    { "bad", 0, FS_NODE_DIR, 105, NULL },        /* 21: its lookups fail with -EIO */
    { "dots", 0, FS_NODE_LINK, 0, NULL },        /* 22: target made by the test */
    { "broken", 0, FS_NODE_LINK, 0, NULL },      /* 23: its readlink fails with -EIO */
};

struct tnode {
    struct fs_node n;
    int idx;
    uint64_t deep; /* how deep in "deep" */
};

static int live; /* nodes taken and not put */
static char dots_target[FS_LINK_MAX];

static struct fs_node *make(int idx, uint64_t deep)
{
    struct tnode *t = calloc(1, sizeof(*t));
    t->n.kind = tree[idx].kind;
    t->n.id = tree[idx].id + deep;
    t->idx = idx;
    t->deep = deep;
    live++;
    return &t->n;
}

static int t_root(struct fs_volume *vol, struct fs_node **out)
{
    (void)vol;
    *out = make(0, 0);
    return 0;
}

static int t_lookup(struct fs_volume *vol, struct fs_node *dir, const char *name,
                    const char *where, struct fs_node **out)
{
    const struct tnode *d = (const struct tnode *)dir;
    (void)vol;
    ok(where[0] == '/' && strcmp8(where + strlen8(where) - strlen8(name), name) == 0);
    if (d->idx == 21)
        return -EIO;
    if (d->idx == 20 && strcmp8(name, "deep") == 0) {
        *out = make(20, d->deep + 1);
        return 0;
    }
    for (size_t i = 1; i < ARRAY_SIZE(tree); i++)
        if (tree[i].parent == d->idx && strcmp8(tree[i].name, name) == 0) {
            *out = make((int)i, 0);
            return 0;
        }
    return -ENOENT;
}

static int t_readlink(struct fs_volume *vol, struct fs_node *link, char *buf, size_t size)
{
    const struct tnode *t = (const struct tnode *)link;
    const char *target = t->idx == 22 ? dots_target : tree[t->idx].target;
    (void)vol;
    if (t->idx == 23)
        return -EIO;
    return strlcpy8(buf, target, size) < size ? 0 : -ENAMETOOLONG;
}

static void t_put(struct fs_node *node)
{
    live--;
    free(node);
}

static struct fs_walk_ops ops = { t_root, t_lookup, t_readlink, t_put };
static struct fs_volume vol = { .dev = "(hd9)" };

/* The walk's result: the entry's index (the depth in "deep" times 1000 added), or rc. */
static int walk(const char *path)
{
    struct fs_node *n;
    int rc;
    shell.errmsg[0] = 0;
    rc = fs_walk(&vol, &ops, path, &n);
    if (rc == 0) {
        const struct tnode *t = (const struct tnode *)n;
        rc = t->idx + (int)t->deep * 1000;
        t_put(n);
    }
    ok(live == 0);
    return rc;
}

TEST(walk_components)
{
    ok(walk("/") == 0);
    ok(walk("") == 0);
    ok(walk("/a/b/file") == 3);
    ok(walk("//a///b/./file") == 3);
    ok(walk("/a/b/") == 2);
    ok(walk("/a/./b/../b/file") == 3);
    ok(walk("/../../a") == 1);     /* the root's parent is the root */
    ok(walk("/a/nosuch") == -ENOENT);
    ok(walk("/a/b/file/x") == -ENOTDIR);
    ok(walk("/a/b/file/..") == -ENOTDIR);
    ok(walk("/bad/x") == -EIO);
}

TEST(walk_symlinks)
{
    ok(walk("/rel") == 3);
    ok(walk("/a/b/abs/file") == 3);
    ok(walk("/a/b/abs/abs/abs") == 2);
    ok(walk("/a/b/up/a/b/up/rel") == 3); /* ".." of a target by the directories walked */
    ok(walk("/a/b/up") == 0);
    ok(walk("/l1/b/file") == 3);          /* eight links */
    ok(walk("/l0") == -ELOOP);            /* nine */
    ok(strstr(shell.errmsg, "(hd9)") && strstr(shell.errmsg, "more than 8 symbolic links"));
    ok(walk("/loop") == -ELOOP);
    ok(strstr(shell.errmsg, "'/loop'") != NULL);
    ok(walk("/empty") == -ENOENT);
    ok(strstr(shell.errmsg, "symlink '/empty' is empty") != NULL);
    ok(walk("/rel/x") == -ENOTDIR);
    ok(walk("/a/b/broken/x") == -ENOENT);
    ok(walk("/broken/x") == -EIO);        /* a readlink's error, every node put back */
    /* a filesystem without symlinks that reports one is damaged */
    ops.readlink = NULL;
    ok(walk("/rel") == -EBADIMG);
    ops.readlink = t_readlink;
}

TEST(walk_contains_itself)
{
    ok(walk("/self") == 9);
    ok(walk("/self/again") == -EBADIMG);
    ok_str(shell.errmsg, "(hd9): directory '/self/again' contains itself (a loop)");
}

TEST(walk_bounds)
{
    char *path = malloc(8 * FS_LINK_MAX);
    size_t n = 0;
    /* FS_DEPTH_MAX directories deep, then one more */
    for (int i = 0; i < FS_DEPTH_MAX; i++)
        n += (size_t)sprintf(path + n, "/deep");
    ok(walk(path) == 20 + (FS_DEPTH_MAX - 1) * 1000);
    strcat(path, "/deep");
    ok(walk(path) == -ENAMETOOLONG);
    /* a name of FS_NAME_MAX bytes is longer than any filesystem's */
    memset(path, 'x', FS_NAME_MAX);
    path[0] = '/';
    path[FS_NAME_MAX + 1] = 0;
    path[FS_NAME_MAX] = 'x';
    ok(walk(path) == -ENAMETOOLONG);
    path[FS_NAME_MAX - 1] = 0; /* FS_NAME_MAX - 2 bytes: looked up */
    ok(walk(path) == -ENOENT);
    /* a path longer than the walk's buffer */
    memset(path, '/', 6 * FS_LINK_MAX);
    path[6 * FS_LINK_MAX] = 0;
    ok(walk(path) == -ENAMETOOLONG);
    /* links full of "." walk more than FS_COMPONENTS_MAX components */
    for (n = 0; n + 2 < sizeof(dots_target); n += 2)
        memcpy(dots_target + n, "./", 2);
    dots_target[n] = 0;
    ok(walk("/dots/dots/dots") == -ELOOP);
    ok(strstr(shell.errmsg, "components") != NULL);
    ok(walk("/dots") == 0);
    free(path);
}
