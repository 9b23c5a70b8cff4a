/*
 * Arm SMMU model: the translation path.  Stream matching (SMR), the
 * stream-to-context register (S2CR), the context bank, the VMID-tagged
 * TLB, the stage-2 walk (the IPMMU model's walker: the stage-2 descriptor
 * format is the same), fault recording, and DMA through the result.
 */
#include "hw/smmu_model_internal.h"
#include "hw/ipmmu_model_walk.h"
#include "hw/phys_mem.h"

#include <string.h>

/* ---- TLB ---- */

void smmu_tlb_clear(struct smmu_model *m)
{
    m->tlb_entries_dropped += m->tlb_valid;
    memset(m->tlb, 0, m->tlb_size * sizeof(*m->tlb));
    m->tlb_valid = 0;
    m->tlb_next = 0;
}

void smmu_tlb_apply(struct smmu_model *m, const struct smmu_tlbi_op *op)
{
    unsigned int i;

    if ( op->kind == SMMU_TLBI_ALL )
    {
        smmu_tlb_clear(m);
        return;
    }
    for ( i = 0; i < m->tlb_size; i++ )
    {
        struct smmu_tlb_entry *e = &m->tlb[i];

        if ( !e->valid || e->vmid != op->vmid )
            continue;
        if ( op->kind == SMMU_TLBI_IPA &&
             (op->ipa & e->nmask) != e->ia_base )
            continue;
        e->valid = false;
        m->tlb_valid--;
        m->tlb_entries_dropped++;
    }
}

static bool tlb_matches(const struct smmu_tlb_entry *e, uint16_t vmid,
                        uint64_t ia)
{
    return e->valid && e->vmid == vmid && (ia & e->nmask) == e->ia_base;
}

/*
 * Entries are inserted only after a miss, so at most one matches: the
 * last hit is tried first (a DMA burst stream stays in one page), then
 * every entry.
 */
static struct smmu_tlb_entry *tlb_lookup(struct smmu_model *m, uint16_t vmid,
                                         uint64_t ia)
{
    unsigned int i;

    if ( tlb_matches(&m->tlb[m->tlb_last], vmid, ia) )
        return &m->tlb[m->tlb_last];
    for ( i = 0; i < m->tlb_size; i++ )
        if ( tlb_matches(&m->tlb[i], vmid, ia) )
        {
            m->tlb_last = i;
            return &m->tlb[i];
        }
    return NULL;
}

static void tlb_insert(struct smmu_model *m, uint16_t vmid,
                       const struct ipmmu_walk_leaf *leaf)
{
    struct smmu_tlb_entry *e = &m->tlb[m->tlb_next];

    m->tlb_next = m->tlb_next + 1 == m->tlb_size ? 0 : m->tlb_next + 1;
    if ( !e->valid )
        m->tlb_valid++;
    *e = (struct smmu_tlb_entry){
        .ia_base = leaf->ia_base, .nmask = ~(leaf->size - 1),
        .pa_base = leaf->pa_base, .vmid = vmid, .level = (uint8_t)leaf->level,
        .valid = true, .read = leaf->read, .write = leaf->write,
    };
}

/* ---- Fault recording ---- */

/* A fault seen by one page translation, before it is recorded. */
struct fault {
    enum smmu_model_outcome outcome;
    unsigned int level;
};

static uint32_t global_bit(enum smmu_model_outcome o)
{
    switch ( o )
    {
    case SMMU_FAULT_USF:  return SMMU_SGFSR_USF;
    case SMMU_FAULT_SMCF: return SMMU_SGFSR_SMCF;
    case SMMU_FAULT_ICF:  return SMMU_SGFSR_ICF;
    case SMMU_FAULT_UCBF: return SMMU_SGFSR_UCBF;
    default:              return 0;
    }
}

static uint32_t context_bit(enum smmu_model_outcome o)
{
    switch ( o )
    {
    case SMMU_FAULT_TF:  return SMMU_FSR_TF;
    case SMMU_FAULT_AFF: return SMMU_FSR_AFF;
    case SMMU_FAULT_PF:  return SMMU_FSR_PF;
    case SMMU_FAULT_ASF: return SMMU_FSR_ASF;
    case SMMU_FAULT_EF:  return SMMU_FSR_EF;
    default:             return 0;
    }
}

/* Returns true when the fault was recorded (not just MULTI). */
static bool record_global(struct smmu_model *m, uint32_t bit, uint32_t sid,
                          uint64_t ia, bool write, struct smmu_irq_batch *b)
{
    if ( m->sgfsr & ~SMMU_SGFSR_MULTI )
    {
        m->sgfsr |= SMMU_SGFSR_MULTI;
        m->global_faults_multi++;
        return false;
    }
    m->sgfsr |= bit;
    m->sgfar = ia;
    m->sgfsynr0 = write ? SMMU_SGFSYNR0_WNR : 0;
    m->sgfsynr1 = sid & SMMU_SGFSYNR1_SID_MASK;
    m->sgfsynr2 = 0;
    m->global_faults_recorded++;
    if ( (m->scr0 & SMMU_SCR0_GFIE) && m->cfg.has_global_irq )
    {
        m->irqs_raised++;
        smmu_irq_add(b, m->cfg.global_irq);
    }
    return true;
}

static void raise_context(struct smmu_model *m, unsigned int n,
                          uint32_t sid, uint64_t ia, bool write,
                          struct smmu_irq_batch *b)
{
    unsigned int idx = n;

    if ( !m->v2 )
    {
        idx = (m->cb[n].cbar & SMMU_CBAR_IRPTNDX_MASK) >>
              SMMU_CBAR_IRPTNDX_SHIFT;
        if ( idx >= m->cfg.nr_context_irqs )
        {
            record_global(m, SMMU_SGFSR_UCIF, sid, ia, write, b);
            return;
        }
    }
    if ( idx >= m->cfg.nr_context_irqs )
    {
        smmu_log(m, "CB%u: context fault with no interrupt line wired", n);
        return;
    }
    m->irqs_raised++;
    smmu_irq_add(b, m->context_irqs[idx]);
}

static bool record_context(struct smmu_model *m, unsigned int n,
                           const struct fault *f, uint32_t sid, uint64_t ia,
                           bool write, struct smmu_irq_batch *b)
{
    struct smmu_cb *cb = &m->cb[n];

    if ( cb->fsr & ~SMMU_FSR_MULTI )
    {
        cb->fsr |= SMMU_FSR_MULTI;
        cb->st.faults_multi++;
        return false;
    }
    cb->fsr |= context_bit(f->outcome);
    cb->far = ia;
    cb->fsynr0 = (f->level & SMMU_FSYNR0_PLVL_MASK) |
                 (write ? SMMU_FSYNR0_WNR : 0) |
                 (f->outcome == SMMU_FAULT_EF ? SMMU_FSYNR0_PTWF : 0);
    cb->fsynr1 = 0;
    cb->cbfrsynra = sid & SMMU_CBFRSYNRA_SID_MASK;
    cb->st.faults_recorded++;
    if ( cb->sctlr & SMMU_SCTLR_CFIE )
        raise_context(m, n, sid, ia, write, b);
    return true;
}

/* ---- Stream matching ---- */

/* Number of valid SMRs matching 'sid'; '*idx' is the first of them. */
static unsigned int smr_scan(const struct smmu_model *m, uint32_t sid,
                             unsigned int *idx)
{
    unsigned int i, n = 0;
    uint32_t id_mask = (1U << m->cfg.sid_bits) - 1;

    for ( i = 0; i < m->cfg.nr_smrs; i++ )
    {
        uint32_t smr = m->smr[i];
        uint32_t mask = (smr & SMMU_SMR_MASK_MASK) >> SMMU_SMR_MASK_SHIFT;

        if ( !(smr & SMMU_SMR_VALID) )
            continue;
        if ( ((sid ^ smr) & ~mask & id_mask) == 0 )
        {
            if ( !n )
                *idx = i;
            n++;
        }
    }
    return n;
}

/* The last stream's answer stands until an SMR is written. */
static unsigned int smr_match(struct smmu_model *m, uint32_t sid,
                              unsigned int *idx)
{
    if ( !m->match_valid || m->match_sid != sid )
    {
        m->match_nr = smr_scan(m, sid, &m->match_idx);
        m->match_sid = sid;
        m->match_valid = true;
    }
    *idx = m->match_idx;
    return m->match_nr;
}

/* ---- The walk ---- */

struct walk_ctx {
    struct smmu_model *m;
    unsigned int reads;
    uint64_t last_desc;
};

static int walk_read(void *opaque, uint64_t pa, uint64_t *val)
{
    struct walk_ctx *w = opaque;

    if ( w->m->inj.walk_reads_fail )
        return -1;
    if ( phys_mem_read64(w->m->cfg.mem, pa, val) )
        return -1;
    w->reads++;
    w->last_desc = *val;
    return 0;
}

static unsigned int ps_bits(unsigned int ps, unsigned int oas)
{
    static const unsigned int bits[] = { 32, 36, 40, 42, 44, 48 };

    if ( ps >= sizeof(bits) / sizeof(bits[0]) )
        return oas;
    return bits[ps] < oas ? bits[ps] : oas;
}

/*
 * The walk configuration of bank n, from its TCR (VTCR layout), TTBR0 and
 * CBA2R.VA64.  Returns the outcome that every access takes when the
 * registers describe no walk (TF), or SMMU_OK.
 */
static enum smmu_model_outcome cb_walk_cfg(struct smmu_model *m,
                                           unsigned int n,
                                           struct ipmmu_walk_cfg *wc,
                                           unsigned int *pa_bits)
{
    const struct smmu_cb *cb = &m->cb[n];
    uint32_t tcr = cb->tcr;
    bool va64 = m->v2 && (cb->cba2r & SMMU_CBA2R_VA64);
    unsigned int sl0 = (tcr & SMMU_VTCR_SL0_MASK) >> SMMU_VTCR_SL0_SHIFT;
    unsigned int tg0 = (tcr & SMMU_VTCR_TG0_MASK) >> SMMU_VTCR_TG0_SHIFT;
    unsigned int ia_bits;
    uint32_t ttbcr;
    const char *why;
    uint64_t ttb = cb->ttbr0 & 0x0000fffffffff000ULL;

    if ( va64 )
    {
        unsigned int t0sz = tcr & SMMU_VTCR_T0SZ_MASK;

        if ( tg0 != SMMU_VTCR_TG0_4K )
        {
            smmu_log(m, "CB%u: TCR.TG0 = %u: only the 4K granule is "
                     "modelled", n, tg0);
            return SMMU_FAULT_UNSUPPORTED;
        }
        ia_bits = 64 - t0sz;
        *pa_bits = ps_bits((tcr & SMMU_VTCR_PS_MASK) >> SMMU_VTCR_PS_SHIFT,
                           m->cfg.oas_bits);
    }
    else
    {
        /* AArch32 LPAE VTCR: T0SZ is signed 4-bit, its sign repeated in S. */
        int t0sz = (int)(tcr & 0xf);

        if ( !!(tcr & SMMU_VTCR_S) != !!(t0sz & 8) )
        {
            smmu_log(m, "CB%u: VTCR.S does not match T0SZ[3]", n);
            return SMMU_FAULT_TF;
        }
        if ( t0sz & 8 )
            t0sz -= 16;
        ia_bits = (unsigned int)(32 - t0sz);
        *pa_bits = 40 < m->cfg.oas_bits ? 40 : m->cfg.oas_bits;
    }
    if ( ia_bits > m->cfg.ias_bits || ia_bits < 16 )
    {
        smmu_log(m, "CB%u: input size %u bits outside 16..%u", n, ia_bits,
                 m->cfg.ias_bits);
        return SMMU_FAULT_TF;
    }
    /* The IPMMU walker takes its input size as 64 - TSZ0 (or 32 - TSZ0). */
    ttbcr = IPMMU_TTBCR_EAE | sl0 << IPMMU_TTBCR_SL0_SHIFT;
    if ( ia_bits > 32 )
        ttbcr |= 64 - ia_bits;
    else
        ttbcr |= 32 - ia_bits;
    if ( ipmmu_walk_setup(ttbcr, ia_bits > 32, true, ttb, wc, &why) )
    {
        smmu_log(m, "CB%u: no walk: %s", n, why);
        return SMMU_FAULT_TF;
    }
    return SMMU_OK;
}

/* A descriptor the walker refused only for its access flag. */
static bool af_only(uint64_t desc, unsigned int level)
{
    if ( !(desc & IPMMU_PTE_VALID) || (desc & IPMMU_PTE_AF) )
        return false;
    if ( level == 3 )
        return desc & IPMMU_PTE_TABLE;
    return level > 0 && !(desc & IPMMU_PTE_TABLE);
}

static bool permitted(bool read, bool write_ok, bool write)
{
    return write ? write_ok : read;
}

/* Translate through context bank n (SCTLR.M = 1, stage 2). */
static enum smmu_model_outcome cb_translate(struct smmu_model *m,
                                            unsigned int n, uint64_t ia,
                                            bool write, uint64_t *pa,
                                            struct fault *f,
                                            struct smmu_xlate *res)
{
    struct smmu_cb *cb = &m->cb[n];
    uint16_t vmid = (uint16_t)(cb->cbar & SMMU_CBAR_VMID_MASK);
    struct smmu_tlb_entry *e;
    struct ipmmu_walk_cfg wc;
    struct ipmmu_walk_leaf leaf;
    struct walk_ctx w = { .m = m };
    enum smmu_model_outcome o;
    enum ipmmu_walk_status ws;
    unsigned int pa_bits, level;

    cb->st.translations++;
    e = tlb_lookup(m, vmid, ia);
    if ( e )
    {
        cb->st.tlb_hits++;
        res->tlb_hit = true;
        f->level = e->level;
        if ( !permitted(e->read, e->write, write) )
            return f->outcome = SMMU_FAULT_PF;
        *pa = e->pa_base | (ia & ~e->nmask);
        return SMMU_OK;
    }
    cb->st.tlb_misses++;
    o = cb_walk_cfg(m, n, &wc, &pa_bits);
    if ( o != SMMU_OK )
    {
        f->level = 0;
        return f->outcome = o;
    }
    cb->st.walks++;
    ws = ipmmu_walk(&wc, ia, walk_read, &w, &leaf, &level);
    f->level = level;
    if ( ws == IPMMU_WALK_ABORT )
        return f->outcome = SMMU_FAULT_EF;
    if ( ws != IPMMU_WALK_OK )
        return f->outcome = w.reads && af_only(w.last_desc, level)
                            ? SMMU_FAULT_AFF : SMMU_FAULT_TF;
    if ( pa_bits < 64 && ((leaf.pa_base + leaf.size - 1) >> pa_bits) )
        return f->outcome = SMMU_FAULT_ASF;
    tlb_insert(m, vmid, &leaf);
    if ( !permitted(leaf.read, leaf.write, write) )
        return f->outcome = SMMU_FAULT_PF;
    *pa = leaf.pa_base | (ia - leaf.ia_base);
    return SMMU_OK;
}

/* One page (the access does not cross a page). */
static enum smmu_model_outcome xlate_page(struct smmu_model *m, uint32_t sid,
                                          uint64_t ia, bool write,
                                          uint64_t *pa,
                                          struct smmu_xlate *res,
                                          struct smmu_irq_batch *b)
{
    struct fault f = { SMMU_OK, 0 };
    unsigned int idx = 0, nr, cbndx, type;
    uint32_t s2cr;

    m->translations++;
    *pa = ia;
    if ( m->scr0 & SMMU_SCR0_CLIENTPD )
    {
        res->path = SMMU_PATH_CLIENTPD;
        m->bypassed++;
        return SMMU_OK;
    }
    nr = smr_match(m, sid, &idx);
    if ( nr == 0 )
    {
        res->path = SMMU_PATH_UNMATCHED;
        if ( !(m->scr0 & SMMU_SCR0_USFCFG) )
        {
            m->bypassed++;
            return SMMU_OK;
        }
        f.outcome = SMMU_FAULT_USF;
        goto global_fault;
    }
    res->smr = (int)idx;
    if ( nr > 1 )
    {
        res->path = SMMU_PATH_FAULT;
        f.outcome = SMMU_FAULT_SMCF;
        goto global_fault;
    }
    s2cr = m->s2cr[idx];
    type = (s2cr & SMMU_S2CR_TYPE_MASK) >> SMMU_S2CR_TYPE_SHIFT;
    if ( type == SMMU_S2CR_TYPE_BYPASS )
    {
        res->path = SMMU_PATH_BYPASS;
        m->bypassed++;
        return SMMU_OK;
    }
    if ( type != SMMU_S2CR_TYPE_TRANS )
    {
        res->path = SMMU_PATH_FAULT;
        f.outcome = SMMU_FAULT_ICF;
        goto global_fault;
    }
    cbndx = s2cr & SMMU_S2CR_CBNDX_MASK;
    res->path = SMMU_PATH_CB;
    if ( cbndx >= m->cfg.nr_cbs )
    {
        f.outcome = SMMU_FAULT_UCBF;
        goto global_fault;
    }
    res->cb = (int)cbndx;
    if ( ((m->cb[cbndx].cbar & SMMU_CBAR_TYPE_MASK) >> SMMU_CBAR_TYPE_SHIFT)
         != SMMU_CBAR_TYPE_S2_TRANS )
    {
        smmu_log(m, "CB%u: stage-1 context banks are not modelled", cbndx);
        return SMMU_FAULT_UNSUPPORTED;
    }
    if ( !(m->cb[cbndx].sctlr & SMMU_SCTLR_M) )
    {
        res->cb_disabled = true;
        m->bypassed++;
        return SMMU_OK;
    }
    if ( cb_translate(m, cbndx, ia, write, pa, &f, res) == SMMU_OK )
        return SMMU_OK;
    if ( f.outcome == SMMU_FAULT_UNSUPPORTED )
        return f.outcome;
    res->fault_recorded = record_context(m, cbndx, &f, sid, ia, write, b);
    return f.outcome;

 global_fault:
    res->fault_recorded = record_global(m, global_bit(f.outcome), sid, ia,
                                        write, b);
    return f.outcome;
}

static void xlate_init(struct smmu_xlate *res)
{
    memset(res, 0, sizeof(*res));
    res->smr = -1;
    res->cb = -1;
}

/* Lock held.  Translate one access; interrupts collected in 'b'. */
static enum smmu_model_outcome translate_locked(struct smmu_model *m,
                                                uint32_t sid, uint64_t ia,
                                                size_t size, bool write,
                                                struct smmu_xlate *res,
                                                struct smmu_irq_batch *b)
{
    uint64_t page_end, pa;
    size_t left = size;
    enum smmu_model_outcome o = SMMU_OK;

    xlate_init(res);
    if ( !size || size > SMMU_MODEL_MAX_ACCESS ||
         sid >> m->cfg.sid_bits || ia + size - 1 < ia )
    {
        smmu_log(m, "bad request: stream 0x%x, %zu bytes at 0x%llx", sid,
                 size, (unsigned long long)ia);
        o = SMMU_BAD_REQUEST;
        goto out;
    }
    smmu_sync_poll_all(m);
    while ( left )
    {
        size_t len;

        page_end = (ia | (SMMU_MODEL_PAGE_SIZE - 1)) + 1;
        len = page_end - ia < left ? page_end - ia : left;
        res->tlb_hit = false;
        o = xlate_page(m, sid, ia, write, &pa, res, b);
        if ( o != SMMU_OK )
        {
            res->fault_addr = ia;
            break;
        }
        res->seg[res->nr_segs].pa = pa;
        res->seg[res->nr_segs].len = (uint32_t)len;
        res->nr_segs++;
        ia += len;
        left -= len;
    }
 out:
    res->outcome = o;
    m->outcomes[o]++;
    return o;
}

enum smmu_model_outcome smmu_model_translate(struct smmu_model *m,
                                             uint32_t sid, uint64_t ia,
                                             size_t size, bool write,
                                             struct smmu_xlate *res)
{
    struct smmu_xlate local;
    struct smmu_irq_batch b = { 0 };
    enum smmu_model_outcome o;

    if ( !res )
        res = &local;
    smmu_lock(m);
    o = translate_locked(m, sid, ia, size, write, res, &b);
    smmu_unlock(m);
    smmu_irq_flush(m, &b);
    return o;
}

enum smmu_model_outcome smmu_model_dma(struct smmu_model *m, uint32_t sid,
                                       uint64_t ia, void *buf, size_t len,
                                       bool write, size_t *done,
                                       struct smmu_xlate *res)
{
    struct smmu_xlate local;
    uint8_t *p = buf;
    size_t moved = 0;
    enum smmu_model_outcome o = SMMU_OK;

    if ( !res )
        res = &local;
    xlate_init(res);
    while ( moved < len )
    {
        size_t chunk = SMMU_MODEL_PAGE_SIZE -
                       ((ia + moved) & (SMMU_MODEL_PAGE_SIZE - 1));
        unsigned int s;
        size_t off = 0;

        if ( chunk > len - moved )
            chunk = len - moved;
        o = smmu_model_translate(m, sid, ia + moved, chunk, write, res);
        if ( o != SMMU_OK )
            break;
        for ( s = 0; s < res->nr_segs; s++ )
        {
            int rc = write
                ? phys_mem_write(m->cfg.mem, res->seg[s].pa, p + moved + off,
                                 res->seg[s].len)
                : phys_mem_read(m->cfg.mem, res->seg[s].pa, p + moved + off,
                                res->seg[s].len);

            if ( rc )
            {
                o = res->outcome = SMMU_BUS_ERROR;
                res->fault_addr = ia + moved + off;
                smmu_lock(m);
                m->outcomes[SMMU_BUS_ERROR]++;
                smmu_log(m, "DMA by stream 0x%x: 0x%llx is not RAM", sid,
                         (unsigned long long)res->seg[s].pa);
                smmu_unlock(m);
                break;
            }
            off += res->seg[s].len;
        }
        if ( o != SMMU_OK )
            break;
        moved += chunk;
    }
    if ( done )
        *done = moved;
    return o;
}

const char *smmu_model_outcome_name(enum smmu_model_outcome o)
{
    static const char *const names[SMMU_NR_OUTCOMES] = {
        [SMMU_OK] = "ok",
        [SMMU_FAULT_TF] = "translation fault",
        [SMMU_FAULT_AFF] = "access flag fault",
        [SMMU_FAULT_PF] = "permission fault",
        [SMMU_FAULT_ASF] = "address size fault",
        [SMMU_FAULT_EF] = "external fault (table walk)",
        [SMMU_FAULT_USF] = "unidentified stream fault",
        [SMMU_FAULT_SMCF] = "stream match conflict fault",
        [SMMU_FAULT_ICF] = "invalid context fault (S2CR fault)",
        [SMMU_FAULT_UCBF] = "unimplemented context bank fault",
        [SMMU_FAULT_UNSUPPORTED] = "configuration not modelled",
        [SMMU_BUS_ERROR] = "bus error",
        [SMMU_BAD_REQUEST] = "bad request",
    };

    return (unsigned int)o < SMMU_NR_OUTCOMES ? names[o] : "unknown";
}
