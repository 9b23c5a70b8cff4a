/*
 * xmalloc under a long random workload, against a shadow model.
 *
 * The model keeps, per slot, the size, alignment and identity of the
 * block the heap gave.  Every block is filled with its identity (an
 * 8-byte id, then one repeated byte); the contents are verified whenever
 * a block is freed or reallocated, and every CHECK_EVERY operations the
 * whole model is verified: all contents, no two blocks overlapping, the
 * heap's counters, and xmem_pool_check().
 *
 * XM_STRESS_OPS overrides the number of operations (make soak uses it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <xen/alloc_fail.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/xmalloc.h>
#include "hosted/console.h"

#include "tests/xmalloc/xm_test.h"

#define SLOTS       2048
#define CHECK_EVERY 1000
#define DEFAULT_OPS 1000000UL

struct shadow {
    unsigned char *p;       /* NULL: empty; ZERO_BLOCK_PTR: size 0 */
    unsigned long size;
    unsigned long align;    /* the alignment the block must keep */
    uint64_t id;
};

static struct shadow model[SLOTS];
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t next_id = 1;
static unsigned long live_blocks;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned char fill_byte(uint64_t id)
{
    return (unsigned char)(id * 167 + 1) | 1;   /* never 0 */
}

static void fill(struct shadow *s)
{
    unsigned long n = s->size;

    if ( n >= 8 )
    {
        memcpy(s->p, &s->id, 8);
        memset(s->p + 8, fill_byte(s->id), n - 8);
    }
    else
        memset(s->p, fill_byte(s->id), n);
}

/* The first n bytes still hold the block's identity. */
static bool intact(const struct shadow *s, unsigned long n)
{
    unsigned char v = fill_byte(s->id);

    if ( s->size >= 8 )
    {
        if ( n >= 8 && memcmp(s->p, &s->id, 8) )
            return false;
        if ( n <= 8 )
            return true;
        return s->p[8] == v && !memcmp(s->p + 8, s->p + 9, n - 9);
    }
    return !n || (s->p[0] == v && !memcmp(s->p, s->p + 1, n - 1));
}

static bool is_block(const struct shadow *s)
{
    return s->p && s->p != ZERO_BLOCK_PTR;
}

/* Sizes: mostly small, some medium, a few whole-page blocks, rare 0. */
static unsigned long pick_size(void)
{
    unsigned int d = rnd() % 1000;

    if ( d < 3 )
        return 0;
    if ( d < 700 )
        return 1 + rnd() % 256;
    if ( d < 990 )
        return 257 + rnd() % 8000;
    if ( d < 998 )
        return 8257 + rnd() % 60000;
    return 128 * 1024 - 4096 + rnd() % (200 * 1024);
}

static unsigned long pick_align(void)
{
    return rnd() % 4 ? 16 : 1UL << (rnd() % 13);
}

static int cmp_ptr(const void *a, const void *b)
{
    const struct shadow *x = *(const struct shadow *const *)a;
    const struct shadow *y = *(const struct shadow *const *)b;

    return (x->p > y->p) - (x->p < y->p);
}

static void check_all(unsigned long base_live)
{
    static const struct shadow *sorted[SLOTS];
    unsigned int i, n = 0;

    for ( i = 0; i < SLOTS; i++ )
        if ( is_block(&model[i]) )
        {
            assert_true(intact(&model[i], model[i].size));
            sorted[n++] = &model[i];
        }
    qsort(sorted, n, sizeof(sorted[0]), cmp_ptr);
    for ( i = 1; i < n; i++ )
        assert_true(sorted[i - 1]->p + sorted[i - 1]->size <= sorted[i]->p);
    assert_int_equal(n, live_blocks);
    assert_int_equal(xmalloc_live_blocks(), base_live + live_blocks);
    assert_int_equal(xmem_pool_check(NULL), 0);
}

static void do_malloc(struct shadow *s)
{
    unsigned long size = pick_size(), align = pick_align();
    bool zero = rnd() % 2;
    unsigned char *p = zero ? _xzalloc(size, align) : _xmalloc(size, align);

    if ( !size )
    {
        assert_ptr_equal(p, ZERO_BLOCK_PTR);
        *s = (struct shadow){ .p = p };
        return;
    }
    assert_non_null(p);
    assert_true(IS_ALIGNED((unsigned long)p, max(align, 16UL)));
    if ( zero )
        assert_true(xm_bytes_are(p, 0, size));
    *s = (struct shadow){ p, size, max(align, 16UL), next_id++ };
    fill(s);
    live_blocks++;
}

static void do_free(struct shadow *s)
{
    if ( is_block(s) )
    {
        assert_true(intact(s, s->size));
        live_blocks--;
    }
    xfree(s->p);
    s->p = NULL;
}

static void do_realloc(struct shadow *s)
{
    unsigned long size = pick_size(), align = pick_align();
    unsigned char *p;

    if ( is_block(s) )
        assert_true(intact(s, s->size));
    p = _xrealloc(s->p, size, align);
    if ( !size )
    {
        assert_ptr_equal(p, ZERO_BLOCK_PTR);
        if ( is_block(s) )
            live_blocks--;
        *s = (struct shadow){ .p = p };
        return;
    }
    assert_non_null(p);
    if ( !is_block(s) )
    {
        *s = (struct shadow){ p, size, max(align, 16UL), next_id++ };
        fill(s);
        live_blocks++;
        return;
    }
    s->align = max(s->align, max(align, 16UL));
    assert_true(IS_ALIGNED((unsigned long)p, s->align));
    s->p = p;
    assert_true(intact(s, min(size, s->size)));
    s->size = size;
    s->id = next_id++;
    fill(s);
}

static void random_operations_keep_contents_and_heap_sound(void **state)
{
    const char *env = getenv("XM_STRESS_OPS");
    unsigned long ops = env ? strtoul(env, NULL, 0) : DEFAULT_OPS;
    unsigned long base_live = xmalloc_live_blocks(), i;
    unsigned int k;

    (void)state;
    for ( i = 1; i <= ops; i++ )
    {
        struct shadow *s = &model[rnd() % SLOTS];
        unsigned int d = rnd() % 100;

        if ( !s->p || d < 10 )
        {
            if ( s->p )
                do_free(s);
            do_malloc(s);
        }
        else if ( d < 55 )
            do_free(s);
        else
            do_realloc(s);
        if ( i % CHECK_EVERY == 0 )
            check_all(base_live);
    }
    check_all(base_live);
    for ( k = 0; k < SLOTS; k++ )
        if ( model[k].p )
            do_free(&model[k]);
    assert_int_equal(xmalloc_live_blocks(), base_live);
    assert_int_equal(xmem_pool_check(NULL), 0);
}

/* The same workload with a failure every so often: nothing changes then. */
static void random_failures_change_nothing(void **state)
{
    unsigned long base_live = xmalloc_live_blocks(), i;
    unsigned int k;

    (void)state;
    for ( i = 1; i <= 100000; i++ )
    {
        struct shadow *s = &model[rnd() % SLOTS];
        const struct shadow before = *s;
        unsigned long size = 1 + rnd() % 3000, used;
        unsigned char *p;

        if ( !is_block(s) )
        {
            do_malloc(s);
            continue;
        }
        used = xmalloc_used_bytes();
        alloc_fail_nth(1);
        p = _xrealloc(s->p, s->size + size, 16);
        alloc_fail_nth(0);
        if ( p )
        {
            /* It fitted the block's slack: no allocation was needed. */
            assert_ptr_equal(p, before.p);
            assert_true(intact(s, s->size));
            s->size += size;
            fill(s);
        }
        else
        {
            assert_true(intact(s, s->size));
            assert_int_equal(xmalloc_used_bytes(), used);
        }
        if ( i % CHECK_EVERY == 0 )
            check_all(base_live);
        if ( rnd() % 2 )
            do_free(s);
    }
    for ( k = 0; k < SLOTS; k++ )
        if ( model[k].p )
            do_free(&model[k]);
    assert_int_equal(xmalloc_live_blocks(), base_live);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        XM_TEST(random_operations_keep_contents_and_heap_sound),
        XM_TEST(random_failures_change_nothing),
    };

    console_set_echo(false);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
