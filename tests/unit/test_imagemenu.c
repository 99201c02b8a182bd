/*
 * imagemenu: the entries it adds to a menu (names, order, help, their lines),
 * what it leaves out, and that an entry's lines map the image and start its
 * loader.
 */
#include "test.h"
#include "../../disk/drive.h"
#include "../../menu/menu.h"
#include "../../src/platform.h"

static char stick[4200];

static void teardown(struct menu *m)
{
    menu_free(m);
    host_clear_disks();
    drive_reset();
}

/* Run entry i's lines as the menu would (output captured); its rc. */
static int run_made_entry(struct menu *m, int i)
{
    int rc;
    host_output_reset();
    host_capture_output = true;
    rc = shell_run_block(menu_entry_script(m, &m->entries[i]), m->entries[i].from,
                         m->entries[i].to, true);
    host_capture_output = false;
    return rc;
}

/* An entry's lines but blank ones, joined with newlines. */
static const char *lines_of(struct menu *m, int i)
{
    static char buf[1024];
    struct script *s = menu_entry_script(m, &m->entries[i]);
    buf[0] = 0;
    for (size_t k = m->entries[i].from; k < m->entries[i].to; k++) {
        if (!s->lines[k][0])
            continue;
        strcat(buf, s->lines[k]);
        strcat(buf, "\n");
    }
    return buf;
}

/*
 * A FAT disk (hd0) with /images: two images in place, two compressed, a
 * directory, a text file and a .tar.gz that are no images, and a name that
 * cannot go into a menu line.
 */
static void images(void)
{
    test_bootdir(NULL);
    test_sh("mkdir -p images/sub.iso && truncate -s 1M images/b.VHD 'images/x%%y.img' && "
            "truncate -s 2M 'images/A CD.iso' && head -c 1048576 /dev/zero | gzip -n >images/c.img.gz && "
            "head -c 65536 /dev/zero | gzip -n >images/d.iso.gz && echo text >images/notes.txt && "
            "echo x | gzip -n >images/backup.tar.gz && "
            "truncate -s 16M stick.img && mformat -i stick.img -v STICK :: && "
            "MTOOLS_SKIP_CHECK=1 mcopy -s -i stick.img images ::/ && rm -r images");
    ok(host_add_disk(strcat(strcpy(stick, host_bd_dir), "/stick.img"), PLAT_DISK_HD, 0) == 0);
}

TEST(imagemenu_adds_entries_before_the_files_titles)
{
    struct menu *m;
    images();
    m = test_menu_load("timeout 5\n"
             "default 0\n"
             "imagemenu\n"
             "title Static\n"
             "echo static\n");
    ok(m && m->n == 5);
    if (!m || m->n != 5) {
        teardown(m);
        return;
    }
    /* name order, case ignored; sub.iso is a directory, notes.txt no image */
    ok_str(m->entries[0].title, "A CD.iso");
    ok_str(m->entries[1].title, "b.VHD");
    ok_str(m->entries[2].title, "c.img.gz");
    ok_str(m->entries[3].title, "d.iso.gz");
    ok_str(m->entries[4].title, "Static");
    ok_str(m->entries[0].help, "(hd0)/images/A CD.iso, 2 MiB, in place as a CD");
    ok_str(m->entries[1].help, "(hd0)/images/b.VHD, 1 MiB, in place as a disk");
    ok_str(m->entries[2].help, "(hd0)/images/c.img.gz, 1 MiB, copied to RAM as a disk");
    ok_str(m->entries[3].help, "(hd0)/images/d.iso.gz, 1 MiB, copied to RAM as a CD");
    ok_str(lines_of(m, 0), "map \"(hd0)/images/A CD.iso\" (0xff)\nchainloader (0xff)\n");
    ok_str(lines_of(m, 1), "map \"(hd0)/images/b.VHD\" (hd)\nchainloader (hd-1)\n");
    ok_str(lines_of(m, 2), "map --mem \"(hd0)/images/c.img.gz\" (hd)\nchainloader (hd-1)\n");
    ok_str(lines_of(m, 3), "map --mem \"(hd0)/images/d.iso.gz\" (0xff)\nchainloader (0xff)\n");
    ok_str(lines_of(m, 4), "echo static\n");
    /* messages name the menu file and the imagemenu line */
    ok_str(menu_entry_script(m, &m->entries[0])->name, "(bd)/efi/grub/menu.lst");
    ok(m->entries[0].title_line == 3);
    ok(strstr(host_out, "imagemenu: left out 1 image: a name with \", \\ or %, or over 271 bytes, "
                        "cannot go into a menu line; rename it\n") != NULL);
    teardown(m);
}

TEST(imagemenu_entry_maps_and_chainloads)
{
    struct menu *m;
    const char *out;
    images();
    m = test_menu_load("imagemenu /images\n");
    ok(m && m->n == 4);
    if (!m || m->n != 4) {
        teardown(m);
        return;
    }
    ok(run_made_entry(m, 1) >= 0);
    ok_str(host_image, "(hd1) /EFI/BOOT/BOOTX64.EFI");
    ok(drive_by_number(0x81) != NULL);
    ok(run_made_entry(m, 2) >= 0);
    ok_str(host_image, "(hd2) /EFI/BOOT/BOOTX64.EFI");
    out = run_script("map --status");
    ok(strstr(out, "(hd1)   0x81          2048    512 -                  -    in-place hooked, "
                   "(hd0)/images/b.VHD\n") != NULL);
    ok(strstr(out, " mem hooked, (hd0)/images/c.img.gz (gzip)\n") != NULL);
    teardown(m);
}

TEST(imagemenu_at_the_prompt_lists)
{
    images();
    ok_str(run_script("imagemenu\necho %@retval%"),
           "imagemenu: left out 1 image: a name with \", \\ or %, or over 271 bytes, cannot go "
           "into a menu line; rename it\n"
           "(hd0)/images/A CD.iso: in place as a CD\n"
           "(hd0)/images/b.VHD: in place as a disk\n"
           "(hd0)/images/c.img.gz: copied to RAM as a disk\n"
           "(hd0)/images/d.iso.gz: copied to RAM as a CD\n"
           "4\n");
    ok_str(run_script("imagemenu /none || echo none"),
           "imagemenu: no images in /none on any disk or CD\nnone\n");
    ok_str(run_script("imagemenu images"),
           "Error: imagemenu: DIR must be a path from a volume's root, like /images\n");
    teardown(NULL);
}

TEST(imagemenu_in_a_full_menu)
{
    char text[8192] = "imagemenu\n";
    struct menu *m;
    images();
    for (int i = 0; i < MENU_ENTRIES_MAX - 2; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "title t%d\necho\n", i);
    m = test_menu_load(text);
    /* two of the four fit; the error says why the rest are missing */
    ok(m && m->n == MENU_ENTRIES_MAX);
    ok(m && strcmp(m->entries[1].title, "b.VHD") == 0);
    ok(strstr(host_out, "imagemenu: more than 256 titles") != NULL);
    teardown(m);
}
