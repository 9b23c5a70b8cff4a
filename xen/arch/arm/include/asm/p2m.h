#ifndef ASM_ARM_P2M_H
#define ASM_ARM_P2M_H

/*
 * The stage-2 translation table of a domain (VMSAv8-64, 4K granule),
 * shared with the IPMMU.  Owned by the P2M module (xen/arch/arm/p2m.c).
 */
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <xen/typesafe.h>

struct domain;

struct p2m_domain {
    rwlock_t lock;
    struct domain *domain;
    struct page_info *root;          /* first of the concatenated roots */
    uint64_t vttbr;
    bool need_flush;                 /* a valid entry changed in this batch */

    /*
     * Called once at the end of a batch (p2m_write_unlock) that changed
     * valid entries; set by the IOMMU layer when the domain shares its P2M
     * with an IOMMU.  A non-zero return is passed to the caller and crashes
     * a guest domain.
     */
    int (*iotlb_flush)(struct domain *d, dfn_t dfn, unsigned long count,
                       unsigned int flush_flags);
};

/* IPA width in bits the P2M is set up for (p2m_restrict_ipa_bits()). */
extern unsigned int p2m_ipa_bits;
void p2m_restrict_ipa_bits(unsigned int ipa_bits);

#endif /* ASM_ARM_P2M_H */
