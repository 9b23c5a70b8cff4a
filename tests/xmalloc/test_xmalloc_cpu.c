/*
 * xmalloc: the per-CPU caches of small freed blocks, the per-CPU deferred
 * frees of larger ones, and the hosted CPU numbers they hang on (one per
 * thread, given back at thread exit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <xen/lib.h>
#include <xen/smp.h>
#include <xen/xmalloc.h>
#include "hosted/console.h"

#include "tests/xmalloc/xm_test.h"
#include "xen/common/xmalloc_cpu.h"

/* A payload of 100 bytes makes a 128-byte block, well inside the caches. */
#define SMALL       100
#define SMALL_BLOCK 128
/* 2000 bytes make a 2016-byte block, above the caches: its free waits. */
#define LARGE       2000
#define LARGE_BLOCK 2016

static void skip_without_threads(void)
{
    if ( !xm_threads_work() )
    {
        print_message("threads cannot start here (qemu-user?): skipped\n");
        skip();
    }
}

/* Give back what this CPU's cache and deferred list hold, so a test
 * starts from empty ones. */
static void drain_this_cpu(void)
{
    xmalloc_cpu_dead(smp_processor_id());
}

static void a_freed_small_block_serves_the_next_request_of_its_size(void **state)
{
    unsigned long used0 = xmalloc_used_bytes(), cached0;
    void *p, *q;

    (void)state;
    p = xmalloc_bytes(SMALL);
    assert_non_null(p);
    assert_int_equal(xmalloc_used_bytes(), used0 + SMALL_BLOCK);
    cached0 = xmalloc_cached_bytes();
    xfree(p);
    assert_int_equal(xmalloc_cached_bytes(), cached0 + SMALL_BLOCK);
    assert_int_equal(xmalloc_used_bytes(), used0);
    q = xmalloc_bytes(SMALL);
    assert_ptr_equal(q, p);
    assert_int_equal(xmalloc_cached_bytes(), cached0);
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(q);
}

static void a_full_cache_sends_frees_back_to_the_pool(void **state)
{
    void *p[QUICK_DEPTH + 8];
    unsigned long cached0;
    unsigned int i;

    (void)state;
    for ( i = 0; i < ARRAY_SIZE(p); i++ )
        assert_non_null(p[i] = xmalloc_bytes(SMALL));
    drain_this_cpu();
    cached0 = xmalloc_cached_bytes();
    for ( i = 0; i < ARRAY_SIZE(p); i++ )
        xfree(p[i]);
    assert_int_equal(xmalloc_cached_bytes(),
                     cached0 + QUICK_DEPTH * SMALL_BLOCK);
    assert_int_equal(xmem_pool_check(NULL), 0);
}

/* ---- Deferred frees -------------------------------------------------- */

static void a_large_free_waits_for_the_next_locked_operation(void **state)
{
    unsigned long cached0, used0;
    void *p, *q;

    (void)state;
    p = xmalloc_bytes(LARGE);
    assert_non_null(p);
    drain_this_cpu();
    cached0 = xmalloc_cached_bytes();
    used0 = xmalloc_used_bytes();
    xfree(p);
    /* Free to its users at once, merged later. */
    assert_int_equal(xmalloc_cached_bytes(), cached0 + LARGE_BLOCK);
    assert_int_equal(xmalloc_used_bytes(), used0 - LARGE_BLOCK);
    assert_int_equal(xmem_pool_check(NULL), 0);
    /* An allocation the caches cannot serve takes the lock and merges it. */
    q = xmalloc_bytes(LARGE);
    assert_non_null(q);
    assert_int_equal(xmalloc_cached_bytes(), cached0);
    assert_int_equal(xmalloc_used_bytes(), used0);
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(q);
}

static void at_most_defer_max_frees_wait(void **state)
{
    void *p[DEFER_MAX + 1];
    unsigned long cached0;
    unsigned int i;

    (void)state;
    for ( i = 0; i < ARRAY_SIZE(p); i++ )
        assert_non_null(p[i] = xmalloc_bytes(LARGE));
    drain_this_cpu();
    cached0 = xmalloc_cached_bytes();
    for ( i = 0; i < DEFER_MAX; i++ )
    {
        xfree(p[i]);
        assert_int_equal(xmalloc_cached_bytes(),
                         cached0 + (i + 1) * LARGE_BLOCK);
    }
    assert_int_equal(xmem_pool_check(NULL), 0);
    /*
     * The list is full: this free takes the lock, merges DEFER_STEP of
     * them and its own block; the next locked operation DEFER_STEP more.
     */
    xfree(p[DEFER_MAX]);
    assert_int_equal(xmalloc_cached_bytes(),
                     cached0 + (DEFER_MAX - DEFER_STEP) * LARGE_BLOCK);
    assert_int_equal(xmem_pool_check(NULL), 0);
    assert_non_null(p[0] = xmalloc_bytes(LARGE));
    assert_int_equal(xmalloc_cached_bytes(),
                     cached0 + (DEFER_MAX - 2 * DEFER_STEP) * LARGE_BLOCK);
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(p[0]);
    drain_this_cpu();
    assert_int_equal(xmalloc_cached_bytes(), cached0);
    assert_int_equal(xmem_pool_check(NULL), 0);
}

/*
 * A second xfree, or an _xrealloc, of a block waiting in this CPU's cache
 * or deferred list (payload 'size', block 'block' bytes) is refused and
 * changes nothing: the block is handed out once, not twice.
 */
static void double_free_changes_nothing(unsigned long size,
                                        unsigned long block)
{
    unsigned long used0;
    void *a, *x, *y;

    a = xmalloc_bytes(size);
    assert_non_null(a);
    drain_this_cpu();
    used0 = xmalloc_used_bytes();
    xfree(a);
    console_capture_start();
    xfree(a);
    assert_true(console_capture_contains("double free"));
    console_capture_stop();
    assert_int_equal(xmalloc_used_bytes(), used0 - block);
    assert_int_equal(xmem_pool_check(NULL), 0);
    x = xmalloc_bytes(size);
    y = xmalloc_bytes(size);
    assert_ptr_not_equal(x, y);
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(x);
    xfree(y);
}

static void realloc_of_a_freed_block_is_refused(unsigned long size)
{
    void *a = xmalloc_bytes(size);

    assert_non_null(a);
    xfree(a);
    console_capture_start();
    assert_null(_xrealloc(a, 2 * size, MEM_ALIGN));
    assert_true(console_capture_contains("double free"));
    console_capture_stop();
    assert_int_equal(xmem_pool_check(NULL), 0);
}

static void a_double_free_of_a_cached_block_changes_nothing(void **state)
{
    (void)state;
    double_free_changes_nothing(SMALL, SMALL_BLOCK);
}

static void a_realloc_of_a_cached_block_is_refused(void **state)
{
    (void)state;
    realloc_of_a_freed_block_is_refused(SMALL);
}

static void a_double_free_of_a_deferred_block_changes_nothing(void **state)
{
    (void)state;
    double_free_changes_nothing(LARGE, LARGE_BLOCK);
}

static void a_realloc_of_a_deferred_block_is_refused(void **state)
{
    (void)state;
    realloc_of_a_freed_block_is_refused(LARGE);
}

static void a_shrink_defers_the_tail_it_cuts_off(void **state)
{
    unsigned long cached0, used0;
    void *p;

    (void)state;
    p = xmalloc_bytes(4000);            /* a 4016-byte block */
    assert_non_null(p);
    drain_this_cpu();
    cached0 = xmalloc_cached_bytes();
    used0 = xmalloc_used_bytes();
    assert_ptr_equal(_xrealloc(p, LARGE, MEM_ALIGN), p);
    assert_int_equal(xmalloc_cached_bytes(), cached0 + 4016 - LARGE_BLOCK);
    assert_int_equal(xmalloc_used_bytes(), used0 - (4016 - LARGE_BLOCK));
    assert_int_equal(xmem_pool_check(NULL), 0);
    /* Growing back merges the tail first and takes it in place. */
    assert_ptr_equal(_xrealloc(p, 4000, MEM_ALIGN), p);
    assert_int_equal(xmalloc_cached_bytes(), cached0);
    assert_int_equal(xmem_pool_check(NULL), 0);
    xfree(p);
}

static void an_aligned_block_is_deferred_whatever_its_size(void **state)
{
    unsigned long cached0;
    void *a;

    (void)state;
    a = _xmalloc(SMALL, 64);
    assert_non_null(a);
    drain_this_cpu();
    cached0 = xmalloc_cached_bytes();
    xfree(a);
    /* Not on a size-class list (they serve 16-byte alignment only). */
    assert_true(xmalloc_cached_bytes() > cached0);
    assert_int_equal(xmem_pool_check(NULL), 0);
    drain_this_cpu();
    assert_int_equal(xmalloc_cached_bytes(), cached0);
}

/* ---- Threads: CPUs come and go --------------------------------------- */

struct cpu_run {
    void *take;             /* freed by the thread, if set */
    void *got;              /* its next allocation of that size */
    unsigned int cpu;
    unsigned long cached_inside;
};

static void *free_then_allocate(void *arg)
{
    struct cpu_run *r = arg;
    unsigned long cached0 = xmalloc_cached_bytes();
    void *blocks[8];
    unsigned int i;

    r->cpu = smp_processor_id();
    for ( i = 0; i < ARRAY_SIZE(blocks); i++ )
        blocks[i] = xmalloc_bytes(SMALL);
    if ( r->take )
        xfree(r->take);
    r->got = xmalloc_bytes(SMALL);
    for ( i = 0; i < ARRAY_SIZE(blocks); i++ )
        xfree(blocks[i]);
    xfree(r->got);
    r->cached_inside = xmalloc_cached_bytes() - cached0;
    return NULL;
}

static void a_block_freed_on_another_cpu_serves_that_cpu(void **state)
{
    struct cpu_run r = { .take = xmalloc_bytes(SMALL) };
    pthread_t t;

    (void)state;
    skip_without_threads();
    assert_int_equal(pthread_create(&t, NULL, free_then_allocate, &r), 0);
    pthread_join(t, NULL);
    assert_int_not_equal(r.cpu, smp_processor_id());
    assert_ptr_equal(r.got, r.take);
    assert_int_equal(xmem_pool_check(NULL), 0);
}

static void a_cpu_going_down_gives_its_cache_back(void **state)
{
    unsigned long cached0 = xmalloc_cached_bytes(), used0;
    struct cpu_run r = { 0 };
    pthread_t t;

    (void)state;
    skip_without_threads();
    used0 = xmem_pool_get_used_size(NULL);
    assert_int_equal(pthread_create(&t, NULL, free_then_allocate, &r), 0);
    pthread_join(t, NULL);
    /* Nine blocks were cached on that CPU while it ran... */
    assert_int_equal(r.cached_inside, 9 * SMALL_BLOCK);
    /* ...and went back to the pool when its thread exited. */
    assert_int_equal(xmalloc_cached_bytes(), cached0);
    assert_int_equal(xmem_pool_get_used_size(NULL), used0);
    assert_int_equal(xmem_pool_check(NULL), 0);
}

static void *free_it(void *arg)
{
    xfree(arg);
    return NULL;
}

static void a_cpu_going_down_merges_its_deferred_frees(void **state)
{
    unsigned long cached0, used0;
    void *p = xmalloc_bytes(LARGE);
    pthread_t t;

    (void)state;
    assert_non_null(p);
    skip_without_threads();
    cached0 = xmalloc_cached_bytes();
    used0 = xmalloc_used_bytes();
    assert_int_equal(pthread_create(&t, NULL, free_it, p), 0);
    pthread_join(t, NULL);
    assert_int_equal(xmalloc_cached_bytes(), cached0);
    assert_int_equal(xmalloc_used_bytes(), used0 - LARGE_BLOCK);
    assert_int_equal(xmem_pool_check(NULL), 0);
}

static void *report_cpu(void *arg)
{
    unsigned int *cpu = arg;

    *cpu = smp_processor_id();
    return NULL;
}

static void *hold_cpu(void *arg)
{
    unsigned int *cpu = arg;
    pthread_t t;

    *cpu = smp_processor_id();
    /* A second thread while this one holds its number. */
    assert_int_equal(pthread_create(&t, NULL, report_cpu, cpu + 1), 0);
    pthread_join(t, NULL);
    return NULL;
}

static void threads_hold_distinct_cpu_numbers_and_give_them_back(void **state)
{
    unsigned int cpus[2], again[2], me = smp_processor_id();
    unsigned int online = hosted_cpus_online();
    pthread_t t;

    (void)state;
    skip_without_threads();
    assert_int_equal(pthread_create(&t, NULL, hold_cpu, cpus), 0);
    pthread_join(t, NULL);
    assert_int_not_equal(cpus[0], me);
    assert_int_not_equal(cpus[1], me);
    assert_int_not_equal(cpus[0], cpus[1]);
    assert_true(cpus[0] < NR_CPUS && cpus[1] < NR_CPUS);
    /* Both numbers are free again: the next threads get the same ones. */
    assert_int_equal(hosted_cpus_online(), online);
    assert_int_equal(pthread_create(&t, NULL, hold_cpu, again), 0);
    pthread_join(t, NULL);
    assert_int_equal(again[0], cpus[0]);
    assert_int_equal(again[1], cpus[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        XM_TEST(a_freed_small_block_serves_the_next_request_of_its_size),
        XM_TEST(a_full_cache_sends_frees_back_to_the_pool),
        XM_TEST(a_double_free_of_a_cached_block_changes_nothing),
        XM_TEST(a_realloc_of_a_cached_block_is_refused),
        XM_TEST(a_block_freed_on_another_cpu_serves_that_cpu),
        XM_TEST(a_cpu_going_down_gives_its_cache_back),
        XM_TEST(a_large_free_waits_for_the_next_locked_operation),
        XM_TEST(at_most_defer_max_frees_wait),
        XM_TEST(a_double_free_of_a_deferred_block_changes_nothing),
        XM_TEST(a_realloc_of_a_deferred_block_is_refused),
        XM_TEST(a_shrink_defers_the_tail_it_cuts_off),
        XM_TEST(an_aligned_block_is_deferred_whatever_its_size),
        XM_TEST(a_cpu_going_down_merges_its_deferred_frees),
        XM_TEST(threads_hold_distinct_cpu_numbers_and_give_them_back),
    };

    console_set_echo(false);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
