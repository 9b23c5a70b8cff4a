#ifndef ASM_ARM_SYSTEM_H
#define ASM_ARM_SYSTEM_H

/* arm64: barriers, the spin-wait hint and the CPU's interrupt mask. */

#define isb()      __asm__ __volatile__("isb" ::: "memory")
#define dsb(scope) __asm__ __volatile__("dsb " #scope ::: "memory")
#define dmb(scope) __asm__ __volatile__("dmb " #scope ::: "memory")
#define mb()       dsb(sy)
#define rmb()      dsb(ld)
#define wmb()      dsb(st)
#define smp_mb()   dmb(ish)
#define smp_rmb()  dmb(ishld)
#define smp_wmb()  dmb(ishst)

static inline void cpu_relax(void)
{
    __asm__ __volatile__("yield" ::: "memory");
}

static inline unsigned long local_irq_save(void)
{
    unsigned long flags;

    __asm__ __volatile__("mrs %0, daif\n\tmsr daifset, #2"
                         : "=r" (flags) :: "memory");
    return flags;
}

static inline void local_irq_restore(unsigned long flags)
{
    __asm__ __volatile__("msr daif, %0" :: "r" (flags) : "memory");
}

static inline void local_irq_disable(void)
{
    __asm__ __volatile__("msr daifset, #2" ::: "memory");
}

static inline void local_irq_enable(void)
{
    __asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

#endif /* ASM_ARM_SYSTEM_H */
