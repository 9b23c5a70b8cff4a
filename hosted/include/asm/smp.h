#ifndef HOSTED_ASM_SMP_H
#define HOSTED_ASM_SMP_H

/*
 * Hosted CPUs are threads: a thread gets the lowest free CPU number the
 * first time it asks, and gives it back when it exits (hosted/smp.c),
 * after xmalloc_cpu_dead() has run for it.  At most NR_CPUS threads use
 * the hypervisor code at once; one more is a fatal error that says so.
 */
#define NR_CPUS 64

extern __thread unsigned int hosted_cpu_plus_one;
unsigned int hosted_cpu_claim(void);

static inline unsigned int smp_processor_id(void)
{
    unsigned int id = hosted_cpu_plus_one;

    return __builtin_expect(id != 0, 1) ? id - 1 : hosted_cpu_claim();
}

/* CPUs (threads) that hold a number now. */
unsigned int hosted_cpus_online(void);

#endif /* HOSTED_ASM_SMP_H */
