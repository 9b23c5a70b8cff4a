/*
 * Arm SMMU register sequences: stream match entries, stage-2 context
 * banks and TLB invalidation.  Callers hold smmu_lock.
 *
 * A stream reaches a context bank only through a valid SMR whose S2CR
 * says "translate in bank n"; every other S2CR of ours says "fault", and
 * sCR0.USFCFG makes a stream that no SMR matches fault too.  So an entry
 * is made valid only after its S2CR blocks, and its S2CR is only reset
 * after the SMR stopped matching.
 *
 * The TLB is tagged by VMID: a bank's VMID is invalidated before the bank
 * translates and after it stops, so that a VMID handed to another domain
 * later finds nothing left behind.
 */
#include <xen/delay.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <asm/io.h>
#include "smmu.h"

/* Linux polls a sync for at most a second, backing off; so do we. */
#define SMMU_SYNC_TIMEOUT_US    1000000
#define SMMU_SYNC_MAX_STEP_US   1024

static void *smmu_page(const struct smmu_device *smmu, unsigned int page)
{
    return (char *)smmu->base + ((paddr_t)page << smmu->pgshift);
}

uint32_t smmu_gr0_read(const struct smmu_device *smmu, unsigned int off)
{
    return readl((char *)smmu_page(smmu, 0) + off);
}

void smmu_gr0_write(const struct smmu_device *smmu, unsigned int off,
                    uint32_t val)
{
    writel(val, (char *)smmu_page(smmu, 0) + off);
}

uint32_t smmu_gr1_read(const struct smmu_device *smmu, unsigned int off)
{
    return readl((char *)smmu_page(smmu, 1) + off);
}

void smmu_gr1_write(const struct smmu_device *smmu, unsigned int off,
                    uint32_t val)
{
    writel(val, (char *)smmu_page(smmu, 1) + off);
}

/* Context bank pages follow the global half. */
uint32_t smmu_cb_read(const struct smmu_device *smmu, unsigned int cb,
                      unsigned int off)
{
    return readl((char *)smmu_page(smmu, smmu->numpage + cb) + off);
}

void smmu_cb_write(const struct smmu_device *smmu, unsigned int cb,
                   unsigned int off, uint32_t val)
{
    writel(val, (char *)smmu_page(smmu, smmu->numpage + cb) + off);
}

/* ---- TLB ---- */

static int smmu_tlb_sync(struct smmu_device *smmu)
{
    unsigned int waited = 0, step = 1;

    smmu_gr0_write(smmu, SMMU_GR0_sTLBGSYNC, 0);
    for ( ; ; )
    {
        if ( !(smmu_gr0_read(smmu, SMMU_GR0_sTLBGSTATUS) &
               sTLBGSTATUS_GSACTIVE) )
            return 0;
        if ( waited >= SMMU_SYNC_TIMEOUT_US )
            break;
        udelay(step);
        waited += step;
        if ( step < SMMU_SYNC_MAX_STEP_US )
            step <<= 1;
    }

    printk(XENLOG_ERR "SMMU: %s: TLB sync did not complete within %u us\n",
           smmu->name, SMMU_SYNC_TIMEOUT_US);
    return -ETIMEDOUT;
}

int smmu_tlb_inv_vmid(struct smmu_device *smmu, uint16_t vmid)
{
    smmu_gr0_write(smmu, SMMU_GR0_TLBIVMID, vmid);
    return smmu_tlb_sync(smmu);
}

int smmu_tlb_inv_all(struct smmu_device *smmu)
{
    smmu_gr0_write(smmu, SMMU_GR0_TLBIALLNSNH, 0);
    smmu_gr0_write(smmu, SMMU_GR0_TLBIALLH, 0);
    return smmu_tlb_sync(smmu);
}

/* ---- Stream match entries ---- */

int smmu_sme_find(const struct smmu_device *smmu, uint16_t id,
                  uint16_t mask, unsigned int *conflict)
{
    unsigned int n;

    for ( n = 0; n < smmu->nr_smes; n++ )
    {
        const struct smmu_sme *e = &smmu->smes[n];

        if ( !e->valid )
            continue;
        /* Every stream (id, mask) matches, e matches too. */
        if ( smmu_smr_covers(e->id, e->mask, id, mask) )
            return n;
        /* Some stream both match: two entries would match it. */
        if ( !((id ^ e->id) & ~(mask | e->mask)) )
        {
            *conflict = n;
            return -EINVAL;
        }
    }

    return -ENOENT;
}

int smmu_sme_alloc(struct smmu_device *smmu, uint16_t id, uint16_t mask)
{
    unsigned int n;

    for ( n = 0; n < smmu->nr_smes; n++ )
    {
        struct smmu_sme *e = &smmu->smes[n];

        if ( e->valid )
            continue;

        e->id = id;
        e->mask = mask;
        e->valid = true;
        e->refs = 0;
        e->cb = SMMU_NONE;
        e->owner = NULL;
        /* The S2CR blocks before the SMR matches anything. */
        smmu_gr0_write(smmu, SMMU_GR0_S2CR(n), S2CR_TYPE_FAULT);
        smmu_gr0_write(smmu, SMMU_GR0_SMR(n),
                       SMR_VALID | ((uint32_t)mask << SMR_MASK_SHIFT) | id);
        return n;
    }

    return -ENOSPC;
}

void smmu_sme_route(struct smmu_device *smmu, unsigned int n,
                    unsigned int cb, struct smmu_domain *owner)
{
    struct smmu_sme *e = &smmu->smes[n];

    e->owner = cb == SMMU_NONE ? NULL : owner;
    if ( e->cb == cb )
        return;
    e->cb = cb;
    smmu_gr0_write(smmu, SMMU_GR0_S2CR(n),
                   cb == SMMU_NONE ? S2CR_TYPE_FAULT
                                   : S2CR_TYPE_TRANS | S2CR_CBNDX(cb));
}

void smmu_sme_release(struct smmu_device *smmu, unsigned int n)
{
    struct smmu_sme *e = &smmu->smes[n];

    /* The SMR stops matching before its S2CR changes. */
    smmu_gr0_write(smmu, SMMU_GR0_SMR(n), 0);
    smmu_gr0_write(smmu, SMMU_GR0_S2CR(n), S2CR_TYPE_FAULT);
    e->valid = false;
    e->refs = 0;
    e->cb = SMMU_NONE;
    e->owner = NULL;
}

/* ---- Context banks ---- */

int smmu_cb_alloc(struct smmu_device *smmu, struct smmu_domain *owner)
{
    unsigned int cb;

    for ( cb = 0; cb < smmu->nr_cbs; cb++ )
    {
        if ( smmu->cbs[cb].owner )
            continue;
        smmu->cbs[cb].owner = owner;
        return cb;
    }

    return -EBUSY;
}

void smmu_cb_disable(struct smmu_device *smmu, unsigned int cb)
{
    smmu_cb_write(smmu, cb, SMMU_CB_SCTLR, 0);
    /* FSR is write-one-to-clear. */
    smmu_cb_write(smmu, cb, SMMU_CB_FSR, FSR_FAULTS);
}

/* The stage-2 TCR for the P2M's geometry (4K granule, WBWA, IS). */
static uint32_t smmu_s2_tcr(const struct smmu_device *smmu,
                            unsigned int ipa_bits, unsigned int root_level)
{
    uint32_t tcr = S2TCR_RES1 | S2TCR_TG0_4K | S2TCR_SH0_IS |
                   S2TCR_ORGN0_WBWA | S2TCR_IRGN0_WBWA |
                   S2TCR_SL0(2 - root_level);

    if ( smmu->data->version >= 2 )
    {
        /* AArch64 format: T0SZ = 64 - IPA bits, PS = output size. */
        int ps = smmu_addr_size_enc(smmu->pa_bits);

        tcr |= S2TCR_T0SZ(64 - ipa_bits) | S2TCR_PS(ps < 0 ? 0 : ps);
    }
    else
        /* AArch32 LPAE: a signed 5-bit T0SZ = 32 - IPA bits. */
        tcr |= (uint32_t)(32 - (int)ipa_bits) & 0x1f;

    return tcr;
}

int smmu_cb_program(struct smmu_device *smmu, unsigned int cb, uint16_t vmid,
                    paddr_t table, unsigned int ipa_bits,
                    unsigned int root_level)
{
    uint32_t cbar = CBAR_TYPE_S2_TRANS | CBAR_VMID(vmid);
    int rc;

    smmu_cb_disable(smmu, cb);
    /* Nothing an earlier holder of this VMID left may be used. */
    rc = smmu_tlb_inv_vmid(smmu, vmid);
    if ( rc )
        return rc;

    if ( smmu->data->version < 2 )
        cbar |= CBAR_IRPTNDX(cb % smmu->nr_ctx_irqs);
    else
        smmu_gr1_write(smmu, SMMU_GR1_CBA2R(cb), CBA2R_VA64);
    smmu_gr1_write(smmu, SMMU_GR1_CBAR(cb), cbar);

    smmu_cb_write(smmu, cb, SMMU_CB_TTBR0_LO, (uint32_t)table);
    smmu_cb_write(smmu, cb, SMMU_CB_TTBR0_HI, (uint32_t)(table >> 32));
    smmu_cb_write(smmu, cb, SMMU_CB_TCR,
                  smmu_s2_tcr(smmu, ipa_bits, root_level));
    /* Translate; faults terminate the access and are reported. */
    smmu_cb_write(smmu, cb, SMMU_CB_SCTLR, SCTLR_CFIE | SCTLR_CFRE | SCTLR_M);
    smmu->cbs[cb].vmid = vmid;

    return 0;
}

int smmu_cb_free(struct smmu_device *smmu, unsigned int cb)
{
    int rc;

    smmu_cb_disable(smmu, cb);
    rc = smmu_tlb_inv_vmid(smmu, smmu->cbs[cb].vmid);
    smmu_gr1_write(smmu, SMMU_GR1_CBAR(cb), 0);
    smmu_cb_write(smmu, cb, SMMU_CB_TCR, 0);
    smmu_cb_write(smmu, cb, SMMU_CB_TTBR0_LO, 0);
    smmu_cb_write(smmu, cb, SMMU_CB_TTBR0_HI, 0);
    smmu->cbs[cb].owner = NULL;
    smmu->cbs[cb].vmid = 0;

    return rc;
}
