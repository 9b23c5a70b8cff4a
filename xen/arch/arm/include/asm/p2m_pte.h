#ifndef ASM_ARM_P2M_PTE_H
#define ASM_ARM_P2M_PTE_H

/*
 * VMSAv8-64 stage-2 descriptors, 4K granule: the bit layout and small
 * pure helpers over it.  Levels 0..3; a level-L entry maps 2^(9*(3-L))
 * pages.  Blocks exist at levels 1 (1 GiB) and 2 (2 MiB), pages at level
 * 3; levels 0..2 may hold tables.
 */
#include <xen/types.h>

typedef uint64_t p2m_pte_t;

#define P2M_PTE_VALID         (1ULL << 0)
#define P2M_PTE_TABLE         (1ULL << 1)   /* table (L0-2) or page (L3) */
#define P2M_PTE_MEMATTR_SHIFT 2
#define P2M_PTE_MEMATTR_MASK  (0xfULL << P2M_PTE_MEMATTR_SHIFT)
#define P2M_PTE_S2AP_READ     (1ULL << 6)
#define P2M_PTE_S2AP_WRITE    (1ULL << 7)
#define P2M_PTE_SH_SHIFT      8
#define P2M_PTE_SH_MASK       (3ULL << P2M_PTE_SH_SHIFT)
#define P2M_PTE_AF            (1ULL << 10)
#define P2M_PTE_CONTIG        (1ULL << 52)
#define P2M_PTE_XN            (1ULL << 54)
#define P2M_PTE_SW_SHIFT      55            /* software bits 58:55 */
#define P2M_PTE_SW_MASK       (0xfULL << P2M_PTE_SW_SHIFT)
#define P2M_PTE_ADDR_MASK     0x0000fffffffff000ULL   /* bits 47:12 */

/* Stage-2 MemAttr[3:0] (outer in 3:2, inner in 1:0). */
#define P2M_MATTR_DEV   0x1     /* Device-nGnRE */
#define P2M_MATTR_NC    0x5     /* Normal, outer and inner non-cacheable */
#define P2M_MATTR_MEM   0xf     /* Normal, outer and inner write-back */

/* Shareability. */
#define P2M_SH_NONE     0x0
#define P2M_SH_OUTER    0x2
#define P2M_SH_INNER    0x3

#define P2M_LEVEL_ENTRIES   512
#define P2M_ROOT_MAX_PAGES  16      /* concatenated root tables, at most */

/* Pages mapped by one entry at 'level', as an order. */
static inline unsigned int p2m_level_order(unsigned int level)
{
    return 9 * (3 - level);
}

/* Lowest IPA bit a level-'level' index uses. */
static inline unsigned int p2m_level_shift(unsigned int level)
{
    return 12 + p2m_level_order(level);
}

static inline bool p2m_pte_is_valid(p2m_pte_t pte)
{
    return pte & P2M_PTE_VALID;
}

static inline bool p2m_pte_is_table(p2m_pte_t pte, unsigned int level)
{
    return level < 3 && (pte & (P2M_PTE_VALID | P2M_PTE_TABLE)) ==
                        (P2M_PTE_VALID | P2M_PTE_TABLE);
}

/* A valid entry that maps memory (block or page) rather than a table. */
static inline bool p2m_pte_is_leaf(p2m_pte_t pte, unsigned int level)
{
    return p2m_pte_is_valid(pte) && !p2m_pte_is_table(pte, level);
}

static inline unsigned long p2m_pte_mfn(p2m_pte_t pte)
{
    return (unsigned long)((pte & P2M_PTE_ADDR_MASK) >> 12);
}

static inline unsigned int p2m_pte_sw(p2m_pte_t pte)
{
    return (unsigned int)((pte & P2M_PTE_SW_MASK) >> P2M_PTE_SW_SHIFT);
}

static inline p2m_pte_t p2m_pte_table(unsigned long table_mfn)
{
    return ((p2m_pte_t)table_mfn << 12) | P2M_PTE_VALID | P2M_PTE_TABLE;
}

/* A block or page at 'level' mapping from 'mfn' with attributes 'attr'. */
static inline p2m_pte_t p2m_pte_leaf(unsigned long mfn, unsigned int level,
                                     p2m_pte_t attr)
{
    return ((p2m_pte_t)mfn << 12) | attr | P2M_PTE_VALID |
           (level == 3 ? P2M_PTE_TABLE : 0);
}

/* Attributes of a leaf: everything but the address and the kind bits. */
static inline p2m_pte_t p2m_pte_attr(p2m_pte_t pte)
{
    return pte & ~(P2M_PTE_ADDR_MASK | P2M_PTE_VALID | P2M_PTE_TABLE);
}

#endif /* ASM_ARM_P2M_PTE_H */
