#ifndef ARM_SMMU_H
#define ARM_SMMU_H

/*
 * Between the files of the Arm SMMU (v1/v2) driver only, and its tests.
 *
 *  smmu-probe.c   match table, ID registers, reset, interrupts, the
 *                 legacy mmu-masters binding, shutdown
 *  smmu-hw.c      stream match entries (SMR + S2CR), context banks, TLB
 *                 invalidation by VMID (register level)
 *  smmu-fault.c   context and global fault interrupts
 *  smmu.c         the iommu_ops: domains and devices
 *
 * One lock, smmu_lock, guards every structure below and every register
 * sequence; the interrupt handler takes it too, so it is always taken with
 * interrupts masked.
 *
 * A device's fwspec ids are stream match values: the stream ID in bits
 * 15:0 and the SMR mask in bits 31:16.
 */
#include <xen/device_tree.h>
#include <xen/list.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/types.h>
#include "smmu-regs.h"

struct domain;

/* A context bank or stream match entry that names none. */
#define SMMU_NONE               (~0U)

#define SMMU_FWID(sid, mask)    ((uint32_t)(sid) | ((uint32_t)(mask) << 16))
#define SMMU_FWID_SID(id)       ((id) & 0xffff)
#define SMMU_FWID_MASK(id)      ((id) >> 16)

/* Fault reports printed per SMMU per second; the rest are counted. */
#define SMMU_FAULT_BURST        8

/* What a compatible says about the hardware. */
struct smmu_match_data {
    const char *name;                /* "MMU-500", ... */
    unsigned int version;            /* architecture: 1 or 2 */
};

/* One stream match entry: SMR(n) and S2CR(n). */
struct smmu_sme {
    uint16_t id;
    uint16_t mask;
    bool valid;
    unsigned int refs;               /* fwspec ids of masters using it */
    unsigned int cb;                 /* SMMU_NONE: S2CR type fault */
    struct smmu_domain *owner;       /* NULL: blocked */
    /*
     * The masters using it, each once, and how many of them 'holder',
     * the one domain that may own any of them (smmu.c refuses a second),
     * owns: the group rule reads these instead of walking the masters.
     */
    unsigned int users;
    unsigned int held;
    struct smmu_domain *holder;      /* NULL: held == 0 */
};

/* One context bank. */
struct smmu_cb {
    struct smmu_domain *owner;       /* NULL: free */
    uint16_t vmid;
};

/* One SMMU instance. */
struct smmu_device {
    struct list_head list;
    struct dt_device_node *np;
    const char *name;                /* the node's full path */
    void *base;                      /* ioremap'd registers */
    const struct smmu_match_data *data;
    unsigned int pgshift;            /* 12 or 16 */
    unsigned int numpage;            /* pages in each half */
    unsigned int nr_smes;
    unsigned int nr_cbs;
    unsigned int nr_ctx_irqs;
    uint32_t sid_mask;               /* implemented stream ID bits */
    unsigned int ipa_bits;           /* ID2.IAS */
    unsigned int pa_bits;            /* ID2.OAS */
    bool vmid16;                     /* ID2.VMID16 (not enabled: 8 bits) */
    bool legacy;                     /* masters from mmu-masters */

    unsigned int nr_irqs;            /* distinct interrupt numbers */
    int *irqs;

    struct smmu_sme *smes;
    struct smmu_cb *cbs;
    struct list_head masters;        /* every master naming this SMMU */

    /* Faults: counters and the report rate limit. */
    unsigned long global_faults;
    unsigned long spurious_irqs;
    s_time_t report_window;
    unsigned int reports;
    unsigned long suppressed;
};

/* A domain's context bank on one SMMU. */
struct smmu_ctx {
    struct list_head entry;          /* on smmu_domain.ctxs */
    struct smmu_device *smmu;
    unsigned int cb;
    unsigned int nr_masters;         /* its masters behind this SMMU */
};

/* The driver's part of a domain (dom_iommu(d)->arch.priv). */
struct smmu_domain {
    struct domain *d;
    struct list_head ctxs;
    struct list_head masters;
    unsigned long faults;            /* context faults of its banks */
};

/* The driver's part of a device (fwspec->iommu_priv). */
struct smmu_master {
    struct list_head smmu_entry;     /* on smmu_device.masters */
    struct list_head domain_entry;   /* on smmu_domain.masters */
    struct device *dev;
    struct smmu_device *smmu;
    struct smmu_domain *owner;       /* NULL: quarantined/unassigned */
    bool added;                      /* add_device done */
    bool held_since_add;             /* stream entries taken at add */
    bool held_since_attach;          /* ... or at attach (no quarantine) */
};

/* Driver-wide state (smmu-probe.c). */
extern spinlock_t smmu_lock;
extern struct list_head smmu_devices;
extern const struct iommu_ops smmu_ops;             /* smmu.c */

/*
 * Whether unassigned streams are blocked in stream match entries of their
 * own (quarantine, the default) or left without one, as upstream Xen does
 * (iommu=no-quarantine): then only sCR0.USFCFG makes their DMA fault.
 * The choice is the core's iommu=[no-]quarantine option
 * (iommu_quarantine), read through smmu_quarantine() only.
 */
bool smmu_quarantine(void);

struct smmu_device *smmu_find_device(const struct dt_device_node *np);
const char *smmu_dev_name(struct device *dev);
void smmu_shutdown(void);
/* smmu.c: shutdown's part for the masters of smmu (lock held). */
void smmu_release_masters_locked(struct smmu_device *smmu,
                                 struct list_head *gone);

/* smmu.c, for the legacy binding registered at probe. */
int smmu_master_create(struct device *dev, struct smmu_device *smmu);
int smmu_add_device(uint8_t devfn, struct device *dev);
/*
 * Tools and tests: the context faults counted for d into *count, and 0;
 * -ENODEV (*count untouched) when d has no SMMU state: no IOMMU, torn
 * down, or set up by another IOMMU driver (whose arch.priv is not read).
 */
int smmu_domain_fault_count(const struct domain *d, unsigned long *count);

/* smmu-hw.c: register access per block. */
uint32_t smmu_gr0_read(const struct smmu_device *smmu, unsigned int off);
void smmu_gr0_write(const struct smmu_device *smmu, unsigned int off,
                    uint32_t val);
uint32_t smmu_gr1_read(const struct smmu_device *smmu, unsigned int off);
void smmu_gr1_write(const struct smmu_device *smmu, unsigned int off,
                    uint32_t val);
uint32_t smmu_cb_read(const struct smmu_device *smmu, unsigned int cb,
                      unsigned int off);
void smmu_cb_write(const struct smmu_device *smmu, unsigned int cb,
                   unsigned int off, uint32_t val);

/*
 * Whether a stream match entry (eid, emask) matches every stream that
 * (id, mask) matches: the stream (id, mask) then shares that entry.  The
 * one rule for "shares an entry", for the driver and for tools that check
 * a configuration before boot (iommu-sim).
 */
static inline bool smmu_smr_covers(uint16_t eid, uint16_t emask, uint16_t id,
                                   uint16_t mask)
{
    return (mask & emask) == mask && !((id ^ eid) & ~emask);
}

/*
 * Stream match entries.  smmu_sme_find: the valid entry that covers
 * (id, mask), -ENOENT when none, -EINVAL when one overlaps it only in
 * part (*conflict is then that entry).
 */
int smmu_sme_find(const struct smmu_device *smmu, uint16_t id,
                  uint16_t mask, unsigned int *conflict);
int smmu_sme_alloc(struct smmu_device *smmu, uint16_t id, uint16_t mask);
/* Route entry n to bank cb for owner, or block it (cb SMMU_NONE). */
void smmu_sme_route(struct smmu_device *smmu, unsigned int n,
                    unsigned int cb, struct smmu_domain *owner);
void smmu_sme_release(struct smmu_device *smmu, unsigned int n);

/* Context banks. */
int smmu_cb_alloc(struct smmu_device *smmu, struct smmu_domain *owner);
int smmu_cb_program(struct smmu_device *smmu, unsigned int cb, uint16_t vmid,
                    paddr_t table, unsigned int ipa_bits,
                    unsigned int root_level);
int smmu_cb_free(struct smmu_device *smmu, unsigned int cb);
void smmu_cb_disable(struct smmu_device *smmu, unsigned int cb);

/* TLB: invalidate one VMID, or everything, and wait; 0 or -ETIMEDOUT. */
int smmu_tlb_inv_vmid(struct smmu_device *smmu, uint16_t vmid);
int smmu_tlb_inv_all(struct smmu_device *smmu);

/* smmu-fault.c */
void smmu_irq(int irq, void *dev_id);

#endif /* ARM_SMMU_H */
