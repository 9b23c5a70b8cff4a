/*
 * Masters that share a uTLB.  A uTLB is one port of a cache IPMMU: the
 * IPMMU cannot tell apart the masters behind it, so they share one
 * routing and one fate.  The tree says who they are: every available
 * node whose `iommus` names the same uTLB of the same IPMMU, registered
 * with the driver or not (an unregistered one still sends its DMA
 * through the port).  Disabled nodes do not count: nothing drives them.
 *
 * The tree does not change once the IPMMUs are up, so the members of
 * every uTLB are indexed once, in one walk of the tree, before the first
 * master of an IPMMU registers; a partner query then reads one uTLB's
 * members only (and ipmmu-vmsa.c counts who owns them, so that an
 * assignment walks neither the tree nor the group).  An IPMMU that comes
 * up later (deferred probing) is indexed by the next walk, when its own
 * first master registers.
 */
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/xmalloc.h>
#include <asm/device.h>
#include <asm/iommu_fwspec.h>
#include "ipmmu-vmsa.h"

/* Whether entry i of np's `iommus` names the same uTLB as an earlier one. */
static bool ipmmu_entry_seen(const struct dt_device_node *np, int i,
                             const struct dt_phandle_args *a)
{
    struct dt_phandle_args b;
    int k;

    for ( k = 0; k < i; k++ )
        if ( !dt_parse_phandle_with_args(np, "iommus", "#iommu-cells", k,
                                         &b) &&
             b.np == a->np && b.args_count == 1 && b.args[0] == a->args[0] )
            return true;

    return false;
}

/* The IPMMU of node np if its index is being built, else NULL. */
static struct ipmmu_device *ipmmu_being_indexed(
    const struct dt_device_node *np)
{
    struct ipmmu_device *mmu = ipmmu_find_device(np);

    return mmu && mmu->indexing ? mmu : NULL;
}

/*
 * Every available node naming uTLB u of an IPMMU being indexed, once per
 * (IPMMU, uTLB): counted in member_at[u + 1] (count), or stored at
 * member_at[u], which then moves on (!count).
 */
static void ipmmu_walk_members(bool count)
{
    struct dt_device_node *np;
    struct dt_phandle_args args;
    struct ipmmu_device *mmu;
    int i, n;

    dt_for_each_device_node(dt_host, np)
    {
        if ( !dt_find_property(np, "iommus", NULL) ||
             !dt_device_is_available(np) )
            continue;
        n = dt_count_phandle_with_args(np, "iommus", "#iommu-cells");
        for ( i = 0; i < n; i++ )
        {
            uint32_t u;

            if ( dt_parse_phandle_with_args(np, "iommus", "#iommu-cells", i,
                                            &args) ||
                 args.args_count != 1 ||
                 !(mmu = ipmmu_being_indexed(args.np)) )
                continue;
            /* dt_xlate refuses a uTLB out of range: nothing to share. */
            u = args.args[0];
            if ( u >= mmu->features->nr_utlbs ||
                 ipmmu_entry_seen(np, i, &args) )
                continue;
            if ( count )
                mmu->member_at[u + 1]++;
            else
                mmu->members[mmu->member_at[u]++] = np;
        }
    }
}

/* Undo a build that failed: no IPMMU of it keeps anything. */
static void ipmmu_index_abandon(void)
{
    struct ipmmu_device *mmu;

    list_for_each_entry(mmu, &ipmmu_devices, list)
        if ( mmu->indexing )
        {
            ipmmu_free_members(mmu);
            mmu->indexing = false;
        }
}

int ipmmu_index_members(void)
{
    struct ipmmu_device *mmu;
    unsigned int u, nr = 0;

    list_for_each_entry(mmu, &ipmmu_devices, list)
        if ( !mmu->indexed )
        {
            memset(mmu->member_at, 0, sizeof(mmu->member_at));
            mmu->indexing = true;
            nr++;
        }
    if ( !nr )
        return 0;

    /* Count each uTLB's members, then make room for them all. */
    ipmmu_walk_members(true);
    list_for_each_entry(mmu, &ipmmu_devices, list)
    {
        unsigned int total;

        if ( !mmu->indexing )
            continue;
        for ( u = 0; u < IPMMU_MAX_UTLBS; u++ )
            mmu->member_at[u + 1] += mmu->member_at[u];
        total = mmu->member_at[IPMMU_MAX_UTLBS];
        if ( !total )
            continue;
        mmu->members = xmalloc_array(struct dt_device_node *, total);
        if ( !mmu->members )
        {
            printk(XENLOG_ERR "IPMMU: %s: out of memory for the index of "
                   "the %u masters behind its uTLBs\n", mmu->name, total);
            ipmmu_index_abandon();
            return -ENOMEM;
        }
    }

    /*
     * Each uTLB's start now moves past its members as they are stored,
     * ending where the next uTLB's starts: shift the starts back.
     */
    ipmmu_walk_members(false);
    list_for_each_entry(mmu, &ipmmu_devices, list)
    {
        if ( !mmu->indexing )
            continue;
        for ( u = IPMMU_MAX_UTLBS; u > 0; u-- )
            mmu->member_at[u] = mmu->member_at[u - 1];
        mmu->member_at[0] = 0;
        mmu->indexing = false;
        mmu->indexed = true;
    }

    return 0;
}

void ipmmu_free_members(struct ipmmu_device *mmu)
{
    xfree(mmu->members);
    mmu->members = NULL;
    memset(mmu->member_at, 0, sizeof(mmu->member_at));
    mmu->indexed = false;
}

unsigned int ipmmu_utlb_members(const struct ipmmu_device *mmu,
                                uint32_t utlb)
{
    /* dt_xlate indexes an IPMMU before any master of it registers. */
    ASSERT(mmu->indexed);
    if ( utlb >= IPMMU_MAX_UTLBS )
        return 0;

    return mmu->member_at[utlb + 1] - mmu->member_at[utlb];
}

unsigned int ipmmu_utlb_partners(const struct ipmmu_device *mmu,
                                 uint32_t utlb,
                                 const struct dt_device_node *self,
                                 bool (*fn)(struct dt_device_node *np,
                                            void *arg),
                                 void *arg)
{
    unsigned int k, n = 0;

    if ( !ipmmu_utlb_members(mmu, utlb) )
        return 0;

    for ( k = mmu->member_at[utlb]; k < mmu->member_at[utlb + 1]; k++ )
    {
        if ( mmu->members[k] == self )
            continue;
        n++;
        if ( fn && !fn(mmu->members[k], arg) )
            break;
    }

    return n;
}

struct ipmmu_master *ipmmu_node_master(const struct ipmmu_device *mmu,
                                       struct dt_device_node *np)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dt_to_dev(np));
    struct ipmmu_master *m;

    if ( !fwspec || fwspec->iommu_dev != dt_to_dev(mmu->np) )
        return NULL;
    m = fwspec->iommu_priv;

    return m && m->mmu == mmu && m->added ? m : NULL;
}
