#ifndef XEN_SPINLOCK_H
#define XEN_SPINLOCK_H

/*
 * Spinlocks and reader/writer locks on compiler atomics, usable from
 * several CPUs (several threads in the hosted build).  The _irqsave forms
 * also mask interrupts on the calling CPU.
 */
#include <xen/lib.h>
#include <asm/system.h>

typedef struct {
    unsigned int locked;
} spinlock_t;

#define SPIN_LOCK_UNLOCKED { 0 }
#define DEFINE_SPINLOCK(l) spinlock_t l = SPIN_LOCK_UNLOCKED

static inline void spin_lock_init(spinlock_t *l)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELAXED);
}

static inline bool spin_trylock(spinlock_t *l)
{
    return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_lock(spinlock_t *l)
{
    while ( !spin_trylock(l) )
        while ( __atomic_load_n(&l->locked, __ATOMIC_RELAXED) )
            cpu_relax();
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    return __atomic_load_n(&l->locked, __ATOMIC_RELAXED);
}

#define spin_lock_irqsave(l, flags)                 \
    do {                                            \
        (flags) = local_irq_save();                 \
        spin_lock(l);                               \
    } while ( 0 )

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    spin_unlock(l);
    local_irq_restore(flags);
}

static inline void spin_lock_irq(spinlock_t *l)
{
    local_irq_disable();
    spin_lock(l);
}

static inline void spin_unlock_irq(spinlock_t *l)
{
    spin_unlock(l);
    local_irq_enable();
}

/* Reader/writer lock: the count is the number of readers, -1 a writer. */
typedef struct {
    int count;
} rwlock_t;

#define RW_LOCK_UNLOCKED { 0 }
#define DEFINE_RWLOCK(l) rwlock_t l = RW_LOCK_UNLOCKED

static inline void rwlock_init(rwlock_t *l)
{
    __atomic_store_n(&l->count, 0, __ATOMIC_RELAXED);
}

static inline void read_lock(rwlock_t *l)
{
    for ( ; ; )
    {
        int c = __atomic_load_n(&l->count, __ATOMIC_RELAXED);

        if ( c >= 0 &&
             __atomic_compare_exchange_n(&l->count, &c, c + 1, false,
                                         __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) )
            return;
        cpu_relax();
    }
}

static inline void read_unlock(rwlock_t *l)
{
    __atomic_fetch_sub(&l->count, 1, __ATOMIC_RELEASE);
}

static inline void write_lock(rwlock_t *l)
{
    for ( ; ; )
    {
        int c = 0;

        if ( __atomic_compare_exchange_n(&l->count, &c, -1, false,
                                         __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) )
            return;
        cpu_relax();
    }
}

static inline void write_unlock(rwlock_t *l)
{
    __atomic_store_n(&l->count, 0, __ATOMIC_RELEASE);
}

static inline bool rw_is_write_locked(const rwlock_t *l)
{
    return __atomic_load_n(&l->count, __ATOMIC_RELAXED) < 0;
}

#endif /* XEN_SPINLOCK_H */
