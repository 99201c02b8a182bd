/*
 * Console output for the core. Everything a command prints goes through
 * con_write, so the interpreter can capture it for '|' and '>' redirection
 * (a stack of capture buffers) or drop it for '> nul'.
 */
#ifndef MB_CONSOLE_H
#define MB_CONSOLE_H

#include "libc.h"
#include "screen.h"

void con_write(const char *s, size_t n);
void con_puts(const char *s);
int con_printf(const char *fmt, ...) MB_PRINTF(1, 2);
int con_vprintf(const char *fmt, va_list ap) MB_PRINTF(1, 0);

/*
 * Start capturing output (nested captures stack); with discard, the text is
 * dropped instead ('> nul'). Returns -ELOOP when nested too deep.
 */
int con_capture_begin(bool discard);
/*
 * Stop the innermost capture; returns its text (malloc'd, NUL-terminated,
 * caller frees; NULL when out of memory). *truncated (if not NULL) tells
 * whether text was lost (over 16 MiB, or out of memory): then whatever
 * used the capture must fail rather than pass on part of it.
 */
char *con_capture_end(size_t *len, bool *truncated);
/* True when output goes to the screen (not captured or discarded). */
bool con_is_screen(void);
/* True when the innermost capture is a discard ('> nul'): what is written now is lost. */
bool con_discarding(void);

/*
 * Bytes written to the screen so far, and that count when the last key was
 * read: text after the last key is what the person has not had a chance to
 * read yet (the menu waits before drawing over it).
 */
extern uint64_t con_screen_bytes, con_bytes_at_key;
/* pager on: screen output stops with "-- more --" after a screenful since the last key. */
extern bool con_pager;
void con_pager_set(bool on); /* and count the screenful from here */
/* Wait for a key as plat_con_getkey does; every key the core reads goes through here. */
int con_getkey(int timeout_ms);
/* Was Ctrl-C pressed? Does not wait; another key is kept for the next con_getkey. */
bool con_interrupted(void);

/* Current colours, VGA attribute bytes (grub4dos "normal" and "highlight"). */
extern uint8_t con_color_normal, con_color_highlight, con_color_helptext, con_color_heading;
void con_set_normal(void);

/*
 * A grub4dos colour value as a VGA attribute: below 0x100 it is one already;
 * otherwise the high 32 bits are the background 0xRRGGBB and the low 32 the
 * foreground, each mapped to the nearest of the 16 console colours. A value
 * with no background part keeps base's background.
 */
uint8_t color_to_attr(unsigned long long v, uint8_t base);
/* The RGB of console colour index (0-15), as VGA shows it. */
uint32_t color_rgb(int index);
/*
 * 24-bit colours for the graphics console: color's value v (0x00RRGGBB
 * foreground, background in the high 32 bits; below 0x100, none) for role
 * CON_NORMAL..., set after the role's attribute. con_true_color gives the
 * RGB of a cell drawn with attr, when a role with that attribute has one.
 */
enum { CON_NORMAL, CON_HIGHLIGHT, CON_HELPTEXT, CON_HEADING, CON_ROLES };
void con_true_color_set(int role, unsigned long long v);
bool con_true_color(uint8_t attr, uint32_t *fg, uint32_t *bg);
/*
 * Draw with colour v (a grub4dos value) for a moment (setmenu --string): the
 * attribute to draw with, whose RGB is v until con_custom_color_end().
 */
uint8_t con_custom_color(unsigned long long v);
void con_custom_color_end(void);
/* Parse "white/blue", "0x1F" or a 64-bit value into an attribute; -EINVAL if neither. */
int color_parse(const char *s, uint8_t base, uint8_t *attr);

#endif
