/*
 * libFuzzer target for the device-tree core: unflatten the input, then
 * walk every node through the dt_* interface (every property, string,
 * address, interrupt and phandle list: tests/dt/dt_walk.c), then free.
 *
 * Beyond the sanitizers, a run aborts when:
 *  - dt_unflatten() fails without exactly one console line, or succeeds
 *    with any, or fails but hands back a tree;
 *  - a lookup breaks an invariant or prints more than one line;
 *  - the heap is not back to where it was (used bytes, live blocks).
 *
 * A byte after the blob's totalsize, when there is one, arms allocation
 * failure at that allocation number, so the -ENOMEM paths are fuzzed too.
 *
 * Half of the mutations are structural (libfdt edits of a valid blob:
 * set or delete a property with binding-shaped values, add or delete a
 * node) so that the fuzzer reaches the lookups, not only the format
 * checks; the other half are libFuzzer's byte-level ones.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>

#include <xen/alloc_fail.h>
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/xmalloc.h>
#include "hosted/console.h"
#include "tests/dt/dt_walk.h"

#define FUZZ_MAX_BLOB 65536

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_dt: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    fprintf(stderr, "console:\n%s\n", console_capture_text());
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    console_set_echo(false);
    console_capture_start();
    return 0;
}

/* The allocation to fail, from a byte past totalsize (0: none). */
static unsigned long fuzz_alloc_fail_nth(const uint8_t *data, size_t size)
{
    size_t total;

    if ( size < sizeof(struct fdt_header) || fdt_magic(data) != FDT_MAGIC )
        return 0;
    total = fdt_totalsize(data);
    return total < size ? data[total] : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned long used = xmalloc_used_bytes();
    unsigned long live = xmalloc_live_blocks();
    struct dt_device_node *root = NULL;
    struct dt_walk_stats st;
    int rc;

    console_capture_clear();
    alloc_fail_nth(fuzz_alloc_fail_nth(data, size));
    rc = dt_unflatten(data, size, &root);
    alloc_fail_nth(0);
    if ( rc )
    {
        if ( rc >= 0 || root )
            fuzz_fail("a failed unflatten returned a tree or rc > 0", NULL);
        if ( console_capture_count("[ERR]") != 1 )
            fuzz_fail("a failed unflatten did not print exactly one line",
                      NULL);
    }
    else
    {
        if ( !root || console_capture_count("[ERR]") != 0 )
            fuzz_fail("a good unflatten printed or gave no root", NULL);
        dt_walk_tree(root, &st);
        if ( st.violations )
            fuzz_fail("walk", st.first_violation);
        dt_free(root);
    }
    if ( xmalloc_used_bytes() != used || xmalloc_live_blocks() != live )
        fuzz_fail("the heap is not back where it was", NULL);
    return 0;
}

/* ---- structural mutations ------------------------------------------ */

static uint32_t fuzz_rand(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

static const char *const prop_names[] = {
    "reg", "ranges", "#address-cells", "#size-cells", "iommus",
    "#iommu-cells", "interrupts", "interrupt-parent", "#interrupt-cells",
    "interrupts-extended", "interrupt-map", "phandle", "linux,phandle",
    "status", "compatible", "clocks", "#clock-cells", "device_type",
    "renesas,ipmmu-main", "interrupt-controller",
};

static const char *const node_names[] = {
    "iommu@e6740000", "bus@0", "n", "dev@10", "interrupt-controller@0",
};

static uint32_t fuzz_cell(uint32_t *rs, const uint32_t *phandles,
                          unsigned int nr_phandles)
{
    static const uint32_t special[] = {
        0, 1, 2, 3, 4, 16, 17, 32, 987, 988, 0xffffffff, 0x80000000,
        0xe6740000, 0xfe000000,
    };
    uint32_t r = fuzz_rand(rs);

    switch ( r % 4 )
    {
    case 0:
        if ( nr_phandles )
            return phandles[(r >> 8) % nr_phandles];
        /* fall through */
    case 1:
        return special[(r >> 8) % (sizeof(special) / sizeof(special[0]))];
    case 2:
        return (r >> 8) % 8;
    default:
        return fuzz_rand(rs);
    }
}

/* One libfdt edit of a valid blob in 'buf'; 0 on success. */
static int fuzz_edit(void *buf, uint32_t *rs)
{
    int offsets[256], depth = -1, node, nr = 0, target, prop, n, i;
    uint32_t phandles[256], cells[8];
    unsigned int nr_phandles = 0;
    const char *name;

    for ( node = fdt_next_node(buf, -1, &depth);
          node >= 0 && depth >= 0 && nr < 256;
          node = fdt_next_node(buf, node, &depth) )
    {
        offsets[nr++] = node;
        if ( fdt_get_phandle(buf, node) )
            phandles[nr_phandles++] = fdt_get_phandle(buf, node);
    }
    if ( !nr )
        return -1;
    target = offsets[fuzz_rand(rs) % nr];
    switch ( fuzz_rand(rs) % 6 )
    {
    case 0:
    case 1:                         /* a property with cell values */
        name = prop_names[fuzz_rand(rs) %
                          (sizeof(prop_names) / sizeof(prop_names[0]))];
        n = fuzz_rand(rs) % 8;
        for ( i = 0; i < n; i++ )
            cells[i] = cpu_to_fdt32(fuzz_cell(rs, phandles, nr_phandles));
        return fdt_setprop(buf, target, name, cells, n * 4);
    case 2:                         /* a property with odd bytes */
        name = prop_names[fuzz_rand(rs) %
                          (sizeof(prop_names) / sizeof(prop_names[0]))];
        for ( i = 0; i < 8; i++ )
            cells[i] = fuzz_rand(rs);
        return fdt_setprop(buf, target, name, cells, fuzz_rand(rs) % 13);
    case 3:                         /* drop a property */
        n = 0;
        fdt_for_each_property_offset(prop, buf, target)
            n++;
        if ( !n )
            return -1;
        n = fuzz_rand(rs) % n;
        fdt_for_each_property_offset(prop, buf, target)
            if ( !n-- )
            {
                if ( !fdt_getprop_by_offset(buf, prop, &name, NULL) )
                    return -1;
                return fdt_delprop(buf, target, name);
            }
        return -1;
    case 4:                         /* a new child */
        name = node_names[fuzz_rand(rs) %
                          (sizeof(node_names) / sizeof(node_names[0]))];
        return fdt_add_subnode(buf, target, name) < 0 ? -1 : 0;
    default:                        /* drop a node */
        return target ? fdt_del_node(buf, target) : -1;
    }
}

/*
 * Whether every tag of the structure block advances: libfdt 1.6.1 walks
 * (fdt_check_full among them) loop for ever on a property length that
 * wraps the offset.  The mutator runs outside libFuzzer's timeout, so it
 * must not hand such a blob to libfdt; the code under test refuses it
 * itself (dt_check_tag_walk).
 */
static bool fuzz_tags_advance(const void *fdt)
{
    uint32_t block = fdt_size_dt_struct(fdt);
    int offset, next = 0;

    for ( ; ; )
    {
        const uint8_t *prop;

        offset = next;
        /* Byte loads: the block may sit at any alignment. */
        prop = fdt_offset_ptr(fdt, offset, sizeof(struct fdt_property));
        if ( prop && fdt32_ld((const fdt32_t *)prop) == FDT_PROP &&
             fdt32_ld((const fdt32_t *)(prop + 4)) > block )
            return false;
        if ( fdt_next_tag(fdt, offset, &next) == FDT_END || next < 0 )
            return true;
        if ( next <= offset )
            return false;
    }
}

static size_t fuzz_mutate_structure(uint8_t *data, size_t size,
                                    size_t max_size, unsigned int seed)
{
    static uint8_t buf[FUZZ_MAX_BLOB];
    uint32_t rs = seed | 1;
    unsigned int edits = 1 + fuzz_rand(&rs) % 3;
    size_t limit = max_size < sizeof(buf) ? max_size : sizeof(buf);

    /* libfdt 1.6.1's fdt_check_full() crashes on some pre-16 blobs. */
    if ( size < sizeof(struct fdt_header) || fdt_check_header(data) ||
         fdt_version(data) < 16 || fdt_totalsize(data) > size ||
         !fuzz_tags_advance(data) || fdt_check_full(data, size) )
        return 0;
    if ( fdt_open_into(data, buf, limit) )
        return 0;
    while ( edits-- )
        if ( fuzz_edit(buf, &rs) )
            break;
    if ( fdt_pack(buf) || fdt_totalsize(buf) > max_size )
        return 0;
    memcpy(data, buf, fdt_totalsize(buf));
    return fdt_totalsize(buf);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed)
{
    size_t n;

    if ( seed & 1 )
    {
        n = fuzz_mutate_structure(data, size, max_size, seed);
        if ( n )
            return n;
    }
    return LLVMFuzzerMutate(data, size, max_size);
}
