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

#include "ipmmu_test_env.h"

#ifndef BATCHES
#define BATCHES         1200
#endif
#define TEARDOWN_AFTER  (BATCHES / 4) /* batches before the teardown */
#define ROUNDS          4

struct race {
    struct domain *d;
    gfn_t gfn;
    mfn_t mfn;
    pthread_barrier_t start;
    unsigned long batches;            /* atomic: P2M batches done */
    bool torn_down;                   /* atomic */
    unsigned int p2m_errors, stats_live, stats_gone, stats_bad;
};

static void *p2m_thread(void *arg)
{
    struct race *r = arg;
    unsigned int i;

    pthread_barrier_wait(&r->start);
    for ( i = 0; i < BATCHES; i++ )
    {
        if ( guest_physmap_remove_page(r->d, r->gfn, r->mfn, 0) ||
             guest_physmap_add_entry(r->d, r->gfn, r->mfn, 0, p2m_ram_rw) )
            r->p2m_errors++;
        __atomic_add_fetch(&r->batches, 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

static void *stats_thread(void *arg)
{
    struct race *r = arg;
    struct ipmmu_fault_stats st;

    pthread_barrier_wait(&r->start);
    /* At least once, however the threads are scheduled. */
    do {
        int rc = ipmmu_domain_fault_stats(r->d, &st);

        if ( rc == 0 && st.faults == 0 )
            r->stats_live++;
        else if ( rc == -ENODEV )
            r->stats_gone++;
        else
            r->stats_bad++;
    } while ( __atomic_load_n(&r->batches, __ATOMIC_ACQUIRE) < BATCHES );
    return NULL;
}

static void *teardown_thread(void *arg)
{
    struct race *r = arg;

    pthread_barrier_wait(&r->start);
    while ( __atomic_load_n(&r->batches, __ATOMIC_ACQUIRE) < TEARDOWN_AFTER )
        ;
    /* What domain_destroy does first: devices back, then the state. */
    iommu_domain_destroy(r->d);
    __atomic_store_n(&r->torn_down, true, __ATOMIC_RELEASE);
    return NULL;
}

static void flush_races_teardown(void **state)
{
    pthread_t t[3];
    struct race r;
    p2m_type_t type;
    uint64_t ipa = GUEST_RAM0_BASE + 2 * MIB + 0x3000;
    unsigned int round, i;

    (void)state;
    assert_int_equal(ipmmu_test_boot_board("h3-salvator-xs"), 0);
    ipmmu_test_add_all_devices();

    for ( round = 0; round < ROUNDS; round++ )
    {
        memset(&r, 0, sizeof(r));
        r.d = ipmmu_test_guest(1, "race", 16);
        assert_int_equal(ipmmu_test_assign(r.d, H3_SDHI2), 0);
        r.gfn = _gfn(ipa >> PAGE_SHIFT);
        /* Split the block first: each batch then changes one 4K entry. */
        assert_int_equal(ipmmu_test_remove_page(r.d, ipa + PAGE_SIZE), 0);
        r.mfn = p2m_lookup(r.d, r.gfn, &type);

        assert_int_equal(pthread_barrier_init(&r.start, NULL, 3), 0);
        assert_int_equal(pthread_create(&t[0], NULL, p2m_thread, &r), 0);
        assert_int_equal(pthread_create(&t[1], NULL, stats_thread, &r), 0);
        assert_int_equal(pthread_create(&t[2], NULL, teardown_thread, &r),
                         0);
        for ( i = 0; i < 3; i++ )
            assert_int_equal(pthread_join(t[i], NULL), 0);
        pthread_barrier_destroy(&r.start);

        assert_true(r.torn_down);
        assert_int_equal(r.p2m_errors, 0);
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
