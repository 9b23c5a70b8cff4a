/*
 * Renesas IPMMU-VMSA driver: the iommu_ops.
 *
 * Each domain with a device gets one translation context of the root
 * IPMMU, pointed at the domain's P2M (the IPMMU walks the CPU's stage-2
 * tables); every uTLB of its devices, in whichever cache IPMMU, is routed
 * to that context.  A device known to the driver but assigned to no
 * domain is quarantined: its uTLBs are routed to a blocking context whose
 * table is empty, so its DMA faults instead of bypassing translation.
 *
 * A uTLB is one port of the hardware: masters that share it share its
 * routing, so two domains can never own one uTLB.
 */
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>
#include <asm/device.h>
#include <asm/iommu.h>
#include <asm/iommu_fwspec.h>
#include <asm/p2m.h>
#include "ipmmu-vmsa.h"

/* The root takes table addresses of up to 40 bits (IMTTUBR0 7:0). */
#define IPMMU_TABLE_ADDR_BITS   40

static struct ipmmu_master *dev_master(struct device *dev)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);

    return fwspec ? fwspec->iommu_priv : NULL;
}

static struct ipmmu_domain *to_ipmmu_domain(struct domain *d)
{
    return d ? dom_iommu(d)->arch.priv : NULL;
}

static const char *ipmmu_dev_name(struct device *dev)
{
    return dt_node_full_name(dev_to_dt(dev));
}

static bool master_uses_utlb(struct ipmmu_master *m, struct ipmmu_device *mmu,
                             uint32_t utlb)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    unsigned int i;

    if ( m->mmu != mmu || !fwspec )
        return false;
    for ( i = 0; i < fwspec->num_ids; i++ )
        if ( fwspec->ids[i] == utlb )
            return true;

    return false;
}

/* A master of dom other than 'except' that uses the uTLB, or NULL. */
static struct ipmmu_master *domain_utlb_user(struct ipmmu_domain *dom,
                                             struct ipmmu_master *except,
                                             struct ipmmu_device *mmu,
                                             uint32_t utlb)
{
    struct ipmmu_master *m;

    list_for_each_entry(m, &dom->masters, domain_entry)
        if ( m != except && master_uses_utlb(m, mmu, utlb) )
            return m;

    return NULL;
}

/*
 * A uTLB that no domain owns any more: routed to the blocking context
 * (quarantine), or, with iommu=no-quarantine, translation off as upstream
 * Xen leaves it (the master's DMA is then not checked).
 */
static void ipmmu_utlb_unowned(struct ipmmu_device *mmu, unsigned int utlb)
{
    if ( iommu_quarantine )
        ipmmu_utlb_route(mmu, utlb, ipmmu_block_ctx, NULL);
    else
        ipmmu_utlb_disable(mmu, utlb);
}

/* ---- Devices ---- */

static int ipmmu_dt_xlate(struct device *dev,
                          const struct dt_phandle_args *args)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
    struct ipmmu_device *mmu;
    struct ipmmu_master *m;
    uint32_t utlb;
    unsigned int i;

    if ( !fwspec )
        return -EINVAL;

    mmu = ipmmu_find_device(args->np);
    if ( !mmu )
    {
        printk(XENLOG_ERR "IPMMU: %s: its IPMMU %s is not up\n",
               ipmmu_dev_name(dev), dt_node_full_name(args->np));
        return -ENODEV;
    }
    if ( args->args_count != 1 )
    {
        printk(XENLOG_ERR "IPMMU: %s: an iommus entry for %s has %d cells, "
               "expected 1 (the uTLB)\n", ipmmu_dev_name(dev), mmu->name,
               args->args_count);
        return -EINVAL;
    }
    utlb = args->args[0];
    if ( utlb >= mmu->features->nr_utlbs )
    {
        printk(XENLOG_ERR "IPMMU: %s: uTLB %u does not exist in %s (%u "
               "uTLBs)\n", ipmmu_dev_name(dev), utlb, mmu->name,
               mmu->features->nr_utlbs);
        return -EINVAL;
    }

    m = fwspec->iommu_priv;
    if ( !m )
    {
        m = xzalloc(struct ipmmu_master);
        if ( !m )
            return -ENOMEM;
        m->dev = dev;
        m->mmu = mmu;
        INIT_LIST_HEAD(&m->domain_entry);
        fwspec->iommu_priv = m;
    }
    else if ( m->mmu != mmu )
    {
        printk(XENLOG_ERR "IPMMU: %s: uTLBs in two IPMMUs (%s, %s)\n",
               ipmmu_dev_name(dev), m->mmu->name, mmu->name);
        return -EINVAL;
    }

    for ( i = 0; i < fwspec->num_ids; i++ )
        if ( fwspec->ids[i] == utlb )
            return 0;

    return iommu_fwspec_add_ids(dev, &utlb, 1);
}

static int ipmmu_add_device(uint8_t devfn, struct device *dev)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
    struct ipmmu_master *m = dev_master(dev);
    unsigned long flags;
    unsigned int i;

    (void)devfn;
    if ( !m || !fwspec->num_ids )
        return -EINVAL;

    spin_lock_irqsave(&ipmmu_lock, flags);
    if ( !m->added )
    {
        for ( i = 0; i < fwspec->num_ids; i++ )
        {
            struct ipmmu_utlb *u = &m->mmu->utlb[fwspec->ids[i]];

            u->users++;
            /*
             * A uTLB shared with an assigned master keeps its routing;
             * without quarantine a new one stays off, as upstream does.
             */
            if ( u->ctx == IPMMU_NONE && iommu_quarantine )
                ipmmu_utlb_route(m->mmu, fwspec->ids[i], ipmmu_block_ctx,
                                 NULL);
        }
        m->added = true;
    }
    spin_unlock_irqrestore(&ipmmu_lock, flags);

    return 0;
}

/* Undo add_device (lock held). */
static void ipmmu_unregister_locked(struct ipmmu_master *m)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    unsigned int i;

    for ( i = 0; i < fwspec->num_ids; i++ )
    {
        struct ipmmu_utlb *u = &m->mmu->utlb[fwspec->ids[i]];

        if ( --u->users == 0 )
            ipmmu_utlb_disable(m->mmu, fwspec->ids[i]);
    }
    m->added = false;
}

static int ipmmu_remove_device(uint8_t devfn, struct device *dev)
{
    struct ipmmu_master *m = dev_master(dev);
    unsigned long flags;
    int rc = 0;

    (void)devfn;
    if ( !m )
        return -EINVAL;

    spin_lock_irqsave(&ipmmu_lock, flags);
    if ( m->owner )
        rc = -EBUSY;
    else if ( m->added )
        ipmmu_unregister_locked(m);
    spin_unlock_irqrestore(&ipmmu_lock, flags);

    return rc;
}

/* ---- Domains: context and uTLBs ---- */

/* Allocate and program dom's context (lock held). */
static int ipmmu_domain_get_ctx(struct ipmmu_domain *dom)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(dom->d);
    paddr_t table;
    int ctx, rc;

    if ( !p2m->root )
    {
        printk(XENLOG_ERR "IPMMU: d%u has no P2M to share\n",
               dom->d->domain_id);
        return -EINVAL;
    }
    table = page_to_maddr(p2m->root);
    if ( table >> IPMMU_TABLE_ADDR_BITS )
    {
        printk(XENLOG_ERR "IPMMU: d%u: P2M root %#llx above %u bits\n",
               dom->d->domain_id, (unsigned long long)table,
               IPMMU_TABLE_ADDR_BITS);
        return -EINVAL;
    }

    ctx = ipmmu_ctx_alloc(dom);
    if ( ctx < 0 )
    {
        printk(XENLOG_ERR "IPMMU: no free context for d%u (%s): all %u "
               "are in use\n", dom->d->domain_id, dom->d->name,
               ipmmu_root->features->nr_contexts);
        return ctx;
    }

    rc = ipmmu_ctx_program(ctx, table, p2m->ipa_bits, p2m->root_level);
    if ( rc )
    {
        ipmmu_ctx_free(ctx);
        return rc;
    }

    dom->ctx = ctx;
    printk(XENLOG_INFO "IPMMU: d%u (%s) uses context %u (P2M root %#llx, "
           "%u-bit IPA)\n", dom->d->domain_id, dom->d->name, ctx,
           (unsigned long long)table, p2m->ipa_bits);
    return 0;
}

static void ipmmu_domain_put_ctx(struct ipmmu_domain *dom)
{
    if ( dom->ctx == IPMMU_NONE )
        return;
    ipmmu_ctx_free(dom->ctx);
    printk(XENLOG_INFO "IPMMU: d%u (%s) released context %u\n",
           dom->d->domain_id, dom->d->name, dom->ctx);
    dom->ctx = IPMMU_NONE;
}

/* -EINVAL if a uTLB of m belongs to a domain other than dom. */
static int ipmmu_check_utlbs(struct ipmmu_master *m, struct ipmmu_domain *dom)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    unsigned int i;

    for ( i = 0; i < fwspec->num_ids; i++ )
    {
        struct ipmmu_utlb *u = &m->mmu->utlb[fwspec->ids[i]];
        struct ipmmu_master *other;

        if ( !u->owner || u->owner == dom )
            continue;

        other = domain_utlb_user(u->owner, m, m->mmu, fwspec->ids[i]);
        printk(XENLOG_ERR "IPMMU: cannot assign %s to d%u (%s): its uTLB "
               "%u of %s is used by %s, assigned to d%u (%s)\n",
               ipmmu_dev_name(m->dev), dom->d->domain_id, dom->d->name,
               fwspec->ids[i], ipmmu_short_name(m->mmu),
               other ? ipmmu_dev_name(other->dev) : "another device",
               u->owner->d->domain_id, u->owner->d->name);
        return -EINVAL;
    }

    return 0;
}

/* Give m to dom (lock held). */
static int ipmmu_attach_locked(struct ipmmu_master *m,
                               struct ipmmu_domain *dom)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    unsigned int i;
    int rc;

    rc = ipmmu_check_utlbs(m, dom);
    if ( rc )
        return rc;

    if ( dom->ctx == IPMMU_NONE )
    {
        rc = ipmmu_domain_get_ctx(dom);
        if ( rc )
            return rc;
    }

    for ( i = 0; i < fwspec->num_ids; i++ )
        ipmmu_utlb_route(m->mmu, fwspec->ids[i], dom->ctx, dom);

    list_add_tail(&m->domain_entry, &dom->masters);
    dom->nr_masters++;
    m->owner = dom;

    return 0;
}

/* Take m back from its domain: quarantine, or off (lock held). */
static void ipmmu_detach_locked(struct ipmmu_master *m)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    struct ipmmu_domain *dom = m->owner;
    unsigned int i;

    for ( i = 0; i < fwspec->num_ids; i++ )
    {
        /* A uTLB another master of dom still uses stays with dom. */
        if ( domain_utlb_user(dom, m, m->mmu, fwspec->ids[i]) )
            continue;
        ipmmu_utlb_unowned(m->mmu, fwspec->ids[i]);
    }

    list_del_init(&m->domain_entry);
    m->owner = NULL;
    if ( --dom->nr_masters == 0 )
        ipmmu_domain_put_ctx(dom);
}

static bool is_quarantine(const struct domain *d)
{
    return d == iommu_quarantine_owner() || d->domain_id == DOMID_IO;
}

static int ipmmu_assign_device(struct domain *d, uint8_t devfn,
                               struct device *dev, uint32_t flag)
{
    struct ipmmu_master *m = dev_master(dev);
    struct ipmmu_domain *dom;
    unsigned long flags;
    int rc;

    (void)devfn;
    (void)flag;
    if ( !d || !m || !m->added )
        return -EINVAL;

    spin_lock_irqsave(&ipmmu_lock, flags);
    if ( is_quarantine(d) )
    {
        if ( m->owner )
            ipmmu_detach_locked(m);
        rc = 0;
    }
    else if ( !(dom = to_ipmmu_domain(d)) )
        rc = -EINVAL;
    else if ( m->owner == dom )
        rc = 0;
    else if ( m->owner )
    {
        printk(XENLOG_ERR "IPMMU: %s already belongs to d%u\n",
               ipmmu_dev_name(dev), m->owner->d->domain_id);
        rc = -EBUSY;
    }
    else
        rc = ipmmu_attach_locked(m, dom);
    spin_unlock_irqrestore(&ipmmu_lock, flags);

    return rc;
}

/*
 * Move dev from s to t.  t == NULL is how the core takes a device away
 * from its domain (as in Xen); it then goes where a device of no domain
 * goes (ipmmu_utlb_unowned), as it does for t == dom_io.
 */
static int ipmmu_reassign_device(struct domain *s, struct domain *t,
                                 uint8_t devfn, struct device *dev)
{
    struct ipmmu_master *m = dev_master(dev);
    struct ipmmu_domain *from = to_ipmmu_domain(s);
    struct ipmmu_domain *to;
    bool away = !t || is_quarantine(t);
    unsigned long flags;
    int rc = 0;

    (void)devfn;
    if ( !m || !m->added )
        return -EINVAL;
    if ( s && !is_quarantine(s) && m->owner != from )
    {
        printk(XENLOG_ERR "IPMMU: %s: not assigned to %pd\n",
               ipmmu_dev_name(dev), s);
        return -EINVAL;
    }

    to = away ? NULL : to_ipmmu_domain(t);
    if ( !away && !to )
        return -EINVAL;

    spin_lock_irqsave(&ipmmu_lock, flags);
    if ( m->owner != to )
    {
        if ( m->owner )
            ipmmu_detach_locked(m);
        if ( to )
        {
            rc = ipmmu_attach_locked(m, to);
            /* Leave things as they were. */
            if ( rc && from && ipmmu_attach_locked(m, from) )
                printk(XENLOG_ERR "IPMMU: %s left in quarantine\n",
                       ipmmu_dev_name(dev));
        }
    }
    spin_unlock_irqrestore(&ipmmu_lock, flags);

    return rc;
}

static void ipmmu_free_fwspec_priv(struct device *dev, void *priv)
{
    struct ipmmu_master *m = priv;
    unsigned long flags;

    (void)dev;
    spin_lock_irqsave(&ipmmu_lock, flags);
    if ( m->owner )
        ipmmu_detach_locked(m);
    if ( m->added )
        ipmmu_unregister_locked(m);
    spin_unlock_irqrestore(&ipmmu_lock, flags);

    xfree(m);
}

/* ---- Domains: life cycle and flush ---- */

static int ipmmu_domain_init(struct domain *d)
{
    struct ipmmu_domain *dom = xzalloc(struct ipmmu_domain);

    if ( !dom )
        return -ENOMEM;

    dom->d = d;
    dom->ctx = IPMMU_NONE;
    INIT_LIST_HEAD(&dom->masters);
    dom_iommu(d)->arch.priv = dom;

    return 0;
}

static void ipmmu_domain_teardown(struct domain *d)
{
    struct ipmmu_domain *dom = to_ipmmu_domain(d);
    struct ipmmu_master *m, *next;
    unsigned long flags;

    if ( !dom )
        return;

    spin_lock_irqsave(&ipmmu_lock, flags);
    /* The core released every device already; be safe if it did not. */
    list_for_each_entry_safe(m, next, &dom->masters, domain_entry)
        ipmmu_detach_locked(m);
    ipmmu_domain_put_ctx(dom);
    spin_unlock_irqrestore(&ipmmu_lock, flags);

    dom_iommu(d)->arch.priv = NULL;
    xfree(dom);
}

static int ipmmu_iotlb_flush(struct domain *d, dfn_t dfn,
                             unsigned long page_count,
                             unsigned int flush_flags)
{
    struct ipmmu_domain *dom = to_ipmmu_domain(d);
    unsigned long flags;
    int rc = 0;

    /* No selective invalidation exists: the whole context goes. */
    (void)dfn;
    (void)page_count;
    (void)flush_flags;
    if ( !dom )
        return 0;

    spin_lock_irqsave(&ipmmu_lock, flags);
    if ( dom->ctx != IPMMU_NONE )
        rc = ipmmu_ctx_flush(dom->ctx);
    spin_unlock_irqrestore(&ipmmu_lock, flags);

    return rc;
}

const struct iommu_ops ipmmu_ops = {
    .page_sizes = (1UL << 12) | (1UL << 21) | (1UL << 30),
    .init = ipmmu_domain_init,
    .teardown = ipmmu_domain_teardown,
    .dt_xlate = ipmmu_dt_xlate,
    .add_device = ipmmu_add_device,
    .remove_device = ipmmu_remove_device,
    .assign_device = ipmmu_assign_device,
    .reassign_device = ipmmu_reassign_device,
    .map_page = arm_iommu_map_page,
    .unmap_page = arm_iommu_unmap_page,
    .iotlb_flush = ipmmu_iotlb_flush,
    .free_fwspec_priv = ipmmu_free_fwspec_priv,
    .shutdown = ipmmu_shutdown,
};
