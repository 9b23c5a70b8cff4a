/*
 * The hostile trees (hostile_blobs.h).  Structural damage is done on the
 * packed blob's bytes; semantic damage with libfdt on a good copy, which
 * is safe because the base is the built-in board.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "boards/boards.h"
#include "tests/sim/hostile_blobs.h"

#define BASE_BOARD  "h3-salvator-xs"
#define MASTER      "/soc/ethernet@e6800000"     /* iommus = <&ipmmu_ds0 16> */
#define DS0_USER    "/soc/dma-controller@e6700000" /* first master on ds0 */
#define MMC         "/soc/mmc@ee140000"          /* the default guest's */
#define DS0         "/soc/iommu@e6740000"
#define DS1         "/soc/iommu@e7740000"
#define RAM0        "/memory@48000000"
#define ROOM        (256 * 1024)    /* the size cases add nodes */

const struct hostile_case hostile_cases[] = {
    { "prop-len-4g", MMC, "more than the whole structure block" },
    { "rsvmap-at-end", "header", "reservation map at byte offset" },
    { "short-20", "header", "shorter than its header" },
    { "nameoff-past-strings", MMC, "malformed structure block" },
    { "rsvmap-over-struct", "header", "overlaps" },
    { "strings-size-lies", "/", "malformed structure block" },
    { "iommus-dangling", MASTER, "phandle 0x999 points to no node" },
    { "iommus-phandle-0", MASTER, "phandle 0 is not a valid phandle" },
    { "iommus-phandle-ff", MASTER, "phandle 0xffffffff is not a valid" },
    { "iommus-no-cells", DS0_USER, DS0 " has no readable #iommu-cells" },
    { "iommus-cells-0", DS0_USER, "#iommu-cells = 0, an IPMMU takes 1" },
    { "iommus-cells-2", DS0_USER, "#iommu-cells = 2, an IPMMU takes 1" },
    { "iommus-odd-len", MASTER, "is 5 bytes, not a whole number" },
    { "iommus-empty", MASTER, "'iommus' is empty" },
    { "ram-over-ipmmu", RAM0, "overlaps the registers of" },
    { "reg-size-0", DS0, "reg entry 0 has size 0" },
    { "reg-wraps", RAM0, "wraps past the end of the address space" },
    { "two-roots", DS0, "a second root IPMMU" },
    { "main-names-cache", DS1, "a cache IPMMU: it must name the root" },
    { "iommus-list-long", MASTER, "'iommus' has 258 cells, more than 256" },
    { "iommus-cells-in-all", "/m-", "past 16384 cells in all" },
    { "iommus-too-many", "/x-iommu-", "more than 256 IOMMU nodes" },
};

const unsigned int hostile_nr_cases =
    sizeof(hostile_cases) / sizeof(hostile_cases[0]);

static void put32(void *blob, size_t off, uint32_t v)
{
    fdt32_t be = cpu_to_fdt32(v);

    memcpy((char *)blob + off, &be, 4);
}

/* Offset in the blob of property 'name' of node 'path' (its tag). */
static int prop_offset(const void *fdt, const char *path, const char *name)
{
    int node = fdt_path_offset(fdt, path), off;

    if ( node < 0 )
        return -1;
    fdt_for_each_property_offset(off, fdt, node)
    {
        const char *pname;

        if ( fdt_getprop_by_offset(fdt, off, &pname, NULL) &&
             !strcmp(pname, name) )
            return (int)fdt_off_dt_struct(fdt) + off;
    }
    return -1;
}

static uint32_t phandle_of(const void *fdt, const char *path)
{
    int node = fdt_path_offset(fdt, path);

    return node < 0 ? 0 : fdt_get_phandle(fdt, node);
}

static int set_cells(void *fdt, const char *path, const char *name,
                     const uint32_t *cells, unsigned int n)
{
    fdt32_t be[4];
    unsigned int i;
    int node = fdt_path_offset(fdt, path);

    for ( i = 0; i < n; i++ )
        be[i] = cpu_to_fdt32(cells[i]);
    return node < 0 ? node : fdt_setprop(fdt, node, name, be, 4 * n);
}

/* 'iommus' of n entries <&DS0 16>, on node 'node'. */
static int long_iommus(void *fdt, int node, unsigned int n)
{
    fdt32_t cells[2 * 129];
    uint32_t ph = phandle_of(fdt, DS0);
    unsigned int i;

    if ( n > 129 )
        return -FDT_ERR_BADVALUE;
    for ( i = 0; i < n; i++ )
    {
        cells[2 * i] = cpu_to_fdt32(ph);
        cells[2 * i + 1] = cpu_to_fdt32(16);
    }
    return fdt_setprop(fdt, node, "iommus", cells, 8 * n);
}

/* n new nodes under the root, "/PREFIXi", each given 'edit'. */
static int add_nodes(void *fdt, const char *prefix, unsigned int n,
                     int (*edit_node)(void *fdt, int node))
{
    char name[32];
    unsigned int i;
    int node, rc;

    for ( i = 0; i < n; i++ )
    {
        snprintf(name, sizeof(name), "%s%u", prefix, i);
        node = fdt_add_subnode(fdt, 0, name);
        if ( node < 0 )
            return node;
        rc = edit_node(fdt, node);
        if ( rc )
            return rc;
    }
    return 0;
}

/* 128 entries: 256 cells, the most one list may have. */
static int full_list(void *fdt, int node)
{
    return long_iommus(fdt, node, 128);
}

static int ipmmu_compatible_only(void *fdt, int node)
{
    return fdt_setprop_string(fdt, node, "compatible",
                              "renesas,ipmmu-r8a7795");
}

/* Semantic edits, on an opened copy. */
static int edit(void *fdt, const char *name)
{
    int node;

    if ( !strcmp(name, "iommus-dangling") )
        return set_cells(fdt, MASTER, "iommus", (uint32_t[]){ 0x999, 16 }, 2);
    if ( !strcmp(name, "iommus-phandle-0") )
        return set_cells(fdt, MASTER, "iommus", (uint32_t[]){ 0, 16 }, 2);
    if ( !strcmp(name, "iommus-phandle-ff") )
        return set_cells(fdt, MASTER, "iommus",
                         (uint32_t[]){ 0xffffffff, 16 }, 2);
    if ( !strcmp(name, "iommus-no-cells") )
    {
        node = fdt_path_offset(fdt, DS0);
        return node < 0 ? node : fdt_delprop(fdt, node, "#iommu-cells");
    }
    if ( !strcmp(name, "iommus-cells-0") )
        return set_cells(fdt, DS0, "#iommu-cells", (uint32_t[]){ 0 }, 1);
    if ( !strcmp(name, "iommus-cells-2") )
        return set_cells(fdt, DS0, "#iommu-cells", (uint32_t[]){ 2 }, 1);
    if ( !strcmp(name, "iommus-odd-len") )
    {
        node = fdt_path_offset(fdt, MASTER);
        return node < 0 ? node
                        : fdt_setprop(fdt, node, "iommus", "\0\0\0\1\0", 5);
    }
    if ( !strcmp(name, "iommus-empty") )
    {
        node = fdt_path_offset(fdt, MASTER);
        return node < 0 ? node : fdt_setprop_empty(fdt, node, "iommus");
    }
    if ( !strcmp(name, "ram-over-ipmmu") )
        return set_cells(fdt, RAM0, "reg",
                         (uint32_t[]){ 0, 0xe0000000, 0, 0x10000000 }, 4);
    if ( !strcmp(name, "reg-size-0") )
        return set_cells(fdt, DS0, "reg",
                         (uint32_t[]){ 0, 0xe6740000, 0, 0 }, 4);
    if ( !strcmp(name, "reg-wraps") )
        return set_cells(fdt, RAM0, "reg",
                         (uint32_t[]){ 0xffffffff, 0xfff00000, 0, 0x200000 },
                         4);
    if ( !strcmp(name, "two-roots") )
    {
        node = fdt_path_offset(fdt, DS0);
        return node < 0 ? node : fdt_delprop(fdt, node, "renesas,ipmmu-main");
    }
    if ( !strcmp(name, "iommus-list-long") )
    {
        node = fdt_path_offset(fdt, MASTER);
        return node < 0 ? node : long_iommus(fdt, node, 129);
    }
    /* 65 full lists pass 16384 cells with the board's own lists. */
    if ( !strcmp(name, "iommus-cells-in-all") )
        return add_nodes(fdt, "m-", 65, full_list);
    if ( !strcmp(name, "iommus-too-many") )
        return add_nodes(fdt, "x-iommu-", 257, ipmmu_compatible_only);
    if ( !strcmp(name, "main-names-cache") )
        return set_cells(fdt, DS1, "renesas,ipmmu-main",
                         (uint32_t[]){ phandle_of(fdt, DS0), 1 }, 2);
    return -FDT_ERR_BADVALUE;
}

/* Structural damage, on the packed blob's bytes. */
static int damage(void *fdt, size_t *size, const char *name)
{
    int off;

    if ( !strcmp(name, "prop-len-4g") )
    {
        off = prop_offset(fdt, MMC, "iommus");
        if ( off < 0 )
            return -1;
        put32(fdt, off + 4, 0xfffffff4);
    }
    else if ( !strcmp(name, "rsvmap-at-end") )
        put32(fdt, 16, fdt_totalsize(fdt));
    else if ( !strcmp(name, "short-20") )
        *size = 20;
    else if ( !strcmp(name, "nameoff-past-strings") )
    {
        off = prop_offset(fdt, MMC, "iommus");
        if ( off < 0 )
            return -1;
        put32(fdt, off + 8, fdt_size_dt_strings(fdt) + 16);
    }
    else if ( !strcmp(name, "rsvmap-over-struct") )
        put32(fdt, 16, fdt_off_dt_struct(fdt));
    else if ( !strcmp(name, "strings-size-lies") )
        put32(fdt, 32, fdt_size_dt_strings(fdt) / 2);
    else
        return 1;                /* not structural */
    return 0;
}

void *hostile_blob(unsigned int i, size_t *size)
{
    const struct board *b = board_find(BASE_BOARD);
    const char *name;
    void *fdt;
    int rc;

    if ( !b || i >= hostile_nr_cases )
        return NULL;
    name = hostile_cases[i].name;
    fdt = malloc(b->dtb_size + ROOM);
    if ( !fdt )
        return NULL;
    if ( fdt_open_into(b->dtb, fdt, b->dtb_size + ROOM) )
        goto bad;
    /* Structural damage goes on the packed blob, edits need room. */
    if ( fdt_pack(fdt) )
        goto bad;
    *size = fdt_totalsize(fdt);
    rc = damage(fdt, size, name);
    if ( rc < 0 )
        goto bad;
    if ( rc > 0 )
    {
        if ( fdt_open_into(fdt, fdt, b->dtb_size + ROOM) ||
             edit(fdt, name) || fdt_pack(fdt) )
            goto bad;
        *size = fdt_totalsize(fdt);
    }
    return fdt;

 bad:
    free(fdt);
    return NULL;
}
