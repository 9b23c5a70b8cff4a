#ifndef IPMMU_VMSA_H
#define IPMMU_VMSA_H

/*
 * Between the files of the IPMMU-VMSA driver only.
 *
 *  ipmmu-vmsa-probe.c  match table, PRR check, root/cache probe, shutdown
 *  ipmmu-vmsa-hw.c     contexts, uTLB routing, TLB flush (register level)
 *  ipmmu-vmsa-fault.c  the root's fault interrupt, rate-limited reports
 *  ipmmu-vmsa-share.c  masters that share one uTLB (one hardware port)
 *  ipmmu-vmsa.c        the iommu_ops: domains and devices
 *
 * One lock, ipmmu_lock, guards every structure below and every register
 * write sequence; the interrupt handler takes it too, so it is always
 * taken with interrupts masked.
 */
#include <xen/device_tree.h>
#include <xen/list.h>
#include <xen/spinlock.h>
#include <xen/types.h>
#include "ipmmu-vmsa-regs.h"
#include "ipmmu-vmsa-stats.h"

struct domain;
struct page_info;

/* A uTLB or context number that names none. */
#define IPMMU_NONE              (~0U)

/*
 * Where one uTLB of a cache IPMMU is routed.  It goes to a domain's
 * context only once every master of the tree behind it belongs to that
 * domain (ipmmu-vmsa-share.c); until then it stays in the blocking one.
 */
struct ipmmu_utlb {
    unsigned int users;              /* registered masters naming it */
    unsigned int ctx;                /* IMUCTR.TTSEL, IPMMU_NONE: off */
    struct ipmmu_domain *owner;      /* NULL: quarantine (blocking ctx) */
    /*
     * Its members (ipmmu_device.members) that a domain owns: at most one
     * domain does (ipmmu-vmsa.c refuses a second), 'holder', which owns
     * 'held' of them; so that the group rule needs no walk of the group.
     */
    struct ipmmu_domain *holder;     /* NULL: held == 0 */
    unsigned int held;
};

/*
 * Fault reports of one owner (a domain, or no domain): every fault is
 * counted, console lines are rate-limited per owner.
 */
struct ipmmu_fault_log {
    unsigned long faults;            /* every fault the handler saw */
    unsigned long reported;          /* of which a line was printed */
    unsigned long suppressed;        /* of which none was */
    unsigned long pending;           /* suppressed, not yet summarised */
    s_time_t window_start;           /* of the current rate window */
    unsigned int window_lines;       /* lines printed in that window */
};

/* One IPMMU instance: the root or a cache. */
struct ipmmu_device {
    struct list_head list;
    struct dt_device_node *np;
    const char *name;                /* the node's full path */
    void *base;                      /* ioremap'd registers */
    const struct ipmmu_features *features;
    struct ipmmu_device *root;       /* the root; itself for the root */
    bool is_root;
    int irq;                         /* root: the fault interrupt, or -1 */

    /* Root only: which contexts are taken and by whom. */
    unsigned long ctx_used;          /* bitmap, bit 0 reserved */
    struct ipmmu_domain *ctx_owner[IPMMU_MAX_CONTEXTS];
    unsigned long ctx_faults[IPMMU_MAX_CONTEXTS];   /* since probe */

    /* Every instance: uTLBs routed to each context from this IPMMU. */
    unsigned int ctx_refs[IPMMU_MAX_CONTEXTS];
    struct ipmmu_utlb utlb[IPMMU_MAX_UTLBS];

    /*
     * Every instance: the masters of the tree behind each uTLB (available
     * nodes naming it, each once), indexed before the first master naming
     * this IPMMU registers (ipmmu-vmsa-share.c).  uTLB u's members are
     * members[member_at[u]] up to, not including, members[member_at[u + 1]].
     */
    bool indexed;
    bool indexing;                   /* in the index build under way */
    unsigned int member_at[IPMMU_MAX_UTLBS + 1];
    struct dt_device_node **members; /* NULL: none, or not indexed */
};

/* The driver's part of a domain (dom_iommu(d)->arch.priv). */
struct ipmmu_domain {
    struct domain *d;
    unsigned int ctx;                /* root context, IPMMU_NONE: none */
    struct list_head masters;        /* assigned masters */
    unsigned int nr_masters;
    struct ipmmu_fault_log faults;
};

/* The driver's part of a device (fwspec->iommu_priv). */
struct ipmmu_master {
    struct list_head list;           /* on ipmmu_masters */
    struct list_head domain_entry;   /* on ipmmu_domain.masters */
    struct device *dev;
    struct ipmmu_device *mmu;        /* the IPMMU its uTLBs belong to */
    struct ipmmu_domain *owner;      /* NULL: quarantined */
    bool added;                      /* add_device done */
    bool in_tree;                    /* a member of its uTLBs (available) */
};

/* Driver-wide state (ipmmu-vmsa-probe.c). */
extern spinlock_t ipmmu_lock;
extern struct list_head ipmmu_devices;
extern struct ipmmu_device *ipmmu_root;
extern unsigned int ipmmu_block_ctx;      /* the blocking context */
extern unsigned long ipmmu_spurious_irqs;
extern struct list_head ipmmu_masters;    /* every ipmmu_master */
extern struct ipmmu_fault_log ipmmu_nodomain_faults;
extern const struct iommu_ops ipmmu_ops;  /* ipmmu-vmsa.c */

struct ipmmu_device *ipmmu_find_device(const struct dt_device_node *np);
const char *ipmmu_short_name(const struct ipmmu_device *mmu);
void ipmmu_shutdown(void);
/* ipmmu-vmsa.c: shutdown's part for the masters (lock held). */
void ipmmu_release_masters_locked(struct list_head *gone);

/* ipmmu-vmsa-hw.c: register access per block. */
uint32_t ipmmu_ctx_read(const struct ipmmu_device *mmu, unsigned int ctx,
                        unsigned int reg);
void ipmmu_ctx_write(const struct ipmmu_device *mmu, unsigned int ctx,
                     unsigned int reg, uint32_t val);
uint32_t ipmmu_ctl_read(const struct ipmmu_device *mmu, unsigned int reg);
void ipmmu_ctl_write(const struct ipmmu_device *mmu, unsigned int reg,
                     uint32_t val);

/* Contexts in the root. */
int ipmmu_ctx_alloc(struct ipmmu_domain *owner);    /* ctx or -EBUSY */
/* Point ctx at a stage-2 table and enable it; 0 or -ETIMEDOUT. */
int ipmmu_ctx_program(unsigned int ctx, paddr_t table, unsigned int ipa_bits,
                      unsigned int root_level);
void ipmmu_ctx_free(unsigned int ctx);
/* Flush ctx's TLBs in the root and every cache using it. */
int ipmmu_ctx_flush(unsigned int ctx);

/* uTLBs: route to ctx on behalf of owner (NULL: quarantine), or off. */
void ipmmu_utlb_route(struct ipmmu_device *mmu, unsigned int utlb,
                      unsigned int ctx, struct ipmmu_domain *owner);
void ipmmu_utlb_disable(struct ipmmu_device *mmu, unsigned int utlb);

/* ipmmu-vmsa-fault.c */
void ipmmu_fault_irq(int irq, void *dev_id);
/* Print the summary of reports not printed yet (lock held). */
void ipmmu_fault_log_flush(struct ipmmu_fault_log *log, const char *who);

/*
 * ipmmu-vmsa-share.c.  Index the members of every uTLB of every IPMMU
 * that is up and not indexed yet, in one walk of the tree: 0, or -ENOMEM
 * (with a console line) and nothing indexed.  Called where dt_xlate runs
 * (it allocates); a no-op once every IPMMU is indexed.
 */
int ipmmu_index_members(void);
/* Drop mmu's index (shutdown). */
void ipmmu_free_members(struct ipmmu_device *mmu);
/*
 * (Lock held; mmu indexed.)  The masters of the tree that name uTLB utlb
 * of mmu (available nodes only, each once), other than 'self', a node
 * that names utlb itself: fn is called for each until it returns false;
 * returns how many were visited (all of them with fn NULL or never
 * false).  No allocation, no register access.
 */
unsigned int ipmmu_utlb_partners(const struct ipmmu_device *mmu,
                                 uint32_t utlb,
                                 const struct dt_device_node *self,
                                 bool (*fn)(struct dt_device_node *np,
                                            void *arg),
                                 void *arg);
/* (mmu indexed.)  How many members uTLB utlb of mmu has: O(1). */
unsigned int ipmmu_utlb_members(const struct ipmmu_device *mmu,
                                uint32_t utlb);
/* The driver's record of a registered master, or NULL. */
struct ipmmu_master *ipmmu_node_master(const struct ipmmu_device *mmu,
                                       struct dt_device_node *np);

#endif /* IPMMU_VMSA_H */
