#ifndef IPMMU_VMSA_REGS_H
#define IPMMU_VMSA_REGS_H

/*
 * IPMMU-VMSA registers: offsets, fields, the per-generation layout and one
 * tiny accessor per register block (global control, context, uTLB), so
 * that the driver body reads "enable uTLB n for context c" rather than
 * offsets.  All registers are 32 bits wide and accessed as such.
 */
#include <xen/types.h>
#include <asm/io.h>

/* Per context, from the context's base. */
#define IMCTR                   0x00
#define IMTTBCR                 0x08
#define IMTTLBR0                0x10
#define IMTTUBR0                0x14
#define IMSTR                   0x20
#define IMELAR                  0x30
#define IMEUAR                  0x34

#define IMCTR_VA64              (1U << 29)
#define IMCTR_INTEN             (1U << 2)
#define IMCTR_FLUSH             (1U << 1)
#define IMCTR_MMUEN             (1U << 0)

#define IMTTBCR_EAE             (1U << 31)
#define IMTTBCR_PMB             (1U << 30)
#define IMTTBCR_SL0(x)          (((uint32_t)(x) & 3) << 6)
#define IMTTBCR_TSZ0(x)         ((uint32_t)(x) & 0x1f)

#define IMTTLBR0_MASK           0xfffff000U
#define IMTTUBR0_MASK           0x000000ffU

#define IMSTR_ERRLVL(x)         (((x) >> 12) & 3)
#define IMSTR_ERRCODE(x)        (((x) >> 8) & 7)
#define IMSTR_MHIT              (1U << 4)
#define IMSTR_ABORT             (1U << 2)
#define IMSTR_PF                (1U << 1)
#define IMSTR_TF                (1U << 0)
#define IMSTR_FAULTS            (IMSTR_MHIT | IMSTR_ABORT | IMSTR_PF | \
                                 IMSTR_TF)

/* Per uTLB, from the uTLB base: two banks of 16-byte slots. */
#define IMUCTR(n)               ((n) < 32 ? 0x300 + 16 * (n) \
                                          : 0x600 + 16 * ((n) - 32))
#define IMUASID(n)              (IMUCTR(n) + 8)

#define IMUCTR_TTSEL_SHIFT      4
#define IMUCTR_FLUSH            (1U << 1)
#define IMUCTR_MMUEN            (1U << 0)

/* Global, from the control base. */
#define IMSCTLR                 0x500
#define IMSAUXCTLR              0x504

#define IMSCTLR_USE_SECGRP      (1U << 28)
#define IMSAUXCTLR_S2PTE        (1U << 3)

/* Contexts 8 and up sit a further 0x600 above the regular stride. */
#define IPMMU_CTX_HIGH_FIRST    8
#define IPMMU_CTX_HIGH_OFFSET   0x600

#define IPMMU_MAX_CONTEXTS      16
#define IPMMU_MAX_UTLBS         64

/* What differs between Gen3 and Gen4 (hardware.md section 2). */
struct ipmmu_features {
    const char *name;                /* "Gen3" */
    unsigned int nr_contexts;
    unsigned int nr_utlbs;
    unsigned int ctx_base;
    unsigned int ctx_stride;
    unsigned int utlb_base;
    unsigned int ctl_base;
    unsigned int ttsel_bits;         /* IMUCTR.TTSEL width from bit 4 */
    paddr_t mmio_size;               /* register window the layout needs */
};

static inline unsigned int ipmmu_ctx_offset(const struct ipmmu_features *f,
                                            unsigned int ctx,
                                            unsigned int reg)
{
    unsigned int off = f->ctx_base + ctx * f->ctx_stride + reg;

    if ( ctx >= IPMMU_CTX_HIGH_FIRST )
        off += IPMMU_CTX_HIGH_OFFSET;

    return off;
}

static inline uint32_t ipmmu_imuctr_ttsel(const struct ipmmu_features *f,
                                          unsigned int ctx)
{
    uint32_t mask = (1U << f->ttsel_bits) - 1;

    return (ctx & mask) << IMUCTR_TTSEL_SHIFT;
}

/* Raw access to one IPMMU's window. */
static inline uint32_t ipmmu_raw_read(void *base, unsigned int off)
{
    return readl((char *)base + off);
}

static inline void ipmmu_raw_write(void *base, unsigned int off, uint32_t v)
{
    writel(v, (char *)base + off);
}

#endif /* IPMMU_VMSA_REGS_H */
