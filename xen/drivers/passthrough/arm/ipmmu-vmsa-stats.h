#ifndef IPMMU_VMSA_STATS_H
#define IPMMU_VMSA_STATS_H

/*
 * What the IPMMU-VMSA driver counts about DMA faults, for tools (not in
 * upstream Xen, which only prints).  Every fault the interrupt handler
 * sees is counted exactly, whether or not its console line was printed:
 * lines are rate-limited per domain (docs/ipmmu-driver.md, "Fault
 * interrupt").
 */
#include <xen/types.h>

struct domain;

struct ipmmu_fault_stats {
    unsigned long faults;            /* every fault seen */
    unsigned long reported;          /* printed as one line each */
    unsigned long suppressed;        /* not printed (rate limit) */
};

/*
 * Faults of d's context while d has one; -ENODEV (st untouched) when d
 * has no IPMMU state: no IOMMU, torn down, or set up by another IOMMU
 * driver (its arch.priv is then not the IPMMU's and is not read).
 */
int ipmmu_domain_fault_stats(const struct domain *d,
                             struct ipmmu_fault_stats *st);
/* Faults of DMA owned by no domain (the quarantine's blocking context). */
void ipmmu_nodomain_fault_stats(struct ipmmu_fault_stats *st);
/* Faults seen in root context ctx since the root was probed; -EINVAL. */
int ipmmu_context_fault_count(unsigned int ctx, unsigned long *count);

#endif /* IPMMU_VMSA_STATS_H */
