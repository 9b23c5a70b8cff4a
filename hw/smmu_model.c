/*
 * Arm SMMU model: instances, ID registers, the register file and its side
 * effects, TLB maintenance and the syncs that complete it in model time.
 * Translation lives in smmu_model_xlate.c.
 */
#include "hw/smmu_model_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *(*smmu_model_calloc)(size_t nmemb, size_t size) = calloc;

/* ID2 address-size codes (IAS/OAS/UBS): 0..5. */
static const unsigned int size_bits[] = { 32, 36, 40, 42, 44, 48 };

static int size_code(unsigned int bits)
{
    unsigned int i;

    for ( i = 0; i < sizeof(size_bits) / sizeof(size_bits[0]); i++ )
        if ( size_bits[i] == bits )
            return (int)i;
    return -1;
}

void smmu_model_flavour_defaults(struct smmu_model_config *cfg)
{
    bool v2 = cfg->flavour == SMMU_MODEL_MMU500;

    if ( !cfg->nr_smrs )
        cfg->nr_smrs = v2 ? 48 : 32;
    if ( !cfg->nr_cbs )
        cfg->nr_cbs = v2 ? 16 : 8;
    if ( !cfg->sid_bits )
        cfg->sid_bits = 15;
    if ( !cfg->ias_bits )
        cfg->ias_bits = v2 ? 48 : 40;
    if ( !cfg->oas_bits )
        cfg->oas_bits = v2 ? 48 : 40;
    if ( !cfg->numpage )
    {
        unsigned int n = 2;

        while ( n < cfg->nr_cbs )
            n *= 2;
        cfg->numpage = n;
    }
    if ( !cfg->tlb_entries )
        cfg->tlb_entries = SMMU_MODEL_DEF_TLB;
}

static const char *config_error(const struct smmu_model_config *c)
{
    if ( c->flavour != SMMU_MODEL_MMU500 && c->flavour != SMMU_MODEL_MMU401 )
        return "unknown SMMU flavour";
    if ( !c->mem )
        return "an SMMU needs memory for its table walks";
    if ( !c->now_ns )
        return "an SMMU needs a clock (now_ns) to time TLB syncs";
    if ( c->nr_smrs > SMMU_MODEL_MAX_SMRS )
        return "more stream match registers than the model holds (128)";
    if ( c->nr_cbs > SMMU_MODEL_MAX_CBS )
        return "more context banks than the model holds (128)";
    if ( c->sid_bits > 15 )
        return "stream IDs wider than 15 bits (extended IDs not modelled)";
    if ( size_code(c->ias_bits) < 0 || size_code(c->oas_bits) < 0 )
        return "address sizes must be 32, 36, 40, 42, 44 or 48 bits";
    if ( c->numpage < 2 || c->numpage > 256 ||
         (c->numpage & (c->numpage - 1)) )
        return "NUMPAGE must be a power of two from 2 to 256";
    if ( c->nr_cbs > c->numpage )
        return "more context banks than pages in the context bank space";
    if ( c->tlb_entries > SMMU_MODEL_MAX_TLB )
        return "TLB larger than SMMU_MODEL_MAX_TLB";
    if ( c->nr_context_irqs > SMMU_MODEL_MAX_CBS )
        return "more context interrupts than the model holds (128)";
    if ( c->nr_context_irqs && !c->context_irqs )
        return "context interrupt count given without the lines";
    return NULL;
}

static unsigned int log2u(unsigned int v)
{
    unsigned int l = 0;

    while ( v > 1 )
    {
        v >>= 1;
        l++;
    }
    return l;
}

/* The ID registers of the configuration (docs/smmu-model.md). */
static void build_ids(struct smmu_model *m)
{
    const struct smmu_model_config *c = &m->cfg;
    unsigned int nirpt = c->nr_context_irqs > 255 ? 255 : c->nr_context_irqs;

    m->id[0] = c->nr_smrs | c->sid_bits << SMMU_ID0_NUMSIDB_SHIFT |
               nirpt << SMMU_ID0_NUMIRPT_SHIFT | SMMU_ID0_ATOSNS |
               SMMU_ID0_SMS | SMMU_ID0_S2TS;
    m->id[1] = c->nr_cbs |
               (log2u(c->numpage) - 1) << SMMU_ID1_NUMPAGENDXB_SHIFT |
               (c->page_64k ? SMMU_ID1_PAGESIZE : 0);
    m->id[2] = (uint32_t)size_code(c->ias_bits) |
               (uint32_t)size_code(c->oas_bits) << SMMU_ID2_OAS_SHIFT;
    if ( m->v2 )
    {
        m->id[0] |= SMMU_ID0_S1TS | SMMU_ID0_NTS | SMMU_ID0_BTM;
        m->id[2] |= 5U << SMMU_ID2_UBS_SHIFT | SMMU_ID2_PTFS_4K |
                    SMMU_ID2_PTFS_64K;
        m->id[7] = 2U << SMMU_ID7_MAJOR_SHIFT | 1U;
    }
    else
        /* Stage 2 only: every bank is a stage-2 bank. */
        m->id[1] |= c->nr_cbs << SMMU_ID1_NUMS2CB_SHIFT;
}

static void reset_state(struct smmu_model *m)
{
    unsigned int i;

    m->scr0 = SMMU_SCR0_RESET;
    for ( i = 0; i < m->cfg.nr_smrs; i++ )
    {
        m->smr[i] = 0;
        m->s2cr[i] = SMMU_S2CR_RESET;
    }
}

struct smmu_model *smmu_model_create(const struct smmu_model_config *cfg,
                                     const char **why)
{
    struct smmu_model_config c = *cfg;
    struct smmu_model *m;
    const char *dummy, *err;

    if ( !why )
        why = &dummy;
    smmu_model_flavour_defaults(&c);
    err = config_error(&c);
    if ( err )
        return *why = err, NULL;
    m = smmu_model_calloc(1, sizeof(*m));
    if ( !m )
        return *why = "out of host memory", NULL;
    m->tlb = smmu_model_calloc(c.tlb_entries, sizeof(*m->tlb));
    if ( !m->tlb )
    {
        free(m);
        return *why = "out of host memory", NULL;
    }
    snprintf(m->name, sizeof(m->name), "%s", c.name ? c.name : "smmu");
    if ( c.nr_context_irqs )
        memcpy(m->context_irqs, c.context_irqs,
               c.nr_context_irqs * sizeof(*c.context_irqs));
    c.context_irqs = m->context_irqs;
    c.name = m->name;
    m->cfg = c;
    m->v2 = c.flavour == SMMU_MODEL_MMU500;
    m->page_size = c.page_64k ? 0x10000 : 0x1000;
    m->sync_delay_ns = c.sync_delay_zero ? 0 :
                       c.sync_delay_ns ? c.sync_delay_ns
                                       : SMMU_MODEL_DEF_SYNC_NS;
    m->tlb_size = c.tlb_entries;
    atomic_flag_clear(&m->lock);
    build_ids(m);
    reset_state(m);
    return m;
}

void smmu_model_destroy(struct smmu_model *m)
{
    if ( !m )
        return;
    free(m->tlb);
    free(m);
}

const char *smmu_model_name(const struct smmu_model *m)
{
    return m->name;
}

enum smmu_model_flavour smmu_model_flavour(const struct smmu_model *m)
{
    return m->cfg.flavour;
}

const struct smmu_model_config *smmu_model_config(const struct smmu_model *m)
{
    return &m->cfg;
}

uint64_t smmu_model_mmio_size(const struct smmu_model *m)
{
    return 2 * (uint64_t)m->cfg.numpage * m->page_size;
}

uint64_t smmu_model_cb_offset(const struct smmu_model *m, unsigned int n)
{
    return ((uint64_t)m->cfg.numpage + n) * m->page_size;
}

/* ---- Log ---- */

void smmu_log(struct smmu_model *m, const char *fmt, ...)
{
    const char *line;
    va_list ap;

    va_start(ap, fmt);
    line = hw_log_vadd(&m->log, m->name, fmt, ap);
    va_end(ap);
    if ( m->cfg.log )
        m->cfg.log(m->cfg.log_opaque, line);
}

unsigned long smmu_model_log_count(struct smmu_model *m)
{
    unsigned long n;

    smmu_lock(m);
    n = m->log.count;
    smmu_unlock(m);
    return n;
}

bool smmu_model_log_line(struct smmu_model *m, unsigned int i, char *buf,
                         size_t len)
{
    bool ok;

    smmu_lock(m);
    ok = hw_log_line(&m->log, i, buf, len);
    smmu_unlock(m);
    return ok;
}

unsigned int smmu_model_log_find(struct smmu_model *m, const char *needle)
{
    unsigned int n;

    smmu_lock(m);
    n = hw_log_find(&m->log, needle);
    smmu_unlock(m);
    return n;
}

void smmu_model_log_clear(struct smmu_model *m)
{
    smmu_lock(m);
    hw_log_clear(&m->log);
    smmu_unlock(m);
}

/* ---- Interrupts ---- */

void smmu_irq_flush(struct smmu_model *m, const struct smmu_irq_batch *b)
{
    unsigned int i;

    if ( !m->cfg.raise_irq )
        return;
    for ( i = 0; i < b->n; i++ )
        m->cfg.raise_irq(m->cfg.irq_opaque, b->line[i]);
}

/* ---- TLB maintenance and syncs ---- */

static void sync_queue(struct smmu_model *m, struct smmu_sync_dom *d,
                       enum smmu_tlbi_kind kind, uint16_t vmid, uint64_t ipa)
{
    m->tlb_invalidations++;
    if ( kind == SMMU_TLBI_ALL || d->nr_queued == SMMU_TLBI_QUEUE )
    {
        d->queued_all = true;
        return;
    }
    d->queued[d->nr_queued++] = (struct smmu_tlbi_op){ kind, vmid, ipa };
}

static void sync_start(struct smmu_model *m, struct smmu_sync_dom *d)
{
    unsigned int i;

    /* A sync written while one is in flight takes over its operations. */
    if ( d->active )
    {
        for ( i = 0; i < d->nr_flight; i++ )
            if ( d->nr_queued < SMMU_TLBI_QUEUE )
                d->queued[d->nr_queued++] = d->flight[i];
            else
                d->queued_all = true;
        d->queued_all |= d->flight_all;
        m->active_syncs--;
    }
    memcpy(d->flight, d->queued, sizeof(d->flight));
    d->nr_flight = d->nr_queued;
    d->flight_all = d->queued_all;
    d->nr_queued = 0;
    d->queued_all = false;
    d->active = true;
    d->stuck = false;
    if ( m->inj.syncs_never_complete )
    {
        m->inj.syncs_never_complete--;
        d->stuck = true;
        smmu_log(m, "injected: this TLB sync never completes");
    }
    d->done_ns = m->cfg.now_ns(m->cfg.clock_opaque) + m->sync_delay_ns;
    m->active_syncs++;
}

/* Returns true when the sync in 'd' completed now. */
static bool sync_poll(struct smmu_model *m, struct smmu_sync_dom *d,
                      uint64_t now)
{
    unsigned int i;

    if ( !d->active || d->stuck || now < d->done_ns )
        return false;
    if ( d->flight_all )
        smmu_tlb_clear(m);
    else
        for ( i = 0; i < d->nr_flight; i++ )
            smmu_tlb_apply(m, &d->flight[i]);
    d->active = false;
    d->nr_flight = 0;
    d->flight_all = false;
    m->active_syncs--;
    return true;
}

void smmu_sync_poll_all(struct smmu_model *m)
{
    uint64_t now;
    unsigned int n;

    if ( !m->active_syncs )
        return;
    now = m->cfg.now_ns(m->cfg.clock_opaque);
    if ( sync_poll(m, &m->gsync, now) )
        m->syncs_completed++;
    for ( n = 0; n < m->cfg.nr_cbs; n++ )
        if ( sync_poll(m, &m->cb[n].sync, now) )
            m->cb[n].st.syncs_completed++;
}

/* ---- Register decoding ---- */

enum space { SP_GR0, SP_GR1, SP_CB, SP_RESERVED };

struct reg_ref {
    enum space sp;
    unsigned int cb;
    uint32_t off;
};

static const char *decode(const struct smmu_model *m, uint64_t offset,
                          struct reg_ref *r)
{
    uint64_t page;

    if ( offset >= smmu_model_mmio_size(m) )
        return "outside the SMMU's window";
    if ( offset & 3 )
        return "not 4-byte aligned";
    page = offset / m->page_size;
    r->off = (uint32_t)(offset % m->page_size);
    if ( page == 0 )
        r->sp = SP_GR0;
    else if ( page == 1 )
        r->sp = SP_GR1;
    else if ( page >= m->cfg.numpage &&
              page - m->cfg.numpage < m->cfg.nr_cbs )
    {
        r->sp = SP_CB;
        r->cb = (unsigned int)(page - m->cfg.numpage);
    }
    else
        r->sp = SP_RESERVED;
    return NULL;
}

static void reserved(struct smmu_model *m, uint64_t offset, bool write,
                     uint32_t val)
{
    m->reserved_accesses++;
    if ( write )
        smmu_log(m, "write 0x%08x to reserved offset 0x%llx ignored", val,
                 (unsigned long long)offset);
    else
        smmu_log(m, "read of reserved offset 0x%llx: zero",
                 (unsigned long long)offset);
}

static bool is_smr(const struct smmu_model *m, uint32_t off, uint32_t base,
                   unsigned int *n)
{
    if ( off < base || off >= base + 4 * m->cfg.nr_smrs )
        return false;
    *n = (off - base) / 4;
    return true;
}

/* Global space 0.  Returns false for a reserved offset. */
static bool read_gr0(struct smmu_model *m, uint32_t off, uint32_t *val)
{
    unsigned int n;

    if ( is_smr(m, off, SMMU_GR0_SMR(0), &n) )
        return *val = m->smr[n], true;
    if ( is_smr(m, off, SMMU_GR0_S2CR(0), &n) )
        return *val = m->s2cr[n], true;
    switch ( off )
    {
    case SMMU_GR0_SCR0:      *val = m->scr0; return true;
    case SMMU_GR0_SCR1:      *val = m->scr1; return true;
    case SMMU_GR0_SCR2:      *val = m->scr2; return true;
    case SMMU_GR0_SACR:      *val = m->sacr; return true;
    case SMMU_GR0_ID0 ... SMMU_GR0_ID7:
        *val = m->id[(off - SMMU_GR0_ID0) / 4];
        return true;
    case SMMU_GR0_SGFAR_LO:  *val = (uint32_t)m->sgfar; return true;
    case SMMU_GR0_SGFAR_HI:  *val = (uint32_t)(m->sgfar >> 32); return true;
    case SMMU_GR0_SGFSR:     *val = m->sgfsr; return true;
    case SMMU_GR0_SGFSYNR0:  *val = m->sgfsynr0; return true;
    case SMMU_GR0_SGFSYNR1:  *val = m->sgfsynr1; return true;
    case SMMU_GR0_SGFSYNR2:  *val = m->sgfsynr2; return true;
    case SMMU_GR0_STLBGSTATUS:
        smmu_sync_poll_all(m);
        *val = m->gsync.active ? SMMU_TLBSTATUS_ACTIVE : 0;
        return true;
    /* Write-only registers read as zero. */
    case SMMU_GR0_SGFSRRESTORE:
    case SMMU_GR0_STLBIALL:
    case SMMU_GR0_TLBIVMID:
    case SMMU_GR0_TLBIALLNSNH:
    case SMMU_GR0_TLBIALLH:
    case SMMU_GR0_STLBGSYNC:
        *val = 0;
        return true;
    }
    return false;
}

static bool write_gr0(struct smmu_model *m, uint32_t off, uint32_t val)
{
    unsigned int n;

    if ( is_smr(m, off, SMMU_GR0_SMR(0), &n) )
    {
        uint32_t ids = (1U << m->cfg.sid_bits) - 1;

        /* Only NUMSIDB bits of ID and MASK exist: drivers probe them by
         * writing ones and reading back. */
        m->smr[n] = val & (SMMU_SMR_VALID | ids << SMMU_SMR_MASK_SHIFT | ids);
        m->match_valid = false;
        return true;
    }
    if ( is_smr(m, off, SMMU_GR0_S2CR(0), &n) )
    {
        m->s2cr[n] = val;
        return true;
    }
    switch ( off )
    {
    case SMMU_GR0_SCR0:
        m->scr0 = val & ~(SMMU_SCR0_VMID16EN | SMMU_SCR0_EXIDENABLE);
        return true;
    case SMMU_GR0_SCR1:     m->scr1 = val; return true;
    case SMMU_GR0_SCR2:     m->scr2 = val; return true;
    case SMMU_GR0_SACR:     m->sacr = val; return true;
    case SMMU_GR0_ID0 ... SMMU_GR0_ID7:
        smmu_log(m, "write 0x%08x to read-only ID%u ignored", val,
                 (off - SMMU_GR0_ID0) / 4);
        return true;
    case SMMU_GR0_SGFAR_LO:
        m->sgfar = (m->sgfar & ~0xffffffffULL) | val;
        return true;
    case SMMU_GR0_SGFAR_HI:
        m->sgfar = (m->sgfar & 0xffffffffULL) | (uint64_t)val << 32;
        return true;
    case SMMU_GR0_SGFSR:         m->sgfsr &= ~val; return true;
    case SMMU_GR0_SGFSRRESTORE:  m->sgfsr = val & SMMU_SGFSR_ALL; return true;
    case SMMU_GR0_SGFSYNR0:      m->sgfsynr0 = val; return true;
    case SMMU_GR0_SGFSYNR1:      m->sgfsynr1 = val; return true;
    case SMMU_GR0_SGFSYNR2:      m->sgfsynr2 = val; return true;
    case SMMU_GR0_STLBIALL:
    case SMMU_GR0_TLBIALLNSNH:
        sync_queue(m, &m->gsync, SMMU_TLBI_ALL, 0, 0);
        return true;
    case SMMU_GR0_TLBIALLH:
        /* Hypervisor stage-1 entries: the model caches none. */
        m->tlb_invalidations++;
        return true;
    case SMMU_GR0_TLBIVMID:
        sync_queue(m, &m->gsync, SMMU_TLBI_VMID,
                   (uint16_t)(val & SMMU_CBAR_VMID_MASK), 0);
        return true;
    case SMMU_GR0_STLBGSYNC:
        m->syncs++;
        sync_start(m, &m->gsync);
        smmu_sync_poll_all(m);
        return true;
    case SMMU_GR0_STLBGSTATUS:
        smmu_log(m, "write to read-only sTLBGSTATUS ignored");
        return true;
    }
    return false;
}

static bool read_gr1(struct smmu_model *m, uint32_t off, uint32_t *val)
{
    unsigned int n = (off & 0x3ff) / 4;

    if ( n >= m->cfg.nr_cbs )
        return false;
    switch ( off & ~0x3ffU )
    {
    case SMMU_GR1_CBAR(0):      *val = m->cb[n].cbar; return true;
    case SMMU_GR1_CBFRSYNRA(0): *val = m->cb[n].cbfrsynra; return true;
    case SMMU_GR1_CBA2R(0):
        if ( !m->v2 )
            return false;
        *val = m->cb[n].cba2r;
        return true;
    }
    return false;
}

static bool write_gr1(struct smmu_model *m, uint32_t off, uint32_t val)
{
    unsigned int n = (off & 0x3ff) / 4;

    if ( n >= m->cfg.nr_cbs )
        return false;
    switch ( off & ~0x3ffU )
    {
    case SMMU_GR1_CBAR(0):
        if ( !m->v2 &&
             ((val & SMMU_CBAR_TYPE_MASK) >> SMMU_CBAR_TYPE_SHIFT) !=
             SMMU_CBAR_TYPE_S2_TRANS )
            smmu_log(m, "CBAR%u: stage-1 type on a stage-2-only SMMU", n);
        m->cb[n].cbar = val;
        return true;
    case SMMU_GR1_CBFRSYNRA(0):
        m->cb[n].cbfrsynra = val & SMMU_CBFRSYNRA_SID_MASK;
        return true;
    case SMMU_GR1_CBA2R(0):
        if ( !m->v2 )
            return false;
        m->cb[n].cba2r = val & (SMMU_CBA2R_VA64 | 0xffff0000U);
        return true;
    }
    return false;
}

static uint32_t lo32(uint64_t v)
{
    return (uint32_t)v;
}

static uint32_t hi32(uint64_t v)
{
    return (uint32_t)(v >> 32);
}

static void set_lo(uint64_t *r, uint32_t v)
{
    *r = (*r & ~0xffffffffULL) | v;
}

static void set_hi(uint64_t *r, uint32_t v)
{
    *r = (*r & 0xffffffffULL) | (uint64_t)v << 32;
}

static bool read_cb(struct smmu_model *m, unsigned int n, uint32_t off,
                    uint32_t *val)
{
    struct smmu_cb *cb = &m->cb[n];

    switch ( off )
    {
    case SMMU_CB_SCTLR:      *val = cb->sctlr; return true;
    case SMMU_CB_ACTLR:      *val = cb->actlr; return true;
    case SMMU_CB_TCR2:       *val = cb->tcr2; return true;
    case SMMU_CB_TTBR0_LO:   *val = lo32(cb->ttbr0); return true;
    case SMMU_CB_TTBR0_HI:   *val = hi32(cb->ttbr0); return true;
    case SMMU_CB_TTBR1_LO:   *val = lo32(cb->ttbr1); return true;
    case SMMU_CB_TTBR1_HI:   *val = hi32(cb->ttbr1); return true;
    case SMMU_CB_TCR:        *val = cb->tcr; return true;
    case SMMU_CB_CONTEXTIDR: *val = cb->contextidr; return true;
    case SMMU_CB_MAIR0:      *val = cb->mair0; return true;
    case SMMU_CB_MAIR1:      *val = cb->mair1; return true;
    case SMMU_CB_FSR:        *val = cb->fsr; return true;
    case SMMU_CB_FAR_LO:     *val = lo32(cb->far); return true;
    case SMMU_CB_FAR_HI:     *val = hi32(cb->far); return true;
    case SMMU_CB_FSYNR0:     *val = cb->fsynr0; return true;
    case SMMU_CB_FSYNR1:     *val = cb->fsynr1; return true;
    case SMMU_CB_TLBSTATUS:
        smmu_sync_poll_all(m);
        *val = cb->sync.active ? SMMU_TLBSTATUS_ACTIVE : 0;
        return true;
    case SMMU_CB_PAR_LO:
    case SMMU_CB_PAR_HI:
    case SMMU_CB_RESUME:
    case SMMU_CB_FSRRESTORE:
    case SMMU_CB_TLBIVA ... SMMU_CB_TLBIIPAS2L_HI:
    case SMMU_CB_TLBSYNC:
        *val = 0;
        return true;
    }
    return false;
}

static bool write_cb(struct smmu_model *m, unsigned int n, uint32_t off,
                     uint32_t val)
{
    struct smmu_cb *cb = &m->cb[n];
    uint16_t vmid = (uint16_t)(cb->cbar & SMMU_CBAR_VMID_MASK);

    switch ( off )
    {
    case SMMU_CB_SCTLR:      cb->sctlr = val; return true;
    case SMMU_CB_ACTLR:      cb->actlr = val; return true;
    case SMMU_CB_TCR2:       cb->tcr2 = val; return true;
    case SMMU_CB_TTBR0_LO:   set_lo(&cb->ttbr0, val); return true;
    case SMMU_CB_TTBR0_HI:   set_hi(&cb->ttbr0, val); return true;
    case SMMU_CB_TTBR1_LO:   set_lo(&cb->ttbr1, val); return true;
    case SMMU_CB_TTBR1_HI:   set_hi(&cb->ttbr1, val); return true;
    case SMMU_CB_TCR:        cb->tcr = val; return true;
    case SMMU_CB_CONTEXTIDR: cb->contextidr = val; return true;
    case SMMU_CB_MAIR0:      cb->mair0 = val; return true;
    case SMMU_CB_MAIR1:      cb->mair1 = val; return true;
    case SMMU_CB_FSR:        cb->fsr &= ~val; return true;
    case SMMU_CB_FSRRESTORE: cb->fsr = val & SMMU_FSR_ALL; return true;
    case SMMU_CB_FAR_LO:     set_lo(&cb->far, val); return true;
    case SMMU_CB_FAR_HI:     set_hi(&cb->far, val); return true;
    case SMMU_CB_FSYNR0:     cb->fsynr0 = val; return true;
    case SMMU_CB_FSYNR1:     cb->fsynr1 = val; return true;
    case SMMU_CB_RESUME:
        return true;                /* no stalls: nothing to resume */
    case SMMU_CB_PAR_LO:
    case SMMU_CB_PAR_HI:
    case SMMU_CB_TLBSTATUS:
        smmu_log(m, "CB%u: write to read-only offset 0x%x ignored", n, off);
        return true;
    case SMMU_CB_TLBIVA:
    case SMMU_CB_TLBIVAA:
    case SMMU_CB_TLBIASID:
    case SMMU_CB_TLBIALL:
    case SMMU_CB_TLBIVAL:
    case SMMU_CB_TLBIVAAL:
        m->tlb_invalidations++;
        smmu_log(m, "CB%u: stage-1 TLB invalidation 0x%x has no effect on "
                 "stage-2 entries", n, off);
        return true;
    case SMMU_CB_TLBIIPAS2_HI:
    case SMMU_CB_TLBIIPAS2L_HI:
        cb->tlbiipas2_hi = val;
        return true;
    case SMMU_CB_TLBIIPAS2_LO:
    case SMMU_CB_TLBIIPAS2L_LO:
        sync_queue(m, &cb->sync, SMMU_TLBI_IPA, vmid,
                   ((uint64_t)cb->tlbiipas2_hi << 32 | val) << 12);
        cb->tlbiipas2_hi = 0;
        return true;
    case SMMU_CB_TLBSYNC:
        cb->st.syncs++;
        sync_start(m, &cb->sync);
        smmu_sync_poll_all(m);
        return true;
    }
    return false;
}

int smmu_model_mmio_read(void *model, uint64_t offset, uint32_t *val)
{
    struct smmu_model *m = model;
    struct reg_ref r;
    const char *bad;
    bool known = false;

    smmu_lock(m);
    m->mmio_reads++;
    bad = decode(m, offset, &r);
    if ( bad )
    {
        m->bus_errors++;
        smmu_log(m, "bus error: read at 0x%llx: %s",
                 (unsigned long long)offset, bad);
        smmu_unlock(m);
        return -1;
    }
    *val = 0;
    switch ( r.sp )
    {
    case SP_GR0:      known = read_gr0(m, r.off, val); break;
    case SP_GR1:      known = read_gr1(m, r.off, val); break;
    case SP_CB:       known = read_cb(m, r.cb, r.off, val); break;
    case SP_RESERVED: break;
    }
    if ( !known )
    {
        *val = 0;
        reserved(m, offset, false, 0);
    }
    smmu_unlock(m);
    return 0;
}

int smmu_model_mmio_write(void *model, uint64_t offset, uint32_t val)
{
    struct smmu_model *m = model;
    struct reg_ref r;
    const char *bad;
    bool known = false;

    smmu_lock(m);
    m->mmio_writes++;
    bad = decode(m, offset, &r);
    if ( bad )
    {
        m->bus_errors++;
        smmu_log(m, "bus error: write 0x%08x at 0x%llx: %s", val,
                 (unsigned long long)offset, bad);
        smmu_unlock(m);
        return -1;
    }
    switch ( r.sp )
    {
    case SP_GR0:      known = write_gr0(m, r.off, val); break;
    case SP_GR1:      known = write_gr1(m, r.off, val); break;
    case SP_CB:       known = write_cb(m, r.cb, r.off, val); break;
    case SP_RESERVED: break;
    }
    if ( !known )
        reserved(m, offset, true, val);
    smmu_unlock(m);
    return 0;
}

/* ---- Fault injection ---- */

void smmu_model_set_inject(struct smmu_model *m,
                           const struct smmu_model_inject *inj)
{
    smmu_lock(m);
    m->inj = *inj;
    smmu_unlock(m);
}

void smmu_model_spurious_global_irq(struct smmu_model *m)
{
    struct smmu_irq_batch b = { 0 };

    smmu_lock(m);
    m->spurious_irqs++;
    if ( m->cfg.has_global_irq )
    {
        m->irqs_raised++;
        smmu_irq_add(&b, m->cfg.global_irq);
    }
    smmu_unlock(m);
    smmu_irq_flush(m, &b);
}

void smmu_model_spurious_context_irq(struct smmu_model *m, unsigned int n)
{
    struct smmu_irq_batch b = { 0 };
    unsigned int idx = n;

    smmu_lock(m);
    m->spurious_irqs++;
    if ( !m->v2 && n < m->cfg.nr_cbs )
        idx = (m->cb[n].cbar & SMMU_CBAR_IRPTNDX_MASK) >>
              SMMU_CBAR_IRPTNDX_SHIFT;
    if ( idx < m->cfg.nr_context_irqs )
    {
        m->irqs_raised++;
        smmu_irq_add(&b, m->context_irqs[idx]);
    }
    smmu_unlock(m);
    smmu_irq_flush(m, &b);
}

/* ---- Statistics ---- */

void smmu_model_get_stats(struct smmu_model *m, struct smmu_model_stats *out)
{
    unsigned int n;

    memset(out, 0, sizeof(*out));
    smmu_lock(m);
    out->nr_cbs = m->cfg.nr_cbs;
    for ( n = 0; n < m->cfg.nr_cbs; n++ )
    {
        out->cb[n] = m->cb[n].st;
        out->tlb_hits += m->cb[n].st.tlb_hits;
        out->tlb_misses += m->cb[n].st.tlb_misses;
        out->walks += m->cb[n].st.walks;
    }
    out->translations = m->translations;
    out->bypassed = m->bypassed;
    memcpy(out->outcomes, m->outcomes, sizeof(out->outcomes));
    out->tlb_invalidations = m->tlb_invalidations;
    out->tlb_entries_dropped = m->tlb_entries_dropped;
    out->syncs = m->syncs;
    out->syncs_completed = m->syncs_completed;
    out->global_faults_recorded = m->global_faults_recorded;
    out->global_faults_multi = m->global_faults_multi;
    out->mmio_reads = m->mmio_reads;
    out->mmio_writes = m->mmio_writes;
    out->bus_errors = m->bus_errors;
    out->reserved_accesses = m->reserved_accesses;
    out->irqs_raised = m->irqs_raised;
    out->spurious_irqs = m->spurious_irqs;
    smmu_unlock(m);
}

void smmu_model_reset_stats(struct smmu_model *m)
{
    unsigned int n;

    smmu_lock(m);
    for ( n = 0; n < m->cfg.nr_cbs; n++ )
        memset(&m->cb[n].st, 0, sizeof(m->cb[n].st));
    m->translations = m->bypassed = 0;
    memset(m->outcomes, 0, sizeof(m->outcomes));
    m->tlb_invalidations = m->tlb_entries_dropped = 0;
    m->syncs = m->syncs_completed = 0;
    m->global_faults_recorded = m->global_faults_multi = 0;
    m->mmio_reads = m->mmio_writes = m->bus_errors = 0;
    m->reserved_accesses = m->irqs_raised = m->spurious_irqs = 0;
    smmu_unlock(m);
}

unsigned int smmu_model_tlb_count(struct smmu_model *m)
{
    unsigned int n;

    smmu_lock(m);
    n = m->tlb_valid;
    smmu_unlock(m);
    return n;
}
