#ifndef TESTS_XMALLOC_XM_TEST_H
#define TESTS_XMALLOC_XM_TEST_H

/*
 * Helpers shared by the xmalloc test programs.  Every test runs between
 * a setup that notes the live block count and a teardown that proves the
 * test left no block behind and the heap consistent.
 */
#include <stdbool.h>
#include <stddef.h>
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

#endif /* TESTS_XMALLOC_XM_TEST_H */
