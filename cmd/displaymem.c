/*
 * displaymem: the firmware memory map, summarised. Adjacent ranges of one
 * type are merged by the platform; we print each with its type and size,
 * then the free memory below and above 4 GiB (what `map --mem` can use).
 */
#include "../src/platform.h"
#include "../src/shell.h"

#define MEMMAP_MAX 512

static int displaymem_exec(struct cmd_args *a)
{
    static const char *const type_name[] = {
        [PLAT_MEM_FREE] = "free", [PLAT_MEM_RESERVED] = "reserved", [PLAT_MEM_ACPI] = "ACPI",
        [PLAT_MEM_LOADER] = "loader", [PLAT_MEM_BOOT] = "boot services",
        [PLAT_MEM_RUNTIME] = "runtime", [PLAT_MEM_MMIO] = "MMIO", [PLAT_MEM_OTHER] = "other",
    };
    struct plat_mem_range *map = malloc(MEMMAP_MAX * sizeof(*map));
    uint64_t low = 0, high = 0;
    int n;
    if (!map)
        return -ENOMEM;
    n = plat_memmap(map, MEMMAP_MAX);
    if (n <= 0) {
        free(map);
        return shell_error(n < 0 ? n : -ENOSYS, "displaymem: no memory map");
    }
    if (n > MEMMAP_MAX)
        n = MEMMAP_MAX;
    con_printf("%-18s %-18s %10s  %s\n", "start", "end", "KiB", "type");
    for (int i = 0; i < n; i++) {
        uint64_t end = map[i].start + map[i].size;
        con_printf("0x%016llX 0x%016llX %10llu  %s\n", (unsigned long long)map[i].start,
                   (unsigned long long)(end - 1), (unsigned long long)(map[i].size >> 10),
                   map[i].type < ARRAY_SIZE(type_name) ? type_name[map[i].type] : "?");
        if (map[i].type != PLAT_MEM_FREE)
            continue;
        /* split a free range that straddles 4 GiB */
        if (map[i].start < (1ULL << 32))
            low += MIN(end, 1ULL << 32) - map[i].start;
        if (end > (1ULL << 32))
            high += end - MAX(map[i].start, 1ULL << 32);
    }
    con_printf("free: %llu MiB below 4 GiB, %llu MiB above\n", (unsigned long long)(low >> 20),
               (unsigned long long)(high >> 20));
    free(map);
    return 1;
}

COMMAND(displaymem, displaymem_exec, "displaymem",
        "Show the firmware memory map (start, end, size, type) and the free memory below\n"
        "and above 4 GiB.",
        NULL);
