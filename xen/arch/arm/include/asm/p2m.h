#ifndef ASM_ARM_P2M_H
#define ASM_ARM_P2M_H

/*
 * The stage-2 translation table of a domain (VMSAv8-64, 4K granule),
 * shared with the IPMMU.  Owned by the P2M module (xen/arch/arm/p2m*.c);
 * docs/p2m.md describes the layout and the rules.
 *
 * Tables live in RAM pages owned by the domain; the hardware (the IPMMU)
 * walks them from VTTBR/VTCR, or from IMTTBR/IMTTBCR programmed with the
 * same facts (p2m->root, p2m->ipa_bits, p2m->root_level).
 *
 * Changes happen in batches under the write lock.  Changing or removing a
 * valid entry sets need_flush; p2m_write_unlock() then calls the
 * iotlb_flush hook once.  Splitting a block (break-before-make) flushes
 * at once, before the new table is written.
 */
#include <xen/list.h>
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <xen/typesafe.h>

struct domain;

/* Entry types (stored in the descriptor's software bits). */
typedef enum {
    p2m_invalid = 0,        /* nothing mapped */
    p2m_ram_rw,             /* normal RAM, read/write/execute */
    p2m_ram_ro,             /* normal RAM, read-only */
    p2m_mmio_direct_dev,    /* device MMIO: Device-nGnRE, XN */
    p2m_mmio_direct_nc,     /* MMIO as normal non-cacheable, XN */
    p2m_mmio_direct_c,      /* MMIO as normal cacheable, XN */
    p2m_map_foreign_rw,     /* another domain's RAM */
    p2m_map_foreign_ro,
    p2m_grant_map_rw,       /* granted pages */
    p2m_grant_map_ro,
    p2m_iommu_map_rw,       /* 1:1 mappings made for DMA (hardware domain) */
    p2m_iommu_map_ro,
    p2m_max_real_type,
} p2m_type_t;

#define p2m_is_ram(t)   ((t) == p2m_ram_rw || (t) == p2m_ram_ro)
#define p2m_is_valid(t) ((t) > p2m_invalid && (t) < p2m_max_real_type)

struct p2m_domain {
    rwlock_t lock;
    struct domain *domain;
    struct page_info *root;          /* first of the concatenated roots */
    uint64_t vttbr;
    bool need_flush;                 /* a valid entry changed in this batch */

    /*
     * Called once at the end of a batch (p2m_write_unlock) that changed
     * valid entries, and at each break-before-make; set by the IOMMU layer
     * when the domain shares its P2M with an IOMMU.  A non-zero return is
     * passed to the caller and crashes a guest domain.
     */
    int (*iotlb_flush)(struct domain *d, dfn_t dfn, unsigned long count,
                       unsigned int flush_flags);

    /* Geometry, fixed at p2m_init() from p2m_ipa_bits. */
    unsigned int ipa_bits;           /* input size: 64 - VTCR.T0SZ */
    unsigned int root_level;         /* start level of the walk */
    unsigned int root_order;         /* 2^root_order concatenated roots */
    uint64_t vtcr;                   /* VTCR_EL2 for this geometry */
    uint16_t vmid;

    /* Table pages below the root (page_info.list); count of them. */
    struct list_head pages;
    unsigned long nr_table_pages;
    /* Tables unlinked in this batch: freed once the IOTLB is flushed. */
    struct list_head free_after_flush;

    /* Batch state: the gfns whose valid entries changed, flush flags. */
    unsigned long flush_lo, flush_hi;
    unsigned int flush_flags;

    /* Statistics (tests, benchmarks). */
    unsigned long stat_flushes;      /* calls of iotlb_flush */
    unsigned long stat_bbm;          /* break-before-make sequences */
};

#define p2m_get_hostp2m(d) (&(d)->arch.p2m)

/* IPA widths this P2M supports (4K granule, no 52-bit). */
#define P2M_MIN_IPA_BITS 32
#define P2M_MAX_IPA_BITS 48
/* Output (physical) address width: the platform's 40-bit bus, VTCR.PS. */
#define P2M_PA_BITS      40

/* IPA width in bits new domains get (p2m_restrict_ipa_bits()). */
extern unsigned int p2m_ipa_bits;
/* Lower p2m_ipa_bits to ipa_bits (an IOMMU that walks the P2M asks). */
void p2m_restrict_ipa_bits(unsigned int ipa_bits);
/* Platform setup and tests: set it (P2M_MIN..P2M_MAX_IPA_BITS) or -EINVAL. */
int p2m_set_ipa_bits(unsigned int ipa_bits);

/*
 * The walk geometry for an IPA width: start level and root concatenation
 * (a start at level 0 with at most 16 entries becomes a start at level 1
 * over that many concatenated tables), with the VTCR fields that say so.
 */
struct p2m_geometry {
    unsigned int ipa_bits;
    unsigned int t0sz;               /* 64 - ipa_bits */
    unsigned int sl0;                /* VTCR.SL0, 4K granule: 2 - level */
    unsigned int root_level;
    unsigned int root_order;         /* log2 of concatenated root pages */
    unsigned int root_entries;       /* entries used at the root level */
};
int p2m_geometry_for(unsigned int ipa_bits, struct p2m_geometry *geo);

/* VTCR_EL2 bits. */
#define VTCR_T0SZ_MASK   0x3fULL
#define VTCR_SL0_SHIFT   6
#define VTCR_IRGN0_WBWA  (1ULL << 8)
#define VTCR_ORGN0_WBWA  (1ULL << 10)
#define VTCR_SH0_IS      (3ULL << 12)
#define VTCR_TG0_4K      (0ULL << 14)
#define VTCR_PS_SHIFT    16
#define VTCR_RES1        (1ULL << 31)
#define VTTBR_VMID_SHIFT 48

/* VTCR.PS encoding of a physical address width, or -EINVAL. */
int p2m_vtcr_ps(unsigned int pa_bits);
uint64_t p2m_vtcr_for(const struct p2m_geometry *geo);
uint64_t p2m_vttbr_for(paddr_t root_maddr, uint16_t vmid);

/* Per-domain life cycle. */
int p2m_init(struct domain *d);      /* root table and VMID; -ENOMEM/-EBUSY */
void p2m_teardown(struct domain *d); /* every table page and the VMID */

/* Batches.  p2m_write_unlock() returns the flush result (0 or -errno). */
void p2m_write_lock(struct p2m_domain *p2m);
int p2m_write_unlock(struct p2m_domain *p2m);
void p2m_read_lock(struct p2m_domain *p2m);
void p2m_read_unlock(struct p2m_domain *p2m);

/*
 * Range operations, write lock held.  Each is all-or-nothing for
 * allocation failures: -ENOMEM leaves the table unchanged.  -EINVAL: a
 * gfn or mfn outside the P2M's range, or a bad type.  A failed
 * break-before-make flush returns its error; entries before it in the
 * range are already changed (the guest is crashed then).
 */
/* Map nr pages from gfn to mfn; -EEXIST (nothing changed) if any is. */
int p2m_map_range(struct p2m_domain *p2m, gfn_t gfn, unsigned long nr,
                  mfn_t mfn, p2m_type_t t);
/* Unmap whatever is mapped in [gfn, gfn + nr). */
int p2m_unmap_range(struct p2m_domain *p2m, gfn_t gfn, unsigned long nr);
/* Change entries of type ot in the range to nt. */
int p2m_retype_range(struct p2m_domain *p2m, gfn_t gfn, unsigned long nr,
                     p2m_type_t ot, p2m_type_t nt);
/* The frame gfn maps to (INVALID_MFN if none); type and entry order. */
mfn_t p2m_get_entry(struct p2m_domain *p2m, gfn_t gfn, p2m_type_t *t,
                    unsigned int *page_order);

/* Whole batches (take and release the lock; flush result included). */
int guest_physmap_add_entry(struct domain *d, gfn_t gfn, mfn_t mfn,
                            unsigned long page_order, p2m_type_t t);
/* -EILSEQ (nothing changed) if a page in the range maps another frame. */
int guest_physmap_remove_page(struct domain *d, gfn_t gfn, mfn_t mfn,
                              unsigned int page_order);
mfn_t p2m_lookup(struct domain *d, gfn_t gfn, p2m_type_t *t);
int p2m_change_type_range(struct domain *d, gfn_t gfn, unsigned long nr,
                          p2m_type_t ot, p2m_type_t nt);
int map_regions_p2mt(struct domain *d, gfn_t gfn, unsigned long nr,
                     mfn_t mfn, p2m_type_t p2mt);
int unmap_regions_p2mt(struct domain *d, gfn_t gfn, unsigned long nr,
                       mfn_t mfn);

/* Descriptor attributes (MemAttr, SH, S2AP, XN, AF, type) for a type. */
uint64_t p2m_type_attr(p2m_type_t t);

#endif /* ASM_ARM_P2M_H */
