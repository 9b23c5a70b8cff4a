/*
 * iommu-sim run: the main job.  Boots a board in the simulator, probes
 * the IOMMUs (IPMMUs or Arm SMMUs), quarantines every bus master, builds
 * the hardware domain, creates guests from xl-style configurations with
 * devices passed through, and proves each step with DMA through the
 * IOMMU models (run_dma.c picks the one a master sits behind): bytes
 * that land in the guest's pages, faults where there must be faults, a
 * P2M change that reaches the IOTLB, and a teardown that returns every
 * page.  docs/iommu-sim-run.md describes the output and exit statuses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/device_tree.h>
#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <asm/domain.h>
#include <asm/domain_build.h>
#include <asm/p2m.h>

#include "boards/boards.h"
#include "hosted/console.h"
#include "hosted/platform.h"
#include "hosted/ram.h"
#include "tools/iommu-sim/dtdev_path.h"
#include "tools/iommu-sim/iommu_sim.h"
#include "tools/iommu-sim/run_scenario.h"
#include "tools/iommu-sim/sim_iommu.h"
#include "tools/iommu-sim/sim_tree.h"
#include "tools/iommu-sim/port_groups.h"

const char cmd_run_usage[] =
    "usage: iommu-sim run [--board NAME | --dtb FILE] [--config FILE]...\n"
    "                     [--dom0-memory MIB] [--xen-cmdline \"...\"]\n"
    "                     [--verbose]\n"
    "\n"
    "Boots the board (default " BOARD_DEFAULT ") in the simulator: probes\n"
    "the IOMMUs (IPMMUs or Arm SMMUs), quarantines every bus master,\n"
    "builds the hardware domain (dom0) with the devices not passed\n"
    "through, creates one guest per --config (xl syntax: name, memory,\n"
    "dtdev; without one, a built-in guest 'domU'), then checks DMA of\n"
    "each passed-through device into the guest's memory, faults outside\n"
    "it and from quarantined masters, a P2M change, and the guest's\n"
    "destruction.  Ends with a summary table.\n"
    "--xen-cmdline: the hypervisor's command line, parsed before boot\n"
    "(iommu=0|1|force|required|[no-]quarantine|verbose, comma-separated).\n"
    "\n"
    "exit status: 0 every check passed, 1 a check failed, 2 bad usage or\n"
    "bad input (unknown board, unreadable tree, malformed config, unknown\n"
    "or unusable device, memory that does not fit).\n";

#define DOM0_DEFAULT_MIB  256
#define DMA_TEST_LEN      8192          /* two pages: crosses a boundary */
#define MIB               (1ULL << 20)

struct run_opts {
    const char *board;
    const char *dtb;
    const char *configs[RUN_MAX_GUESTS];
    unsigned int nr_configs;
    uint64_t dom0_mib;
    const char *xen_cmdline;
};

struct run_world {
    const char *label;
    struct sim_tree tree;            /* validated, then marked for Xen */
    struct run_guest guests[RUN_MAX_GUESTS];
    unsigned int nr_guests;
    struct domain *dom0;
    struct domain *doms[RUN_MAX_GUESTS];
    bool booted, iommu_up;
    int block_ctx;                   /* context quarantined DMA uses */
};

/* ---- Checks, console, summary ---- */

bool run_check(struct run *r, bool ok, const char *fmt, ...)
{
    struct run_row *row = r->nr_rows < RUN_MAX_ROWS ? &r->rows[r->nr_rows++]
                                                    : NULL;
    char what[256];
    va_list args;

    /* What the hypervisor said on the way comes before the verdict. */
    run_show_console(r);
    va_start(args, fmt);
    vsnprintf(what, sizeof(what), fmt, args);
    va_end(args);

    printf("  [%s] %s\n", ok ? "ok" : "FAILED", what);
    if ( ok )
        r->passed++;
    else
        r->failed++;
    if ( row )
    {
        snprintf(row->step, sizeof(row->step), "%s", r->step);
        snprintf(row->what, sizeof(row->what), "%s", what);
        row->ok = ok;
    }
    return ok;
}

void run_show_console(struct run *r)
{
    const char *p = console_capture_text();

    while ( *p )
    {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if ( strncmp(p, "[INFO] ", 7) == 0 )
            printf("  (XEN) %.*s\n", (int)len - 7, p + 7);
        else if ( r->verbose || strncmp(p, "[DEBUG] ", 8) != 0 )
            printf("  (XEN) %.*s\n", (int)len, p);
        p += len + (end ? 1 : 0);
    }
    console_capture_clear();
    fflush(stdout);
}

void run_step(struct run *r, const char *step, const char *title)
{
    run_show_console(r);
    r->step = step;
    printf("\n== %s\n", title);
}

static void print_summary(const struct run *r)
{
    unsigned int i;

    printf("\n== summary\n");
    printf("  %-8s  %-6s  %s\n", "step", "result", "check");
    printf("  %-8s  %-6s  %s\n", "--------", "------", "-----");
    for ( i = 0; i < r->nr_rows; i++ )
        printf("  %-8s  %-6s  %s\n", r->rows[i].step,
               r->rows[i].ok ? "ok" : "FAILED", r->rows[i].what);
    printf("\n%u checks: %u passed, %u failed\n", r->passed + r->failed,
           r->passed, r->failed);
}

/* ---- Input ---- */

static int parse_args(int argc, char **argv, struct run_opts *o)
{
    int i;

    memset(o, 0, sizeof(*o));
    o->dom0_mib = DOM0_DEFAULT_MIB;
    for ( i = 1; i < argc; i++ )
    {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if ( strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0 )
            continue;
        if ( strcmp(a, "--board") && strcmp(a, "--dtb") &&
             strcmp(a, "--config") && strcmp(a, "--dom0-memory") &&
             strcmp(a, "--xen-cmdline") )
        {
            sim_error("run: unknown argument '%s' (see iommu-sim run "
                      "--help)", a);
            return -1;
        }
        if ( !v )
        {
            sim_error("run: %s needs a value", a);
            return -1;
        }
        i++;
        if ( strcmp(a, "--board") == 0 )
            o->board = v;
        else if ( strcmp(a, "--dtb") == 0 )
            o->dtb = v;
        else if ( strcmp(a, "--xen-cmdline") == 0 )
            o->xen_cmdline = v;
        else if ( strcmp(a, "--config") == 0 )
        {
            if ( o->nr_configs == RUN_MAX_GUESTS )
            {
                sim_error("run: at most %d --config", RUN_MAX_GUESTS);
                return -1;
            }
            o->configs[o->nr_configs++] = v;
        }
        else
        {
            char why[160];

            if ( run_config_number(v, &o->dom0_mib, why, sizeof(why)) )
            {
                sim_error("run: --dom0-memory %s", why);
                return -1;
            }
            if ( !o->dom0_mib || o->dom0_mib > (1ULL << 20) )
            {
                sim_error("run: --dom0-memory %s: a number of MiB from 1 "
                          "to %llu", v, 1ULL << 20);
                return -1;
            }
        }
    }
    if ( o->board && o->dtb )
    {
        sim_error("run: --board and --dtb exclude each other");
        return -1;
    }
    return 0;
}

/* Every tree, built in or a file, comes through the door. */
static int load_tree(const struct run_opts *o, struct run_world *w)
{
    char err[640];
    int rc;

    if ( o->dtb )
        rc = sim_tree_load_file(o->dtb, &w->tree, NULL, err, sizeof(err));
    else
        rc = sim_tree_load_board(o->board ? o->board : BOARD_DEFAULT,
                                 &w->tree, NULL, err, sizeof(err));
    if ( rc )
    {
        sim_error("%s%s", o->dtb ? "" : "run: ", err);
        return -1;
    }
    w->label = w->tree.label;
    return 0;
}

/* The guest 'iommu-sim run' creates when no --config is given. */
static const struct {
    const char *board;
    const char *dtdevs[2];
} default_guest_devices[] = {
    { "h3-salvator-xs", { "/soc/mmc@ee140000", "/soc/sata@ee300000" } },
    { "m3n-salvator-xs", { "/soc/mmc@ee140000", "/soc/sata@ee300000" } },
    { "s4-spider", { "/soc/mmc@ee140000", "/soc/dma-controller@e7351000" } },
    { "zynqmp-zcu102", { "/axi/mmc@ff170000", "/axi/ahci@fd0c0000" } },
    { "amd-seattle", { "/smb/xgmac@e0700000", "/smb/xgmac@e0900000" } },
};

static int add_default_dtdev(struct run_guest *g, const char *path)
{
    g->dtdevs[g->nr_dtdevs] = strdup(path);
    if ( !g->dtdevs[g->nr_dtdevs] )
        return -1;
    g->nr_dtdevs++;
    return 0;
}

static int default_guest(const struct run_opts *o, struct run_world *w)
{
    struct run_guest *g = &w->guests[0];
    struct dt_device_node *np;
    unsigned int i, j;

    memset(g, 0, sizeof(*g));
    strcpy(g->name, "domU");
    g->memory_mib = 256;
    g->source = "built-in";
    w->nr_guests = 1;

    for ( i = 0; !o->dtb && i < sizeof(default_guest_devices) /
                                sizeof(default_guest_devices[0]); i++ )
        if ( strcmp(default_guest_devices[i].board, w->label) == 0 )
        {
            for ( j = 0; j < 2; j++ )
                if ( add_default_dtdev(g,
                                       default_guest_devices[i].dtdevs[j]) )
                    return -1;
            return 0;
        }

    /* Any other tree: its first two masters behind an IOMMU. */
    dt_for_each_device_node(dt_host, np)
    {
        if ( g->nr_dtdevs == 2 )
            break;
        if ( !sim_node_behind_iommu(np) || !dt_device_is_available(np) )
            continue;
        if ( add_default_dtdev(g, dt_node_full_name(np)) )
            return -1;
    }
    /* Nothing to pass through, so nothing to prove: the tree is refused. */
    if ( !g->nr_dtdevs )
        return 1;
    return 0;
}

/*
 * A dtdev as the hypervisor will see it: the node's full name replaces
 * the user's spelling, so that two spellings of one node are one device.
 */
static int resolve_dtdev(struct run_guest *g, unsigned int j,
                         struct dt_device_node **np)
{
    char err[512], *canon;

    if ( dtdev_resolve(g->dtdevs[j], np, err, sizeof(err)) )
    {
        if ( g->dtdev_lines[j] )
            sim_error("%s:%u: guest '%s': %s", g->source, g->dtdev_lines[j],
                      g->name, err);
        else
            sim_error("%s: guest '%s': %s", g->source, g->name, err);
        return -1;
    }
    if ( strcmp(g->dtdevs[j], dt_node_full_name(*np)) == 0 )
        return 0;
    canon = strdup(dt_node_full_name(*np));
    if ( !canon )
    {
        sim_error("run: out of memory");
        return -1;
    }
    free(g->dtdevs[j]);
    g->dtdevs[j] = canon;
    return 0;
}

/* What can be checked on the validated tree before booting it. */
static int check_guests(struct run_world *w)
{
    unsigned int i, j, k, l;

    for ( i = 0; i < w->nr_guests; i++ )
    {
        struct run_guest *g = &w->guests[i];

        for ( k = 0; k < i; k++ )
            if ( strcmp(w->guests[k].name, g->name) == 0 )
            {
                sim_error("%s: guest name '%s' is used by %s too",
                          g->source, g->name, w->guests[k].source);
                return -1;
            }

        for ( j = 0; j < g->nr_dtdevs; j++ )
        {
            struct dt_device_node *np;
            const char *path;

            if ( resolve_dtdev(g, j, &np) )
                return -1;
            path = g->dtdevs[j];
            if ( !sim_node_behind_iommu(np) )
            {
                sim_error("%s: guest '%s': dtdev \"%s\" is not behind an "
                          "IOMMU the simulator models (no iommus entry "
                          "naming an IPMMU or an SMMU, in no SMMU's "
                          "mmu-masters): it cannot be passed through "
                          "safely", g->source, g->name, path);
                return -1;
            }
            for ( l = 0; l < j; l++ )
                if ( strcmp(g->dtdevs[l], path) == 0 )
                {
                    sim_error("%s: guest '%s': dtdev lists %s twice (two "
                              "spellings of one node)", g->source, g->name,
                              path);
                    return -1;
                }
            for ( k = 0; k < i; k++ )
                for ( l = 0; l < w->guests[k].nr_dtdevs; l++ )
                    if ( strcmp(w->guests[k].dtdevs[l], path) == 0 )
                    {
                        sim_error("%s: guest '%s': dtdev \"%s\" is already "
                                  "assigned to guest '%s' (%s)", g->source,
                                  g->name, path, w->guests[k].name,
                                  w->guests[k].source);
                        return -1;
                    }
        }
    }
    return 0;
}

/* Mark every passed-through node xen,passthrough, as a user would. */
static int mark_passthrough(struct run_world *w)
{
    const char *paths[RUN_MAX_GUESTS * RUN_MAX_DTDEVS];
    unsigned int i, j, n = 0;
    char err[640];

    for ( i = 0; i < w->nr_guests; i++ )
        for ( j = 0; j < w->guests[i].nr_dtdevs; j++ )
            paths[n++] = w->guests[i].dtdevs[j];
    if ( sim_tree_mark_passthrough(&w->tree, paths, n, err, sizeof(err)) )
    {
        sim_error("%s", err);
        return -1;
    }
    return 0;
}

/* ---- Steps ---- */

static bool boot_and_probe(struct run *r, struct run_world *w)
{
    char err[256], why[256];
    int rc;

    run_step(r, "boot", "boot");
    rc = platform_boot(w->tree.blob, w->tree.size, err, sizeof(err));
    if ( rc )
    {
        run_show_console(r);
        sim_error("%s: %s", w->label, err);
        return false;
    }
    w->booted = true;
    if ( !soc_nr_smmus(platform_soc()) )
        printf("  %s: %lu MiB of RAM, %u IPMMUs, %u bus masters with "
               "iommus\n", w->label, hosted_pages_total() >> (20 - PAGE_SHIFT),
               soc_nr_ipmmus(platform_soc()), soc_nr_masters(platform_soc()));
    else
        printf("  %s: %lu MiB of RAM, %u IPMMUs, %u SMMUs, %u bus masters "
               "behind them\n", w->label,
               hosted_pages_total() >> (20 - PAGE_SHIFT),
               soc_nr_ipmmus(platform_soc()), soc_nr_smmus(platform_soc()),
               soc_nr_masters(platform_soc()) +
               soc_nr_smmu_masters(platform_soc()));

    run_step(r, "probe", "IOMMU probe");
    rc = iommu_setup();
    run_show_console(r);
    w->iommu_up = iommu_enabled;
    /* SMMU nodes the tree disables are the usual reason on real trees. */
    if ( iommu_hardware_count() < run_nr_iommus() &&
         sim_disabled_smmus(why, sizeof(why)) )
        run_check(r, iommu_enabled && rc == 0, "%u of %u %s up%s%s (%s)",
                  iommu_hardware_count(), run_nr_iommus(), run_iommu_word(),
                  rc ? ": " : "", rc ? errno_name(rc) : "", why);
    else
        run_check(r, iommu_enabled && rc == 0, "%u of %u %s up%s%s",
                  iommu_hardware_count(), run_nr_iommus(), run_iommu_word(),
                  rc ? ": " : "", rc ? errno_name(rc) : "");
    return iommu_enabled;
}

/* An available master behind an IPMMU or SMMU: `iommus`, or an SMMU's
 * legacy `mmu-masters`.  A master of an IOMMU we do not model is left
 * alone. */
static bool node_has_iommus(const struct dt_device_node *np)
{
    return dt_device_is_available(np) && sim_node_behind_iommu(np);
}

/*
 * iommu=no-quarantine: a master of no domain is left as upstream Xen
 * leaves it; a read (nothing is overwritten) shows its DMA unchecked.
 */
static void check_unprotected(struct run *r, const char *dev, uint64_t pa)
{
    unsigned char buf[64];
    struct run_dma_result res;

    run_dma(dev, 0, pa, buf, sizeof(buf), false, &res);
    if ( res.smmu )
        /* No match entry: sCR0.USFCFG alone decides, as upstream. */
        run_check(r, res.unmatched && (res.ok || !strcmp(res.outcome,
                  smmu_model_outcome_name(SMMU_FAULT_USF))),
                  "%s unprotected (iommu=no-quarantine): stream %#x has no "
                  "match entry (DMA from PA %#llx: %s), as upstream Xen "
                  "leaves it", dev, res.id, (unsigned long long)pa,
                  res.ok ? "bypasses the SMMU" : res.outcome);
    else
        run_check(r, res.bypassed && res.done == sizeof(buf),
                  "%s unprotected (iommu=no-quarantine): DMA from PA %#llx "
                  "bypasses the IPMMU, as upstream Xen leaves it", dev,
                  (unsigned long long)pa);
}

static void quarantine_masters(struct run *r, struct run_world *w)
{
    struct dt_device_node *np;
    unsigned int n = 0, bad = 0, off = 0;
    char title[64];

    snprintf(title, sizeof(title), "quarantine: every master behind an %s",
             run_iommu_one());
    run_step(r, "quarant.", title);
    dt_for_each_device_node(dt_host, np)
    {
        int rc;

        if ( !node_has_iommus(np) )
            continue;
        /* A legacy SMMU master was registered by the probe already. */
        rc = dt_find_property(np, "iommus", NULL) ? iommu_add_dt_device(np)
             : dt_device_is_protected(np) ? 0 : -ENODEV;
        if ( rc == 0 )
            n++;
        else if ( rc > 0 )
            off++;          /* its IOMMU is disabled in the tree */
        else
            bad++;
    }
    run_show_console(r);
    if ( off )
        snprintf(title, sizeof(title), " (%u behind a disabled IOMMU)", off);
    run_check(r, bad == 0, "%u masters registered, %s%s%s", n,
              iommu_quarantine ? "their DMA blocked until assigned"
                               : "unprotected until assigned "
                                 "(iommu=no-quarantine)",
              off ? title : "",
              bad ? " (some could not be registered)" : "");

    if ( !iommu_quarantine && w->nr_guests && w->guests[0].nr_dtdevs )
        check_unprotected(r, w->guests[0].dtdevs[0], 0x48000000);
    /* A passed-through device is still unassigned: its DMA must fault. */
    else if ( w->nr_guests && w->guests[0].nr_dtdevs )
    {
        const char *dev = w->guests[0].dtdevs[0];
        struct run_dma_result res;
        char where[64], stream[32];
        bool reported;

        console_capture_clear();
        run_dma_fault(dev, 0, 0x48000000, &res);
        /* The IPMMU driver names its blocking context; the SMMU driver
         * the stream its fault entry blocked. */
        snprintf(stream, sizeof(stream), "stream %#x", res.id);
        reported = res.smmu ? console_capture_contains("blocked") &&
                              console_capture_contains(stream)
                            : console_capture_contains("quarantine");
        w->block_ctx = res.ctx;
        run_check(r, res.blocked,
                  "quarantined %s: DMA to PA 0x48000000 blocked (%s, %s)",
                  dev, res.outcome, run_dma_where(&res, where,
                                                  sizeof(where)));
        run_check(r, reported, "the driver reported the blocked DMA%s%s",
                  res.smmu ? " on " : "", res.smmu ? stream : "");
    }
}

static unsigned int count_assigned(struct domain *d)
{
    struct dt_device_node *np;
    unsigned int n = 0;

    dt_for_each_device_node(dt_host, np)
        if ( iommu_dt_device_owner(np) == d )
            n++;
    return n;
}

/*
 * A page of dom0 followed by another of dom0's, so that the DMA test
 * crosses a page boundary inside dom0's RAM even when dom0 is small and
 * its pages are not contiguous; the first page when there is no pair.
 */
static uint64_t dom0_dma_target(struct domain *d)
{
    struct page_info *pg;
    unsigned int tries = 0;
    p2m_type_t t;

    list_for_each_entry(pg, &d->page_list, list)
    {
        uint64_t pa = page_to_maddr(pg);

        if ( !mfn_eq(p2m_lookup(d, _gfn((pa >> PAGE_SHIFT) + 1), &t),
                     INVALID_MFN) )
            return pa;
        if ( ++tries == 64 )
            break;
    }
    pg = list_first_entry(&d->page_list, struct page_info, list);
    return page_to_maddr(pg);
}

static bool build_dom0(struct run *r, struct run_world *w, uint64_t mib,
                       int *exit_code)
{
    unsigned long free_mib = hosted_pages_free() >> (20 - PAGE_SHIFT);
    struct dt_device_node *np;
    uint64_t pa;
    unsigned int n;
    int rc;

    run_step(r, "dom0", "hardware domain");
    /* Like a guest's memory, dom0's is input: too much is bad input. */
    if ( mib > free_mib )
    {
        sim_error("%s: --dom0-memory %llu MiB does not fit: %lu MiB of RAM "
                  "is free", w->label, (unsigned long long)mib, free_mib);
        *exit_code = SIM_EXIT_INVALID;
        return false;
    }
    w->dom0 = domain_create(0, "dom0",
                            CDF_privileged | CDF_directmap | CDF_iommu,
                            mib * MIB);
    if ( IS_ERR(w->dom0) )
    {
        rc = PTR_ERR(w->dom0);
        w->dom0 = NULL;
        run_show_console(r);
        if ( rc == -ENOMEM )
        {
            sim_error("%s: --dom0-memory %llu MiB cannot be given (%s)",
                      w->label, (unsigned long long)mib, errno_name(rc));
            *exit_code = SIM_EXIT_INVALID;
            return false;
        }
        return run_check(r, false, "dom0: cannot create it with %llu MiB: "
                         "%s", (unsigned long long)mib, errno_name(rc));
    }
    rc = domain_build_assign_dt_devices(w->dom0);
    run_show_console(r);
    n = count_assigned(w->dom0);
    if ( !run_check(r, rc == 0, "d0 (dom0): %llu MiB direct-mapped, %u "
                    "device%s assigned, passthrough devices left in "
                    "quarantine", (unsigned long long)mib, n,
                    n == 1 ? "" : "s") )
        return false;

    /* One of dom0's devices: DMA into its RAM at IPA == PA. */
    pa = dom0_dma_target(w->dom0);
    dt_for_each_device_node(dt_host, np)
        if ( iommu_dt_device_owner(np) == w->dom0 && node_has_iommus(np) &&
             run_dma_channels(dt_node_full_name(np)) )
        {
            run_dma_roundtrip(r, w->dom0, dt_node_full_name(np), 0, pa,
                              DMA_TEST_LEN, NULL);
            break;
        }
    return true;
}

static bool create_guest(struct run *r, struct run_world *w, unsigned int i,
                         int *exit_code)
{
    struct run_guest *g = &w->guests[i];
    unsigned long free_mib = hosted_pages_free() >> (20 - PAGE_SHIFT);
    struct domain *d;
    unsigned int j;
    int rc;

    run_step(r, "guest", "guest");
    printf("  %s (%s): memory = %llu MiB, %u device%s\n", g->name,
           g->source, (unsigned long long)g->memory_mib, g->nr_dtdevs,
           g->nr_dtdevs == 1 ? "" : "s");
    for ( j = 0; j < g->nr_ignored; j++ )
        printf("  note: '%s' is not simulated (ignored)\n", g->ignored[j]);

    if ( g->memory_mib > free_mib )
    {
        sim_error("%s: guest '%s': memory = %llu MiB does not fit: %lu MiB "
                  "of RAM is free", g->source, g->name,
                  (unsigned long long)g->memory_mib, free_mib);
        *exit_code = SIM_EXIT_INVALID;
        return false;
    }

    d = domain_create(i + 1, g->name, CDF_iommu, g->memory_mib * MIB);
    if ( IS_ERR(d) )
    {
        rc = PTR_ERR(d);
        run_show_console(r);
        if ( rc == -ENOMEM || rc == -EINVAL )
        {
            sim_error("%s: guest '%s': memory = %llu MiB: cannot be given "
                      "(%s)", g->source, g->name,
                      (unsigned long long)g->memory_mib, errno_name(rc));
            *exit_code = SIM_EXIT_INVALID;
            return false;
        }
        return run_check(r, false, "%s: cannot create the domain: %s",
                         g->name, errno_name(rc));
    }
    w->doms[i] = d;
    run_check(r, true, "d%u (%s): %llu MiB at IPA %#llx", d->domain_id,
              g->name, (unsigned long long)g->memory_mib,
              (unsigned long long)GUEST_RAM0_BASE);

    for ( j = 0; j < g->nr_dtdevs; j++ )
    {
        struct xen_domctl dc = {
            .cmd = XEN_DOMCTL_assign_device,
            .domain = d->domain_id,
        };

        dc.u.assign_device.dev = XEN_DOMCTL_DEV_DT;
        dc.u.assign_device.u.dt.path = g->dtdevs[j];
        dc.u.assign_device.u.dt.size = strlen(g->dtdevs[j]);
        rc = iommu_do_dt_domctl(&dc, d);
        run_show_console(r);
        run_check(r, rc == 0, "%s assigned to d%u%s%s", g->dtdevs[j],
                  d->domain_id, rc ? ": " : "", rc ? errno_name(rc) : "");
    }
    return true;
}

/*
 * Where device j's channel ch does its DMA in a guest of 'mib' MiB: 1 MiB
 * per device, 64 bytes before a page boundary; folded back into the
 * guest's RAM when it is too small for that (the smallest guest is 1 MiB).
 */
static uint64_t dma_offset(uint64_t mib, unsigned int j, unsigned int ch)
{
    uint64_t ram = mib * MIB;
    uint64_t off = (uint64_t)(j + 1) * MIB + ch * 2 * PAGE_SIZE;

    if ( off - 64 + DMA_TEST_LEN <= ram )
        return off - 64;
    return PAGE_SIZE + off % (ram - 4 * PAGE_SIZE) - 64;
}

static void guest_dma(struct run *r, struct run_world *w, unsigned int i)
{
    struct run_guest *g = &w->guests[i];
    struct domain *d = w->doms[i];
    unsigned int j, ch, n;

    run_step(r, "dma", "DMA by the passed-through devices");
    for ( j = 0; j < g->nr_dtdevs; j++ )
    {
        n = run_dma_channels(g->dtdevs[j]);
        /* The first and the last channel of a multi-channel master. */
        for ( ch = 0; ch < n; ch = ch + 1 < n ? n - 1 : n )
            run_dma_roundtrip(r, d, g->dtdevs[j], ch,
                              GUEST_RAM0_BASE +
                              dma_offset(g->memory_mib, j, ch),
                              DMA_TEST_LEN, NULL);
    }
}

static void guest_faults(struct run *r, struct run_world *w, unsigned int i)
{
    struct run_guest *g = &w->guests[i];
    struct domain *d = w->doms[i];
    uint64_t outside = GUEST_RAM0_BASE + g->memory_mib * MIB + 0x10000;
    struct run_dma_result res;
    char who[64], addr[32], stream[32];
    const char *reg;
    bool reported, cleared;

    if ( !g->nr_dtdevs )
        return;
    run_step(r, "fault", "faults");
    snprintf(who, sizeof(who), "d%u (%s)", d->domain_id, g->name);
    run_dma_fault(g->dtdevs[0], 0, outside, &res);
    reported = console_capture_contains(who) &&
               console_capture_contains("translation fault");
    if ( res.smmu )
    {
        /* The SMMU's report also gives the address and the stream. */
        snprintf(addr, sizeof(addr), "%#llx", (unsigned long long)outside);
        snprintf(stream, sizeof(stream), "stream %#x", res.id);
        reported = reported && console_capture_contains(addr) &&
                   console_capture_contains(stream);
    }
    run_check(r, res.tf && res.done == 0 && res.fault_addr == outside,
              "%s: DMA outside d%u's memory (IPA %#llx): %s at %#llx",
              g->dtdevs[0], d->domain_id, (unsigned long long)outside,
              res.outcome, (unsigned long long)res.fault_addr);
    if ( res.smmu )
        run_check(r, reported, "the driver's report names %s, the reason, "
                  "the address and %s", who, stream);
    else
        run_check(r, reported, "the driver's report names %s and the "
                  "reason", who);
    cleared = run_fault_cleared(&res, &reg);
    run_check(r, cleared, "the handler cleared %s %d", reg, res.ctx);
    run_check_fault_counters(r, d, &res);
}

static void guest_p2m_change(struct run *r, struct run_world *w,
                             unsigned int i)
{
    struct run_guest *g = &w->guests[i];
    struct domain *d = w->doms[i];
    uint64_t ipa = GUEST_RAM0_BASE + 8 * MIB;
    struct run_dma_result res, used;
    uint64_t before;
    p2m_type_t t;
    mfn_t mfn;
    int rc;

    if ( !g->nr_dtdevs || g->memory_mib < 16 )
        return;
    run_step(r, "p2m", "P2M change: unmap a page the device just used");

    /* The translation is now in the IOTLB. */
    if ( !run_dma_roundtrip(r, d, g->dtdevs[0], 0, ipa, PAGE_SIZE, &used) )
        return;
    before = run_flushes(&used);
    mfn = p2m_lookup(d, _gfn(ipa >> PAGE_SHIFT), &t);
    rc = guest_physmap_remove_page(d, _gfn(ipa >> PAGE_SHIFT), mfn, 0);
    run_show_console(r);
    if ( used.smmu )
        run_check(r, rc == 0 && run_flushes(&used) > before,
                  "IPA %#llx unmapped: %llu TLB invalidation(s) on %s "
                  "(context bank %d)", (unsigned long long)ipa,
                  (unsigned long long)(run_flushes(&used) - before),
                  used.iommu, used.ctx);
    else
        run_check(r, rc == 0 && run_flushes(&used) > before,
                  "IPA %#llx unmapped: %llu IOTLB flush(es) of context %d",
                  (unsigned long long)ipa,
                  (unsigned long long)(run_flushes(&used) - before),
                  used.ctx);

    run_dma_fault(g->dtdevs[0], 0, ipa, &res);
    run_check(r, res.tf,
              "DMA to the unmapped page now faults (%s): no stale "
              "translation", res.outcome);
}

static void destroy_guests(struct run *r, struct run_world *w,
                           unsigned long free_before,
                           unsigned int ctx_before)
{
    unsigned int i, j, nr;
    const char *what;

    run_step(r, "destroy", "guest destruction");
    for ( i = 0; i < w->nr_guests; i++ )
    {
        if ( !w->doms[i] )
            continue;
        domain_destroy(w->doms[i]);
        w->doms[i] = NULL;
        run_show_console(r);
    }
    run_check(r, hosted_pages_free() == free_before,
              "all guest memory returned (%lu pages free, %lu before)",
              hosted_pages_free(), free_before);
    nr = run_contexts_enabled(&what);
    run_check(r, nr == ctx_before, "guest contexts freed (%u %s)", nr,
              what);

    for ( i = 0; i < w->nr_guests; i++ )
        for ( j = 0; j < w->guests[i].nr_dtdevs; j++ )
        {
            const char *dev = w->guests[i].dtdevs[j];
            struct dt_device_node *np = dt_find_node_by_path(dev);
            struct run_dma_result res;
            char where[64];

            if ( !iommu_quarantine )
            {
                check_unprotected(r, dev, 0x48000000);
                continue;
            }
            run_dma_fault(dev, 0, GUEST_RAM0_BASE, &res);
            run_check(r, np && !iommu_dt_device_owner(np) &&
                      dt_device_is_protected(np) && res.blocked &&
                      res.ctx == w->block_ctx,
                      "%s back in quarantine (DMA %s %s %s)", dev,
                      res.outcome, res.smmu ? "on" : "in",
                      run_dma_where(&res, where, sizeof(where)));
        }
}

static void shut_down(struct run *r, struct run_world *w)
{
    unsigned int i;

    for ( i = 0; i < w->nr_guests; i++ )
        if ( w->doms[i] )
            domain_destroy(w->doms[i]);
    if ( w->dom0 )
    {
        run_step(r, "end", "shutdown");
        domain_destroy(w->dom0);
        w->dom0 = NULL;
    }
    if ( w->booted )
    {
        iommu_hardware_teardown();
        run_show_console(r);
        if ( r->step && strcmp(r->step, "end") == 0 )
            run_check(r, hosted_pages_free() == hosted_pages_total(),
                      "dom0 destroyed, %s shut down: every page of RAM "
                      "free (%lu of %lu)", run_iommu_word(),
                      hosted_pages_free(), hosted_pages_total());
        platform_shutdown();
        run_show_console(r);
    }
}

static void free_world(struct run_world *w)
{
    unsigned int i;

    for ( i = 0; i < w->nr_guests; i++ )
        run_guest_free(&w->guests[i]);
    sim_tree_free(&w->tree);
}

static int scenario(struct run *r, struct run_world *w,
                    const struct run_opts *o)
{
    unsigned long free_before;
    unsigned int i, ctx_before;
    int exit_code = SIM_EXIT_OK;

    if ( !boot_and_probe(r, w) )
        return w->booted && r->failed ? SIM_EXIT_FAILED : SIM_EXIT_INVALID;
    quarantine_masters(r, w);
    if ( !build_dom0(r, w, o->dom0_mib, &exit_code) )
        return exit_code != SIM_EXIT_OK ? exit_code : SIM_EXIT_FAILED;

    free_before = hosted_pages_free();
    ctx_before = run_contexts_enabled(NULL);
    for ( i = 0; i < w->nr_guests; i++ )
        if ( !create_guest(r, w, i, &exit_code) )
            return exit_code != SIM_EXIT_OK ? exit_code : SIM_EXIT_FAILED;

    for ( i = 0; i < w->nr_guests; i++ )
    {
        guest_dma(r, w, i);
        guest_faults(r, w, i);
        guest_p2m_change(r, w, i);
    }
    destroy_guests(r, w, free_before, ctx_before);
    return SIM_EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
    static struct run r;
    static struct run_world w;
    struct run_opts o;
    char err[512];
    unsigned int i;
    int rc, exit_code;

    memset(&r, 0, sizeof(r));
    memset(&w, 0, sizeof(w));
    if ( parse_args(argc, argv, &o) )
        return SIM_EXIT_INVALID;
    for ( i = 1; i < (unsigned int)argc; i++ )
        if ( strcmp(argv[i], "--verbose") == 0 ||
             strcmp(argv[i], "-v") == 0 )
            r.verbose = true;

    exit_code = SIM_EXIT_INVALID;
    if ( load_tree(&o, &w) )
        goto out;
    for ( i = 0; i < o.nr_configs; i++ )
    {
        if ( run_config_load(o.configs[i], &w.guests[i], err, sizeof(err)) )
        {
            sim_error("%s", err);
            goto out;
        }
        w.nr_guests++;
    }
    if ( !o.nr_configs && (rc = default_guest(&o, &w)) != 0 )
    {
        if ( rc > 0 )
            sim_error("%s: no available master is behind an IOMMU "
                      "(iommus or mmu-masters): nothing to pass through "
                      "(give a --config to run without devices)", w.label);
        else
            sim_error("run: out of memory");
        goto out;
    }
    if ( check_guests(&w) ||
         port_groups_check_guests(&port_kind_utlb, w.guests,
                                  w.nr_guests) ||
         port_groups_check_guests(&port_kind_sme, w.guests, w.nr_guests) ||
         mark_passthrough(&w) )
        goto out;

    printf("iommu-sim run: %s, %u guest%s\n", w.label, w.nr_guests,
           w.nr_guests == 1 ? "" : "s");
    setvbuf(stdout, NULL, _IOLBF, 0);
    console_set_echo(false);
    console_capture_start();

    /* The hypervisor's command line, as the boot loader would pass it. */
    cmdline_reset();
    cmdline_parse(o.xen_cmdline);
    rc = scenario(&r, &w, &o);
    shut_down(&r, &w);
    console_capture_stop();

    if ( rc == SIM_EXIT_INVALID )
    {
        exit_code = rc;
        goto out;
    }
    print_summary(&r);
    exit_code = rc != SIM_EXIT_OK || r.failed ? SIM_EXIT_FAILED
                                              : SIM_EXIT_OK;

 out:
    free_world(&w);
    return exit_code;
}
