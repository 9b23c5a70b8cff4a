/*
 * The root IPMMU's fault interrupt: one console report per faulting
 * context, naming the domain and its devices (or the quarantine), the
 * input address and the reason, then the status is cleared so that the
 * context can record the next fault (the status is sticky until then).
 *
 * A device that keeps faulting must not flood the console: every fault
 * is counted, but each owner (a domain, or "no domain") prints at most
 * IPMMU_FAULT_BURST lines per IPMMU_FAULT_WINDOW_MS, Xen's printk
 * ratelimit defaults, with its own state so that one guest's flood never
 * hides another's faults.  What a window suppressed is summarised in one
 * line when the next window opens, or when the owner goes away.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <asm/device.h>
#include "ipmmu-vmsa.h"

#define IPMMU_FAULT_WINDOW_MS   5000
#define IPMMU_FAULT_BURST       10

struct ipmmu_fault_log ipmmu_nodomain_faults;

static const struct {
    uint32_t bit;
    const char *what;
} ipmmu_fault_kinds[] = {
    { IMSTR_TF, "translation fault (TF)" },
    { IMSTR_PF, "permission fault (PF)" },
    { IMSTR_ABORT, "abort (ABORT)" },
    { IMSTR_MHIT, "multiple TLB hits (MHIT)" },
};

/* Append to buf what the fault bits of status say. */
static void ipmmu_fault_reason(uint32_t status, char *buf, size_t len)
{
    size_t used = 0;
    unsigned int i;

    buf[0] = '\0';
    for ( i = 0; i < ARRAY_SIZE(ipmmu_fault_kinds) && used < len; i++ )
        if ( status & ipmmu_fault_kinds[i].bit )
            used += snprintf(buf + used, len - used, "%s%s",
                             used ? ", " : "", ipmmu_fault_kinds[i].what);
    if ( !used )
        snprintf(buf, len, "unknown status");
}

/* Who context ctx translates for, as text. */
static void ipmmu_fault_owner(unsigned int ctx, char *buf, size_t len)
{
    struct ipmmu_domain *owner = ipmmu_root->ctx_owner[ctx];
    struct ipmmu_master *m;
    size_t used;

    if ( ctx == ipmmu_block_ctx )
    {
        snprintf(buf, len, "quarantine: DMA of a master assigned to no "
                 "domain was blocked");
        return;
    }
    if ( !owner )
    {
        snprintf(buf, len, "no domain");
        return;
    }

    used = snprintf(buf, len, "d%u (%s), devices:", owner->d->domain_id,
                    owner->d->name);
    list_for_each_entry(m, &owner->masters, domain_entry)
    {
        if ( used >= len )
            break;
        used += snprintf(buf + used, len - used, " %s",
                         dt_node_full_name(dev_to_dt(m->dev)));
    }
}

void ipmmu_fault_log_flush(struct ipmmu_fault_log *log, const char *who)
{
    if ( !log->pending )
        return;
    printk(XENLOG_WARNING "IPMMU: %s: %lu DMA fault reports suppressed "
           "(at most %u lines per %u ms); %lu faults in all\n", who,
           log->pending, IPMMU_FAULT_BURST, IPMMU_FAULT_WINDOW_MS,
           log->faults);
    log->pending = 0;
}

/* Count one fault of log's owner; true when its line may be printed. */
static bool ipmmu_fault_ratelimit(struct ipmmu_fault_log *log,
                                  const char *who)
{
    s_time_t now = NOW();

    log->faults++;
    if ( now - log->window_start >= MILLISECS(IPMMU_FAULT_WINDOW_MS) )
    {
        ipmmu_fault_log_flush(log, who);
        log->window_start = now;
        log->window_lines = 0;
    }
    if ( log->window_lines < IPMMU_FAULT_BURST )
    {
        log->window_lines++;
        log->reported++;
        return true;
    }
    log->suppressed++;
    log->pending++;
    return false;
}

/* The log that counts the faults of context ctx, and its owner's name. */
static struct ipmmu_fault_log *ipmmu_ctx_log(unsigned int ctx, char *who,
                                             size_t len)
{
    struct ipmmu_domain *owner = ipmmu_root->ctx_owner[ctx];

    if ( ctx == ipmmu_block_ctx || !owner )
    {
        snprintf(who, len, "no domain");
        return &ipmmu_nodomain_faults;
    }
    snprintf(who, len, "d%u (%s)", owner->d->domain_id, owner->d->name);
    return &owner->faults;
}

/* Report and clear the fault of one context; false when it has none. */
static bool ipmmu_handle_ctx_fault(unsigned int ctx)
{
    struct ipmmu_device *root = ipmmu_root;
    char reason[128], owner[256], who[48];
    struct ipmmu_fault_log *log;
    uint32_t status;
    uint64_t addr;

    status = ipmmu_ctx_read(root, ctx, IMSTR);
    if ( !(status & IMSTR_FAULTS) )
        return false;

    root->ctx_faults[ctx]++;
    log = ipmmu_ctx_log(ctx, who, sizeof(who));
    if ( ipmmu_fault_ratelimit(log, who) )
    {
        addr = ((uint64_t)ipmmu_ctx_read(root, ctx, IMEUAR) << 32) |
               ipmmu_ctx_read(root, ctx, IMELAR);
        ipmmu_fault_reason(status, reason, sizeof(reason));
        ipmmu_fault_owner(ctx, owner, sizeof(owner));

        printk(XENLOG_ERR "IPMMU: %s: context %u: %s at address %#llx "
               "(IMSTR %#x, level %u): %s\n", ipmmu_short_name(root), ctx,
               reason, (unsigned long long)addr, status,
               IMSTR_ERRLVL(status), owner);
    }

    /* Cleared by writing 0: the next fault can then be recorded. */
    ipmmu_ctx_write(root, ctx, IMSTR, 0);
    return true;
}

void ipmmu_fault_irq(int irq, void *dev_id)
{
    unsigned long flags;
    unsigned int ctx;
    bool handled = false;

    spin_lock_irqsave(&ipmmu_lock, flags);

    if ( ipmmu_root && dev_id == ipmmu_root )
        for ( ctx = 0; ctx < ipmmu_root->features->nr_contexts; ctx++ )
            handled |= ipmmu_handle_ctx_fault(ctx);

    if ( !handled && ipmmu_spurious_irqs++ == 0 )
        printk(XENLOG_WARNING "IPMMU: spurious fault interrupt %d (no "
               "context reports a fault); further ones are only counted\n",
               irq);

    spin_unlock_irqrestore(&ipmmu_lock, flags);
}

/* ---- Counters for tools (ipmmu-vmsa-stats.h) ---- */

static void ipmmu_fault_stats_of(const struct ipmmu_fault_log *log,
                                 struct ipmmu_fault_stats *st)
{
    st->faults = log->faults;
    st->reported = log->reported;
    st->suppressed = log->suppressed;
}

int ipmmu_domain_fault_stats(const struct domain *d,
                             struct ipmmu_fault_stats *st)
{
    const struct ipmmu_domain *dom;
    unsigned long flags;
    int rc = -ENODEV;

    /*
     * arch.priv is whichever driver's data set d up: read it as ours only
     * when d's ops are ours.  A live pointer (read under the lock
     * teardown clears it under) means the core has not yet cleared the
     * ops either.
     */
    spin_lock_irqsave(&ipmmu_lock, flags);
    dom = d ? d->iommu.arch.priv : NULL;
    if ( dom && d->iommu.platform_ops == &ipmmu_ops )
    {
        ipmmu_fault_stats_of(&dom->faults, st);
        rc = 0;
    }
    spin_unlock_irqrestore(&ipmmu_lock, flags);

    return rc;
}

void ipmmu_nodomain_fault_stats(struct ipmmu_fault_stats *st)
{
    unsigned long flags;

    spin_lock_irqsave(&ipmmu_lock, flags);
    ipmmu_fault_stats_of(&ipmmu_nodomain_faults, st);
    spin_unlock_irqrestore(&ipmmu_lock, flags);
}

int ipmmu_context_fault_count(unsigned int ctx, unsigned long *count)
{
    unsigned long flags;
    int rc = -EINVAL;

    spin_lock_irqsave(&ipmmu_lock, flags);
    if ( ipmmu_root && ctx < ipmmu_root->features->nr_contexts )
    {
        *count = ipmmu_root->ctx_faults[ctx];
        rc = 0;
    }
    spin_unlock_irqrestore(&ipmmu_lock, flags);

    return rc;
}
