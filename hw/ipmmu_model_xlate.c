/*
 * IPMMU-VMSA model: the translation path.  uTLB routing, the per-uTLB
 * micro-TLBs, the root's per-context main TLBs, table walks, fault
 * recording in the root, and DMA through the result.
 */
#include "hw/ipmmu_model_internal.h"
#include "hw/phys_mem.h"

#include <string.h>

/* ---- TLBs ---- */

#define TLB_META_PERM(m)   ((m) & 0xff)
#define TLB_META_LEVEL(m)  (((m) >> 8) & 0xff)
#define TLB_META_CHAIN(m)  ((unsigned int)((m) >> 16) & 0xffff)
#define TLB_META(perm, level, chain) \
    ((uint64_t)(perm) | (uint64_t)(level) << 8 | (uint64_t)(chain) << 16)

static unsigned int level_shift(unsigned int level)
{
    return IPMMU_WALK_PAGE_SHIFT + 9 * (3 - level);
}

unsigned int tlb_buckets_for(unsigned int size)
{
    unsigned int n = 4;

    while ( n < 2 * size )
        n *= 2;
    return n;
}

void tlb_init(struct tlb *t, uint64_t *words, uint16_t *head,
              unsigned int size)
{
    t->nmask = words;
    t->base = words + size;
    t->pa = words + 2 * size;
    t->meta = words + 3 * size;
    t->head = head;
    t->size = size;
    t->nr_buckets = tlb_buckets_for(size);
    tlb_invalidate_all(t);
}

void tlb_invalidate_all(struct tlb *t)
{
    unsigned int i;

    for ( i = 0; i < t->size; i++ )
    {
        t->nmask[i] = 0;
        t->base[i] = 1;             /* matches nothing */
    }
    memset(t->head, 0, t->nr_buckets * sizeof(*t->head));
    memset(t->per_level, 0, sizeof(t->per_level));
    t->next = 0;
}

static unsigned int tlb_bucket(const struct tlb *t, uint64_t ia,
                               unsigned int level)
{
    uint64_t key = ia >> level_shift(level);

    return (key ^ (key >> 17)) & (t->nr_buckets - 1);
}

/* Number of entries matching ia, and the index of (one of) them. */
static inline __attribute__((always_inline))
unsigned int tlb_lookup(const struct tlb *t, uint64_t ia, unsigned int *at)
{
    unsigned int level, n = 0, i;

    for ( level = 1; level <= 3; level++ )
    {
        if ( !t->per_level[level] )
            continue;
        /* A bucket mixes levels: count each entry in its own level's
         * probe only. */
        for ( i = t->head[tlb_bucket(t, ia, level)]; i;
              i = TLB_META_CHAIN(t->meta[i - 1]) )
            if ( (ia & t->nmask[i - 1]) == t->base[i - 1] &&
                 TLB_META_LEVEL(t->meta[i - 1]) == level )
            {
                *at = i - 1;
                n++;
            }
    }
    return n;
}

static void tlb_get(const struct tlb *t, unsigned int i, struct tlb_entry *e)
{
    e->ia_base = t->base[i];
    e->mask = ~t->nmask[i];
    e->pa_base = t->pa[i];
    e->perm = TLB_META_PERM(t->meta[i]);
    e->level = TLB_META_LEVEL(t->meta[i]);
}

static void tlb_set_chain(struct tlb *t, unsigned int i, unsigned int next)
{
    t->meta[i] = (t->meta[i] & ~(0xffffULL << 16)) | (uint64_t)next << 16;
}

static void tlb_unlink(struct tlb *t, unsigned int i)
{
    unsigned int level = TLB_META_LEVEL(t->meta[i]);
    unsigned int b = tlb_bucket(t, t->base[i], level);
    unsigned int after = TLB_META_CHAIN(t->meta[i]), p;

    if ( t->head[b] == i + 1 )
        t->head[b] = after;
    else
    {
        for ( p = t->head[b]; TLB_META_CHAIN(t->meta[p - 1]) != i + 1;
              p = TLB_META_CHAIN(t->meta[p - 1]) )
            ;
        tlb_set_chain(t, p - 1, after);
    }
    t->per_level[level]--;
    t->nmask[i] = 0;
    t->base[i] = 1;
}

static void tlb_insert(struct tlb *t, const struct tlb_entry *ne)
{
    unsigned int i = t->next, b = tlb_bucket(t, ne->ia_base, ne->level);

    t->next = i + 1 == t->size ? 0 : i + 1;
    if ( t->nmask[i] )
        tlb_unlink(t, i);
    t->nmask[i] = ~ne->mask;
    t->base[i] = ne->ia_base;
    t->pa[i] = ne->pa_base;
    t->meta[i] = TLB_META(ne->perm, ne->level, t->head[b]);
    t->head[b] = i + 1;
    t->per_level[ne->level]++;
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

/*
 * Descriptor reads go straight to the bank's host mapping: a table walk
 * only reads, so phys_mem's copy-and-account path is not needed, and it
 * is most of a walk's cost.  Outside RAM is a bus error all the same.
 */
static int walk_read64(void *opaque, uint64_t pa, uint64_t *val)
{
    struct ipmmu_model *root = opaque;
    const void *host;

    if ( root->inj.walk_reads_fail )
        return -1;
    host = phys_mem_host_ptr(root->mem, pa, sizeof(*val));
    if ( !host )
        return -1;
    memcpy(val, host, sizeof(*val));
    return 0;
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
                                               struct tlb_entry *e)
{
    struct model_ctx *rctx = &op->root->ctx[op->c];
    struct ipmmu_model_ctx_stats *st = &op->m->ctx[op->c].st;
    enum ipmmu_model_outcome o;
    unsigned int hits, at;

    hits = tlb_lookup(&u->micro, ia, &at);
    if ( hits == 1 )
    {
        st->utlb_hits++;
        tlb_get(&u->micro, at, e);
        return IPMMU_OK;
    }
    if ( hits > 1 )
        return fault(op, IPMMU_FAULT_MHIT, 0, ia);
    st->utlb_misses++;

    hits = tlb_lookup(&rctx->main, ia, &at);
    if ( hits > 1 )
        return fault(op, IPMMU_FAULT_MHIT, 0, ia);
    if ( hits == 1 )
    {
        rctx->st.main_hits++;
        tlb_get(&rctx->main, at, e);
    }
    else
    {
        rctx->st.main_misses++;
        o = walk(op, ia, e);
        if ( o != IPMMU_OK )
            return o;
        tlb_insert(&rctx->main, e);
    }
    u->hot_epoch = 0;
    tlb_insert(&u->micro, e);
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
    struct tlb_entry e = { 0 };
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

    if ( op->root->ctx[op->c].flush_pending )
        model_flush_poll(op->root, op->c);
    o = lookup_or_walk(op, u, ia, &e);
    if ( o != IPMMU_OK )
        return o;
    if ( !(e.perm & (write ? TLB_PERM_WRITE : TLB_PERM_READ)) )
        return fault(op, IPMMU_FAULT_PF, e.level, ia);
    *pa = e.pa_base | (ia & e.mask);
    u->hot_epoch = m->epoch;
    u->hot_root_epoch = op->root->epoch;
    u->hot_nmask = ~e.mask;
    u->hot_base = e.ia_base;
    u->hot_pa = e.pa_base;
    u->hot_ctx = op->c;
    u->hot_perm = e.perm;
    return IPMMU_OK;
}

/*
 * The short cut: a one-page access hitting the uTLB's last translation.
 * Same answer and same statistics as the full path (see model_utlb).
 */
static inline bool hot_hit(struct ipmmu_model *m, unsigned int utlb,
                           uint64_t ia, size_t size, bool write,
                           struct ipmmu_xlate *res)
{
    struct model_utlb *u = &m->utlb[utlb];
    struct ipmmu_model *root = m->root;
    struct ipmmu_model_ctx_stats *st;

    if ( u->hot_epoch != m->epoch || u->hot_root_epoch != root->epoch ||
         (ia & u->hot_nmask) != u->hot_base ||
         (ia & (IPMMU_MODEL_PAGE_SIZE - 1)) + size > IPMMU_MODEL_PAGE_SIZE ||
         !(u->hot_perm & (write ? TLB_PERM_WRITE : TLB_PERM_READ)) ||
         root->ctx[u->hot_ctx].flush_pending )
        return false;
    st = &m->ctx[u->hot_ctx].st;
    st->translations++;
    st->utlb_hits++;
    res->context = u->hot_ctx;
    res->nr_segs = 1;
    res->seg[0].pa = u->hot_pa | (ia & ~u->hot_nmask);
    res->seg[0].len = size;
    res->outcome = IPMMU_OK;
    return true;
}

static void finish(struct xlate_op *op, struct ipmmu_xlate *res)
{
    struct ipmmu_model *root = op->root;

    res->fault_recorded = op->recorded;
    if ( __builtin_expect(op->raise_irq, 0) && root->raise_irq )
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
    uint64_t pa = 0;

    /* Field by field rather than memset: this is the hot path. */
    res->bypassed = false;
    res->context = 0;
    res->fault_addr = 0;
    res->fault_recorded = false;
    res->nr_segs = 0;
    if ( utlb >= m->lay->nr_utlbs || !size || size > IPMMU_MODEL_MAX_ACCESS ||
         ia + size - 1 < ia )
        return res->outcome = IPMMU_BAD_REQUEST;

    model_lock(m);
    if ( hot_hit(m, utlb, ia, size, write, res) )
    {
        model_unlock(m);
        return IPMMU_OK;
    }
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
