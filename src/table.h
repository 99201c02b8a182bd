/*
 * Linker tables: a way for a file to add an entry to a list (commands,
 * filesystems, image decoders) with no central registry to edit.
 *
 * Each entry lives in a section named .tbl.<table>.<order>. The linker
 * script (efi/mapboot.lds for UEFI, tests/host/tables.lds for the host) keeps
 * these sections and sorts them by name, so the markers in .00 and .99 bound
 * the table and <order> decides the order of the entries in between.
 */
#ifndef MB_TABLE_H
#define MB_TABLE_H

/*
 * Entries must be laid out back to back, so every entry gets the same explicit
 * alignment (the compiler would otherwise over-align large objects) and no
 * AddressSanitizer red zone (clang pads instrumented globals).
 */
#if defined(__clang__)
#define TABLE_NO_ASAN __attribute__((no_sanitize("address")))
#else
#define TABLE_NO_ASAN /* gcc leaves globals with an explicit section alone */
#endif

#define TABLE_ALIGN 8

#define __table_section(table, order) ".tbl." #table "." #order

#define __table_entry(table, order)                                            \
    __attribute__((used, section(__table_section(table, order)),              \
                   aligned(TABLE_ALIGN))) TABLE_NO_ASAN

/* Declare the bounds of a table of <type> called <table>. Use once, in a .c. */
#define TABLE_DEFINE(type, table)                                              \
    type table##_table_start[0] __table_entry(table, 00);                     \
    type table##_table_end[0] __table_entry(table, 99)

#define TABLE_DECLARE(type, table)                                             \
    extern type table##_table_start[];                                        \
    extern type table##_table_end[]

/* An entry of <table>; <order> is two digits, 01..98. */
#define TABLE_ENTRY(table, order) __table_entry(table, order)

/*
 * The start marker is a zero-length object; hiding where the pointer came
 * from keeps the compiler (and UBSan's object-size check) from deciding that
 * stepping past it is out of bounds.
 */
static inline const void *table_launder(const void *p)
{
    __asm__("" : "+r"(p));
    return p;
}

#define for_each_table_entry(ptr, table)                                       \
    for ((ptr) = table_launder(table##_table_start); (ptr) < table##_table_end; (ptr)++)

#define table_count(table) ((size_t)(table##_table_end - table##_table_start))

#endif
