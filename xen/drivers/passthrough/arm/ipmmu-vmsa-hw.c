/*
 * IPMMU-VMSA register sequences: translation contexts in the root, their
 * mirrors in the caches, uTLB routing and TLB flushes.  Callers hold
 * ipmmu_lock.
 *
 * A cache translates for context c only while its own IMCTR(c).MMUEN is
 * set, so each IPMMU counts the uTLBs it routes to each context and
 * enables the context's mirror for as long as that count is not zero.
 */
#include <xen/delay.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <asm/system.h>
#include "ipmmu-vmsa.h"

/* Linux and Xen poll the flush in 1 us steps for at most 100 us. */
#define IPMMU_FLUSH_POLL_US     1
#define IPMMU_FLUSH_TIMEOUT_US  100

/* The value of an enabled context's IMCTR in the root and in a cache. */
#define IMCTR_ROOT_ON   (IMCTR_VA64 | IMCTR_INTEN | IMCTR_MMUEN)
#define IMCTR_CACHE_ON  (IMCTR_INTEN | IMCTR_MMUEN)

uint32_t ipmmu_ctx_read(const struct ipmmu_device *mmu, unsigned int ctx,
                        unsigned int reg)
{
    return ipmmu_raw_read(mmu->base,
                          ipmmu_ctx_offset(mmu->features, ctx, reg));
}

void ipmmu_ctx_write(const struct ipmmu_device *mmu, unsigned int ctx,
                     unsigned int reg, uint32_t val)
{
    ipmmu_raw_write(mmu->base, ipmmu_ctx_offset(mmu->features, ctx, reg),
                    val);
}

uint32_t ipmmu_ctl_read(const struct ipmmu_device *mmu, unsigned int reg)
{
    return ipmmu_raw_read(mmu->base, mmu->features->ctl_base + reg);
}

void ipmmu_ctl_write(const struct ipmmu_device *mmu, unsigned int reg,
                     uint32_t val)
{
    ipmmu_raw_write(mmu->base, mmu->features->ctl_base + reg, val);
}

static void ipmmu_utlb_write(const struct ipmmu_device *mmu,
                             unsigned int reg, uint32_t val)
{
    ipmmu_raw_write(mmu->base, mmu->features->utlb_base + reg, val);
}

/* ---- Contexts ---- */

int ipmmu_ctx_alloc(struct ipmmu_domain *owner)
{
    struct ipmmu_device *root = ipmmu_root;
    unsigned int c;

    /* Context 0 is never handed out. */
    for ( c = 1; c < root->features->nr_contexts; c++ )
    {
        if ( root->ctx_used & (1UL << c) )
            continue;
        root->ctx_used |= 1UL << c;
        root->ctx_owner[c] = owner;
        return c;
    }

    return -EBUSY;
}

/* Poll the root until the flush of ctx is done. */
static int ipmmu_ctx_wait_flush(unsigned int ctx)
{
    unsigned int waited;

    /* The FLUSH write must reach the IPMMU before the first poll reads. */
    dsb(sy);
    for ( waited = 0; ; waited += IPMMU_FLUSH_POLL_US )
    {
        if ( !(ipmmu_ctx_read(ipmmu_root, ctx, IMCTR) & IMCTR_FLUSH) )
            return 0;
        if ( waited >= IPMMU_FLUSH_TIMEOUT_US )
            break;
        udelay(IPMMU_FLUSH_POLL_US);
    }

    printk(XENLOG_ERR "IPMMU: %s: TLB flush of context %u did not complete "
           "within %u us\n", ipmmu_root->name, ctx, IPMMU_FLUSH_TIMEOUT_US);
    return -ETIMEDOUT;
}

int ipmmu_ctx_program(unsigned int ctx, paddr_t table, unsigned int ipa_bits,
                      unsigned int root_level)
{
    struct ipmmu_device *root = ipmmu_root;
    /* Stage-2 format, 4K granule: SL0 says 2 - the start level. */
    uint32_t ttbcr = IMTTBCR_EAE | IMTTBCR_PMB |
                     IMTTBCR_SL0(2 - root_level) |
                     IMTTBCR_TSZ0(64 - ipa_bits);

    ipmmu_ctx_write(root, ctx, IMTTLBR0, (uint32_t)table & IMTTLBR0_MASK);
    ipmmu_ctx_write(root, ctx, IMTTUBR0,
                    (uint32_t)(table >> 32) & IMTTUBR0_MASK);
    ipmmu_ctx_write(root, ctx, IMTTBCR, ttbcr);
    ipmmu_ctx_write(root, ctx, IMSTR, 0);
    /* The flush drops whatever a previous user of ctx left in the TLB. */
    ipmmu_ctx_write(root, ctx, IMCTR, IMCTR_ROOT_ON | IMCTR_FLUSH);

    return ipmmu_ctx_wait_flush(ctx);
}

void ipmmu_ctx_free(unsigned int ctx)
{
    struct ipmmu_device *root = ipmmu_root;

    ipmmu_ctx_write(root, ctx, IMCTR, 0);
    ipmmu_ctx_write(root, ctx, IMSTR, 0);
    ipmmu_ctx_write(root, ctx, IMTTBCR, 0);
    ipmmu_ctx_write(root, ctx, IMTTLBR0, 0);
    ipmmu_ctx_write(root, ctx, IMTTUBR0, 0);
    root->ctx_used &= ~(1UL << ctx);
    root->ctx_owner[ctx] = NULL;
}

int ipmmu_ctx_flush(unsigned int ctx)
{
    struct ipmmu_device *mmu;

    /* The caches' uTLBs hold entries of ctx too. */
    list_for_each_entry(mmu, &ipmmu_devices, list)
        if ( !mmu->is_root && mmu->ctx_refs[ctx] )
            ipmmu_ctx_write(mmu, ctx, IMCTR, IMCTR_CACHE_ON | IMCTR_FLUSH);

    ipmmu_ctx_write(ipmmu_root, ctx, IMCTR, IMCTR_ROOT_ON | IMCTR_FLUSH);

    return ipmmu_ctx_wait_flush(ctx);
}

/* ---- Context mirrors in the caches ---- */

static void ipmmu_mirror_get(struct ipmmu_device *mmu, unsigned int ctx)
{
    if ( mmu->ctx_refs[ctx]++ == 0 && !mmu->is_root )
        ipmmu_ctx_write(mmu, ctx, IMCTR, IMCTR_CACHE_ON);
}

static void ipmmu_mirror_put(struct ipmmu_device *mmu, unsigned int ctx)
{
    if ( --mmu->ctx_refs[ctx] == 0 && !mmu->is_root )
        ipmmu_ctx_write(mmu, ctx, IMCTR, 0);
}

/* ---- uTLBs ---- */

void ipmmu_utlb_route(struct ipmmu_device *mmu, unsigned int utlb,
                      unsigned int ctx, struct ipmmu_domain *owner)
{
    struct ipmmu_utlb *u = &mmu->utlb[utlb];
    unsigned int old = u->ctx;

    u->owner = owner;
    if ( old == ctx )
        return;

    ipmmu_mirror_get(mmu, ctx);
    ipmmu_utlb_write(mmu, IMUASID(utlb), 0);
    /* FLUSH: nothing cached for the previous context may be used. */
    ipmmu_utlb_write(mmu, IMUCTR(utlb),
                     ipmmu_imuctr_ttsel(mmu->features, ctx) |
                     IMUCTR_FLUSH | IMUCTR_MMUEN);
    u->ctx = ctx;
    if ( old != IPMMU_NONE )
        ipmmu_mirror_put(mmu, old);
}

void ipmmu_utlb_disable(struct ipmmu_device *mmu, unsigned int utlb)
{
    struct ipmmu_utlb *u = &mmu->utlb[utlb];

    ipmmu_utlb_write(mmu, IMUCTR(utlb), IMUCTR_FLUSH);
    if ( u->ctx != IPMMU_NONE )
        ipmmu_mirror_put(mmu, u->ctx);
    u->ctx = IPMMU_NONE;
    u->owner = NULL;
}
