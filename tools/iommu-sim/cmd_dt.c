/*
 * iommu-sim dt: what a device tree says about its IOMMUs.  Loads a blob
 * (a file or a built-in board) through the door (sim_tree.h) and prints
 * the IPMMU and Arm SMMU nodes and the masters that use them, as text,
 * JSON or a Graphviz graph, and whether the drivers bind them.  Bad input ends
 * with status 2 and one line on stderr.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/device_tree.h>
#include "tools/iommu-sim/dt_dot.h"
#include "tools/iommu-sim/dt_report.h"
#include "tools/iommu-sim/iommu_sim.h"
#include "tools/iommu-sim/run_scenario.h"
#include "tools/iommu-sim/sim_probe.h"
#include "tools/iommu-sim/sim_tree.h"
#include "tools/iommu-sim/port_groups.h"

struct dt_opts {
    const char *format;          /* text, json or dot */
    const char *file, *board;
    const char *configs[RUN_MAX_GUESTS];
    unsigned int nr_configs;
};

const char cmd_dt_usage[] =
    "usage: iommu-sim dt [--json] FILE.dtb\n"
    "       iommu-sim dt [--json] --board NAME\n"
    "       iommu-sim dt --format text|json|dot FILE.dtb\n"
    "       iommu-sim dt --format text|json|dot --board NAME\n"
    "                    [--config FILE]...\n"
    "\n"
    "Unflattens the device tree and prints its node count, every IPMMU\n"
    "(path, address, size, root or cache, generation from the compatible)\n"
    "and every bus master that uses one (its 'iommus' entries as IPMMU\n"
    "path and uTLB id; PCIe hosts' 'iommu-map' entries); every Arm SMMU\n"
    "(path, address, size, model, binding, interrupts) and its masters'\n"
    "stream IDs (from 'iommus' or the SMMU's legacy 'mmu-masters').\n"
    "Then the ports several available masters share, which can only be\n"
    "passed through together: uTLBs of an IPMMU, stream match entries of\n"
    "an SMMU.\n"
    "--json prints the same as one JSON object, --format dot the topology\n"
    "as a Graphviz graph (root, caches, uTLBs, SMMUs, streams, masters;\n"
    "with --config, the masters of each guest coloured).  The last line\n"
    "(text) or the \"driver\" field (JSON) says whether the drivers bind\n"
    "the IOMMUs, and if not, why.\n"
    "A malformed tree exits with status 2 and one line on stderr naming\n"
    "the node and the problem.\n";

/* Two entries one range can show: same IOMMU, kind, binding, no mask. */
static bool same_run(const struct report_ref *a, const struct report_ref *b)
{
    return b->iommu == a->iommu && b->kind == a->kind &&
           b->legacy == a->legacy && !a->has_mask && !b->has_mask &&
           b->id == a->id + 1;
}

/*
 * Consecutive ids on one IOMMU print as a range: uTLBs in decimal
 * ("utlb 0-15"), SMMU stream IDs in hex as the bindings write them
 * ("stream 0x4c0-0x4c3", "stream 0x0 mask 0x1f").
 */
static void print_refs_text(const struct report_master *m)
{
    unsigned int i = 0;

    while ( i < m->nr_refs )
    {
        const struct report_ref *f = &m->refs[i];
        const char *prop = f->legacy ? "mmu-masters" : "iommus   ";
        unsigned int j = i;

        while ( j + 1 < m->nr_refs && same_run(&m->refs[j], &m->refs[j + 1]) )
            j++;
        if ( f->kind == REF_SMMU )
        {
            printf("    %s %s stream 0x%x", prop, dt_node_full_name(f->iommu),
                   f->id);
            if ( j != i )
                printf("-0x%x", m->refs[j].id);
            if ( f->has_mask )
                printf(" mask 0x%x", f->mask);
            printf("\n");
        }
        else if ( f->kind == REF_OTHER )
            printf("    %s %s id %u (not an IPMMU or SMMU)\n", prop,
                   dt_node_full_name(f->iommu), f->id);
        else if ( j == i )
            printf("    iommus    %s utlb %u\n",
                   dt_node_full_name(m->refs[i].iommu), m->refs[i].id);
        else
            printf("    iommus    %s utlb %u-%u\n",
                   dt_node_full_name(m->refs[i].iommu), m->refs[i].id,
                   m->refs[j].id);
        i = j + 1;
    }
    for ( i = 0; i < m->nr_maps; i++ )
        if ( m->maps[i].kind == REF_SMMU )
            printf("    iommu-map rid %#x -> %s stream 0x%x (%u id%s)\n",
                   m->maps[i].rid_base, dt_node_full_name(m->maps[i].iommu),
                   m->maps[i].id_base, m->maps[i].length,
                   m->maps[i].length == 1 ? "" : "s");
        else
            printf("    iommu-map rid %#x -> %s utlb %u (%u id%s)\n",
                   m->maps[i].rid_base, dt_node_full_name(m->maps[i].iommu),
                   m->maps[i].id_base, m->maps[i].length,
                   m->maps[i].length == 1 ? "" : "s");
}

static void print_smmus_text(const struct dt_report *r)
{
    unsigned int i;

    printf("SMMUs:\n");
    for ( i = 0; i < r->nr_smmus; i++ )
    {
        const struct report_smmu *sm = &r->smmus[i];

        printf("  %-28s %#12llx size %#-8llx %-7s v%u %s %s irqs %u "
               "(%u global)%s\n", dt_node_full_name(sm->np),
               (unsigned long long)sm->addr, (unsigned long long)sm->size,
               sm->model, sm->version, sm->compatible,
               sm->legacy ? "mmu-masters" : "iommus", sm->nr_irqs,
               sm->nr_global_irqs, sm->available ? "" : " (disabled)");
    }
}

static void print_text(const char *label, const struct dt_report *r,
                       const char *driver)
{
    unsigned int i, k;

    /* A tree without SMMUs prints as it always did. */
    if ( r->nr_smmus )
        printf("%s: %u nodes, %u IPMMUs, %u SMMUs, %u masters\n", label,
               r->nr_nodes, r->nr_ipmmus, r->nr_smmus, r->nr_masters);
    else
        printf("%s: %u nodes, %u IPMMUs, %u masters\n", label, r->nr_nodes,
               r->nr_ipmmus, r->nr_masters);
    if ( r->nr_smmus )
        print_smmus_text(r);
    if ( r->nr_ipmmus || !r->nr_smmus )
        printf("IPMMUs:\n");
    for ( i = 0; i < r->nr_ipmmus; i++ )
    {
        const struct report_ipmmu *ip = &r->ipmmus[i];

        printf("  %-28s %#12llx size %#-8llx %-5s %-4s %s",
               dt_node_full_name(ip->np), (unsigned long long)ip->addr,
               (unsigned long long)ip->size, ip->is_root ? "root" : "cache",
               ipmmu_gen_name(ip->gen), ip->compatible);
        if ( ip->main_bit >= 0 )
            printf(" main-bit %d", ip->main_bit);
        for ( k = 0; k < ip->nr_irqs; k++ )
            printf("%s%d", k ? "," : " irqs ", ip->irqs[k]);
        printf("\n");
    }
    printf("masters:\n");
    for ( i = 0; i < r->nr_masters; i++ )
    {
        printf("  %s%s\n", dt_node_full_name(r->masters[i].np),
               r->masters[i].available ? "" : " (disabled)");
        print_refs_text(&r->masters[i]);
    }
    printf("driver: %s\n", driver);
}

static void print_json(const char *label, const struct dt_report *r,
                       const struct sim_probe *p, int probe_rc,
                       const struct port_groups *g,
                       const struct port_groups *sme)
{
    unsigned int i, k;

    printf("{\"source\": ");
    json_string(stdout, label);
    printf(", \"nodes\": %u,\n \"ipmmus\": [", r->nr_nodes);
    for ( i = 0; i < r->nr_ipmmus; i++ )
    {
        const struct report_ipmmu *ip = &r->ipmmus[i];

        printf("%s\n  {\"path\": ", i ? "," : "");
        json_string(stdout, dt_node_full_name(ip->np));
        printf(", \"address\": %llu, \"size\": %llu, \"role\": \"%s\", "
               "\"generation\": \"%s\", \"compatible\": ",
               (unsigned long long)ip->addr, (unsigned long long)ip->size,
               ip->is_root ? "root" : "cache", ipmmu_gen_name(ip->gen));
        json_string(stdout, ip->compatible);
        if ( ip->main_bit >= 0 )
            printf(", \"main_bit\": %d", ip->main_bit);
        else
            printf(", \"main_bit\": null");
        printf(", \"irqs\": [");
        for ( k = 0; k < ip->nr_irqs; k++ )
            printf("%s%d", k ? ", " : "", ip->irqs[k]);
        printf("]}");
    }
    printf("\n ],\n");
    if ( r->nr_smmus )
    {
        printf(" \"smmus\": [");
        for ( i = 0; i < r->nr_smmus; i++ )
        {
            const struct report_smmu *sm = &r->smmus[i];

            printf("%s\n  {\"path\": ", i ? "," : "");
            json_string(stdout, dt_node_full_name(sm->np));
            printf(", \"address\": %llu, \"size\": %llu, \"model\": \"%s\", "
                   "\"version\": %u, \"compatible\": \"%s\", "
                   "\"binding\": \"%s\", \"available\": %s, "
                   "\"irqs\": %u, \"global_irqs\": %u}",
                   (unsigned long long)sm->addr, (unsigned long long)sm->size,
                   sm->model, sm->version, sm->compatible,
                   sm->legacy ? "mmu-masters" : "iommus",
                   sm->available ? "true" : "false", sm->nr_irqs,
                   sm->nr_global_irqs);
        }
        printf("\n ],\n");
    }
    printf(" \"masters\": [");
    for ( i = 0; i < r->nr_masters; i++ )
    {
        const struct report_master *m = &r->masters[i];

        printf("%s\n  {\"path\": ", i ? "," : "");
        json_string(stdout, dt_node_full_name(m->np));
        printf(", \"available\": %s, \"iommus\": [",
               m->available ? "true" : "false");
        for ( k = 0; k < m->nr_refs; k++ )
        {
            const struct report_ref *f = &m->refs[k];

            printf("%s{\"%s\": ", k ? ", " : "",
                   f->kind == REF_SMMU ? "smmu" : f->kind == REF_IPMMU ?
                   "ipmmu" : "iommu");
            json_string(stdout, dt_node_full_name(f->iommu));
            if ( f->kind == REF_SMMU )
            {
                printf(", \"stream\": %u, \"mask\": ", f->id);
                if ( f->has_mask )
                    printf("%u", f->mask);
                else
                    printf("null");
                printf(", \"binding\": \"%s\"}",
                       f->legacy ? "mmu-masters" : "iommus");
            }
            else
                printf(", \"%s\": %u}", f->kind == REF_IPMMU ? "utlb" : "id",
                       f->id);
        }
        printf("], \"iommu_map\": [");
        for ( k = 0; k < m->nr_maps; k++ )
        {
            bool sm = m->maps[k].kind == REF_SMMU;

            printf("%s{\"rid_base\": %u, \"%s\": ", k ? ", " : "",
                   m->maps[k].rid_base, sm ? "smmu" : "ipmmu");
            json_string(stdout, dt_node_full_name(m->maps[k].iommu));
            printf(", \"%s\": %u, \"length\": %u}",
                   sm ? "stream_base" : "utlb_base", m->maps[k].id_base,
                   m->maps[k].length);
        }
        printf("]}");
    }
    printf("\n ],\n \"shared_utlbs\": ");
    port_groups_print_json(stdout, g);
    if ( r->nr_smmus )
    {
        printf(",\n \"%s\": ", sme->kind->json_key);
        port_groups_print_json(stdout, sme);
    }
    printf(",\n \"driver\": {\"binds\": %s, \"ipmmus_up\": %u, ",
           probe_rc == 0 && p->nr_up &&
           p->nr_up == p->nr_ipmmus + p->nr_smmus ? "true" : "false",
           p->nr_up - p->nr_smmus_up);
    if ( r->nr_smmus )
        printf("\"smmus_up\": %u, ", p->nr_smmus_up);
    printf("\"reason\": ");
    if ( p->why[0] )
        json_string(stdout, p->why);
    else
        printf("null");
    printf("}\n}\n");
}

/* What the driver makes of the tree, in one line of text. */
static void driver_verdict(const struct sim_probe *p, int probe_rc,
                           char *buf, size_t len)
{
    const char *kind = !p->nr_smmus ? "IPMMUs"
                       : p->nr_ipmmus ? "IOMMUs" : "SMMUs";
    unsigned int total = p->nr_ipmmus + p->nr_smmus;

    if ( probe_rc )
        snprintf(buf, len, "not probed: the simulator cannot boot this "
                 "tree: %s", p->why);
    else if ( total == 0 )
        snprintf(buf, len, "no IPMMU to bind");
    else if ( p->nr_smmus )
    {
        if ( p->nr_up == total )
            snprintf(buf, len, "binds all %u %s", total, kind);
        else if ( p->nr_up == 0 )
            snprintf(buf, len, "would not bind the %s: %s", kind, p->why);
        else
            snprintf(buf, len, "binds %u of %u %s: %s", p->nr_up, total,
                     kind, p->why);
    }
    else if ( p->nr_up == p->nr_ipmmus )
        snprintf(buf, len, "binds all %u IPMMUs", p->nr_up);
    else if ( p->nr_up == 0 )
        snprintf(buf, len, "would not bind the IPMMUs: %s", p->why);
    else
        snprintf(buf, len, "binds %u of %u IPMMUs: %s", p->nr_up,
                 p->nr_ipmmus, p->why);
}

static int parse_args(int argc, char **argv, struct dt_opts *o)
{
    int i;

    memset(o, 0, sizeof(*o));
    o->format = "text";
    for ( i = 1; i < argc; i++ )
    {
        if ( strcmp(argv[i], "--json") == 0 )
            o->format = "json";
        else if ( strcmp(argv[i], "--board") == 0 ||
                  strcmp(argv[i], "--format") == 0 ||
                  strcmp(argv[i], "--config") == 0 )
        {
            if ( i + 1 >= argc )
            {
                sim_error("dt: %s needs a value (see iommu-sim dt --help)",
                          argv[i]);
                return -1;
            }
            if ( strcmp(argv[i], "--board") == 0 )
                o->board = argv[++i];
            else if ( strcmp(argv[i], "--format") == 0 )
                o->format = argv[++i];
            else if ( o->nr_configs == RUN_MAX_GUESTS )
            {
                sim_error("dt: at most %d --config", RUN_MAX_GUESTS);
                return -1;
            }
            else
                o->configs[o->nr_configs++] = argv[++i];
        }
        else if ( argv[i][0] == '-' && argv[i][1] != '\0' )
        {
            sim_error("dt: unknown option '%s' (see iommu-sim dt --help)",
                      argv[i]);
            return -1;
        }
        else if ( o->file == NULL )
            o->file = argv[i];
        else
        {
            sim_error("dt: more than one file ('%s', '%s')", o->file,
                      argv[i]);
            return -1;
        }
    }
    if ( (o->file == NULL) == (o->board == NULL) )
    {
        sim_error("dt: give one FILE.dtb or --board NAME "
                  "(see iommu-sim dt --help)");
        return -1;
    }
    if ( strcmp(o->format, "text") && strcmp(o->format, "json") &&
         strcmp(o->format, "dot") )
    {
        sim_error("dt: --format %s: one of text, json, dot", o->format);
        return -1;
    }
    if ( o->nr_configs && strcmp(o->format, "dot") )
    {
        sim_error("dt: --config colours the guests' masters in --format "
                  "dot only");
        return -1;
    }
    return 0;
}

int cmd_dt(int argc, char **argv)
{
    struct run_guest guests[RUN_MAX_GUESTS];
    struct dt_report report;
    struct sim_tree tree, again;
    struct sim_probe probe;
    struct port_groups groups, smes;
    struct dt_opts o;
    char err[640], verdict[400];
    unsigned int i, nr_guests = 0;
    int rc, probe_rc, exit_code = SIM_EXIT_INVALID;

    if ( parse_args(argc, argv, &o) != 0 )
        return SIM_EXIT_INVALID;

    rc = o.board ? sim_tree_load_board(o.board, &tree, NULL, err,
                                       sizeof(err))
                 : sim_tree_load_file(o.file, &tree, NULL, err, sizeof(err));
    if ( rc )
    {
        sim_error("%s", err);
        return SIM_EXIT_INVALID;
    }
    for ( i = 0; i < o.nr_configs; i++, nr_guests++ )
        if ( run_config_load(o.configs[i], &guests[i], err, sizeof(err)) )
        {
            sim_error("%s", err);
            goto out;
        }

    /* The probe boots the tree, which replaces the host tree: load again. */
    probe_rc = sim_probe_driver(&tree, &probe, NULL, NULL);
    driver_verdict(&probe, probe_rc, verdict, sizeof(verdict));
    if ( sim_tree_load(tree.blob, tree.size, tree.label, &again, &report, err,
                       sizeof(err)) )
    {
        sim_error("%s", err);
        goto out;
    }
    if ( port_groups_build(&port_kind_utlb, &report, &groups) ||
         port_groups_build(&port_kind_sme, &report, &smes) )
    {
        sim_error("%s: cannot group IOMMU ports: %s", tree.label,
                  groups.why[0] ? groups.why : smes.why);
        port_groups_free(&groups);
        dt_report_free(&report);
        sim_tree_free(&again);
        goto out;
    }

    if ( strcmp(o.format, "json") == 0 )
        print_json(tree.label, &report, &probe, probe_rc, &groups, &smes);
    else if ( strcmp(o.format, "dot") == 0 )
    {
        rc = dt_dot_print(stdout, tree.label, &report, guests, nr_guests,
                          err, sizeof(err));
        if ( rc )
        {
            sim_error("%s", err);
            port_groups_free(&groups);
            port_groups_free(&smes);
            dt_report_free(&report);
            sim_tree_free(&again);
            goto out;
        }
    }
    else
    {
        print_text(tree.label, &report, verdict);
        /* Shared uTLBs are an IPMMU matter, shared entries an SMMU's. */
        if ( report.nr_ipmmus || !report.nr_smmus )
            port_groups_print_text(stdout, &groups);
        if ( report.nr_smmus )
            port_groups_print_text(stdout, &smes);
    }
    exit_code = SIM_EXIT_OK;
    port_groups_free(&groups);
    port_groups_free(&smes);
    dt_report_free(&report);
    sim_tree_free(&again);

 out:
    for ( i = 0; i < nr_guests; i++ )
        run_guest_free(&guests[i]);
    sim_tree_free(&tree);
    return exit_code;
}
