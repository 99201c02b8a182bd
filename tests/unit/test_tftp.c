/*
 * (pd) and (tftp,HOST) (fs/tftp.c), pxe (cmd/pxe.c) and the menus a
 * PXE-booted mapboot looks for (src/startup.c), with a host directory
 * playing the TFTP server (tests/host/net.c). The real thing, QEMU's TFTP
 * server and OVMF's PXE boot, is the QEMU case net_pxe.
 */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../fs/fs.h"

static char dir[256];

static void put(const char *path, const char *text)
{
    char full[512], cmd[600];
    snprintf(full, sizeof(full), "%s/%s", dir, path);
    snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", full);
    if (system(cmd) != 0)
        abort();
    FILE *f = fopen(full, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
}

static void setup(bool booted)
{
    snprintf(dir, sizeof(dir), "/tmp/mapboot-tftp-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    snprintf(host_tftp_dir, sizeof(host_tftp_dir), "%s", dir);
    host_pxe_booted = booted;
    tftp_set_basedir("/boot"); /* as the default would be: the boot file's directory */
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        abort();
    host_tftp_dir[0] = 0;
    host_pxe_booted = false;
}

TEST(tftp_pd_reads_below_the_base_directory)
{
    setup(true);
    put("boot/hello.txt", "hello from pd\n");
    put("other/x.txt", "x\n");
    ok_str(run_script("cat (pd)/hello.txt"), "hello from pd\n");
    ok_str(host_tftp_last, "192.168.1.1:/boot/hello.txt");
    ok_str(run_script("pxe basedir /other\ncat (pd)/x.txt"), "x\n");
    ok_str(run_script("pxe basedir /\ncat (pd)/boot/hello.txt"), "hello from pd\n");
    ok_str(run_script("cat (pd)/nosuch"), "Error: cat: (pd)/nosuch: not found (TFTP /nosuch)\n");
    ok_str(run_script("ls (pd)/"), "Error: ls: (pd): TFTP has no directory listings; name the file\n");
    /* (tftp,HOST) reads from that server, from its root */
    ok_str(run_script("cat (tftp,10.0.0.7)/boot/hello.txt"), "hello from pd\n");
    ok_str(host_tftp_last, "10.0.0.7:/boot/hello.txt");
    ok_str(run_script("cat (tftp,10.0.0.7:69)/x"), "Error: cat: (tftp,10.0.0.7:69): TFTP takes no port\n");
    teardown();
}

TEST(tftp_pxe_command_true_only_when_booted)
{
    setup(false);
    ok_str(run_script("pxe detect || echo no\npxe detect && echo yes"), "no\n");
    ok_str(run_script("cat (pd)/x"), "Error: cat: (pd): mapboot was not booted over PXE\n");
    teardown();
    setup(true);
    ok_str(run_script("pxe detect || echo no\npxe detect && echo yes"), "yes\n");
    ok_str(run_script("pxe"), "pxe: booted from 192.168.1.1 as 192.168.1.10, boot file "
                              "/boot/BOOTX64.EFI, (pd) base directory /boot\n");
    ok_str(run_script("pxe keep && pxe blksize 1432 && echo ok"), "ok\n");
    teardown();
}

/* find: (pd) with --devices=p, and a network root searched first. */
TEST(tftp_find_on_pd)
{
    setup(true);
    put("boot/menu.lst", "echo m\n");
    ok_str(run_script("find --devices=p /menu.lst"), "(pd)\n");
    ok_str(run_script("find --devices=p /nosuch.lst"), "Error: find: /nosuch.lst not found\n");
    ok_str(run_script("root (pd)\nfind --devices=p /menu.lst"), "(pd)\n");
    ok_str(run_script("root (pd)\nfind --set-root /menu.lst\nroot"),
           "(pd)\n(pd): filesystem type is tftp\n");
    strcpy(shell.root, "(bd)");
    teardown();
}

/* grub4dos' order: 01-MAC, the IP in hex shortened a digit at a time, default, then files. */
TEST(tftp_pxe_menu_search_order)
{
    static const char *const order[] = {
        "boot/menu.lst/01-52-54-00-12-34-56", "boot/menu.lst/C0A8010A",
        "boot/menu.lst/C0A801",               "boot/menu.lst/C",
        "boot/menu.lst/default",
    };
    /* each file, alone, is found; with all there, the earliest wins */
    /* each menu ends in exit_g4d, so that it is not shown (the test has no keys) */
    for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
        char text[128];
        setup(true);
        snprintf(text, sizeof(text), "echo menu %s\nexit_g4d\n", order[i]);
        put(order[i], text);
        host_output_reset();
        host_capture_output = true;
        ok(shell_pxe_menu() >= 0);
        host_capture_output = false;
        ok(host_out && strstr(host_out, order[i]) != NULL);
        shell.exit_app = false;
        teardown();
    }
    setup(true);
    for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
        char text[128];
        snprintf(text, sizeof(text), "echo menu %s\nexit_g4d\n", order[i]);
        put(order[i], text);
    }
    host_output_reset();
    host_capture_output = true;
    shell_pxe_menu();
    host_capture_output = false;
    ok_str(host_out, "menu boot/menu.lst/01-52-54-00-12-34-56\n");
    shell.exit_app = false;
    teardown();
    /* then the plain files: (pd)/menu.lst, then (pd)/efi/grub/menu.lst */
    setup(true);
    put("boot/efi/grub/menu.lst", "echo efi grub\nexit_g4d\n");
    host_output_reset();
    host_capture_output = true;
    ok(shell_pxe_menu() >= 0);
    host_capture_output = false;
    ok_str(host_out, "efi grub\n");
    shell.exit_app = false;
    teardown();
    setup(true);
    ok(shell_pxe_menu() == -ENOENT);
    teardown();
    setup(false);
    ok(shell_pxe_menu() == -ENOENT);
    teardown();
}
