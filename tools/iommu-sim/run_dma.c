/*
 * DMA for 'iommu-sim run': masters move bytes through the simulated SoC
 * (behind an IPMMU: their cache IPMMU, uTLB, the root's context; behind an
 * Arm SMMU: their stream, its match entry and context bank; then the
 * domain's P2M), and the result is checked against the domain's memory as
 * the CPU sees it through the same P2M, so a byte that lands anywhere
 * else is caught.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/mm.h>
#include <xen/sched.h>
#include <asm/p2m.h>

#include "hosted/platform.h"
#include "hw/ipmmu_model.h"
#include "hw/ipmmu_model_regs.h"
#include "hw/smmu_model.h"
#include "hw/smmu_model_regs.h"
#include "tools/iommu-sim/run_scenario.h"
#include "xen/drivers/passthrough/arm/ipmmu-vmsa-stats.h"
#include "xen/drivers/passthrough/arm/smmu.h"

typedef int (*page_fn)(void *page, size_t off, void *buf, size_t len);

static int copy_from(void *page, size_t off, void *buf, size_t len)
{
    memcpy(buf, (char *)page + off, len);
    return 0;
}

static int copy_to(void *page, size_t off, void *buf, size_t len)
{
    memcpy((char *)page + off, buf, len);
    return 0;
}

/* Walk [ipa, ipa + len) page by page through d's P2M. */
static int guest_access(struct domain *d, uint64_t ipa, void *buf,
                        size_t len, page_fn fn)
{
    while ( len )
    {
        size_t off = ipa & (PAGE_SIZE - 1);
        size_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
        p2m_type_t t;
        mfn_t mfn = p2m_lookup(d, _gfn(ipa >> PAGE_SHIFT), &t);
        void *page;

        if ( mfn_eq(mfn, INVALID_MFN) )
            return -1;
        page = map_domain_page(mfn);
        if ( !page )
            return -1;
        fn(page, off, buf, n);
        unmap_domain_page(page);

        ipa += n;
        buf = (char *)buf + n;
        len -= n;
    }
    return 0;
}

int run_guest_read(struct domain *d, uint64_t ipa, void *buf, size_t len)
{
    return guest_access(d, ipa, buf, len, copy_from);
}

int run_guest_write(struct domain *d, uint64_t ipa, const void *buf,
                    size_t len)
{
    return guest_access(d, ipa, (void *)buf, len, copy_to);
}

/* ---- Which IOMMU a master sits behind ---- */

unsigned int run_dma_channels(const char *master)
{
    struct soc *soc = platform_soc();
    int i;

    if ( !soc )
        return 0;
    i = soc_find_master(soc, master);
    if ( i >= 0 )
        return soc_master(soc, i)->nr_ports;
    i = soc_find_smmu_master(soc, master);
    return i < 0 ? 0 : soc_smmu_master(soc, i)->nr_streams;
}

bool run_master_on_smmu(const char *master)
{
    struct soc *soc = platform_soc();

    return soc && soc_find_master(soc, master) < 0 &&
           soc_find_smmu_master(soc, master) >= 0;
}

unsigned int run_nr_iommus(void)
{
    struct soc *soc = platform_soc();

    return soc ? soc_nr_ipmmus(soc) + soc_nr_smmus(soc) : 0;
}

const char *run_iommu_one(void)
{
    struct soc *soc = platform_soc();

    if ( !soc || !soc_nr_smmus(soc) )
        return "IPMMU";
    return soc_nr_ipmmus(soc) ? "IOMMU" : "SMMU";
}

const char *run_iommu_word(void)
{
    struct soc *soc = platform_soc();

    if ( !soc || !soc_nr_smmus(soc) )
        return "IPMMUs";
    return soc_nr_ipmmus(soc) ? "IOMMUs" : "SMMUs";
}

/* ---- One DMA, through the matching platform call ---- */

static void from_ipmmu(const struct soc_dma_result *in, int rc,
                       struct run_dma_result *out)
{
    out->smmu = false;
    out->ok = rc == 0;
    out->tf = in->outcome == IPMMU_FAULT_TF;
    out->blocked = rc != 0 && !in->xlate.bypassed && in->done == 0 &&
                   in->outcome != IPMMU_BAD_REQUEST;
    out->bypassed = in->xlate.bypassed;
    out->outcome = ipmmu_model_outcome_name(in->outcome);
    out->done = in->done;
    out->fault_addr = in->xlate.fault_addr;
    out->ctx = in->xlate.context;
    out->iommu = in->ipmmu ? in->ipmmu : "";
    out->id = in->utlb;
}

static void from_smmu(const struct soc_smmu_dma_result *in, int rc,
                      struct run_dma_result *out)
{
    bool passed = in->xlate.path == SMMU_PATH_CLIENTPD ||
                  in->xlate.path == SMMU_PATH_BYPASS ||
                  (in->xlate.path == SMMU_PATH_CB && in->xlate.cb_disabled);

    out->smmu = true;
    out->ok = rc == 0;
    out->bypassed = passed;
    out->unmatched = in->xlate.path == SMMU_PATH_UNMATCHED;
    out->tf = in->outcome == SMMU_FAULT_TF;
    out->blocked = rc != 0 && !passed && in->done == 0 &&
                   in->outcome != SMMU_BAD_REQUEST &&
                   in->outcome != SMMU_BUS_ERROR;
    out->outcome = smmu_model_outcome_name(in->outcome);
    out->done = in->done;
    out->fault_addr = in->xlate.fault_addr;
    out->ctx = in->xlate.cb;
    out->iommu = in->smmu ? in->smmu : "";
    out->id = in->sid;
}

int run_dma(const char *master, unsigned int channel, uint64_t iova,
            void *buf, size_t len, bool write, struct run_dma_result *res)
{
    int rc;

    memset(res, 0, sizeof(*res));
    if ( run_master_on_smmu(master) )
    {
        struct soc_smmu_dma_result s;

        memset(&s, 0, sizeof(s));
        rc = write ? platform_smmu_dma_write(master, channel, iova, buf, len,
                                             &s)
                   : platform_smmu_dma_read(master, channel, iova, buf, len,
                                            &s);
        from_smmu(&s, rc, res);
    }
    else
    {
        struct soc_dma_result i;

        memset(&i, 0, sizeof(i));
        rc = write ? soc_dma_write(platform_soc(), master, channel, iova, buf,
                                   len, &i)
                   : soc_dma_read(platform_soc(), master, channel, iova, buf,
                                  len, &i);
        from_ipmmu(&i, rc, res);
    }
    return rc ? -1 : 0;
}

const char *run_dma_where(const struct run_dma_result *res, char *buf,
                          size_t len)
{
    if ( !res->smmu )
        snprintf(buf, len, "context %d", res->ctx);
    else if ( res->ctx >= 0 )
        snprintf(buf, len, "stream 0x%x, context bank %d", res->id,
                 res->ctx);
    else
        snprintf(buf, len, "stream 0x%x, no context bank", res->id);
    return buf;
}

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
    size_t i;

    for ( i = 0; i < len; i++ )
        p[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

bool run_dma_roundtrip(struct run *r, struct domain *d, const char *master,
                       unsigned int channel, uint64_t ipa, size_t len,
                       struct run_dma_result *where)
{
    unsigned char *out = malloc(len), *in = malloc(len), *seen = malloc(len);
    struct run_dma_result res;
    bool ok = false;
    int rc;

    if ( !out || !in || !seen )
    {
        run_check(r, false, "%s: out of host memory", master);
        goto done;
    }

    /* Device -> memory. */
    fill(out, len, channel + 1);
    rc = run_dma(master, channel, ipa, out, len, true, &res);
    if ( rc || run_guest_read(d, ipa, seen, len) ||
         memcmp(out, seen, len) )
    {
        run_check(r, false, "%s ch%u: DMA write of %zu bytes at IPA %#llx: "
                  "%s, %zu bytes moved", master, channel, len,
                  (unsigned long long)ipa,
                  rc ? res.outcome : "bytes differ in the domain's memory",
                  res.done);
        goto done;
    }
    if ( where )
        *where = res;

    /* Memory -> device. */
    fill(in, len, channel + 101);
    if ( run_guest_write(d, ipa, in, len) )
    {
        run_check(r, false, "%s: IPA %#llx not mapped for the CPU", master,
                  (unsigned long long)ipa);
        goto done;
    }
    rc = run_dma(master, channel, ipa, seen, len, false, &res);
    if ( rc || memcmp(in, seen, len) )
    {
        run_check(r, false, "%s ch%u: DMA read of %zu bytes at IPA %#llx: "
                  "%s", master, channel, len, (unsigned long long)ipa,
                  rc ? res.outcome : "bytes differ from the domain's memory");
        goto done;
    }

    ok = run_check(r, true, "%s ch%u: %zu bytes written and read at IPA "
                   "%#llx land in d%u's pages", master, channel, len,
                   (unsigned long long)ipa, d->domain_id);
 done:
    free(out);
    free(in);
    free(seen);
    return ok;
}

bool run_dma_fault(const char *master, unsigned int channel, uint64_t iova,
                   struct run_dma_result *res)
{
    unsigned char buf[64];

    memset(buf, 0xa5, sizeof(buf));
    return run_dma(master, channel, iova, buf, sizeof(buf), true, res) != 0;
}

/* ---- The IOMMUs' own view: contexts, flushes, fault registers ---- */

static struct ipmmu_model *root_model(void)
{
    struct soc *soc = platform_soc();

    return soc ? soc_root_ipmmu(soc) : NULL;
}

static unsigned int root_contexts_enabled(void)
{
    struct ipmmu_model *root = root_model();
    const struct ipmmu_model_layout *l;
    unsigned int c, n = 0;
    uint32_t v;

    if ( !root )
        return 0;
    l = ipmmu_model_layout(root);
    for ( c = 0; c < l->nr_contexts; c++ )
        if ( !ipmmu_model_mmio_read(root, ipmmu_model_ctx_reg(l, c,
                                                              IPMMU_IMCTR),
                                    &v) && (v & IPMMU_IMCTR_MMUEN) )
            n++;
    return n;
}

/* Context banks with SCTLR.M set, on every SMMU. */
static unsigned int smmu_banks_enabled(void)
{
    struct soc *soc = platform_soc();
    unsigned int i, cb, n = 0;
    uint32_t v;

    for ( i = 0; soc && i < soc_nr_smmus(soc); i++ )
    {
        struct smmu_model *m = soc_smmu(soc, i);

        for ( cb = 0; cb < smmu_model_config(m)->nr_cbs; cb++ )
            if ( !smmu_model_mmio_read(m, smmu_model_cb_offset(m, cb) +
                                          SMMU_CB_SCTLR, &v) &&
                 (v & SMMU_SCTLR_M) )
                n++;
    }
    return n;
}

unsigned int run_contexts_enabled(const char **what)
{
    struct soc *soc = platform_soc();
    bool smmus = soc && soc_nr_smmus(soc);

    if ( what )
        *what = !smmus ? "contexts enabled in the root"
                : soc_nr_ipmmus(soc) ? "contexts enabled in the root IPMMU "
                                       "and the SMMUs"
                : "context banks enabled in the SMMUs";
    return root_contexts_enabled() + smmu_banks_enabled();
}

uint64_t run_flushes(const struct run_dma_result *where)
{
    if ( where->smmu )
    {
        struct smmu_model *m = platform_soc() ?
            soc_find_smmu(platform_soc(), where->iommu) : NULL;
        struct smmu_model_stats *st;
        uint64_t n;

        if ( !m || where->ctx < 0 )
            return 0;
        /* Big (a per-bank array): not on the stack. */
        st = malloc(sizeof(*st));
        if ( !st )
            return 0;
        smmu_model_get_stats(m, st);
        n = st->tlb_invalidations;
        free(st);
        return n;
    }
    else
    {
        struct ipmmu_model *root = root_model();
        struct ipmmu_model_stats st;

        if ( !root || where->ctx < 0 ||
             where->ctx >= IPMMU_MODEL_MAX_CONTEXTS )
            return 0;
        ipmmu_model_get_stats(root, &st);
        return st.ctx[where->ctx].flushes;
    }
}

bool run_fault_cleared(const struct run_dma_result *where, const char **what)
{
    uint32_t v = ~0U;

    if ( where->smmu )
    {
        struct smmu_model *m = platform_soc() ?
            soc_find_smmu(platform_soc(), where->iommu) : NULL;

        *what = "FSR of context bank";
        if ( m && where->ctx >= 0 )
            smmu_model_mmio_read(m, smmu_model_cb_offset(m, where->ctx) +
                                    SMMU_CB_FSR, &v);
    }
    else
    {
        struct ipmmu_model *root = root_model();

        *what = "IMSTR of context";
        if ( root )
            ipmmu_model_mmio_read(root,
                                  ipmmu_model_ctx_reg(ipmmu_model_layout(root),
                                                      where->ctx,
                                                      IPMMU_IMSTR), &v);
    }
    return v == 0;
}

bool run_check_fault_counters(struct run *r, struct domain *d,
                              const struct run_dma_result *where)
{
    unsigned long in_ctx = 0;
    uint64_t recorded = 0;
    bool ok;

    if ( where->smmu )
    {
        struct smmu_model *m = platform_soc() ?
            soc_find_smmu(platform_soc(), where->iommu) : NULL;
        struct smmu_model_stats *ms = malloc(sizeof(*ms));
        unsigned long faults = 0;
        int rc = smmu_domain_fault_count(d, &faults);

        if ( m && ms && where->ctx >= 0 )
        {
            smmu_model_get_stats(m, ms);
            recorded = ms->cb[where->ctx].faults_recorded;
        }
        free(ms);
        if ( rc )
            return run_check(r, false, "the SMMU driver refused d%u's "
                             "fault count (error %d: no SMMU state); %s "
                             "recorded %llu in context bank %d",
                             d->domain_id, rc, where->iommu,
                             (unsigned long long)recorded, where->ctx);
        ok = faults == recorded && recorded > 0;
        return run_check(r, ok, "the driver counted %lu fault(s) of d%u; "
                         "%s recorded %llu in context bank %d", faults,
                         d->domain_id, where->iommu,
                         (unsigned long long)recorded, where->ctx);
    }
    else
    {
        struct ipmmu_model *root = root_model();
        struct ipmmu_fault_stats st = { 0 };
        struct ipmmu_model_stats ms;
        unsigned int ctx = where->ctx;

        if ( root && ctx < IPMMU_MODEL_MAX_CONTEXTS )
        {
            ipmmu_model_get_stats(root, &ms);
            recorded = ms.ctx[ctx].faults_recorded;
        }
        ok = ipmmu_domain_fault_stats(d, &st) == 0 &&
             ipmmu_context_fault_count(ctx, &in_ctx) == 0 &&
             st.faults == recorded && in_ctx == recorded && recorded > 0 &&
             st.faults == st.reported + st.suppressed;
        return run_check(r, ok, "the driver counted %lu fault(s) of d%u "
                         "(%lu reported) and %lu in context %u; the IPMMU "
                         "recorded %llu", st.faults, d->domain_id,
                         st.reported, in_ctx, ctx,
                         (unsigned long long)recorded);
    }
}
