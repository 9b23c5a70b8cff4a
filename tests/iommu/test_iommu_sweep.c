/*
 * IOMMU core: an allocation-failure sweep over a whole life cycle.
 *
 * Boot (unflatten the tree, probe the IOMMUs), build the hardware domain
 * (its devices registered and assigned), create a guest, pass two devices
 * through by path, take one back, destroy the guest and the hardware
 * domain, tear everything down.  Then run the same sequence once for
 * every allocation it makes, with that allocation failing: each run must
 * report an error (or, where a caller has a fallback, end exactly as a
 * good run does), and once cleaned up leave the heap, the pages and the
 * driver exactly as they were.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <xen/alloc_fail.h>
#include <xen/device_tree.h>
#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/sched.h>
#include <asm/domain_build.h>
#include "hosted/console.h"

#include "iommu_test_env.h"
#include "test_iommu_driver.h"

#define ETH  "/soc/ethernet@e6800000"
#define DMAC "/soc/dma-controller@e7300000"
#define SD0  "/soc/mmc@ee100000"

#define HWDOM_RAM (4UL << 20)
#define GUEST_RAM (2UL << 20)

static int domctl(uint32_t cmd, struct domain *d, const char *path)
{
    struct xen_domctl dc = {
        .cmd = cmd,
        .domain = d->domain_id,
        .u.assign_device = {
            .dev = XEN_DOMCTL_DEV_DT,
            .u.dt = { .size = strlen(path), .path = path },
        },
    };

    return iommu_do_dt_domctl(&dc, d);
}

struct run {
    struct domain *hwdom, *guest;
    const char *failed_step;
};

static int create(struct domain **d, domid_t id, const char *name,
                  unsigned int cdf, unsigned long ram)
{
    struct domain *nd = domain_create(id, name, cdf, ram);

    if ( IS_ERR(nd) )
        return PTR_ERR(nd);
    *d = nd;
    return 0;
}

#define STEP(r, what, call)                     \
    do {                                        \
        int rc_ = (call);                       \
        if ( rc_ )                              \
        {                                       \
            (r)->failed_step = what;            \
            return rc_;                         \
        }                                       \
    } while ( 0 )

/* The sequence, up to the first error (undone by cleanup()). */
static int life_cycle(struct run *r)
{
    STEP(r, "unflatten", dt_host_init(iommu_test_dtb, iommu_test_dtb_size));
    STEP(r, "iommu setup", iommu_setup());
    STEP(r, "create dom0", create(&r->hwdom, 0, "dom0",
                                  CDF_privileged | CDF_directmap | CDF_iommu,
                                  HWDOM_RAM));
    STEP(r, "dom0 devices", domain_build_assign_dt_devices(r->hwdom));
    STEP(r, "create guest", create(&r->guest, 1, "guest", CDF_iommu,
                                   GUEST_RAM));
    STEP(r, "test eth", domctl(XEN_DOMCTL_test_assign_device, r->guest, ETH));
    STEP(r, "assign eth", domctl(XEN_DOMCTL_assign_device, r->guest, ETH));
    STEP(r, "assign dmac", domctl(XEN_DOMCTL_assign_device, r->guest, DMAC));
    STEP(r, "deassign dmac", domctl(XEN_DOMCTL_deassign_device, r->guest,
                                    DMAC));
    if ( iommu_dt_device_owner(dt_find_node_by_path(ETH)) != r->guest ||
         iommu_dt_device_owner(dt_find_node_by_path(SD0)) != r->hwdom )
    {
        r->failed_step = "ownership check";
        return -EILSEQ;
    }

    /* The guest goes first, with a device still attached. */
    domain_destroy(r->guest);
    r->guest = NULL;
    if ( tiommu_dev_state(dt_find_node_by_path(ETH), NULL) !=
         TIOMMU_DEV_QUARANTINED )
    {
        r->failed_step = "quarantine after destroy";
        return -EILSEQ;
    }
    return 0;
}

static void cleanup(struct run *r)
{
    if ( r->guest )
        domain_destroy(r->guest);
    if ( r->hwdom )
        domain_destroy(r->hwdom);
    iommu_test_shutdown();
}

static void check_clean(const struct iommu_test_snapshot *before)
{
    iommu_test_assert_same(before);
    assert_int_equal(tiommu_nr_instances(), 0);
    assert_int_equal(tiommu_nr_domains(), 0);
    assert_int_equal(tiommu_nr_devices(), 0);
    assert_int_equal(tiommu_protocol_errors(), 0);
    assert_false(iommu_enabled);
    assert_null(iommu_get_ops());
    assert_null(dt_host);
    assert_int_equal(domain_count(), 0);
}

static void the_life_cycle_works_and_leaves_nothing(void **state)
{
    struct iommu_test_snapshot before;
    struct run r = { 0 };

    (void)state;
    iommu_test_snapshot(&before);
    tiommu_reset_log();
    assert_int_equal(life_cycle(&r), 0);
    assert_int_equal(tiommu_count(TIOMMU_ASSIGN), 4);
    assert_int_equal(tiommu_count(TIOMMU_REASSIGN), 2);
    cleanup(&r);
    check_clean(&before);
    /* dom0's devices went back to quarantine before it was torn down. */
    assert_int_equal(tiommu_count(TIOMMU_REASSIGN), 4);
    assert_int_equal(tiommu_count(TIOMMU_REMOVE_DEVICE), 4);
}

/* The driver calls of a run, per kind. */
static void count_calls(unsigned int counts[TIOMMU_NR_OPS])
{
    unsigned int op;

    for ( op = 0; op < TIOMMU_NR_OPS; op++ )
        counts[op] = tiommu_count(op);
}

static void every_allocation_failure_is_clean(void **state)
{
    struct iommu_test_snapshot before;
    unsigned int good[TIOMMU_NR_OPS], seen[TIOMMU_NR_OPS];
    unsigned long n, total, absorbed = 0;
    struct run r = { 0 };

    (void)state;
    iommu_test_snapshot(&before);

    tiommu_reset_log();
    alloc_count_reset();
    assert_int_equal(life_cycle(&r), 0);
    total = alloc_count();
    count_calls(good);
    cleanup(&r);
    check_clean(&before);
    /* 40 in 2026-12: the device tree's nodes share a few chunks. */
    assert_true(total > 30);
    /* Tearing down allocates nothing, so the sweep covers everything. */
    assert_int_equal(alloc_count(), total);

    for ( n = 1; n <= total; n++ )
    {
        int rc;

        memset(&r, 0, sizeof(r));
        tiommu_reset_log();
        console_capture_clear();
        alloc_count_reset();
        alloc_fail_nth(n);
        rc = life_cycle(&r);
        alloc_fail_nth(0);
        assert_int_equal(alloc_failures_injected(), 1);

        if ( rc )
        {
            /* Noticed, reported on the console, and stopped there. */
            assert_non_null(r.failed_step);
            assert_true(console_capture_contains("[ERR]"));
        }
        else
        {
            /*
             * Absorbed: the allocator's caller had a fallback (the
             * domain builder takes RAM in smaller pieces).  Then the run
             * must have done everything a good run does.
             */
            count_calls(seen);
            assert_memory_equal(seen, good, sizeof(good));
            absorbed++;
        }

        cleanup(&r);
        check_clean(&before);
    }
    print_message("swept %lu allocations: %lu failed the run cleanly, %lu "
                  "were absorbed by a fallback\n", total, total - absorbed,
                  absorbed);
    assert_true(absorbed < total / 4);
}

static int group_setup(void **state)
{
    (void)state;
    console_set_echo(false);
    console_capture_start();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    console_capture_stop();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_life_cycle_works_and_leaves_nothing),
        cmocka_unit_test(every_allocation_failure_is_clean),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
