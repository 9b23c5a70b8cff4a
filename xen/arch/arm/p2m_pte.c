/*
 * What each P2M type means in a stage-2 descriptor: access permissions
 * (S2AP), execute-never, memory type and shareability.  The type itself
 * is kept in the software bits so that lookups can return it.
 */
#include <asm/p2m.h>
#include <asm/p2m_pte.h>

struct type_rule {
    bool read, write, xn;
    unsigned int mattr;
};

static const struct type_rule type_rules[p2m_max_real_type] = {
    [p2m_invalid]         = { false, false, true,  P2M_MATTR_MEM },
    [p2m_ram_rw]          = { true,  true,  false, P2M_MATTR_MEM },
    [p2m_ram_ro]          = { true,  false, false, P2M_MATTR_MEM },
    [p2m_mmio_direct_dev] = { true,  true,  true,  P2M_MATTR_DEV },
    [p2m_mmio_direct_nc]  = { true,  true,  true,  P2M_MATTR_NC },
    [p2m_mmio_direct_c]   = { true,  true,  true,  P2M_MATTR_MEM },
    [p2m_map_foreign_rw]  = { true,  true,  true,  P2M_MATTR_MEM },
    [p2m_map_foreign_ro]  = { true,  false, true,  P2M_MATTR_MEM },
    [p2m_grant_map_rw]    = { true,  true,  true,  P2M_MATTR_MEM },
    [p2m_grant_map_ro]    = { true,  false, true,  P2M_MATTR_MEM },
    [p2m_iommu_map_rw]    = { true,  true,  true,  P2M_MATTR_MEM },
    [p2m_iommu_map_ro]    = { true,  false, true,  P2M_MATTR_MEM },
};

uint64_t p2m_type_attr(p2m_type_t t)
{
    const struct type_rule *r;
    uint64_t attr;

    if ( t >= p2m_max_real_type )
        t = p2m_invalid;
    r = &type_rules[t];
    /* Devices are outer shareable; normal memory inner shareable. */
    attr = P2M_PTE_AF | ((uint64_t)r->mattr << P2M_PTE_MEMATTR_SHIFT) |
           ((uint64_t)(r->mattr == P2M_MATTR_DEV ? P2M_SH_OUTER
                                                 : P2M_SH_INNER)
            << P2M_PTE_SH_SHIFT) |
           ((uint64_t)t << P2M_PTE_SW_SHIFT);
    if ( r->read )
        attr |= P2M_PTE_S2AP_READ;
    if ( r->write )
        attr |= P2M_PTE_S2AP_WRITE;
    if ( r->xn )
        attr |= P2M_PTE_XN;
    return attr;
}
