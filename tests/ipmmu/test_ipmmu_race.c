/*
 * IPMMU-VMSA: a P2M flush racing the domain's IOMMU teardown.  One thread
 * changes the guest's P2M in batches (each one calls the IOTLB flush
 * hook), another reads the driver's fault counters, while a third tears
 * the domain's IOMMU state down.  The flush and the counter reads must
 * find either the live driver state or none, never freed state: built
 * with ThreadSanitizer (TSAN_TESTS) any unsynchronised access fails the
 * run, and ASan catches a use after free in the normal build.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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
#include <asm/p2m.h>

#include "hosted/console.h"
#include "xen/drivers/passthrough/arm/ipmmu-vmsa-stats.h"
#include "tests/common/stress.h"

#include "ipmmu_test_env.h"

#ifndef BATCHES
#define BATCHES         1200
#endif
#define TEARDOWN_AFTER  (BATCHES / 4) /* batches before the teardown */
#define ROUNDS          4

struct race {
    struct stress_run run;
    struct stress_p2m p2m;            /* the P2M batches (tests/common) */
    struct domain *d;
    bool torn_down;                   /* atomic */
    unsigned int stats_live, stats_gone, stats_bad;
};

/* Open-ended: reads until the P2M worker and the teardown are done. */
static void *stats_thread(void *arg)
{
    struct race *r = arg;
    struct ipmmu_fault_stats st;

    stress_start(&r->run);
    /* At least once, however the threads are scheduled. */
    do {
        int rc = ipmmu_domain_fault_stats(r->d, &st);

        if ( rc == 0 && st.faults == 0 )
            r->stats_live++;
        else if ( rc == -ENODEV )
            r->stats_gone++;
        else
            r->stats_bad++;
    } while ( !stress_stopped(&r->run) );
    return NULL;
}

static void *teardown_thread(void *arg)
{
    struct race *r = arg;

    stress_start(&r->run);
    while ( stress_p2m_done(&r->p2m) < TEARDOWN_AFTER )
        ;
    /* What domain_destroy does first: devices back, then the state. */
    iommu_domain_destroy(r->d);
    __atomic_store_n(&r->torn_down, true, __ATOMIC_RELEASE);
    return NULL;
}

static void flush_races_teardown(void **state)
{
    void *(*const fns[3])(void *) = { stats_thread, stress_p2m_thread,
                                      teardown_thread };
    uint64_t ipa = GUEST_RAM0_BASE + 2 * MIB + 0x3000;
    struct race r;
    unsigned int round;

    (void)state;
    assert_int_equal(ipmmu_test_boot_board("h3-salvator-xs"), 0);
    ipmmu_test_add_all_devices();

    for ( round = 0; round < ROUNDS; round++ )
    {
        void *const args[3] = { &r, &r.p2m, &r };

        memset(&r, 0, sizeof(r));
        r.d = ipmmu_test_guest(1, "race", 16);
        assert_int_equal(ipmmu_test_assign(r.d, H3_SDHI2), 0);
        /* Splits the block: each batch then changes one 4K entry. */
        stress_p2m_prepare(&r.p2m, &r.run, r.d, ipa, BATCHES);

        stress_run(&r.run, fns, args, 3);

        assert_true(r.torn_down);
        assert_int_equal(r.p2m.errors, 0);
        assert_int_equal(r.p2m.removes, BATCHES);
        assert_int_equal(r.stats_bad, 0);
        assert_int_equal(r.stats_live + r.stats_gone > 0, 1);
        /* Nothing is left to flush or to read. */
        assert_null(r.d->arch.p2m.iotlb_flush);
        assert_null(dom_iommu(r.d)->arch.priv);
        assert_false(iommu_dt_device_is_assigned(
            dt_find_node_by_path(H3_SDHI2)));
        domain_destroy(r.d);
    }
    ipmmu_test_shutdown();
}

#define TEST(t) cmocka_unit_test_teardown(t, ipmmu_test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(flush_races_teardown),
    };

    return cmocka_run_group_tests_name("ipmmu_race", tests, NULL, NULL);
}
