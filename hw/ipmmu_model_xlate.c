/*
 * IPMMU-VMSA model: the translation path.  uTLB routing, the per-uTLB
 * micro-TLBs, the root's per-context main TLBs, table walks, fault
 * recording in the root, and DMA through the result.
 */
#include "hw/ipmmu_model_internal.h"
#include "hw/phys_mem.h"

#include <string.h>

/* ---- TLBs ---- */

void tlb_invalidate_all(struct tlb *t)
{
    unsigned int i;

    for ( i = 0; i < t->size; i++ )
        t->e[i].valid = 0;
    t->next = 0;
    t->last = 0;
    t->may_multihit = false;
}

static bool entry_matches(const struct tlb_entry *e, uint64_t ia)
{
    return e->valid && (ia & ~e->mask) == e->ia_base;
}

/* Number of entries matching ia (0, 1, or 2 meaning "several"). */
static unsigned int tlb_lookup(struct tlb *t, uint64_t ia,
                               const struct tlb_entry **hit)
{
    unsigned int i, n = 0;

    if ( !t->may_multihit )
    {
        if ( entry_matches(&t->e[t->last], ia) )
        {
            *hit = &t->e[t->last];
            return 1;
        }
        for ( i = 0; i < t->size; i++ )
            if ( entry_matches(&t->e[i], ia) )
            {
                t->last = i;
                *hit = &t->e[i];
                return 1;
            }
        return 0;
    }
    for ( i = 0; i < t->size; i++ )
        if ( entry_matches(&t->e[i], ia) )
        {
            *hit = &t->e[i];
            if ( ++n > 1 )
                return n;
        }
    return n;
}

static bool entries_overlap(const struct tlb_entry *a,
                            const struct tlb_entry *b)
{
    return a->ia_base <= b->ia_base + b->mask &&
           b->ia_base <= a->ia_base + a->mask;
}

static const struct tlb_entry *tlb_insert(struct tlb *t,
                                          const struct tlb_entry *ne)
{
    struct tlb_entry *slot = &t->e[t->next];
    unsigned int i;

    t->next = (t->next + 1) % t->size;
    slot->valid = 0;
    for ( i = 0; i < t->size; i++ )
        if ( t->e[i].valid && entries_overlap(&t->e[i], ne) )
            t->may_multihit = true;
    *slot = *ne;
    slot->valid = 1;
    return slot;
}

static void entry_from_leaf(struct tlb_entry *e,
                            const struct ipmmu_walk_leaf *leaf)
{
    e->ia_base = leaf->ia_base;
    e->mask = leaf->size - 1;
    e->pa_base = leaf->pa_base;
    e->perm = (leaf->read ? TLB_PERM_READ : 0) |
              (leaf->write ? TLB_PERM_WRITE : 0);
    e->level = leaf->level;
    e->valid = 1;
}

/* ---- Faults ---- */

static unsigned int imstr_bit(enum ipmmu_model_outcome o)
{
    switch ( o )
    {
    case IPMMU_FAULT_TF:    return IPMMU_IMSTR_TF;
    case IPMMU_FAULT_PF:    return IPMMU_IMSTR_PF;
    case IPMMU_FAULT_ABORT: return IPMMU_IMSTR_ABORT;
    case IPMMU_FAULT_MHIT:  return IPMMU_IMSTR_MHIT;
    default:                return 0;
    }
}

/* One page's translation in progress (lock held throughout). */
struct xlate_op {
    struct ipmmu_model *m;      /* where the access entered */
    struct ipmmu_model *root;
    unsigned int c;
    bool raise_irq;             /* raise after unlocking */
    bool recorded;
};

/*
 * Record a fault in the root's context c.  Model choice: sticky status;
 * while IMSTR != 0 a new fault is neither recorded nor interrupting.
 */
static enum ipmmu_model_outcome fault(struct xlate_op *op,
                                      enum ipmmu_model_outcome o,
                                      unsigned int level, uint64_t ia)
{
    struct model_ctx *rctx = &op->root->ctx[op->c];

    op->m->ctx[op->c].st.faults[o - 1]++;
    if ( rctx->imstr )
    {
        rctx->st.faults_dropped++;
        return o;
    }
    rctx->imstr = imstr_bit(o) | (level << IPMMU_IMSTR_ERRLVL_SHIFT);
    rctx->elar = (uint32_t)ia;
    rctx->euar = (uint32_t)(ia >> 32);
    rctx->st.faults_recorded++;
    op->recorded = true;
    if ( rctx->imctr & IPMMU_IMCTR_INTEN )
    {
        op->raise_irq = true;
        op->root->irqs_raised++;
    }
    return o;
}

/* ---- Walks ---- */

static int walk_read64(void *opaque, uint64_t pa, uint64_t *val)
{
    struct ipmmu_model *root = opaque;

    if ( root->inj.walk_reads_fail )
        return -1;
    return phys_mem_read64(root->mem, pa, val);
}

static enum ipmmu_model_outcome walk(struct xlate_op *op, uint64_t ia,
                                     struct tlb_entry *out)
{
    struct ipmmu_model *root = op->root;
    struct model_ctx *rctx = &root->ctx[op->c];
    struct ipmmu_walk_cfg cfg;
    struct ipmmu_walk_leaf leaf;
    unsigned int level;
    uint64_t ttb = ((uint64_t)rctx->ttubr0 << 32) | rctx->ttlbr0;
    const char *why;

    rctx->st.walks++;
    if ( ipmmu_walk_setup(rctx->ttbcr, rctx->imctr & IPMMU_IMCTR_VA64,
                          root->imsauxctlr & IPMMU_IMSAUXCTLR_S2PTE, ttb,
                          &cfg, &why) )
        return fault(op, IPMMU_FAULT_TF, 0, ia);
    switch ( ipmmu_walk(&cfg, ia, walk_read64, root, &leaf, &level) )
    {
    case IPMMU_WALK_OK:
        entry_from_leaf(out, &leaf);
        return IPMMU_OK;
    case IPMMU_WALK_TF:
        return fault(op, IPMMU_FAULT_TF, level, ia);
    case IPMMU_WALK_ABORT:
        break;
    }
    return fault(op, IPMMU_FAULT_ABORT, level, ia);
}

/* ---- One page ---- */

static enum ipmmu_model_outcome lookup_or_walk(struct xlate_op *op,
                                               struct model_utlb *u,
                                               uint64_t ia,
                                               const struct tlb_entry **e)
{
    struct model_ctx *rctx = &op->root->ctx[op->c];
    struct ipmmu_model_ctx_stats *st = &op->m->ctx[op->c].st;
    struct tlb_entry fresh;
    enum ipmmu_model_outcome o;
    unsigned int hits;

    hits = tlb_lookup(&u->micro, ia, e);
    if ( hits == 1 )
    {
        st->utlb_hits++;
        return IPMMU_OK;
    }
    if ( hits > 1 )
        return fault(op, IPMMU_FAULT_MHIT, 0, ia);
    st->utlb_misses++;

    hits = tlb_lookup(&rctx->main, ia, e);
    if ( hits > 1 )
        return fault(op, IPMMU_FAULT_MHIT, 0, ia);
    if ( hits == 1 )
    {
        rctx->st.main_hits++;
        fresh = **e;
    }
    else
    {
        rctx->st.main_misses++;
        o = walk(op, ia, &fresh);
        if ( o != IPMMU_OK )
            return o;
        tlb_insert(&rctx->main, &fresh);
    }
    *e = tlb_insert(&u->micro, &fresh);
    return IPMMU_OK;
}

static enum ipmmu_model_outcome translate_page(struct xlate_op *op,
                                               unsigned int utlb,
                                               uint64_t ia, bool write,
                                               struct ipmmu_xlate *res,
                                               uint64_t *pa)
{
    struct ipmmu_model *m = op->m;
    struct model_utlb *u = &m->utlb[utlb];
    const struct tlb_entry *e;
    enum ipmmu_model_outcome o;

    if ( !(u->imuctr & IPMMU_IMUCTR_MMUEN) )
    {
        m->bypassed++;
        res->bypassed = true;
        *pa = ia;
        return IPMMU_OK;
    }
    op->c = (u->imuctr >> IPMMU_IMUCTR_TTSEL_SHIFT) &
            ((1U << m->lay->ttsel_bits) - 1);
    res->context = op->c;
    if ( op->c >= m->lay->nr_contexts )
    {
        m->bad_context++;
        model_log(m, "uTLB %u routed to context %u, which does not exist: "
                  "access aborted, nothing recorded", utlb, op->c);
        return IPMMU_FAULT_ABORT;
    }
    m->ctx[op->c].st.translations++;

    /* Model choice: USE_SECGRP set in either IPMMU aborts the access. */
    if ( model_secgrp_set(m) || model_secgrp_set(op->root) )
        return fault(op, IPMMU_FAULT_ABORT, 0, ia);
    /* Model choice: a context off in the cache or the root aborts. */
    if ( !(m->ctx[op->c].imctr & IPMMU_IMCTR_MMUEN) ||
         !(op->root->ctx[op->c].imctr & IPMMU_IMCTR_MMUEN) )
        return fault(op, IPMMU_FAULT_ABORT, 0, ia);

    model_flush_poll(op->root, op->c);
    o = lookup_or_walk(op, u, ia, &e);
    if ( o != IPMMU_OK )
        return o;
    if ( !(e->perm & (write ? TLB_PERM_WRITE : TLB_PERM_READ)) )
        return fault(op, IPMMU_FAULT_PF, e->level, ia);
    *pa = e->pa_base | (ia & e->mask);
    return IPMMU_OK;
}

static void finish(struct xlate_op *op, struct ipmmu_xlate *res)
{
    struct ipmmu_model *root = op->root;

    res->fault_recorded = op->recorded;
    if ( op->raise_irq && root->raise_irq )
        root->raise_irq(root->irq_opaque, root->irq_line);
}

enum ipmmu_model_outcome ipmmu_model_translate(struct ipmmu_model *m,
                                               unsigned int utlb,
                                               uint64_t ia, size_t size,
                                               bool write,
                                               struct ipmmu_xlate *res)
{
    struct xlate_op op = { .m = m, .root = m->root };
    enum ipmmu_model_outcome o = IPMMU_OK;
    uint64_t pa;

    memset(res, 0, sizeof(*res));
    if ( utlb >= m->lay->nr_utlbs || !size || size > IPMMU_MODEL_MAX_ACCESS ||
         ia + size - 1 < ia )
        return res->outcome = IPMMU_BAD_REQUEST;

    model_lock(m);
    while ( size )
    {
        uint64_t in_page = IPMMU_MODEL_PAGE_SIZE -
                           (ia & (IPMMU_MODEL_PAGE_SIZE - 1));
        uint32_t len = size < in_page ? size : in_page;

        o = translate_page(&op, utlb, ia, write, res, &pa);
        if ( o != IPMMU_OK )
        {
            res->fault_addr = ia;
            break;
        }
        res->seg[res->nr_segs].pa = pa;
        res->seg[res->nr_segs].len = len;
        res->nr_segs++;
        ia += len;
        size -= len;
    }
    model_unlock(m);
    res->outcome = o;
    finish(&op, res);
    return o;
}

enum ipmmu_model_outcome ipmmu_model_dma(struct ipmmu_model *m,
                                         unsigned int utlb, uint64_t ia,
                                         void *buf, size_t len, bool write,
                                         size_t *done,
                                         struct ipmmu_xlate *res)
{
    struct ipmmu_xlate local;
    size_t moved = 0;
    enum ipmmu_model_outcome o = IPMMU_OK;
    uint8_t *p = buf;

    if ( !res )
        res = &local;
    memset(res, 0, sizeof(*res));
    if ( !len || ia + len - 1 < ia )
        o = res->outcome = IPMMU_BAD_REQUEST;
    while ( o == IPMMU_OK && moved < len )
    {
        uint64_t in_page = IPMMU_MODEL_PAGE_SIZE -
                           (ia & (IPMMU_MODEL_PAGE_SIZE - 1));
        size_t chunk = len - moved < in_page ? len - moved : in_page;
        int rc;

        o = ipmmu_model_translate(m, utlb, ia, chunk, write, res);
        if ( o != IPMMU_OK )
            break;
        rc = write ? phys_mem_write(m->root->mem, res->seg[0].pa, p, chunk)
                   : phys_mem_read(m->root->mem, res->seg[0].pa, p, chunk);
        if ( rc )
        {
            o = res->outcome = IPMMU_BUS_ERROR;
            res->fault_addr = ia;
            break;
        }
        moved += chunk;
        ia += chunk;
        p += chunk;
    }
    if ( done )
        *done = moved;
    return o;
}

const char *ipmmu_model_outcome_name(enum ipmmu_model_outcome o)
{
    switch ( o )
    {
    case IPMMU_OK:          return "ok";
    case IPMMU_FAULT_TF:    return "translation fault";
    case IPMMU_FAULT_PF:    return "permission fault";
    case IPMMU_FAULT_ABORT: return "abort";
    case IPMMU_FAULT_MHIT:  return "multiple TLB hits";
    case IPMMU_BUS_ERROR:   return "bus error at the output address";
    case IPMMU_BAD_REQUEST: return "bad request";
    }
    return "unknown outcome";
}
