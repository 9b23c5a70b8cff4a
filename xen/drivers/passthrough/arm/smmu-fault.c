/*
 * Arm SMMU fault interrupts.  One handler serves every interrupt line of
 * an SMMU (global and context lines may be shared, and SMMUv2 has one
 * context line per bank): it reads the global fault status and the status
 * of every bank, reports each fault (what, address, stream, domain and
 * devices), counts it and clears it.  The status registers are
 * write-one-to-clear.
 *
 * Reports are rate limited per SMMU: SMMU_FAULT_BURST lines a second, the
 * others only counted and summarised when reporting resumes; a device
 * that keeps faulting cannot flood the console.
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <asm/device.h>
#include "smmu.h"

struct fault_bit {
    uint32_t bit;
    const char *what;
};

static const struct fault_bit smmu_cb_faults[] = {
    { FSR_TF, "translation fault (TF)" },
    { FSR_AFF, "access flag fault (AFF)" },
    { FSR_PF, "permission fault (PF)" },
    { FSR_EF, "external fault (EF)" },
    { FSR_TLBMCF, "TLB match conflict (TLBMCF)" },
    { FSR_TLBLKF, "TLB lock fault (TLBLKF)" },
    { FSR_ASF, "address size fault (ASF)" },
    { FSR_UUT, "unsupported upstream transaction (UUT)" },
    { FSR_SS, "stalled (SS)" },
    { FSR_MULTI, "multiple faults (MULTI)" },
};

static const struct fault_bit smmu_global_faults[] = {
    { sGFSR_ICF, "invalid context fault (ICF)" },
    { sGFSR_USF, "unidentified stream fault (USF)" },
    { sGFSR_SMCF, "stream match conflict (SMCF)" },
    { sGFSR_UCBF, "unimplemented context bank fault (UCBF)" },
    { sGFSR_UCIF, "unimplemented context interrupt fault (UCIF)" },
    { sGFSR_CAF, "configuration access fault (CAF)" },
    { sGFSR_EF, "external fault (EF)" },
    { sGFSR_PF, "permission fault (PF)" },
    { sGFSR_UUT, "unsupported upstream transaction (UUT)" },
    { sGFSR_MULTI, "multiple faults (MULTI)" },
};

static void fault_reasons(const struct fault_bit *bits, unsigned int n,
                          uint32_t status, char *buf, size_t len)
{
    size_t used = 0;
    unsigned int i;

    buf[0] = '\0';
    for ( i = 0; i < n && used < len; i++ )
        if ( status & bits[i].bit )
            used += snprintf(buf + used, len - used, "%s%s",
                             used ? ", " : "", bits[i].what);
    if ( !used )
        snprintf(buf, len, "unknown status");
}

/* Whether one more report may be printed now (lock held). */
static bool smmu_report_allowed(struct smmu_device *smmu)
{
    s_time_t now = NOW();

    if ( !smmu->reports || now - smmu->report_window >= SECONDS(1) )
    {
        if ( smmu->suppressed )
            printk(XENLOG_WARNING "SMMU: %s: %lu fault reports suppressed\n",
                   smmu->name, smmu->suppressed);
        smmu->suppressed = 0;
        smmu->report_window = now;
        smmu->reports = 0;
    }
    if ( smmu->reports < SMMU_FAULT_BURST )
    {
        smmu->reports++;
        return true;
    }
    smmu->suppressed++;
    return false;
}

/* Who stream sid belongs to, as text. */
static void stream_owner(struct smmu_device *smmu, uint32_t sid, char *buf,
                         size_t len)
{
    struct smmu_master *m;
    unsigned int conflict;
    int n = smmu_sme_find(smmu, sid, 0, &conflict);
    struct smmu_sme *e = n >= 0 ? &smmu->smes[n] : NULL;
    size_t used;

    if ( e && e->owner )
        used = snprintf(buf, len, "d%u (%s)", e->owner->d->domain_id,
                        e->owner->d->name);
    else if ( e )
        used = snprintf(buf, len, "blocked (assigned to no domain)");
    else
        used = snprintf(buf, len, "no stream match entry");

    list_for_each_entry(m, &smmu->masters, smmu_entry)
    {
        struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(m->dev);
        unsigned int i;

        for ( i = 0; fwspec && i < fwspec->num_ids && used < len; i++ )
        {
            uint32_t id = fwspec->ids[i];

            if ( (sid & ~SMMU_FWID_MASK(id)) ==
                 (SMMU_FWID_SID(id) & ~SMMU_FWID_MASK(id)) )
            {
                used += snprintf(buf + used, len - used, ", %s",
                                 smmu_dev_name(m->dev));
                break;
            }
        }
    }
}

static bool smmu_cb_fault(struct smmu_device *smmu, unsigned int cb)
{
    struct smmu_domain *owner = smmu->cbs[cb].owner;
    char reason[160], who[256];
    uint32_t fsr, fsynr0, sid;
    uint64_t far;

    fsr = smmu_cb_read(smmu, cb, SMMU_CB_FSR);
    if ( !(fsr & FSR_FAULTS) )
        return false;

    far = ((uint64_t)smmu_cb_read(smmu, cb, SMMU_CB_FAR_HI) << 32) |
          smmu_cb_read(smmu, cb, SMMU_CB_FAR_LO);
    fsynr0 = smmu_cb_read(smmu, cb, SMMU_CB_FSYNR0);
    sid = CBFRSYNRA_SID(smmu_gr1_read(smmu, SMMU_GR1_CBFRSYNRA(cb)));
    if ( owner )
        owner->faults++;

    if ( smmu_report_allowed(smmu) )
    {
        fault_reasons(smmu_cb_faults, ARRAY_SIZE(smmu_cb_faults), fsr,
                      reason, sizeof(reason));
        stream_owner(smmu, sid, who, sizeof(who));
        printk(XENLOG_ERR "SMMU: %s: context bank %u: %s on %s at address "
               "%#llx, stream %#x (FSR %#x, FSYNR0 %#x, level %u): %s\n",
               smmu->name, cb, reason,
               fsynr0 & FSYNR0_WNR ? "write" : "read",
               (unsigned long long)far, sid, fsr, fsynr0,
               FSYNR0_PLVL(fsynr0), owner ? who : "no domain");
    }

    smmu_cb_write(smmu, cb, SMMU_CB_FSR, fsr);
    return true;
}

static bool smmu_global_fault(struct smmu_device *smmu)
{
    char reason[200], who[256];
    uint32_t gfsr, syn0, syn1, sid;
    uint64_t gfar;

    gfsr = smmu_gr0_read(smmu, SMMU_GR0_sGFSR);
    if ( !(gfsr & sGFSR_FAULTS) )
        return false;

    syn0 = smmu_gr0_read(smmu, SMMU_GR0_sGFSYNR0);
    syn1 = smmu_gr0_read(smmu, SMMU_GR0_sGFSYNR1);
    gfar = ((uint64_t)smmu_gr0_read(smmu, SMMU_GR0_sGFAR + 4) << 32) |
           smmu_gr0_read(smmu, SMMU_GR0_sGFAR);
    sid = sGFSYNR1_SID(syn1);
    smmu->global_faults++;

    if ( smmu_report_allowed(smmu) )
    {
        fault_reasons(smmu_global_faults, ARRAY_SIZE(smmu_global_faults),
                      gfsr, reason, sizeof(reason));
        stream_owner(smmu, sid, who, sizeof(who));
        printk(XENLOG_ERR "SMMU: %s: global fault: %s on %s at address "
               "%#llx, stream %#x (sGFSR %#x, sGFSYNR0 %#x, sGFSYNR1 %#x): "
               "%s\n", smmu->name, reason,
               syn0 & sGFSYNR0_WNR ? "write" : "read",
               (unsigned long long)gfar, sid, gfsr, syn0, syn1, who);
    }

    smmu_gr0_write(smmu, SMMU_GR0_sGFSR, gfsr);
    return true;
}

void smmu_irq(int irq, void *dev_id)
{
    struct smmu_device *smmu = dev_id;
    unsigned long flags;
    unsigned int cb;
    bool handled;

    spin_lock_irqsave(&smmu_lock, flags);

    handled = smmu_global_fault(smmu);
    for ( cb = 0; cb < smmu->nr_cbs; cb++ )
        handled |= smmu_cb_fault(smmu, cb);

    if ( !handled && smmu->spurious_irqs++ == 0 )
        printk(XENLOG_WARNING "SMMU: %s: spurious interrupt %d (no fault "
               "recorded); further ones are only counted\n", smmu->name,
               irq);

    spin_unlock_irqrestore(&smmu_lock, flags);
}
