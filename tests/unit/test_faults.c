/*
 * Allocation faults swept over a menu load (menu_parse, then menu_init
 * running the global section and the iftitle conditions): the Nth
 * allocation fails, for every N the load makes. No crash, the error (if the
 * load fails) says so, and LeakSanitizer at the end of the run finds
 * nothing left behind. tests/drives/faults.sh sweeps mounts and maps.
 */
#include "test.h"
#include "../../disk/drive.h"
#include "../../menu/menu.h"
#include "../../src/platform.h"

static const char menu_text[] =
    "# a menu with most of what the global section does\n"
    "timeout 5\n"
    "default 1\n"
    "fallback 2 3\n"
    "color light-gray/black black/light-gray\n"
    "setmenu --string=10=1=0x0F=\"mapboot\" --box x=4 w=60 y=3 h=10 l=1\n"
    "set answer=42\n"
    "set /a sum=6*7\n"
    "if %sum%==42 {\n"
    "  set ok=1\n"
    "} else {\n"
    "  set ok=0\n"
    "}\n"
    "password --md5 $1$salt$J5Vc1QlnCSLxG4zoXlwQ1/\n"
    "title First\\nits help\n"
    "echo one\n"
    "iftitle [if %ok%==1] Shown when ok\n"
    "echo two\n"
    "iftitle [find /nowhere] Hidden\n"
    "echo three\n"
    "title 中文标题\n"
    "echo four\n";

/* The load as it is without a fault. */
static bool whole(int rc, const struct menu *m)
{
    return rc == 0 && m && m->n == 4 && m->timeout == 5 && m->default_entry == 1 &&
           m->nfallback == 2 && m->password && m->entries[1].visible && !m->entries[2].visible &&
           strcmp(m->entries[3].title, "中文标题") == 0;
}

TEST(faults_menu_load_every_allocation)
{
    uint64_t n, calls = 0;
    int failures = 0;
    for (n = 1;; n++) {
        struct menu *m = NULL;
        int rc;
        host_calls[HOST_FAULT_ALLOC] = 0;
        host_fail_at[HOST_FAULT_ALLOC] = n;
        host_output_reset();
        host_capture_output = true;
        rc = menu_parse("(bd)/efi/grub/menu.lst", menu_text, sizeof(menu_text) - 1, &m);
        if (m)
            menu_init(m);
        host_capture_output = false;
        calls = host_calls[HOST_FAULT_ALLOC];
        host_fail_at[HOST_FAULT_ALLOC] = 0;
        if (calls < n) {
            /* the fault was never reached: this load is the whole one */
            ok(whole(rc, m));
            if (!whole(rc, m))
                printf("    rc %d n %d timeout %d default %d fallbacks %d password %d vis %d %d: %s\n", rc,
                       m ? m->n : -1, m ? m->timeout : -1, m ? m->default_entry : -1,
                       m ? m->nfallback : -1, m && m->password, m && m->n > 2 && m->entries[1].visible,
                       m && m->n > 2 && m->entries[2].visible, host_out ? host_out : "");
            menu_free(m);
            break;
        }
        /*
         * A load that lost an allocation is either whole (the memory was
         * optional) or says what went wrong: a parse error, or an error line
         * from the global section. A menu short of an entry or a setting
         * without a word would be a silent failure.
         */
        if (!whole(rc, m)) {
            failures++;
            /* menu_parse's -ENOMEM the caller reports (shell_menu_file: "out of memory") */
            if (rc != -ENOMEM && !(host_out && strstr(host_out, "Error"))) {
                printf("    allocation %llu: rc %d, %d entries, no error shown: t%d d%d f%d p%d v%d%d\n",
                       (unsigned long long)n, rc, m ? m->n : -1, m ? m->timeout : -1,
                       m ? m->default_entry : -1, m ? m->nfallback : -1, m && m->password,
                       m && m->n > 2 && m->entries[1].visible, m && m->n > 2 && m->entries[2].visible);
                ok(!"a silent failure");
            }
        }
        menu_free(m);
        test_reset();
        if (n > 100000) {
            ok(!"the sweep does not end");
            break;
        }
    }
    printf("    %llu allocations swept, %d loads short of an entry or failed\n",
           (unsigned long long)(n - 1), failures);
    ok(n > 50);
}

/*
 * A CD swapped under a mounted volume: the first read after it says the
 * medium was changed, the next command reads the new one, and a map in
 * place of a file on the old one fails instead of reading the new one.
 */
TEST(faults_cd_swapped)
{
    char a[4200], b[4200];
    test_bootdir(NULL);
    test_sh("mkdir -p ta tb && echo first >ta/a.txt && head -c 65536 /dev/zero >ta/a.img && "
            "echo second >tb/b.txt && "
            "xorriso -as mkisofs -quiet -R -J -o a.iso ta 2>/dev/null && "
            "xorriso -as mkisofs -quiet -R -J -o b.iso tb 2>/dev/null");
    snprintf(a, sizeof(a), "%s/a.iso", host_bd_dir);
    snprintf(b, sizeof(b), "%s/b.iso", host_bd_dir);
    host_clear_disks();
    drive_reset();
    ok(host_add_disk(a, PLAT_DISK_CD, 0) == 0);
    ok_str(run_script("ls (cd0)/\nmap --read-only (cd0)/a.img (hd)"), "a.img  a.txt  \n");
    ok(host_change_media(0, b) == 0);
    ok_str(run_script("ls (cd0)/"),
           "Error: ls: (cd0): the medium was changed: run the command again to read the new one\n");
    ok_str(run_script("ls (cd0)/\ncat (cd0)/b.txt"), "b.txt  \nsecond\n");
    /* the map in place of a.img does not read b.iso's bytes as if they were a.img's */
    ok_str(run_script("cat --hex (hd0)0+1"),
           "Error: cat: (hd0): read error at block 0: no such device\n");
    /*
     * Swapped back, found this time by a read inside a filesystem's call
     * (ls): the volume is not freed under it (drive_check_media frees it
     * when the next command looks the drive up), and that command reads it.
     */
    ok(host_change_media(0, a) == 0);
    ok_str(run_script("ls (cd0)/"),
           "Error: ls: (cd0): the medium was changed: run the command again to read the new one\n");
    ok_str(run_script("ls (cd0)/\ncat (cd0)/a.txt"), "a.img  a.txt  \nfirst\n");
    run_script("map --unmap=(hd0)");
    host_clear_disks();
    drive_reset();
}
