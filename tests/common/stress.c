/*
 * The drivers' stress tests' shared frame and P2M worker (see stress.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "hosted/console.h"

#include "tests/common/stress.h"

#define STRESS_MAX_THREADS 8

void stress_start(struct stress_run *run)
{
    pthread_barrier_wait(&run->start);
}

bool stress_stopped(struct stress_run *run)
{
    return __atomic_load_n(&run->stop, __ATOMIC_ACQUIRE);
}

void stress_run(struct stress_run *run, void *(*const fn[])(void *),
                void *const arg[], unsigned int n)
{
    pthread_t t[STRESS_MAX_THREADS];
    unsigned int i;

    assert_true(n >= 1 && n <= STRESS_MAX_THREADS);
    run->stop = false;
    console_capture_stop();
    assert_int_equal(pthread_barrier_init(&run->start, NULL, n), 0);
    for ( i = 0; i < n; i++ )
        assert_int_equal(pthread_create(&t[i], NULL, fn[i], arg[i]), 0);
    for ( i = 1; i < n; i++ )
        assert_int_equal(pthread_join(t[i], NULL), 0);
    __atomic_store_n(&run->stop, true, __ATOMIC_RELEASE);
    assert_int_equal(pthread_join(t[0], NULL), 0);
    pthread_barrier_destroy(&run->start);
    console_capture_start();
}

void stress_p2m_prepare(struct stress_p2m *p, struct stress_run *run,
                        struct domain *d, uint64_t ipa,
                        unsigned int iterations)
{
    gfn_t next = _gfn((ipa >> PAGE_SHIFT) + 1);
    p2m_type_t type;

    assert_int_equal(guest_physmap_remove_page(d, next,
                         p2m_lookup(d, next, &type), 0), 0);
    p->run = run;
    p->d = d;
    p->gfn = _gfn(ipa >> PAGE_SHIFT);
    p->mfn = p2m_lookup(d, p->gfn, &type);
    p->iterations = iterations;
    p->done = 0;
    p->removes = 0;
    p->errors = 0;
}

void *stress_p2m_thread(void *arg)
{
    struct stress_p2m *p = arg;
    unsigned int i;

    stress_start(p->run);
    for ( i = 0; i < p->iterations; i++ )
    {
        if ( guest_physmap_remove_page(p->d, p->gfn, p->mfn, 0) )
            p->errors++;
        else
            p->removes++;
        if ( guest_physmap_add_entry(p->d, p->gfn, p->mfn, 0, p2m_ram_rw) )
            p->errors++;
        __atomic_add_fetch(&p->done, 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

unsigned long stress_p2m_done(struct stress_p2m *p)
{
    return __atomic_load_n(&p->done, __ATOMIC_ACQUIRE);
}
