/*
 * Arm SMMU driver under concurrency, meant for ThreadSanitizer (it is one
 * of the TSAN_TESTS of `make test`) as well as ASan.  Three threads at
 * once on one SMMU:
 *  - DMA, in turn: by a guest's device to a page whose mapping never
 *    changes (must succeed), by a second device of that guest whose
 *    assignment the third thread keeps changing (must succeed or fault
 *    with ICF, nothing else), and by another guest's device outside its
 *    P2M (must fault with TF and be reported while the other threads
 *    hold the driver's lock);
 *  - P2M removals and re-insertions of another page of the first guest
 *    (in another 2 MiB block, split beforehand, so that no table the DMA
 *    walks is written): one VMID invalidation per removal;
 *  - the second device assigned and taken back.
 * One thread issues all DMA: the simulated RAM (hw/phys_mem.c) keeps
 * counters that are not safe for concurrent accesses.
 */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/device_tree.h>
#include <xen/domain.h>
#include <xen/iommu.h>
#include <asm/domain.h>
#include <asm/p2m.h>

#include "hosted/console.h"
#include "hosted/platform.h"

#include "smmu_test_env.h"
#include "tests/common/stress.h"

#ifndef ITERATIONS
#define ITERATIONS 600
#endif

struct stress {
    struct stress_run run;
    struct stress_p2m p2m;      /* the P2M thread, on moving_ipa */
    struct domain *d, *d2;
    uint64_t stable_ipa, moving_ipa;
    /* Results, each written by one thread only. */
    unsigned int stable_ok, stable_bad;
    unsigned int moved_ok, moved_blocked, moved_bad;
    unsigned int faults_seen, faults_bad;
    unsigned int moves, move_errors;
    /* Shared: what the DMA thread saw of the moving device. */
    unsigned int seen_ok, seen_blocked;
};

static unsigned int load(const unsigned int *v)
{
    return __atomic_load_n(v, __ATOMIC_ACQUIRE);
}

/* Until the DMA thread has seen one more DMA of the moving device. */
static void wait_for(struct stress *s, const unsigned int *counter)
{
    unsigned int target = load(counter) + 1;

    while ( load(counter) < target && !stress_stopped(&s->run) )
        sched_yield();
}

static void *dma_thread(void *arg)
{
    struct stress *s = arg;
    unsigned char buf[128];
    enum smmu_model_outcome o;
    unsigned int i;

    memset(buf, 0x5a, sizeof(buf));
    stress_start(&s->run);
    for ( i = 0; i < ITERATIONS || !stress_stopped(&s->run); i++ )
    {
        o = smmu_test_dma(G_SMMU0, 0x10, s->stable_ipa, buf, sizeof(buf),
                          true, NULL);
        s->stable_ok += o == SMMU_OK;
        s->stable_bad += o != SMMU_OK;

        o = smmu_test_dma(G_SMMU0, 0x11, s->stable_ipa + 0x1000, buf,
                          sizeof(buf), true, NULL);
        s->moved_ok += o == SMMU_OK;
        s->moved_blocked += o == SMMU_FAULT_ICF;
        if ( o == SMMU_OK )
            __atomic_add_fetch(&s->seen_ok, 1, __ATOMIC_RELEASE);
        if ( o == SMMU_FAULT_ICF )
            __atomic_add_fetch(&s->seen_blocked, 1, __ATOMIC_RELEASE);
        s->moved_bad += o != SMMU_OK && o != SMMU_FAULT_ICF;

        if ( i % 2 )
            continue;
        o = smmu_test_dma(G_SMMU0, 0x20, GUEST_RAM0_BASE + 64 * MIB, buf,
                          32, true, NULL);
        s->faults_seen += o == SMMU_FAULT_TF;
        s->faults_bad += o != SMMU_FAULT_TF;
    }
    return NULL;
}

static void *assign_thread(void *arg)
{
    struct stress *s = arg;
    struct dt_device_node *np = dt_find_node_by_path(G_DMA1);
    unsigned int i;

    stress_start(&s->run);
    /* Each state is held until the DMA thread has met it once. */
    for ( i = 0; i < ITERATIONS / 4; i++ )
    {
        if ( iommu_assign_dt_device(s->d, np) )
        {
            s->move_errors++;
            continue;
        }
        wait_for(s, &s->seen_ok);
        if ( iommu_deassign_dt_device(s->d, np) )
            s->move_errors++;
        else
            s->moves++;
        wait_for(s, &s->seen_blocked);
    }
    return NULL;
}

static void concurrent_dma_p2m_assignment_and_faults(void **state)
{
    void *(*const fn[3])(void *) = {
        dma_thread, stress_p2m_thread, assign_thread,
    };
    struct stress s = { 0 };
    void *const arg[3] = { &s, &s.p2m, &s };
    uint64_t inv_before;
    struct smmu_model_stats st;

    (void)state;
    assert_int_equal(smmu_test_boot_tree(SMMU_TREE_GENERIC), 0);
    assert_int_equal(ipmmu_test_add_all_devices(), 7);
    s.d = ipmmu_test_guest(1, "stress", 16);
    s.d2 = ipmmu_test_guest(2, "faulty", 16);
    assert_int_equal(ipmmu_test_assign(s.d, G_DMA0), 0);
    assert_int_equal(ipmmu_test_assign(s.d2, G_MMC), 0);
    s.stable_ipa = GUEST_RAM0_BASE + 1 * MIB;
    s.moving_ipa = GUEST_RAM0_BASE + 8 * MIB + 0x5000;
    /* Split the moving page's block now, not while the others walk. */
    stress_p2m_prepare(&s.p2m, &s.run, s.d, s.moving_ipa, ITERATIONS);
    smmu_model_get_stats(smmu_test_model(G_SMMU0), &st);
    inv_before = st.tlb_invalidations;

    /* The DMA thread raises hundreds of fault reports. */
    stress_run(&s.run, fn, arg, 3);

    print_message("stable DMA %u; moving device: %u moved, %u blocked; "
                  "%u faults; %u removals; %u moves\n", s.stable_ok,
                  s.moved_ok, s.moved_blocked, s.faults_seen, s.p2m.removes,
                  s.moves);
    assert_true(s.stable_ok >= ITERATIONS);
    assert_int_equal(s.stable_bad, 0);
    assert_int_equal(s.moved_ok + s.moved_blocked, s.stable_ok);
    assert_true(s.moved_ok >= ITERATIONS / 4);
    assert_true(s.moved_blocked >= ITERATIONS / 4);
    assert_int_equal(s.moved_bad, 0);
    assert_int_equal(s.faults_seen, (s.stable_ok + 1) / 2);
    assert_int_equal(s.faults_bad, 0);
    assert_int_equal(s.p2m.errors, 0);
    assert_int_equal(s.p2m.removes, ITERATIONS);
    assert_int_equal(s.move_errors, 0);
    assert_int_equal(s.moves, ITERATIONS / 4);
    assert_false(s.d->is_crashed);
    assert_int_equal(smmu_test_fault_count(s.d2), s.faults_seen);

    /* One invalidation per removal; moving dma1 within d keeps the bank. */
    smmu_model_get_stats(smmu_test_model(G_SMMU0), &st);
    assert_int_equal(st.tlb_invalidations - inv_before, ITERATIONS);

    /* Consistent end state: dma1 blocked, dma0 translated. */
    assert_int_equal(smmu_test_gr0(G_SMMU0,
                         SMMU_GR0_S2CR(smmu_test_sme(G_SMMU0, 0x11, 0))),
                     S2CR_TYPE_FAULT);
    assert_int_equal(smmu_test_gr0(G_SMMU0,
                         SMMU_GR0_S2CR(smmu_test_sme(G_SMMU0, 0x10, 0))),
                     S2CR_TYPE_TRANS |
                     S2CR_CBNDX(smmu_test_domain_cb(s.d, G_SMMU0)));
    {
        unsigned char out[256], seen[256];

        memset(out, 0xc3, sizeof(out));
        assert_int_equal(smmu_test_dma(G_SMMU0, 0x10, s.moving_ipa, out,
                                       sizeof(out), true, NULL), SMMU_OK);
        ipmmu_test_guest_read(s.d, s.moving_ipa, seen, sizeof(seen));
        assert_memory_equal(out, seen, sizeof(out));
    }

    domain_destroy(s.d);
    domain_destroy(s.d2);
    smmu_test_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(concurrent_dma_p2m_assignment_and_faults,
                                  smmu_test_teardown),
    };

    return cmocka_run_group_tests_name("smmu_stress", tests, NULL, NULL);
}
