/*
 * ipmmu-sim dt: what a device tree says about the IPMMUs.  Loads a blob
 * (a file or a built-in board), unflattens it with the hypervisor's dt
 * code and prints the IPMMU nodes and the masters that use them, as text
 * or JSON.  Bad input ends with status 2 and one line on stderr.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <xen/device_tree.h>
#include "boards/boards.h"
#include "hosted/console.h"
#include "tools/ipmmu-sim/dt_report.h"
#include "tools/ipmmu-sim/ipmmu_sim.h"
#include "tools/ipmmu-sim/utlb_groups.h"

/* Far above any real tree (the largest R-Car DTB is under 200 KiB). */
#define DTB_MAX_SIZE (64u << 20)

const char cmd_dt_usage[] =
    "usage: ipmmu-sim dt [--json] FILE.dtb\n"
    "       ipmmu-sim dt [--json] --board NAME\n"
    "\n"
    "Unflattens the device tree and prints its node count, every IPMMU\n"
    "(path, address, size, root or cache, generation from the compatible)\n"
    "and every bus master that uses one (its 'iommus' entries as IPMMU\n"
    "path and uTLB id; PCIe hosts' 'iommu-map' entries).  --json prints\n"
    "the same as one JSON object.  A malformed tree exits with status 2\n"
    "and one line on stderr naming the node and the problem.\n";

struct dt_source {
    const char *label;           /* for messages: the file or board name */
    void *owned;                 /* the buffer read from a file, or NULL */
    const void *blob;
    size_t size;
};

static int load_file(const char *path, struct dt_source *src)
{
    struct stat st;
    FILE *f;
    void *buf;

    f = fopen(path, "rb");
    if ( f == NULL )
    {
        sim_error("%s: cannot open: %m", path);
        return -1;
    }
    if ( fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) )
    {
        sim_error("%s: not a regular file", path);
        fclose(f);
        return -1;
    }
    if ( st.st_size == 0 || (unsigned long long)st.st_size > DTB_MAX_SIZE )
    {
        sim_error("%s: malformed device tree: size %lld is outside 1..%u "
                  "bytes", path, (long long)st.st_size, DTB_MAX_SIZE);
        fclose(f);
        return -1;
    }
    /* malloc's alignment satisfies libfdt's 8-byte requirement. */
    buf = malloc(st.st_size);
    if ( buf == NULL )
    {
        sim_error("%s: out of memory reading %lld bytes", path,
                  (long long)st.st_size);
        fclose(f);
        return -1;
    }
    if ( fread(buf, 1, st.st_size, f) != (size_t)st.st_size )
    {
        sim_error("%s: read failed", path);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    src->label = path;
    src->owned = buf;
    src->blob = buf;
    src->size = st.st_size;
    return 0;
}

/* The first error line the dt code printed, without its level tag. */
static const char *first_console_error(char *buf, size_t len)
{
    const char *text = console_capture_text();
    const char *line = strstr(text, "[ERR] ");
    const char *end;
    size_t n;

    if ( line == NULL )
        return NULL;
    line += strlen("[ERR] ");
    if ( strncmp(line, "device-tree: ", 13) == 0 )
        line += 13;              /* ours already says "malformed device tree" */
    end = strchr(line, '\n');
    n = end ? (size_t)(end - line) : strlen(line);
    if ( n >= len )
        n = len - 1;
    memcpy(buf, line, n);
    buf[n] = '\0';
    return buf;
}

/* Consecutive ids on one IPMMU print as a range: "0-15". */
static void print_refs_text(const struct report_master *m)
{
    unsigned int i = 0;

    while ( i < m->nr_refs )
    {
        unsigned int j = i;

        while ( j + 1 < m->nr_refs &&
                m->refs[j + 1].iommu == m->refs[i].iommu &&
                m->refs[j + 1].id == m->refs[j].id + 1 )
            j++;
        if ( j == i )
            printf("    iommus    %s utlb %u\n",
                   dt_node_full_name(m->refs[i].iommu), m->refs[i].id);
        else
            printf("    iommus    %s utlb %u-%u\n",
                   dt_node_full_name(m->refs[i].iommu), m->refs[i].id,
                   m->refs[j].id);
        i = j + 1;
    }
    for ( i = 0; i < m->nr_maps; i++ )
        printf("    iommu-map rid %#x -> %s utlb %u (%u id%s)\n",
               m->maps[i].rid_base, dt_node_full_name(m->maps[i].iommu),
               m->maps[i].id_base, m->maps[i].length,
               m->maps[i].length == 1 ? "" : "s");
}

static void print_text(const struct dt_source *src, const struct dt_report *r)
{
    unsigned int i, k;

    printf("%s: %u nodes, %u IPMMUs, %u masters\n", src->label, r->nr_nodes,
           r->nr_ipmmus, r->nr_masters);
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
}

static void print_json(const struct dt_source *src, const struct dt_report *r,
                       const struct utlb_groups *g)
{
    unsigned int i, k;

    printf("{\"source\": ");
    json_string(stdout, src->label);
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
    printf("\n ],\n \"masters\": [");
    for ( i = 0; i < r->nr_masters; i++ )
    {
        const struct report_master *m = &r->masters[i];

        printf("%s\n  {\"path\": ", i ? "," : "");
        json_string(stdout, dt_node_full_name(m->np));
        printf(", \"available\": %s, \"iommus\": [",
               m->available ? "true" : "false");
        for ( k = 0; k < m->nr_refs; k++ )
        {
            printf("%s{\"ipmmu\": ", k ? ", " : "");
            json_string(stdout, dt_node_full_name(m->refs[k].iommu));
            printf(", \"utlb\": %u}", m->refs[k].id);
        }
        printf("], \"iommu_map\": [");
        for ( k = 0; k < m->nr_maps; k++ )
        {
            printf("%s{\"rid_base\": %u, \"ipmmu\": ", k ? ", " : "",
                   m->maps[k].rid_base);
            json_string(stdout, dt_node_full_name(m->maps[k].iommu));
            printf(", \"utlb_base\": %u, \"length\": %u}",
                   m->maps[k].id_base, m->maps[k].length);
        }
        printf("]}");
    }
    printf("\n ],\n \"shared_utlbs\": ");
    utlb_groups_print_json(stdout, g);
    printf("\n}\n");
}

static int parse_args(int argc, char **argv, bool *json, const char **file,
                      const char **board)
{
    int i;

    *json = false;
    *file = *board = NULL;
    for ( i = 1; i < argc; i++ )
    {
        if ( strcmp(argv[i], "--json") == 0 )
            *json = true;
        else if ( strcmp(argv[i], "--board") == 0 )
        {
            if ( i + 1 >= argc )
            {
                sim_error("dt: --board needs a name (see ipmmu-sim boards)");
                return -1;
            }
            *board = argv[++i];
        }
        else if ( argv[i][0] == '-' && argv[i][1] != '\0' )
        {
            sim_error("dt: unknown option '%s' (see ipmmu-sim dt --help)",
                      argv[i]);
            return -1;
        }
        else if ( *file == NULL )
            *file = argv[i];
        else
        {
            sim_error("dt: more than one file ('%s', '%s')", *file, argv[i]);
            return -1;
        }
    }
    if ( (*file == NULL) == (*board == NULL) )
    {
        sim_error("dt: give one FILE.dtb or --board NAME "
                  "(see ipmmu-sim dt --help)");
        return -1;
    }
    return 0;
}

int cmd_dt(int argc, char **argv)
{
    struct dt_source src = { 0 };
    struct dt_report report;
    struct utlb_groups groups;
    const char *file, *board_name, *why;
    char err[512], core_err[512];
    bool json;
    int rc;

    if ( parse_args(argc, argv, &json, &file, &board_name) != 0 )
        return SIM_EXIT_INVALID;

    if ( board_name != NULL )
    {
        const struct board *b = board_find(board_name);

        if ( b == NULL )
        {
            sim_error("dt: no built-in board '%s' (see ipmmu-sim boards)",
                      board_name);
            return SIM_EXIT_INVALID;
        }
        src.label = b->name;
        src.blob = b->dtb;
        src.size = b->dtb_size;
    }
    else if ( load_file(file, &src) != 0 )
        return SIM_EXIT_INVALID;

    /* The dt code reports through printk: keep its line for ours. */
    console_set_echo(false);
    console_capture_start();

    rc = dt_host_init(src.blob, src.size);
    if ( rc != 0 )
    {
        why = first_console_error(core_err, sizeof(core_err));
        sim_error("%s: malformed device tree: %s", src.label,
                  why ? why : "unflattening failed");
        free(src.owned);
        return SIM_EXIT_INVALID;
    }

    err[0] = '\0';
    if ( dt_report_build(dt_host, &report, err, sizeof(err)) != 0 )
    {
        /* The dt code's own line, when it printed one, is the precise one. */
        why = first_console_error(core_err, sizeof(core_err));
        sim_error("%s: malformed device tree: %s", src.label,
                  why ? why : err);
        dt_host_free();
        free(src.owned);
        return SIM_EXIT_INVALID;
    }

    if ( utlb_groups_build(&report, &groups) != 0 )
    {
        sim_error("%s: out of memory", src.label);
        dt_report_free(&report);
        dt_host_free();
        free(src.owned);
        return SIM_EXIT_INVALID;
    }
    if ( json )
        print_json(&src, &report, &groups);
    else
    {
        print_text(&src, &report);
        utlb_groups_print_text(stdout, &groups);
    }

    utlb_groups_free(&groups);
    dt_report_free(&report);
    dt_host_free();
    free(src.owned);
    console_capture_stop();
    return SIM_EXIT_OK;
}
