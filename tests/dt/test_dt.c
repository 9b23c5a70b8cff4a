/*
 * The device-tree core on well-formed trees: unflattening (checked node by
 * node against libfdt's own view of the blob), lookups, properties, cells,
 * address translation, phandle lists, GIC interrupts, the host tree, and
 * that freeing returns every byte.  Values come from tests/dt/basic.dts
 * and tests/dt/defaults.dts.
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

#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/xmalloc.h>
#include "hosted/console.h"
#include "tests/dt/dt_blobs.h"

static struct dt_heap_mark heap_before;

static struct dt_device_node *node(const char *path)
{
    struct dt_device_node *np = dt_find_node_by_path(path);

    if ( !np )
        fail_msg("no node %s", path);
    return np;
}

/* Each test starts with basic.dts as the host tree and a clean console. */
static int setup_basic(void **state)
{
    size_t size;
    const void *blob = dt_test_blob("basic", &size);

    (void)state;
    dt_heap_mark(&heap_before);
    assert_int_equal(dt_host_init(blob, size), 0);
    console_capture_start();
    return 0;
}

static int teardown_basic(void **state)
{
    (void)state;
    console_capture_stop();
    dt_host_free();
    assert_null(dt_host);
    assert_true(dt_heap_unchanged(&heap_before));
    return 0;
}

/* ---- unflattening -------------------------------------------------- */

static void every_blob_node_is_unflattened_in_blob_order(void **state)
{
    size_t size;
    const void *fdt = dt_test_blob("basic", &size);
    struct dt_device_node *np = dt_host;
    const struct dt_property *pp;
    char path[256];
    int depth = -1, off, prop, nr = 0, nr_props;

    (void)state;
    for ( off = fdt_next_node(fdt, -1, &depth); off >= 0 && depth >= 0;
          off = fdt_next_node(fdt, off, &depth), np = np->allnext )
    {
        assert_non_null(np);
        assert_int_equal(fdt_get_path(fdt, off, path, sizeof(path)), 0);
        assert_string_equal(np->full_name, path);
        nr_props = 0;
        fdt_for_each_property_offset(prop, fdt, off)
            nr_props++;
        dt_for_each_property_node(np, pp)
            nr_props--;
        assert_int_equal(nr_props, 0);
        assert_int_equal(np->phandle, fdt_get_phandle(fdt, off));
        nr++;
    }
    assert_null(np);
    assert_int_equal(nr, 18);
    assert_int_equal(dt_tree_node_count(dt_host), 18);
    assert_int_equal(dt_tree_node_count(node("/soc/timer")), 18);
    assert_int_equal(dt_tree_node_count(NULL), 0);
    assert_string_equal(console_capture_text(), "");
}

static void property_values_are_copies_of_the_blob_values(void **state)
{
    size_t size;
    const void *fdt = dt_test_blob("basic", &size);
    struct dt_device_node *np;
    const struct dt_property *pp;
    const void *val;
    int off, len;

    (void)state;
    dt_for_each_device_node(dt_host, np)
    {
        off = fdt_path_offset(fdt, np->full_name);
        assert_true(off >= 0);
        dt_for_each_property_node(np, pp)
        {
            val = fdt_getprop(fdt, off, pp->name, &len);
            assert_non_null(val);
            assert_int_equal(pp->length, len);
            assert_non_null(pp->value);
            assert_memory_equal(pp->value, val, len);
            /* A copy: the tree must not point into the blob. */
            assert_true((const char *)pp->value < (const char *)fdt ||
                        (const char *)pp->value >= (const char *)fdt + size);
        }
    }
}

static void nodes_carry_names_type_device_and_owner(void **state)
{
    struct dt_device_node *mm = node("/soc/iommu@e67b0000");
    struct dt_device_node *mem = node("/memory@48000000");

    (void)state;
    assert_string_equal(dt_host->full_name, "/");
    assert_string_equal(dt_host->name, "");
    assert_null(dt_host->parent);
    assert_string_equal(mm->name, "iommu");
    assert_string_equal(dt_node_name(mm), "iommu");
    assert_string_equal(dt_node_full_name(mm), "/soc/iommu@e67b0000");
    assert_string_equal(dt_node_full_name(NULL), "<no-node>");
    assert_string_equal(mem->type, "memory");
    assert_string_equal(mm->type, "<NULL>");
    assert_ptr_equal(dt_get_parent(mm), node("/soc"));
    assert_ptr_equal(dt_to_dev(mm)->of_node, mm);
    assert_ptr_equal(dev_to_dt(dt_to_dev(mm)), mm);
    assert_int_equal(dt_to_dev(mm)->type, DEV_DT);
    assert_null(dt_to_dev(mm)->iommu_fwspec);
    assert_null(dt_to_dev(mm)->archdata.iommu);
    assert_int_equal(dt_device_used_by(mm), DOMID_IO);
    assert_false(dt_device_is_protected(mm));
    dt_device_set_protected(mm);
    dt_device_set_used_by(mm, 3);
    assert_true(dt_device_is_protected(mm));
    assert_int_equal(dt_device_used_by(mm), 3);
    assert_false(dt_device_is_protected(mem));
    assert_int_equal(node("/soc/gpio@e6050000")->phandle, 0x4242);
}

static void children_and_siblings_follow_the_blob(void **state)
{
    static const char *const root_children[] = {
        "memory@48000000", "interrupt-controller@f1010000", "soc",
        "lonely-irq",
    };
    struct dt_device_node *np;
    unsigned int i = 0;

    (void)state;
    dt_for_each_child_node(dt_host, np)
    {
        assert_true(i < ARRAY_SIZE(root_children));
        assert_string_equal(strrchr(np->full_name, '/') + 1,
                            root_children[i]);
        assert_ptr_equal(np->parent, dt_host);
        i++;
    }
    assert_int_equal(i, ARRAY_SIZE(root_children));
    i = 0;
    dt_for_each_child_node(node("/soc"), np)
        i++;
    assert_int_equal(i, 9);
    assert_null(node("/soc/bus@fe000000/nomap/dev@10")->child);
}

/* ---- lookups ------------------------------------------------------- */

static void paths_find_exact_nodes_only(void **state)
{
    (void)state;
    assert_ptr_equal(dt_find_node_by_path("/"), dt_host);
    assert_string_equal(node("/soc/bus@fe000000/nomap/dev@10")->full_name,
                        "/soc/bus@fe000000/nomap/dev@10");
    assert_ptr_equal(dt_find_node_by_path("/soc/"), node("/soc"));
    assert_null(dt_find_node_by_path("/soc/iommu"));
    assert_null(dt_find_node_by_path("/soc/iommu@e67b000"));
    assert_null(dt_find_node_by_path("/nosuch/timer"));
    assert_null(dt_find_node_by_path("soc"));
    assert_null(dt_find_node_by_path(""));
    assert_null(dt_find_node_by_path(NULL));
}

static void phandles_find_their_node(void **state)
{
    struct dt_device_node *mm = node("/soc/iommu@e67b0000");

    (void)state;
    assert_true(mm->phandle != 0);
    assert_ptr_equal(dt_find_node_by_phandle(mm->phandle), mm);
    assert_ptr_equal(dt_find_node_by_phandle(0x4242),
                     node("/soc/gpio@e6050000"));
    assert_ptr_equal(dt_find_node_by_phandle_from(node("/soc/timer"),
                                                  0x4242),
                     node("/soc/gpio@e6050000"));
    assert_null(dt_find_node_by_phandle(0x9999));
    assert_null(dt_find_node_by_phandle(0));
}

static void compatible_matches_whole_strings(void **state)
{
    struct dt_device_node *mm = node("/soc/iommu@e67b0000");
    struct dt_device_node *np;
    static const char *const ipmmus[] = {
        "/soc/iommu@e67b0000", "/soc/iommu@e6740000", "/soc/iommu@e6750000",
    };
    unsigned int i = 0;

    (void)state;
    assert_true(dt_device_is_compatible(mm, "renesas,ipmmu-vmsa"));
    assert_true(dt_device_is_compatible(mm, "renesas,ipmmu-r8a7795"));
    assert_false(dt_device_is_compatible(mm, "renesas,ipmmu"));
    assert_false(dt_device_is_compatible(mm, "renesas,ipmmu-vmsa2"));
    assert_false(dt_device_is_compatible(node("/lonely-irq"), "x"));
    assert_false(dt_device_is_compatible(NULL, "renesas,ipmmu-vmsa"));
    for ( np = dt_find_compatible_node(NULL, NULL, "renesas,ipmmu-vmsa");
          np; np = dt_find_compatible_node(np, NULL, "renesas,ipmmu-vmsa") )
    {
        assert_true(i < ARRAY_SIZE(ipmmus));
        assert_string_equal(np->full_name, ipmmus[i++]);
    }
    assert_int_equal(i, 3);
    assert_null(dt_find_compatible_node(NULL, "memory",
                                        "renesas,ipmmu-vmsa"));
    assert_ptr_equal(dt_find_node_by_name(NULL, "iommu"), mm);
    assert_ptr_equal(dt_find_node_by_name(mm, "iommu"),
                     node("/soc/iommu@e6740000"));
    assert_null(dt_find_node_by_name(NULL, "iommu@e67b0000"));
}

static void match_tables_pick_the_first_matching_entry(void **state)
{
    static const int gen3 = 3;
    static const struct dt_device_match ipmmu_match[] = {
        DT_MATCH_COMPATIBLE("renesas,ipmmu-r8a7796"),
        { .compatible = "renesas,ipmmu-r8a7795", .data = &gen3 },
        DT_MATCH_COMPATIBLE("renesas,ipmmu-vmsa"),
        { /* sentinel */ },
    };
    static const struct dt_device_match misc_match[] = {
        DT_MATCH_PATH("/soc/timer"),
        DT_MATCH_TYPE("memory"),
        { .compatible = "renesas,ipmmu-vmsa", .not_available = true },
        { /* sentinel */ },
    };
    const struct dt_device_match *m;
    struct dt_device_node *np;

    (void)state;
    m = dt_match_node(ipmmu_match, node("/soc/iommu@e6740000"));
    assert_ptr_equal(m, &ipmmu_match[1]);
    assert_ptr_equal(m->data, &gen3);
    assert_null(dt_match_node(ipmmu_match, node("/soc/timer")));
    assert_ptr_equal(dt_match_node(misc_match, node("/soc/timer")),
                     &misc_match[0]);
    assert_ptr_equal(dt_match_node(misc_match, node("/memory@48000000")),
                     &misc_match[1]);
    assert_ptr_equal(dt_match_node(misc_match, node("/soc/iommu@e6750000")),
                     &misc_match[2]);
    assert_null(dt_match_node(misc_match, node("/soc/iommu@e6740000")));
    assert_null(dt_match_node(NULL, dt_host));

    np = dt_find_matching_node(NULL, misc_match);
    assert_string_equal(np->full_name, "/memory@48000000");
    np = dt_find_matching_node(np, misc_match);
    assert_string_equal(np->full_name, "/soc/iommu@e6750000");
    np = dt_find_matching_node(np, misc_match);
    assert_string_equal(np->full_name, "/soc/timer");
    assert_null(dt_find_matching_node(np, misc_match));
}

static void status_okay_ok_or_absent_is_available(void **state)
{
    (void)state;
    assert_true(dt_device_is_available(node("/soc/iommu@e67b0000")));
    assert_true(dt_device_is_available(node("/soc/iommu@e6740000")));
    assert_true(dt_device_is_available(node("/soc/dma-controller@e6700000")));
    assert_false(dt_device_is_available(node("/soc/iommu@e6750000")));
    assert_false(dt_device_is_available(NULL));
}

/* ---- properties ---------------------------------------------------- */

static void property_reads_check_their_length(void **state)
{
    struct dt_device_node *dmac = node("/soc/dma-controller@e6700000");
    const char *s = NULL;
    uint32_t u32 = 0, len = 0;
    uint64_t u64 = 0;

    (void)state;
    assert_non_null(dt_get_property(dmac, "iommus", &len));
    assert_int_equal(len, 24);
    assert_non_null(dt_find_property(dmac, "empty-flag", &len));
    assert_int_equal(len, 0);
    assert_non_null(dt_get_property(dmac, "empty-flag", NULL));
    assert_null(dt_get_property(dmac, "nosuch", NULL));
    assert_null(dt_get_property(NULL, "iommus", NULL));
    assert_true(dt_property_read_bool(dmac, "empty-flag"));
    assert_false(dt_property_read_bool(dmac, "nosuch"));

    assert_true(dt_property_read_u32(node("/soc/iommu@e6740000"),
                                     "#iommu-cells", &u32));
    assert_int_equal(u32, 1);
    assert_false(dt_property_read_u32(dmac, "empty-flag", &u32));
    assert_true(dt_property_read_u64(dmac, "u64-value", &u64));
    assert_true(u64 == 0x123456789abcdef0ULL);
    assert_false(dt_property_read_u64(node("/soc/iommu@e6740000"),
                                      "#iommu-cells", &u64));

    assert_int_equal(dt_property_read_string(dmac, "str", &s), 0);
    assert_string_equal(s, "hello");
    assert_int_equal(dt_property_read_string(dmac, "nosuch", &s), -EINVAL);
    assert_int_equal(dt_property_read_string(dmac, "empty-flag", &s),
                     -ENODATA);
    assert_string_equal(console_capture_text(), "");
    assert_int_equal(dt_property_read_string(dmac, "unterminated", &s),
                     -EILSEQ);
    assert_string_equal(console_capture_text(),
                        "[ERR] device-tree: /soc/dma-controller@e6700000: "
                        "property unterminated is not a NUL-terminated "
                        "string\n");
}

/* ---- cells and addresses ------------------------------------------- */

static void cells_come_from_the_parent(void **state)
{
    (void)state;
    assert_int_equal(dt_n_addr_cells(node("/soc/iommu@e67b0000")), 2);
    assert_int_equal(dt_n_size_cells(node("/soc/iommu@e67b0000")), 2);
    assert_int_equal(dt_n_addr_cells(node("/soc/bus@fe000000/serial@1000")),
                     1);
    assert_int_equal(dt_n_size_cells(node("/soc/bus@fe000000/serial@1000")),
                     1);
    /* The root has no parent: the defaults. */
    assert_int_equal(dt_n_addr_cells(dt_host), 2);
    assert_int_equal(dt_n_size_cells(dt_host), 1);
}

static void expect_address(const char *path, unsigned int index,
                           uint64_t addr, uint64_t size)
{
    uint64_t a = 0, s = 0;
    paddr_t pa = 0, ps = 0;

    assert_int_equal(dt_device_get_address(node(path), index, &a, &s), 0);
    assert_true(a == addr);
    assert_true(s == size);
    assert_int_equal(dt_device_get_paddr(node(path), index, &pa, &ps), 0);
    assert_true(pa == addr);
    assert_true(ps == size);
}

static void addresses_translate_through_ranges(void **state)
{
    (void)state;
    expect_address("/memory@48000000", 0, 0x48000000, 0x38000000);
    expect_address("/memory@48000000", 1, 0x500000000ULL, 0x40000000);
    expect_address("/soc/iommu@e67b0000", 0, 0xe67b0000, 0x1000);
    expect_address("/interrupt-controller@f1010000", 1, 0xf1020000,
                   0x20000);
    /* bus@fe000000 maps 0x0 -> 0xfe000000 and 0x200000 -> 0xfd000000. */
    expect_address("/soc/bus@fe000000/serial@1000", 0, 0xfe001000, 0x40);
    expect_address("/soc/bus@fe000000/serial@1000", 1, 0xfd000010, 0x10);
    assert_int_equal(dt_number_of_address(node("/memory@48000000")), 2);
    assert_int_equal(dt_number_of_address(node("/soc/timer")), 0);
    assert_int_equal(dt_number_of_address(NULL), 0);
    assert_int_equal(dt_device_get_address(node("/soc/iommu@e67b0000"), 0,
                                           NULL, NULL), 0);
    assert_string_equal(console_capture_text(), "");
}

static void missing_addresses_are_quiet_enoent(void **state)
{
    uint64_t a, s;

    (void)state;
    assert_int_equal(dt_device_get_address(node("/memory@48000000"), 2,
                                           &a, &s), -ENOENT);
    assert_int_equal(dt_device_get_address(node("/soc/timer"), 0, &a, &s),
                     -ENOENT);
    assert_int_equal(dt_device_get_address(NULL, 0, &a, &s), -EINVAL);
    assert_string_equal(console_capture_text(), "");
}

static void untranslatable_addresses_are_reported(void **state)
{
    uint64_t a, s;

    (void)state;
    assert_int_equal(dt_device_get_address(
                         node("/soc/bus@fe000000/outside@300000"), 0, &a, &s),
                     -EINVAL);
    assert_string_equal(console_capture_text(),
                        "[ERR] device-tree: /soc/bus@fe000000/outside@300000:"
                        " address 0x300000 is outside every ranges entry of "
                        "/soc/bus@fe000000\n");
    console_capture_clear();
    assert_int_equal(dt_device_get_address(
                         node("/soc/bus@fe000000/nomap/dev@10"), 0, &a, &s),
                     -EINVAL);
    assert_string_equal(console_capture_text(),
                        "[ERR] device-tree: /soc/bus@fe000000/nomap/dev@10: "
                        "/soc/bus@fe000000/nomap has no ranges: addresses on "
                        "it are not CPU addresses\n");
}

static void root_defaults_and_inherited_cells(void **state)
{
    size_t size;
    const void *blob = dt_test_blob("defaults", &size);
    struct dt_device_node *root, *dev, *leaf;
    uint64_t a, s;

    (void)state;
    assert_int_equal(dt_unflatten(blob, size, &root), 0);
    /* The host tree is untouched by a second tree. */
    assert_string_equal(dt_host->child->full_name, "/memory@48000000");
    dev = dt_find_node_by_path_from(root, "/dev@0");
    leaf = dt_find_node_by_path_from(root, "/bus/quiet/leaf@7");
    assert_non_null(dev);
    assert_non_null(leaf);
    assert_int_equal(dt_n_addr_cells(dev), 2);
    assert_int_equal(dt_n_size_cells(dev), 1);
    assert_int_equal(dt_device_get_address(dev, 0, &a, &s), 0);
    assert_true(a == 0x100002000ULL);
    assert_true(s == 0x3000);
    assert_int_equal(dt_n_addr_cells(leaf), 1);
    assert_int_equal(dt_n_size_cells(leaf), 0);
    assert_int_equal(dt_device_get_address(leaf, 0, &a, &s), 0);
    assert_true(a == 7);
    assert_true(s == 0);
    assert_int_equal(dt_tree_node_count(leaf), 5);
    dt_free(root);
}

/* ---- phandle lists ------------------------------------------------- */

static void iommus_parse_into_phandle_and_ids(void **state)
{
    struct dt_device_node *dmac = node("/soc/dma-controller@e6700000");
    struct dt_phandle_args args;

    (void)state;
    assert_int_equal(dt_count_phandle_with_args(dmac, "iommus",
                                                "#iommu-cells"), 3);
    assert_int_equal(dt_parse_phandle_with_args(dmac, "iommus",
                                                "#iommu-cells", 0, &args), 0);
    assert_ptr_equal(args.np, node("/soc/iommu@e6740000"));
    assert_int_equal(args.args_count, 1);
    assert_int_equal(args.args[0], 0);
    assert_int_equal(dt_parse_phandle_with_args(dmac, "iommus",
                                                "#iommu-cells", 1, &args), 0);
    assert_int_equal(args.args[0], 1);
    assert_int_equal(dt_parse_phandle_with_args(dmac, "iommus",
                                                "#iommu-cells", 2, &args), 0);
    assert_ptr_equal(args.np, node("/soc/iommu@e67b0000"));
    assert_int_equal(args.args[0], 15);
    assert_int_equal(dt_parse_phandle_with_args(dmac, "iommus",
                                                "#iommu-cells", 3, &args),
                     -ENOENT);
    assert_null(args.np);
    assert_string_equal(console_capture_text(), "");
}

static void other_cells_names_and_plain_phandles(void **state)
{
    struct dt_device_node *dmac = node("/soc/dma-controller@e6700000");
    struct dt_phandle_args args;

    (void)state;
    assert_int_equal(dt_parse_phandle_with_args(dmac, "clocks",
                                                "#clock-cells", 0, &args), 0);
    assert_ptr_equal(args.np, node("/soc/clock-controller@e6150000"));
    assert_int_equal(args.args_count, 2);
    assert_int_equal(args.args[0], 1);
    assert_int_equal(args.args[1], 219);
    assert_ptr_equal(dt_parse_phandle(node("/soc/iommu@e6740000"),
                                      "renesas,ipmmu-main", 0),
                     node("/soc/iommu@e67b0000"));
    assert_null(dt_parse_phandle(dmac, "nosuch", 0));
    assert_int_equal(dt_count_phandle_with_args(dmac, "nosuch",
                                                "#iommu-cells"), -ENOENT);
    assert_int_equal(dt_count_phandle_with_args(NULL, "iommus",
                                                "#iommu-cells"), -EINVAL);
    assert_int_equal(dt_parse_phandle_with_args(dmac, "iommus",
                                                "#iommu-cells", -1, &args),
                     -EINVAL);
    assert_string_equal(console_capture_text(), "");
}

static void empty_slots_count_but_do_not_parse(void **state)
{
    struct dt_device_node *dmac = node("/soc/dma-controller@e6700000");
    struct dt_phandle_args args;

    (void)state;
    /* mixed = <0 &ipmmu_ds0 7 &dmac0>: an empty slot, an IPMMU, a node
     * without #iommu-cells. */
    assert_int_equal(dt_parse_phandle_with_args(dmac, "mixed",
                                                "#iommu-cells", 0, &args),
                     -ENOENT);
    assert_int_equal(dt_parse_phandle_with_args(dmac, "mixed",
                                                "#iommu-cells", 1, &args), 0);
    assert_ptr_equal(args.np, node("/soc/iommu@e6740000"));
    assert_int_equal(args.args[0], 7);
    assert_string_equal(console_capture_text(), "");
    assert_int_equal(dt_count_phandle_with_args(dmac, "mixed",
                                                "#iommu-cells"), -EINVAL);
    assert_string_equal(console_capture_text(),
                        "[ERR] device-tree: /soc/dma-controller@e6700000: "
                        "mixed entry 2: /soc/dma-controller@e6700000 has no "
                        "#iommu-cells\n");
}

/* ---- interrupts ---------------------------------------------------- */

static void gic_spis_and_ppis_become_irq_numbers(void **state)
{
    struct dt_device_node *mm = node("/soc/iommu@e67b0000");
    struct dt_device_node *dmac = node("/soc/dma-controller@e6700000");
    struct dt_device_node *gpio = node("/soc/gpio@e6050000");

    (void)state;
    assert_int_equal(dt_number_of_irq(mm), 2);
    assert_int_equal(platform_get_irq(mm, 0), 196 + 32);
    assert_int_equal(platform_get_irq(mm, 1), 197 + 32);
    assert_int_equal(platform_get_irq(mm, 2), -ENOENT);
    assert_int_equal(platform_get_irq(dmac, 0), 199 + 32);
    assert_int_equal(platform_get_irq(dmac, 1), 9 + 16);
    /* gpio has no interrupt-parent of its own: soc's applies. */
    assert_int_equal(platform_get_irq(gpio, 0), 4 + 32);
    assert_int_equal(platform_get_irq(mm, -1), -EINVAL);
    assert_int_equal(platform_get_irq(node("/memory@48000000"), 0), -ENOENT);
    assert_int_equal(dt_number_of_irq(node("/soc/iommu@e6740000")), 0);
    assert_string_equal(console_capture_text(), "");
}

static void interrupts_extended_names_its_controller(void **state)
{
    struct dt_device_node *timer = node("/soc/timer");

    (void)state;
    assert_int_equal(dt_number_of_irq(timer), 2);
    assert_int_equal(platform_get_irq(timer, 0), 13 + 16);
    assert_int_equal(platform_get_irq(timer, 1), 14 + 16);
    assert_int_equal(platform_get_irq(timer, 2), -ENOENT);
    assert_string_equal(console_capture_text(), "");
}

static void non_gic_controllers_are_refused(void **state)
{
    (void)state;
    assert_int_equal(dt_number_of_irq(node("/soc/button")), 1);
    assert_int_equal(platform_get_irq(node("/soc/button"), 0), -EOPNOTSUPP);
    assert_string_equal(console_capture_text(),
                        "[ERR] device-tree: /soc/button: interrupt 0: "
                        "/soc/gpio@e6050000 has #interrupt-cells 2; only the "
                        "GIC's 3 are supported\n");
    console_capture_clear();
    assert_int_equal(platform_get_irq(node("/lonely-irq"), 0), -ENOENT);
    assert_string_equal(console_capture_text(),
                        "[ERR] device-tree: /lonely-irq: no interrupt "
                        "controller above it\n");
}

/* ---- the host tree and freeing ------------------------------------- */

static void host_tree_is_replaced_only_by_a_good_blob(void **state)
{
    size_t size;
    const void *blob = dt_test_blob("defaults", &size);
    static const char junk[64] = "not a device tree";
    struct dt_heap_mark mark;

    (void)state;
    assert_int_equal(dt_host_init(junk, sizeof(junk)), -EINVAL);
    assert_non_null(dt_find_node_by_path("/soc/timer"));
    assert_int_equal(console_capture_count("[ERR]"), 1);
    assert_int_equal(dt_host_init(blob, size), 0);
    assert_null(dt_find_node_by_path("/soc/timer"));
    assert_non_null(dt_find_node_by_path("/bus/quiet/leaf@7"));
    dt_host_free();
    assert_null(dt_host);
    assert_null(dt_find_node_by_path("/"));
    assert_null(dt_find_node_by_phandle(1));
    assert_null(dt_find_compatible_node(NULL, NULL, "simple-bus"));
    dt_heap_mark(&mark);
    dt_host_free();
    assert_true(dt_heap_unchanged(&mark));
}

static void unflatten_and_free_return_every_byte(void **state)
{
    size_t size;
    const void *blob = dt_test_blob("basic", &size);
    struct dt_heap_mark mark;
    struct dt_device_node *root;
    unsigned int i;

    (void)state;
    dt_heap_mark(&mark);
    for ( i = 0; i < 3; i++ )
    {
        assert_int_equal(dt_unflatten(blob, size, &root), 0);
        assert_true(xmalloc_live_blocks() > mark.live);
        /*
         * The 18 nodes in one block (the check's counts size it) and one
         * for the phandle index.
         */
        assert_int_equal(dt_tree_node_count(root), 18);
        assert_int_equal(xmalloc_live_blocks() - mark.live, 1 + 1);
        dt_free(root);
        assert_true(dt_heap_unchanged(&mark));
    }
    dt_free(NULL);
    assert_true(dt_heap_unchanged(&mark));
}

/*
 * Nodes sit in chunks of up to 64 KiB: a tree of 621 nodes spans several,
 * and a node with a 100,000-byte value gets one of its own in the middle.
 * Every node, in order, with every property, as libfdt reads the blob.
 */
static void a_tree_over_many_chunks_matches_the_blob(void **state)
{
    size_t size;
    void *soc = dt_test_make_soc(17, 600, &size);
    size_t room = size + 110000;
    void *fdt = malloc(room);
    unsigned char *big = malloc(100000);
    struct dt_device_node *root, *np;
    const struct dt_property *pp;
    struct dt_heap_mark mark;
    char path[256];
    const void *val;
    int depth = -1, off, len, i, nr = 0, nr_props;

    (void)state;
    assert_non_null(fdt);
    assert_non_null(big);
    for ( i = 0; i < 100000; i++ )
        big[i] = (unsigned char)(i * 7 + i / 251);
    assert_int_equal(fdt_open_into(soc, fdt, room), 0);
    off = fdt_next_node(fdt, -1, &depth);
    for ( i = 0; i < 300 && off >= 0; i++ )
        off = fdt_next_node(fdt, off, &depth);
    assert_true(off >= 0);
    assert_int_equal(fdt_setprop(fdt, off, "vendor,blob", big, 100000), 0);

    dt_heap_mark(&mark);
    assert_int_equal(dt_unflatten(fdt, fdt_totalsize(fdt), &root), 0);
    /* Far fewer blocks than nodes: the chunks, the tables. */
    assert_true(xmalloc_live_blocks() - mark.live < 20);
    depth = -1;
    np = root;
    for ( off = fdt_next_node(fdt, -1, &depth); off >= 0 && depth >= 0;
          off = fdt_next_node(fdt, off, &depth), np = np->allnext )
    {
        assert_non_null(np);
        assert_int_equal(fdt_get_path(fdt, off, path, sizeof(path)), 0);
        assert_string_equal(np->full_name, path);
        assert_int_equal(np->phandle, fdt_get_phandle(fdt, off));
        nr_props = 0;
        fdt_for_each_property_offset(len, fdt, off)
            nr_props++;
        dt_for_each_property_node(np, pp)
        {
            val = fdt_getprop(fdt, off, pp->name, &len);
            assert_non_null(val);
            assert_int_equal(pp->length, len);
            assert_memory_equal(pp->value, val, len);
            assert_true(((uintptr_t)pp->value & 7) == 0);
            nr_props--;
        }
        assert_int_equal(nr_props, 0);
        nr++;
    }
    assert_null(np);
    assert_int_equal(nr, 621);
    assert_int_equal(dt_tree_node_count(root), 621);
    dt_free(root);
    assert_true(dt_heap_unchanged(&mark));
    free(big);
    free(fdt);
    free(soc);
}

/*
 * The unflattener remembers a node's first properties while sizing it
 * and reads the rest again while copying: a node with more than it
 * remembers, NOPs between them, and device_type and phandle among the
 * late ones, must still come out exactly as libfdt sees it.
 */
static void a_node_with_many_properties_keeps_them_all(void **state)
{
    size_t size;
    void *fdt = dt_test_blob_copy("basic", 8192, &size);
    struct dt_device_node *root, *np;
    const struct dt_property *pp;
    const char *pname;
    const void *val;
    char name[32];
    uint32_t cells[2];
    int off, prop, len, i, nr = 0;

    (void)state;
    off = fdt_path_offset(fdt, "/soc/timer");
    assert_true(off >= 0);
    /* fdt_setprop() puts each new property first in the node's list. */
    assert_int_equal(fdt_setprop_u32(fdt, off, "phandle", 0x7e57), 0);
    assert_int_equal(fdt_setprop_string(fdt, off, "device_type", "late"), 0);
    for ( i = 0; i < 70; i++ )
    {
        snprintf(name, sizeof(name), "vendor,prop-%d", i);
        cells[0] = cpu_to_fdt32(i);
        cells[1] = cpu_to_fdt32(~i);
        assert_int_equal(fdt_setprop(fdt, off, name, cells, 1 + i % 8), 0);
    }
    /* NOPs where two of them were, one among the first properties. */
    assert_int_equal(fdt_nop_property(fdt, off, "vendor,prop-67"), 0);
    assert_int_equal(fdt_nop_property(fdt, off, "vendor,prop-10"), 0);
    assert_int_equal(fdt_pack(fdt), 0);
    off = fdt_path_offset(fdt, "/soc/timer");

    assert_int_equal(dt_unflatten(fdt, fdt_totalsize(fdt), &root), 0);
    np = dt_find_node_by_path_from(root, "/soc/timer");
    assert_non_null(np);
    pp = np->properties;
    fdt_for_each_property_offset(prop, fdt, off)
    {
        val = fdt_getprop_by_offset(fdt, prop, &pname, &len);
        assert_non_null(val);
        assert_non_null(pp);
        assert_string_equal(pp->name, pname);
        assert_int_equal(pp->length, len);
        assert_memory_equal(pp->value, val, len);
        pp = pp->next;
        nr++;
    }
    assert_null(pp);
    assert_true(nr > 64);
    assert_string_equal(np->type, "late");
    assert_int_equal(np->phandle, 0x7e57);
    assert_ptr_equal(dt_find_node_by_phandle_from(root, 0x7e57), np);
    dt_free(root);
    free(fdt);
    assert_string_equal(console_capture_text(), "");
}

static void freeing_a_non_root_is_refused(void **state)
{
    struct dt_heap_mark mark;

    (void)state;
    dt_heap_mark(&mark);
    dt_free(node("/soc"));
    assert_true(dt_heap_unchanged(&mark));
    assert_string_equal(console_capture_text(),
                        "[ERR] device-tree: /soc: dt_free() needs the root of "
                        "a tree\n");
    assert_non_null(dt_find_node_by_path("/soc/timer"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_basic, teardown_basic)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(every_blob_node_is_unflattened_in_blob_order),
        T(property_values_are_copies_of_the_blob_values),
        T(nodes_carry_names_type_device_and_owner),
        T(children_and_siblings_follow_the_blob),
        T(paths_find_exact_nodes_only),
        T(phandles_find_their_node),
        T(compatible_matches_whole_strings),
        T(match_tables_pick_the_first_matching_entry),
        T(status_okay_ok_or_absent_is_available),
        T(property_reads_check_their_length),
        T(cells_come_from_the_parent),
        T(addresses_translate_through_ranges),
        T(missing_addresses_are_quiet_enoent),
        T(untranslatable_addresses_are_reported),
        T(root_defaults_and_inherited_cells),
        T(iommus_parse_into_phandle_and_ids),
        T(other_cells_names_and_plain_phandles),
        T(empty_slots_count_but_do_not_parse),
        T(gic_spis_and_ppis_become_irq_numbers),
        T(interrupts_extended_names_its_controller),
        T(non_gic_controllers_are_refused),
        T(host_tree_is_replaced_only_by_a_good_blob),
        T(unflatten_and_free_return_every_byte),
        T(freeing_a_non_root_is_refused),
        T(a_node_with_many_properties_keeps_them_all),
        T(a_tree_over_many_chunks_matches_the_blob),
    };

    console_set_echo(false);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
