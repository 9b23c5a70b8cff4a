#ifndef ASM_ARM_P2M_IMPL_H
#define ASM_ARM_P2M_IMPL_H

/*
 * Internals shared by the P2M's files: a range operation as the table
 * code applies it, and the flush/free steps of a batch.  Not for use
 * outside xen/arch/arm/p2m*.c.
 */
#include <xen/list.h>
#include <asm/p2m.h>
#include <asm/p2m_pte.h>

enum p2m_op_kind {
    P2M_OP_MAP,         /* map [sgfn, egfn) to smfn..., refuse if mapped */
    P2M_OP_UNMAP,       /* remove whatever is mapped */
    P2M_OP_RETYPE,      /* entries of type ot become nt */
};

struct p2m_op {
    enum p2m_op_kind kind;
    unsigned long sgfn, egfn;        /* [sgfn, egfn) */
    unsigned long smfn;              /* MAP: the frame sgfn maps to */
    p2m_type_t ot;                   /* RETYPE: the type that changes */
    uint64_t attr;                   /* MAP, RETYPE: the new attributes */

    /* Set by p2m_table_apply(). */
    bool counting;                   /* first pass: count, change nothing */
    unsigned long tables_needed;
    struct list_head reserve;        /* table pages allocated up front */
};

/*
 * Apply op: a counting pass finds conflicts (-EEXIST) and the table
 * pages needed, which are allocated before anything changes (-ENOMEM
 * leaves the table as it was); the second pass cannot run out of memory.
 */
int p2m_table_apply(struct p2m_domain *p2m, struct p2m_op *op);
/* Free every table page below the root (teardown). */
void p2m_table_free_all(struct p2m_domain *p2m);

/* Record that the valid entries for [gfn, gfn + nr) changed. */
void p2m_note_change(struct p2m_domain *p2m, unsigned long gfn,
                     unsigned long nr);
/* Flush now (break-before-make or end of batch); 0 or the hook's error. */
int p2m_flush_now(struct p2m_domain *p2m);

#endif /* ASM_ARM_P2M_IMPL_H */
