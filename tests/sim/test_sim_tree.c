/*
 * The door of iommu-sim (tools/iommu-sim/sim_tree.h) and what sits at
 * it: every hostile tree of hostile_blobs.h is refused with one line
 * naming the file, the node and the reason, and leaves no host tree; the
 * built-in boards pass; the xen,passthrough rewrite marks exactly the
 * named node and passes the door again; dtdev paths resolve as the
 * hypervisor's lookup does; numbers are decimal or 0x hex only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/device_tree.h>
#include "boards/boards.h"
#include "hosted/console.h"
#include "tests/sim/hostile_blobs.h"
#include "tools/iommu-sim/dtdev_path.h"
#include "tools/iommu-sim/run_config.h"
#include "tools/iommu-sim/sim_tree.h"

static void refuses_every_hostile_tree(void **state)
{
    unsigned int i;

    (void)state;
    for ( i = 0; i < hostile_nr_cases; i++ )
    {
        const struct hostile_case *c = &hostile_cases[i];
        struct sim_tree t;
        char err[640];
        size_t size;
        void *blob = hostile_blob(i, &size);

        assert_non_null(blob);
        err[0] = '\0';
        if ( sim_tree_load(blob, size, "hostile.dtb", &t, NULL, err,
                           sizeof(err)) == 0 )
            fail_msg("%s: accepted", c->name);
        free(blob);
        print_message("%-22s %s\n", c->name, err);
        assert_non_null(strstr(err, "hostile.dtb: malformed device tree: "));
        if ( !strstr(err, c->node) || !strstr(err, c->reason) )
            fail_msg("%s: '%s' lacks '%s' or '%s'", c->name, err, c->node,
                     c->reason);
        assert_null(strchr(err, '\n'));
        assert_null(dt_host);
    }
}

static void accepts_the_boards(void **state)
{
    const struct board *list;
    unsigned int i, n;

    (void)state;
    list = board_list(&n);
    assert_true(n >= 3);
    for ( i = 0; i < n; i++ )
    {
        struct dt_report r;
        struct sim_tree t;
        char err[640];

        if ( sim_tree_load_board(list[i].name, &t, &r, err, sizeof(err)) )
            fail_msg("%s: %s", list[i].name, err);
        assert_true(t.builtin);
        assert_non_null(dt_host);
        /* The R-Car boards have IPMMUs; the others have Arm SMMUs. */
        assert_true((r.nr_ipmmus > 0 && r.nr_masters > 0) ||
                    dt_find_compatible_node(NULL, NULL, "arm,mmu-500") ||
                    dt_find_compatible_node(NULL, NULL, "arm,mmu-401"));
        /* A copy: the door never hands out the caller's bytes. */
        assert_ptr_not_equal(t.blob, list[i].dtb);
        assert_memory_equal(t.blob, list[i].dtb, list[i].dtb_size);
        dt_report_free(&r);
        sim_tree_free(&t);
        assert_null(dt_host);
    }
}

static void refuses_sizes_outside_the_limit(void **state)
{
    const struct board *b = board_find("s4-spider");
    struct sim_tree t;
    char err[640];

    (void)state;
    assert_int_equal(sim_tree_load(b->dtb, 0, "zero.dtb", &t, NULL, err,
                                   sizeof(err)), -1);
    assert_non_null(strstr(err, "zero.dtb: malformed device tree: size 0"));
    assert_int_equal(sim_tree_load(b->dtb, (size_t)SIM_DTB_MAX_SIZE + 1,
                                   "huge.dtb", &t, NULL, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "is outside 1..67108864 bytes"));
    assert_int_equal(sim_tree_load_board("h3", &t, NULL, err, sizeof(err)),
                     -1);
    assert_string_equal(err, "no built-in board 'h3' (see iommu-sim boards)");
}

static void marks_exactly_the_named_nodes(void **state)
{
    const char *paths[] = { "/soc/mmc@ee140000", "/soc/sata@ee300000" };
    struct dt_device_node *np;
    struct sim_tree t;
    char err[640];
    unsigned int marked = 0;

    (void)state;
    assert_int_equal(sim_tree_load_board("h3-salvator-xs", &t, NULL, err,
                                         sizeof(err)), 0);
    assert_int_equal(sim_tree_mark_passthrough(&t, paths, 2, err,
                                               sizeof(err)), 0);
    /* dt_host is now the marked copy, through the door again. */
    dt_for_each_device_node(dt_host, np)
        if ( dt_find_property(np, "xen,passthrough", NULL) )
        {
            marked++;
            assert_true(!strcmp(dt_node_full_name(np), paths[0]) ||
                        !strcmp(dt_node_full_name(np), paths[1]));
        }
    assert_int_equal(marked, 2);

    /* libfdt alone would take "mmc" for the first mmc@: refused. */
    paths[0] = "/soc/mmc";
    assert_int_equal(sim_tree_mark_passthrough(&t, paths, 1, err,
                                               sizeof(err)), -1);
    assert_non_null(strstr(err, "/soc/mmc: cannot mark it"));
    sim_tree_free(&t);
}

static void resolves_dtdevs_like_the_hypervisor(void **state)
{
    struct dt_device_node *np;
    struct sim_tree t;
    char err[640];

    (void)state;
    assert_int_equal(sim_tree_load_board("h3-salvator-xs", &t, NULL, err,
                                         sizeof(err)), 0);
    assert_int_equal(dtdev_resolve("/soc/mmc@ee140000/", &np, err,
                                   sizeof(err)), 0);
    assert_string_equal(dt_node_full_name(np), "/soc/mmc@ee140000");
    assert_int_equal(dtdev_resolve("//soc///mmc@ee140000", &np, err,
                                   sizeof(err)), 0);
    assert_string_equal(dt_node_full_name(np), "/soc/mmc@ee140000");

    assert_int_equal(dtdev_resolve("/soc/mmc", &np, err, sizeof(err)), -1);
    assert_null(np);
    assert_non_null(strstr(err, "dtdev \"/soc/mmc\": no node has this exact "
                            "name; give the unit address"));
    assert_non_null(strstr(err, "/soc/mmc@ee140000"));
    assert_int_equal(dtdev_resolve("/soc/nothing@0", &np, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "no such node in the tree"));
    assert_int_equal(dtdev_resolve("soc/mmc@ee140000", &np, err,
                                   sizeof(err)), -1);
    assert_non_null(strstr(err, "not an absolute device tree path"));
    sim_tree_free(&t);
}

static void numbers_are_decimal_or_hex(void **state)
{
    uint64_t v;
    char why[160];

    (void)state;
    assert_int_equal(run_config_number("200", &v, why, sizeof(why)), 0);
    assert_int_equal(v, 200);
    assert_int_equal(run_config_number("0x200", &v, why, sizeof(why)), 0);
    assert_int_equal(v, 512);
    assert_int_equal(run_config_number("0", &v, why, sizeof(why)), 0);
    assert_int_equal(v, 0);
    assert_int_equal(run_config_number("0200", &v, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "leading 0 is ambiguous"));
    assert_int_equal(run_config_number("-1", &v, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "negative"));
    assert_int_equal(run_config_number("18446744073709551616", &v, why,
                                       sizeof(why)), -1);
    assert_non_null(strstr(why, "does not fit in 64 bits"));
    assert_int_equal(run_config_number("0x", &v, why, sizeof(why)), -1);
    assert_int_equal(run_config_number("12k", &v, why, sizeof(why)), -1);
}

static void config_lines_are_kept(void **state)
{
    const char text[] = "name = \"a\"\nmemory = 0200\n";
    const char text2[] = "name = \"a\"\n\nmemory = 16\ndtdev = [\n"
                         "  \"/x@1\",\n  \"/y@2\" ]\n";
    struct run_guest g;
    char err[256];

    (void)state;
    assert_int_equal(run_config_parse(text, strlen(text), "o.cfg", &g, err,
                                      sizeof(err)), -1);
    assert_non_null(strstr(err, "o.cfg:2: '0200': a leading 0"));
    assert_int_equal(run_config_parse("name=\"a\"\nmemory = -5\n", 21,
                                      "n.cfg", &g, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "n.cfg:2: '-5': negative"));
    assert_int_equal(run_config_parse(text2, strlen(text2), "l.cfg", &g, err,
                                      sizeof(err)), 0);
    assert_int_equal(g.memory_line, 3);
    assert_int_equal(g.dtdev_lines[0], 5);
    assert_int_equal(g.dtdev_lines[1], 6);
    run_guest_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refuses_every_hostile_tree),
        cmocka_unit_test(accepts_the_boards),
        cmocka_unit_test(refuses_sizes_outside_the_limit),
        cmocka_unit_test(marks_exactly_the_named_nodes),
        cmocka_unit_test(resolves_dtdevs_like_the_hypervisor),
        cmocka_unit_test(numbers_are_decimal_or_hex),
        cmocka_unit_test(config_lines_are_kept),
    };

    console_set_echo(false);
    return cmocka_run_group_tests_name("sim_tree", tests, NULL, NULL);
}
