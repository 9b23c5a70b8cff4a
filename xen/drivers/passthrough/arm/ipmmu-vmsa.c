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
 * routing, so two domains can never own one uTLB, and a uTLB goes to a
 * domain's context only when every master behind it belongs to that
 * domain (until then it stays blocked: a quarantined master must never
 * reach a guest's memory through a partner's assignment).
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

    /*
     * Who shares each uTLB is read from the tree once, before a master of
     * this IPMMU can be assigned (ipmmu-vmsa-share.c).
     */
    if ( !mmu->indexed )
    {
        int rc = ipmmu_index_members();

        if ( rc )
            return rc;
    }

    m = fwspec->iommu_priv;
    if ( !m )
    {
        unsigned long flags;

        m = xzalloc(struct ipmmu_master);
        if ( !m )
            return -ENOMEM;
        m->dev = dev;
        m->mmu = mmu;
        INIT_LIST_HEAD(&m->domain_entry);
        fwspec->iommu_priv = m;
        spin_lock_irqsave(&ipmmu_lock, flags);
        list_add_tail(&m->list, &ipmmu_masters);
        spin_unlock_irqrestore(&ipmmu_lock, flags);
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
        /* The index holds available nodes only (ipmmu-vmsa-share.c). */
        m->in_tree = dt_device_is_available(dev_to_dt(dev));
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
    if ( !m && !ipmmu_root )
        return 0;    /* shut down: the driver let go of every device */
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

/* ---- uTLBs shared by several masters (see ipmmu-vmsa-share.c) ---- */

/*
 * Partners a warning names; the others are counted ("and 5 more"), so
 * that a large group costs a warning no more than a small one.
 */
#define IPMMU_WARN_NAMES        3
/* A refusal names as many as its line holds. */
#define IPMMU_ALL_NAMES         (~0U)

/*
 * The partners of m behind its uTLB utlb: how many there are (*all) and
 * how many of them the uTLB's holder owns (returned).  O(1): from the
 * index and the uTLB's counts, m's own part taken out.
 */
static unsigned int ipmmu_partners_held(const struct ipmmu_master *m,
                                        uint32_t utlb, unsigned int *all)
{
    const struct ipmmu_utlb *u = &m->mmu->utlb[utlb];
    unsigned int self = m->in_tree ? 1 : 0;

    *all = ipmmu_utlb_members(m->mmu, utlb) - self;

    return u->held - (m->owner && m->owner == u->holder ? self : 0);
}

/* m now belongs to m->owner, or no longer to 'was' (lock held). */
static void ipmmu_count_held(struct ipmmu_master *m, struct ipmmu_domain *was)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    unsigned int i;

    /* A node that is no member (disabled) is nobody's partner. */
    if ( !m->in_tree )
        return;
    for ( i = 0; i < fwspec->num_ids; i++ )
    {
        struct ipmmu_utlb *u = &m->mmu->utlb[fwspec->ids[i]];

        if ( m->owner )
        {
            ASSERT(!u->holder || u->holder == m->owner);
            u->holder = m->owner;
            u->held++;
        }
        else
        {
            ASSERT(u->holder == was && u->held);
            if ( --u->held == 0 )
                u->holder = NULL;
        }
    }
}

/* Partners named for a console line, as seen from dom. */
struct ipmmu_share_names {
    const struct ipmmu_device *mmu;
    const struct ipmmu_domain *dom;
    unsigned int max, named;
    char list[384];                  /* "/soc/a (d1 (one)), /soc/b (...)" */
    size_t used;
    char more[24];                   /* " and 5 more", or "" */
};

static bool ipmmu_name_partner(struct dt_device_node *np, void *arg)
{
    struct ipmmu_share_names *s = arg;
    struct ipmmu_master *p = ipmmu_node_master(s->mmu, np);
    size_t room = sizeof(s->list) - s->used;
    const char *sep = s->used ? ", " : "", *name = dt_node_full_name(np);
    int len;

    if ( s->named >= s->max )
        return false;
    if ( p && p->owner == s->dom )
        len = snprintf(s->list + s->used, room, "%s%s (assigned to d%u)",
                       sep, name, s->dom->d->domain_id);
    else if ( p && p->owner )
        len = snprintf(s->list + s->used, room,
                       "%s%s (assigned to d%u (%s))", sep, name,
                       p->owner->d->domain_id, p->owner->d->name);
    else
        len = snprintf(s->list + s->used, room,
                       "%s%s (assigned to no domain)", sep, name);
    if ( len < 0 || (size_t)len >= room )
    {
        /* Full: this one and the rest are counted. */
        s->list[s->used] = '\0';
        return false;
    }
    s->used += len;
    s->named++;
    return true;
}

/*
 * Name up to max partners of m behind its uTLB utlb, with where each
 * stands as seen from dom, in s->list; s->more counts the others.
 */
static void ipmmu_name_partners(struct ipmmu_master *m, uint32_t utlb,
                                const struct ipmmu_domain *dom,
                                unsigned int max,
                                struct ipmmu_share_names *s)
{
    unsigned int all;

    s->mmu = m->mmu;
    s->dom = dom;
    s->max = max;
    s->named = 0;
    s->used = 0;
    s->list[0] = '\0';
    s->more[0] = '\0';

    ipmmu_utlb_partners(m->mmu, utlb, dev_to_dt(m->dev), ipmmu_name_partner,
                        s);
    ipmmu_partners_held(m, utlb, &all);
    if ( all > s->named )
        snprintf(s->more, sizeof(s->more), " and %u more", all - s->named);
}

/* -EINVAL if a uTLB of m is, or would be, shared with another domain. */
static int ipmmu_check_utlbs(struct ipmmu_master *m, struct ipmmu_domain *dom)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    struct ipmmu_share_names names;
    unsigned int i, all, held;

    for ( i = 0; i < fwspec->num_ids; i++ )
    {
        struct ipmmu_utlb *u = &m->mmu->utlb[fwspec->ids[i]];

        held = ipmmu_partners_held(m, fwspec->ids[i], &all);
        if ( (!held || u->holder == dom) && (!u->owner || u->owner == dom) )
            continue;

        ipmmu_name_partners(m, fwspec->ids[i], dom, IPMMU_ALL_NAMES, &names);
        printk(XENLOG_ERR "IPMMU: cannot assign %s to d%u (%s): its uTLB "
               "%u of %s is one port shared with %s%s: masters behind one "
               "uTLB must be passed through together, to one domain\n",
               ipmmu_dev_name(m->dev), dom->d->domain_id, dom->d->name,
               fwspec->ids[i], ipmmu_short_name(m->mmu),
               names.used ? names.list : "another domain's device",
               names.more);
        return -EINVAL;
    }

    return 0;
}

/*
 * Route m's uTLBs to dom's context, each one whose masters now all belong
 * to dom; the others stay blocked until the last of them is assigned.
 */
static void ipmmu_route_complete_utlbs(struct ipmmu_master *m,
                                       struct ipmmu_domain *dom)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    struct ipmmu_share_names names;
    unsigned int i, all, held;

    for ( i = 0; i < fwspec->num_ids; i++ )
    {
        /* m belongs to dom already: the holder is dom, or nobody. */
        held = ipmmu_partners_held(m, fwspec->ids[i], &all);
        if ( held == all )
        {
            ipmmu_utlb_route(m->mmu, fwspec->ids[i], dom->ctx, dom);
            continue;
        }
        /*
         * Blocked even with iommu=no-quarantine: m is dom's now, and
         * translation off would let its DMA bypass dom's P2M.
         */
        ipmmu_utlb_route(m->mmu, fwspec->ids[i], ipmmu_block_ctx, NULL);
        /*
         * One line per port and domain, when its first member arrives:
         * a group assigned one by one (dom0's build) says it once.
         */
        if ( held )
            continue;
        ipmmu_name_partners(m, fwspec->ids[i], dom, IPMMU_WARN_NAMES,
                            &names);
        printk(XENLOG_WARNING "IPMMU: d%u (%s): %s: uTLB %u of %s stays "
               "blocked until every master behind it is assigned to d%u; "
               "it is shared with %s%s: they must be passed through "
               "together\n", dom->d->domain_id, dom->d->name,
               ipmmu_dev_name(m->dev), fwspec->ids[i],
               ipmmu_short_name(m->mmu), dom->d->domain_id, names.list,
               names.more);
    }
}

/* Give m to dom (lock held). */
static int ipmmu_attach_locked(struct ipmmu_master *m,
                               struct ipmmu_domain *dom)
{
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

    list_add_tail(&m->domain_entry, &dom->masters);
    dom->nr_masters++;
    m->owner = dom;
    ipmmu_count_held(m, NULL);
    ipmmu_route_complete_utlbs(m, dom);

    return 0;
}

/*
 * Take m back from its domain (lock held): its uTLBs go to quarantine,
 * or off with iommu=no-quarantine.  A uTLB it shares goes too: m's DMA
 * must not reach the domain through it; the partners that stay with
 * the domain wait until m comes back.
 */
static void ipmmu_detach_locked(struct ipmmu_master *m)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    struct ipmmu_domain *dom = m->owner;
    struct ipmmu_share_names names;
    unsigned int i, all, held;

    list_del_init(&m->domain_entry);
    m->owner = NULL;
    ipmmu_count_held(m, dom);

    for ( i = 0; i < fwspec->num_ids; i++ )
    {
        struct ipmmu_utlb *u = &m->mmu->utlb[fwspec->ids[i]];
        bool was_routed = u->owner == dom;

        if ( u->owner && !was_routed )
            continue;
        /* Partners of m still with dom (m is nobody's now). */
        held = ipmmu_partners_held(m, fwspec->ids[i], &all);
        if ( u->holder != dom )
            held = 0;
        /*
         * Partners still with dom keep the port blocked, even with
         * iommu=no-quarantine: translation off would let their DMA
         * bypass dom's P2M.  Only a port of no domain is unowned.
         */
        if ( held )
            ipmmu_utlb_route(m->mmu, fwspec->ids[i], ipmmu_block_ctx, NULL);
        else
            ipmmu_utlb_unowned(m->mmu, fwspec->ids[i]);
        /* Worth a line unless the whole domain is going away. */
        if ( !was_routed || !held || dom->d->is_dying )
            continue;
        ipmmu_name_partners(m, fwspec->ids[i], dom, IPMMU_WARN_NAMES,
                            &names);
        printk(XENLOG_WARNING "IPMMU: d%u (%s): %s left: its uTLB %u "
               "of %s is blocked again, so are its partners %s%s\n",
               dom->d->domain_id, dom->d->name, ipmmu_dev_name(m->dev),
               fwspec->ids[i], ipmmu_short_name(m->mmu), names.list,
               names.more);
    }

    if ( --dom->nr_masters == 0 )
        ipmmu_domain_put_ctx(dom);
}

static bool is_quarantine(const struct domain *d)
{
    return d == iommu_quarantine_owner() || d->domain_id == DOMID_IO;
}

/*
 * A domain being destroyed has released its devices already (or is about
 * to): one assigned now would outlive its context.
 */
static int ipmmu_refuse_dying(const struct domain *d, struct device *dev)
{
    printk(XENLOG_ERR "IPMMU: cannot assign %s to d%u (%s): the domain is "
           "being destroyed\n", ipmmu_dev_name(dev), d->domain_id, d->name);
    return -EINVAL;
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
    else if ( d->is_dying )
        rc = ipmmu_refuse_dying(d, dev);
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
    /*
     * dom_io has driver state but owns no master: from the quarantine,
     * the device must be in none (and a failed move returns it there).
     */
    struct ipmmu_domain *from = s && !is_quarantine(s) ? to_ipmmu_domain(s)
                                                       : NULL;
    struct ipmmu_domain *to;
    bool away = !t || is_quarantine(t);
    unsigned long flags;
    int rc = 0;

    (void)devfn;
    if ( !m && !ipmmu_root )
        return 0;    /* shut down: the driver let go of every device */
    if ( !m || !m->added )
        return -EINVAL;
    if ( s && m->owner != from )
    {
        printk(XENLOG_ERR "IPMMU: %s: not assigned to %pd\n",
               ipmmu_dev_name(dev), s);
        return -EINVAL;
    }

    to = away ? NULL : to_ipmmu_domain(t);
    if ( !away && !to )
        return -EINVAL;
    if ( to && t->is_dying )
        return ipmmu_refuse_dying(t, dev);

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
    list_del(&m->list);
    spin_unlock_irqrestore(&ipmmu_lock, flags);

    xfree(m);
}

/*
 * Shutdown (lock held): every master the driver still knows, assigned or
 * not, lets go of the instances about to be freed, and its device drops
 * its pointer to the master's record, so that nothing points at them
 * afterwards; the records move to 'gone' for the caller to free once the
 * lock is dropped.
 */
void ipmmu_release_masters_locked(struct list_head *gone)
{
    struct ipmmu_master *m, *next;

    list_for_each_entry_safe(m, next, &ipmmu_masters, list)
    {
        struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);

        if ( m->owner )
        {
            printk(XENLOG_WARNING "IPMMU: shutdown: %s still assigned to "
                   "d%u (%s), taken away\n", ipmmu_dev_name(m->dev),
                   m->owner->d->domain_id, m->owner->d->name);
            ipmmu_detach_locked(m);
        }
        if ( m->added )
            ipmmu_unregister_locked(m);
        if ( fwspec && fwspec->iommu_priv == m )
            fwspec->iommu_priv = NULL;
        list_del(&m->list);
        list_add_tail(&m->list, gone);
    }
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
    struct ipmmu_domain *dom;
    struct ipmmu_master *m, *next;
    unsigned long flags;
    char who[48];

    spin_lock_irqsave(&ipmmu_lock, flags);
    dom = to_ipmmu_domain(d);
    if ( dom )
    {
        /* The core released every device already; be safe if it did not. */
        list_for_each_entry_safe(m, next, &dom->masters, domain_entry)
            ipmmu_detach_locked(m);
        ipmmu_domain_put_ctx(dom);
        snprintf(who, sizeof(who), "d%u (%s)", d->domain_id, d->name);
        ipmmu_fault_log_flush(&dom->faults, who);
        /*
         * Cleared under the lock: a flush or a counter read that races
         * the teardown finds no state rather than freed state.
         */
        dom_iommu(d)->arch.priv = NULL;
    }
    spin_unlock_irqrestore(&ipmmu_lock, flags);

    xfree(dom);
}

static int ipmmu_iotlb_flush(struct domain *d, dfn_t dfn,
                             unsigned long page_count,
                             unsigned int flush_flags)
{
    struct ipmmu_domain *dom;
    unsigned long flags;
    int rc = 0;

    /* No selective invalidation exists: the whole context goes. */
    (void)dfn;
    (void)page_count;
    (void)flush_flags;

    /* Looked up under the lock: teardown frees it under the lock. */
    spin_lock_irqsave(&ipmmu_lock, flags);
    dom = to_ipmmu_domain(d);
    if ( dom && dom->ctx != IPMMU_NONE )
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
