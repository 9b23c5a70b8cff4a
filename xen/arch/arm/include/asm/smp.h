#ifndef ASM_ARM_SMP_H
#define ASM_ARM_SMP_H

#include <xen/types.h>

#define NR_CPUS 128

/*
 * This port keeps each CPU's logical number in TPIDR_EL2, written once by
 * the CPU's bring-up path (docs/xmalloc.md, "Per-CPU caches").
 */
static inline unsigned int smp_processor_id(void)
{
    unsigned long id;

    __asm__ __volatile__("mrs %0, tpidr_el2" : "=r" (id));
    return (unsigned int)id;
}

#endif /* ASM_ARM_SMP_H */
