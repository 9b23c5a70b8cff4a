/*
 * iommu-sim check: would this tree and these guest configurations work
 * for passthrough?  Nothing is run: the tree passes the door, the
 * platform is booted and probed once (so that "is this IPMMU driven" and
 * "is this SoC revision supported" are the driver's own answers), each
 * dtdev is registered with the IOMMU core, and the sums (RAM, contexts)
 * are done.  Every problem is one line naming FILE:LINE or the node.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/mm.h>
#include "hosted/platform.h"
#include "hosted/ram.h"
#include "hw/soc.h"
#include "tools/iommu-sim/dtdev_path.h"
#include "tools/iommu-sim/iommu_sim.h"
#include "tools/iommu-sim/run_scenario.h"
#include "tools/iommu-sim/sim_iommu.h"
#include "tools/iommu-sim/sim_probe.h"
#include "tools/iommu-sim/sim_tree.h"
#include "tools/iommu-sim/port_groups.h"

#define CHECK_DOM0_MIB 256           /* what 'run' gives dom0 by default */

const char cmd_check_usage[] =
    "usage: iommu-sim check (--dtb FILE | --board NAME) [--config FILE]...\n"
    "\n"
    "Checks a device tree and xl-style guest configurations for device\n"
    "passthrough without running them: each dtdev exists and is behind an\n"
    "IPMMU or SMMU the driver brings up; no device is given to two guests;\n"
    "the guests' memory fits beside dom0's 256 MiB; the root IPMMU has\n"
    "enough contexts for dom0, the guests and the quarantine context (the\n"
    "count without quarantine is shown too), each SMMU enough context\n"
    "banks for the domains with a device behind it; masters that share a\n"
    "uTLB or an SMMU stream match entry go to one domain; the driver\n"
    "supports the SoC revision.  One line per problem, naming FILE:LINE or\n"
    "the node.\n"
    "\n"
    "exit status: 0 no problem, 1 problems found, 2 bad usage or\n"
    "unreadable input (unknown board, malformed tree or configuration).\n";

struct check_opts {
    const char *board, *dtb;
    const char *configs[RUN_MAX_GUESTS];
    unsigned int nr_configs;
};

struct check {
    const char *label;
    struct run_guest guests[RUN_MAX_GUESTS];
    unsigned int nr_guests;
    bool dev_ok[RUN_MAX_GUESTS][RUN_MAX_DTDEVS];  /* resolved, has iommus */
    unsigned int problems;
    /* Found while the platform is up. */
    unsigned long ram_mib;
    bool dom0_has_devices;
    /* Per SMMU: its context banks, the domains with a device behind it
     * (bit 0 dom0, bit i + 1 guest i). */
    unsigned int nr_smmus;
    char smmu_name[SOC_MAX_SMMUS][128];
    unsigned int smmu_cbs[SOC_MAX_SMMUS];
    unsigned int smmu_users[SOC_MAX_SMMUS];
};

static void problem(struct check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void problem(struct check *c, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    putchar('\n');
    c->problems++;
}

/* "FILE:LINE" of a guest's dtdev, or the file alone. */
static const char *where(const struct run_guest *g, unsigned int line,
                         char *buf, size_t len)
{
    if ( line )
        snprintf(buf, len, "%s:%u", g->source, line);
    else
        snprintf(buf, len, "%s", g->source);
    return buf;
}

static int parse_args(int argc, char **argv, struct check_opts *o)
{
    int i;

    memset(o, 0, sizeof(*o));
    for ( i = 1; i < argc; i++ )
    {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if ( strcmp(a, "--board") && strcmp(a, "--dtb") &&
             strcmp(a, "--config") )
        {
            sim_error("check: unknown argument '%s' (see iommu-sim check "
                      "--help)", a);
            return -1;
        }
        if ( !v )
        {
            sim_error("check: %s needs a value", a);
            return -1;
        }
        i++;
        if ( strcmp(a, "--board") == 0 )
            o->board = v;
        else if ( strcmp(a, "--dtb") == 0 )
            o->dtb = v;
        else if ( o->nr_configs == RUN_MAX_GUESTS )
        {
            sim_error("check: at most %d --config", RUN_MAX_GUESTS);
            return -1;
        }
        else
            o->configs[o->nr_configs++] = v;
    }
    if ( !o->board == !o->dtb )
    {
        sim_error("check: give one of --dtb FILE or --board NAME (see "
                  "iommu-sim check --help)");
        return -1;
    }
    return 0;
}

/* Before the boot: each dtdev names one node with iommus, once. */
static void check_dtdevs(struct check *c)
{
    unsigned int i, j, k, l;
    char at[300], err[512];

    for ( i = 0; i < c->nr_guests; i++ )
    {
        struct run_guest *g = &c->guests[i];

        for ( k = 0; k < i; k++ )
            if ( strcmp(c->guests[k].name, g->name) == 0 )
                problem(c, "%s: guest name '%s' is used by %s too",
                        g->source, g->name, c->guests[k].source);
        for ( j = 0; j < g->nr_dtdevs; j++ )
        {
            struct dt_device_node *np;
            char *canon;

            where(g, g->dtdev_lines[j], at, sizeof(at));
            if ( dtdev_resolve(g->dtdevs[j], &np, err, sizeof(err)) )
            {
                problem(c, "%s: guest '%s': %s", at, g->name, err);
                continue;
            }
            canon = strdup(dt_node_full_name(np));
            if ( canon )
            {
                free(g->dtdevs[j]);
                g->dtdevs[j] = canon;
            }
            if ( !sim_node_behind_iommu(np) )
            {
                problem(c, "%s: guest '%s': dtdev \"%s\" is not behind an "
                        "IOMMU the simulator models (no iommus entry "
                        "naming an IPMMU or an SMMU, in no SMMU's "
                        "mmu-masters)", at, g->name, g->dtdevs[j]);
                continue;
            }
            if ( !dt_device_is_available(np) )
                problem(c, "%s: guest '%s': dtdev \"%s\" is disabled in "
                        "the tree (status)", at, g->name, g->dtdevs[j]);
            c->dev_ok[i][j] = true;
            for ( k = 0; k <= i; k++ )
                for ( l = 0; l < (k == i ? j : c->guests[k].nr_dtdevs); l++ )
                    if ( c->dev_ok[k][l] &&
                         strcmp(c->guests[k].dtdevs[l], g->dtdevs[j]) == 0 )
                        problem(c, "%s: guest '%s': %s is already given to "
                                "guest '%s' (%s)", at, g->name, g->dtdevs[j],
                                c->guests[k].name, c->guests[k].source);
        }
    }
}

static bool is_guest_device(const struct check *c, const char *path)
{
    unsigned int i, j;

    for ( i = 0; i < c->nr_guests; i++ )
        for ( j = 0; j < c->guests[i].nr_dtdevs; j++ )
            if ( c->dev_ok[i][j] && !strcmp(c->guests[i].dtdevs[j], path) )
                return true;
    return false;
}

/*
 * Register a master: 0 protected, > 0 no driven IOMMU in front of it,
 * < 0 cannot be registered.  A legacy SMMU master (mmu-masters) was
 * registered by the probe, or not at all.
 */
static int add_master(struct dt_device_node *np)
{
    if ( dt_find_property(np, "iommus", NULL) )
        return iommu_add_dt_device(np);
    return dt_device_is_protected(np) ? 0 : 1;
}

/* Mark 'user' (bit) on every SMMU a master's streams enter. */
static void note_smmu_user(struct check *c, const char *path,
                           unsigned int user)
{
    struct soc *soc = platform_soc();
    int m = soc_find_smmu_master(soc, path);
    unsigned int k;

    if ( m < 0 )
        return;
    for ( k = 0; k < soc_smmu_master(soc, m)->nr_streams; k++ )
        c->smmu_users[soc_smmu_master(soc, m)->streams[k].smmu] |= 1U << user;
}

static void collect_smmus(struct check *c)
{
    struct soc *soc = platform_soc();
    unsigned int i;

    c->nr_smmus = soc_nr_smmus(soc);
    for ( i = 0; i < c->nr_smmus; i++ )
    {
        snprintf(c->smmu_name[i], sizeof(c->smmu_name[i]), "%s",
                 soc_smmu_desc(soc, i)->name);
        c->smmu_cbs[i] = smmu_model_config(soc_smmu(soc, i))->nr_cbs;
    }
}

/*
 * While the platform is up: the IOMMU core says whether each device is
 * protected (0), would need no protection because no driven IOMMU
 * stands in front of it (> 0), or cannot be registered (< 0).
 */
static void while_up(void *opaque)
{
    struct check *c = opaque;
    struct dt_device_node *np;
    unsigned int i, j;
    char at[300];

    c->ram_mib = hosted_pages_total() >> (20 - PAGE_SHIFT);
    collect_smmus(c);
    for ( i = 0; i < c->nr_guests; i++ )
        for ( j = 0; j < c->guests[i].nr_dtdevs; j++ )
        {
            struct run_guest *g = &c->guests[i];
            int rc;

            if ( !c->dev_ok[i][j] )
                continue;
            np = dt_find_node_by_path(g->dtdevs[j]);
            rc = np ? add_master(np) : -ENOENT;
            where(g, g->dtdev_lines[j], at, sizeof(at));
            if ( rc == 0 )
                note_smmu_user(c, g->dtdevs[j], i + 1);
            if ( rc > 0 )
                problem(c, "%s: guest '%s': %s is not behind an %s the "
                        "driver brings up: it cannot be protected", at,
                        g->name, g->dtdevs[j], run_iommu_one());
            else if ( rc < 0 )
                problem(c, "%s: guest '%s': %s cannot be registered with "
                        "the IOMMU (%s)", at, g->name, g->dtdevs[j],
                        errno_name(rc));
        }
    dt_for_each_device_node(dt_host, np)
        if ( sim_node_behind_iommu(np) && dt_device_is_available(np) &&
             !is_guest_device(c, dt_node_full_name(np)) &&
             add_master(np) == 0 )
        {
            c->dom0_has_devices = true;
            note_smmu_user(c, dt_node_full_name(np), 0);
        }
}

static void check_memory(struct check *c)
{
    unsigned long left = c->ram_mib > CHECK_DOM0_MIB
                         ? c->ram_mib - CHECK_DOM0_MIB : 0;
    unsigned int i;
    char at[300];

    for ( i = 0; i < c->nr_guests; i++ )
    {
        struct run_guest *g = &c->guests[i];

        if ( g->memory_mib <= left )
        {
            left -= g->memory_mib;
            continue;
        }
        problem(c, "%s: guest '%s': memory = %llu MiB does not fit: %lu MiB "
                "of %lu MiB RAM left after dom0 (%u MiB) and the guests "
                "before it", where(g, g->memory_line, at, sizeof(at)),
                g->name, (unsigned long long)g->memory_mib, left, c->ram_mib,
                CHECK_DOM0_MIB);
    }
}

/*
 * Context 0 is never handed out, the quarantine takes one, dom0 one when
 * it keeps a protected device, each guest with a device one.
 */
static void check_contexts(struct check *c, const struct sim_probe *p)
{
    unsigned int i, need = c->dom0_has_devices ? 1 : 0;
    unsigned int usable = p->nr_contexts ? p->nr_contexts - 1 : 0;

    /*
     * An SMMU blocks unassigned streams with fault entries, not with a
     * context bank: each domain with a device behind it takes one bank.
     */
    for ( i = 0; i < c->nr_smmus; i++ )
    {
        unsigned int users = __builtin_popcount(c->smmu_users[i]);

        printf("context banks: %s: %u of %u\n", c->smmu_name[i], users,
               c->smmu_cbs[i]);
        if ( users > c->smmu_cbs[i] )
            problem(c, "%s: %s has %u context banks; %u domain(s) have a "
                    "device behind it", c->label, c->smmu_name[i],
                    c->smmu_cbs[i], users);
    }
    if ( c->nr_smmus && !p->nr_ipmmus )
        return;

    for ( i = 0; i < c->nr_guests; i++ )
        if ( c->guests[i].nr_dtdevs )
            need++;
    printf("contexts: %u of %u usable with quarantine, %u without\n",
           need + 1, usable, need);
    if ( need + 1 > usable )
        problem(c, "%s: the root IPMMU has %u usable contexts; dom0, %u "
                "guest(s) with devices and the quarantine need %u%s",
                c->label, usable, need - (c->dom0_has_devices ? 1 : 0),
                need + 1, need <= usable
                ? " (without quarantine they would fit, but unassigned "
                  "masters would then bypass the IPMMU)" : "");
}

static void report_split(const char *line, void *arg)
{
    problem(arg, "%s", line);
}

/*
 * Masters that share one port (a uTLB, an SMMU stream match entry) may
 * not be split across domains.
 */
static void check_port_groups(struct check *c, const struct port_kind *kind)
{
    static struct port_assignment asg[RUN_MAX_GUESTS * RUN_MAX_DTDEVS];
    static char labels[RUN_MAX_GUESTS][RUN_NAME_MAX + 300];
    struct port_groups g;
    struct dt_report r;
    unsigned int i, j, n = 0;
    char err[256];

    if ( dt_report_build(dt_host, &r, err, sizeof(err)) )
    {
        problem(c, "%s: %s", c->label, err);
        return;
    }
    if ( port_groups_build(kind, &r, &g) )
    {
        problem(c, "%s: cannot group %s: %s", c->label, kind->ports,
                g.why);
        dt_report_free(&r);
        return;
    }
    for ( i = 0; i < c->nr_guests; i++ )
    {
        snprintf(labels[i], sizeof(labels[i]), "guest '%s' of %s",
                 c->guests[i].name, c->guests[i].source);
        for ( j = 0; j < c->guests[i].nr_dtdevs; j++ )
            if ( c->dev_ok[i][j] )
            {
                asg[n].path = c->guests[i].dtdevs[j];
                asg[n].domain = labels[i];
                n++;
            }
    }
    port_groups_find_splits(&g, asg, n, "dom0", report_split, c);
    port_groups_free(&g);
    dt_report_free(&r);
}

int cmd_check(int argc, char **argv)
{
    static struct check c;
    struct check_opts o;
    struct sim_tree tree;
    struct sim_probe probe;
    char err[640];
    unsigned int i;
    int rc, exit_code = SIM_EXIT_INVALID;

    memset(&c, 0, sizeof(c));
    if ( parse_args(argc, argv, &o) )
        return SIM_EXIT_INVALID;
    rc = o.dtb ? sim_tree_load_file(o.dtb, &tree, NULL, err, sizeof(err))
               : sim_tree_load_board(o.board, &tree, NULL, err, sizeof(err));
    if ( rc )
    {
        sim_error("%s", err);
        return SIM_EXIT_INVALID;
    }
    c.label = tree.label;
    for ( i = 0; i < o.nr_configs; i++, c.nr_guests++ )
        if ( run_config_load(o.configs[i], &c.guests[i], err, sizeof(err)) )
        {
            sim_error("%s", err);
            goto out;
        }

    check_dtdevs(&c);
    check_port_groups(&c, &port_kind_utlb);
    check_port_groups(&c, &port_kind_sme);
    if ( sim_probe_driver(&tree, &probe, while_up, &c) )
    {
        sim_error("%s: the simulator cannot boot this tree: %s", c.label,
                  probe.why);
        goto out;
    }
    if ( probe.nr_smmus &&
         probe.nr_up < probe.nr_ipmmus + probe.nr_smmus )
        problem(&c, "%s: the drivers would not bind the IOMMUs (%u of %u "
                "up): %s", c.label, probe.nr_up,
                probe.nr_ipmmus + probe.nr_smmus, probe.why);
    else if ( !probe.nr_smmus &&
              (probe.nr_up < probe.nr_ipmmus || !probe.nr_ipmmus) )
        problem(&c, "%s: the driver would not bind the IPMMUs (%u of %u "
                "up): %s", c.label, probe.nr_up, probe.nr_ipmmus,
                probe.nr_ipmmus ? probe.why : "the tree has none");
    check_memory(&c);
    check_contexts(&c, &probe);

    if ( c.problems )
        printf("check: %s: %u problem%s\n", c.label, c.problems,
               c.problems == 1 ? "" : "s");
    else
        printf("check: %s: ok (%u guest%s)\n", c.label, c.nr_guests,
               c.nr_guests == 1 ? "" : "s");
    exit_code = c.problems ? SIM_EXIT_FAILED : SIM_EXIT_OK;

 out:
    for ( i = 0; i < c.nr_guests; i++ )
        run_guest_free(&c.guests[i]);
    sim_tree_free(&tree);
    return exit_code;
}
