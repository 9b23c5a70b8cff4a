#ifndef HW_IPMMU_MODEL_WALK_H
#define HW_IPMMU_MODEL_WALK_H

/*
 * The IPMMU's table walker, as pure functions over a format description:
 * VMSAv8-64 stage-2 descriptors (IMSAUXCTLR.S2PTE = 1) or stage-1 LPAE
 * descriptors (S2PTE = 0), 4K granule, start level and input size taken
 * from IMTTBCR (and the root's IMCTR.VA64).  Memory is read through a
 * callback, so the walker serves the model, the tests and the cross-check
 * against the P2M's reference walker alike.
 */
#include <stdbool.h>
#include <stdint.h>

#define IPMMU_WALK_PAGE_SHIFT   12
#define IPMMU_WALK_MAX_CONCAT   16      /* concatenated start-level tables */

/* Descriptor bits (stage 2 and stage-1 LPAE share the layout). */
#define IPMMU_PTE_VALID         (1ULL << 0)
#define IPMMU_PTE_TABLE         (1ULL << 1)   /* table (L0-2) or page (L3) */
#define IPMMU_PTE_S2AP_SHIFT    6
#define IPMMU_PTE_S2AP_MASK     (3ULL << IPMMU_PTE_S2AP_SHIFT)
#define IPMMU_PTE_S2AP_NONE     (0ULL << IPMMU_PTE_S2AP_SHIFT)
#define IPMMU_PTE_S2AP_RO       (1ULL << IPMMU_PTE_S2AP_SHIFT)
#define IPMMU_PTE_S2AP_WO       (2ULL << IPMMU_PTE_S2AP_SHIFT)
#define IPMMU_PTE_S2AP_RW       (3ULL << IPMMU_PTE_S2AP_SHIFT)
#define IPMMU_PTE_S1_AP_UNPRIV  (1ULL << 6)   /* AP[1]: ignored for DMA */
#define IPMMU_PTE_S1_AP_RDONLY  (1ULL << 7)   /* AP[2] */
#define IPMMU_PTE_AF            (1ULL << 10)
#define IPMMU_PTE_S1_APTABLE_RO (1ULL << 62)  /* APTable[1] in a table desc */
#define IPMMU_PTE_ADDR_MASK     0x0000fffffffff000ULL  /* bits 47:12 */

/* IMTTBCR fields the walker uses. */
#define IPMMU_TTBCR_EAE         (1U << 31)
#define IPMMU_TTBCR_SL0_SHIFT   6
#define IPMMU_TTBCR_SL0_MASK    (3U << IPMMU_TTBCR_SL0_SHIFT)
#define IPMMU_TTBCR_TSZ0_MASK   0x1fU

enum ipmmu_walk_status {
    IPMMU_WALK_OK,
    IPMMU_WALK_TF,          /* invalid descriptor, AF = 0, out of range */
    IPMMU_WALK_ABORT,       /* a table read was a bus error */
};

/* How one context's table is laid out (derived from its registers). */
struct ipmmu_walk_cfg {
    bool stage2;
    unsigned int start_level;   /* 0..3 */
    unsigned int ia_bits;       /* input address size */
    unsigned int concat;        /* tables concatenated at the start level */
    uint64_t ttb;               /* start table, aligned to its size */
};

/* A leaf: what a TLB entry caches. */
struct ipmmu_walk_leaf {
    uint64_t ia_base;           /* input address of the block/page */
    uint64_t pa_base;
    uint64_t size;              /* 4K, 2M or 1G */
    unsigned int level;
    bool read;                  /* access permissions */
    bool write;
};

/* Returns 0, or -1 for a bus error. */
typedef int (*ipmmu_walk_read64_fn)(void *opaque, uint64_t pa, uint64_t *val);

/*
 * Derive the walk from IMTTBCR, VA64, S2PTE and the table base (IMTTUBR0
 * bits 7:0 : IMTTLBR0 bits 31:12).  Returns 0, or -1 when the registers
 * describe no walk (EAE = 0, reserved SL0, start level and input size that
 * do not fit): every access then faults with TF.  'why' says which.
 */
int ipmmu_walk_setup(uint32_t ttbcr, bool va64, bool stage2, uint64_t ttb,
                     struct ipmmu_walk_cfg *cfg, const char **why);

/*
 * Walk the table for input address 'ia'.  On IPMMU_WALK_OK 'leaf' is
 * filled; otherwise '*level' says where the walk stopped.
 */
enum ipmmu_walk_status ipmmu_walk(const struct ipmmu_walk_cfg *cfg,
                                  uint64_t ia, ipmmu_walk_read64_fn read,
                                  void *opaque, struct ipmmu_walk_leaf *leaf,
                                  unsigned int *level);

#endif /* HW_IPMMU_MODEL_WALK_H */
