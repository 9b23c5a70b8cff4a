/* Interrupt handlers and per-thread masking for the hosted runtime. */
#include <pthread.h>
#include <string.h>

#include <xen/errno.h>
#include <xen/irq.h>
#include <xen/lib.h>
#include "hosted/irq.h"

struct irq_desc {
    void (*handler)(int irq, void *dev_id);
    void *dev_id;
    const char *name;
    unsigned long count;
};

static struct irq_desc irq_descs[HOSTED_NR_IRQS];
static pthread_mutex_t irq_lock = PTHREAD_MUTEX_INITIALIZER;

static __thread unsigned int irq_masked;
static __thread unsigned long irq_pending[HOSTED_NR_IRQS / 64];

int request_irq(unsigned int irq, unsigned int irqflags,
                void (*handler)(int irq, void *dev_id),
                const char *devname, void *dev_id)
{
    int rc = 0;

    (void)irqflags;
    if ( irq >= HOSTED_NR_IRQS || !handler )
        return -EINVAL;
    pthread_mutex_lock(&irq_lock);
    if ( irq_descs[irq].handler )
        rc = -EBUSY;
    else
        irq_descs[irq] = (struct irq_desc){ handler, dev_id, devname, 0 };
    pthread_mutex_unlock(&irq_lock);
    return rc;
}

void release_irq(unsigned int irq, const void *dev_id)
{
    if ( irq >= HOSTED_NR_IRQS )
        return;
    pthread_mutex_lock(&irq_lock);
    if ( irq_descs[irq].dev_id == dev_id )
        memset(&irq_descs[irq], 0, sizeof(irq_descs[irq]));
    pthread_mutex_unlock(&irq_lock);
}

static bool irq_deliver(unsigned int irq)
{
    struct irq_desc d;

    pthread_mutex_lock(&irq_lock);
    d = irq_descs[irq];
    if ( d.handler )
        irq_descs[irq].count++;
    pthread_mutex_unlock(&irq_lock);
    if ( !d.handler )
        return false;
    /* Handlers run with interrupts masked, as on a CPU. */
    irq_masked++;
    d.handler((int)irq, d.dev_id);
    irq_masked--;
    return true;
}

/*
 * Deliver what became pending while masked, lowest IRQ first, in one pass
 * (an IRQ a handler raises below the one being delivered waits for the
 * next unmask).  Runs on every unmask: whole words of nothing pending are
 * skipped rather than testing 1024 bits each time.
 */
static void irq_deliver_pending(void)
{
    unsigned int w, bit;

    for ( w = 0; w < HOSTED_NR_IRQS / 64; w++ )
    {
        unsigned long passed = 0, bits;

        while ( (bits = irq_pending[w] & ~passed) != 0 )
        {
            bit = __builtin_ctzl(bits);
            passed |= (2UL << bit) - 1;
            irq_pending[w] &= ~(1UL << bit);
            irq_deliver(w * 64 + bit);
        }
    }
}

bool hosted_irq_raise(unsigned int irq)
{
    if ( irq >= HOSTED_NR_IRQS || !hosted_irq_has_handler(irq) )
        return false;
    if ( irq_masked )
    {
        irq_pending[irq / 64] |= 1UL << (irq % 64);
        return true;
    }
    return irq_deliver(irq);
}

bool hosted_irq_has_handler(unsigned int irq)
{
    bool has;

    if ( irq >= HOSTED_NR_IRQS )
        return false;
    pthread_mutex_lock(&irq_lock);
    has = irq_descs[irq].handler != NULL;
    pthread_mutex_unlock(&irq_lock);
    return has;
}

const char *hosted_irq_owner(unsigned int irq)
{
    return irq < HOSTED_NR_IRQS ? irq_descs[irq].name : NULL;
}

unsigned long hosted_irq_count(unsigned int irq)
{
    return irq < HOSTED_NR_IRQS ? irq_descs[irq].count : 0;
}

void hosted_irq_reset(void)
{
    pthread_mutex_lock(&irq_lock);
    memset(irq_descs, 0, sizeof(irq_descs));
    pthread_mutex_unlock(&irq_lock);
    memset(irq_pending, 0, sizeof(irq_pending));
}

unsigned long local_irq_save(void)
{
    return irq_masked++;
}

void local_irq_restore(unsigned long flags)
{
    irq_masked = (unsigned int)flags;
    if ( !irq_masked )
        irq_deliver_pending();
}

void local_irq_disable(void)
{
    irq_masked = 1;
}

void local_irq_enable(void)
{
    irq_masked = 0;
    irq_deliver_pending();
}
