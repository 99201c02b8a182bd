/* Path resolution (fs/fs.c): devices, the root, "." and "..", and bad names. */
#include "test.h"

#include "../../fs/fs.h"

static const char *resolve(const char *path)
{
    static char out[FS_PATH_MAX];
    int rc = fs_resolve(path, out, sizeof(out));
    if (rc)
        snprintf(out, sizeof(out), "error %d", rc);
    return out;
}

TEST(fs_resolve_forms)
{
    ok_str(resolve("(bd)/a/../b"), "(bd)/b");
    ok_str(resolve("/x/./y//z"), "(bd)/x/y/z");
    ok_str(resolve("../../.."), "(bd)/");
    ok_str(resolve("()/a"), "(bd)/a");
    ok_str(resolve("(hd0,1)"), "(hd0,1)/");
    ok_str(resolve("rel/file"), "(bd)/rel/file");
}

/* Regression (fuzz_fs_sfs_path): a '/' inside the parentheses made a "device". */
TEST(fs_resolve_bad_device_names)
{
    ok_str(resolve("(b/d)/x"), "error -22");
    ok_str(resolve("(bd"), "error -22");
    ok_str(resolve("(b d)/x"), "error -22");
    ok_str(resolve("((bd)/x"), "error -22");
}

TEST(fs_resolve_too_long)
{
    char path[FS_PATH_MAX + 16];
    memset(path, 'a', sizeof(path) - 1);
    path[0] = '/';
    path[sizeof(path) - 1] = 0;
    ok_str(resolve(path), "error -36");
}

/* grub4dos: a root with a directory makes "/x" relative to it; "()/x" is the volume's root. */
TEST(fs_resolve_root_with_directory)
{
    strlcpy8(shell.root, "(hd0,1)/boot", sizeof(shell.root));
    ok_str(resolve("/x"), "(hd0,1)/boot/x");
    ok_str(resolve("x/../y"), "(hd0,1)/boot/y");
    ok_str(resolve("()/x"), "(hd0,1)/x");
    ok_str(resolve("(hd0,1)/x"), "(hd0,1)/x");
    ok_str(resolve("/.."), "(hd0,1)/");
    strlcpy8(shell.root, "(bd)", sizeof(shell.root));
}
