/*
 * The device-tree core on bad input: truncated, corrupted and hostile
 * blobs (made by mutating tests/dt/basic.dts with libfdt or raw byte
 * edits), malformed properties found at lookup time, and allocation
 * failure at every allocation of an unflatten.  Every case asserts the
 * error code, the single console line, and that the heap is back where
 * it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include <xen/alloc_fail.h>
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/xmalloc.h>
#include "hosted/console.h"
#include "tests/dt/dt_blobs.h"
#include "tests/dt/dt_walk.h"

#define DMAC  "/soc/dma-controller@e6700000"
#define DS0   "/soc/iommu@e6740000"
#define MM    "/soc/iommu@e67b0000"
#define GPIO  "/soc/gpio@e6050000"
#define BUS   "/soc/bus@fe000000"

static int setup(void **state)
{
    (void)state;
    console_capture_start();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    console_capture_stop();
    alloc_fail_nth(0);
    return 0;
}

/* The console holds exactly one line, an error, containing 'needle'. */
static void expect_one_line(const char *needle)
{
    const char *text = console_capture_text();

    if ( console_capture_count("[ERR] device-tree: ") != 1 ||
         strchr(text, '\n') != text + strlen(text) - 1 ||
         !strstr(text, needle) )
        fail_msg("expected one error line with \"%s\", got \"%s\"", needle,
                 text);
    console_capture_clear();
}

/* dt_unflatten fails with 'err', one line with 'needle', nothing leaked. */
static void expect_refused(const void *fdt, size_t size, int err,
                           const char *needle)
{
    struct dt_heap_mark mark;
    struct dt_device_node *root = (void *)1;

    dt_heap_mark(&mark);
    console_capture_clear();
    assert_int_equal(dt_unflatten(fdt, size, &root), err);
    assert_null(root);
    assert_true(dt_heap_unchanged(&mark));
    expect_one_line(needle);
}

/* A writable copy of basic.dts with room to grow. */
static void *basic_copy(size_t *size)
{
    return dt_test_blob_copy("basic", 4096, size);
}

static int offset_of(const void *fdt, const char *path)
{
    int off = fdt_path_offset(fdt, path);

    assert_true(off >= 0);
    return off;
}

/* Unflatten a mutated blob that is still well-formed; 0 lines printed. */
static struct dt_device_node *load(const void *fdt, size_t size)
{
    struct dt_device_node *root;

    console_capture_clear();
    assert_int_equal(dt_unflatten(fdt, size, &root), 0);
    assert_string_equal(console_capture_text(), "");
    return root;
}

static struct dt_device_node *at(struct dt_device_node *root,
                                 const char *path)
{
    struct dt_device_node *np = dt_find_node_by_path_from(root, path);

    if ( !np )
        fail_msg("no node %s", path);
    return np;
}

/* ---- header and layout --------------------------------------------- */

static void absent_and_short_blobs_are_refused(void **state)
{
    size_t size, n;
    const void *blob = dt_test_blob("basic", &size);
    char *copy;

    (void)state;
    expect_refused(NULL, 100, -EINVAL, "device-tree: header: no blob");
    for ( n = 0; n < sizeof(struct fdt_header); n++ )
    {
        copy = malloc(n + 1);
        memcpy(copy, blob, n);
        expect_refused(copy, n, -EINVAL, "shorter than its header");
        free(copy);
    }
    assert_int_equal(dt_unflatten(blob, size, NULL), -EINVAL);
}

static void bad_magic_is_named(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);

    (void)state;
    fdt_set_magic(fdt, 0xd00dfeee);
    expect_refused(fdt, size, -EINVAL,
                   "[ERR] device-tree: header: bad magic 0xd00dfeee, not a "
                   "flattened device tree (FDT_ERR_BADMAGIC)\n");
    free(fdt);
}

static void unsupported_versions_are_refused(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);

    (void)state;
    fdt_set_last_comp_version(fdt, 18);
    expect_refused(fdt, size, -EINVAL,
                   "header: unsupported version 17 (last compatible 18) "
                   "(FDT_ERR_BADVERSION)");
    free(fdt);

    /*
     * Found by fuzz_dt: a version-15 blob whose root is not named by a
     * path crashed libfdt 1.6.1's fdt_check_full().
     */
    fdt = basic_copy(&size);
    fdt_set_version(fdt, 15);
    fdt_set_last_comp_version(fdt, 4);
    expect_refused(fdt, size, -EINVAL,
                   "[ERR] device-tree: header: version 15 is older than 16, "
                   "not supported\n");
    free(fdt);
}

/* Every prefix of the blob: never read past the end, one line each. */
static void every_truncation_is_refused(void **state)
{
    size_t size, n;
    const void *blob = dt_test_blob("basic", &size);
    char *copy;

    (void)state;
    for ( n = sizeof(struct fdt_header); n < size; n++ )
    {
        copy = malloc(n);
        memcpy(copy, blob, n);
        expect_refused(copy, n, -EINVAL, "truncated blob");
        free(copy);
    }
}

/* A header that lies about totalsize, for every smaller totalsize. */
static void every_short_totalsize_is_refused(void **state)
{
    size_t size, n;
    const void *blob = dt_test_blob("basic", &size);
    char *copy = malloc(size);

    (void)state;
    for ( n = 0; n < size; n++ )
    {
        memcpy(copy, blob, size);
        fdt_set_totalsize(copy, n);
        expect_refused(copy, size, -EINVAL, "device-tree: ");
    }
    free(copy);
}

static void blocks_outside_the_blob_are_refused(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);
    uint32_t total = fdt_totalsize(fdt);
    char line[128];

    (void)state;
    fdt_set_off_dt_strings(fdt, total + 0x100);
    snprintf(line, sizeof(line), "[ERR] device-tree: header: a block lies "
             "outside totalsize %u (FDT_ERR_TRUNCATED)\n", total);
    expect_refused(fdt, size, -EINVAL, line);
    free(fdt);
}

static void overlapping_blocks_are_refused(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);
    char line[200];

    (void)state;
    /* Strings inside the structure block. */
    fdt_set_off_dt_strings(fdt, fdt_off_dt_struct(fdt) + 8);
    fdt_set_size_dt_strings(fdt, 16);
    snprintf(line, sizeof(line), "[ERR] device-tree: header: structure "
             "block [0x%x, +0x%x) overlaps strings block [0x%x, +0x10)\n",
             fdt_off_dt_struct(fdt), fdt_size_dt_struct(fdt),
             fdt_off_dt_struct(fdt) + 8);
    expect_refused(fdt, size, -EINVAL, line);
    free(fdt);

    /* The reservation map inside the strings block. */
    fdt = basic_copy(&size);
    fdt_set_off_mem_rsvmap(fdt, fdt_off_dt_strings(fdt));
    memset((char *)fdt + fdt_off_dt_strings(fdt), 0, 16);
    expect_refused(fdt, size, -EINVAL,
                   "memory reservation map [0x");
    free(fdt);
}

/*
 * The specification's alignment: the blob's start (8 bytes), the
 * reservation map (8) and the structure block (4).  A structure block at
 * an odd offset made every tag misaligned (found by fuzz_dt: UBSan on the
 * first property read in place).
 */
static void misaligned_blobs_and_blocks_are_refused(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);
    char *shifted;

    (void)state;
    fdt_set_off_dt_struct(fdt, fdt_off_dt_struct(fdt) + 1);
    expect_refused(fdt, size, -EINVAL, "structure block at byte offset");
    free(fdt);

    fdt = basic_copy(&size);
    fdt_set_off_mem_rsvmap(fdt, fdt_off_mem_rsvmap(fdt) + 4);
    expect_refused(fdt, size, -EINVAL,
                   "memory reservation map at byte offset");
    free(fdt);

    fdt = basic_copy(&size);
    shifted = malloc(size + 8);
    assert_non_null(shifted);
    memcpy(shifted + 4, fdt, size);
    expect_refused(shifted + 4, size, -EINVAL, "not 8-byte aligned");
    free(shifted);
    free(fdt);
}

/* ---- the structure block ------------------------------------------- */

static struct fdt_property *prop_w(void *fdt, const char *path,
                                   const char *name)
{
    int len;
    struct fdt_property *p = fdt_get_property_w(fdt, offset_of(fdt, path),
                                                name, &len);

    assert_non_null(p);
    return p;
}

static void property_names_outside_the_strings_are_refused(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);

    (void)state;
    prop_w(fdt, DMAC, "str")->nameoff =
        cpu_to_fdt32(fdt_size_dt_strings(fdt) + 10);
    expect_refused(fdt, size, -EINVAL,
                   "device-tree: " DMAC ": malformed structure block in or "
                   "after this node");
    free(fdt);
}

static void unterminated_strings_are_refused(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);

    (void)state;
    /* The strings block loses its last NUL. */
    fdt_set_size_dt_strings(fdt, fdt_size_dt_strings(fdt) - 1);
    expect_refused(fdt, size, -EINVAL, "malformed structure block");
    free(fdt);
}

static void property_lengths_that_lie_are_refused(void **state)
{
    /*
     * 0xfffffff4 and 0xffffffe0 wrap libfdt 1.6.1's 32-bit offset back onto
     * or before the property itself: fdt_check_full() would never return.
     */
    static const uint32_t lies[] = {
        0x7ffffff0, 0xffffffff, 0x80000000, 0x10000, 0x1000,
        0xfffffff4, 0xffffffe0,
    };
    size_t size;
    unsigned int i;
    void *fdt;

    (void)state;
    for ( i = 0; i < ARRAY_SIZE(lies); i++ )
    {
        fdt = basic_copy(&size);
        prop_w(fdt, DMAC, "str")->len = cpu_to_fdt32(lies[i]);
        expect_refused(fdt, size, -EINVAL,
                       "device-tree: " DMAC ": malformed structure block");
        free(fdt);
    }
}

static void unknown_tags_are_refused(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);

    (void)state;
    prop_w(fdt, DMAC, "str")->tag = cpu_to_fdt32(0x9);
    expect_refused(fdt, size, -EINVAL, "malformed structure block");
    free(fdt);
}

/* Random byte damage: refused with one line or unflattened; never more. */
static void random_damage_never_crashes_or_leaks(void **state)
{
    size_t size, i;
    const void *blob = dt_test_blob("basic", &size);
    char *copy = malloc(size);
    struct dt_device_node *root;
    struct dt_walk_stats st;
    struct dt_heap_mark mark;
    uint32_t seed = 12345;
    unsigned int iter, edits, ok = 0, refused = 0;
    int rc;

    (void)state;
    for ( iter = 0; iter < 3000; iter++ )
    {
        memcpy(copy, blob, size);
        for ( edits = 1 + iter % 4; edits; edits-- )
        {
            seed = seed * 1103515245 + 12345;
            i = (seed >> 8) % size;
            seed = seed * 1103515245 + 12345;
            copy[i] = (iter & 1) ? (char)(seed >> 16) : copy[i] ^ 1;
        }
        dt_heap_mark(&mark);
        console_capture_clear();
        rc = dt_unflatten(copy, size, &root);
        if ( rc )
        {
            assert_int_equal(console_capture_count("[ERR]"), 1);
            refused++;
        }
        else
        {
            assert_string_equal(console_capture_text(), "");
            dt_walk_tree(root, &st);
            if ( st.violations )
                fail_msg("iteration %u: %s", iter, st.first_violation);
            dt_free(root);
            ok++;
        }
        assert_true(dt_heap_unchanged(&mark));
    }
    /* Both outcomes must actually be exercised. */
    assert_true(ok > 100);
    assert_true(refused > 100);
    free(copy);
}

/* ---- tree shape ---------------------------------------------------- */

static void nesting_is_bounded(void **state)
{
    size_t size;
    void *fdt = dt_test_make_deep(DT_MAX_DEPTH, &size);
    struct dt_device_node *root, *np;
    char path[2 * DT_MAX_DEPTH + 64] = "";
    unsigned int i;

    (void)state;
    root = load(fdt, size);
    for ( i = 0; i < DT_MAX_DEPTH; i++ )
        strcat(path, "/n");
    np = at(root, path);
    assert_null(np->child);
    assert_true(dt_property_read_u32(np, "level", &i));
    assert_int_equal(i, DT_MAX_DEPTH);
    assert_int_equal(dt_n_addr_cells(np), 2);
    assert_int_equal(dt_tree_node_count(np), DT_MAX_DEPTH + 1);
    dt_free(root);
    free(fdt);

    fdt = dt_test_make_deep(DT_MAX_DEPTH + 1, &size);
    strcat(path, "/n: nested deeper than the 64 levels allowed\n");
    expect_refused(fdt, size, -E2BIG, path);
    free(fdt);

    fdt = dt_test_make_deep(1000, &size);
    expect_refused(fdt, size, -E2BIG, "nested deeper than");
    free(fdt);
}

/* Sequential-writer blobs libfdt accepts but a tree cannot hold. */
static void *make_odd(int which, size_t *size)
{
    void *fdt = malloc(1024);

    assert_int_equal(fdt_create(fdt, 1024), 0);
    assert_int_equal(fdt_finish_reservemap(fdt), 0);
    assert_int_equal(fdt_begin_node(fdt, which == 7 ? "root" : ""), 0);
    assert_int_equal(fdt_begin_node(fdt, "soc"), 0);
    assert_int_equal(fdt_begin_node(fdt, which == 0 ? "" :
                                         which == 1 ? "a/b" :
                                         which == 3 ? "two\nlines" : "ok"),
                     0);
    if ( which == 4 )
        assert_int_equal(fdt_property_u32(fdt, "two\nlines", 1), 0);
    if ( which == 5 )
    {
        assert_int_equal(fdt_end_node(fdt), 0);
        assert_int_equal(fdt_begin_node(fdt, "ok"), 0);
    }
    assert_int_equal(fdt_end_node(fdt), 0);
    assert_int_equal(fdt_end_node(fdt), 0);
    assert_int_equal(fdt_end_node(fdt), 0);
    if ( which == 2 || which == 6 )
    {
        assert_int_equal(fdt_begin_node(fdt, ""), 0);
        assert_int_equal(fdt_end_node(fdt), 0);
    }
    assert_int_equal(fdt_finish(fdt), 0);
    if ( which == 6 )
    {
        /* The second root (8 + 4 bytes before the end tag) becomes NOPs. */
        fdt32_t *end = (fdt32_t *)((char *)fdt + fdt_off_dt_struct(fdt) +
                                   fdt_size_dt_struct(fdt)) - 1;

        assert_int_equal(fdt32_to_cpu(end[-1]), FDT_END_NODE);
        assert_int_equal(fdt32_to_cpu(end[-3]), FDT_BEGIN_NODE);
        end[-1] = end[-2] = end[-3] = cpu_to_fdt32(FDT_NOP);
    }
    *size = fdt_totalsize(fdt);
    return fdt;
}

static void bad_node_names_and_second_roots_are_refused(void **state)
{
    size_t size;
    void *fdt;

    (void)state;
    fdt = make_odd(0, &size);
    expect_refused(fdt, size, -EINVAL,
                   "[ERR] device-tree: /soc/: a child node has an empty "
                   "name\n");
    free(fdt);
    fdt = make_odd(1, &size);
    expect_refused(fdt, size, -EINVAL,
                   "[ERR] device-tree: /soc/a/b: node name contains '/'\n");
    free(fdt);
    /* Found by fuzz_dt: names are printed, so they must be one line. */
    fdt = make_odd(3, &size);
    expect_refused(fdt, size, -EINVAL,
                   "[ERR] device-tree: /soc/?: a child node name has byte "
                   "0x0a at position 3, outside printable ASCII\n");
    free(fdt);
    fdt = make_odd(4, &size);
    expect_refused(fdt, size, -EINVAL,
                   "[ERR] device-tree: /soc/ok: property 0 has a name with a "
                   "byte outside printable ASCII\n");
    free(fdt);
    /* Found by fuzz_dt: a path must name one node. */
    fdt = make_odd(5, &size);
    expect_refused(fdt, size, -EINVAL,
                   "[ERR] device-tree: /soc/ok: two sibling nodes have this "
                   "name\n");
    free(fdt);
    fdt = make_odd(2, &size);
    expect_refused(fdt, size, -EINVAL,
                   "[ERR] device-tree: /: malformed structure block after "
                   "the root node (FDT_ERR_BADSTRUCTURE)\n");
    free(fdt);
    /* libfdt 1.6.1 wants the end tag right after the root, not a NOP. */
    fdt = make_odd(6, &size);
    expect_refused(fdt, size, -EINVAL,
                   "[ERR] device-tree: /: malformed structure block after "
                   "the root node (FDT_ERR_BADSTRUCTURE)\n");
    free(fdt);
    /* And an empty name for the root (found by fuzz_dt). */
    fdt = make_odd(7, &size);
    expect_refused(fdt, size, -EINVAL,
                   "[ERR] device-tree: /: malformed structure block after "
                   "the root node (FDT_ERR_BADSTRUCTURE)\n");
    free(fdt);
}

/* ---- phandles ------------------------------------------------------ */

static void duplicate_phandles_are_refused(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);
    uint32_t mm = fdt_get_phandle(fdt, offset_of(fdt, MM));
    char line[160];

    (void)state;
    assert_true(mm != 0);
    assert_int_equal(fdt_setprop_u32(fdt, offset_of(fdt, DMAC), "phandle",
                                     mm), 0);
    snprintf(line, sizeof(line), "[ERR] device-tree: " DMAC ": phandle 0x%x "
             "is already used by " MM "\n", mm);
    expect_refused(fdt, size, -EINVAL, line);
    free(fdt);
}

static void malformed_phandle_properties_are_refused(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);

    (void)state;
    assert_int_equal(fdt_setprop(fdt, offset_of(fdt, MM), "phandle",
                                 "\0\1", 2), 0);
    expect_refused(fdt, size, -EINVAL,
                   "[ERR] device-tree: " MM ": phandle is 2 bytes long, "
                   "not 4\n");
    assert_int_equal(fdt_setprop_u32(fdt, offset_of(fdt, MM), "phandle",
                                     0xffffffff), 0);
    expect_refused(fdt, size, -EINVAL,
                   "[ERR] device-tree: " MM ": phandle 0xffffffff is not a "
                   "valid phandle\n");
    assert_int_equal(fdt_setprop_u32(fdt, offset_of(fdt, MM), "phandle", 0),
                     0);
    expect_refused(fdt, size, -EINVAL, "phandle 0x0 is not a valid phandle");
    free(fdt);

    fdt = basic_copy(&size);
    assert_int_equal(fdt_setprop_u32(fdt, offset_of(fdt, GPIO), "phandle",
                                     0x4243), 0);
    expect_refused(fdt, size, -EINVAL,
                   "[ERR] device-tree: " GPIO ": linux,phandle 0x4242 "
                   "disagrees with the node's other phandle 0x4243\n");
    free(fdt);
}

static void set_iommus(void *fdt, const uint32_t *cells, unsigned int n)
{
    fdt32_t be[32];
    unsigned int i;

    for ( i = 0; i < n; i++ )
        be[i] = cpu_to_fdt32(cells[i]);
    assert_int_equal(fdt_setprop(fdt, offset_of(fdt, DMAC), "iommus", be,
                                 n * 4), 0);
}

static void expect_iommus_error(void *fdt, size_t size, const char *line)
{
    struct dt_device_node *root = load(fdt, size);
    struct dt_phandle_args args;

    assert_int_equal(dt_count_phandle_with_args(at(root, DMAC), "iommus",
                                                "#iommu-cells"), -EINVAL);
    expect_one_line(line);
    assert_int_equal(dt_parse_phandle_with_args(at(root, DMAC), "iommus",
                                                "#iommu-cells", 0, &args),
                     -EINVAL);
    expect_one_line(line);
    dt_free(root);
}

static void phandles_pointing_nowhere_are_reported(void **state)
{
    static const uint32_t nowhere[] = { 0x777, 0 };
    size_t size;
    void *fdt = basic_copy(&size);

    (void)state;
    set_iommus(fdt, nowhere, 2);
    expect_iommus_error(fdt, size,
                        "[ERR] device-tree: " DMAC ": iommus entry 0: "
                        "phandle 0x777 points to no node\n");
    free(fdt);
}

static void iommu_cells_missing_or_huge_are_reported(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);
    int ds0 = offset_of(fdt, DS0);

    (void)state;
    assert_int_equal(fdt_delprop(fdt, ds0, "#iommu-cells"), 0);
    expect_iommus_error(fdt, size,
                        "[ERR] device-tree: " DMAC ": iommus entry 0: " DS0
                        " has no #iommu-cells\n");
    assert_int_equal(fdt_setprop_u32(fdt, offset_of(fdt, DS0),
                                     "#iommu-cells", MAX_PHANDLE_ARGS + 1),
                     0);
    expect_iommus_error(fdt, size,
                        "[ERR] device-tree: " DMAC ": iommus entry 0: "
                        "#iommu-cells of " DS0 " is 17, more than the 16 "
                        "supported\n");
    assert_int_equal(fdt_setprop_u32(fdt, offset_of(fdt, DS0),
                                     "#iommu-cells", 0xffffffff), 0);
    expect_iommus_error(fdt, size, "is 4294967295, more than the 16");
    assert_int_equal(fdt_setprop(fdt, offset_of(fdt, DS0), "#iommu-cells",
                                 "\0\1", 2), 0);
    expect_iommus_error(fdt, size,
                        "[ERR] device-tree: " DMAC ": iommus entry 0: "
                        "#iommu-cells of " DS0 " is 2 bytes, not 4\n");
    /* The largest allowed count, with too few cells after the phandle. */
    assert_int_equal(fdt_setprop_u32(fdt, offset_of(fdt, DS0),
                                     "#iommu-cells", MAX_PHANDLE_ARGS), 0);
    expect_iommus_error(fdt, size,
                        "[ERR] device-tree: " DMAC ": iommus entry 0: " DS0
                        " needs 16 argument cells, only 5 left\n");
    free(fdt);
}

static void the_largest_cells_count_parses(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);
    uint32_t cells[1 + MAX_PHANDLE_ARGS];
    struct dt_device_node *root;
    struct dt_phandle_args args;
    unsigned int i;

    (void)state;
    assert_int_equal(fdt_setprop_u32(fdt, offset_of(fdt, DS0),
                                     "#iommu-cells", MAX_PHANDLE_ARGS), 0);
    cells[0] = fdt_get_phandle(fdt, offset_of(fdt, DS0));
    for ( i = 0; i < MAX_PHANDLE_ARGS; i++ )
        cells[1 + i] = 100 + i;
    set_iommus(fdt, cells, 1 + MAX_PHANDLE_ARGS);
    root = load(fdt, size);
    assert_int_equal(dt_count_phandle_with_args(at(root, DMAC), "iommus",
                                                "#iommu-cells"), 1);
    assert_int_equal(dt_parse_phandle_with_args(at(root, DMAC), "iommus",
                                                "#iommu-cells", 0, &args), 0);
    assert_ptr_equal(args.np, at(root, DS0));
    assert_int_equal(args.args_count, MAX_PHANDLE_ARGS);
    for ( i = 0; i < MAX_PHANDLE_ARGS; i++ )
        assert_int_equal(args.args[i], 100 + i);
    dt_free(root);
    free(fdt);
}

static void lists_of_partial_cells_are_reported(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);

    (void)state;
    assert_int_equal(fdt_setprop(fdt, offset_of(fdt, DMAC), "iommus",
                                 "\0\0\0\1\0\0\0", 7), 0);
    expect_iommus_error(fdt, size,
                        "[ERR] device-tree: " DMAC ": iommus is 7 bytes long, "
                        "not a whole number of cells\n");
    free(fdt);
}

/* ---- addresses ----------------------------------------------------- */

static void expect_address_error(void *fdt, size_t size, const char *path,
                                 int err, const char *line)
{
    struct dt_device_node *root = load(fdt, size);
    uint64_t a, s;

    assert_int_equal(dt_device_get_address(at(root, path), 0, &a, &s), err);
    expect_one_line(line);
    dt_free(root);
}

static void malformed_ranges_and_cells_are_reported(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);

    (void)state;
    assert_int_equal(fdt_setprop(fdt, offset_of(fdt, BUS), "ranges",
                                 "\0\0\0\0\0", 5), 0);
    expect_address_error(fdt, size, BUS "/serial@1000", -EINVAL,
                         "[ERR] device-tree: " BUS "/serial@1000: ranges of "
                         BUS " is 5 bytes, not a whole number of 16-byte "
                         "entries\n");
    free(fdt);

    fdt = basic_copy(&size);
    assert_int_equal(fdt_setprop_u32(fdt, offset_of(fdt, BUS),
                                     "#address-cells", 5), 0);
    expect_address_error(fdt, size, BUS "/serial@1000", -EINVAL,
                         "[ERR] device-tree: " BUS "/serial@1000: "
                         "#address-cells for the children of " BUS " is 5 "
                         "(supported: 1 to 4)\n");
    assert_int_equal(fdt_setprop(fdt, offset_of(fdt, BUS), "#size-cells",
                                 "\0\0\1", 3), 0);
    expect_address_error(fdt, size, BUS "/serial@1000", -EINVAL,
                         "[ERR] device-tree: " BUS "/serial@1000: "
                         "#size-cells for the children of " BUS " is not one "
                         "cell\n");
    free(fdt);

    fdt = basic_copy(&size);
    assert_int_equal(fdt_setprop(fdt, offset_of(fdt, BUS "/serial@1000"),
                                 "reg", "\0\0\0\0\0\0\0", 7), 0);
    expect_address_error(fdt, size, BUS "/serial@1000", -EINVAL,
                         "[ERR] device-tree: " BUS "/serial@1000: reg is 7 "
                         "bytes, not a whole number of 2-cell entries\n");
    free(fdt);
}

static void translations_that_overflow_are_reported(void **state)
{
    const fdt32_t ranges[] = {
        cpu_to_fdt32(0x0), cpu_to_fdt32(0xffffffff),
        cpu_to_fdt32(0xfffff000), cpu_to_fdt32(0x100000),
    };
    const fdt32_t wide[] = {
        cpu_to_fdt32(1), cpu_to_fdt32(0), cpu_to_fdt32(0xe67b0000),
        cpu_to_fdt32(0), cpu_to_fdt32(0x1000),
    };
    size_t size;
    void *fdt = basic_copy(&size);
    struct dt_device_node *root;
    uint64_t a, s;

    (void)state;
    assert_int_equal(fdt_setprop(fdt, offset_of(fdt, BUS), "ranges", ranges,
                                 sizeof(ranges)), 0);
    expect_address_error(fdt, size, BUS "/serial@1000", -EOVERFLOW,
                         "[ERR] device-tree: " BUS "/serial@1000: address "
                         "0x1000 overflows the parent side of the ranges of "
                         BUS "\n");
    free(fdt);

    /* Three address cells on soc: fine while the top cell is zero. */
    fdt = basic_copy(&size);
    assert_int_equal(fdt_setprop_u32(fdt, offset_of(fdt, "/soc"),
                                     "#address-cells", 3), 0);
    assert_int_equal(fdt_setprop(fdt, offset_of(fdt, MM), "reg", wide,
                                 sizeof(wide)), 0);
    expect_address_error(fdt, size, MM, -EOVERFLOW,
                         "[ERR] device-tree: " MM ": address 0xe67b0000... "
                         "does not fit the 2 address cells above the empty "
                         "ranges of /soc\n");
    ((fdt32_t *)fdt_getprop_w(fdt, offset_of(fdt, MM), "reg", NULL))[0] = 0;
    root = load(fdt, size);
    assert_int_equal(dt_device_get_address(at(root, MM), 0, &a, &s), 0);
    assert_true(a == 0xe67b0000);
    assert_true(s == 0x1000);
    dt_free(root);
    free(fdt);
}

/* ---- interrupts ---------------------------------------------------- */

static void expect_irq_error(void *fdt, size_t size, const char *path,
                             int err, const char *line)
{
    struct dt_device_node *root = load(fdt, size);

    assert_int_equal(platform_get_irq(at(root, path), 0), err);
    expect_one_line(line);
    dt_free(root);
}

static void set_irq(void *fdt, const char *path, uint32_t type, uint32_t n)
{
    fdt32_t cells[3] = { cpu_to_fdt32(type), cpu_to_fdt32(n),
                         cpu_to_fdt32(4) };

    assert_int_equal(fdt_setprop(fdt, offset_of(fdt, path), "interrupts",
                                 cells, sizeof(cells)), 0);
}

static void out_of_range_and_unknown_interrupts_are_reported(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);
    struct dt_device_node *root;

    (void)state;
    set_irq(fdt, MM, 0, 987);
    root = load(fdt, size);
    assert_int_equal(platform_get_irq(at(root, MM), 0), 1019);
    dt_free(root);
    set_irq(fdt, MM, 0, 988);
    expect_irq_error(fdt, size, MM, -EINVAL,
                     "[ERR] device-tree: " MM ": interrupt 0: SPI 988 is out "
                     "of range (0 to 987)\n");
    set_irq(fdt, MM, 1, 16);
    expect_irq_error(fdt, size, MM, -EINVAL,
                     "[ERR] device-tree: " MM ": interrupt 0: PPI 16 is out "
                     "of range (0 to 15)\n");
    set_irq(fdt, MM, 2, 3);
    expect_irq_error(fdt, size, MM, -EOPNOTSUPP,
                     "[ERR] device-tree: " MM ": interrupt 0: type 2 is not "
                     "supported (0 SPI, 1 PPI)\n");
    assert_int_equal(fdt_setprop(fdt, offset_of(fdt, MM), "interrupts",
                                 "\0\0\0\0\0\0\0\1", 8), 0);
    expect_irq_error(fdt, size, MM, -EINVAL,
                     "[ERR] device-tree: " MM ": interrupts is 8 bytes, not a "
                     "whole number of 3-cell entries\n");
    free(fdt);
}

static void broken_interrupt_parents_are_reported(void **state)
{
    size_t size;
    void *fdt = basic_copy(&size);
    int gic;

    (void)state;
    assert_int_equal(fdt_setprop_u32(fdt, offset_of(fdt, "/soc"),
                                     "interrupt-parent", 0x777), 0);
    expect_irq_error(fdt, size, MM, -EINVAL,
                     "[ERR] device-tree: /soc: interrupt-parent 0x777 points "
                     "to no node\n");
    free(fdt);

    /* button -> gpio -> button ... and neither is a controller. */
    fdt = basic_copy(&size);
    assert_int_equal(fdt_delprop(fdt, offset_of(fdt, GPIO),
                                 "#interrupt-cells"), 0);
    assert_int_equal(fdt_setprop_u32(fdt, offset_of(fdt, "/soc/button"),
                                     "phandle", 0x5150), 0);
    assert_int_equal(fdt_setprop_u32(fdt, offset_of(fdt, GPIO),
                                     "interrupt-parent", 0x5150), 0);
    expect_irq_error(fdt, size, "/soc/button", -EINVAL,
                     "[ERR] device-tree: /soc/button: interrupt-parent chain "
                     "longer than 256 hops (a loop?)\n");
    free(fdt);

    fdt = basic_copy(&size);
    gic = offset_of(fdt, "/interrupt-controller@f1010000");
    assert_int_equal(fdt_setprop_u32(fdt, gic, "#interrupt-cells", 0), 0);
    expect_irq_error(fdt, size, MM, -EINVAL,
                     "[ERR] device-tree: " MM ": #interrupt-cells of "
                     "/interrupt-controller@f1010000 is 0 (supported: 1 to "
                     "16)\n");
    gic = offset_of(fdt, "/interrupt-controller@f1010000");
    assert_int_equal(fdt_setprop_u32(fdt, gic, "#interrupt-cells", 3), 0);
    gic = offset_of(fdt, "/interrupt-controller@f1010000");
    assert_int_equal(fdt_setprop_u32(fdt, gic, "interrupt-map", 0), 0);
    expect_irq_error(fdt, size, MM, -EOPNOTSUPP,
                     "[ERR] device-tree: " MM ": interrupt 0: "
                     "/interrupt-controller@f1010000 is an interrupt nexus "
                     "(interrupt-map), not supported\n");
    free(fdt);
}

/* ---- allocation failure -------------------------------------------- */

static void every_allocation_failure_is_clean(void **state)
{
    size_t size;
    void *fdt = dt_test_make_soc(17, 600, &size);
    struct dt_device_node *root;
    struct dt_heap_mark mark;
    unsigned long n, count;

    (void)state;
    /*
     * A real-size tree: 1 root + GIC + clocks + soc + 17 + 600 nodes.  A
     * first run grows the heap, so that the counted run and the failing
     * runs make the same allocation attempts.
     */
    dt_free(load(fdt, size));
    alloc_count_reset();
    root = load(fdt, size);
    count = alloc_count();
    assert_int_equal(dt_tree_node_count(root), 621);
    dt_free(root);
    /*
     * The name check's table, the phandle index and the chunks holding
     * the nodes (up to 64 KiB each): a few blocks, not one per node.
     */
    assert_true(count >= 3 && count < 621 / 10);

    for ( n = 1; n <= count; n++ )
    {
        dt_heap_mark(&mark);
        console_capture_clear();
        alloc_fail_nth(n);
        root = (void *)1;
        assert_int_equal(dt_unflatten(fdt, size, &root), -ENOMEM);
        alloc_fail_nth(0);
        assert_null(root);
        assert_true(dt_heap_unchanged(&mark));
        expect_one_line("out of memory");
    }
    /* And past the last allocation, success. */
    alloc_fail_nth(count + 1);
    root = load(fdt, size);
    alloc_fail_nth(0);
    dt_free(root);
    free(fdt);
}

static void a_failed_host_init_keeps_the_old_tree(void **state)
{
    size_t size;
    const void *blob = dt_test_blob("basic", &size);
    struct dt_device_node *old;

    (void)state;
    assert_int_equal(dt_host_init(blob, size), 0);
    old = dt_host;
    alloc_fail_nth(1);
    assert_int_equal(dt_host_init(blob, size), -ENOMEM);
    alloc_fail_nth(0);
    expect_one_line("out of memory");
    assert_ptr_equal(dt_host, old);
    assert_non_null(dt_find_node_by_path(DMAC));
    dt_host_free();
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(absent_and_short_blobs_are_refused),
        T(bad_magic_is_named),
        T(unsupported_versions_are_refused),
        T(every_truncation_is_refused),
        T(every_short_totalsize_is_refused),
        T(blocks_outside_the_blob_are_refused),
        T(overlapping_blocks_are_refused),
        T(misaligned_blobs_and_blocks_are_refused),
        T(property_names_outside_the_strings_are_refused),
        T(unterminated_strings_are_refused),
        T(property_lengths_that_lie_are_refused),
        T(unknown_tags_are_refused),
        T(random_damage_never_crashes_or_leaks),
        T(nesting_is_bounded),
        T(bad_node_names_and_second_roots_are_refused),
        T(duplicate_phandles_are_refused),
        T(malformed_phandle_properties_are_refused),
        T(phandles_pointing_nowhere_are_reported),
        T(iommu_cells_missing_or_huge_are_reported),
        T(the_largest_cells_count_parses),
        T(lists_of_partial_cells_are_reported),
        T(malformed_ranges_and_cells_are_reported),
        T(translations_that_overflow_are_reported),
        T(out_of_range_and_unknown_interrupts_are_reported),
        T(broken_interrupt_parents_are_reported),
        T(every_allocation_failure_is_clean),
        T(a_failed_host_init_keeps_the_old_tree),
    };

    console_set_echo(false);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
