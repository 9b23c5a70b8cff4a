/* The IPMMU table walker: stage-2 and stage-1 LPAE formats, 4K granule. */
#include "hw/ipmmu_model_walk.h"

#include <stddef.h>

#define BITS_PER_LEVEL 9
#define MAX_IA_BITS    48

/* Input address bits below the index of a level-L table. */
static unsigned int level_shift(unsigned int level)
{
    return IPMMU_WALK_PAGE_SHIFT + BITS_PER_LEVEL * (3 - level);
}

/* SL0 meaning differs between the formats (hardware.md section 4). */
static int start_level_of(unsigned int sl0, bool stage2, unsigned int *level)
{
    static const int s2_level[4] = { 2, 1, 0, -1 };
    static const int s1_level[4] = { 3, 2, 1, -1 };
    int l = stage2 ? s2_level[sl0] : s1_level[sl0];

    if ( l < 0 )
        return -1;
    *level = l;
    return 0;
}

int ipmmu_walk_setup(uint32_t ttbcr, bool va64, bool stage2, uint64_t ttb,
                     struct ipmmu_walk_cfg *cfg, const char **why)
{
    const char *dummy;
    unsigned int sl0 = (ttbcr & IPMMU_TTBCR_SL0_MASK) >> IPMMU_TTBCR_SL0_SHIFT;
    unsigned int tsz = ttbcr & IPMMU_TTBCR_TSZ0_MASK;
    unsigned int level, ia_bits, lo, one_table, root_bytes;

    if ( !why )
        why = &dummy;
    if ( !(ttbcr & IPMMU_TTBCR_EAE) )
        return *why = "IMTTBCR.EAE = 0 (short descriptors are not modelled)",
               -1;
    if ( start_level_of(sl0, stage2, &level) )
        return *why = "IMTTBCR.SL0 is reserved", -1;
    ia_bits = (va64 ? 64 : 32) - tsz;
    if ( ia_bits > MAX_IA_BITS )
        return *why = "input size above 48 bits", -1;
    lo = level_shift(level);
    one_table = lo + BITS_PER_LEVEL;
    if ( ia_bits <= lo )
        return *why = "input size too small for the start level "
                      "(the walk would go past level 3)", -1;
    if ( ia_bits > one_table + (stage2 ? 4 : 0) )
        return *why = stage2 ? "start level needs more than 16 concatenated "
                               "tables"
                             : "input size too large for the start level",
               -1;

    cfg->stage2 = stage2;
    cfg->start_level = level;
    cfg->ia_bits = ia_bits;
    cfg->concat = ia_bits > one_table ? 1U << (ia_bits - one_table) : 1;
    root_bytes = cfg->concat << IPMMU_WALK_PAGE_SHIFT;
    if ( ttb & (root_bytes - 1) )
        return *why = "table base not aligned to its concatenated size", -1;
    cfg->ttb = ttb;
    return 0;
}

static void leaf_permissions(const struct ipmmu_walk_cfg *cfg, uint64_t desc,
                             bool table_ro, struct ipmmu_walk_leaf *leaf)
{
    if ( cfg->stage2 )
    {
        unsigned int s2ap = (desc & IPMMU_PTE_S2AP_MASK) >>
                            IPMMU_PTE_S2AP_SHIFT;

        leaf->read = s2ap & 1;
        leaf->write = s2ap & 2;
    }
    else
    {
        /* A device is not "unprivileged": only AP[2] and APTable matter. */
        leaf->read = true;
        leaf->write = !(desc & IPMMU_PTE_S1_AP_RDONLY) && !table_ro;
    }
}

enum ipmmu_walk_status ipmmu_walk(const struct ipmmu_walk_cfg *cfg,
                                  uint64_t ia, ipmmu_walk_read64_fn read,
                                  void *opaque, struct ipmmu_walk_leaf *leaf,
                                  unsigned int *level)
{
    unsigned int l = cfg->start_level;
    uint64_t table = cfg->ttb;
    bool table_ro = false;

    *level = l;
    if ( cfg->ia_bits < 64 && (ia >> cfg->ia_bits) )
        return IPMMU_WALK_TF;

    for ( ;; )
    {
        unsigned int shift = level_shift(l);
        unsigned int nbits = l == cfg->start_level ? cfg->ia_bits - shift
                                                   : BITS_PER_LEVEL;
        uint64_t idx = (ia >> shift) & ((1ULL << nbits) - 1);
        uint64_t desc, size;

        *level = l;
        if ( read(opaque, table + idx * 8, &desc) )
            return IPMMU_WALK_ABORT;
        if ( !(desc & IPMMU_PTE_VALID) )
            return IPMMU_WALK_TF;
        if ( l < 3 && (desc & IPMMU_PTE_TABLE) )
        {
            if ( !cfg->stage2 && (desc & IPMMU_PTE_S1_APTABLE_RO) )
                table_ro = true;
            table = desc & IPMMU_PTE_ADDR_MASK;
            l++;
            continue;
        }
        /* Level 3 with bit 1 clear is reserved; no level-0 block at 4K. */
        if ( l == 3 ? !(desc & IPMMU_PTE_TABLE) : l == 0 )
            return IPMMU_WALK_TF;
        if ( !(desc & IPMMU_PTE_AF) )
            return IPMMU_WALK_TF;

        size = 1ULL << shift;
        leaf->ia_base = ia & ~(size - 1);
        leaf->pa_base = desc & IPMMU_PTE_ADDR_MASK & ~(size - 1);
        leaf->size = size;
        leaf->level = l;
        leaf_permissions(cfg, desc, table_ro, leaf);
        return IPMMU_WALK_OK;
    }
}
