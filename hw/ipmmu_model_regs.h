#ifndef HW_IPMMU_MODEL_REGS_H
#define HW_IPMMU_MODEL_REGS_H

/*
 * IPMMU-VMSA register offsets and fields, as the model decodes them
 * (hardware.md sections 2 and 3).  Offsets inside a block; the block bases
 * depend on the generation (see struct ipmmu_model_layout).
 */

/* Per context, from the context's base. */
#define IPMMU_IMCTR             0x00
#define IPMMU_IMTTBCR           0x08
#define IPMMU_IMTTLBR0          0x10
#define IPMMU_IMTTUBR0          0x14
#define IPMMU_IMSTR             0x20
#define IPMMU_IMMAIR0           0x28
#define IPMMU_IMELAR            0x30
#define IPMMU_IMEUAR            0x34
#define IPMMU_CTX_BLOCK_SIZE    0x40
#define IPMMU_CTX_HIGH_EXTRA    0x600   /* contexts >= 8 */

#define IPMMU_IMCTR_VA64        (1U << 29)
#define IPMMU_IMCTR_TRE         (1U << 17)
#define IPMMU_IMCTR_AFE         (1U << 16)
#define IPMMU_IMCTR_INTEN       (1U << 2)
#define IPMMU_IMCTR_FLUSH       (1U << 1)
#define IPMMU_IMCTR_MMUEN       (1U << 0)
#define IPMMU_IMCTR_ROOT_BITS   (IPMMU_IMCTR_VA64 | IPMMU_IMCTR_TRE | \
                                 IPMMU_IMCTR_AFE | IPMMU_IMCTR_INTEN | \
                                 IPMMU_IMCTR_MMUEN)
#define IPMMU_IMCTR_CACHE_BITS  (IPMMU_IMCTR_INTEN | IPMMU_IMCTR_MMUEN)

#define IPMMU_IMTTBCR_EAE       (1U << 31)
#define IPMMU_IMTTBCR_PMB       (1U << 30)
#define IPMMU_IMTTBCR_SL0(x)    ((unsigned int)(x) << 6)
#define IPMMU_IMTTBCR_TSZ0(x)   ((unsigned int)(x) & 0x1f)

#define IPMMU_IMTTLBR0_MASK     0xfffff000U
#define IPMMU_IMTTUBR0_MASK     0x000000ffU

#define IPMMU_IMSTR_ERRLVL_SHIFT 12
#define IPMMU_IMSTR_ERRLVL(x)   (((x) >> 12) & 3)
#define IPMMU_IMSTR_ERRCODE(x)  (((x) >> 8) & 7)
#define IPMMU_IMSTR_MHIT        (1U << 4)
#define IPMMU_IMSTR_ABORT       (1U << 2)
#define IPMMU_IMSTR_PF          (1U << 1)
#define IPMMU_IMSTR_TF          (1U << 0)

/* Per uTLB, from the uTLB base. */
#define IPMMU_IMUCTR_LOW(n)     (0x300 + 16 * (n))          /* n < 32 */
#define IPMMU_IMUCTR_HIGH(n)    (0x600 + 16 * ((n) - 32))   /* n >= 32 */
#define IPMMU_IMUCTR(n)         ((n) < 32 ? IPMMU_IMUCTR_LOW(n) \
                                          : IPMMU_IMUCTR_HIGH(n))
#define IPMMU_IMUASID(n)        (IPMMU_IMUCTR(n) + 8)

#define IPMMU_IMUCTR_FIXADDEN   (1U << 31)
#define IPMMU_IMUCTR_FIXADD_MASK (0xffU << 16)
#define IPMMU_IMUCTR_TTSEL_SHIFT 4
#define IPMMU_IMUCTR_FLUSH      (1U << 1)
#define IPMMU_IMUCTR_MMUEN      (1U << 0)
#define IPMMU_IMUASID_MASK      0xffffU

/* Global, from the control base. */
#define IPMMU_IMSCTLR           0x500
#define IPMMU_IMSAUXCTLR        0x504
#define IPMMU_IMSCTLR_USE_SECGRP (1U << 28)
#define IPMMU_IMSAUXCTLR_S2PTE  (1U << 3)

#endif /* HW_IPMMU_MODEL_REGS_H */
