/*
 * IPMMU-VMSA model: instances, the register file and its side effects.
 * Translation (TLBs, walks, faults) lives in ipmmu_model_xlate.c.
 */
#include "hw/ipmmu_model_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *(*ipmmu_model_calloc)(size_t nmemb, size_t size) = calloc;

static const struct ipmmu_model_layout gen_layouts[] = {
    [IPMMU_MODEL_GEN3] = {
        .nr_contexts = 8, .nr_utlbs = 48,
        .ctx_base = 0x0, .ctx_stride = 0x40,
        .utlb_base = 0x0, .ctl_base = 0x0,
        .ttsel_bits = 4, .mmio_size = 0x1000,
    },
    [IPMMU_MODEL_GEN4] = {
        .nr_contexts = 16, .nr_utlbs = 64,
        .ctx_base = 0x10000, .ctx_stride = 0x1040,
        .utlb_base = 0x3000, .ctl_base = 0x1000,
        .ttsel_bits = 5, .mmio_size = 0x20000,
    },
};

const struct ipmmu_model_layout *ipmmu_model_gen_layout(
    enum ipmmu_model_gen gen)
{
    if ( gen != IPMMU_MODEL_GEN3 && gen != IPMMU_MODEL_GEN4 )
        return NULL;
    return &gen_layouts[gen];
}

uint64_t ipmmu_model_ctx_reg(const struct ipmmu_model_layout *l,
                             unsigned int c, unsigned int reg)
{
    return l->ctx_base + c * l->ctx_stride +
           (c >= 8 ? IPMMU_CTX_HIGH_EXTRA : 0) + reg;
}

uint64_t ipmmu_model_utlb_reg(const struct ipmmu_model_layout *l,
                              unsigned int n, unsigned int reg)
{
    return l->utlb_base + IPMMU_IMUCTR(n) + reg;
}

uint64_t ipmmu_model_ctl_reg(const struct ipmmu_model_layout *l,
                             unsigned int reg)
{
    return l->ctl_base + reg;
}

static uint32_t ttsel_mask(const struct ipmmu_model_layout *l)
{
    return ((1U << l->ttsel_bits) - 1) << IPMMU_IMUCTR_TTSEL_SHIFT;
}

/* ---- Log ---- */

void model_log(struct ipmmu_model *m, const char *fmt, ...)
{
    const char *line;
    va_list ap;

    va_start(ap, fmt);
    line = hw_log_vadd(&m->log, m->name, fmt, ap);
    va_end(ap);
    if ( m->log_fn )
        m->log_fn(m->log_opaque, line);
}

unsigned long ipmmu_model_log_count(struct ipmmu_model *m)
{
    unsigned long n;

    model_lock(m);
    n = m->log.count;
    model_unlock(m);
    return n;
}

bool ipmmu_model_log_line(struct ipmmu_model *m, unsigned int i, char *buf,
                          size_t len)
{
    bool ok;

    model_lock(m);
    ok = hw_log_line(&m->log, i, buf, len);
    model_unlock(m);
    return ok;
}

unsigned int ipmmu_model_log_find(struct ipmmu_model *m, const char *needle)
{
    unsigned int n;

    model_lock(m);
    n = hw_log_find(&m->log, needle);
    model_unlock(m);
    return n;
}

void ipmmu_model_log_clear(struct ipmmu_model *m)
{
    model_lock(m);
    hw_log_clear(&m->log);
    model_unlock(m);
}

/* ---- Creation ---- */

static const char *check_config(const struct ipmmu_model_config *cfg)
{
    if ( !ipmmu_model_gen_layout(cfg->gen) )
        return "unknown IPMMU generation";
    if ( cfg->utlb_entries > IPMMU_MODEL_MAX_TLB )
        return "micro-TLB size above IPMMU_MODEL_MAX_TLB";
    if ( cfg->root )
    {
        if ( !model_is_root(cfg->root) )
            return "the IPMMU given as root is itself a cache";
        if ( ipmmu_model_gen_layout(cfg->gen) != cfg->root->lay )
            return "cache and root IPMMU of different generations";
        return NULL;
    }
    if ( !cfg->mem )
        return "root IPMMU needs the memory its tables live in";
    if ( !cfg->now_ns )
        return "root IPMMU needs a clock (now_ns) to time flushes";
    if ( cfg->main_tlb_entries > IPMMU_MODEL_MAX_TLB )
        return "main TLB size above IPMMU_MODEL_MAX_TLB";
    return NULL;
}

static void reset_registers(struct ipmmu_model *m)
{
    /* Model choice: USE_SECGRP is set out of reset; drivers clear it. */
    m->imsctlr = IPMMU_IMSCTLR_USE_SECGRP;
    m->imsauxctlr = 0;
}

struct ipmmu_model *ipmmu_model_create(const struct ipmmu_model_config *cfg,
                                       const char **why)
{
    const struct ipmmu_model_layout *lay;
    struct ipmmu_model *m;
    const char *dummy, *bad;
    unsigned int ue, me, nr_entries, nr_heads, i;
    uint64_t *next;
    uint16_t *heads;

    if ( !why )
        why = &dummy;
    if ( !cfg )
        return *why = "no IPMMU configuration", NULL;
    bad = check_config(cfg);
    if ( bad )
        return *why = bad, NULL;

    lay = ipmmu_model_gen_layout(cfg->gen);
    ue = cfg->utlb_entries ? cfg->utlb_entries : IPMMU_MODEL_DEF_UTLB_ENTRIES;
    me = cfg->root ? 0 : cfg->main_tlb_entries ? cfg->main_tlb_entries
                                               : IPMMU_MODEL_DEF_MAIN_ENTRIES;
    nr_entries = lay->nr_utlbs * ue + lay->nr_contexts * me;
    nr_heads = lay->nr_utlbs * tlb_buckets_for(ue) +
               (me ? lay->nr_contexts * tlb_buckets_for(me) : 0);
    m = ipmmu_model_calloc(1, sizeof(*m) +
                              nr_entries * TLB_WORDS_PER_ENTRY *
                              sizeof(uint64_t) + nr_heads * sizeof(uint16_t));
    if ( !m )
        return *why = "out of host memory for the IPMMU model", NULL;

    snprintf(m->name, sizeof(m->name), "%s",
             cfg->name ? cfg->name : "ipmmu");
    m->lay = lay;
    atomic_flag_clear(&m->lock_storage);
    m->epoch = 1;               /* uTLB short cuts start invalid (0) */
    m->utlb_entries = ue;
    m->main_entries = me;
    m->log_fn = cfg->log;
    m->log_opaque = cfg->log_opaque;
    if ( cfg->root )
    {
        m->root = cfg->root;
        m->lock = cfg->root->lock;
    }
    else
    {
        m->root = m;
        m->lock = &m->lock_storage;
        m->mem = cfg->mem;
        m->now_ns = cfg->now_ns;
        m->clock_opaque = cfg->clock_opaque;
        m->raise_irq = cfg->raise_irq;
        m->irq_opaque = cfg->irq_opaque;
        m->irq_line = cfg->irq_line;
        m->flush_delay_ns = cfg->flush_delay_zero ? 0 :
                            cfg->flush_delay_ns ? cfg->flush_delay_ns
                                                : IPMMU_MODEL_DEF_FLUSH_NS;
    }

    next = m->tlb_words;
    heads = (uint16_t *)(m->tlb_words + nr_entries * TLB_WORDS_PER_ENTRY);
    for ( i = 0; i < lay->nr_utlbs; i++ )
    {
        tlb_init(&m->utlb[i].micro, next, heads, ue);
        next += ue * TLB_WORDS_PER_ENTRY;
        heads += tlb_buckets_for(ue);
    }
    for ( i = 0; me && i < lay->nr_contexts; i++ )
    {
        tlb_init(&m->ctx[i].main, next, heads, me);
        next += me * TLB_WORDS_PER_ENTRY;
        heads += tlb_buckets_for(me);
    }
    reset_registers(m);

    if ( cfg->root )
    {
        model_lock(m);
        cfg->root->nr_caches++;
        model_unlock(m);
    }
    return m;
}

int ipmmu_model_destroy(struct ipmmu_model *m)
{
    if ( !m )
        return 0;
    if ( model_is_root(m) )
    {
        if ( m->nr_caches )
            return -1;
    }
    else
    {
        model_lock(m);
        m->root->nr_caches--;
        model_unlock(m);
    }
    free(m);
    return 0;
}

const char *ipmmu_model_name(const struct ipmmu_model *m)
{
    return m->name;
}

bool ipmmu_model_is_root(const struct ipmmu_model *m)
{
    return model_is_root(m);
}

const struct ipmmu_model_layout *ipmmu_model_layout(
    const struct ipmmu_model *m)
{
    return m->lay;
}

uint64_t ipmmu_model_mmio_size(const struct ipmmu_model *m)
{
    return m->lay->mmio_size;
}

/* ---- Flush timing (root) ---- */

uint64_t model_now(struct ipmmu_model *root)
{
    return root->now_ns(root->clock_opaque);
}

/*
 * Model choice: the root's main TLB is invalidated when the flush
 * completes, not when it is requested, so a driver that does not wait for
 * FLUSH to read 0 can still hit stale entries.
 */
void model_flush_poll(struct ipmmu_model *root, unsigned int c)
{
    struct model_ctx *ctx = &root->ctx[c];

    if ( !ctx->flush_pending || root->inj.flush_never_completes )
        return;
    if ( model_now(root) < ctx->flush_done_ns )
        return;
    tlb_invalidate_all(&ctx->main);
    ctx->flush_pending = false;
    ctx->st.flushes_completed++;
}

/* IMCTR.FLUSH in any IPMMU: its uTLBs routed to c lose their entries. */
static void flush_utlbs_of_context(struct ipmmu_model *m, unsigned int c)
{
    unsigned int n, shift = IPMMU_IMUCTR_TTSEL_SHIFT;

    for ( n = 0; n < m->lay->nr_utlbs; n++ )
        if ( ((m->utlb[n].imuctr & ttsel_mask(m->lay)) >> shift) == c )
            tlb_invalidate_all(&m->utlb[n].micro);
}

static void start_context_flush(struct ipmmu_model *m, unsigned int c)
{
    struct model_ctx *ctx = &m->ctx[c];

    ctx->st.flushes++;
    flush_utlbs_of_context(m, c);
    if ( !model_is_root(m) )
        return;
    ctx->flush_pending = true;
    ctx->flush_done_ns = model_now(m) + m->flush_delay_ns;
    model_flush_poll(m, c);
}

/* ---- Register decoding ---- */

enum reg_block { BLOCK_CTX, BLOCK_UTLB, BLOCK_CTL };

struct reg_ref {
    enum reg_block block;
    unsigned int idx;           /* context or uTLB number */
    unsigned int reg;           /* offset inside the block */
};

static bool is_ctx_reg(unsigned int r)
{
    switch ( r )
    {
    case IPMMU_IMCTR: case IPMMU_IMTTBCR: case IPMMU_IMTTLBR0:
    case IPMMU_IMTTUBR0: case IPMMU_IMSTR: case IPMMU_IMMAIR0:
    case IPMMU_IMELAR: case IPMMU_IMEUAR:
        return true;
    }
    return false;
}

/* Context c's block for offset 'rel' from the context base, if any. */
static bool decode_ctx(const struct ipmmu_model_layout *l, uint64_t rel,
                       struct reg_ref *r)
{
    uint64_t c = rel / l->ctx_stride, in = rel % l->ctx_stride;

    if ( c < 8 && c < l->nr_contexts && in < IPMMU_CTX_BLOCK_SIZE )
        goto found;
    if ( l->nr_contexts <= 8 || rel < IPMMU_CTX_HIGH_EXTRA )
        return false;
    rel -= IPMMU_CTX_HIGH_EXTRA;
    c = rel / l->ctx_stride;
    in = rel % l->ctx_stride;
    if ( c < 8 || c >= l->nr_contexts || in >= IPMMU_CTX_BLOCK_SIZE )
        return false;
 found:
    r->block = BLOCK_CTX;
    r->idx = c;
    r->reg = in;
    return true;
}

static bool decode_utlb(const struct ipmmu_model_layout *l, uint64_t rel,
                        struct reg_ref *r)
{
    uint64_t n;

    if ( rel >= 0x300 && rel < 0x300 + 32 * 16 )
        n = (rel - 0x300) / 16;
    else if ( rel >= 0x600 && rel < 0x600 + (l->nr_utlbs - 32) * 16 )
        n = 32 + (rel - 0x600) / 16;
    else
        return false;
    r->block = BLOCK_UTLB;
    r->idx = n;
    r->reg = rel & 15;
    return r->reg == 0 || r->reg == 8;
}

static const char *decode(const struct ipmmu_model *m, uint64_t off,
                          struct reg_ref *r)
{
    const struct ipmmu_model_layout *l = m->lay;

    if ( off & 3 )
        return "not 32-bit aligned";
    if ( off >= l->mmio_size )
        return "beyond the register window";
    if ( off == l->ctl_base + IPMMU_IMSCTLR ||
         off == l->ctl_base + IPMMU_IMSAUXCTLR )
    {
        r->block = BLOCK_CTL;
        r->idx = 0;
        r->reg = off - l->ctl_base;
        return NULL;
    }
    if ( off >= l->ctx_base && decode_ctx(l, off - l->ctx_base, r) )
    {
        if ( !is_ctx_reg(r->reg) )
            return "no register at this offset of a context";
        /* Model choice: a cache holds only IMCTR of each context. */
        if ( !model_is_root(m) && r->reg != IPMMU_IMCTR )
            return "context register other than IMCTR in a cache IPMMU";
        return NULL;
    }
    if ( off >= l->utlb_base && decode_utlb(l, off - l->utlb_base, r) )
        return NULL;
    return "no register at this offset";
}

/* ---- Reads ---- */

static uint32_t read_ctx(struct ipmmu_model *m, unsigned int c,
                         unsigned int reg)
{
    struct model_ctx *ctx = &m->ctx[c];

    switch ( reg )
    {
    case IPMMU_IMCTR:
        if ( !model_is_root(m) )
            return ctx->imctr;
        model_flush_poll(m, c);
        return ctx->imctr | (ctx->flush_pending ? IPMMU_IMCTR_FLUSH : 0);
    case IPMMU_IMTTBCR:  return ctx->ttbcr;
    case IPMMU_IMTTLBR0: return ctx->ttlbr0;
    case IPMMU_IMTTUBR0: return ctx->ttubr0;
    case IPMMU_IMSTR:    return ctx->imstr;
    case IPMMU_IMMAIR0:  return ctx->mair0;
    case IPMMU_IMELAR:   return ctx->elar;
    case IPMMU_IMEUAR:   return ctx->euar;
    }
    return 0;
}

static uint32_t read_reg(struct ipmmu_model *m, const struct reg_ref *r)
{
    switch ( r->block )
    {
    case BLOCK_CTX:
        return read_ctx(m, r->idx, r->reg);
    case BLOCK_UTLB:
        return r->reg ? m->utlb[r->idx].imuasid : m->utlb[r->idx].imuctr;
    case BLOCK_CTL:
        if ( r->reg == IPMMU_IMSAUXCTLR )
            return m->imsauxctlr;
        return m->imsctlr |
               (m->inj.use_secgrp_stuck ? IPMMU_IMSCTLR_USE_SECGRP : 0);
    }
    return 0;
}

int ipmmu_model_mmio_read(void *model, uint64_t offset, uint32_t *val)
{
    struct ipmmu_model *m = model;
    struct reg_ref r;
    const char *bad;

    model_lock(m);
    m->mmio_reads++;
    bad = decode(m, offset, &r);
    if ( bad )
    {
        m->bus_errors++;
        model_log(m, "bus error: read at 0x%llx: %s",
                  (unsigned long long)offset, bad);
        model_unlock(m);
        *val = ~0U;
        return -1;
    }
    *val = read_reg(m, &r);
    model_unlock(m);
    return 0;
}

/* ---- Writes ---- */

/* Bits of IMTTBCR that hold state: EAE, PMB, SH0/ORGN0/IRGN0, SL0, TSZ0. */
#define TTBCR_STORED 0xc0003fdfU

static void write_ctx(struct ipmmu_model *m, unsigned int c,
                      unsigned int reg, uint32_t val)
{
    struct model_ctx *ctx = &m->ctx[c];

    switch ( reg )
    {
    case IPMMU_IMCTR:
        /* VA64, TRE, AFE exist only in the root: silently dropped in a
         * cache, as drivers write the same value everywhere. */
        ctx->imctr = val & (model_is_root(m) ? IPMMU_IMCTR_ROOT_BITS
                                             : IPMMU_IMCTR_CACHE_BITS);
        if ( val & IPMMU_IMCTR_FLUSH )
            start_context_flush(m, c);
        break;
    case IPMMU_IMTTBCR:  ctx->ttbcr = val & TTBCR_STORED; break;
    case IPMMU_IMTTLBR0: ctx->ttlbr0 = val & IPMMU_IMTTLBR0_MASK; break;
    case IPMMU_IMTTUBR0: ctx->ttubr0 = val & IPMMU_IMTTUBR0_MASK; break;
    case IPMMU_IMMAIR0:  ctx->mair0 = val; break;
    case IPMMU_IMSTR:
        /* Writing 0 clears; a bit written as 1 is left as it was. */
        ctx->imstr &= val;
        break;
    case IPMMU_IMELAR:
    case IPMMU_IMEUAR:
        model_log(m, "write 0x%08x to read-only %s(%u) ignored", val,
                  reg == IPMMU_IMELAR ? "IMELAR" : "IMEUAR", c);
        break;
    }
}

static void write_utlb(struct ipmmu_model *m, unsigned int n,
                       unsigned int reg, uint32_t val)
{
    struct model_utlb *u = &m->utlb[n];

    if ( reg )
    {
        u->imuasid = val & IPMMU_IMUASID_MASK;
        return;
    }
    u->imuctr = val & (IPMMU_IMUCTR_FIXADDEN | IPMMU_IMUCTR_FIXADD_MASK |
                       ttsel_mask(m->lay) | IPMMU_IMUCTR_MMUEN);
    if ( val & IPMMU_IMUCTR_FLUSH )
    {
        tlb_invalidate_all(&u->micro);
        m->utlb_flushes++;
    }
}

static void write_ctl(struct ipmmu_model *m, unsigned int reg, uint32_t val)
{
    if ( reg == IPMMU_IMSCTLR )
    {
        m->imsctlr = val & IPMMU_IMSCTLR_USE_SECGRP;
        return;
    }
    if ( model_is_root(m) )
    {
        m->imsauxctlr = val & IPMMU_IMSAUXCTLR_S2PTE;
        return;
    }
    if ( val & IPMMU_IMSAUXCTLR_S2PTE )
        model_log(m, "IMSAUXCTLR.S2PTE written on a cache IPMMU: ignored "
                  "(root only)");
}

int ipmmu_model_mmio_write(void *model, uint64_t offset, uint32_t val)
{
    struct ipmmu_model *m = model;
    struct reg_ref r;
    const char *bad;

    model_lock(m);
    m->mmio_writes++;
    m->epoch++;
    bad = decode(m, offset, &r);
    if ( bad )
    {
        m->bus_errors++;
        model_log(m, "bus error: write 0x%08x at 0x%llx: %s", val,
                  (unsigned long long)offset, bad);
        model_unlock(m);
        return -1;
    }
    switch ( r.block )
    {
    case BLOCK_CTX:  write_ctx(m, r.idx, r.reg, val); break;
    case BLOCK_UTLB: write_utlb(m, r.idx, r.reg, val); break;
    case BLOCK_CTL:  write_ctl(m, r.reg, val); break;
    }
    model_unlock(m);
    return 0;
}

/* ---- Fault injection ---- */

void ipmmu_model_set_inject(struct ipmmu_model *m,
                            const struct ipmmu_model_inject *inj)
{
    model_lock(m);
    m->inj = *inj;
    m->epoch++;
    model_unlock(m);
}

void ipmmu_model_spurious_irq(struct ipmmu_model *m)
{
    struct ipmmu_model *root = m->root;

    model_lock(m);
    root->spurious_irqs++;
    root->irqs_raised++;
    model_unlock(m);
    if ( root->raise_irq )
        root->raise_irq(root->irq_opaque, root->irq_line);
}

/* ---- Statistics ---- */

void ipmmu_model_get_stats(struct ipmmu_model *m,
                           struct ipmmu_model_stats *out)
{
    unsigned int c, k;

    memset(out, 0, sizeof(*out));
    model_lock(m);
    out->nr_contexts = m->lay->nr_contexts;
    for ( c = 0; c < m->lay->nr_contexts; c++ )
    {
        const struct ipmmu_model_ctx_stats *s = &m->ctx[c].st;

        out->ctx[c] = *s;
        out->translations += s->translations;
        out->utlb_hits += s->utlb_hits;
        out->utlb_misses += s->utlb_misses;
        out->main_hits += s->main_hits;
        out->main_misses += s->main_misses;
        out->walks += s->walks;
        out->flushes += s->flushes;
        for ( k = 0; k < IPMMU_NR_FAULT_KINDS; k++ )
            out->faults[k] += s->faults[k];
    }
    out->bypassed = m->bypassed;
    out->utlb_flushes = m->utlb_flushes;
    out->bad_context = m->bad_context;
    out->mmio_reads = m->mmio_reads;
    out->mmio_writes = m->mmio_writes;
    out->bus_errors = m->bus_errors;
    out->irqs_raised = m->irqs_raised;
    out->spurious_irqs = m->spurious_irqs;
    model_unlock(m);
}

void ipmmu_model_reset_stats(struct ipmmu_model *m)
{
    unsigned int c;

    model_lock(m);
    for ( c = 0; c < m->lay->nr_contexts; c++ )
        memset(&m->ctx[c].st, 0, sizeof(m->ctx[c].st));
    m->bypassed = m->utlb_flushes = m->bad_context = 0;
    m->mmio_reads = m->mmio_writes = m->bus_errors = 0;
    m->irqs_raised = m->spurious_irqs = 0;
    model_unlock(m);
}
