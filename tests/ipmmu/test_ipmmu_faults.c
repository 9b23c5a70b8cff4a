/*
 * IPMMU-VMSA fault reports under a flood: every fault is counted exactly
 * (per domain, per context, and for DMA of no domain), console lines are
 * rate-limited per domain, and what was suppressed is summarised.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <asm/domain.h>

#include "hosted/clock.h"
#include "hosted/console.h"
#include "xen/drivers/passthrough/arm/ipmmu-vmsa.h"
#include "xen/drivers/passthrough/arm/ipmmu-vmsa-stats.h"
#include "xen/drivers/passthrough/arm/smmu.h"

#include "ipmmu_test_env.h"

#define FLOOD       100000UL
#define BURST       10          /* lines per window, Xen's default */
#define WINDOW_NS   5000000000ULL

static void boot_h3(void)
{
    assert_int_equal(ipmmu_test_boot_board("h3-salvator-xs"), 0);
    assert_int_equal(ipmmu_test_add_all_devices(), 20);
}

static unsigned int drv_ctx(struct domain *d)
{
    return ((struct ipmmu_domain *)dom_iommu(d)->arch.priv)->ctx;
}

/* n writes by 'dev' at 'iova', each of which must fault. */
static void flood(const char *dev, uint64_t iova, unsigned long n)
{
    unsigned char buf[16] = { 0 };
    struct soc_dma_result res;
    unsigned long i;

    for ( i = 0; i < n; i++ )
    {
        assert_int_not_equal(ipmmu_test_dma_write(dev, 0, iova, buf,
                                                  sizeof(buf), &res), 0);
        assert_true(res.xlate.fault_recorded);
    }
}

static void domain_stats(struct domain *d, struct ipmmu_fault_stats *st)
{
    assert_int_equal(ipmmu_domain_fault_stats(d, st), 0);
    assert_int_equal(st->faults, st->reported + st->suppressed);
}

/* 10^5 faults of one guest's device: a bounded number of console lines,
 * every fault counted, then one summary line when the window ends. */
static void flood_is_bounded_and_counted(void **state)
{
    const uint64_t outside = GUEST_RAM0_BASE + 16 * MIB + 0x1000;
    struct ipmmu_fault_stats st;
    unsigned long ctx_faults;
    struct domain *d;
    unsigned int c;

    (void)state;
    boot_h3();
    d = ipmmu_test_guest(1, "flood", 16);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
    c = drv_ctx(d);

    console_capture_clear();
    flood(H3_SDHI2, outside, FLOOD);

    /* Today's driver printed 10^5 lines (about 14 MB) here. */
    assert_int_equal(console_capture_count("IPMMU"), BURST);
    assert_int_equal(console_capture_count("translation fault (TF)"),
                     BURST);
    assert_true(strlen(console_capture_text()) < BURST * 300);

    domain_stats(d, &st);
    assert_int_equal(st.faults, FLOOD);
    assert_int_equal(st.reported, BURST);
    assert_int_equal(st.suppressed, FLOOD - BURST);
    assert_int_equal(ipmmu_context_fault_count(c, &ctx_faults), 0);
    assert_int_equal(ctx_faults, FLOOD);

    /* The window ends: the next fault first says what was left out. */
    hosted_clock_advance(WINDOW_NS);
    console_capture_clear();
    flood(H3_SDHI2, outside, 1);
    assert_int_equal(console_capture_count("IPMMU"), 2);
    assert_int_equal(console_capture_count("d1 (flood): 99990 DMA fault "
                                           "reports suppressed"), 1);
    assert_true(console_capture_contains("100001 faults in all"));
    assert_int_equal(console_capture_count("translation fault (TF)"), 1);

    /* A second window: nine more lines, then silence, then destruction
     * summarises what is left. */
    console_capture_clear();
    flood(H3_SDHI2, outside, 50);
    assert_int_equal(console_capture_count("translation fault (TF)"),
                     BURST - 1);
    domain_stats(d, &st);
    assert_int_equal(st.faults, FLOOD + 51);
    assert_int_equal(st.suppressed, FLOOD - BURST + 41);
    domain_destroy(d);
    assert_int_equal(console_capture_count("d1 (flood): 41 DMA fault "
                                           "reports suppressed"), 1);

    ipmmu_test_shutdown();
}

/* One guest's flood does not hide another guest's faults, nor the
 * quarantine's; each is counted on its own. */
static void limits_are_per_domain(void **state)
{
    const uint64_t outside = GUEST_RAM0_BASE + 16 * MIB;
    struct ipmmu_fault_stats st1, st2, q0, q1;
    struct domain *d1, *d2;

    (void)state;
    boot_h3();
    d1 = ipmmu_test_guest(1, "noisy", 16);
    d2 = ipmmu_test_guest(2, "quiet", 16);
    assert_int_equal(ipmmu_test_assign(d1, H3_SDHI2), 0);
    assert_int_equal(ipmmu_test_assign(d2, H3_SATA), 0);
    ipmmu_nodomain_fault_stats(&q0);

    console_capture_clear();
    flood(H3_SDHI2, outside, 1000);
    flood(H3_SATA, outside, 3);
    flood(H3_SDHI3, 0x50000000, 2);      /* quarantined */

    assert_int_equal(console_capture_count("d1 (noisy), devices"), BURST);
    assert_int_equal(console_capture_count("d2 (quiet), devices"), 3);
    assert_int_equal(console_capture_count("quarantine: DMA of a master"),
                     2);
    domain_stats(d1, &st1);
    domain_stats(d2, &st2);
    ipmmu_nodomain_fault_stats(&q1);
    assert_int_equal(st1.faults, 1000);
    assert_int_equal(st2.faults, 3);
    assert_int_equal(st2.suppressed, 0);
    assert_int_equal(q1.faults - q0.faults, 2);

    domain_destroy(d1);
    domain_destroy(d2);
    ipmmu_test_shutdown();
}

/*
 * The SMMU driver's fault counter asked about a domain of the IPMMU
 * driver (arch.priv is an IPMMU domain then) reads nothing of it: -ENODEV
 * and the caller's count untouched, whatever the IPMMU counted (it once
 * answered 0, which a caller could not tell from "no faults").
 */
static void smmu_counter_refuses_ipmmu_domain(void **state)
{
    struct ipmmu_fault_stats st;
    unsigned long n = 12345;
    struct domain *d;

    (void)state;
    boot_h3();
    d = ipmmu_test_guest(1, "ipmmu-only", 16);
    assert_int_equal(ipmmu_test_assign(d, H3_SDHI2), 0);
    flood(H3_SDHI2, GUEST_RAM0_BASE + 16 * MIB, 3);
    domain_stats(d, &st);
    assert_int_equal(st.faults, 3);

    assert_int_equal(smmu_domain_fault_count(d, &n), -ENODEV);
    assert_int_equal(n, 12345);

    domain_destroy(d);
    ipmmu_test_shutdown();
}

#define TEST(t) cmocka_unit_test_teardown(t, ipmmu_test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(flood_is_bounded_and_counted),
        TEST(limits_are_per_domain),
        TEST(smmu_counter_refuses_ipmmu_domain),
    };

    return cmocka_run_group_tests_name("ipmmu_faults", tests, NULL, NULL);
}
