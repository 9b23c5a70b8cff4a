/*
 * Arm SMMU: IOTLB flushes racing the domain's IOMMU teardown (the SMMU
 * counterpart of tests/ipmmu/test_ipmmu_race.c).  One thread changes the
 * guest's P2M in batches (each calls the flush hook until the core
 * unhooks it), one calls the driver's iotlb_flush directly, as any path
 * that still holds the domain may, one reads the driver's fault counter,
 * and one tears the domain's IOMMU state down.  The direct flushes go on
 * long after the teardown: they and the counter reads must find either
 * the live driver state or none, never freed state.  Built with
 * ThreadSanitizer (TSAN_TESTS) an unsynchronised access to
 * dom_iommu(d)->arch.priv fails the run; ASan runs it too.
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
#include "tests/common/stress.h"

#include "smmu_test_env.h"

#ifndef BATCHES
#define BATCHES         1200
#endif
#define FLUSHES         (2 * BATCHES)
#define TEARDOWN_AFTER  (BATCHES / 4) /* batches and flushes before it */
#define ROUNDS          4

struct race {
    struct stress_run run;
    struct stress_p2m p2m;            /* the P2M batches (tests/common) */
    struct domain *d;
    unsigned long flushes;            /* atomic: direct flushes done */
    bool torn_down;                   /* atomic */
    unsigned int flush_errors;
    unsigned int stats_live, stats_gone, stats_bad;
};

static void *flush_thread(void *arg)
{
    struct race *r = arg;
    unsigned int i;

    stress_start(&r->run);
    /*
     * Nothing here waits for the teardown (torn_down is not read): a
     * flush after it is ordered with the teardown only by the driver's
     * own lock, so an access outside it is a race ThreadSanitizer sees.
     */
    for ( i = 0; i < FLUSHES; i++ )
    {
        /* The driver's own hook, not the P2M's (which the core unhooks). */
        if ( smmu_ops.iotlb_flush(r->d, INVALID_DFN, 0, 0) )
            r->flush_errors++;
        __atomic_add_fetch(&r->flushes, 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

/* Open-ended: reads until the flushes, the P2M and the teardown end. */
static void *stats_thread(void *arg)
{
    struct race *r = arg;
    unsigned long n;
    int rc;

    stress_start(&r->run);
    /* At least once, however the threads are scheduled. */
    do {
        /* No fault happens in this test: anything else is misread. */
        n = ~0UL;
        rc = smmu_domain_fault_count(r->d, &n);
        if ( rc == 0 && n == 0 )
            r->stats_live++;
        else if ( rc == -ENODEV && n == ~0UL )
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
    while ( stress_p2m_done(&r->p2m) < TEARDOWN_AFTER ||
            __atomic_load_n(&r->flushes, __ATOMIC_ACQUIRE) < TEARDOWN_AFTER )
        ;
    /* What domain_destroy does first: devices back, then the state. */
    iommu_domain_destroy(r->d);
    __atomic_store_n(&r->torn_down, true, __ATOMIC_RELEASE);
    return NULL;
}

static void flush_races_teardown(void **state)
{
    void *(*const fns[4])(void *) = { stats_thread, stress_p2m_thread,
                                      flush_thread, teardown_thread };
    uint64_t ipa = GUEST_RAM0_BASE + 2 * MIB + 0x3000;
    unsigned char buf[16] = { 0 };
    struct race r;
    unsigned int round;
    int cb;

    (void)state;
    assert_int_equal(smmu_test_boot_tree(SMMU_TREE_GENERIC), 0);
    assert_int_equal(ipmmu_test_add_all_devices(), 7);

    for ( round = 0; round < ROUNDS; round++ )
    {
        void *const args[4] = { &r, &r.p2m, &r, &r };

        memset(&r, 0, sizeof(r));
        r.d = ipmmu_test_guest(1, "race", 16);
        assert_int_equal(ipmmu_test_assign(r.d, G_MMC), 0);
        cb = smmu_test_domain_cb(r.d, G_SMMU0);
        assert_true(cb >= 0);
        /* Splits the block: each batch then changes one 4K entry. */
        stress_p2m_prepare(&r.p2m, &r.run, r.d, ipa, BATCHES);

        stress_run(&r.run, fns, args, 4);

        assert_true(r.torn_down);
        assert_int_equal(r.p2m.errors, 0);
        assert_int_equal(r.p2m.removes, BATCHES);
        assert_int_equal(r.flush_errors, 0);
        assert_int_equal(r.stats_bad, 0);
        assert_true(r.stats_live + r.stats_gone > 0);
        /* Nothing is left to flush or to read, and the bank is free. */
        assert_null(r.d->arch.p2m.iotlb_flush);
        assert_null(dom_iommu(r.d)->arch.priv);
        assert_null(smmu_test_device(G_SMMU0)->cbs[cb].owner);
        assert_int_equal(smmu_test_cb(G_SMMU0, cb, SMMU_CB_SCTLR), 0);
        assert_false(iommu_dt_device_is_assigned(
            dt_find_node_by_path(G_MMC)));
        /* The device is blocked again. */
        assert_int_equal(smmu_test_dma(G_SMMU0, 0x20, GUEST_RAM0_BASE, buf,
                                       sizeof(buf), true, NULL),
                         SMMU_FAULT_ICF);
        domain_destroy(r.d);
    }
    smmu_test_shutdown();
}

#define TEST(t) cmocka_unit_test_teardown(t, smmu_test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(flush_races_teardown),
    };

    return cmocka_run_group_tests_name("smmu_race", tests, NULL, NULL);
}
