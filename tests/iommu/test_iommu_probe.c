/*
 * IOMMU core: driver registration through the "xen_dev_info" section and
 * iommu_hardware_setup() with deferred probing.
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
#include <xen/iommu.h>
#include <asm/device.h>
#include "hosted/console.h"

#include "iommu_test_env.h"
#include "test_iommu_driver.h"

static int setup(void **state)
{
    (void)state;
    console_set_echo(false);
    console_capture_start();
    console_capture_clear();
    tiommu_reset_log();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    iommu_test_shutdown();
    console_capture_stop();
    return 0;
}

/* ---- the driver section ---- */

static void section_holds_the_test_driver(void **state)
{
    const struct device_desc *desc;
    unsigned int found = 0;

    (void)state;
    /* Every entry is a whole descriptor: no padding between them. */
    assert_true(__start_xen_dev_info != NULL);
    assert_int_equal(((const char *)__stop_xen_dev_info -
                      (const char *)__start_xen_dev_info) %
                     sizeof(struct device_desc), 0);
    for ( desc = __start_xen_dev_info; desc != __stop_xen_dev_info; desc++ )
    {
        assert_non_null(desc->name);
        assert_non_null(desc->dt_match);
        assert_non_null(desc->init);
        if ( !strcmp(desc->name, "test IOMMU") )
        {
            assert_int_equal(desc->class, DEVICE_IOMMU);
            found++;
        }
    }
    assert_int_equal(found, 1);
}

static void device_init_finds_drivers_by_class_and_compatible(void **state)
{
    struct dt_device_node *gpio, *root, *off;

    (void)state;
    assert_int_equal(dt_host_init(iommu_test_dtb, iommu_test_dtb_size), 0);
    gpio = iommu_test_node("/soc/gpio@e6050000");
    root = iommu_test_node("/soc/iommu@e6200000");
    off = iommu_test_node("/soc/iommu@e6400000");

    assert_int_equal(device_get_class(root), DEVICE_IOMMU);
    assert_int_equal(device_get_class(gpio), DEVICE_UNKNOWN);
    assert_int_equal(device_init(gpio, DEVICE_IOMMU, NULL), -EBADF);
    assert_int_equal(device_init(root, DEVICE_SERIAL, NULL), -EBADF);
    assert_int_equal(device_init(off, DEVICE_IOMMU, NULL), -ENODEV);
    assert_int_equal(device_init(NULL, DEVICE_IOMMU, NULL), -EINVAL);
    assert_int_equal(tiommu_count(TIOMMU_PROBE), 0);

    /* The root needs nothing: it comes up at once. */
    assert_int_equal(device_init(root, DEVICE_IOMMU, NULL), 0);
    assert_int_equal(tiommu_nr_instances(), 1);
}

/* ---- the test tree ---- */

static void setup_brings_up_root_and_caches_and_reports_the_rest(void **state)
{
    struct dt_device_node *root, *c0;
    const struct tiommu_call *c;
    unsigned int i, root_up = ~0U;

    (void)state;
    assert_int_equal(iommu_test_boot(iommu_test_dtb, iommu_test_dtb_size), 0);
    assert_true(iommu_enabled);
    assert_int_equal(iommu_hardware_count(), 4);
    assert_int_equal(tiommu_nr_instances(), 4);
    assert_non_null(iommu_get_ops());

    root = iommu_test_node("/soc/iommu@e6200000");
    c0 = iommu_test_node("/soc/iommu@e6000000");
    /* c0 comes first in the tree: deferred once, then up after the root. */
    assert_int_equal(tiommu_count_node(TIOMMU_PROBE, c0), 2);
    assert_int_equal(tiommu_count_node(TIOMMU_PROBE, root), 1);
    for ( i = 0; (c = tiommu_call(i)) != NULL; i++ )
    {
        if ( c->op != TIOMMU_PROBE || c->rc )
            continue;
        if ( c->np == root )
            root_up = i;
        else
            assert_true(i > root_up);
    }
    assert_int_equal(dt_device_used_by(root), DOMID_XEN);
    assert_int_equal(dt_device_used_by(c0), DOMID_XEN);

    assert_true(console_capture_contains("IOMMU /soc/iommu@e6000000: up"));
    assert_true(console_capture_contains(
        "IOMMU /soc/iommu@e6400000: not used (disabled in the device tree)"));
    assert_true(console_capture_contains(
        "IOMMU /soc/iommu@e6500000: not used (no driver for it)"));
    assert_true(console_capture_contains("IOMMU: 4 of 6 IOMMUs up"));
    assert_true(console_capture_contains("I/O virtualisation enabled"));
    assert_int_equal(tiommu_protocol_errors(), 0);

    /* A second set-up probes nothing and keeps the first one's result. */
    assert_int_equal(iommu_hardware_setup(), -EBUSY);
    assert_int_equal(tiommu_count(TIOMMU_PROBE), 6);
    assert_int_equal(iommu_hardware_count(), 4);
    assert_true(console_capture_contains("IOMMU: already set up"));
}

static void setup_reports_a_failed_probe_and_keeps_the_others(void **state)
{
    struct dt_device_node *c1;

    (void)state;
    assert_int_equal(dt_host_init(iommu_test_dtb, iommu_test_dtb_size), 0);
    c1 = iommu_test_node("/soc/iommu@e6100000");
    tiommu_fail_probe(c1, -EIO);

    assert_int_equal(iommu_setup(), -EIO);
    assert_true(iommu_enabled);
    assert_int_equal(iommu_hardware_count(), 3);
    assert_true(console_capture_contains(
        "IOMMU /soc/iommu@e6100000: failed: probe error -5 (EIO)"));
    assert_true(dt_device_used_by(c1) != DOMID_XEN);

    /* A master behind it cannot be protected: refused, not bypassed. */
    assert_int_equal(
        iommu_add_dt_device(iommu_test_node("/soc/mmc@ee160000")), -ENODEV);
    assert_true(console_capture_contains("did not come up"));
}

static void setup_failing_allocation_is_reported(void **state)
{
    struct iommu_test_snapshot before;

    (void)state;
    assert_int_equal(dt_host_init(iommu_test_dtb, iommu_test_dtb_size), 0);
    iommu_test_snapshot(&before);
    alloc_fail_nth(1);
    assert_int_equal(iommu_setup(), -ENOMEM);
    alloc_fail_nth(0);
    assert_false(iommu_enabled);
    assert_true(console_capture_contains("cannot allocate the probe list"));
    iommu_test_assert_same(&before);
}

static void disabled_iommus_are_not_probed(void **state)
{
    (void)state;
    assert_int_equal(dt_host_init(iommu_test_dtb, iommu_test_dtb_size), 0);
    iommu_enable = false;
    assert_int_equal(iommu_setup(), 0);
    assert_false(iommu_enabled);
    assert_int_equal(tiommu_count(TIOMMU_PROBE), 0);
    assert_true(console_capture_contains("disabled by configuration"));
}

/* ---- generated trees: every order of a root and three caches ---- */

#define FDT_SIZE 8192
#define ROOT_PHANDLE 1

struct gen_iommu {
    const char *name;
    uint32_t phandle;
    bool is_root;
    uint32_t root_phandle;      /* caches: the root they name */
    bool disabled;
};

static void check(int rc)
{
    assert_int_equal(rc, 0);
}

static void add_iommu_node(void *fdt, const struct gen_iommu *g)
{
    fdt32_t reg[4];

    check(fdt_begin_node(fdt, g->name));
    check(fdt_property_string(fdt, "compatible",
                              g->is_root ? "test,iommu-root"
                                         : "test,iommu-cache"));
    reg[0] = cpu_to_fdt32(0);
    reg[1] = cpu_to_fdt32(0xe6000000 + g->phandle * 0x10000);
    reg[2] = cpu_to_fdt32(0);
    reg[3] = cpu_to_fdt32(0x1000);
    check(fdt_property(fdt, "reg", reg, sizeof(reg)));
    check(fdt_property_u32(fdt, "#iommu-cells", 1));
    check(fdt_property_u32(fdt, "phandle", g->phandle));
    if ( !g->is_root )
        check(fdt_property_u32(fdt, "test,root", g->root_phandle));
    if ( g->disabled )
        check(fdt_property_string(fdt, "status", "disabled"));
    check(fdt_end_node(fdt));
}

/* A tree with the IOMMUs in the given order and one master per IOMMU. */
static void *build_tree(const struct gen_iommu *iommus, unsigned int n)
{
    void *fdt = malloc(FDT_SIZE);
    unsigned int i;

    assert_non_null(fdt);
    check(fdt_create(fdt, FDT_SIZE));
    check(fdt_finish_reservemap(fdt));
    check(fdt_begin_node(fdt, ""));
    check(fdt_property_u32(fdt, "#address-cells", 2));
    check(fdt_property_u32(fdt, "#size-cells", 2));
    for ( i = 0; i < n; i++ )
        add_iommu_node(fdt, &iommus[i]);
    for ( i = 0; i < n; i++ )
    {
        char name[32];
        fdt32_t spec[2];

        snprintf(name, sizeof(name), "master@%u", iommus[i].phandle);
        check(fdt_begin_node(fdt, name));
        spec[0] = cpu_to_fdt32(iommus[i].phandle);
        spec[1] = cpu_to_fdt32(i);
        check(fdt_property(fdt, "iommus", spec, sizeof(spec)));
        check(fdt_end_node(fdt));
    }
    check(fdt_end_node(fdt));
    check(fdt_finish(fdt));
    return fdt;
}

static const struct gen_iommu gen_root = {
    "iommu@root", ROOT_PHANDLE, true, 0, false };
static const struct gen_iommu gen_caches[3] = {
    { "iommu@c1", 2, false, ROOT_PHANDLE, false },
    { "iommu@c2", 3, false, ROOT_PHANDLE, false },
    { "iommu@c3", 4, false, ROOT_PHANDLE, false },
};

/* Position of the successful probe of the node named 'name', or ~0U. */
static unsigned int up_at(const char *name)
{
    const struct tiommu_call *c;
    unsigned int i;

    for ( i = 0; (c = tiommu_call(i)) != NULL; i++ )
        if ( c->op == TIOMMU_PROBE && !c->rc &&
             !strcmp(dt_node_full_name(c->np) + 1, name) )
            return i;
    return ~0U;
}

static void check_order(const unsigned int perm[4])
{
    struct gen_iommu order[4];
    struct iommu_test_snapshot before;
    unsigned int i, root_pos = 0, deferred_expected = 0;
    void *fdt;

    for ( i = 0; i < 4; i++ )
    {
        order[i] = perm[i] == 0 ? gen_root : gen_caches[perm[i] - 1];
        if ( perm[i] == 0 )
            root_pos = i;
    }
    /* Caches probed before the root are deferred, once each. */
    deferred_expected = root_pos;

    fdt = build_tree(order, 4);
    tiommu_reset_log();
    iommu_test_snapshot(&before);

    assert_int_equal(iommu_test_boot(fdt, fdt_totalsize(fdt)), 0);
    assert_int_equal(iommu_hardware_count(), 4);
    assert_int_equal(tiommu_nr_instances(), 4);
    assert_int_equal(tiommu_count_rc(TIOMMU_PROBE, -EAGAIN),
                     deferred_expected);
    assert_int_equal(tiommu_count_rc(TIOMMU_PROBE, 0), 4);
    for ( i = 0; i < 3; i++ )
        assert_true(up_at(gen_caches[i].name) > up_at(gen_root.name));

    /* Every master is usable behind its IOMMU. */
    for ( i = 1; i <= 4; i++ )
    {
        char path[32];

        snprintf(path, sizeof(path), "/master@%u", i);
        assert_int_equal(iommu_add_dt_device(iommu_test_node(path)), 0);
    }
    assert_int_equal(tiommu_protocol_errors(), 0);

    iommu_test_shutdown();
    iommu_test_assert_same(&before);
    free(fdt);
}

static bool next_permutation(unsigned int *a, unsigned int n)
{
    unsigned int i, j, t;

    for ( i = n - 1; i > 0 && a[i - 1] >= a[i]; i-- )
        ;
    if ( i == 0 )
        return false;
    for ( j = n - 1; a[j] <= a[i - 1]; j-- )
        ;
    t = a[i - 1]; a[i - 1] = a[j]; a[j] = t;
    for ( j = n - 1; i < j; i++, j-- )
    {
        t = a[i]; a[i] = a[j]; a[j] = t;
    }
    return true;
}

static void deferred_probing_works_in_every_order(void **state)
{
    unsigned int perm[4] = { 0, 1, 2, 3 };
    unsigned int orders = 0;

    (void)state;
    do {
        check_order(perm);
        orders++;
    } while ( next_permutation(perm, 4) );
    assert_int_equal(orders, 24);
}

static void a_probe_that_never_succeeds_stops_and_is_named(void **state)
{
    /* c1 waits for a root that is disabled: it can never come up. */
    const struct gen_iommu tree[] = {
        { "iommu@c1", 2, false, 9, false },
        gen_caches[1],
        gen_root,
        gen_caches[2],
        { "iommu@dead", 9, true, 0, true },
    };
    void *fdt = build_tree(tree, ARRAY_SIZE(tree));

    (void)state;
    assert_int_equal(iommu_test_boot(fdt, fdt_totalsize(fdt)), -EAGAIN);
    /* The others are up and usable. */
    assert_true(iommu_enabled);
    assert_int_equal(iommu_hardware_count(), 3);
    /* Pass 1, a pass that brings c2 up, a pass without progress. */
    assert_int_equal(tiommu_count_rc(TIOMMU_PROBE, -EAGAIN), 4);
    assert_true(console_capture_contains(
        "IOMMU /iommu@c1: failed: probe deferred and never succeeded"));
    assert_true(console_capture_contains("IOMMU: 3 of 5 IOMMUs up"));

    assert_int_equal(iommu_add_dt_device(iommu_test_node("/master@3")), 0);
    assert_int_equal(iommu_add_dt_device(iommu_test_node("/master@2")),
                     -ENODEV);
    free(fdt);
}

static void a_chain_of_dependencies_takes_one_pass_per_link(void **state)
{
    /* c3 needs c2, which needs c1, which needs the root: worst order. */
    const struct gen_iommu tree[] = {
        { "iommu@c3", 4, false, 3, false },
        { "iommu@c2", 3, false, 2, false },
        { "iommu@c1", 2, false, ROOT_PHANDLE, false },
        gen_root,
    };
    void *fdt = build_tree(tree, ARRAY_SIZE(tree));

    (void)state;
    assert_int_equal(iommu_test_boot(fdt, fdt_totalsize(fdt)), 0);
    assert_int_equal(iommu_hardware_count(), 4);
    /* Pass 1 defers three; each later pass brings one up. */
    assert_int_equal(tiommu_count_rc(TIOMMU_PROBE, -EAGAIN), 3 + 2 + 1);
    assert_true(up_at("iommu@c1") < up_at("iommu@c2"));
    assert_true(up_at("iommu@c2") < up_at("iommu@c3"));
    free(fdt);
}

static void a_tree_without_iommus_disables_the_iommu(void **state)
{
    void *fdt = build_tree(NULL, 0);

    (void)state;
    assert_int_equal(iommu_test_boot(fdt, fdt_totalsize(fdt)), -ENODEV);
    assert_false(iommu_enabled);
    assert_true(console_capture_contains("no IOMMU in the device tree"));
    assert_true(console_capture_contains("I/O virtualisation disabled"));
    free(fdt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(section_holds_the_test_driver,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            device_init_finds_drivers_by_class_and_compatible,
            setup, teardown),
        cmocka_unit_test_setup_teardown(
            setup_brings_up_root_and_caches_and_reports_the_rest,
            setup, teardown),
        cmocka_unit_test_setup_teardown(
            setup_reports_a_failed_probe_and_keeps_the_others,
            setup, teardown),
        cmocka_unit_test_setup_teardown(setup_failing_allocation_is_reported,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(disabled_iommus_are_not_probed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(deferred_probing_works_in_every_order,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_probe_that_never_succeeds_stops_and_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_chain_of_dependencies_takes_one_pass_per_link, setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_tree_without_iommus_disables_the_iommu, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
