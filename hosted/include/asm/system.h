#ifndef HOSTED_ASM_SYSTEM_H
#define HOSTED_ASM_SYSTEM_H

/*
 * Hosted stand-ins for the CPU's barriers and interrupt mask.  "Interrupts"
 * are the models' interrupt lines; while a thread has them masked, raised
 * lines stay pending and are delivered when it unmasks (hosted/irq.c).
 */

#define isb()      __atomic_thread_fence(__ATOMIC_SEQ_CST)
/* dsb() also tells the MMIO bus that earlier writes completed. */
void hosted_dsb(void);
#define dsb(scope) hosted_dsb()
#define dmb(scope) __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define mb()       __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()      __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()      __atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_mb()   mb()
#define smp_rmb()  rmb()
#define smp_wmb()  wmb()

static inline void cpu_relax(void)
{
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

unsigned long local_irq_save(void);
void local_irq_restore(unsigned long flags);
void local_irq_disable(void);
void local_irq_enable(void);

#endif /* HOSTED_ASM_SYSTEM_H */
