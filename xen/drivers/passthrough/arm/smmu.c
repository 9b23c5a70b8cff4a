/*
 * Arm SMMU (v1/v2) driver: the iommu_ops.
 *
 * Each domain with a device behind an SMMU gets one stage-2 context bank
 * on that SMMU, tagged with the domain's VMID and pointed at the domain's
 * P2M (the SMMU walks the CPU's stage-2 tables).  Each stream of the
 * device matches one stream match entry (SMR) whose S2CR sends it to that
 * bank.  A device known to the driver but assigned to no domain keeps its
 * entries with S2CR type "fault" (quarantine): its DMA faults instead of
 * bypassing translation.
 *
 * A stream match entry is one piece of hardware: masters whose streams
 * share it share its routing, so two domains can never own one entry.
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
#include "smmu.h"

bool smmu_quarantine(void)
{
    return iommu_quarantine != IOMMU_quarantine_none;
}

static struct smmu_master *dev_master(struct device *dev)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);

    return fwspec ? fwspec->iommu_priv : NULL;
}

static struct smmu_domain *to_smmu_domain(struct domain *d)
{
    return d ? dom_iommu(d)->arch.priv : NULL;
}

const char *smmu_dev_name(struct device *dev)
{
    return dt_node_full_name(dev_to_dt(dev));
}

/*
 * Whether t means "take the device away": NULL (upstream Xen's
 * convention) or the quarantine owner, dom_io.
 */
static bool is_quarantine(const struct domain *t)
{
    return !t || t == iommu_quarantine_owner() || t->domain_id == DOMID_IO;
}

/* The valid entry covering fwspec id 'fwid' of a master, or SMMU_NONE. */
static unsigned int master_sme(const struct smmu_device *smmu, uint32_t fwid)
{
    unsigned int conflict;
    int n = smmu_sme_find(smmu, SMMU_FWID_SID(fwid), SMMU_FWID_MASK(fwid),
                          &conflict);

    return n < 0 ? SMMU_NONE : (unsigned int)n;
}

static bool master_uses_sme(struct smmu_master *m, unsigned int n)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    unsigned int i;

    if ( !fwspec || !(m->held_since_add || m->held_since_attach) )
        return false;
    for ( i = 0; i < fwspec->num_ids; i++ )
        if ( master_sme(m->smmu, fwspec->ids[i]) == n )
            return true;

    return false;
}

/* Another master of dom (NULL: any registered one) using entry n. */
static struct smmu_master *sme_partner(struct smmu_device *smmu,
                                       struct smmu_domain *dom,
                                       struct smmu_master *except,
                                       unsigned int n)
{
    struct smmu_master *m;

    list_for_each_entry(m, &smmu->masters, smmu_entry)
        if ( m != except && (!dom || m->owner == dom) &&
             master_uses_sme(m, n) )
            return m;

    return NULL;
}

/* ---- Stream match entries of a master ---- */

/* Drop m's references to its entries, releasing the unused ones. */
static void master_put_streams(struct smmu_master *m, unsigned int upto)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    unsigned int i;

    for ( i = 0; i < upto; i++ )
    {
        unsigned int n = master_sme(m->smmu, fwspec->ids[i]);

        if ( n == SMMU_NONE )
            continue;
        if ( --m->smmu->smes[n].refs == 0 )
            smmu_sme_release(m->smmu, n);
    }
}

/*
 * Take (or share) a stream match entry for every id of m.  A new entry
 * blocks; an entry shared with another master keeps its routing.
 */
static int master_get_streams(struct smmu_master *m)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    struct smmu_device *smmu = m->smmu;
    unsigned int i, conflict;
    int n;

    for ( i = 0; i < fwspec->num_ids; i++ )
    {
        uint16_t sid = SMMU_FWID_SID(fwspec->ids[i]);
        uint16_t mask = SMMU_FWID_MASK(fwspec->ids[i]);

        n = smmu_sme_find(smmu, sid, mask, &conflict);
        if ( n == -EINVAL )
        {
            struct smmu_master *other = sme_partner(smmu, NULL, m,
                                                    conflict);

            printk(XENLOG_ERR "SMMU: %s: stream %#x mask %#x of %s overlaps "
                   "entry %u (stream %#x mask %#x) of %s\n", smmu->name, sid,
                   mask, smmu_dev_name(m->dev), conflict,
                   smmu->smes[conflict].id, smmu->smes[conflict].mask,
                   other ? smmu_dev_name(other->dev) : "another device");
            goto fail;
        }
        if ( n == -ENOENT )
            n = smmu_sme_alloc(smmu, sid, mask);
        if ( n < 0 )
        {
            printk(XENLOG_ERR "SMMU: %s: no free stream match register for "
                   "stream %#x of %s (all %u in use)\n", smmu->name, sid,
                   smmu_dev_name(m->dev), smmu->nr_smes);
            goto fail;
        }
        smmu->smes[n].refs++;
    }

    return 0;

 fail:
    master_put_streams(m, i);
    return n;
}

/*
 * The entry of m's id i, unless an earlier id of m has it too (SMMU_NONE):
 * each entry m uses, once.
 */
static unsigned int master_sme_once(struct smmu_master *m, unsigned int i)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    unsigned int j, n = master_sme(m->smmu, fwspec->ids[i]);

    for ( j = 0; n != SMMU_NONE && j < i; j++ )
        if ( master_sme(m->smmu, fwspec->ids[j]) == n )
            return SMMU_NONE;

    return n;
}

/* m starts (1) or stops (-1) using its entries (lock held). */
static void master_count_users(struct smmu_master *m, int delta)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    unsigned int i, n;

    for ( i = 0; i < fwspec->num_ids; i++ )
        if ( (n = master_sme_once(m, i)) != SMMU_NONE )
            m->smmu->smes[n].users += delta;
}

/* m now belongs to dom (1), or no longer does (-1) (lock held). */
static void master_count_held(struct smmu_master *m, struct smmu_domain *dom,
                              int delta)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    unsigned int i, n;

    for ( i = 0; i < fwspec->num_ids; i++ )
    {
        struct smmu_sme *e;

        if ( (n = master_sme_once(m, i)) == SMMU_NONE )
            continue;
        e = &m->smmu->smes[n];
        if ( delta > 0 )
        {
            ASSERT(!e->holder || e->holder == dom);
            e->holder = dom;
            e->held++;
        }
        else
        {
            ASSERT(e->holder == dom && e->held);
            if ( --e->held == 0 )
                e->holder = NULL;
        }
    }
}

/* Take m's entries and count m among their users. */
static int master_hold_streams(struct smmu_master *m)
{
    int rc = master_get_streams(m);

    if ( !rc )
        master_count_users(m, 1);

    return rc;
}

static void master_release_streams(struct smmu_master *m)
{
    master_count_users(m, -1);
    master_put_streams(m, dev_iommu_fwspec_get(m->dev)->num_ids);
}

/* ---- Devices ---- */

int smmu_master_create(struct device *dev, struct smmu_device *smmu)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
    struct smmu_master *m;
    unsigned long flags;

    if ( !fwspec )
        return -EINVAL;
    m = fwspec->iommu_priv;
    if ( m )
    {
        if ( m->smmu == smmu )
            return 0;
        printk(XENLOG_ERR "SMMU: %s: streams on two SMMUs (%s, %s)\n",
               smmu_dev_name(dev), m->smmu->name, smmu->name);
        return -EINVAL;
    }

    m = xzalloc(struct smmu_master);
    if ( !m )
        return -ENOMEM;
    m->dev = dev;
    m->smmu = smmu;
    INIT_LIST_HEAD(&m->domain_entry);
    spin_lock_irqsave(&smmu_lock, flags);
    list_add_tail(&m->smmu_entry, &smmu->masters);
    spin_unlock_irqrestore(&smmu_lock, flags);
    fwspec->iommu_priv = m;

    return 0;
}

static int smmu_add_id(struct device *dev, uint32_t fwid)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
    unsigned int i;

    for ( i = 0; i < fwspec->num_ids; i++ )
        if ( fwspec->ids[i] == fwid )
            return 0;

    return iommu_fwspec_add_ids(dev, &fwid, 1);
}

static int smmu_dt_xlate(struct device *dev,
                         const struct dt_phandle_args *args)
{
    struct smmu_device *smmu = smmu_find_device(args->np);
    uint32_t sid, mask = 0;
    int rc;

    if ( !dev_iommu_fwspec_get(dev) )
        return -EINVAL;
    if ( !smmu )
    {
        printk(XENLOG_ERR "SMMU: %s: its SMMU %s is not up\n",
               smmu_dev_name(dev), dt_node_full_name(args->np));
        return -ENODEV;
    }
    if ( smmu->legacy )
    {
        printk(XENLOG_ERR "SMMU: %s: iommus names %s, which uses the legacy "
               "mmu-masters binding: one SMMU cannot use both\n",
               smmu_dev_name(dev), smmu->name);
        return -EINVAL;
    }
    if ( args->args_count < 1 || args->args_count > 2 )
    {
        printk(XENLOG_ERR "SMMU: %s: an iommus entry for %s has %d cells, "
               "expected 1 (stream ID) or 2 (stream ID, SMR mask)\n",
               smmu_dev_name(dev), smmu->name, args->args_count);
        return -EINVAL;
    }

    sid = args->args[0];
    if ( args->args_count == 2 )
        mask = args->args[1];
    else
        dt_property_read_u32(args->np, "stream-match-mask", &mask);

    if ( (sid & ~smmu->sid_mask) || (mask & ~smmu->sid_mask) )
    {
        printk(XENLOG_ERR "SMMU: %s: stream %#x mask %#x does not fit the "
               "%u stream ID bits of %s\n", smmu_dev_name(dev), sid, mask,
               (unsigned int)__builtin_popcount(smmu->sid_mask), smmu->name);
        return -EINVAL;
    }

    rc = smmu_master_create(dev, smmu);
    if ( rc )
        return rc;

    return smmu_add_id(dev, SMMU_FWID(sid, mask));
}

int smmu_add_device(uint8_t devfn, struct device *dev)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
    struct smmu_master *m = dev_master(dev);
    unsigned long flags;
    int rc = 0;

    (void)devfn;
    if ( !m || !fwspec->num_ids )
        return -EINVAL;

    spin_lock_irqsave(&smmu_lock, flags);
    if ( !m->added )
    {
        /* Quarantine: the streams are matched, and blocked, from now on. */
        if ( smmu_quarantine() )
            rc = master_hold_streams(m);
        if ( !rc )
        {
            m->held_since_add = smmu_quarantine();
            m->added = true;
        }
    }
    spin_unlock_irqrestore(&smmu_lock, flags);

    return rc;
}

/* Undo add_device (lock held). */
static void smmu_unregister_locked(struct smmu_master *m)
{
    if ( m->held_since_add )
        master_release_streams(m);
    m->held_since_add = false;
    m->added = false;
}

static int smmu_remove_device(uint8_t devfn, struct device *dev)
{
    struct smmu_master *m = dev_master(dev);
    unsigned long flags;
    int rc = 0;

    (void)devfn;
    if ( !m && list_empty(&smmu_devices) )
        return 0;    /* shut down: the driver let go of every device */
    if ( !m )
        return -EINVAL;

    spin_lock_irqsave(&smmu_lock, flags);
    if ( m->owner )
        rc = -EBUSY;
    else if ( m->added )
        smmu_unregister_locked(m);
    spin_unlock_irqrestore(&smmu_lock, flags);

    return rc;
}

/* ---- Domains: context banks ---- */

static struct smmu_ctx *domain_ctx(struct smmu_domain *dom,
                                   struct smmu_device *smmu)
{
    struct smmu_ctx *ctx;

    list_for_each_entry(ctx, &dom->ctxs, entry)
        if ( ctx->smmu == smmu )
            return ctx;

    return NULL;
}

/* Give dom a context bank on smmu pointed at its P2M (lock held). */
static int domain_get_ctx(struct smmu_domain *dom, struct smmu_device *smmu,
                          struct smmu_ctx **out)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(dom->d);
    struct smmu_ctx *ctx;
    paddr_t table;
    int cb, rc;

    *out = domain_ctx(dom, smmu);
    if ( *out )
        return 0;

    if ( !p2m->root )
    {
        printk(XENLOG_ERR "SMMU: d%u has no P2M to share\n",
               dom->d->domain_id);
        return -EINVAL;
    }
    table = page_to_maddr(p2m->root);
    if ( table >> smmu->pa_bits || p2m->ipa_bits > smmu->ipa_bits )
    {
        printk(XENLOG_ERR "SMMU: %s: d%u's P2M (root %#llx, %u-bit IPA) "
               "does not fit its %u-bit input and %u-bit output\n",
               smmu->name, dom->d->domain_id, (unsigned long long)table,
               p2m->ipa_bits, smmu->ipa_bits, smmu->pa_bits);
        return -EINVAL;
    }
    if ( p2m->vmid > 0xff )
    {
        printk(XENLOG_ERR "SMMU: d%u: VMID %u is wider than 8 bits\n",
               dom->d->domain_id, p2m->vmid);
        return -EINVAL;
    }

    ctx = xzalloc(struct smmu_ctx);
    if ( !ctx )
        return -ENOMEM;

    cb = smmu_cb_alloc(smmu, dom);
    if ( cb < 0 )
    {
        printk(XENLOG_ERR "SMMU: %s: no free context bank for d%u (%s): all "
               "%u are in use\n", smmu->name, dom->d->domain_id,
               dom->d->name, smmu->nr_cbs);
        xfree(ctx);
        return cb;
    }

    rc = smmu_cb_program(smmu, cb, p2m->vmid, table, p2m->ipa_bits,
                         p2m->root_level);
    if ( rc )
    {
        smmu_cb_free(smmu, cb);
        xfree(ctx);
        return rc;
    }

    ctx->smmu = smmu;
    ctx->cb = cb;
    list_add_tail(&ctx->entry, &dom->ctxs);
    printk(XENLOG_INFO "SMMU: %s: d%u (%s) uses context bank %u, VMID %u "
           "(P2M root %#llx, %u-bit IPA)\n", smmu->name, dom->d->domain_id,
           dom->d->name, cb, p2m->vmid, (unsigned long long)table,
           p2m->ipa_bits);
    *out = ctx;
    return 0;
}

static void domain_put_ctx(struct smmu_domain *dom, struct smmu_ctx *ctx)
{
    if ( smmu_cb_free(ctx->smmu, ctx->cb) )
        printk(XENLOG_ERR "SMMU: %s: d%u's TLB entries may survive the "
               "release of context bank %u\n", ctx->smmu->name,
               dom->d->domain_id, ctx->cb);
    printk(XENLOG_INFO "SMMU: %s: d%u (%s) released context bank %u\n",
           ctx->smmu->name, dom->d->domain_id, dom->d->name, ctx->cb);
    list_del(&ctx->entry);
    xfree(ctx);
}

/* ---- Domains: masters ---- */

/* A master other than 'except' using entry n that dom does not own. */
static struct smmu_master *sme_outsider(struct smmu_device *smmu,
                                        struct smmu_domain *dom,
                                        struct smmu_master *except,
                                        unsigned int n)
{
    struct smmu_master *m;

    list_for_each_entry(m, &smmu->masters, smmu_entry)
        if ( m != except && m->owner != dom && master_uses_sme(m, n) )
            return m;

    return NULL;
}

/*
 * -EINVAL if a master sharing an entry with m belongs to a domain other
 * than dom: one entry cannot tell its masters apart, so they can only be
 * passed through together, to one domain (as the IPMMU's shared uTLBs).
 * m belongs to no domain yet.
 */
static int check_group(struct smmu_master *m, struct smmu_domain *dom)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    struct smmu_master *other;
    unsigned int i, n;

    for ( i = 0; i < fwspec->num_ids; i++ )
    {
        const struct smmu_sme *e;

        if ( (n = master_sme_once(m, i)) == SMMU_NONE )
            continue;
        e = &m->smmu->smes[n];
        if ( !e->held || e->holder == dom )
            continue;
        /* Named on this error path only: a walk of the masters. */
        other = sme_partner(m->smmu, e->holder, m, n);
        printk(XENLOG_ERR "SMMU: cannot assign %s to d%u (%s): its "
               "stream %#x shares stream match entry %u of %s with %s, "
               "assigned to d%u (%s): they must be passed through "
               "together, to one domain\n", smmu_dev_name(m->dev),
               dom->d->domain_id, dom->d->name,
               SMMU_FWID_SID(fwspec->ids[i]), n, m->smmu->name,
               other ? smmu_dev_name(other->dev) : "another device",
               e->holder->d->domain_id, e->holder->d->name);
        return -EINVAL;
    }

    return 0;
}

/*
 * Route every entry of m (dom's, and counted) to dom's bank cb, except an
 * entry that a master dom does not own also uses: it stays blocked until
 * the group is complete, so that master's DMA never reaches dom.
 */
static void master_route(struct smmu_master *m, unsigned int cb,
                         struct smmu_domain *dom)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    struct smmu_master *missing;
    unsigned int i, n;

    for ( i = 0; i < fwspec->num_ids; i++ )
    {
        const struct smmu_sme *e;

        if ( (n = master_sme_once(m, i)) == SMMU_NONE )
            continue;
        e = &m->smmu->smes[n];
        /* m is a user and one of dom's: the holder is dom. */
        if ( e->users == e->held )
        {
            smmu_sme_route(m->smmu, n, cb, dom);
            continue;
        }
        /*
         * Said once per entry and domain, when its first master arrives
         * (a group assigned one by one, as dom0's build does, says it
         * once); naming who is missing walks the masters then only.
         */
        if ( e->held > 1 )
            continue;
        missing = sme_outsider(m->smmu, dom, m, n);
        printk(XENLOG_WARNING "SMMU: d%u (%s): %s: stream match entry "
               "%u of %s stays blocked until %s, which shares it, is "
               "assigned to d%u too\n", dom->d->domain_id, dom->d->name,
               smmu_dev_name(m->dev), n, m->smmu->name,
               missing ? smmu_dev_name(missing->dev) : "another device",
               dom->d->domain_id);
    }
}

/* Give m to dom (lock held). */
static int smmu_attach_locked(struct smmu_master *m, struct smmu_domain *dom)
{
    struct smmu_ctx *ctx;
    bool new_ctx;
    int rc;

    rc = check_group(m, dom);
    if ( rc )
        return rc;

    new_ctx = !domain_ctx(dom, m->smmu);
    rc = domain_get_ctx(dom, m->smmu, &ctx);
    if ( rc )
        return rc;

    if ( !m->held_since_add )
    {
        rc = master_hold_streams(m);
        if ( rc )
        {
            if ( new_ctx )
                domain_put_ctx(dom, ctx);
            return rc;
        }
        m->held_since_attach = true;
    }

    list_add_tail(&m->domain_entry, &dom->masters);
    ctx->nr_masters++;
    m->owner = dom;
    master_count_held(m, dom, 1);
    master_route(m, ctx->cb, dom);

    return 0;
}

/* Take m back from its domain (lock held). */
static void smmu_detach_locked(struct smmu_master *m)
{
    struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
    struct smmu_domain *dom = m->owner;
    struct smmu_ctx *ctx = domain_ctx(dom, m->smmu);
    unsigned int i, n;

    master_count_held(m, dom, -1);
    for ( i = 0; i < fwspec->num_ids; i++ )
    {
        const struct smmu_sme *e;

        if ( (n = master_sme_once(m, i)) == SMMU_NONE )
            continue;
        e = &m->smmu->smes[n];
        /*
         * m goes to quarantine: an entry it shares is blocked too, so m's
         * DMA cannot reach dom through it; the partners that stay with
         * dom wait until m comes back.
         */
        smmu_sme_route(m->smmu, n, SMMU_NONE, NULL);
        if ( !dom->d->is_dying && e->holder == dom )
            printk(XENLOG_WARNING "SMMU: d%u (%s): %s left: stream match "
                   "entry %u of %s is blocked again, so are the partners "
                   "that share it\n", dom->d->domain_id, dom->d->name,
                   smmu_dev_name(m->dev), n, m->smmu->name);
    }

    if ( m->held_since_attach )
        master_release_streams(m);
    m->held_since_attach = false;

    list_del_init(&m->domain_entry);
    m->owner = NULL;
    if ( ctx && --ctx->nr_masters == 0 )
        domain_put_ctx(dom, ctx);
}

static int smmu_assign_device(struct domain *d, uint8_t devfn,
                              struct device *dev, uint32_t flag)
{
    struct smmu_master *m = dev_master(dev);
    struct smmu_domain *dom;
    unsigned long flags;
    int rc;

    (void)devfn;
    (void)flag;
    if ( !m || !m->added )
        return -EINVAL;

    spin_lock_irqsave(&smmu_lock, flags);
    if ( is_quarantine(d) )
    {
        if ( m->owner )
            smmu_detach_locked(m);
        rc = 0;
    }
    else if ( !(dom = to_smmu_domain(d)) )
        rc = -EINVAL;
    else if ( m->owner == dom )
        rc = 0;
    else if ( m->owner )
    {
        printk(XENLOG_ERR "SMMU: %s already belongs to d%u\n",
               smmu_dev_name(dev), m->owner->d->domain_id);
        rc = -EBUSY;
    }
    else
        rc = smmu_attach_locked(m, dom);
    spin_unlock_irqrestore(&smmu_lock, flags);

    return rc;
}

/*
 * Move a device from s to t.  A NULL t (upstream Xen) or dom_io (the
 * core's quarantine owner today) takes it away: its streams block.
 */
static int smmu_reassign_device(struct domain *s, struct domain *t,
                                uint8_t devfn, struct device *dev)
{
    struct smmu_master *m = dev_master(dev);
    struct smmu_domain *from = is_quarantine(s) ? NULL : to_smmu_domain(s);
    struct smmu_domain *to = is_quarantine(t) ? NULL : to_smmu_domain(t);
    unsigned long flags;
    int rc = 0;

    (void)devfn;
    if ( !m && list_empty(&smmu_devices) )
        return 0;    /* shut down: the driver let go of every device */
    if ( !m || !m->added )
        return -EINVAL;
    /* From the quarantine (dom_io): only a device no domain owns. */
    if ( s && m->owner != from )
        return -EINVAL;
    if ( !is_quarantine(t) && !to )
        return -EINVAL;

    spin_lock_irqsave(&smmu_lock, flags);
    if ( m->owner != to )
    {
        if ( m->owner )
            smmu_detach_locked(m);
        if ( to )
        {
            rc = smmu_attach_locked(m, to);
            /* Leave things as they were. */
            if ( rc && from && smmu_attach_locked(m, from) )
                printk(XENLOG_ERR "SMMU: %s left blocked\n",
                       smmu_dev_name(dev));
        }
    }
    spin_unlock_irqrestore(&smmu_lock, flags);

    return rc;
}

static void smmu_free_fwspec_priv(struct device *dev, void *priv)
{
    struct smmu_master *m = priv;
    unsigned long flags;

    (void)dev;
    spin_lock_irqsave(&smmu_lock, flags);
    if ( m->owner )
        smmu_detach_locked(m);
    if ( m->added )
        smmu_unregister_locked(m);
    list_del(&m->smmu_entry);
    spin_unlock_irqrestore(&smmu_lock, flags);

    xfree(m);
}

/*
 * Shutdown (lock held): every master of smmu, assigned or not, lets go
 * of it before it is freed, and its device drops the pointer to its
 * record, so that a later teardown or removal reaches nothing freed; the
 * records move to 'gone' for the caller to free once the lock is dropped.
 */
void smmu_release_masters_locked(struct smmu_device *smmu,
                                 struct list_head *gone)
{
    struct smmu_master *m, *next;

    list_for_each_entry_safe(m, next, &smmu->masters, smmu_entry)
    {
        struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);

        if ( m->owner )
        {
            printk(XENLOG_WARNING "SMMU: %s: shutdown: %s still assigned to "
                   "d%u (%s), taken away\n", smmu->name,
                   smmu_dev_name(m->dev), m->owner->d->domain_id,
                   m->owner->d->name);
            smmu_detach_locked(m);
        }
        if ( m->added )
            smmu_unregister_locked(m);
        if ( fwspec && fwspec->iommu_priv == m )
            fwspec->iommu_priv = NULL;
        list_del(&m->smmu_entry);
        list_add_tail(&m->smmu_entry, gone);
    }
}

/* ---- Domains: life cycle and flush ---- */

static int smmu_domain_init(struct domain *d)
{
    struct smmu_domain *dom = xzalloc(struct smmu_domain);

    if ( !dom )
        return -ENOMEM;

    dom->d = d;
    INIT_LIST_HEAD(&dom->ctxs);
    INIT_LIST_HEAD(&dom->masters);
    dom_iommu(d)->arch.priv = dom;

    return 0;
}

static void smmu_domain_teardown(struct domain *d)
{
    struct smmu_domain *dom;
    struct smmu_master *m, *next;
    struct smmu_ctx *ctx, *cnext;
    unsigned long flags;

    spin_lock_irqsave(&smmu_lock, flags);
    dom = to_smmu_domain(d);
    if ( dom )
    {
        /* The core released every device already; be safe if it did not. */
        list_for_each_entry_safe(m, next, &dom->masters, domain_entry)
            smmu_detach_locked(m);
        list_for_each_entry_safe(ctx, cnext, &dom->ctxs, entry)
            domain_put_ctx(dom, ctx);
        /*
         * Cleared under the lock: a flush or a counter read racing the
         * teardown finds no state rather than freed state.
         */
        dom_iommu(d)->arch.priv = NULL;
    }
    spin_unlock_irqrestore(&smmu_lock, flags);

    xfree(dom);
}

/* One invalidation of the domain's VMID per SMMU it uses. */
static int smmu_iotlb_flush(struct domain *d, dfn_t dfn,
                            unsigned long page_count,
                            unsigned int flush_flags)
{
    struct smmu_domain *dom;
    struct smmu_ctx *ctx;
    unsigned long flags;
    int rc = 0;

    (void)dfn;
    (void)page_count;
    (void)flush_flags;

    /* Looked up under the lock: teardown frees it under the lock. */
    spin_lock_irqsave(&smmu_lock, flags);
    dom = to_smmu_domain(d);
    if ( dom )
        list_for_each_entry(ctx, &dom->ctxs, entry)
        {
            int err = smmu_tlb_inv_vmid(ctx->smmu,
                                        ctx->smmu->cbs[ctx->cb].vmid);

            if ( err && !rc )
                rc = err;
        }
    spin_unlock_irqrestore(&smmu_lock, flags);

    return rc;
}

int smmu_domain_fault_count(const struct domain *d, unsigned long *count)
{
    const struct smmu_domain *dom;
    unsigned long flags;
    int rc = -ENODEV;

    /* arch.priv is ours only when d's ops are (see the IPMMU's). */
    spin_lock_irqsave(&smmu_lock, flags);
    dom = d ? d->iommu.arch.priv : NULL;
    if ( dom && d->iommu.platform_ops == &smmu_ops )
    {
        *count = dom->faults;
        rc = 0;
    }
    spin_unlock_irqrestore(&smmu_lock, flags);

    return rc;
}

const struct iommu_ops smmu_ops = {
    .page_sizes = (1UL << 12) | (1UL << 21) | (1UL << 30),
    .init = smmu_domain_init,
    .teardown = smmu_domain_teardown,
    .dt_xlate = smmu_dt_xlate,
    .add_device = smmu_add_device,
    .remove_device = smmu_remove_device,
    .assign_device = smmu_assign_device,
    .reassign_device = smmu_reassign_device,
    .map_page = arm_iommu_map_page,
    .unmap_page = arm_iommu_unmap_page,
    .iotlb_flush = smmu_iotlb_flush,
    .free_fwspec_priv = smmu_free_fwspec_priv,
    .shutdown = smmu_shutdown,
};
