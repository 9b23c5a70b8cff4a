/*
 * The root IPMMU's fault interrupt: one console report per faulting
 * context, naming the domain and its devices (or the quarantine), the
 * input address and the reason, then the status is cleared so that the
 * context can record the next fault (the status is sticky until then).
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/device.h>
#include "ipmmu-vmsa.h"

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

/* Report and clear the fault of one context; false when it has none. */
static bool ipmmu_handle_ctx_fault(unsigned int ctx)
{
    struct ipmmu_device *root = ipmmu_root;
    char reason[128], owner[256];
    uint32_t status;
    uint64_t addr;

    status = ipmmu_ctx_read(root, ctx, IMSTR);
    if ( !(status & IMSTR_FAULTS) )
        return false;

    addr = ((uint64_t)ipmmu_ctx_read(root, ctx, IMEUAR) << 32) |
           ipmmu_ctx_read(root, ctx, IMELAR);
    ipmmu_fault_reason(status, reason, sizeof(reason));
    ipmmu_fault_owner(ctx, owner, sizeof(owner));

    printk(XENLOG_ERR "IPMMU: %s: context %u: %s at address %#llx "
           "(IMSTR %#x, level %u): %s\n", ipmmu_short_name(root), ctx,
           reason, (unsigned long long)addr, status, IMSTR_ERRLVL(status),
           owner);

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
