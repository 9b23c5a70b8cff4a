#ifndef TESTS_XMALLOC_XM_TEST_H
#define TESTS_XMALLOC_XM_TEST_H

/*
 * Helpers shared by the xmalloc test programs.  Every test runs between
 * a setup that notes the live block count and a teardown that proves the
 * test left no block behind and the heap consistent.
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xen/xmalloc.h>

static unsigned long xm_live0;

static inline int xm_setup(void **state)
{
    (void)state;
    xm_live0 = xmalloc_live_blocks();
    return 0;
}

static inline int xm_teardown(void **state)
{
    (void)state;
    if ( xmalloc_live_blocks() != xm_live0 )
        return -1;
    return xmem_pool_check(NULL) ? -1 : 0;
}

#define XM_TEST(f) cmocka_unit_test_setup_teardown(f, xm_setup, xm_teardown)

static inline bool xm_bytes_are(const void *p, unsigned char v,
                                unsigned long n)
{
    const unsigned char *c = p;
    unsigned long i;

    for ( i = 0; i < n; i++ )
        if ( c[i] != v )
            return false;
    return true;
}

/*
 * No two of the n blocks overlap.  Block i is sizes[i] bytes long, or
 * base + i * step bytes when sizes is NULL.
 */
static inline bool xm_no_overlap(void **p, const unsigned long *sizes,
                                 unsigned int n, unsigned long base,
                                 unsigned long step)
{
    unsigned int i, j;

    for ( i = 0; i < n; i++ )
        for ( j = i + 1; j < n; j++ )
        {
            unsigned long a = (unsigned long)p[i], b = (unsigned long)p[j];
            unsigned long sa = sizes ? sizes[i] : base + i * step;
            unsigned long sb = sizes ? sizes[j] : base + j * step;

            if ( a < b + sb && b < a + sa )
                return false;
        }
    return true;
}

static inline void *xm_thread_noop(void *arg)
{
    return arg;
}

/*
 * Whether this process can start a thread at all: an aarch64 program run
 * under qemu-user with a dynamic loader and a libc from two glibc
 * releases hangs in its first pthread_create (docs/build.md).  Probed in
 * a child with a deadline, so such a setup skips the thread tests
 * (visibly) instead of hanging the suite.
 */
static inline bool xm_threads_work(void)
{
    static int known = -1;
    pid_t pid;
    int status = 0, i;

    if ( known >= 0 )
        return known;
    pid = fork();
    if ( pid == 0 )
    {
        pthread_t t;

        _exit(pthread_create(&t, NULL, xm_thread_noop, NULL) ||
              pthread_join(t, NULL));
    }
    known = 0;
    for ( i = 0; pid > 0 && i < 100; i++ )
    {
        if ( waitpid(pid, &status, WNOHANG) == pid )
        {
            known = WIFEXITED(status) && !WEXITSTATUS(status);
            return known;
        }
        usleep(50000);
    }
    if ( pid > 0 )
    {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    return known;
}

#endif /* TESTS_XMALLOC_XM_TEST_H */
