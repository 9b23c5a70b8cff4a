#ifndef ARM_SMMU_REGS_H
#define ARM_SMMU_REGS_H

/*
 * Arm SMMU architecture v1/v2 registers (MMU-400, MMU-401, MMU-500):
 * offsets and fields of the pages the driver uses.
 *
 * The register file is two halves of equal size.  The first holds the
 * global pages (GR0 at page 0, GR1 at page 1); the second holds one page
 * per context bank.  A page is 4K or 64K (ID1.PAGESIZE) and a half has
 * 2^(NUMPAGENDXB + 1) pages.  Every register is accessed 32 bits at a
 * time; 64-bit registers as two halves, low word first.
 */
#include <xen/lib.h>
#include <xen/types.h>

/* ---- Global register space 0 (GR0) ---- */
#define SMMU_GR0_sCR0           0x000
#define SMMU_GR0_ID0            0x020
#define SMMU_GR0_ID1            0x024
#define SMMU_GR0_ID2            0x028
#define SMMU_GR0_ID7            0x03c
#define SMMU_GR0_sGFAR          0x040       /* 64 bits */
#define SMMU_GR0_sGFSR          0x048
#define SMMU_GR0_sGFSYNR0       0x050
#define SMMU_GR0_sGFSYNR1       0x054
#define SMMU_GR0_sGFSYNR2       0x058
#define SMMU_GR0_TLBIVMID       0x064
#define SMMU_GR0_TLBIALLNSNH    0x068
#define SMMU_GR0_TLBIALLH       0x06c
#define SMMU_GR0_sTLBGSYNC      0x070
#define SMMU_GR0_sTLBGSTATUS    0x074
#define SMMU_GR0_SMR(n)         (0x800 + 4 * (n))
#define SMMU_GR0_S2CR(n)        (0xc00 + 4 * (n))

#define sCR0_CLIENTPD           (1U << 0)
#define sCR0_GFRE               (1U << 1)
#define sCR0_GFIE               (1U << 2)
#define sCR0_GCFGFRE            (1U << 4)
#define sCR0_GCFGFIE            (1U << 5)
#define sCR0_USFCFG             (1U << 10)
#define sCR0_VMIDPNE            (1U << 11)
#define sCR0_PTM                (1U << 12)
#define sCR0_FB                 (1U << 13)
#define sCR0_BSU_MASK           (3U << 14)

#define ID0_S1TS                (1U << 30)
#define ID0_S2TS                (1U << 29)
#define ID0_NTS                 (1U << 28)
#define ID0_SMS                 (1U << 27)
#define ID0_NUMIRPT(v)          (((v) >> 16) & 0xff)
#define ID0_NUMSIDB(v)          (((v) >> 9) & 0xf)
#define ID0_EXIDS               (1U << 8)
#define ID0_NUMSMRG(v)          ((v) & 0xff)

#define ID1_PAGESIZE            (1U << 31)  /* 0: 4K pages, 1: 64K */
#define ID1_NUMPAGENDXB(v)      (((v) >> 28) & 0x7)
#define ID1_NUMS2CB(v)          (((v) >> 16) & 0xff)
#define ID1_NUMCB(v)            ((v) & 0xff)

#define ID2_VMID16              (1U << 15)
#define ID2_PTFS_4K             (1U << 12)  /* SMMUv2 only */
#define ID2_OAS(v)              (((v) >> 4) & 0xf)
#define ID2_IAS(v)              ((v) & 0xf)

#define ID7_MAJOR(v)            (((v) >> 4) & 0xf)
#define ID7_MINOR(v)            ((v) & 0xf)

#define sGFSR_ICF               (1U << 0)
#define sGFSR_USF               (1U << 1)
#define sGFSR_SMCF              (1U << 2)
#define sGFSR_UCBF              (1U << 3)
#define sGFSR_UCIF              (1U << 4)
#define sGFSR_CAF               (1U << 5)
#define sGFSR_EF                (1U << 6)
#define sGFSR_PF                (1U << 7)
#define sGFSR_UUT               (1U << 8)
#define sGFSR_MULTI             (1U << 31)
#define sGFSR_FAULTS            (0x1ffU | sGFSR_MULTI)

#define sGFSYNR0_WNR            (1U << 1)
#define sGFSYNR1_SID(v)         ((v) & 0xffff)

#define sTLBGSTATUS_GSACTIVE    (1U << 0)

/* SMR: VALID, a 15-bit mask and a 15-bit stream ID. */
#define SMR_VALID               (1U << 31)
#define SMR_MASK_SHIFT          16
#define SMR_ID_BITS             15
#define SMR_FIELD_MASK          ((1U << SMR_ID_BITS) - 1)

#define S2CR_TYPE_SHIFT         16
#define S2CR_TYPE_TRANS         (0U << S2CR_TYPE_SHIFT)
#define S2CR_TYPE_BYPASS        (1U << S2CR_TYPE_SHIFT)
#define S2CR_TYPE_FAULT         (2U << S2CR_TYPE_SHIFT)
#define S2CR_TYPE_MASK          (3U << S2CR_TYPE_SHIFT)
#define S2CR_CBNDX(n)           ((uint32_t)(n) & 0xff)

/* ---- Global register space 1 (GR1) ---- */
#define SMMU_GR1_CBAR(n)        (0x000 + 4 * (n))
#define SMMU_GR1_CBFRSYNRA(n)   (0x400 + 4 * (n))
#define SMMU_GR1_CBA2R(n)       (0x800 + 4 * (n))

#define CBAR_VMID(v)            ((uint32_t)(v) & 0xff)
#define CBAR_TYPE_S2_TRANS      (0U << 16)
#define CBAR_IRPTNDX(n)         (((uint32_t)(n) & 0xff) << 24)

#define CBA2R_VA64              (1U << 0)   /* SMMUv2: AArch64 format */

#define CBFRSYNRA_SID(v)        ((v) & 0xffff)

/* ---- Context bank n (from the bank's page) ---- */
#define SMMU_CB_SCTLR           0x000
#define SMMU_CB_TTBR0_LO        0x020
#define SMMU_CB_TTBR0_HI        0x024
#define SMMU_CB_TCR             0x030
#define SMMU_CB_FSR             0x058
#define SMMU_CB_FAR_LO          0x060
#define SMMU_CB_FAR_HI          0x064
#define SMMU_CB_FSYNR0          0x068

#define SCTLR_M                 (1U << 0)
#define SCTLR_CFRE              (1U << 5)
#define SCTLR_CFIE              (1U << 6)

/* Stage-2 TCR: the VTCR layout. */
#define S2TCR_T0SZ(x)           ((uint32_t)(x) & 0x3f)
#define S2TCR_SL0(x)            (((uint32_t)(x) & 3) << 6)
#define S2TCR_IRGN0_WBWA        (1U << 8)
#define S2TCR_ORGN0_WBWA        (1U << 10)
#define S2TCR_SH0_IS            (3U << 12)
#define S2TCR_TG0_4K            (0U << 14)
#define S2TCR_PS(x)             (((uint32_t)(x) & 7) << 16)  /* SMMUv2 */
#define S2TCR_RES1              (1U << 31)

#define FSR_TF                  (1U << 1)
#define FSR_AFF                 (1U << 2)
#define FSR_PF                  (1U << 3)
#define FSR_EF                  (1U << 4)
#define FSR_TLBMCF              (1U << 5)
#define FSR_TLBLKF              (1U << 6)
#define FSR_ASF                 (1U << 7)
#define FSR_UUT                 (1U << 8)
#define FSR_SS                  (1U << 30)
#define FSR_MULTI               (1U << 31)
#define FSR_FAULTS              (0x1feU | FSR_SS | FSR_MULTI)

#define FSYNR0_PLVL(v)          ((v) & 3)
#define FSYNR0_WNR              (1U << 4)

/* ID2.IAS/OAS and TCR.PS share one encoding of address sizes. */
static inline unsigned int smmu_addr_size_bits(unsigned int enc)
{
    static const unsigned int bits[] = { 32, 36, 40, 42, 44, 48 };

    return enc < ARRAY_SIZE(bits) ? bits[enc] : 48;
}

static inline int smmu_addr_size_enc(unsigned int bits)
{
    static const unsigned int sizes[] = { 32, 36, 40, 42, 44, 48 };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(sizes); i++ )
        if ( sizes[i] == bits )
            return i;

    return -1;
}

#endif /* ARM_SMMU_REGS_H */
