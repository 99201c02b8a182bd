/*
 * grub4dos constructs that exist only in its BIOS build: they call BIOS
 * real-mode code or jump to addresses inside the BIOS grub4dos. mapboot
 * knows them, so that lint warns ("BIOS-only: ...") instead of calling
 * them unknown, and a menu that reaches one fails at that line saying why,
 * under errorcheck like any other error.
 */
#include "platform.h"
#include "shell.h"

static bool is_fn_call(const char *w)
{
    /* Fn.N: grub4dos' exported internal functions, called by number (call Fn.11 ...) */
    if (!str_starts8(w, "Fn.") || !w[3])
        return false;
    for (w += 3; *w; w++)
        if (*w < '0' || *w > '9')
            return false;
    return true;
}

/* The last component of a path or blocklist word, lowercased into buf. */
static const char *base_lower(const char *w, char *buf, size_t size)
{
    const char *slash = strrchr8(w, '/'), *paren = strrchr8(w, ')');
    size_t i = 0;
    if (paren && (!slash || paren > slash))
        slash = paren;
    for (w = slash ? slash + 1 : w; *w && i + 1 < size; w++)
        buf[i++] = (char)((*w >= 'A' && *w <= 'Z') ? *w + 32 : *w);
    buf[i] = 0;
    return buf;
}

const char *bios_only(int argc, char **argv)
{
    static const char md_write[] = "(md) is BIOS memory here: writing it would overwrite the "
                                   "firmware's";
    char base[64];
    int i;
    if (argc < 1)
        return NULL;
    if (is_fn_call(argv[0]))
        return "grub4dos' internal functions (Fn.N) are addresses in its BIOS build";
    if ((strcmp8(argv[0], "read") == 0 || strcmp8(argv[0], "write") == 0) && argc >= 2) {
        unsigned long long addr, v;
        for (i = 1; i < argc && str_starts8(argv[i], "--"); i++)
            ;
        if (i < argc && parse_unum(argv[i], &addr) == 0 &&
            (argv[0][0] == 'w' || bios_addr_read(addr, &v) != 0))
            return "a memory address is grub4dos' BIOS memory (mapboot emulates read 0x8278, "
                   "the version date, and 0x834c, the screen width)";
        if (i < argc && argv[0][0] == 'w' && str_starts8(argv[i], "(md)"))
            return md_write;
    }
    if (strcmp8(argv[0], "cat") == 0) {
        bool replace = false;
        for (i = 1; i < argc && str_starts8(argv[i], "--"); i++)
            replace |= str_starts8(argv[i], "--replace=");
        if (replace && i < argc && str_starts8(argv[i], "(md)"))
            return md_write;
    }
    if (strcmp8(argv[0], "dd") == 0)
        for (i = 1; i < argc; i++)
            if (str_starts8(argv[i], "of=(md)"))
                return md_write;
    if (strcmp8(argv[0], "map") == 0)
        for (i = 1; i < argc; i++)
            if (str_starts8(argv[i], "--rd-base") || str_starts8(argv[i], "--rd-size"))
                return "map --rd-base and --rd-size put (rd) at a fixed memory address, "
                       "which is the firmware's here; map an image to (rd) instead";
    if (strcmp8(argv[0], "insmod") == 0 && argc >= 2) {
        size_t n = strlen8(argv[1]);
        if (n > 4 && strcasecmp8(argv[1] + n - 4, ".mod") == 0)
            return "a .mod package holds grub4dos binary modules, machine code for its BIOS "
                   "build; mapboot runs batch files";
    }
    if (strcmp8(argv[0], "gfxmenu") == 0)
        return "gfxmenu runs a gfxboot theme, which is BIOS real-mode code";
    if (strcmp8(argv[0], "initscript") == 0)
        return "initscript belongs to grub4dos' BIOS start-up";
    /* the first word after the options: what is loaded */
    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++)
        ;
    if (i >= argc)
        return NULL;
    if (strcmp8(argv[0], "kernel") == 0 &&
        strcmp8(base_lower(argv[i], base, sizeof(base)), "memdisk") == 0)
        return "memdisk is a BIOS disk emulator; map the image instead (map --mem IMAGE (hd))";
    /*
     * chainloader (hd0)+1 stays: as in grub4dos for UEFI it boots the
     * device's EFI loader. These files are 16-bit BIOS loaders.
     */
    if (strcmp8(argv[0], "chainloader") == 0) {
        base_lower(argv[i], base, sizeof(base));
        if (strcmp8(base, "ntldr") == 0 || strcmp8(base, "io.sys") == 0 ||
            strcmp8(base, "grldr") == 0)
            return "ntldr, io.sys and grldr boot through the BIOS; chainload an EFI program";
    }
    return NULL;
}

/*
 * BIOS memory that grub4dos for UEFI gives a meaning, and mapboot with it:
 * 0x8278 holds grub4dos' build date, which menus check with
 * `checkrange 20111129:-1 read 0x8278`. mapboot answers the date of the
 * grub4dos for UEFI whose language it follows, newer than any such check.
 * Every other address is BIOS memory: -ENOTSUP, never a read of whatever the
 * firmware keeps there.
 */
#define G4D_DATE 20240101ULL

int bios_addr_read(unsigned long long addr, unsigned long long *value)
{
    if (addr == 0x8278) {
        *value = G4D_DATE;
        return 0;
    }
    if (addr == 0x834C) {
        /*
         * The screen's width in pixels, which grub4dos for UEFI's sample menu
         * reads (calc *0x834c) to choose a font and picture: the firmware's
         * current graphics mode, whether or not mapboot draws on it.
         */
        struct plat_gfx_mode modes[64];
        int n = plat_gfx_modes(modes, 64), cur = plat_gfx_current();
        for (int i = 0; i < n; i++) {
            if (modes[i].number == cur) {
                *value = modes[i].width;
                return 0;
            }
        }
    }
    return -ENOTSUP;
}
