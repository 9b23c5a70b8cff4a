/*
 * IPMMU model: randomised translation against an independent expectation
 * (mixed pages and blocks, tiny TLBs so entries are evicted all the time,
 * remaps with flushes), and concurrent use from several threads.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/hw/ipmmu_model_testlib.h"

#define CTX   2
#define UTLB  33
#define NR_MAPS 400

struct mapping {
    uint64_t ia, pa, size;
    unsigned int level;
    uint64_t attrs;
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64*: reproducible without libc's rand state. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static const struct mapping *find(const struct mapping *m, unsigned int n,
                                  uint64_t ia)
{
    unsigned int i;

    for ( i = 0; i < n; i++ )
        if ( ia >= m[i].ia && ia - m[i].ia < m[i].size )
            return &m[i];
    return NULL;
}

static bool overlaps(const struct mapping *m, unsigned int n, uint64_t ia,
                     uint64_t size)
{
    unsigned int i;

    for ( i = 0; i < n; i++ )
        if ( ia < m[i].ia + m[i].size && m[i].ia < ia + size )
            return true;
    return false;
}

static const uint64_t perms[] = { S2_RW, S2_RO, S2_WO, S2_NA };

static unsigned int make_mappings(struct tl *t, const struct lpae_table *tb,
                                  struct mapping *m)
{
    unsigned int n = 0;

    while ( n < NR_MAPS )
    {
        unsigned int r = rnd() % 100;
        unsigned int level = r < 75 ? 3 : r < 97 ? 2 : 1;
        uint64_t size = 1ULL << (12 + 9 * (3 - level));
        /* Cluster the addresses so that tables are shared. */
        uint64_t ia = (rnd() % (1ULL << 34)) & ~(size - 1);

        if ( rnd() % 4 == 0 )
            ia |= (rnd() % 64) << 34;           /* up to bit 39 */
        if ( overlaps(m, n, ia, size) )
            continue;
        m[n].ia = ia;
        m[n].size = size;
        m[n].level = level;
        m[n].pa = (rnd() % (1ULL << 39)) & ~(size - 1);
        m[n].attrs = perms[rnd() % 4];
        tl_map(t, tb, m[n].ia, m[n].pa, level, m[n].attrs);
        n++;
    }
    return n;
}

static void check_access(struct tl *t, const struct mapping *m,
                         unsigned int n, uint64_t ia, bool write)
{
    const struct mapping *hit = find(m, n, ia);
    enum ipmmu_model_outcome want = IPMMU_FAULT_TF;
    uint64_t pa = 0;
    enum ipmmu_model_outcome got;

    if ( hit )
    {
        unsigned int s2ap = (hit->attrs >> 6) & 3;

        want = (write ? s2ap & 2 : s2ap & 1) ? IPMMU_OK : IPMMU_FAULT_PF;
    }
    got = tl_xlate(t, UTLB, ia, write, &pa);
    if ( got != want )
        fail_msg("ia 0x%llx %s: got %s, want %s", (unsigned long long)ia,
                 write ? "write" : "read", ipmmu_model_outcome_name(got),
                 ipmmu_model_outcome_name(want));
    if ( got == IPMMU_OK )
        assert_int_equal(pa, hit->pa + (ia - hit->ia));
    else
        tl_wr(t->root, tl_ctx(t->root, CTX, IPMMU_IMSTR), 0);
}

static void flush_ctx(struct tl *t)
{
    tl_wr(t->root, tl_ctx(t->root, CTX, IPMMU_IMCTR),
          IPMMU_IMCTR_VA64 | IPMMU_IMCTR_INTEN | IPMMU_IMCTR_FLUSH |
          IPMMU_IMCTR_MMUEN);
    tl_wr(t->cache, tl_ctx(t->cache, CTX, IPMMU_IMCTR),
          IPMMU_IMCTR_INTEN | IPMMU_IMCTR_FLUSH | IPMMU_IMCTR_MMUEN);
    t->now += IPMMU_MODEL_DEF_FLUSH_NS;
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, CTX, IPMMU_IMCTR)) &
                     IPMMU_IMCTR_FLUSH, 0);
}

static void random_mappings_translate_as_the_table_says(void **state)
{
    struct tl *t = tl_create_sized(IPMMU_MODEL_GEN4, 3, 7, 0);
    struct mapping *m = calloc(NR_MAPS, sizeof(*m));
    struct ipmmu_model_stats st;
    struct lpae_table tb;
    unsigned int n, i;

    (void)state;
    rng_state = 0x1234567887654321ULL;
    tl_table_init(t, &tb, 1, 40);
    tl_setup_s2(t, CTX, &tb, 1, UTLB);
    n = make_mappings(t, &tb, m);
    for ( i = 0; i < 30000; i++ )
    {
        uint64_t ia;

        if ( rnd() % 5 )
        {
            const struct mapping *p = &m[rnd() % n];

            ia = p->ia + (rnd() % p->size & ~3ULL);
        }
        else
            ia = rnd() % (1ULL << 40) & ~3ULL;
        check_access(t, m, n, ia, rnd() & 1);

        /* Now and then move a mapping elsewhere, flushing as required. */
        if ( i % 1000 == 999 )
        {
            struct mapping *p = &m[rnd() % n];

            p->pa = (rnd() % (1ULL << 39)) & ~(p->size - 1);
            p->attrs = perms[rnd() % 4];
            tl_map(t, &tb, p->ia, p->pa, p->level, p->attrs);
            flush_ctx(t);
        }
    }
    ipmmu_model_get_stats(t->root, &st);
    /* Tiny TLBs: the walks really ran, and the main TLB served some. */
    assert_true(st.walks > 10000);
    assert_true(st.main_hits > 0);
    free(m);
    tl_destroy(t);
}

/* ---- Threads ---- */

struct worker {
    struct tl *t;
    unsigned int utlb;
    unsigned long done;
    unsigned long wrong;
};

#define THREAD_ITERS 20000

static void *translate_loop(void *arg)
{
    struct worker *w = arg;
    unsigned long i;

    for ( i = 0; i < THREAD_ITERS; i++ )
    {
        struct ipmmu_xlate r;
        uint64_t page = i % 16;

        if ( ipmmu_model_translate(w->t->cache, w->utlb, page << 12, 8,
                                   false, &r) != IPMMU_OK ||
             r.seg[0].pa != TL_DATA_BASE + (page << 12) )
            w->wrong++;
        w->done++;
    }
    return NULL;
}

static void concurrent_translations_and_register_reads(void **state)
{
    struct tl *t = tl_create_sized(IPMMU_MODEL_GEN3, 2, 4, 0);
    struct worker w[2] = { { .t = t, .utlb = 1 }, { .t = t, .utlb = 40 } };
    struct ipmmu_model_stats st;
    struct lpae_table tb;
    pthread_t th[2];
    unsigned int i;

    (void)state;
    tl_table_init(t, &tb, 1, 40);
    tl_setup_s2(t, CTX, &tb, 1, 1);
    tl_route(t->cache, 40, CTX);
    for ( i = 0; i < 16; i++ )
        tl_map(t, &tb, (uint64_t)i << 12, TL_DATA_BASE + ((uint64_t)i << 12),
               3, S2_RO);
    ipmmu_model_reset_stats(t->cache);
    for ( i = 0; i < 2; i++ )
        assert_int_equal(pthread_create(&th[i], NULL, translate_loop, &w[i]),
                         0);
    /* Register traffic meanwhile (the short cut must notice it). */
    for ( i = 0; i < 2000; i++ )
        assert_int_equal(tl_rd(t->cache, tl_utlb(t->cache, 1, 0)) & 1, 1);
    for ( i = 0; i < 2; i++ )
        assert_int_equal(pthread_join(th[i], NULL), 0);
    assert_int_equal(w[0].wrong + w[1].wrong, 0);
    ipmmu_model_get_stats(t->cache, &st);
    assert_int_equal(st.translations, 2 * THREAD_ITERS);
    assert_int_equal(st.utlb_hits + st.utlb_misses, 2 * THREAD_ITERS);
    tl_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_mappings_translate_as_the_table_says),
        cmocka_unit_test(concurrent_translations_and_register_reads),
    };

    return cmocka_run_group_tests_name("ipmmu_model_random", tests, NULL,
                                       NULL);
}
