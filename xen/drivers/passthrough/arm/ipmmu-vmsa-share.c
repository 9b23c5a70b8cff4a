/*
 * Masters that share a uTLB.  A uTLB is one port of a cache IPMMU: the
 * IPMMU cannot tell apart the masters behind it, so they share one
 * routing and one fate.  The tree says who they are: every available
 * node whose `iommus` names the same uTLB of the same IPMMU, registered
 * with the driver or not (an unregistered one still sends its DMA
 * through the port).  Disabled nodes do not count: nothing drives them.
 *
 * Callers hold ipmmu_lock; nothing here allocates or writes registers.
 */
#include <xen/device_tree.h>
#include <xen/iommu.h>
#include <asm/device.h>
#include <asm/iommu_fwspec.h>
#include "ipmmu-vmsa.h"

/* Whether np's `iommus` names uTLB utlb of mmu. */
static bool ipmmu_node_uses_utlb(const struct dt_device_node *np,
                                 const struct ipmmu_device *mmu,
                                 uint32_t utlb)
{
    struct dt_phandle_args args;
    int i, n;

    n = dt_count_phandle_with_args(np, "iommus", "#iommu-cells");
    for ( i = 0; i < n; i++ )
    {
        if ( dt_parse_phandle_with_args(np, "iommus", "#iommu-cells", i,
                                        &args) )
            continue;
        if ( args.np == mmu->np && args.args_count == 1 &&
             args.args[0] == utlb )
            return true;
    }

    return false;
}

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

/* Count, once, the available nodes that name each uTLB of mmu. */
static void ipmmu_count_tree_users(struct ipmmu_device *mmu)
{
    struct dt_device_node *np;
    struct dt_phandle_args args;
    int i, n;

    dt_for_each_device_node(dt_host, np)
    {
        if ( !dt_find_property(np, "iommus", NULL) ||
             !dt_device_is_available(np) )
            continue;
        n = dt_count_phandle_with_args(np, "iommus", "#iommu-cells");
        for ( i = 0; i < n; i++ )
            if ( !dt_parse_phandle_with_args(np, "iommus", "#iommu-cells",
                                             i, &args) &&
                 args.np == mmu->np && args.args_count == 1 &&
                 args.args[0] < IPMMU_MAX_UTLBS &&
                 !ipmmu_entry_seen(np, i, &args) )
                mmu->tree_users[args.args[0]]++;
    }
    mmu->tree_counted = true;
}

unsigned int ipmmu_utlb_partners(struct ipmmu_device *mmu,
                                 uint32_t utlb,
                                 const struct dt_device_node *self,
                                 void (*fn)(struct dt_device_node *np,
                                            void *arg),
                                 void *arg)
{
    struct dt_device_node *np;
    unsigned int n = 0;

    if ( !mmu->tree_counted )
        ipmmu_count_tree_users(mmu);
    /* self is one of them: a port of one master has no partner. */
    if ( utlb < IPMMU_MAX_UTLBS && mmu->tree_users[utlb] < 2 )
        return 0;

    dt_for_each_device_node(dt_host, np)
    {
        if ( np == self || !dt_find_property(np, "iommus", NULL) ||
             !dt_device_is_available(np) ||
             !ipmmu_node_uses_utlb(np, mmu, utlb) )
            continue;
        n++;
        if ( fn )
            fn(np, arg);
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
