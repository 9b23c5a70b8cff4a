/*
 * IPMMU-VMSA driver under concurrency: while one thread DMAs through a
 * guest's context, another changes the guest's P2M and a third moves a
 * second device between the guest and quarantine.  Every DMA must either
 * move its bytes or fault with TF (never anything else), every P2M batch
 * must flush exactly once, and the registers must end in a consistent
 * state.  Meant to run under the sanitizers (and ThreadSanitizer).
 */
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
#include "xen/drivers/passthrough/arm/ipmmu-vmsa.h"

#include "ipmmu_test_env.h"
#include "tests/common/stress.h"

#ifndef ITERATIONS
#define ITERATIONS 1500
#endif

struct stress {
    struct stress_run run;
    struct stress_p2m p2m;
    struct domain *d;
    uint64_t ipa;
    unsigned int bad_outcomes, dma_ok, dma_tf;
    unsigned int moves, move_errors;
};

static void *dma_thread(void *arg)
{
    struct stress *s = arg;
    unsigned char buf[128];
    struct soc_dma_result res;
    unsigned int i;

    memset(buf, 0x5a, sizeof(buf));
    stress_start(&s->run);
    for ( i = 0; !stress_stopped(&s->run) || i < ITERATIONS; i++ )
    {
        if ( ipmmu_test_dma_write(H3_SDHI2, 0, s->ipa, buf, sizeof(buf),
                                  &res) == 0 )
            s->dma_ok++;
        else if ( res.outcome == IPMMU_FAULT_TF )
            s->dma_tf++;
        else
            s->bad_outcomes++;
    }
    return NULL;
}

static void *assign_thread(void *arg)
{
    struct stress *s = arg;
    struct dt_device_node *np = dt_find_node_by_path(H3_SATA);
    unsigned int i;

    stress_start(&s->run);
    for ( i = 0; i < ITERATIONS / 4; i++ )
    {
        if ( iommu_assign_dt_device(s->d, np) ||
             iommu_deassign_dt_device(s->d, np) )
            s->move_errors++;
        else
            s->moves++;
    }
    return NULL;
}

static void concurrent_dma_p2m_and_assignment(void **state)
{
    void *(*const fn[3])(void *) = {
        dma_thread, stress_p2m_thread, assign_thread,
    };
    struct stress s = { 0 };
    void *const arg[3] = { &s, &s.p2m, &s };
    struct ipmmu_model_stats st;
    unsigned int c;
    uint64_t flushes;

    (void)state;
    assert_int_equal(ipmmu_test_boot_board("h3-salvator-xs"), 0);
    ipmmu_test_add_all_devices();
    s.d = ipmmu_test_guest(1, "stress", 16);
    assert_int_equal(ipmmu_test_assign(s.d, H3_SDHI2), 0);
    c = ((struct ipmmu_domain *)dom_iommu(s.d)->arch.priv)->ctx;
    s.ipa = GUEST_RAM0_BASE + 3 * MIB + 0x5000;
    /* Split the block first, so that each batch changes one 4K entry. */
    stress_p2m_prepare(&s.p2m, &s.run, s.d, s.ipa, ITERATIONS);
    ipmmu_model_get_stats(ipmmu_test_model(H3_ROOT), &st);
    flushes = st.ctx[c].flushes;

    /* The DMA thread raises thousands of fault reports. */
    stress_run(&s.run, fn, arg, 3);

    print_message("DMA: %u moved, %u faulted; %u removals; %u moves\n",
                  s.dma_ok, s.dma_tf, s.p2m.removes, s.moves);
    assert_int_equal(s.bad_outcomes, 0);
    assert_true(s.dma_ok + s.dma_tf >= ITERATIONS);
    assert_int_equal(s.p2m.errors, 0);
    assert_int_equal(s.move_errors, 0);
    assert_int_equal(s.p2m.removes, ITERATIONS);
    assert_false(s.d->is_crashed);

    /* One flush per removal batch; assignments never flush the P2M. */
    ipmmu_model_get_stats(ipmmu_test_model(H3_ROOT), &st);
    assert_int_equal(st.ctx[c].flushes - flushes, ITERATIONS);

    /* Consistent end state: SATA quarantined, SDHI2 translated. */
    assert_int_equal(ipmmu_test_utlb_reg(H3_HC, 2, 0),
                     (ipmmu_block_ctx << 4) | IPMMU_IMUCTR_MMUEN);
    assert_int_equal(ipmmu_test_ctx_reg(H3_HC, c, IPMMU_IMCTR), 0);
    assert_int_equal(ipmmu_test_utlb_reg(H3_DS1, 34, 0),
                     (c << 4) | IPMMU_IMUCTR_MMUEN);
    {
        unsigned char out[256], seen[256];
        struct soc_dma_result res;

        memset(out, 0xc3, sizeof(out));
        assert_int_equal(ipmmu_test_dma_write(H3_SDHI2, 0, s.ipa, out,
                                              sizeof(out), &res), 0);
        ipmmu_test_guest_read(s.d, s.ipa, seen, sizeof(seen));
        assert_memory_equal(out, seen, sizeof(out));
    }

    domain_destroy(s.d);
    ipmmu_test_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(concurrent_dma_p2m_and_assignment,
                                  ipmmu_test_teardown),
    };

    return cmocka_run_group_tests_name("ipmmu_stress", tests, NULL, NULL);
}
