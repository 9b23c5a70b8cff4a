/*
 * IOMMU core: the Arm helpers that map grant frames 1:1 into a
 * direct-mapped hardware domain's P2M (shared with the IOMMU), on real
 * domains and P2Ms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/sched.h>
#include <asm/domain.h>
#include <asm/iommu.h>
#include <asm/p2m.h>
#include "hosted/console.h"

#include "iommu_test_env.h"
#include "test_iommu_driver.h"

struct env {
    struct iommu_test_snapshot before;
    struct domain *hwdom, *guest;
    mfn_t frame;                 /* a page of the guest, granted to dom0 */
};

static int setup(void **state)
{
    static struct env e;
    p2m_type_t t;

    console_set_echo(false);
    console_capture_start();
    iommu_test_snapshot(&e.before);
    assert_int_equal(iommu_test_boot(iommu_test_dtb, iommu_test_dtb_size), 0);
    e.hwdom = domain_create(0, "dom0",
                            CDF_privileged | CDF_directmap | CDF_iommu,
                            4UL << 20);
    e.guest = domain_create(1, "guest", CDF_iommu, 2UL << 20);
    assert_false(IS_ERR(e.hwdom));
    assert_false(IS_ERR(e.guest));
    e.frame = p2m_lookup(e.guest, _gfn(GUEST_RAM0_BASE >> PAGE_SHIFT), &t);
    assert_true(mfn_valid(e.frame));
    /* dom0's direct map does not already hold the guest's frame. */
    assert_true(mfn_eq(p2m_lookup(e.hwdom, _gfn(mfn_x(e.frame)), &t),
                       INVALID_MFN));
    tiommu_reset_log();
    *state = &e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;

    domain_destroy(e->guest);
    domain_destroy(e->hwdom);
    iommu_test_shutdown();
    iommu_test_assert_same(&e->before);
    console_capture_stop();
    return 0;
}

static void grant_frames_map_one_to_one_and_unmap(void **state)
{
    struct env *e = *state;
    dfn_t dfn = _dfn(mfn_x(e->frame));
    unsigned int flush_flags = 0;
    p2m_type_t t;

    assert_int_equal(arm_iommu_map_page(e->hwdom, dfn, e->frame,
                                        IOMMUF_readable | IOMMUF_writable,
                                        &flush_flags), 0);
    assert_true(mfn_eq(p2m_lookup(e->hwdom, _gfn(dfn_x(dfn)), &t),
                       e->frame));
    assert_int_equal(t, p2m_iommu_map_rw);

    /* Granted again read-only: the new permissions replace the old. */
    assert_int_equal(arm_iommu_map_page(e->hwdom, dfn, e->frame,
                                        IOMMUF_readable, &flush_flags), 0);
    assert_true(mfn_eq(p2m_lookup(e->hwdom, _gfn(dfn_x(dfn)), &t),
                       e->frame));
    assert_int_equal(t, p2m_iommu_map_ro);
    /* The change of a valid entry reached the IOMMU as a flush. */
    assert_true(tiommu_count_rc(TIOMMU_IOTLB_FLUSH, 0) >= 1);
    assert_int_equal(arm_iommu_map_page(e->hwdom, dfn, e->frame,
                                        IOMMUF_readable, &flush_flags), 0);

    tiommu_reset_log();
    assert_int_equal(arm_iommu_unmap_page(e->hwdom, dfn, 0, &flush_flags),
                     0);
    assert_true(mfn_eq(p2m_lookup(e->hwdom, _gfn(dfn_x(dfn)), &t),
                       INVALID_MFN));
    assert_int_equal(tiommu_count_rc(TIOMMU_IOTLB_FLUSH, 0), 1);
}

static void bad_requests_are_refused_and_change_nothing(void **state)
{
    struct env *e = *state;
    dfn_t dfn = _dfn(mfn_x(e->frame));
    unsigned int flush_flags = 0;
    p2m_type_t t;

    /* Not direct-mapped. */
    assert_int_equal(arm_iommu_map_page(e->guest, dfn, e->frame,
                                        IOMMUF_readable, &flush_flags),
                     -EINVAL);
    assert_int_equal(arm_iommu_unmap_page(e->guest, dfn, 0, &flush_flags),
                     -EINVAL);
    /* dfn != mfn. */
    assert_int_equal(arm_iommu_map_page(e->hwdom, dfn_add(dfn, 1), e->frame,
                                        IOMMUF_readable, &flush_flags),
                     -EINVAL);
    /* No permission, or an unknown flag. */
    assert_int_equal(arm_iommu_map_page(e->hwdom, dfn, e->frame, 0,
                                        &flush_flags), -EINVAL);
    assert_int_equal(arm_iommu_map_page(e->hwdom, dfn, e->frame,
                                        IOMMUF_readable | (1U << 7),
                                        &flush_flags), -EINVAL);
    assert_true(console_capture_contains("IOMMU map refused: bad flags"));

    assert_true(mfn_eq(p2m_lookup(e->hwdom, _gfn(dfn_x(dfn)), &t),
                       INVALID_MFN));
    assert_true(mfn_eq(p2m_lookup(e->hwdom, _gfn(dfn_x(dfn) + 1), &t),
                       INVALID_MFN));
    assert_int_equal(tiommu_count(TIOMMU_IOTLB_FLUSH), 0);
}

static void p2m_changes_reach_the_iommu_and_flush_errors_come_back(void **state)
{
    struct env *e = *state;
    gfn_t gfn = _gfn(GUEST_RAM0_BASE >> PAGE_SHIFT);
    p2m_type_t t;
    mfn_t mfn = p2m_lookup(e->guest, gfn, &t);

    /* The domain shares its P2M: its flush hook is the IOMMU core's. */
    assert_ptr_equal(e->guest->arch.p2m.iotlb_flush, iommu_iotlb_flush);
    assert_true(iommu_use_hap_pt(e->guest));

    /* A permission change is one batch: one flush reaches the driver. */
    assert_int_equal(p2m_change_type_range(e->guest, gfn, 1, p2m_ram_rw,
                                           p2m_ram_ro), 0);
    assert_int_equal(tiommu_count_rc(TIOMMU_IOTLB_FLUSH, 0), 1);
    assert_int_equal(tiommu_call(0)->domid, 1);

    /* The driver's flush times out: the P2M's caller hears it. */
    tiommu_fail(TIOMMU_IOTLB_FLUSH, 0, -ETIMEDOUT);
    assert_int_equal(guest_physmap_remove_page(e->guest, gfn, mfn, 0),
                     -ETIMEDOUT);
    assert_true(e->guest->is_crashed);
    assert_true(console_capture_contains("d1: IOMMU IOTLB flush failed"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            grant_frames_map_one_to_one_and_unmap, setup, teardown),
        cmocka_unit_test_setup_teardown(
            bad_requests_are_refused_and_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(
            p2m_changes_reach_the_iommu_and_flush_errors_come_back, setup,
            teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
