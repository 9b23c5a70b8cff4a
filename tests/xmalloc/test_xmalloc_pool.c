/*
 * xmalloc: pools, memory given back, the checker, misuse, the failure
 * hook and several threads.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/heap_poison.h>
#include <xen/alloc_fail.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/smp.h>
#include <xen/xmalloc.h>
#include "hosted/console.h"
#include "hosted/ram.h"

#include "tests/xmalloc/xm_test.h"

/* ---- A pool over xenheap pages --------------------------------------- */

#define GROW_ORDER 2
#define GROW_BYTES (PAGE_SIZE << GROW_ORDER)

static unsigned int regions_got, regions_put;

static void *pages_get(unsigned long bytes)
{
    void *p;

    assert_int_equal(bytes, GROW_BYTES);
    p = alloc_xenheap_pages(GROW_ORDER, 0);
    if ( p )   /* several threads grow the shared pool */
        __atomic_fetch_add(&regions_got, 1, __ATOMIC_RELAXED);
    return p;
}

static void pages_put(void *p)
{
    __atomic_fetch_add(&regions_put, 1, __ATOMIC_RELAXED);
    free_xenheap_pages(p, GROW_ORDER);
}

static struct xmem_pool *make_pool(unsigned long max_size)
{
    struct xmem_pool *pool;

    regions_got = regions_put = 0;
    pool = xmem_pool_create("test", pages_get, pages_put, max_size,
                            GROW_BYTES);
    assert_non_null(pool);
    return pool;
}

static void pool_create_and_destroy_return_every_page(void **state)
{
    unsigned long xh0 = hosted_pages_xenheap();
    struct xmem_pool *pool;
    void *p[64];
    unsigned int i;

    (void)state;
    pool = make_pool(0);
    assert_true(hosted_pages_xenheap() > xh0);      /* the pool itself */
    for ( i = 0; i < ARRAY_SIZE(p); i++ )
    {
        p[i] = xmem_pool_alloc(1000, pool);
        assert_non_null(p[i]);
        memset(p[i], (int)i, 1000);
    }
    assert_true(regions_got >= 4);
    assert_int_equal(xmem_pool_get_total_size(pool),
                     regions_got * GROW_BYTES);
    assert_true(xmem_pool_get_used_size(pool) >= 64 * 1000);
    assert_int_equal(xmem_pool_check(pool), 0);
    for ( i = 0; i < ARRAY_SIZE(p); i++ )
        assert_true(xm_bytes_are(p[i], (unsigned char)i, 1000));
    for ( i = 0; i < ARRAY_SIZE(p); i++ )
        xmem_pool_free(p[i], pool);
    assert_int_equal(xmem_pool_get_used_size(pool), 0);
    assert_int_equal(xmem_pool_check(pool), 0);
    xmem_pool_destroy(pool);
    assert_int_equal(regions_put, regions_got);
    assert_int_equal(hosted_pages_xenheap(), xh0);
}

static void pool_destroy_with_live_blocks_warns_and_frees(void **state)
{
    unsigned long xh0 = hosted_pages_xenheap();
    struct xmem_pool *pool;

    (void)state;
    pool = make_pool(0);
    assert_non_null(xmem_pool_alloc(100, pool));
    console_capture_start();
    xmem_pool_destroy(pool);
    assert_true(console_capture_contains("xmem_pool_destroy(test): 1 blocks"));
    console_capture_stop();
    assert_int_equal(hosted_pages_xenheap(), xh0);
}

static void pool_maxalloc_is_the_largest_request_served(void **state)
{
    struct xmem_pool *pool = make_pool(0);
    int max = xmem_pool_maxalloc(pool);
    void *p;

    (void)state;
    assert_true(max > 0 && (unsigned long)max < GROW_BYTES);
    assert_true((unsigned long)max > GROW_BYTES - 128);
    p = xmem_pool_alloc(max, pool);
    assert_non_null(p);
    memset(p, 1, max);
    assert_null(xmem_pool_alloc(max + 1, pool));
    assert_null(xmem_pool_alloc(~0UL, pool));
    xmem_pool_free(p, pool);
    assert_int_equal(xmem_pool_check(pool), 0);
    xmem_pool_destroy(pool);
}

static void pool_max_size_bounds_its_growth(void **state)
{
    struct xmem_pool *pool = make_pool(2 * GROW_BYTES);
    int max = xmem_pool_maxalloc(pool);
    void *a, *b;

    (void)state;
    a = xmem_pool_alloc(max, pool);
    b = xmem_pool_alloc(max, pool);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(xmem_pool_alloc(16, pool));
    assert_int_equal(regions_got, 2);
    xmem_pool_free(a, pool);
    assert_non_null(a = xmem_pool_alloc(16, pool));
    xmem_pool_free(a, pool);
    xmem_pool_free(b, pool);
    xmem_pool_destroy(pool);
}

static void pool_gives_back_empty_regions_beyond_its_retain(void **state)
{
    struct xmem_pool *pool = make_pool(0);
    int max = xmem_pool_maxalloc(pool);
    void *p[6];
    unsigned int i;

    (void)state;
    xmem_pool_set_retain(pool, 0);
    for ( i = 0; i < ARRAY_SIZE(p); i++ )
        assert_non_null(p[i] = xmem_pool_alloc(max, pool));
    assert_int_equal(regions_got, 6);
    for ( i = 0; i < ARRAY_SIZE(p); i++ )
        xmem_pool_free(p[i], pool);
    assert_int_equal(regions_put, 6);
    assert_int_equal(xmem_pool_get_total_size(pool), 0);
    assert_int_equal(xmem_pool_check(pool), 0);

    /* With a retain of one region, one stays. */
    xmem_pool_set_retain(pool, GROW_BYTES);
    for ( i = 0; i < ARRAY_SIZE(p); i++ )
        assert_non_null(p[i] = xmem_pool_alloc(max, pool));
    for ( i = 0; i < ARRAY_SIZE(p); i++ )
        xmem_pool_free(p[i], pool);
    assert_int_equal(xmem_pool_get_total_size(pool), GROW_BYTES);
    xmem_pool_destroy(pool);
}

static void pool_create_refuses_bad_arguments(void **state)
{
    (void)state;
    console_capture_start();
    assert_null(xmem_pool_create("bad", NULL, pages_put, 0, GROW_BYTES));
    assert_null(xmem_pool_create("bad", pages_get, pages_put, 0, 100));
    assert_null(xmem_pool_create("bad", pages_get, pages_put, PAGE_SIZE,
                                 GROW_BYTES));
    assert_int_equal(console_capture_count("xmem_pool_create(bad)"), 3);
    console_capture_stop();
}

static void pool_create_failure_leaks_nothing(void **state)
{
    unsigned long xh0 = hosted_pages_xenheap();

    (void)state;
    alloc_fail_nth(1);
    assert_null(xmem_pool_create("oom", pages_get, pages_put, 0,
                                 GROW_BYTES));
    assert_int_equal(hosted_pages_xenheap(), xh0);
}

static void pool_grow_failure_returns_null_and_keeps_the_pool(void **state)
{
    struct xmem_pool *pool = make_pool(0);
    void *p;

    (void)state;
    /* The pool's first allocation grows it: fail the page allocation. */
    alloc_fail_nth(2);
    assert_null(xmem_pool_alloc(100, pool));
    assert_int_equal(xmem_pool_get_total_size(pool), 0);
    assert_int_equal(xmem_pool_check(pool), 0);
    p = xmem_pool_alloc(100, pool);
    assert_non_null(p);
    xmem_pool_free(p, pool);
    xmem_pool_destroy(pool);
}

/* ---- The global heap gives pages back -------------------------------- */

static void global_heap_returns_pages_when_retain_allows(void **state)
{
    unsigned long xh0, xh_peak;
    void *p[400];
    unsigned int i;

    (void)state;
    xmem_pool_set_retain(NULL, 0);
    xh0 = hosted_pages_xenheap();
    for ( i = 0; i < ARRAY_SIZE(p); i++ )
        assert_non_null(p[i] = xmalloc_bytes(20000));
    xh_peak = hosted_pages_xenheap();
    assert_true(xh_peak >= xh0 + 400 * 20000 / PAGE_SIZE);
    for ( i = 0; i < ARRAY_SIZE(p); i++ )
        xfree(p[i]);
    /* The last few frees wait on this CPU's deferred list: merge them. */
    xmalloc_cpu_dead(smp_processor_id());
    assert_true(hosted_pages_xenheap() <= xh0);
    assert_int_equal(xmem_pool_check(NULL), 0);
    xmem_pool_set_retain(NULL, 4UL << 20);
}

static void page_blocks_go_back_to_the_page_allocator(void **state)
{
    unsigned long xh0 = hosted_pages_xenheap();
    void *p;

    (void)state;
    p = xmalloc_bytes(1 << 20);
    assert_non_null(p);
    assert_int_equal(hosted_pages_xenheap(), xh0 + (1 << 20) / PAGE_SIZE);
    xfree(p);
    assert_int_equal(hosted_pages_xenheap(), xh0);
}

/* ---- The checker finds damage ---------------------------------------- */

static void checker_reports_a_damaged_header_in_one_line(void **state)
{
    unsigned char *a, *b;
    uint64_t saved;

    (void)state;
    a = xmalloc_bytes(64);
    b = xmalloc_bytes(64);
    memcpy(&saved, a - 8, 8);
    a[-8] ^= 0x10;                  /* size field one step off */
    console_capture_start();
    assert_int_not_equal(xmem_pool_check(NULL), 0);
    assert_int_equal(console_capture_count("xmem_pool_check(xmalloc)"), 1);
    memcpy(a - 8, &saved, 8);
    a[-1] ^= 0x40;                  /* the tag */
    console_capture_clear();
    assert_int_not_equal(xmem_pool_check(NULL), 0);
    assert_true(console_capture_contains("without its tag"));
    console_capture_stop();
    memcpy(a - 8, &saved, 8);
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(a);
    xfree(b);
}

static void checker_reports_a_broken_free_list(void **state)
{
    unsigned char *a, *b, *c;
    void *saved;

    (void)state;
    a = xmalloc_bytes(64);
    b = xmalloc_bytes(1000);        /* too large for a quick list */
    c = xmalloc_bytes(64);
    xfree(b);                       /* b is free, between used a and c */
    memcpy(&saved, b + 8, sizeof(saved));
    memset(b + 8, 0x11, sizeof(saved));     /* its prev_free link */
    console_capture_start();
    assert_int_not_equal(xmem_pool_check(NULL), 0);
    assert_true(console_capture_contains("xmem_pool_check(xmalloc)"));
    console_capture_stop();
    memcpy(b + 8, &saved, sizeof(saved));
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(a);
    xfree(c);
}

/* ---- Misuse is reported, not crashed on ------------------------------ */

static void freeing_a_foreign_pointer_is_reported(void **state)
{
    unsigned long live = xmalloc_live_blocks();
    static unsigned char not_heap[256] __attribute__((aligned(16)));
    unsigned char *a;

    (void)state;
    a = xmalloc_bytes(100);
    memset(a, 0, 100);              /* no stale header inside it */
    console_capture_start();
    xfree(not_heap + 32);
    assert_true(console_capture_contains("bad free"));
    console_capture_clear();
    xfree(a + 16);                  /* inside a block */
    assert_true(console_capture_contains("bad free"));
    console_capture_clear();
    xfree(a + 3);                   /* misaligned */
    assert_true(console_capture_contains("misaligned pointer"));
    console_capture_stop();
    assert_int_equal(xmalloc_live_blocks(), live + 1);
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(a);
}

static void double_free_is_reported(void **state)
{
    unsigned char *a, *fence;

    (void)state;
    a = xmalloc_bytes(100);
    fence = xmalloc_bytes(100);
    xfree(a);
    console_capture_start();
    xfree(a);
    assert_true(console_capture_contains("double free"));
    console_capture_stop();
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(fence);
}

/*
 * Run touch(size) in a child process and return what it wrote on stderr
 * (AddressSanitizer's report), or NULL if it exited cleanly.
 */
static char *asan_report_of(void (*touch)(unsigned long), unsigned long size)
{
    static char report[8192];
    FILE *out = tmpfile();
    int fd, status;
    ssize_t n;
    pid_t pid;

    assert_non_null(out);
    fd = fileno(out);
    pid = fork();
    assert_true(pid >= 0);
    if ( pid == 0 )
    {
        dup2(fd, STDERR_FILENO);
        touch(size);
        _exit(0);
    }
    waitpid(pid, &status, 0);
    n = pread(fd, report, sizeof(report) - 1, 0);
    fclose(out);
    report[n > 0 ? n : 0] = '\0';
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? NULL : report;
}

static void read_after_free(unsigned long size)
{
    volatile unsigned char *p = xmalloc_bytes(size);

    p[size - 1] = 1;
    xfree((void *)p);
    (void)p[size - 1];
}

static void read_while_live(unsigned long size)
{
    volatile unsigned char *p = xmalloc_bytes(size);

    p[size - 1] = 1;
    (void)p[size - 1];
    xfree((void *)p);
}

static void free_heap_memory_is_out_of_bounds_for_asan(void **state)
{
    char *report;

    (void)state;
#ifndef ARCH_HEAP_POISON
    print_message("not an AddressSanitizer build: skipped\n");
    skip();
#endif
    /* A block merged into free space, and one kept in a CPU cache. */
    report = asan_report_of(read_after_free, 3000);
    assert_non_null(report);
    assert_non_null(strstr(report, "use-after-poison"));
    report = asan_report_of(read_after_free, 200);
    assert_non_null(report);
    assert_non_null(strstr(report, "use-after-poison"));
    /* The same touches of live blocks are fine. */
    assert_null(asan_report_of(read_while_live, 3000));
    assert_null(asan_report_of(read_while_live, 200));
}

static void freeing_into_the_wrong_pool_is_reported(void **state)
{
    struct xmem_pool *pool = make_pool(0);
    void *p = xmem_pool_alloc(64, pool);
    void *g = xmalloc_bytes(64);

    (void)state;
    console_capture_start();
    xmem_pool_free(g, pool);
    assert_true(console_capture_contains("pool test: bad free"));
    console_capture_stop();
    assert_int_equal(xmem_pool_check(pool), 0);
    xmem_pool_free(p, pool);
    xmem_pool_destroy(pool);
    xfree(g);
}

/* ---- Failure injection ----------------------------------------------- */

static void each_allocation_is_counted_once(void **state)
{
    unsigned long n0;
    void *p, *q;

    (void)state;
    p = xmalloc_bytes(32);          /* heap grown beforehand */
    n0 = alloc_count();
    q = xmalloc_bytes(32);
    assert_int_equal(alloc_count(), n0 + 1);
    xfree(q);
    q = xzalloc_bytes(32);
    assert_int_equal(alloc_count(), n0 + 2);
    /* Shrinking and same-size reallocs allocate nothing. */
    assert_ptr_equal(_xrealloc(q, 16, 16), q);
    assert_int_equal(alloc_count(), n0 + 2);
    q = _xrealloc(q, 3000, 16);
    assert_int_equal(alloc_count(), n0 + 3);
    xfree(q);
    xfree(p);
    assert_int_equal(alloc_count(), n0 + 3);
}

static void the_nth_allocation_fails_and_changes_nothing(void **state)
{
    unsigned long used, live, injected;
    void *a, *b, *c;

    (void)state;
    a = xmalloc_bytes(40);
    used = xmalloc_used_bytes();
    live = xmalloc_live_blocks();
    injected = alloc_failures_injected();
    alloc_fail_nth(2);
    b = xmalloc_bytes(40);
    assert_non_null(b);
    c = xmalloc_bytes(40);
    assert_null(c);
    assert_int_equal(alloc_failures_injected(), injected + 1);
    /* Only the first one armed: the next succeeds. */
    c = xzalloc_bytes(40);
    assert_non_null(c);
    xfree(b);
    xfree(c);
    assert_int_equal(xmalloc_used_bytes(), used);
    assert_int_equal(xmalloc_live_blocks(), live);
    alloc_fail_nth(1);
    assert_null(xzalloc(uint64_t));
    alloc_fail_nth(1);
    assert_null(xmalloc_array(uint32_t, 1000));
    alloc_fail_nth(1);
    assert_null(xmalloc_bytes(1 << 20));    /* page block path */
    assert_int_equal(xmalloc_live_blocks(), live);
    xfree(a);
}

static void a_failed_realloc_keeps_the_old_block(void **state)
{
    unsigned char *a, *fence, *r;
    unsigned long sizes[] = { 200, 5000, 1 << 20 };
    unsigned int i;

    (void)state;
    for ( i = 0; i < ARRAY_SIZE(sizes); i++ )
    {
        a = xmalloc_bytes(100);
        fence = xmalloc_bytes(16);
        memset(a, 0x3c, 100);
        alloc_fail_nth(1);
        r = _xrealloc(a, sizes[i], 16);
        assert_null(r);
        assert_true(xm_bytes_are(a, 0x3c, 100));
        assert_int_equal(xmem_pool_check(NULL), 0);
        /* And it still works afterwards. */
        r = _xrealloc(a, sizes[i], 16);
        assert_non_null(r);
        assert_true(xm_bytes_are(r, 0x3c, 100));
        xfree(r);
        xfree(fence);
    }
}

/* A sequence of allocations with every failure in turn: nothing leaks. */
static int build_list(void ***out)
{
    void **v = xmalloc_array(void *, 8);
    unsigned int i;

    if ( !v )
        return -ENOMEM;
    for ( i = 0; i < 8; i++ )
    {
        v[i] = _xzalloc(24 + i * 600, 8 << (i % 4));
        if ( !v[i] )
        {
            while ( i-- )
                xfree(v[i]);
            xfree(v);
            return -ENOMEM;
        }
    }
    v = _xrealloc(v, 16 * sizeof(void *), 16) ?: v;
    *out = v;
    return 0;
}

static void failure_sweep_over_a_sequence_leaks_nothing(void **state)
{
    unsigned long live = xmalloc_live_blocks(), n, total;
    void **v;
    unsigned int i;

    (void)state;
    xfree(xmalloc_bytes(16));       /* the heap has a region: no growth */
    alloc_count_reset();
    assert_int_equal(build_list(&v), 0);
    total = alloc_count();
    assert_int_equal(total, 10);
    for ( i = 0; i < 8; i++ )
        xfree(v[i]);
    xfree(v);
    for ( n = 1; n <= total; n++ )
    {
        alloc_fail_nth(n);
        if ( build_list(&v) == 0 )
        {
            for ( i = 0; i < 8; i++ )
                xfree(v[i]);
            xfree(v);
        }
        assert_int_equal(xmalloc_live_blocks(), live);
        assert_int_equal(xmem_pool_check(NULL), 0);
    }
    alloc_fail_nth(0);
}

/* ---- Threads --------------------------------------------------------- */

#define THREADS 4
#define THREAD_OPS 40000

struct worker {
    unsigned int id;
    unsigned int errors;
    struct xmem_pool *pool;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    unsigned char *slot[64] = { NULL };
    unsigned long len[64] = { 0 };
    uint64_t rng = 0x1234567ULL * (w->id + 1);
    unsigned int i;

    for ( i = 0; i < THREAD_OPS; i++ )
    {
        unsigned int s, k;
        unsigned char v;

        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        s = rng % 64;
        v = (unsigned char)(w->id * 64 + s);
        if ( slot[s] && !xm_bytes_are(slot[s], v, len[s]) )
            w->errors++;
        k = (rng >> 8) % 3;
        if ( slot[s] && k == 0 )
        {
            if ( w->pool )
                xmem_pool_free(slot[s], w->pool);
            else
                xfree(slot[s]);
            slot[s] = NULL;
            continue;
        }
        len[s] = 1 + (rng >> 16) % 2000;
        if ( w->pool )
        {
            if ( slot[s] )
                xmem_pool_free(slot[s], w->pool);
            slot[s] = xmem_pool_alloc(len[s], w->pool);
        }
        else
            slot[s] = slot[s] ? _xrealloc(slot[s], len[s], 16)
                              : xmalloc_bytes(len[s]);
        if ( !slot[s] )
        {
            w->errors++;
            continue;
        }
        memset(slot[s], v, len[s]);
    }
    for ( i = 0; i < 64; i++ )
        if ( w->pool )
            xmem_pool_free(slot[i], w->pool);
        else
            xfree(slot[i]);
    return NULL;
}

static void run_workers(struct xmem_pool *pool)
{
    pthread_t t[THREADS];
    struct worker w[THREADS];
    unsigned int i;

    for ( i = 0; i < THREADS; i++ )
    {
        w[i] = (struct worker){ .id = i, .pool = pool };
        assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
    }
    for ( i = 0; i < THREADS; i++ )
    {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].errors, 0);
    }
}

static void threads_share_the_global_heap_safely(void **state)
{
    (void)state;
    if ( !xm_threads_work() )
    {
        print_message("threads cannot start here (qemu-user?): skipped\n");
        skip();
    }
    run_workers(NULL);
    assert_int_equal(xmalloc_live_blocks(), xm_live0);
    assert_int_equal(xmem_pool_check(NULL), 0);
}

static void threads_share_a_pool_safely(void **state)
{
    struct xmem_pool *pool;

    (void)state;
    if ( !xm_threads_work() )
    {
        print_message("threads cannot start here (qemu-user?): skipped\n");
        skip();
    }
    pool = xmem_pool_create("shared", pages_get, pages_put, 0, GROW_BYTES);
    assert_non_null(pool);
    run_workers(pool);
    assert_int_equal(xmem_pool_get_used_size(pool), 0);
    assert_int_equal(xmem_pool_check(pool), 0);
    xmem_pool_destroy(pool);
}

static int reset_fail(void **state)
{
    alloc_fail_nth(0);
    return xm_teardown(state);
}

#define XM_TEST_F(f) cmocka_unit_test_setup_teardown(f, xm_setup, reset_fail)

int main(void)
{
    const struct CMUnitTest tests[] = {
        XM_TEST(pool_create_and_destroy_return_every_page),
        XM_TEST(pool_destroy_with_live_blocks_warns_and_frees),
        XM_TEST(pool_maxalloc_is_the_largest_request_served),
        XM_TEST(pool_max_size_bounds_its_growth),
        XM_TEST(pool_gives_back_empty_regions_beyond_its_retain),
        XM_TEST(pool_create_refuses_bad_arguments),
        XM_TEST_F(pool_create_failure_leaks_nothing),
        XM_TEST_F(pool_grow_failure_returns_null_and_keeps_the_pool),
        XM_TEST(global_heap_returns_pages_when_retain_allows),
        XM_TEST(page_blocks_go_back_to_the_page_allocator),
        XM_TEST(checker_reports_a_damaged_header_in_one_line),
        XM_TEST(checker_reports_a_broken_free_list),
        XM_TEST(freeing_a_foreign_pointer_is_reported),
        XM_TEST(double_free_is_reported),
        XM_TEST(free_heap_memory_is_out_of_bounds_for_asan),
        XM_TEST(freeing_into_the_wrong_pool_is_reported),
        XM_TEST_F(each_allocation_is_counted_once),
        XM_TEST_F(the_nth_allocation_fails_and_changes_nothing),
        XM_TEST_F(a_failed_realloc_keeps_the_old_block),
        XM_TEST_F(failure_sweep_over_a_sequence_leaks_nothing),
        XM_TEST(threads_share_the_global_heap_safely),
        XM_TEST(threads_share_a_pool_safely),
    };

    console_set_echo(false);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
