#ifndef ASM_ARM_ATOMIC_H
#define ASM_ARM_ATOMIC_H

/*
 * atomic_t with Xen's operations.  Read-modify-write operations are fully
 * ordered; atomic_read/atomic_set are single accesses without ordering.
 * Built on the compiler's __atomic builtins, so that the hosted build and
 * the arm64 build share it.
 */
#include <xen/types.h>

typedef struct {
    int counter;
} atomic_t;

#define ATOMIC_INIT(i) { (i) }

static inline int atomic_read(const atomic_t *v)
{
    return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic_set(atomic_t *v, int i)
{
    __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static inline int atomic_add_return(int i, atomic_t *v)
{
    return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline int atomic_sub_return(int i, atomic_t *v)
{
    return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline void atomic_add(int i, atomic_t *v)
{
    atomic_add_return(i, v);
}

static inline void atomic_sub(int i, atomic_t *v)
{
    atomic_sub_return(i, v);
}

#define atomic_inc(v)            atomic_add(1, v)
#define atomic_dec(v)            atomic_sub(1, v)
#define atomic_inc_return(v)     atomic_add_return(1, v)
#define atomic_dec_return(v)     atomic_sub_return(1, v)
#define atomic_inc_and_test(v)   (atomic_add_return(1, v) == 0)
#define atomic_dec_and_test(v)   (atomic_sub_return(1, v) == 0)
#define atomic_sub_and_test(i, v) (atomic_sub_return(i, v) == 0)

/* Returns the value before; stores 'new' only if it was 'old'. */
static inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{
    __atomic_compare_exchange_n(&v->counter, &old, new, false,
                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return old;
}

static inline int atomic_xchg(atomic_t *v, int new)
{
    return __atomic_exchange_n(&v->counter, new, __ATOMIC_SEQ_CST);
}

/* Add a to v unless v is u; returns the value before. */
static inline int atomic_add_unless(atomic_t *v, int a, int u)
{
    int c = atomic_read(v);

    while ( c != u && !__atomic_compare_exchange_n(&v->counter, &c, c + a,
                                                   false, __ATOMIC_SEQ_CST,
                                                   __ATOMIC_RELAXED) )
        ;
    return c;
}

#endif /* ASM_ARM_ATOMIC_H */
