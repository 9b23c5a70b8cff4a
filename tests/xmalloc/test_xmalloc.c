/* xmalloc: the global TLSF heap, its semantics and edges. */
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
#include "hosted/ram.h"

#include "tests/xmalloc/xm_test.h"

/* ---- malloc / free --------------------------------------------------- */

static void blocks_are_aligned_distinct_and_hold_their_bytes(void **state)
{
    enum { N = 200 };
    unsigned char *p[N];
    unsigned int i;

    (void)state;
    for ( i = 0; i < N; i++ )
    {
        p[i] = _xmalloc(1 + i * 7, 1);
        assert_non_null(p[i]);
        assert_true(IS_ALIGNED((unsigned long)p[i], MEM_ALIGN));
        memset(p[i], (int)i, 1 + i * 7);
    }
    for ( i = 0; i < N; i++ )
        assert_true(xm_bytes_are(p[i], (unsigned char)i, 1 + i * 7));
    assert_true(xm_no_overlap((void **)p, NULL, N, 1, 7));
    assert_int_equal(xmem_pool_check(NULL), 0);
    for ( i = 0; i < N; i++ )
        xfree(p[i]);
    assert_int_equal(xmem_pool_check(NULL), 0);
}

static void free_then_malloc_reuses_memory(void **state)
{
    unsigned long used0 = xmalloc_used_bytes();
    void *a, *b;

    (void)state;
    a = xmalloc_bytes(100);
    assert_non_null(a);
    assert_true(xmalloc_used_bytes() > used0);
    assert_int_equal(xmalloc_live_blocks(), xm_live0 + 1);
    xfree(a);
    assert_int_equal(xmalloc_used_bytes(), used0);
    b = xmalloc_bytes(100);
    assert_ptr_equal(a, b);
    xfree(b);
}

static void size_zero_gives_zero_block_ptr(void **state)
{
    unsigned long n0 = alloc_count();

    (void)state;
    assert_ptr_equal(_xmalloc(0, 16), ZERO_BLOCK_PTR);
    assert_ptr_equal(_xzalloc(0, 16), ZERO_BLOCK_PTR);
    assert_ptr_equal(xmalloc_array(int, 0), ZERO_BLOCK_PTR);
    /* Nothing was allocated, so nothing was counted. */
    assert_int_equal(alloc_count(), n0);
    xfree(ZERO_BLOCK_PTR);
    xfree(NULL);
    assert_int_equal(xmalloc_live_blocks(), xm_live0);
}

static void xzalloc_gives_zeroed_memory(void **state)
{
    unsigned char *p;
    unsigned int i;

    (void)state;
    /* Dirty a block, free it, and get the same memory back zeroed. */
    p = xmalloc_bytes(300);
    memset(p, 0xab, 300);
    xfree(p);
    p = xzalloc_bytes(300);
    assert_non_null(p);
    for ( i = 0; i < 300; i++ )
        assert_int_equal(p[i], 0);
    xfree(p);
}

struct flex {
    unsigned int nr;
    uint64_t item[];
};

static void flex_struct_macros_size_and_grow(void **state)
{
    struct flex *f;
    unsigned int i;

    (void)state;
    f = xzalloc_flex_struct(struct flex, item, 4);
    assert_non_null(f);
    assert_int_equal(f->item[3], 0);
    for ( i = 0; i < 4; i++ )
        f->item[i] = i * 11;
    f->nr = 4;
    f = xrealloc_flex_struct(f, item, 1000);
    assert_non_null(f);
    for ( i = 0; i < 4; i++ )
        assert_int_equal(f->item[i], i * 11);
    f->item[999] = 7;
    xfree(f);
    /* A count whose byte size overflows fails cleanly. */
    assert_null(xmalloc_flex_struct(struct flex, item, ~0UL / 4));
    assert_null(xmalloc_array(uint64_t, ~0UL / 4));
    assert_null(xzalloc_array(uint64_t, ~0UL / 2));
}

/* ---- alignment ------------------------------------------------------- */

static void every_alignment_up_to_a_page_is_honoured(void **state)
{
    unsigned long align;
    void *p[13 * 4];
    unsigned int n = 0, k;

    (void)state;
    for ( align = 1; align <= PAGE_SIZE; align <<= 1 )
    {
        static const unsigned long sizes[] = { 1, 24, 700, 5000 };

        for ( k = 0; k < ARRAY_SIZE(sizes); k++ )
        {
            void *q = _xmalloc(sizes[k], align);

            assert_non_null(q);
            assert_true(IS_ALIGNED((unsigned long)q, max(align, 16UL)));
            memset(q, 0x5a, sizes[k]);
            p[n++] = q;
        }
        assert_int_equal(xmem_pool_check(NULL), 0);
    }
    for ( k = 0; k < n; k++ )
        xfree(p[k]);
    assert_int_equal(xmem_pool_check(NULL), 0);
    assert_int_equal(xmalloc_live_blocks(), xm_live0);
}

static void bad_alignments_are_refused_with_a_message(void **state)
{
    void *p;

    (void)state;
    console_capture_start();
    assert_null(_xmalloc(10, 3));
    assert_null(_xmalloc(10, 2 * PAGE_SIZE));
    assert_null(_xmalloc(10, 0));
    assert_true(console_capture_contains("alignment 0x3 is not a power"));
    p = xmalloc_bytes(10);
    assert_null(_xrealloc(p, 20, 48));
    console_capture_stop();
    xfree(p);
}

/* ---- large requests -------------------------------------------------- */

static void page_sized_and_larger_blocks_work(void **state)
{
    static const unsigned long sizes[] = {
        PAGE_SIZE - 16, PAGE_SIZE, PAGE_SIZE + 1, 3 * PAGE_SIZE,
        64 * 1024, 128 * 1024, 128 * 1024 + 1, 1024 * 1024, 5 * 1024 * 1024,
    };
    void *p[ARRAY_SIZE(sizes)];
    unsigned long used0 = xmalloc_used_bytes();
    unsigned int i;

    (void)state;
    for ( i = 0; i < ARRAY_SIZE(sizes); i++ )
    {
        p[i] = _xmalloc(sizes[i], PAGE_SIZE);
        assert_non_null(p[i]);
        assert_true(IS_ALIGNED((unsigned long)p[i], PAGE_SIZE));
        memset(p[i], (int)i + 1, sizes[i]);
    }
    for ( i = 0; i < ARRAY_SIZE(sizes); i++ )
        assert_true(xm_bytes_are(p[i], (unsigned char)(i + 1), sizes[i]));
    assert_true(xm_no_overlap(p, sizes, ARRAY_SIZE(sizes), 0, 0));
    assert_true(xmalloc_used_bytes() >= used0 + 6 * 1024 * 1024);
    for ( i = 0; i < ARRAY_SIZE(sizes); i++ )
        xfree(p[i]);
    assert_int_equal(xmalloc_used_bytes(), used0);
    assert_int_equal(xmem_pool_check(NULL), 0);
}

static void overflowing_sizes_return_null(void **state)
{
    static const unsigned long sizes[] = {
        ~0UL, ~0UL - 15, ~0UL - PAGE_SIZE, 1UL << 63, 1UL << 50,
    };
    unsigned int i;
    void *p;

    (void)state;
    for ( i = 0; i < ARRAY_SIZE(sizes); i++ )
    {
        assert_null(_xmalloc(sizes[i], 16));
        assert_null(_xzalloc(sizes[i], PAGE_SIZE));
    }
    p = xmalloc_bytes(64);
    memset(p, 0x77, 64);
    for ( i = 0; i < ARRAY_SIZE(sizes); i++ )
        assert_null(_xrealloc(p, sizes[i], 16));
    assert_true(xm_bytes_are(p, 0x77, 64));
    xfree(p);
    assert_int_equal(xmem_pool_check(NULL), 0);
}

/* ---- realloc --------------------------------------------------------- */

static void realloc_null_and_zero_block_act_as_malloc(void **state)
{
    void *p;

    (void)state;
    p = _xrealloc(NULL, 40, 16);
    assert_non_null(p);
    assert_true(p != ZERO_BLOCK_PTR);
    xfree(p);
    p = _xrealloc(ZERO_BLOCK_PTR, 40, 64);
    assert_non_null(p);
    assert_true(IS_ALIGNED((unsigned long)p, 64));
    xfree(p);
    assert_ptr_equal(_xrealloc(NULL, 0, 16), ZERO_BLOCK_PTR);
}

static void realloc_to_zero_frees(void **state)
{
    void *p;

    (void)state;
    p = xmalloc_bytes(40);
    assert_int_equal(xmalloc_live_blocks(), xm_live0 + 1);
    assert_ptr_equal(_xrealloc(p, 0, 16), ZERO_BLOCK_PTR);
    assert_int_equal(xmalloc_live_blocks(), xm_live0);
}

static void realloc_same_and_smaller_stays_in_place(void **state)
{
    unsigned char *p, *fence;
    unsigned long used;

    (void)state;
    p = xmalloc_bytes(1000);
    fence = xmalloc_bytes(16);  /* so the tail has a used neighbour */
    memset(p, 0x31, 1000);
    used = xmalloc_used_bytes();
    assert_ptr_equal(_xrealloc(p, 1000, 16), p);
    assert_int_equal(xmalloc_used_bytes(), used);
    assert_ptr_equal(_xrealloc(p, 100, 16), p);
    /* The tail went back to the pool. */
    assert_true(xmalloc_used_bytes() <= used - 880);
    assert_true(xm_bytes_are(p, 0x31, 100));
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(p);
    xfree(fence);
}

/*
 * Three blocks of 'size' bytes, each right after the other in memory
 * (block size: size + the 16-byte header).  Non-adjacent attempts are
 * held until a triple is found, then freed.
 */
static void adjacent_triple(unsigned long size, unsigned char **a,
                            unsigned char **b, unsigned char **c)
{
    unsigned char *held[3 * 32];
    unsigned long step = ROUNDUP(size, 16) + 16;
    unsigned int n = 0;

    for ( ; ; )
    {
        *a = xmalloc_bytes(size);
        *b = xmalloc_bytes(size);
        *c = xmalloc_bytes(size);
        if ( *b == *a + step && *c == *b + step )
            break;
        assert_true(n + 3 <= ARRAY_SIZE(held));
        held[n++] = *a;
        held[n++] = *b;
        held[n++] = *c;
    }
    while ( n )
        xfree(held[--n]);
}

static void realloc_grows_in_place_into_a_free_neighbour(void **state)
{
    unsigned char *a, *b, *c;

    (void)state;
    /* Sizes above the quick lists' range, so b is merged when freed. */
    adjacent_triple(520, &a, &b, &c);
    memset(a, 0x42, 64);
    xfree(b);
    /* a's next physical block is now free: growth keeps the pointer. */
    assert_ptr_equal(_xrealloc(a, 1000, 16), a);
    assert_true(xm_bytes_are(a, 0x42, 64));
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(a);
    xfree(c);
}

static void realloc_grows_backward_into_a_free_previous_block(void **state)
{
    unsigned char *a, *b, *c, *n;

    (void)state;
    /* Large enough not to be parked on a quick list when freed. */
    adjacent_triple(520, &a, &b, &c);
    memset(b, 0x57, 64);
    xfree(a);
    /* The next block is used, the previous one free: data moves down. */
    n = _xrealloc(b, 1000, 16);
    /* a merged with any free block before it when freed: n is its start. */
    assert_true(n <= a);
    assert_true(xm_bytes_are(n, 0x57, 64));
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(n);
    xfree(c);
}

static void realloc_moves_when_the_neighbour_is_used(void **state)
{
    unsigned char *a, *b, *n;

    (void)state;
    a = xmalloc_bytes(64);
    b = xmalloc_bytes(64);
    memset(a, 0x19, 64);
    alloc_count_reset();
    n = _xrealloc(a, 4000, 16);
    assert_non_null(n);
    /* One attempt, though the new block is taken under the growth's lock. */
    assert_int_equal(alloc_count(), 1);
    assert_ptr_not_equal(n, a);
    assert_true(xm_bytes_are(n, 0x19, 64));
    assert_int_equal(xmalloc_live_blocks(), xm_live0 + 2);
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(n);
    xfree(b);
}

/*
 * A growth by a small step that moves leaves room for more; the next
 * small steps use that room (same pointer, not a byte more or less in
 * use) instead of cutting it off, and a real shrink still gives the tail
 * back.
 */
static void small_step_growth_keeps_its_headroom(void **state)
{
    unsigned char *a, *fence, *n;
    unsigned long used, k;

    (void)state;
    a = xmalloc_bytes(1000);
    fence = xmalloc_bytes(16);  /* a cannot grow in place */
    memset(a, 0x6d, 1000);
    n = _xrealloc(a, 1016, 16);
    assert_non_null(n);
    memset(n + 1000, 0x6d, 16);
    used = xmalloc_used_bytes();
    for ( k = 2; k <= 8; k++ )
    {
        assert_ptr_equal(_xrealloc(n, 1000 + 16 * k, 16), n);
        assert_int_equal(xmalloc_used_bytes(), used);
        memset(n + 1000 + 16 * (k - 1), 0x6d, 16);
    }
    assert_true(xm_bytes_are(n, 0x6d, 1128));
    assert_ptr_equal(_xrealloc(n, 100, 16), n);
    assert_true(xmalloc_used_bytes() <= used - 1000);
    assert_true(xm_bytes_are(n, 0x6d, 100));
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(n);
    xfree(fence);
}

/*
 * A realloc the block already serves as it is (the step into room left
 * by a growth, or a shrink whose tail is too small to cut) returns the
 * same pointer, counts no allocation, armed failures included, and
 * changes nothing in use; asking more alignment than the block has is
 * not such a case and moves it.
 */
static void realloc_served_as_is_changes_nothing(void **state)
{
    unsigned char *a, *fence, *n, *q;
    unsigned long used, live;

    (void)state;
    a = xmalloc_bytes(2000);
    fence = xmalloc_bytes(16);
    memset(a, 0x3c, 2000);
    n = _xrealloc(a, 2016, 16);         /* moves, leaves headroom */
    assert_non_null(n);
    used = xmalloc_used_bytes();
    live = xmalloc_live_blocks();
    alloc_count_reset();
    alloc_fail_nth(1);
    assert_ptr_equal(_xrealloc(n, 2100, 16), n);     /* into the room */
    assert_ptr_equal(_xrealloc(n, 2090, 16), n);     /* tail of 16 bytes */
    alloc_fail_nth(0);
    assert_int_equal(alloc_count(), 0);
    assert_int_equal(alloc_failures_injected(), 0);
    assert_int_equal(xmalloc_used_bytes(), used);
    assert_int_equal(xmalloc_live_blocks(), live);
    assert_true(xm_bytes_are(n, 0x3c, 2000));
    /* A stronger alignment than the block was made with: a new block. */
    q = _xrealloc(n, 2000, 256);
    assert_non_null(q);
    assert_true(IS_ALIGNED((unsigned long)q, 256));
    assert_true(xm_bytes_are(q, 0x3c, 2000));
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(q);
    xfree(fence);
}

static void realloc_keeps_the_alignment_of_the_block(void **state)
{
    unsigned long align;

    (void)state;
    for ( align = 32; align <= PAGE_SIZE; align <<= 1 )
    {
        unsigned char *p = _xmalloc(48, align), *fence, *q;
        unsigned int i;

        assert_true(IS_ALIGNED((unsigned long)p, align));
        for ( i = 0; i < 48; i++ )
            p[i] = (unsigned char)(i ^ align);
        fence = xmalloc_bytes(16);
        /* Asked with a weaker alignment, growing and moving. */
        q = _xrealloc(p, 3000, 8);
        assert_non_null(q);
        assert_true(IS_ALIGNED((unsigned long)q, align));
        for ( i = 0; i < 48; i++ )
            assert_int_equal(q[i], (unsigned char)(i ^ align));
        /* Shrinking keeps it too. */
        q = _xrealloc(q, 20, 1);
        assert_true(IS_ALIGNED((unsigned long)q, align));
        for ( i = 0; i < 20; i++ )
            assert_int_equal(q[i], (unsigned char)(i ^ align));
        xfree(q);
        xfree(fence);
    }
    assert_int_equal(xmem_pool_check(NULL), 0);
}

static void shrinking_a_page_block_keeps_its_alignment(void **state)
{
    unsigned char *p, *q;

    (void)state;
    p = _xmalloc(300 * 1024, PAGE_SIZE);
    assert_non_null(p);
    memset(p, 0x2e, 300 * 1024);
    /* Small enough to move into the TLSF heap, asked with 16. */
    q = _xrealloc(p, 100, 16);
    assert_non_null(q);
    assert_ptr_not_equal(q, p);
    assert_true(IS_ALIGNED((unsigned long)q, PAGE_SIZE));
    assert_true(xm_bytes_are(q, 0x2e, 100));
    xfree(q);
}

static void realloc_to_a_stronger_alignment_moves(void **state)
{
    unsigned char *p, *q, *held[64];
    unsigned int n = 0;

    (void)state;
    /* Keep the blocks that happen to be 256-aligned until one is not. */
    for ( ; ; )
    {
        p = xmalloc_bytes(100);
        if ( !IS_ALIGNED((unsigned long)p, 256) )
            break;
        assert_true(n < ARRAY_SIZE(held));
        held[n++] = p;
    }
    while ( n )
        xfree(held[--n]);
    memset(p, 0x66, 100);
    q = _xrealloc(p, 100, 256);
    assert_non_null(q);
    assert_true(IS_ALIGNED((unsigned long)q, 256));
    assert_true(xm_bytes_are(q, 0x66, 100));
    xfree(q);
}

static void realloc_across_the_page_block_threshold(void **state)
{
    unsigned char *p;
    unsigned long size;

    (void)state;
    p = xmalloc_bytes(100);
    memset(p, 0x12, 100);
    for ( size = 1000; size <= 4 * 1024 * 1024; size *= 3 )
    {
        p = _xrealloc(p, size, 16);
        assert_non_null(p);
        assert_true(xm_bytes_are(p, 0x12, 100));
    }
    for ( ; size >= 100; size /= 5 )
    {
        p = _xrealloc(p, size, 16);
        assert_non_null(p);
        assert_true(xm_bytes_are(p, 0x12, 100));
    }
    xfree(p);
    assert_int_equal(xmalloc_live_blocks(), xm_live0);
    assert_int_equal(xmem_pool_check(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        XM_TEST(blocks_are_aligned_distinct_and_hold_their_bytes),
        XM_TEST(free_then_malloc_reuses_memory),
        XM_TEST(size_zero_gives_zero_block_ptr),
        XM_TEST(xzalloc_gives_zeroed_memory),
        XM_TEST(flex_struct_macros_size_and_grow),
        XM_TEST(every_alignment_up_to_a_page_is_honoured),
        XM_TEST(bad_alignments_are_refused_with_a_message),
        XM_TEST(page_sized_and_larger_blocks_work),
        XM_TEST(overflowing_sizes_return_null),
        XM_TEST(realloc_null_and_zero_block_act_as_malloc),
        XM_TEST(realloc_to_zero_frees),
        XM_TEST(realloc_same_and_smaller_stays_in_place),
        XM_TEST(realloc_grows_in_place_into_a_free_neighbour),
        XM_TEST(realloc_grows_backward_into_a_free_previous_block),
        XM_TEST(realloc_moves_when_the_neighbour_is_used),
        XM_TEST(small_step_growth_keeps_its_headroom),
        XM_TEST(realloc_served_as_is_changes_nothing),
        XM_TEST(realloc_keeps_the_alignment_of_the_block),
        XM_TEST(shrinking_a_page_block_keeps_its_alignment),
        XM_TEST(realloc_to_a_stronger_alignment_moves),
        XM_TEST(realloc_across_the_page_block_threshold),
    };

    console_set_echo(getenv("XM_ECHO") != NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
