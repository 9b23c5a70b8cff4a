#ifndef XEN_SMP_H
#define XEN_SMP_H

/*
 * The calling CPU's logical number, 0 .. NR_CPUS - 1 (asm/smp.h).  Code
 * that keeps per-CPU data without a lock relies on what the hypervisor
 * guarantees: its code is not preempted, and what interrupt handlers may
 * touch is said where such data is defined.
 */
#include <asm/smp.h>

/*
 * Called when a CPU stops for good (hosted: its thread exits), so that
 * what it kept for itself goes back to everyone.
 */
void xmalloc_cpu_dead(unsigned int cpu);

#endif /* XEN_SMP_H */
