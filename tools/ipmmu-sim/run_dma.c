/*
 * DMA for 'ipmmu-sim run': masters move bytes through the simulated SoC
 * (their cache IPMMU, uTLB, the root's context and the domain's P2M), and
 * the result is checked against the domain's memory as the CPU sees it
 * through the same P2M, so a byte that lands anywhere else is caught.
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
#include "tools/ipmmu-sim/run_scenario.h"
#include "xen/drivers/passthrough/arm/ipmmu-vmsa-stats.h"

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

unsigned int run_dma_channels(const char *master)
{
    struct soc *soc = platform_soc();
    int i = soc ? soc_find_master(soc, master) : -1;

    return i < 0 ? 0 : soc_master(soc, i)->nr_ports;
}

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
    size_t i;

    for ( i = 0; i < len; i++ )
        p[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

bool run_dma_roundtrip(struct run *r, struct domain *d, const char *master,
                       unsigned int channel, uint64_t ipa, size_t len,
                       unsigned int *ctx)
{
    unsigned char *out = malloc(len), *in = malloc(len), *seen = malloc(len);
    struct soc_dma_result res;
    bool ok = false;
    int rc;

    if ( !out || !in || !seen )
    {
        run_check(r, false, "%s: out of host memory", master);
        goto done;
    }

    /* Device -> memory. */
    fill(out, len, channel + 1);
    rc = soc_dma_write(platform_soc(), master, channel, ipa, out, len, &res);
    if ( rc || run_guest_read(d, ipa, seen, len) ||
         memcmp(out, seen, len) )
    {
        run_check(r, false, "%s ch%u: DMA write of %zu bytes at IPA %#llx: "
                  "%s, %zu bytes moved", master, channel, len,
                  (unsigned long long)ipa,
                  rc ? ipmmu_model_outcome_name(res.outcome)
                     : "bytes differ in the domain's memory", res.done);
        goto done;
    }
    if ( ctx )
        *ctx = res.xlate.context;

    /* Memory -> device. */
    fill(in, len, channel + 101);
    if ( run_guest_write(d, ipa, in, len) )
    {
        run_check(r, false, "%s: IPA %#llx not mapped for the CPU", master,
                  (unsigned long long)ipa);
        goto done;
    }
    rc = soc_dma_read(platform_soc(), master, channel, ipa, seen, len, &res);
    if ( rc || memcmp(in, seen, len) )
    {
        run_check(r, false, "%s ch%u: DMA read of %zu bytes at IPA %#llx: "
                  "%s", master, channel, len, (unsigned long long)ipa,
                  rc ? ipmmu_model_outcome_name(res.outcome)
                     : "bytes differ from the domain's memory");
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

enum ipmmu_model_outcome run_dma_fault(const char *master,
                                       unsigned int channel, uint64_t iova,
                                       struct soc_dma_result *res)
{
    unsigned char buf[64];

    memset(buf, 0xa5, sizeof(buf));
    memset(res, 0, sizeof(*res));
    if ( soc_dma_write(platform_soc(), master, channel, iova, buf,
                       sizeof(buf), res) == 0 )
        return IPMMU_OK;
    return res->outcome;
}

static struct ipmmu_model *root_model(void)
{
    struct soc *soc = platform_soc();

    return soc ? soc_root_ipmmu(soc) : NULL;
}

unsigned int run_root_contexts_enabled(void)
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

uint64_t run_root_flushes(unsigned int ctx)
{
    struct ipmmu_model *root = root_model();
    struct ipmmu_model_stats st;

    if ( !root || ctx >= IPMMU_MODEL_MAX_CONTEXTS )
        return 0;
    ipmmu_model_get_stats(root, &st);
    return st.ctx[ctx].flushes;
}

uint32_t run_root_imstr(unsigned int ctx)
{
    struct ipmmu_model *root = root_model();
    uint32_t v = ~0U;

    if ( root )
        ipmmu_model_mmio_read(root,
                              ipmmu_model_ctx_reg(ipmmu_model_layout(root),
                                                  ctx, IPMMU_IMSTR), &v);
    return v;
}

bool run_check_fault_counters(struct run *r, struct domain *d,
                              unsigned int ctx)
{
    struct ipmmu_model *root = root_model();
    struct ipmmu_fault_stats st = { 0 };
    struct ipmmu_model_stats ms;
    unsigned long in_ctx = 0;
    uint64_t recorded = 0;
    bool ok;

    if ( root && ctx < IPMMU_MODEL_MAX_CONTEXTS )
    {
        ipmmu_model_get_stats(root, &ms);
        recorded = ms.ctx[ctx].faults_recorded;
    }
    ok = ipmmu_domain_fault_stats(d, &st) == 0 &&
         ipmmu_context_fault_count(ctx, &in_ctx) == 0 &&
         st.faults == recorded && in_ctx == recorded && recorded > 0 &&
         st.faults == st.reported + st.suppressed;
    return run_check(r, ok, "the driver counted %lu fault(s) of d%u (%lu "
                     "reported) and %lu in context %u; the IPMMU recorded "
                     "%llu", st.faults, d->domain_id, st.reported, in_ctx,
                     ctx, (unsigned long long)recorded);
}
