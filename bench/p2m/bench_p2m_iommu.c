/*
 * The cost of a P2M change that reaches an IOMMU: a batch of 4K pages of
 * a guest with a passed-through device is unmapped in one write-lock
 * section, whose end invalidates the IOMMU's TLB through the driver (one
 * iotlb_flush call per batch), then mapped back.  Measured on a booted
 * board for each IOMMU kind, with the real drivers and register-level
 * models: the IPMMU of the H3 (context flush through IMCTR), the MMU-500
 * of the ZCU102 and an MMU-401 of Seattle (TLBIVMID, then a sync that
 * takes model time).  The baseline, measured in the same run on the same
 * domain, is the same batch with the flush hook replaced by a no-op: the
 * P2M's own work.  Reported per batch: the change (unmap + flush), the
 * invalidation alone (the end of the write-lock section), and the TLB
 * invalidations the model counted.  Wall-clock (monotonic) time, since an
 * invalidation waits for the model's sync; median of ROUNDS.
 *
 *   bench_p2m_iommu [OUT_DIR]      (JSON in OUT_DIR/p2m_iommu.json)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/device_tree.h>
#include <xen/domain.h>
#include <xen/err.h>
#include <xen/iommu.h>
#include <xen/sched.h>
#include <asm/domain.h>
#include <asm/p2m.h>
#include "bench/common/bench_report.h"
#include "boards/boards.h"
#include "hosted/console.h"
#include "hosted/platform.h"
#include "hw/ipmmu_model.h"
#include "hw/smmu_model.h"
#include "hw/soc.h"

#define ROUNDS       15
#define GUEST_MIB    64
#define FIRST_GFN    ((GUEST_RAM0_BASE >> PAGE_SHIFT) + 1024)
#define MAX_BATCH    256

static const struct {
    const char *board, *backend, *device;
} setups[] = {
    { "h3-salvator-xs", "ipmmu", "/soc/mmc@ee140000" },
    { "zynqmp-zcu102", "smmu-mmu500", "/axi/mmc@ff170000" },
    { "amd-seattle", "smmu-mmu401", "/smb/xgmac@e0700000" },
};

static const unsigned int batches[] = { 1, 16, 256 };

static int nop_flush(struct domain *d, dfn_t dfn, unsigned long count,
                     unsigned int flags)
{
    (void)d; (void)dfn; (void)count; (void)flags;
    return 0;
}

static void die(const char *board, const char *what)
{
    fprintf(stderr, "bench_p2m_iommu: %s: %s\n", board, what);
    exit(1);
}

/* TLB invalidations the models counted so far (every IOMMU of the SoC). */
static uint64_t model_invalidations(void)
{
    struct soc *soc = platform_soc();
    static struct smmu_model_stats sst;
    struct ipmmu_model_stats ist;
    uint64_t n = 0;
    unsigned int i;

    for ( i = 0; i < soc_nr_ipmmus(soc); i++ )
    {
        ipmmu_model_get_stats(soc_ipmmu(soc, i), &ist);
        n += ist.flushes;
    }
    for ( i = 0; i < soc_nr_smmus(soc); i++ )
    {
        smmu_model_get_stats(soc_smmu(soc, i), &sst);
        n += sst.tlb_invalidations;
    }
    return n;
}

struct figures {
    double change_ns, flush_ns, base_ns;
    double invalidations;
};

/* One batch of 'n' pages: unmap (timed, with its flush), map back. */
static void one_batch(const char *board, struct p2m_domain *p2m,
                      const mfn_t *mfns, unsigned int n, double *change,
                      double *flush, uint64_t *invalidations)
{
    uint64_t t0, t1, t2, inv0 = model_invalidations();
    unsigned int i;

    t0 = bench_now_ns();
    p2m_write_lock(p2m);
    if ( p2m_unmap_range(p2m, _gfn(FIRST_GFN), n) )
        die(board, "unmap failed");
    t1 = bench_now_ns();
    if ( p2m_write_unlock(p2m) )
        die(board, "the IOTLB flush failed");
    t2 = bench_now_ns();
    *change = t2 - t0;
    *flush = t2 - t1;
    *invalidations += model_invalidations() - inv0;

    p2m_write_lock(p2m);
    for ( i = 0; i < n; i++ )
        if ( p2m_map_range(p2m, _gfn(FIRST_GFN + i), 1, mfns[i],
                           p2m_ram_rw) )
            die(board, "map failed");
    if ( p2m_write_unlock(p2m) )
        die(board, "the IOTLB flush failed");
}

static void measure(const char *board, struct domain *d, unsigned int n,
                    struct figures *f)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(d);
    static mfn_t mfns[MAX_BATCH];
    double change[ROUNDS], flush[ROUNDS], base[ROUNDS], dummy;
    int (*real_flush)(struct domain *, dfn_t, unsigned long, unsigned int);
    uint64_t inv = 0, ignored = 0;
    unsigned int i, r;
    p2m_type_t t;

    for ( i = 0; i < n; i++ )
    {
        mfns[i] = p2m_lookup(d, _gfn(FIRST_GFN + i), &t);
        if ( mfn_eq(mfns[i], INVALID_MFN) )
            die(board, "guest page not mapped");
    }

    for ( r = 0; r < ROUNDS; r++ )
        one_batch(board, p2m, mfns, n, &change[r], &flush[r], &inv);
    /* The unmap's flush only (mapping back into empty entries may need
     * none). */
    f->invalidations = (double)inv / ROUNDS;

    real_flush = p2m->iotlb_flush;
    if ( !real_flush )
        die(board, "the domain's P2M has no IOTLB flush hook");
    p2m->iotlb_flush = nop_flush;
    for ( r = 0; r < ROUNDS; r++ )
        one_batch(board, p2m, mfns, n, &base[r], &dummy, &ignored);
    p2m->iotlb_flush = real_flush;

    f->change_ns = bench_median(change, ROUNDS);
    f->flush_ns = bench_median(flush, ROUNDS);
    f->base_ns = bench_median(base, ROUNDS);
}

/* Boot the board, give 'device' to a guest; the guest, or exit. */
static struct domain *set_up(unsigned int s)
{
    const struct board *b = board_find(setups[s].board);
    struct dt_device_node *np;
    struct domain *d;
    char err[256];

    if ( !b )
        die(setups[s].board, "no such board");
    if ( platform_boot(b->dtb, b->dtb_size, err, sizeof(err)) )
        die(setups[s].board, err);
    if ( iommu_setup() || !iommu_enabled )
        die(setups[s].board, "the IOMMUs did not come up");
    np = dt_find_node_by_path(setups[s].device);
    if ( !np )
        die(setups[s].board, "the device is not in the tree");
    if ( dt_find_property(np, "iommus", NULL) && iommu_add_dt_device(np) )
        die(setups[s].board, "cannot register the device");
    d = domain_create(1, "bench", CDF_iommu, (uint64_t)GUEST_MIB << 20);
    if ( IS_ERR(d) )
        die(setups[s].board, "cannot create the guest");
    if ( iommu_assign_dt_device(d, np) )
        die(setups[s].board, "cannot assign the device");
    return d;
}

int main(int argc, char **argv)
{
    static const char *const headers[] = {
        "backend", "board", "batch", "change ns", "flush ns",
        "no-IOMMU ns", "invalidations",
    };
    struct bench_report *rep = bench_report_open("p2m_iommu",
                                                 argc > 1 ? argv[1] : NULL);
    unsigned int s, k;

    if ( !rep )
        die("all", "out of memory");
    console_set_echo(false);
    bench_table_begin("P2M change + IOTLB invalidation per batch of 4K "
                      "pages (unmap, one flush)", 7, headers);
    for ( s = 0; s < sizeof(setups) / sizeof(setups[0]); s++ )
    {
        struct domain *d = set_up(s);

        for ( k = 0; k < sizeof(batches) / sizeof(batches[0]); k++ )
        {
            struct figures f;
            char bcase[32];

            measure(setups[s].board, d, batches[k], &f);
            snprintf(bcase, sizeof(bcase), "batch_%u", batches[k]);
            bench_report_add_vs(rep, bcase, setups[s].backend,
                                "change_ns_per_batch", f.change_ns, "ns",
                                f.base_ns);
            bench_report_add(rep, bcase, setups[s].backend,
                             "invalidate_ns_per_batch", f.flush_ns, "ns");
            bench_report_add(rep, bcase, setups[s].backend,
                             "tlb_invalidations_per_batch",
                             f.invalidations, "count");
            bench_table_cell("%s", setups[s].backend);
            bench_table_cell("%s", setups[s].board);
            bench_table_cell("%u", batches[k]);
            bench_table_cell("%.0f", f.change_ns);
            bench_table_cell("%.0f", f.flush_ns);
            bench_table_cell("%.0f", f.base_ns);
            bench_table_cell("%.1f", f.invalidations);
            bench_table_end_row();
        }
        domain_destroy(d);
        iommu_hardware_teardown();
        platform_shutdown();
    }
    bench_table_end();
    return bench_report_close(rep) ? 1 : 0;
}
