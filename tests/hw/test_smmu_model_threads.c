/*
 * SMMU model from several threads: two streams translating through their
 * own banks while a third thread invalidates and syncs and reads fault
 * and status registers.  Every translation must still be exact (the
 * tables never change, so an invalidation only costs a walk), and the
 * counters must add up.  Also built under ThreadSanitizer (test-tsan).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tests/hw/smmu_model_testlib.h"

#define PAGES   64
#define ITERS   20000

struct worker {
    struct st *t;
    uint32_t sid;
    uint64_t pa_base;
    unsigned int bad;
};

static atomic_bool stop;

static void *translate_loop(void *opaque)
{
    struct worker *w = opaque;
    uint64_t x = w->sid;
    unsigned int i;

    for ( i = 0; i < ITERS; i++ )
    {
        struct smmu_xlate r;
        uint64_t page, off;

        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        page = (x >> 33) % PAGES;
        off = (x >> 20) & 0xff8;
        if ( smmu_model_translate(w->t->m, w->sid, page << 12 | off, 8,
                                  false, &r) != SMMU_OK ||
             r.seg[0].pa != w->pa_base + (page << 12 | off) )
            w->bad++;
    }
    return NULL;
}

static void *maintenance_loop(void *opaque)
{
    struct st *t = opaque;
    unsigned int n = 0;
    uint32_t v;

    while ( !atomic_load(&stop) )
    {
        smmu_model_mmio_write(t->m, SMMU_GR0_TLBIVMID, 1 + (n & 1));
        smmu_model_mmio_write(t->m, SMMU_GR0_STLBGSYNC, 0);
        smmu_model_mmio_read(t->m, SMMU_GR0_STLBGSTATUS, &v);
        smmu_model_mmio_read(t->m, smmu_model_cb_offset(t->m, 1) +
                                   SMMU_CB_FSR, &v);
        n++;
    }
    return NULL;
}

static void translations_stay_exact_under_concurrent_maintenance(
    void **state)
{
    struct smmu_model_config c = { .flavour = SMMU_MODEL_MMU500,
                                   .sync_delay_zero = true,
                                   .tlb_entries = 32 };
    struct st *t = st_create_cfg(&c);
    struct lpae_table tb[2];
    struct worker w[2];
    struct smmu_model_stats s;
    pthread_t th[3];
    unsigned int i, k;

    (void)state;
    for ( k = 0; k < 2; k++ )
    {
        st_table_init(t, &tb[k], 1, 40);
        for ( i = 0; i < PAGES; i++ )
            st_map(t, &tb[k], (uint64_t)i << 12,
                   ST_DATA_BASE + k * 0x100000 + ((uint64_t)i << 12), 3,
                   ST_RO);
        st_setup_cb(t, k, (uint8_t)(1 + k), &tb[k]);
        st_route(t, k, (uint16_t)(0x100 + k), 0, k);
        w[k] = (struct worker){ t, 0x100 + k,
                                ST_DATA_BASE + k * 0x100000, 0 };
    }
    st_enable(t);
    atomic_store(&stop, false);
    assert_int_equal(pthread_create(&th[2], NULL, maintenance_loop, t), 0);
    for ( k = 0; k < 2; k++ )
        assert_int_equal(pthread_create(&th[k], NULL, translate_loop, &w[k]),
                         0);
    for ( k = 0; k < 2; k++ )
        assert_int_equal(pthread_join(th[k], NULL), 0);
    atomic_store(&stop, true);
    assert_int_equal(pthread_join(th[2], NULL), 0);

    assert_int_equal(w[0].bad, 0);
    assert_int_equal(w[1].bad, 0);
    smmu_model_get_stats(t->m, &s);
    assert_int_equal(s.translations, 2 * ITERS);
    assert_int_equal(s.outcomes[SMMU_OK], 2 * ITERS);
    assert_int_equal(s.tlb_hits + s.tlb_misses, 2 * ITERS);
    assert_int_equal(s.walks, s.tlb_misses);
    assert_true(s.walks >= 2 * PAGES);
    assert_int_equal(s.syncs, s.syncs_completed);
    assert_int_equal(st_rd(t, SMMU_GR0_SGFSR), 0);
    st_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            translations_stay_exact_under_concurrent_maintenance),
    };

    return cmocka_run_group_tests_name("smmu_model_threads", tests, NULL,
                                       NULL);
}
