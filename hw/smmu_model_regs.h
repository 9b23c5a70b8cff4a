#ifndef HW_SMMU_MODEL_REGS_H
#define HW_SMMU_MODEL_REGS_H

/*
 * Arm SMMU (architecture v1/v2) register offsets and fields the model
 * decodes (docs/smmu-model.md, with sources).  The window is 2 * NUMPAGE
 * pages: page 0 is global space 0 (GR0), page 1 global space 1 (GR1),
 * context bank n is page NUMPAGE + n.  Only the non-secure view.
 */

/* ---- Global space 0 ---- */
#define SMMU_GR0_SCR0           0x000
#define SMMU_GR0_SCR1           0x004
#define SMMU_GR0_SCR2           0x008
#define SMMU_GR0_SACR           0x010
#define SMMU_GR0_ID0            0x020
#define SMMU_GR0_ID1            0x024
#define SMMU_GR0_ID2            0x028
#define SMMU_GR0_ID3            0x02c
#define SMMU_GR0_ID4            0x030
#define SMMU_GR0_ID5            0x034
#define SMMU_GR0_ID6            0x038
#define SMMU_GR0_ID7            0x03c
#define SMMU_GR0_SGFAR_LO       0x040
#define SMMU_GR0_SGFAR_HI       0x044
#define SMMU_GR0_SGFSR          0x048
#define SMMU_GR0_SGFSRRESTORE   0x04c
#define SMMU_GR0_SGFSYNR0       0x050
#define SMMU_GR0_SGFSYNR1       0x054
#define SMMU_GR0_SGFSYNR2       0x058
#define SMMU_GR0_STLBIALL       0x060
#define SMMU_GR0_TLBIVMID       0x064
#define SMMU_GR0_TLBIALLNSNH    0x068
#define SMMU_GR0_TLBIALLH       0x06c
#define SMMU_GR0_STLBGSYNC      0x070
#define SMMU_GR0_STLBGSTATUS    0x074
#define SMMU_GR0_SMR(n)         (0x800 + 4 * (n))
#define SMMU_GR0_S2CR(n)        (0xc00 + 4 * (n))

/* sCR0 */
#define SMMU_SCR0_CLIENTPD      (1U << 0)
#define SMMU_SCR0_GFRE          (1U << 1)
#define SMMU_SCR0_GFIE          (1U << 2)
#define SMMU_SCR0_EXIDENABLE    (1U << 3)
#define SMMU_SCR0_GCFGFRE       (1U << 4)
#define SMMU_SCR0_GCFGFIE       (1U << 5)
#define SMMU_SCR0_STALLD        (1U << 8)
#define SMMU_SCR0_GSE           (1U << 9)
#define SMMU_SCR0_USFCFG        (1U << 10)
#define SMMU_SCR0_VMIDPNE       (1U << 11)
#define SMMU_SCR0_PTM           (1U << 12)
#define SMMU_SCR0_FB            (1U << 13)
#define SMMU_SCR0_BSU_MASK      (3U << 14)
#define SMMU_SCR0_SMCFCFG       (1U << 21)
#define SMMU_SCR0_VMID16EN      (1U << 31)
/* Reset value (MMU-500 and MMU-401 alike): clients bypass, SMCF on. */
#define SMMU_SCR0_RESET         (SMMU_SCR0_SMCFCFG | SMMU_SCR0_CLIENTPD)

/* ID0 */
#define SMMU_ID0_NUMSMRG_MASK   0xffU
#define SMMU_ID0_EXIDS          (1U << 8)
#define SMMU_ID0_NUMSIDB_SHIFT  9
#define SMMU_ID0_NUMSIDB_MASK   (0xfU << SMMU_ID0_NUMSIDB_SHIFT)
#define SMMU_ID0_BTM            (1U << 13)
#define SMMU_ID0_CTTW           (1U << 14)
#define SMMU_ID0_NUMIRPT_SHIFT  16
#define SMMU_ID0_NUMIRPT_MASK   (0xffU << SMMU_ID0_NUMIRPT_SHIFT)
#define SMMU_ID0_PTFS_NO_AARCH32S (1U << 24)
#define SMMU_ID0_PTFS_NO_AARCH32  (1U << 25)
#define SMMU_ID0_ATOSNS         (1U << 26)
#define SMMU_ID0_SMS            (1U << 27)
#define SMMU_ID0_NTS            (1U << 28)
#define SMMU_ID0_S2TS           (1U << 29)
#define SMMU_ID0_S1TS           (1U << 30)
#define SMMU_ID0_SES            (1U << 31)

/* ID1 */
#define SMMU_ID1_NUMCB_MASK     0xffU
#define SMMU_ID1_NUMS2CB_SHIFT  16
#define SMMU_ID1_NUMS2CB_MASK   (0xffU << SMMU_ID1_NUMS2CB_SHIFT)
#define SMMU_ID1_NUMPAGENDXB_SHIFT 28
#define SMMU_ID1_NUMPAGENDXB_MASK  (7U << SMMU_ID1_NUMPAGENDXB_SHIFT)
#define SMMU_ID1_PAGESIZE       (1U << 31)

/* ID2: address sizes are codes 0..5 = 32, 36, 40, 42, 44, 48 bits */
#define SMMU_ID2_IAS_MASK       0xfU
#define SMMU_ID2_OAS_SHIFT      4
#define SMMU_ID2_OAS_MASK       (0xfU << SMMU_ID2_OAS_SHIFT)
#define SMMU_ID2_UBS_SHIFT      8
#define SMMU_ID2_UBS_MASK       (0xfU << SMMU_ID2_UBS_SHIFT)
#define SMMU_ID2_PTFS_4K        (1U << 12)
#define SMMU_ID2_PTFS_16K       (1U << 13)
#define SMMU_ID2_PTFS_64K       (1U << 14)
#define SMMU_ID2_VMID16         (1U << 15)

/* ID7 */
#define SMMU_ID7_MINOR_MASK     0xfU
#define SMMU_ID7_MAJOR_SHIFT    4
#define SMMU_ID7_MAJOR_MASK     (0xfU << SMMU_ID7_MAJOR_SHIFT)

/* sGFSR / sGFSRRESTORE (write 1 to clear) */
#define SMMU_SGFSR_ICF          (1U << 0)
#define SMMU_SGFSR_USF          (1U << 1)
#define SMMU_SGFSR_SMCF         (1U << 2)
#define SMMU_SGFSR_UCBF         (1U << 3)
#define SMMU_SGFSR_UCIF         (1U << 4)
#define SMMU_SGFSR_CAF          (1U << 5)
#define SMMU_SGFSR_EF           (1U << 6)
#define SMMU_SGFSR_UUT          (1U << 8)
#define SMMU_SGFSR_MULTI        (1U << 31)
#define SMMU_SGFSR_ALL          0x8000017fU   /* bit 7 reserved */

/* sGFSYNR0 */
#define SMMU_SGFSYNR0_NESTED    (1U << 0)
#define SMMU_SGFSYNR0_WNR       (1U << 1)
#define SMMU_SGFSYNR0_PNU       (1U << 2)
#define SMMU_SGFSYNR0_IND       (1U << 3)
/* sGFSYNR1: stream ID of the faulting transaction */
#define SMMU_SGFSYNR1_SID_MASK  0xffffU

/* sTLBGSTATUS, CB TLBSTATUS */
#define SMMU_TLBSTATUS_ACTIVE   (1U << 0)

/* SMRn (no extended IDs): 15-bit ID and MASK */
#define SMMU_SMR_ID_MASK        0x7fffU
#define SMMU_SMR_MASK_SHIFT     16
#define SMMU_SMR_MASK_MASK      (0x7fffU << SMMU_SMR_MASK_SHIFT)
#define SMMU_SMR_VALID          (1U << 31)

/* S2CRn */
#define SMMU_S2CR_CBNDX_MASK    0xffU
#define SMMU_S2CR_TYPE_SHIFT    16
#define SMMU_S2CR_TYPE_MASK     (3U << SMMU_S2CR_TYPE_SHIFT)
#define SMMU_S2CR_TYPE_TRANS    0U
#define SMMU_S2CR_TYPE_BYPASS   1U
#define SMMU_S2CR_TYPE_FAULT    2U
#define SMMU_S2CR_PRIVCFG_SHIFT 24
/* Reset value: fault (MMU-500 TRM; the same chosen for MMU-401) */
#define SMMU_S2CR_RESET         (SMMU_S2CR_TYPE_FAULT << SMMU_S2CR_TYPE_SHIFT)

/* ---- Global space 1 ---- */
#define SMMU_GR1_CBAR(n)        (0x000 + 4 * (n))
#define SMMU_GR1_CBFRSYNRA(n)   (0x400 + 4 * (n))
#define SMMU_GR1_CBA2R(n)       (0x800 + 4 * (n))

/* CBARn */
#define SMMU_CBAR_VMID_MASK     0xffU
#define SMMU_CBAR_TYPE_SHIFT    16
#define SMMU_CBAR_TYPE_MASK     (3U << SMMU_CBAR_TYPE_SHIFT)
#define SMMU_CBAR_TYPE_S2_TRANS          0U
#define SMMU_CBAR_TYPE_S1_TRANS_S2_BYPASS 1U
#define SMMU_CBAR_TYPE_S1_TRANS_S2_FAULT  2U
#define SMMU_CBAR_TYPE_S1_TRANS_S2_TRANS  3U
#define SMMU_CBAR_IRPTNDX_SHIFT 24
#define SMMU_CBAR_IRPTNDX_MASK  (0xffU << SMMU_CBAR_IRPTNDX_SHIFT)

/* CBFRSYNRAn */
#define SMMU_CBFRSYNRA_SID_MASK 0xffffU

/* CBA2Rn (SMMUv2 only) */
#define SMMU_CBA2R_VA64         (1U << 0)
#define SMMU_CBA2R_VMID16_SHIFT 16

/* ---- Context bank (offsets inside its page) ---- */
#define SMMU_CB_SCTLR           0x000
#define SMMU_CB_ACTLR           0x004
#define SMMU_CB_RESUME          0x008
#define SMMU_CB_TCR2            0x010
#define SMMU_CB_TTBR0_LO        0x020
#define SMMU_CB_TTBR0_HI        0x024
#define SMMU_CB_TTBR1_LO        0x028
#define SMMU_CB_TTBR1_HI        0x02c
#define SMMU_CB_TCR             0x030
#define SMMU_CB_CONTEXTIDR      0x034
#define SMMU_CB_MAIR0           0x038
#define SMMU_CB_MAIR1           0x03c
#define SMMU_CB_PAR_LO          0x050
#define SMMU_CB_PAR_HI          0x054
#define SMMU_CB_FSR             0x058
#define SMMU_CB_FSRRESTORE      0x05c
#define SMMU_CB_FAR_LO          0x060
#define SMMU_CB_FAR_HI          0x064
#define SMMU_CB_FSYNR0          0x068
#define SMMU_CB_FSYNR1          0x06c
#define SMMU_CB_TLBIVA          0x600
#define SMMU_CB_TLBIVAA         0x608
#define SMMU_CB_TLBIASID        0x610
#define SMMU_CB_TLBIALL         0x618
#define SMMU_CB_TLBIVAL         0x620
#define SMMU_CB_TLBIVAAL        0x628
#define SMMU_CB_TLBIIPAS2_LO    0x630
#define SMMU_CB_TLBIIPAS2_HI    0x634
#define SMMU_CB_TLBIIPAS2L_LO   0x638
#define SMMU_CB_TLBIIPAS2L_HI   0x63c
#define SMMU_CB_TLBSYNC         0x7f0
#define SMMU_CB_TLBSTATUS       0x7f4

/* SCTLR */
#define SMMU_SCTLR_M            (1U << 0)
#define SMMU_SCTLR_TRE          (1U << 1)
#define SMMU_SCTLR_AFE          (1U << 2)
#define SMMU_SCTLR_E            (1U << 4)
#define SMMU_SCTLR_CFRE         (1U << 5)
#define SMMU_SCTLR_CFIE         (1U << 6)
#define SMMU_SCTLR_CFCFG        (1U << 7)
#define SMMU_SCTLR_HUPCF        (1U << 8)

/* TCR in the stage-2 (VTCR) layout */
#define SMMU_VTCR_T0SZ_MASK     0x3fU
#define SMMU_VTCR_S             (1U << 4)     /* AArch32 LPAE: sign of T0SZ */
#define SMMU_VTCR_SL0_SHIFT     6
#define SMMU_VTCR_SL0_MASK      (3U << SMMU_VTCR_SL0_SHIFT)
#define SMMU_VTCR_IRGN0_SHIFT   8
#define SMMU_VTCR_ORGN0_SHIFT   10
#define SMMU_VTCR_SH0_SHIFT     12
#define SMMU_VTCR_TG0_SHIFT     14
#define SMMU_VTCR_TG0_MASK      (3U << SMMU_VTCR_TG0_SHIFT)
#define SMMU_VTCR_TG0_4K        0U
#define SMMU_VTCR_TG0_64K       1U
#define SMMU_VTCR_TG0_16K       2U
#define SMMU_VTCR_PS_SHIFT      16
#define SMMU_VTCR_PS_MASK       (7U << SMMU_VTCR_PS_SHIFT)

/* FSR / FSRRESTORE (write 1 to clear) */
#define SMMU_FSR_TF             (1U << 1)
#define SMMU_FSR_AFF            (1U << 2)
#define SMMU_FSR_PF             (1U << 3)
#define SMMU_FSR_EF             (1U << 4)
#define SMMU_FSR_TLBMCF         (1U << 5)
#define SMMU_FSR_TLBLKF         (1U << 6)
#define SMMU_FSR_ASF            (1U << 7)
#define SMMU_FSR_UUT            (1U << 8)
#define SMMU_FSR_FORMAT_SHIFT   9
#define SMMU_FSR_SS             (1U << 30)
#define SMMU_FSR_MULTI          (1U << 31)
#define SMMU_FSR_ALL            0xc00001feU   /* the fault bits */

/* FSYNR0 */
#define SMMU_FSYNR0_PLVL_MASK   0x3U
#define SMMU_FSYNR0_WNR         (1U << 4)
#define SMMU_FSYNR0_PNU         (1U << 5)
#define SMMU_FSYNR0_IND         (1U << 6)
#define SMMU_FSYNR0_NSATTR      (1U << 8)
#define SMMU_FSYNR0_PTWF        (1U << 10)
#define SMMU_FSYNR0_AFR         (1U << 11)

#endif /* HW_SMMU_MODEL_REGS_H */
