/*
 * map_page/unmap_page for IOMMUs that share the P2M, on behalf of a
 * direct-mapped hardware domain.
 *
 * A grant mapping hands the hardware domain the machine frame of a foreign
 * page as the DMA address.  With the P2M shared with the IOMMU, DMA to it
 * works only if the P2M maps that frame 1:1, which is meaningful only
 * where IPA == PA: a direct-mapped domain, with dfn == mfn.  Anything else
 * is refused rather than mapped somewhere unexpected.
 */
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/iommu.h>
#include <asm/p2m.h>

#define ARM_IOMMU_VALID_FLAGS (IOMMUF_readable | IOMMUF_writable)

int arm_iommu_map_page(struct domain *d, dfn_t dfn, mfn_t mfn,
                       unsigned int flags, unsigned int *flush_flags)
{
    p2m_type_t t, ot;
    mfn_t old;
    int rc;

    (void)flush_flags;       /* the P2M flushes at the end of its batch */

    if ( !is_domain_direct_mapped(d) )
    {
        printk(XENLOG_ERR "d%u: IOMMU map refused: domain is not "
               "direct-mapped\n", d->domain_id);
        return -EINVAL;
    }
    if ( dfn_x(dfn) != mfn_x(mfn) )
    {
        printk(XENLOG_ERR "d%u: IOMMU map refused: dfn %#lx != mfn %#lx\n",
               d->domain_id, dfn_x(dfn), mfn_x(mfn));
        return -EINVAL;
    }
    if ( !(flags & ARM_IOMMU_VALID_FLAGS) || (flags & ~ARM_IOMMU_VALID_FLAGS) )
    {
        printk(XENLOG_ERR "d%u: IOMMU map refused: bad flags %#x\n",
               d->domain_id, flags);
        return -EINVAL;
    }

    t = (flags & IOMMUF_writable) ? p2m_iommu_map_rw : p2m_iommu_map_ro;

    rc = guest_physmap_add_entry(d, _gfn(dfn_x(dfn)), mfn, 0, t);
    if ( rc != -EEXIST )
        return rc;

    /*
     * The frame is mapped already (granted twice): the new permissions
     * replace the old ones.  A gfn mapping another frame is left alone.
     */
    old = p2m_lookup(d, _gfn(dfn_x(dfn)), &ot);
    if ( !mfn_eq(old, mfn) )
        return -EEXIST;
    if ( ot == t )
        return 0;

    return p2m_change_type_range(d, _gfn(dfn_x(dfn)), 1, ot, t);
}

int arm_iommu_unmap_page(struct domain *d, dfn_t dfn, unsigned int order,
                         unsigned int *flush_flags)
{
    (void)flush_flags;

    if ( !is_domain_direct_mapped(d) )
    {
        printk(XENLOG_ERR "d%u: IOMMU unmap refused: domain is not "
               "direct-mapped\n", d->domain_id);
        return -EINVAL;
    }

    return guest_physmap_remove_page(d, _gfn(dfn_x(dfn)), _mfn(dfn_x(dfn)),
                                     order);
}
