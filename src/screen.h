/*
 * The screen as the core sees it (src/screen.c): the firmware's text
 * console, or the console mapboot draws on GOP with the serial line beside
 * it. Same meanings as plat_con_* in platform.h.
 */
#ifndef MB_SCREEN_H
#define MB_SCREEN_H

#include "libc.h"

void scr_write(const char *s, size_t n);
void scr_clear(void);
void scr_set_attr(uint8_t attr);
void scr_goto(int col, int row);
void scr_size(int *cols, int *rows);
void scr_cursor(bool visible);
/* Cells a character takes on the screen now: 2 for CJK on the graphics console, else 1. */
int scr_cp_width(uint32_t cp);
/* Cells the first n bytes of s take (up to a NUL). */
size_t scr_text_width(const char *s, size_t n);

#endif
