#ifndef XEN_SCHED_H
#define XEN_SCHED_H

/*
 * Domains.  The hardware domain (dom0) is direct-mapped: its RAM sits at
 * IPA == PA.  Guests get RAM at GUEST_RAM0_BASE (and GUEST_RAM1_BASE).
 * Owned by the domains module (xen/common/domain.c); the IOMMU core owns
 * struct domain_iommu (xen/iommu.h), the P2M owns struct p2m_domain.
 */
#include <xen/device_tree.h>
#include <xen/iommu.h>
#include <xen/list.h>
#include <xen/spinlock.h>
#include <asm/domain.h>

#define CDF_privileged  (1U << 0)    /* the hardware domain */
#define CDF_directmap   (1U << 1)    /* IPA == PA */
#define CDF_iommu       (1U << 2)    /* has an IOMMU context */

struct domain {
    domid_t domain_id;
    char name[32];
    unsigned int cdf;                /* CDF_* flags given at creation */
    bool is_dying;
    bool is_crashed;                 /* domain_crash() was called */

    spinlock_t page_alloc_lock;      /* guards the page list and counts */
    struct list_head page_list;      /* RAM pages the domain owns */
    unsigned long tot_pages;
    unsigned long max_pages;

    struct arch_domain arch;         /* arch.p2m */
    struct domain_iommu iommu;       /* dom_iommu(d) */

    struct list_head domain_list;    /* all domains */
    bool iommu_hooked;               /* iommu_domain_init() succeeded */
};

/*
 * A virtual CPU.  Not simulated: only what printk's %pv and code written
 * for Xen name (the domain and the vCPU's number).
 */
struct vcpu {
    int vcpu_id;
    struct domain *domain;
};

#define dom_iommu(d)            (&(d)->iommu)
#define is_hardware_domain(d)   (((d)->cdf & CDF_privileged) != 0)
#define is_domain_direct_mapped(d) (((d)->cdf & CDF_directmap) != 0)

/* The hardware domain, once created. */
extern struct domain *hardware_domain;

/* Mark d crashed: logged once, the domain stops running. */
void domain_crash(struct domain *d);

#endif /* XEN_SCHED_H */
