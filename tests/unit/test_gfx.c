/*
 * The graphics console (src/gfxcon.c) and its commands, on the host's
 * simulated GOP (tests/host/platform.c: 640x480, 800x600, 1024x768 in
 * memory): modes chosen as grub4dos chooses them, glyphs drawn pixel for
 * pixel as the font file has them, CJK at double width, and the text
 * console back after `graphicsmode 3`.
 */
#include "test.h"

#include "../../src/gfxcon.h"
#include "../../src/hexfont.h"
#include "../../menu/menu.h"

static const uint32_t WHITE = 0xFFFFFF, GREY = 0xAAAAAA, BLACK = 0, BLUE = 0x0000AA;

static void text_mode(void)
{
    run_script("graphicsmode 3 > nul");
    gfxcon_set_font(NULL);
    host_gfx_nmodes = 3;
}

/*
 * Does the cell at (col, row) show glyph cp of font f in fg on bg? Each of
 * its pixels is checked against the font's bits.
 */
static bool cell_shows(const struct hexfont *f, uint32_t cp, int col, int row, uint32_t fg,
                       uint32_t bg)
{
    uint64_t rows[HEXFONT_MAX_HEIGHT];
    unsigned w;
    if (hexfont_glyph(f, cp, rows, &w) != 0)
        return false;
    for (int y = 0; y < 16; y++)
        for (unsigned x = 0; x < w; x++) {
            uint32_t want = (rows[y] >> (63 - x)) & 1 ? fg : bg;
            uint32_t got = host_fb[(size_t)(row * 16 + y) * host_fb_w + col * 8 + x];
            if (got != want) {
                printf("    cell %d,%d U+%04X pixel %u,%d: got %06X want %06X\n", col, row, cp, x,
                       y, got, want);
                return false;
            }
        }
    return true;
}

TEST(graphicsmode_picks_as_grub4dos_does)
{
    ok_str(run_script("graphicsmode"), "Mode 0x100: 640 x 480, 32 bits a pixel\n"
                                       "Mode 0x101: 800 x 600, 32 bits a pixel\n"
                                       "Mode 0x102: 1024 x 768, 32 bits a pixel\n");
    ok(shell.retval == 3);
    /* the sample menu's line: the largest mode in the ranges */
    ok_str(run_script("graphicsmode -1 640:800 480:600 24:32 > nul\necho %@retval%"), "257\n");
    ok(gfxcon_active() && host_fb_w == 800 && host_fb_h == 600);
    ok_str(run_script("graphicsmode -1 800 > nul\necho %@retval%\ngraphicsmode -1 -1 -1 16 || echo no 16-bit mode"),
           "257\nno 16-bit mode\n");
    ok_str(run_script("graphicsmode 0x102 > nul\nterminal"), "graphics\nchars_per_line=128  max_lines=48\n");
    ok(host_fb_w == 1024);
    ok_str(run_script("graphicsmode 0x109"), "Error: graphicsmode: no mode 0x109 (graphicsmode lists them)\n");
    ok_str(run_script("graphicsmode 3\necho %@retval%"), "3\n");
    ok(!gfxcon_active());
    ok_str(run_script("graphicsmode 3"), " Graphics mode number was already 3\n");
    host_gfx_nmodes = 0;
    ok_str(run_script("graphicsmode -1 || echo no GOP\nterminal graphics || echo no graphics terminal\n"
                      "graphicsmode"),
           "no GOP\nno graphics terminal\nNo graphics modes: the firmware has no graphics output\n");
    text_mode();
}

TEST(gfx_console_draws_the_built_in_font)
{
    const struct hexfont *b = gfxcon_builtin_font();
    ok(b && b->n > 300);
    run_script("graphicsmode 0x101 > nul");
    /* the serial side (stdout here) gets the text as well */
    ok_str(run_script("echo -e Aé\\xE2\\x94\\x80"), "Aé─\n");
    ok(cell_shows(b, 'A', 0, 0, GREY, BLACK));
    ok(cell_shows(b, 0xE9, 1, 0, GREY, BLACK));
    ok(cell_shows(b, 0x2500, 2, 0, GREY, BLACK));
    /* a glyph no font has: U+FFFD */
    run_script("clear\necho \xE4\xB8\xAD");
    ok(cell_shows(b, 0xFFFD, 0, 0, GREY, BLACK));
    /* colours: color's attribute, the 16 VGA colours */
    run_script("clear\ncolor white/blue\necho W");
    ok(cell_shows(b, 'W', 0, 0, WHITE, BLUE));
    text_mode();
}

/* Debian's unifont: 中 is 16 pixels wide, two cells, and the next character follows it */
TEST(gfx_console_draws_cjk_at_double_width)
{
    static const char *const files[] = { NULL };
    const struct hexfont *f;
    test_bootdir(files);
    test_sh("cp /usr/share/unifont/unifont.hex . && gzip -k unifont.hex");
    ok_str(run_script("font /unifont.hex.gz > nul\necho %@retval%"), "57086\n");
    f = gfxcon_font();
    ok(f && f->n == 57086);
    run_script("graphicsmode 0x100 > nul\necho 中文A");
    ok(cell_shows(f, 0x4E2D, 0, 0, GREY, BLACK));
    ok(cell_shows(f, 0x6587, 2, 0, GREY, BLACK));
    ok(cell_shows(f, 'A', 4, 0, GREY, BLACK));
    ok(scr_text_width("中文A", strlen("中文A")) == 5);
    /* at the end of a line a full-width glyph goes to the next one whole */
    run_script("clear\necho 0123456789012345678901234567890123456789012345678901234567890123456789012345678中");
    ok(cell_shows(f, '8', 78, 0, GREY, BLACK));
    ok(cell_shows(f, ' ', 79, 0, GREY, BLACK));
    ok(cell_shows(f, 0x4E2D, 0, 1, GREY, BLACK));
    text_mode();
    ok(scr_text_width("中文A", strlen("中文A")) == 3);
}

TEST(gfx_console_scrolls)
{
    const struct hexfont *b = gfxcon_builtin_font();
    char script[4096] = "";
    run_script("graphicsmode 0x100 > nul"); /* 80 x 30 cells */
    for (int i = 0; i < 31; i++)
        snprintf(script + strlen(script), sizeof(script) - strlen(script), "echo %c\n", 'A' + i % 26);
    run_script(script);
    /* 31 lines and the cursor's empty one on 30 rows: A and B went off the top */
    ok(cell_shows(b, 'C', 0, 0, GREY, BLACK));
    ok(cell_shows(b, 'E', 0, 28, GREY, BLACK));
    ok(cell_shows(b, ' ', 0, 29, GREY, BLACK));
    text_mode();
}

TEST(font_errors)
{
    static const char *const files[] = { "bad.hex", "this is not a font\n", NULL };
    test_bootdir(files);
    ok_str(run_script("font /bad.hex"),
           "Error: font: no glyph of height 16 (lines CODE:BITS with 32 or 64 hex digits)\n");
    ok_str(run_script("font /none.hex"), "Error: font: /none.hex: not found\n");
    ok_str(run_script("font --font-high=7 /bad.hex"),
           "Error: font: --font-high=7: an even height from 2 to 64\n");
    ok_str(run_script("font || echo nothing to load"), "nothing to load\n");
    text_mode();
}

/* ---- splashimage: BMP, PNG (gzipped too) through stb_image, fitted to the screen ---- */

/* A 64 x 48 picture, pixel (x, y) = (4x, 5y, 128), as PNG and BMP, written by Python's zlib. */
static void make_pictures(void)
{
    static const char *const files[] = { "junk.png", "not a picture", NULL };
    test_bootdir(files);
    test_sh("python3 -c '\n"
            "import struct, zlib\n"
            "w, h = 64, 48\n"
            "px = lambda x, y: bytes((4 * x, 5 * y, 128))\n"
            "raw = b\"\".join(b\"\\0\" + b\"\".join(px(x, y) for x in range(w)) for y in range(h))\n"
            "def chunk(k, b): return struct.pack(\">I\", len(b)) + k + b + struct.pack(\">I\", zlib.crc32(k + b))\n"
            "open(\"pic.png\", \"wb\").write(b\"\\x89PNG\\r\\n\\x1a\\n\" + chunk(b\"IHDR\", struct.pack(\">IIBBBBB\", w, h, 8, 2, 0, 0, 0)) + chunk(b\"IDAT\", zlib.compress(raw)) + chunk(b\"IEND\", b\"\"))\n"
            "big = b\"\\x89PNG\\r\\n\\x1a\\n\" + chunk(b\"IHDR\", struct.pack(\">IIBBBBB\", 5000, 5000, 8, 2, 0, 0, 0))\n"
            "open(\"big.png\", \"wb\").write(big + chunk(b\"IDAT\", zlib.compress(b\"\")) + chunk(b\"IEND\", b\"\"))\n"
            "rows = b\"\".join(b\"\".join(px(x, y)[::-1] for x in range(w)) for y in reversed(range(h)))\n"
            "open(\"pic.bmp\", \"wb\").write(b\"BM\" + struct.pack(\"<IHHI\", 54 + len(rows), 0, 0, 54) + struct.pack(\"<IiiHHIIiiII\", 40, w, h, 1, 24, 0, len(rows), 0, 0, 0, 0) + rows)\n"
            "open(\"pic.ppm\", \"wb\").write(b\"P6 64 48 255\\n\" + b\"\".join(px(x, y) for y in range(h) for x in range(w)))\n"
            "' && gzip -k pic.png && cjpeg -quality 100 pic.ppm > pic.jpg");
}

static uint32_t pic_at(int x, int y, uint32_t sw, uint32_t sh)
{
    uint32_t sx = (uint32_t)x * 64 / sw, sy = (uint32_t)y * 48 / sh;
    return (4 * sx) << 16 | (5 * sy) << 8 | 128;
}

TEST(splashimage_shows_behind_normal_text)
{
    const struct hexfont *b = gfxcon_builtin_font();
    uint64_t rows[HEXFONT_MAX_HEIGHT];
    unsigned w;
    int misses = 0;
    make_pictures();
    ok_str(run_script("graphicsmode 0x100 > nul\nsplashimage /pic.png && echo shown"), "shown\n");
    /* an empty cell far from the text: the picture, scaled 10 times */
    for (int y = 400; y < 416; y++)
        for (int x = 600; x < 608; x++)
            misses += host_fb[(size_t)y * host_fb_w + x] != pic_at(x, y, 640, 480);
    ok(misses == 0);
    /* the 's' of "shown": its ink in the text colour, the rest the picture */
    ok(hexfont_glyph(b, 's', rows, &w) == 0);
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 8; x++)
            misses += host_fb[(size_t)y * host_fb_w + x] !=
                      ((rows[y] >> (63 - x)) & 1 ? GREY : pic_at(x, y, 640, 480));
    ok(misses == 0);
    /* a highlight is opaque */
    run_script("color white/blue black/light-gray\nclear\necho -e $[0x70]X");
    ok(cell_shows(b, 'X', 0, 0, BLACK, GREY));
    /* BMP, and PNG gzipped, give the same picture; a new mode fits it again */
    run_script("color light-gray/black\ngraphicsmode 0x101 > nul\nsplashimage /pic.bmp\nclear");
    for (int y = 500; y < 600; y += 7)
        for (int x = 0; x < 800; x += 13)
            misses += host_fb[(size_t)y * host_fb_w + x] != pic_at(x, y, 800, 600);
    run_script("splashimage /pic.png.gz\nclear");
    for (int y = 500; y < 600; y += 7)
        for (int x = 0; x < 800; x += 13)
            misses += host_fb[(size_t)y * host_fb_w + x] != pic_at(x, y, 800, 600);
    ok(misses == 0);
    /* JPEG (made by Debian's cjpeg) is lossy: each channel within 12 of the picture */
    ok_str(run_script("splashimage /pic.jpg && echo jpeg\nclear"), "jpeg\n");
    for (int y = 500; y < 600; y += 7) {
        for (int x = 0; x < 800; x += 13) {
            uint32_t got = host_fb[(size_t)y * host_fb_w + x], want = pic_at(x, y, 800, 600);
            for (int sh = 0; sh < 24; sh += 8) {
                int d = (int)((got >> sh) & 0xFF) - (int)((want >> sh) & 0xFF);
                misses += d > 12 || d < -12;
            }
        }
    }
    ok(misses == 0);
    /* no file: the picture goes */
    run_script("splashimage\nclear");
    ok(!gfxcon_has_splash() && host_fb[(size_t)550 * host_fb_w + 700] == BLACK);
    text_mode();
}

TEST(splashimage_errors)
{
    make_pictures();
    ok_str(run_script("splashimage /junk.png"),
           "Error: splashimage: /junk.png is no BMP, PNG or JPEG picture (unknown image type)\n");
    ok_str(run_script("splashimage /big.png"),
           "Error: splashimage: /big.png: 5000 x 5000 pixels is more than a splash image may have\n");
    ok_str(run_script("splashimage /none.png"), "Error: splashimage: /none.png: not found\n");
    ok(!gfxcon_has_splash() && !gfxcon_active());
    /* the picture comes with the graphics console: none, without GOP */
    host_gfx_nmodes = 0;
    ok_str(run_script("splashimage /pic.png || echo no graphics"), "no graphics\n");
    gfxcon_set_splash(NULL);
    text_mode();
}

/* the sample menu's lines: 24-bit colours drawn as they are, and the screen width at *0x834c */
TEST(true_colours_and_screen_width)
{
    const struct hexfont *b = gfxcon_builtin_font();
    ok_str(run_script("graphicsmode 0x101 > nul\ncalc a=*0x834c\necho %a%"), "800\n");
    run_script("color normal=0xff9933 highlight=0x0000008000ffff00 helptext=0xff00ff heading=0x66ff00\n"
               "clear\necho N");
    ok(cell_shows(b, 'N', 0, 0, 0xFF9933, BLACK));
    /* the highlight's background is the high 32 bits */
    ok_str(run_script("color"), "normal=0x0C highlight=0x1E helptext=0x0D heading=0x0A\n");
    run_script("clear\necho -e $[0x1E]H");
    ok(cell_shows(b, 'H', 0, 0, 0xFFFF00, 0x000080));
    /* the text console gets the nearest of its 16 colours; a named colour takes the RGB away */
    run_script("color light-gray/black\nclear\necho G");
    ok(cell_shows(b, 'G', 0, 0, GREY, BLACK));
    /* back in text, the firmware's first mode again (the host's is 640 x 480) */
    ok_str(run_script("graphicsmode 3 > nul\ncalc b=*0x834c\necho %b%"), "640\n");
    host_gfx_nmodes = 0;
    ok(strstr(run_script("calc *0x834c"), "BIOS-only") != NULL);
    text_mode();
}

/* the line editor's cursor: an underline in its cell, and none left behind */
TEST(gfx_cursor_leaves_no_trail)
{
    const struct hexfont *b = gfxcon_builtin_font();
    run_script("graphicsmode 0x100 > nul");
    gfxcon_cursor(true);
    gfxcon_write("ab\ncd", 5);
    ok(cell_shows(b, 'a', 0, 0, GREY, BLACK) && cell_shows(b, 'b', 1, 0, GREY, BLACK));
    ok(cell_shows(b, ' ', 2, 0, GREY, BLACK));
    ok(cell_shows(b, 'c', 0, 1, GREY, BLACK) && cell_shows(b, 'd', 1, 1, GREY, BLACK));
    /* the cursor cell (2, 1): its last two pixel rows in the text colour */
    ok(host_fb[(size_t)(1 * 16 + 15) * host_fb_w + 2 * 8] == GREY &&
       host_fb[(size_t)(1 * 16 + 13) * host_fb_w + 2 * 8] == BLACK);
    gfxcon_goto(0, 0);
    ok(cell_shows(b, ' ', 2, 1, GREY, BLACK));
    gfxcon_cursor(false);
    ok(cell_shows(b, 'a', 0, 0, GREY, BLACK));
    text_mode();
}

/* setmenu: what it keeps for the menu screen, and its errors */
TEST(setmenu_options)
{
    char clock[64];
    ok_str(run_script("setmenu --box x=4 w=60 y=6 h=9 l=2 --lang=zh --auto-num-on\n"
                      "setmenu --string=s=-1=0xffffff=\"hello world\" --timeout=70=1=0xff0000\n"
                      "setmenu --string=i3=m=2=0x00ff00=date&time=yyyy/MM/dd"),
           "");
    ok(menu_style.box && menu_style.box_x == 4 && menu_style.box_w == 60 && menu_style.box_y == 6 &&
       menu_style.box_h == 9 && menu_style.box_l == 2 && menu_style.lang_zh && menu_style.auto_num);
    ok(menu_style.strings[0].set && menu_style.strings[0].x == -1 && menu_style.strings[0].y == -2 &&
       menu_style.strings[0].color == 0xffffff && strcmp(menu_style.strings[0].text, "hello world") == 0);
    ok(menu_style.strings[3].set && menu_style.strings[3].x == -2 && menu_style.strings[3].y == 2 &&
       strcmp(menu_style.strings[3].text, "date&time=yyyy/MM/dd") == 0);
    ok(menu_style.timeout_set && menu_style.timeout_x == 70 && menu_style.timeout_y == 1 &&
       menu_style.timeout_color == 0xff0000);
    ok_str(run_script("setmenu --string=i3\nsetmenu --lang=en --auto-num-off"), "");
    ok(!menu_style.strings[3].set && menu_style.strings[0].set && !menu_style.lang_zh &&
       !menu_style.auto_num);
    ok_str(run_script("setmenu --box q=1"),
           "Error: setmenu: --box takes x=, y=, w=, h= and l=, not 'q=1'\n");
    ok_str(run_script("setmenu --string=x=y=red=text"),
           "Error: setmenu: --string=x=y=red=text: expected [iN=]X=Y=COLOR=TEXT\n");
    ok_str(run_script("setmenu --string=i16=1=1=0=x"), "Error: setmenu: --string=i16=1=1=0=x: slots are i0 to i15\n");
    ok_str(run_script("setmenu --timeout=1=1"), "Error: setmenu: --timeout=1=1: expected X=Y=COLOR\n");
    ok_str(run_script("setmenu --help=0=0=20"), "");
    ok(menu_style.help_set && menu_style.help_x == 0 && menu_style.help_y == 20);
    ok_str(run_script("setmenu --help=1=2"), "Error: setmenu: --help=1=2: expected X=W=Y (cells)\n");
    ok_str(run_script("setmenu --u --box x=1\n"), "");
    ok(!menu_style.box && !menu_style.strings[0].set && !menu_style.timeout_set &&
       !menu_style.help_set);
    menu_format_clock("yyyy-MM-dd HH:mm:ss AP hh yy", clock, sizeof(clock));
    ok(strlen(clock) == 28 && clock[4] == '-' && clock[13] == ':' && (clock[20] == 'A' || clock[20] == 'P'));
    menu_format_clock("", clock, sizeof(clock));
    ok(strlen(clock) == 19 && clock[10] == ' ');
}

/* font --font-high=24: cells 12 x 24; the font's glyphs as they are, the built-in ones scaled */
TEST(font_high_makes_bigger_cells)
{
    static const char *const files[] = { NULL };
    const struct hexfont *b = gfxcon_builtin_font();
    uint64_t rows[HEXFONT_MAX_HEIGHT];
    unsigned w;
    int misses = 0;
    test_bootdir(files);
    /* 'A' 12 wide, 24 high: a frame (outer rows and columns set) */
    test_sh("python3 -c 'print(\"0041:\" + \"FFF0\" + \"8010\" * 22 + \"FFF0\")' > f24.hex");
    run_script("graphicsmode 0x101 > nul");
    ok_str(run_script("font --font-high=24 /f24.hex > nul\necho %@retval%\nterminal"),
           "1\ngraphics\nchars_per_line=66  max_lines=25\n");
    run_script("clear\necho AB");
    for (int y = 0; y < 24; y++)
        for (int x = 0; x < 12; x++) {
            bool ink = y == 0 || y == 23 || x == 0 || x == 11;
            misses += host_fb[(size_t)y * host_fb_w + x] != (ink ? GREY : BLACK);
        }
    ok(misses == 0);
    /* 'B' from the built-in font: row y is the 16-high glyph's row y*16/24, pixel x its x*8/12 */
    ok(hexfont_glyph(b, 'B', rows, &w) == 0 && w == 8);
    for (int y = 0; y < 24; y++)
        for (int x = 0; x < 12; x++) {
            bool ink = (rows[y * 16 / 24] >> (63 - x * 8 / 12)) & 1;
            misses += host_fb[(size_t)y * host_fb_w + 12 + x] != (ink ? GREY : BLACK);
        }
    ok(misses == 0);
    /* back to the built-in size */
    gfxcon_set_font(NULL);
    ok_str(run_script("terminal"), "graphics\nchars_per_line=100  max_lines=37\n");
    text_mode();
}
