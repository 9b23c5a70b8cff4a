/*
 * IOMMU core: iommu_fwspec, iommu_add_dt_device, assignment to domains,
 * the domctl-style entry point, the domain life cycle with P2M sharing,
 * and the hardware domain's device walk, against the test driver.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/alloc_fail.h>
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>
#include <asm/domain_build.h>
#include <asm/iommu_fwspec.h>
#include "hosted/console.h"

#include "iommu_test_env.h"
#include "test_iommu_driver.h"

#define SD0     "/soc/mmc@ee100000"
#define SATA    "/soc/sata@ee300000"
#define ETH     "/soc/ethernet@e6800000"
#define DMAC    "/soc/dma-controller@e7300000"
#define GPIO    "/soc/gpio@e6050000"
#define BEHIND_OFF "/soc/usb@ee080000"
#define SLEEPING "/soc/mmc@ee160000"
#define ROOT    "/soc/iommu@e6200000"
#define C0      "/soc/iommu@e6000000"

/*
 * Domains made here rather than by the domains module: these tests are
 * about the IOMMU core, and a bare structure shows exactly what the core
 * touches (the P2M's flush hook, dom_iommu(d)).
 */
struct test_domains {
    struct domain hwdom, guest1, guest2, plain;
    struct iommu_test_snapshot before;
};

static void make_domain(struct domain *d, domid_t id, unsigned int cdf)
{
    memset(d, 0, sizeof(*d));
    d->domain_id = id;
    d->cdf = cdf;
    assert_int_equal(iommu_domain_init(d, 0), 0);
}

static int setup(void **state)
{
    struct test_domains *t = calloc(1, sizeof(*t));

    console_set_echo(false);
    console_capture_start();
    console_capture_clear();
    iommu_test_snapshot(&t->before);
    assert_int_equal(iommu_test_boot(iommu_test_dtb, iommu_test_dtb_size), 0);

    make_domain(&t->hwdom, 0, CDF_privileged | CDF_directmap | CDF_iommu);
    make_domain(&t->guest1, 1, CDF_iommu);
    make_domain(&t->guest2, 2, CDF_iommu);
    make_domain(&t->plain, 3, 0);
    tiommu_reset_log();
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct test_domains *t = *state;

    iommu_domain_destroy(&t->hwdom);
    iommu_domain_destroy(&t->guest1);
    iommu_domain_destroy(&t->guest2);
    iommu_domain_destroy(&t->plain);
    assert_int_equal(tiommu_nr_domains(), 0);
    assert_int_equal(tiommu_protocol_errors(), 0);
    iommu_test_shutdown();
    iommu_test_assert_same(&t->before);
    console_capture_stop();
    free(t);
    return 0;
}

static struct dt_device_node *node(const char *path)
{
    return iommu_test_node(path);
}

static struct iommu_fwspec *fwspec_of(const char *path)
{
    return dev_iommu_fwspec_get(dt_to_dev(node(path)));
}

/* ---- iommu_fwspec ---- */

static void fwspec_init_accepts_the_same_iommu_only(void **state)
{
    struct device *dev = dt_to_dev(node(GPIO));
    struct device *root = dt_to_dev(node(ROOT));
    struct device *c0 = dt_to_dev(node(C0));
    struct iommu_fwspec *fwspec;

    (void)state;
    assert_int_equal(iommu_fwspec_init(dev, root), 0);
    fwspec = dev_iommu_fwspec_get(dev);
    assert_non_null(fwspec);
    assert_ptr_equal(fwspec->iommu_dev, root);
    assert_int_equal(fwspec->num_ids, 0);
    assert_null(fwspec->iommu_priv);

    assert_int_equal(iommu_fwspec_init(dev, root), 0);
    assert_ptr_equal(dev_iommu_fwspec_get(dev), fwspec);
    assert_int_equal(iommu_fwspec_init(dev, c0), -EINVAL);
    assert_ptr_equal(dev_iommu_fwspec_get(dev)->iommu_dev, root);

    iommu_fwspec_free(dev);
    assert_null(dev_iommu_fwspec_get(dev));
    iommu_fwspec_free(dev);                 /* nothing to free: no-op */
}

static void fwspec_ids_grow_across_reallocations(void **state)
{
    struct device *dev = dt_to_dev(node(GPIO));
    struct iommu_fwspec *prev;
    void *blockers[64];
    unsigned int i, moves = 0;

    (void)state;
    assert_int_equal(iommu_fwspec_init(dev, dt_to_dev(node(ROOT))), 0);
    for ( i = 0; i < 256; i++ )
    {
        uint32_t id = 0x1000 + i * 7;

        prev = dev_iommu_fwspec_get(dev);
        /* Something right behind the block, so growth has to move it. */
        blockers[i % 64] = i < 64 ? xmalloc_bytes(16) : blockers[i % 64];
        assert_int_equal(iommu_fwspec_add_ids(dev, &id, 1), 0);
        moves += dev_iommu_fwspec_get(dev) != prev;
    }
    assert_true(moves > 0);

    prev = dev_iommu_fwspec_get(dev);
    assert_int_equal(prev->num_ids, 256);
    for ( i = 0; i < 256; i++ )
        assert_int_equal(prev->ids[i], 0x1000 + i * 7);
    assert_ptr_equal(prev->iommu_dev, dt_to_dev(node(ROOT)));

    iommu_fwspec_free(dev);
    for ( i = 0; i < 64; i++ )
        xfree(blockers[i]);
}

static void fwspec_add_ids_failure_keeps_the_old_fwspec(void **state)
{
    struct device *dev = dt_to_dev(node(GPIO));
    uint32_t ids[3] = { 1, 2, 3 }, more[200];
    struct iommu_fwspec *fwspec;
    unsigned int i;

    (void)state;
    assert_int_equal(iommu_fwspec_add_ids(dev, ids, 3), -EINVAL);
    assert_int_equal(iommu_fwspec_init(dev, dt_to_dev(node(ROOT))), 0);
    assert_int_equal(iommu_fwspec_add_ids(dev, ids, 3), 0);
    assert_int_equal(iommu_fwspec_add_ids(dev, ids, 0), 0);
    fwspec = dev_iommu_fwspec_get(dev);

    for ( i = 0; i < 200; i++ )
        more[i] = i;
    alloc_fail_nth(1);
    assert_int_equal(iommu_fwspec_add_ids(dev, more, 200), -ENOMEM);
    alloc_fail_nth(0);
    assert_ptr_equal(dev_iommu_fwspec_get(dev), fwspec);
    assert_int_equal(fwspec->num_ids, 3);
    assert_int_equal(fwspec->ids[2], 3);
    assert_int_equal(xmem_pool_check(NULL), 0);

    assert_int_equal(iommu_fwspec_add_ids(dev, more, ~0U), -EOVERFLOW);
    assert_int_equal(dev_iommu_fwspec_get(dev)->num_ids, 3);
    iommu_fwspec_free(dev);
}

static void fwspec_free_releases_the_driver_data(void **state)
{
    (void)state;
    /* The driver's dt_xlate leaves private data; a failing add frees it. */
    tiommu_fail(TIOMMU_ADD_DEVICE, 0, -EIO);
    assert_int_equal(iommu_add_dt_device(node(SATA)), -EIO);
    assert_null(fwspec_of(SATA));
    assert_int_equal(tiommu_count(TIOMMU_FREE_PRIV), 1);
    assert_false(dt_device_is_protected(node(SATA)));
}

/* ---- iommu_add_dt_device ---- */

static void add_protects_a_master_and_a_second_add_changes_nothing(void **state)
{
    struct iommu_fwspec *fwspec;
    unsigned int calls;

    (void)state;
    assert_int_equal(iommu_add_dt_device(node(SD0)), 0);
    assert_true(dt_device_is_protected(node(SD0)));
    fwspec = fwspec_of(SD0);
    assert_non_null(fwspec);
    assert_ptr_equal(fwspec->iommu_dev, dt_to_dev(node(C0)));
    assert_int_equal(fwspec->num_ids, 1);
    assert_int_equal(fwspec->ids[0], 32);
    assert_int_equal(tiommu_dev_state(node(SD0), NULL),
                     TIOMMU_DEV_QUARANTINED);
    assert_int_equal(tiommu_count(TIOMMU_ADD_DEVICE), 1);

    calls = tiommu_nr_calls();
    assert_int_equal(iommu_add_dt_device(node(SD0)), 0);
    assert_int_equal(tiommu_nr_calls(), calls);
    assert_ptr_equal(fwspec_of(SD0), fwspec);

    /* Two entries: one xlate each, one add. */
    assert_int_equal(iommu_add_dt_device(node(SATA)), 0);
    assert_int_equal(tiommu_count_node(TIOMMU_DT_XLATE, node(SATA)), 2);
    assert_int_equal(tiommu_count_node(TIOMMU_ADD_DEVICE, node(SATA)), 1);
    assert_int_equal(fwspec_of(SATA)->num_ids, 2);
    assert_int_equal(fwspec_of(SATA)->ids[0], 0);
    assert_int_equal(fwspec_of(SATA)->ids[1], 1);

    /* Forty entries: the ids array grows entry by entry. */
    assert_int_equal(iommu_add_dt_device(node(DMAC)), 0);
    assert_int_equal(fwspec_of(DMAC)->num_ids, 40);
    assert_int_equal(fwspec_of(DMAC)->ids[39], 39);

    assert_int_equal(iommu_remove_dt_device(node(SD0)), 0);
    assert_int_equal(iommu_remove_dt_device(node(SATA)), 0);
    assert_int_equal(iommu_remove_dt_device(node(DMAC)), 0);
    assert_int_equal(iommu_remove_dt_device(node(DMAC)), 1);
    assert_int_equal(tiommu_nr_devices(), 0);
    assert_int_equal(tiommu_count(TIOMMU_FREE_PRIV), 3);
}

static void add_returns_1_when_no_protection_is_needed(void **state)
{
    unsigned int calls = tiommu_nr_calls();

    (void)state;
    /* No iommus property. */
    assert_int_equal(iommu_add_dt_device(node(GPIO)), 1);
    /* Its IOMMU is disabled in the tree. */
    assert_int_equal(iommu_add_dt_device(node(BEHIND_OFF)), 1);
    assert_false(dt_device_is_protected(node(BEHIND_OFF)));
    assert_null(fwspec_of(BEHIND_OFF));
    assert_int_equal(tiommu_nr_calls(), calls);
    assert_int_equal(iommu_add_dt_device(NULL), -EINVAL);

    /* IOMMUs disabled altogether. */
    iommu_enabled = false;
    assert_int_equal(iommu_add_dt_device(node(SD0)), 1);
    iommu_enabled = true;
    assert_null(fwspec_of(SD0));
}

static void add_failures_leave_nothing_behind(void **state)
{
    struct iommu_test_snapshot before;

    (void)state;
    iommu_test_snapshot(&before);

    /* The second xlate of SATA fails after the first added an id. */
    tiommu_fail(TIOMMU_DT_XLATE, 1, -EINVAL);
    assert_int_equal(iommu_add_dt_device(node(SATA)), -EINVAL);
    assert_null(fwspec_of(SATA));
    assert_false(dt_device_is_protected(node(SATA)));
    assert_int_equal(tiommu_count(TIOMMU_FREE_PRIV), 1);
    assert_true(console_capture_contains(
        SATA ": cannot register with its IOMMU: -22 (EINVAL)"));

    /* Every allocation of the add, failed in turn. */
    alloc_count_reset();
    assert_int_equal(iommu_add_dt_device(node(DMAC)), 0);
    {
        unsigned long n, total = alloc_count();

        assert_true(total >= 3);
        assert_int_equal(iommu_remove_dt_device(node(DMAC)), 0);
        for ( n = 1; n <= total; n++ )
        {
            alloc_fail_nth(n);
            assert_int_equal(iommu_add_dt_device(node(DMAC)), -ENOMEM);
            alloc_fail_nth(0);
            assert_null(fwspec_of(DMAC));
            assert_false(dt_device_is_protected(node(DMAC)));
            iommu_test_assert_same(&before);
        }
    }
    assert_int_equal(tiommu_nr_devices(), 0);
}

static void add_refuses_broken_iommus_properties(void **state)
{
    struct iommu_test_snapshot before;
    static const struct {
        const char *path;
        int rc;
        const char *says;
    } cases[] = {
        { "/dev@1000", -EINVAL, "iommus names more than one IOMMU" },
        { "/dev@2000", -ENODEV, "its IOMMU /iommu@e6500000 did not come up" },
        { "/dev@3000", -EINVAL, "cannot register with its IOMMU" },
        { "/dev@4000", 0, "iommus" },
        { "/dev@5000", 0, "iommus" },
    };
    unsigned int i;

    (void)state;
    /* This test boots the bad tree instead of the test tree. */
    iommu_test_shutdown();
    iommu_test_snapshot(&before);
    assert_int_equal(iommu_test_boot(iommu_bad_dtb, iommu_bad_dtb_size), 0);
    assert_int_equal(iommu_hardware_count(), 3);

    for ( i = 0; i < ARRAY_SIZE(cases); i++ )
    {
        struct dt_device_node *np = node(cases[i].path);
        int rc;

        console_capture_clear();
        rc = iommu_add_dt_device(np);
        if ( cases[i].rc )
            assert_int_equal(rc, cases[i].rc);
        else
            assert_true(rc < 0);
        assert_true(console_capture_contains(cases[i].says));
        assert_true(console_capture_contains(cases[i].path));
        assert_null(dev_iommu_fwspec_get(dt_to_dev(np)));
        assert_false(dt_device_is_protected(np));
    }
    assert_int_equal(iommu_add_dt_device(node("/dev@6000")), 0);
    assert_int_equal(iommu_remove_dt_device(node("/dev@6000")), 0);

    /* The hardware domain walk stops at the first and names it. */
    {
        struct domain d;

        make_domain(&d, 0, CDF_privileged | CDF_directmap | CDF_iommu);
        console_capture_clear();
        assert_int_equal(domain_build_assign_dt_devices(&d), -EINVAL);
        assert_true(console_capture_contains(
            "d0: /dev@1000: cannot add it to its IOMMU: -22 (EINVAL)"));
        iommu_domain_destroy(&d);
    }
    iommu_test_shutdown();
    iommu_test_assert_same(&before);
    /* Back to the test tree for the teardown. */
    assert_int_equal(iommu_test_boot(iommu_test_dtb, iommu_test_dtb_size), 0);
}

/* ---- assignment ---- */

static void assign_and_deassign_move_a_device_in_and_out(void **state)
{
    struct test_domains *t = *state;
    struct dt_device_node *sd0 = node(SD0);
    domid_t owner;

    assert_int_equal(iommu_add_dt_device(sd0), 0);
    assert_int_equal(iommu_assign_dt_device(&t->guest1, sd0), 0);
    assert_int_equal(tiommu_dev_state(sd0, &owner), TIOMMU_DEV_ASSIGNED);
    assert_int_equal(owner, 1);
    assert_true(iommu_dt_device_is_assigned(sd0));
    assert_ptr_equal(iommu_dt_device_owner(sd0), &t->guest1);
    assert_int_equal(dt_device_used_by(sd0), 1);
    assert_false(list_empty(&dom_iommu(&t->guest1)->dt_devices));

    assert_int_equal(iommu_deassign_dt_device(&t->guest1, sd0), 0);
    assert_int_equal(tiommu_dev_state(sd0, &owner), TIOMMU_DEV_QUARANTINED);
    assert_false(iommu_dt_device_is_assigned(sd0));
    assert_null(iommu_dt_device_owner(sd0));
    assert_int_equal(dt_device_used_by(sd0), DOMID_IO);
    assert_true(list_empty(&dom_iommu(&t->guest1)->dt_devices));
    /* Taken away as Xen's core does it: reassign to NULL. */
    assert_int_equal(tiommu_count(TIOMMU_REASSIGN), 1);
    assert_int_equal(tiommu_call(tiommu_nr_calls() - 1)->domid,
                     DOMID_INVALID);
    assert_int_equal(tiommu_call(tiommu_nr_calls() - 1)->from, 1);
    assert_ptr_equal(iommu_quarantine_owner(), dom_io);

    /* And can go to another domain now. */
    assert_int_equal(iommu_assign_dt_device(&t->guest2, sd0), 0);
    assert_ptr_equal(iommu_dt_device_owner(sd0), &t->guest2);
}

static void double_assign_is_busy(void **state)
{
    struct test_domains *t = *state;
    struct dt_device_node *sd0 = node(SD0);

    assert_int_equal(iommu_add_dt_device(sd0), 0);
    assert_int_equal(iommu_assign_dt_device(&t->guest1, sd0), 0);
    assert_int_equal(iommu_assign_dt_device(&t->guest1, sd0), -EBUSY);
    assert_int_equal(iommu_assign_dt_device(&t->guest2, sd0), -EBUSY);
    assert_true(console_capture_contains("already assigned to d1"));
    assert_int_equal(tiommu_count(TIOMMU_ASSIGN), 1);
    assert_ptr_equal(iommu_dt_device_owner(sd0), &t->guest1);
}

static void assign_refuses_unprotected_devices_and_domains(void **state)
{
    struct test_domains *t = *state;
    struct dt_device_node *sd0 = node(SD0);

    /* Not added yet, and never protectable. */
    assert_int_equal(iommu_assign_dt_device(&t->guest1, sd0), -EINVAL);
    assert_int_equal(iommu_add_dt_device(node(GPIO)), 1);
    assert_int_equal(iommu_assign_dt_device(&t->guest1, node(GPIO)), -EINVAL);

    assert_int_equal(iommu_add_dt_device(sd0), 0);
    /* A domain without IOMMU, the quarantine owner, no domain. */
    assert_int_equal(iommu_assign_dt_device(&t->plain, sd0), -EINVAL);
    assert_int_equal(iommu_assign_dt_device(dom_io, sd0), -EINVAL);
    assert_int_equal(iommu_assign_dt_device(NULL, sd0), -EINVAL);
    assert_int_equal(iommu_assign_dt_device(&t->guest1, NULL), -EINVAL);
    assert_int_equal(tiommu_count(TIOMMU_ASSIGN), 0);
    assert_false(iommu_dt_device_is_assigned(sd0));
}

static void deassign_of_a_stranger_is_refused(void **state)
{
    struct test_domains *t = *state;
    struct dt_device_node *sd0 = node(SD0), *sata = node(SATA);

    assert_int_equal(iommu_add_dt_device(sd0), 0);
    assert_int_equal(iommu_add_dt_device(sata), 0);
    assert_int_equal(iommu_assign_dt_device(&t->guest1, sd0), 0);

    assert_int_equal(iommu_deassign_dt_device(&t->guest2, sd0), -EINVAL);
    assert_int_equal(iommu_deassign_dt_device(&t->guest1, sata), -EINVAL);
    assert_int_equal(iommu_deassign_dt_device(&t->guest1, node(GPIO)),
                     -EINVAL);
    assert_int_equal(iommu_deassign_dt_device(NULL, sd0), -EINVAL);
    assert_true(console_capture_contains(
        SD0 ": cannot deassign from d2: not assigned to it"));
    assert_int_equal(tiommu_count(TIOMMU_REASSIGN), 0);
    assert_ptr_equal(iommu_dt_device_owner(sd0), &t->guest1);
    assert_int_equal(tiommu_dev_state(sata, NULL), TIOMMU_DEV_QUARANTINED);
}

static void driver_failures_leave_assignment_as_it_was(void **state)
{
    struct test_domains *t = *state;
    struct dt_device_node *sd0 = node(SD0);
    struct iommu_test_snapshot before;

    assert_int_equal(iommu_add_dt_device(sd0), 0);
    iommu_test_snapshot(&before);

    tiommu_fail(TIOMMU_ASSIGN, 0, -ENOSPC);
    assert_int_equal(iommu_assign_dt_device(&t->guest1, sd0), -ENOSPC);
    assert_false(iommu_dt_device_is_assigned(sd0));
    assert_true(list_empty(&dom_iommu(&t->guest1)->dt_devices));
    iommu_test_assert_same(&before);

    alloc_fail_nth(1);
    assert_int_equal(iommu_assign_dt_device(&t->guest1, sd0), -ENOMEM);
    alloc_fail_nth(0);
    assert_int_equal(tiommu_count(TIOMMU_ASSIGN), 1);
    iommu_test_assert_same(&before);

    assert_int_equal(iommu_assign_dt_device(&t->guest1, sd0), 0);
    tiommu_fail(TIOMMU_REASSIGN, 0, -EIO);
    assert_int_equal(iommu_deassign_dt_device(&t->guest1, sd0), -EIO);
    assert_ptr_equal(iommu_dt_device_owner(sd0), &t->guest1);
    assert_int_equal(iommu_deassign_dt_device(&t->guest1, sd0), 0);

    /* A busy device cannot be removed; a quarantined one can. */
    assert_int_equal(iommu_assign_dt_device(&t->guest1, sd0), 0);
    assert_int_equal(iommu_remove_dt_device(sd0), -EBUSY);
    assert_int_equal(iommu_deassign_dt_device(&t->guest1, sd0), 0);
    assert_int_equal(iommu_remove_dt_device(sd0), 0);
}

static void destroy_returns_every_device_to_quarantine_first(void **state)
{
    struct test_domains *t = *state;
    const struct tiommu_call *c;
    unsigned int i, reassigns = 0;

    assert_int_equal(iommu_add_dt_device(node(SD0)), 0);
    assert_int_equal(iommu_add_dt_device(node(SATA)), 0);
    assert_int_equal(iommu_assign_dt_device(&t->guest1, node(SD0)), 0);
    assert_int_equal(iommu_assign_dt_device(&t->guest1, node(SATA)), 0);
    tiommu_reset_log();

    iommu_domain_destroy(&t->guest1);
    for ( i = 0; (c = tiommu_call(i)) != NULL; i++ )
    {
        if ( c->op == TIOMMU_REASSIGN )
        {
            assert_int_equal(c->rc, 0);
            assert_int_equal(c->domid, DOMID_INVALID);    /* NULL */
            reassigns++;
        }
        if ( c->op == TIOMMU_TEARDOWN )
            assert_int_equal(reassigns, 2);
    }
    assert_int_equal(reassigns, 2);
    assert_int_equal(tiommu_count(TIOMMU_TEARDOWN), 1);
    assert_int_equal(tiommu_dev_state(node(SD0), NULL),
                     TIOMMU_DEV_QUARANTINED);
    assert_int_equal(tiommu_dev_state(node(SATA), NULL),
                     TIOMMU_DEV_QUARANTINED);
    assert_false(iommu_dt_device_is_assigned(node(SD0)));
    assert_false(is_iommu_enabled(&t->guest1));
    assert_null(t->guest1.arch.p2m.iotlb_flush);

    /* Even when the driver objects, a dying domain loses its devices. */
    assert_int_equal(iommu_assign_dt_device(&t->guest2, node(SD0)), 0);
    tiommu_fail(TIOMMU_REASSIGN, 0, -EIO);
    iommu_domain_destroy(&t->guest2);
    assert_false(iommu_dt_device_is_assigned(node(SD0)));
    assert_true(console_capture_contains("cannot return from d2 to "
                                         "quarantine: -5 (EIO)"));
    /* The driver still thinks it is assigned: its teardown said so. */
    assert_int_equal(tiommu_protocol_errors(), 1);
    assert_int_equal(iommu_remove_dt_device(node(SD0)), 0);
    tiommu_reset_log();
}

/*
 * Two CPUs race to take the same device, each for its own domain, many
 * times.  Without dtdevs_lock the driver sees a device assigned twice
 * (protocol error) or a deassign fails within a few runs.
 */
struct racer {
    struct domain *d;
    struct dt_device_node *np;
    unsigned int won, lost;
    int unexpected;
};

#define RACE_ROUNDS 100000

static pthread_barrier_t race_start;

static void *race(void *arg)
{
    struct racer *r = arg;
    unsigned int i;

    pthread_barrier_wait(&race_start);
    for ( i = 0; i < RACE_ROUNDS; i++ )
    {
        int rc = iommu_assign_dt_device(r->d, r->np);

        if ( rc == -EBUSY )
        {
            r->lost++;
            continue;
        }
        if ( rc || iommu_dt_device_owner(r->np) != r->d ||
             iommu_deassign_dt_device(r->d, r->np) )
        {
            r->unexpected++;
            break;
        }
        r->won++;
    }
    return NULL;
}

static void concurrent_assignments_never_share_a_device(void **state)
{
    struct test_domains *t = *state;
    struct racer a = { .d = &t->guest1, .np = node(SD0) };
    struct racer b = { .d = &t->guest2, .np = node(SD0) };
    pthread_t ta, tb;

    assert_int_equal(iommu_add_dt_device(node(SD0)), 0);
    console_capture_stop();              /* thousands of -EBUSY lines */
    pthread_barrier_init(&race_start, NULL, 2);
    assert_int_equal(pthread_create(&ta, NULL, race, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, race, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pthread_barrier_destroy(&race_start);
    console_capture_start();

    print_message("race: d1 took it %u times (busy %u), d2 %u times "
                  "(busy %u)\n", a.won, a.lost, b.won, b.lost);
    assert_int_equal(a.unexpected, 0);
    assert_int_equal(b.unexpected, 0);
    assert_int_equal(a.won + a.lost, RACE_ROUNDS);
    assert_int_equal(b.won + b.lost, RACE_ROUNDS);
    assert_int_equal(tiommu_protocol_errors(), 0);
    assert_false(iommu_dt_device_is_assigned(node(SD0)));
    assert_int_equal(tiommu_dev_state(node(SD0), NULL),
                     TIOMMU_DEV_QUARANTINED);
    assert_true(list_empty(&dom_iommu(&t->guest1)->dt_devices));
    assert_true(list_empty(&dom_iommu(&t->guest2)->dt_devices));
}

/* ---- domains ---- */

static void domain_init_shares_the_p2m_and_flush_errors_propagate(void **state)
{
    struct test_domains *t = *state;
    struct p2m_domain *p2m = &t->guest1.arch.p2m;

    assert_true(is_iommu_enabled(&t->guest1));
    assert_true(iommu_use_hap_pt(&t->guest1));
    assert_ptr_equal(dom_iommu(&t->guest1)->platform_ops, iommu_get_ops());
    assert_ptr_equal(p2m->iotlb_flush, iommu_iotlb_flush);
    assert_non_null(dom_iommu(&t->guest1)->arch.priv);
    assert_int_equal(iommu_domain_init(&t->guest1, 0), -EEXIST);
    assert_int_equal(tiommu_count(TIOMMU_INIT), 0);

    assert_int_equal(p2m->iotlb_flush(&t->guest1, _dfn(0x40000), 16,
                                      IOMMU_FLUSHF_modified), 0);
    assert_int_equal(tiommu_count(TIOMMU_IOTLB_FLUSH), 1);
    /* Even an empty range reaches the driver. */
    assert_int_equal(iommu_iotlb_flush_all(&t->guest1, 0), 0);
    assert_int_equal(tiommu_count(TIOMMU_IOTLB_FLUSH), 2);

    tiommu_fail(TIOMMU_IOTLB_FLUSH, 0, -ETIMEDOUT);
    assert_int_equal(p2m->iotlb_flush(&t->guest1, _dfn(0x40000), 1,
                                      IOMMU_FLUSHF_modified), -ETIMEDOUT);
    assert_true(t->guest1.is_crashed);
    assert_true(console_capture_contains("d1: IOMMU IOTLB flush failed: "
                                         "-110 (ETIMEDOUT)"));

    /* The hardware domain is not crashed, but still hears about it. */
    tiommu_fail(TIOMMU_IOTLB_FLUSH, 0, -ETIMEDOUT);
    assert_int_equal(iommu_iotlb_flush(&t->hwdom, _dfn(0), 1, 0),
                     -ETIMEDOUT);
    assert_false(t->hwdom.is_crashed);
}

static void map_and_unmap_go_page_by_page_and_undo_failures(void **state)
{
    struct test_domains *t = *state;
    unsigned int flush_flags = 0;

    assert_int_equal(iommu_map(&t->guest1, _dfn(0x100), _mfn(0x80100), 4,
                               IOMMUF_readable, &flush_flags), 0);
    assert_int_equal(tiommu_mapped_pages(&t->guest1), 4);
    assert_int_equal(tiommu_count(TIOMMU_MAP_PAGE), 4);
    assert_true(flush_flags & IOMMU_FLUSHF_added);

    /* The third page fails: the two before it are unmapped again. */
    tiommu_fail(TIOMMU_MAP_PAGE, 2, -ENOMEM);
    flush_flags = 0;
    assert_int_equal(iommu_map(&t->guest1, _dfn(0x200), _mfn(0x80200), 5,
                               IOMMUF_writable, &flush_flags), -ENOMEM);
    assert_int_equal(tiommu_mapped_pages(&t->guest1), 4);
    assert_int_equal(tiommu_count(TIOMMU_UNMAP_PAGE), 2);
    assert_true(t->guest1.is_crashed);
    assert_true(console_capture_contains("d1: IOMMU mapping dfn 0x202"));

    /* Unmapping goes on past an error and reports the first. */
    tiommu_fail(TIOMMU_UNMAP_PAGE, 1, -EIO);
    flush_flags = 0;
    assert_int_equal(iommu_unmap(&t->guest1, _dfn(0x100), 4, &flush_flags),
                     -EIO);
    assert_int_equal(tiommu_count(TIOMMU_UNMAP_PAGE), 2 + 4);
    assert_int_equal(tiommu_mapped_pages(&t->guest1), 1);
    assert_int_equal(iommu_unmap(&t->guest1, _dfn(0x101), 1, &flush_flags),
                     0);

    /* A domain without IOMMU maps nothing and is not an error. */
    assert_int_equal(iommu_map(&t->plain, _dfn(0), _mfn(0), 1,
                               IOMMUF_readable, &flush_flags), 0);
    assert_int_equal(tiommu_count(TIOMMU_MAP_PAGE), 4 + 3);
}

static void a_domain_without_iommu_gets_no_driver_state(void **state)
{
    struct test_domains *t = *state;
    struct domain d;

    assert_false(is_iommu_enabled(&t->plain));
    assert_null(t->plain.arch.p2m.iotlb_flush);
    assert_true(list_empty(&dom_iommu(&t->plain)->dt_devices));
    assert_int_equal(iommu_iotlb_flush(&t->plain, _dfn(0), 1, 0), 0);
    assert_int_equal(tiommu_nr_domains(), 3);

    /* The driver refuses: nothing is left. */
    memset(&d, 0, sizeof(d));
    d.domain_id = 9;
    d.cdf = CDF_iommu;
    tiommu_fail(TIOMMU_INIT, 0, -ENOSPC);
    assert_int_equal(iommu_domain_init(&d, 0), -ENOSPC);
    assert_false(is_iommu_enabled(&d));
    assert_null(d.arch.p2m.iotlb_flush);
    alloc_fail_nth(1);
    assert_int_equal(iommu_domain_init(&d, 0), -ENOMEM);
    alloc_fail_nth(0);
    assert_int_equal(tiommu_nr_domains(), 3);

    /* No IOMMU on the platform: asking for one is an error. */
    iommu_enabled = false;
    assert_int_equal(iommu_domain_init(&d, 0), -ENODEV);
    iommu_enabled = true;
    assert_true(console_capture_contains("d9: IOMMU requested but none is "
                                         "available"));
    iommu_domain_destroy(&d);            /* harmless */
}

static void hwdom_init_reaches_the_driver(void **state)
{
    struct test_domains *t = *state;

    iommu_hwdom_init(&t->hwdom);
    iommu_hwdom_init(&t->plain);
    assert_int_equal(tiommu_count(TIOMMU_HWDOM_INIT), 1);
    assert_int_equal(tiommu_call(0)->domid, 0);
}

/* ---- the hardware domain walk ---- */

static void hwdom_build_assigns_protected_devices_only(void **state)
{
    struct test_domains *t = *state;
    domid_t owner;

    assert_int_equal(domain_build_assign_dt_devices(&t->hwdom), 0);
    assert_int_equal(tiommu_count(TIOMMU_HWDOM_INIT), 1);

    /* Protected and not kept for passthrough: the hardware domain's. */
    assert_ptr_equal(iommu_dt_device_owner(node(SD0)), &t->hwdom);
    assert_ptr_equal(iommu_dt_device_owner(node(SATA)), &t->hwdom);
    assert_int_equal(tiommu_dev_state(node(SATA), &owner),
                     TIOMMU_DEV_ASSIGNED);
    assert_int_equal(owner, 0);
    /* Kept for passthrough: registered, quarantined, not assigned. */
    assert_true(dt_device_is_protected(node(ETH)));
    assert_int_equal(tiommu_dev_state(node(ETH), NULL),
                     TIOMMU_DEV_QUARANTINED);
    assert_int_equal(tiommu_dev_state(node(DMAC), NULL),
                     TIOMMU_DEV_QUARANTINED);
    /* Unprotected or unavailable: untouched. */
    assert_false(dt_device_is_protected(node(GPIO)));
    assert_false(dt_device_is_protected(node(BEHIND_OFF)));
    assert_null(fwspec_of(SLEEPING));
    /* IOMMUs are never the hardware domain's. */
    assert_int_equal(tiommu_count_node(TIOMMU_ADD_DEVICE, node(ROOT)), 0);
    assert_int_equal(tiommu_count(TIOMMU_ASSIGN), 2);
    assert_int_equal(tiommu_count(TIOMMU_ADD_DEVICE), 4);

    /* A guest takes a passthrough device by path. */
    {
        struct xen_domctl dc = {
            .cmd = XEN_DOMCTL_assign_device,
            .domain = 1,
            .u.assign_device = {
                .dev = XEN_DOMCTL_DEV_DT,
                .u.dt = { .size = strlen(ETH), .path = ETH },
            },
        };

        assert_int_equal(iommu_do_dt_domctl(&dc, &t->guest1), 0);
        assert_ptr_equal(iommu_dt_device_owner(node(ETH)), &t->guest1);
        dc.u.assign_device.u.dt.path = SD0;
        dc.u.assign_device.u.dt.size = strlen(SD0);
        assert_int_equal(iommu_do_dt_domctl(&dc, &t->guest1), -EBUSY);
    }
}

/* ---- the domctl entry point ---- */

static int domctl(uint32_t cmd, struct domain *d, const char *path,
                  uint32_t size)
{
    struct xen_domctl dc = {
        .cmd = cmd,
        .domain = d ? d->domain_id : DOMID_INVALID,
        .u.assign_device = {
            .dev = XEN_DOMCTL_DEV_DT,
            .u.dt = { .size = size, .path = path },
        },
    };

    return iommu_do_dt_domctl(&dc, d);
}

static void domctl_assigns_tests_and_deassigns_by_path(void **state)
{
    struct test_domains *t = *state;
    /* A path that is not NUL-terminated where the size ends. */
    const char sloppy[] = ETH "/extra";
    struct xen_domctl dc = { .cmd = XEN_DOMCTL_assign_device };

    assert_int_equal(domctl(XEN_DOMCTL_test_assign_device, &t->guest1,
                            sloppy, strlen(ETH)), 0);
    assert_int_equal(domctl(XEN_DOMCTL_assign_device, &t->guest1,
                            sloppy, strlen(ETH)), 0);
    assert_ptr_equal(iommu_dt_device_owner(node(ETH)), &t->guest1);
    assert_int_equal(domctl(XEN_DOMCTL_test_assign_device, &t->guest2,
                            ETH, strlen(ETH)), -EBUSY);
    assert_int_equal(domctl(XEN_DOMCTL_assign_device, &t->guest2,
                            ETH, strlen(ETH)), -EBUSY);
    assert_int_equal(domctl(XEN_DOMCTL_deassign_device, &t->guest2,
                            ETH, strlen(ETH)), -EINVAL);
    assert_int_equal(domctl(XEN_DOMCTL_deassign_device, &t->guest1,
                            ETH, strlen(ETH)), 0);
    assert_int_equal(domctl(XEN_DOMCTL_test_assign_device, &t->guest2,
                            ETH, strlen(ETH)), 0);
    assert_int_equal(tiommu_dev_state(node(ETH), NULL),
                     TIOMMU_DEV_QUARANTINED);

    /* Not behind an IOMMU, or a domain without one. */
    assert_int_equal(domctl(XEN_DOMCTL_test_assign_device, &t->guest1,
                            GPIO, strlen(GPIO)), -EINVAL);
    assert_int_equal(domctl(XEN_DOMCTL_assign_device, &t->guest1,
                            GPIO, strlen(GPIO)), -EINVAL);
    assert_int_equal(domctl(XEN_DOMCTL_assign_device, &t->plain,
                            SD0, strlen(SD0)), -EINVAL);
    assert_int_equal(domctl(XEN_DOMCTL_test_assign_device, &t->plain,
                            SATA, strlen(SATA)), -EINVAL);

    /* Bad requests. */
    assert_int_equal(domctl(XEN_DOMCTL_assign_device, &t->guest1,
                            "/soc/nowhere", 12), -EINVAL);
    assert_true(console_capture_contains("no device tree node /soc/nowhere"));
    assert_int_equal(domctl(XEN_DOMCTL_assign_device, &t->guest1, SD0, 0),
                     -EINVAL);
    assert_int_equal(domctl(XEN_DOMCTL_assign_device, &t->guest1, NULL, 4),
                     -EINVAL);
    assert_int_equal(domctl(XEN_DOMCTL_assign_device, &t->guest1, SD0,
                            XEN_DOMCTL_DT_PATH_MAX + 1), -EINVAL);
    assert_int_equal(domctl(12345, &t->guest1, SD0, strlen(SD0)), -ENOSYS);
    assert_int_equal(iommu_do_dt_domctl(NULL, &t->guest1), -EINVAL);
    dc.u.assign_device.dev = XEN_DOMCTL_DEV_PCI;
    dc.u.assign_device.u.dt.path = SD0;
    dc.u.assign_device.u.dt.size = strlen(SD0);
    assert_int_equal(iommu_do_dt_domctl(&dc, &t->guest1), -EINVAL);
    dc.u.assign_device.dev = XEN_DOMCTL_DEV_DT;
    dc.u.assign_device.flags = 1;
    assert_int_equal(iommu_do_dt_domctl(&dc, &t->guest1), -EINVAL);
    assert_int_equal(domctl(XEN_DOMCTL_assign_device, NULL, SD0,
                            strlen(SD0)), -EINVAL);

    alloc_fail_nth(1);
    assert_int_equal(domctl(XEN_DOMCTL_assign_device, &t->guest1,
                            SD0, strlen(SD0)), -ENOMEM);
    alloc_fail_nth(0);
    assert_false(iommu_dt_device_is_assigned(node(SD0)));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(fwspec_init_accepts_the_same_iommu_only),
        T(fwspec_ids_grow_across_reallocations),
        T(fwspec_add_ids_failure_keeps_the_old_fwspec),
        T(fwspec_free_releases_the_driver_data),
        T(add_protects_a_master_and_a_second_add_changes_nothing),
        T(add_returns_1_when_no_protection_is_needed),
        T(add_failures_leave_nothing_behind),
        T(add_refuses_broken_iommus_properties),
        T(assign_and_deassign_move_a_device_in_and_out),
        T(double_assign_is_busy),
        T(assign_refuses_unprotected_devices_and_domains),
        T(deassign_of_a_stranger_is_refused),
        T(driver_failures_leave_assignment_as_it_was),
        T(destroy_returns_every_device_to_quarantine_first),
        T(concurrent_assignments_never_share_a_device),
        T(domain_init_shares_the_p2m_and_flush_errors_propagate),
        T(map_and_unmap_go_page_by_page_and_undo_failures),
        T(a_domain_without_iommu_gets_no_driver_state),
        T(hwdom_init_reaches_the_driver),
        T(hwdom_build_assigns_protected_devices_only),
        T(domctl_assigns_tests_and_deassigns_by_path),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
