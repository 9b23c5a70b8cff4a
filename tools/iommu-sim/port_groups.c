/*
 * IOMMU port groups (port_groups.h): collect every reference of the
 * available masters that a kind takes, give each its port, group the
 * references by (IOMMU, port), keep the ports of two masters or more,
 * and find the groups a set of assignments splits across domains.
 * Reads the tree only through a dt_report and the dt_* interface.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/iommu-sim/iommu_sim.h"
#include "tools/iommu-sim/port_groups.h"
#include "tools/iommu-sim/run_scenario.h"

#define PORT_LINE_MAX 1024

/* Every reference of the kind, of every available master. */
static struct port_use *collect_uses(const struct port_kind *kind,
                                     const struct dt_report *r,
                                     unsigned int *nr)
{
    struct port_use *uses;
    unsigned int i, k, n = 0, total = 0;

    for ( i = 0; i < r->nr_masters; i++ )
        total += r->masters[i].nr_refs;
    uses = calloc(total ? total : 1, sizeof(*uses));
    if ( !uses )
        return NULL;

    for ( i = 0; i < r->nr_masters; i++ )
    {
        const struct report_master *m = &r->masters[i];

        if ( !m->available )
            continue;
        for ( k = 0; k < m->nr_refs; k++ )
        {
            if ( !kind->take(r, &m->refs[k], &uses[n]) )
                continue;
            uses[n].master = m->np;
            uses[n].master_rank = i;
            n++;
        }
    }
    *nr = n;
    return uses;
}

static bool same_port(const struct port_use *x, const struct port_use *y)
{
    return x->iommu == y->iommu && x->port_id == y->port_id &&
           x->port_mask == y->port_mask;
}

/* By IOMMU, port, then master: a group's masters end up in tree order. */
static int use_cmp(const void *a, const void *b)
{
    const struct port_use *x = a, *y = b;

    if ( x->iommu_rank != y->iommu_rank )
        return x->iommu_rank < y->iommu_rank ? -1 : 1;
    if ( x->iommu != y->iommu )      /* IOMMUs the report does not rank */
        return x->iommu < y->iommu ? -1 : 1;
    if ( x->port_id != y->port_id )
        return x->port_id < y->port_id ? -1 : 1;
    if ( x->port_mask != y->port_mask )
        return x->port_mask < y->port_mask ? -1 : 1;
    if ( x->master_rank != y->master_rank )
        return x->master_rank < y->master_rank ? -1 : 1;
    return 0;
}

/* The port at uses[first..end), a master once however many references
 * it has there; a group when two masters or more use it. */
static int add_group(struct port_groups *g, const struct port_use *uses,
                     unsigned int first, unsigned int end)
{
    const struct dt_device_node **masters;
    struct port_group *grown, *grp;
    unsigned int k, n = 0;

    for ( k = first; k < end; k++ )
        if ( k == first || uses[k].master != uses[k - 1].master )
            n++;
    if ( n < 2 )
        return 0;

    masters = calloc(n, sizeof(*masters));
    if ( !masters )
        return -1;
    if ( g->nr == g->room )
    {
        unsigned int room = g->room ? 2 * g->room : 16;

        grown = realloc(g->groups, room * sizeof(*grown));
        if ( !grown )
        {
            free(masters);
            return -1;
        }
        g->groups = grown;
        g->room = room;
    }
    grp = &g->groups[g->nr++];
    grp->iommu = uses[first].iommu;
    grp->id = uses[first].port_id;
    grp->mask = uses[first].port_mask;
    grp->masters = masters;
    grp->nr_masters = 0;
    for ( k = first; k < end; k++ )
        if ( k == first || uses[k].master != uses[k - 1].master )
            masters[grp->nr_masters++] = uses[k].master;
    return 0;
}

int port_groups_build(const struct port_kind *kind,
                      const struct dt_report *r, struct port_groups *g)
{
    struct port_use *uses;
    unsigned int nr = 0, i, j;

    memset(g, 0, sizeof(*g));
    g->kind = kind;
    uses = collect_uses(kind, r, &nr);
    if ( !uses )
    {
        snprintf(g->why, sizeof(g->why), "out of memory");
        return -1;
    }
    if ( kind->place(uses, nr, g->why, sizeof(g->why)) )
    {
        free(uses);
        return -1;
    }
    qsort(uses, nr, sizeof(*uses), use_cmp);

    for ( i = 0; i < nr; i = j )
    {
        for ( j = i + 1; j < nr && same_port(&uses[i], &uses[j]); j++ )
            ;
        if ( add_group(g, uses, i, j) )
        {
            free(uses);
            port_groups_free(g);
            g->kind = kind;
            snprintf(g->why, sizeof(g->why), "out of memory");
            return -1;
        }
    }
    free(uses);
    return 0;
}

void port_groups_free(struct port_groups *g)
{
    unsigned int i;

    for ( i = 0; i < g->nr; i++ )
        free((void *)g->groups[i].masters);
    free(g->groups);
    memset(g, 0, sizeof(*g));
}

/* ---- Splits ---- */

/* The domain an assignment gives np, or NULL when none names it. */
static const char *destination(const struct dt_device_node *np,
                               const struct port_assignment *asg,
                               unsigned int nr_asg)
{
    unsigned int i;

    for ( i = 0; i < nr_asg; i++ )
        if ( asg[i].path && dt_find_node_by_path(asg[i].path) == np )
            return asg[i].domain;
    return NULL;
}

static bool group_split(const struct port_group *grp,
                        const struct port_assignment *asg,
                        unsigned int nr_asg)
{
    const char *first = destination(grp->masters[0], asg, nr_asg);
    unsigned int k;

    for ( k = 1; k < grp->nr_masters; k++ )
    {
        const char *to = destination(grp->masters[k], asg, nr_asg);

        if ( (to == NULL) != (first == NULL) ||
             (to && strcmp(to, first) != 0) )
            return true;
    }
    return false;
}

/* "<group> split across domains: <port> is <shared> shared by M1 (D1),
 * M2 (D2): <rule>" */
static void split_line(const struct port_groups *g,
                       const struct port_group *grp,
                       const struct port_assignment *asg,
                       unsigned int nr_asg, const char *unlisted,
                       char *line, size_t len)
{
    char port[256];
    unsigned int k;
    size_t used;

    g->kind->name(port, sizeof(port), grp);
    used = snprintf(line, len, "%s split across domains: %s is %s shared "
                    "by ", g->kind->group, port, g->kind->shared);
    for ( k = 0; k < grp->nr_masters && used < len; k++ )
    {
        const char *to = destination(grp->masters[k], asg, nr_asg);

        used += snprintf(line + used, len - used, "%s%s (%s)",
                         k ? ", " : "", dt_node_full_name(grp->masters[k]),
                         to ? to : unlisted);
    }
    if ( used < len )
        snprintf(line + used, len - used, ": %s", g->kind->rule);
}

unsigned int port_groups_find_splits(const struct port_groups *g,
                                     const struct port_assignment *asg,
                                     unsigned int nr_asg,
                                     const char *unlisted,
                                     void (*report)(const char *line,
                                                    void *arg),
                                     void *arg)
{
    unsigned int i, splits = 0;
    char line[PORT_LINE_MAX];

    for ( i = 0; i < g->nr; i++ )
    {
        if ( !group_split(&g->groups[i], asg, nr_asg) )
            continue;
        splits++;
        split_line(g, &g->groups[i], asg, nr_asg, unlisted, line,
                   sizeof(line));
        if ( report )
            report(line, arg);
    }
    return splits;
}

/* ---- Output of 'iommu-sim dt' ---- */

void port_groups_print_text(FILE *out, const struct port_groups *g)
{
    unsigned int i, k;

    if ( !g->nr )
    {
        fprintf(out, "shared %s: none\n", g->kind->ports);
        return;
    }
    fprintf(out, "shared %s (%s):\n", g->kind->ports, g->kind->heading);
    for ( i = 0; i < g->nr; i++ )
    {
        fprintf(out, "  ");
        g->kind->print_text(out, &g->groups[i]);
        fprintf(out, ":");
        for ( k = 0; k < g->groups[i].nr_masters; k++ )
            fprintf(out, "%s %s", k ? "," : "",
                    dt_node_full_name(g->groups[i].masters[k]));
        fprintf(out, "\n");
    }
}

void port_groups_print_json(FILE *out, const struct port_groups *g)
{
    unsigned int i, k;

    fprintf(out, "[");
    for ( i = 0; i < g->nr; i++ )
    {
        fprintf(out, "%s\n  {", i ? "," : "");
        g->kind->print_json(out, &g->groups[i]);
        fprintf(out, ", \"masters\": [");
        for ( k = 0; k < g->groups[i].nr_masters; k++ )
        {
            fprintf(out, "%s", k ? ", " : "");
            json_string(out, dt_node_full_name(g->groups[i].masters[k]));
        }
        fprintf(out, "]}");
    }
    fprintf(out, "%s]", g->nr ? "\n " : "");
}

/* ---- 'iommu-sim run' ---- */

struct first_split {
    char line[PORT_LINE_MAX];
    unsigned int n;
};

static void keep_first(const char *line, void *arg)
{
    struct first_split *f = arg;

    if ( f->n++ == 0 )
        snprintf(f->line, sizeof(f->line), "%s", line);
}

int port_groups_check_guests(const struct port_kind *kind,
                             const struct run_guest *guests,
                             unsigned int nr_guests)
{
    struct port_assignment asg[RUN_MAX_DTDEVS * RUN_MAX_GUESTS];
    char labels[RUN_MAX_GUESTS][RUN_NAME_MAX + 16];
    struct first_split first = { .n = 0 };
    struct port_groups g;
    struct dt_report r;
    unsigned int i, j, n = 0;
    char err[256];
    int rc = 0;

    if ( dt_report_build(dt_host, &r, err, sizeof(err)) )
    {
        sim_error("run: malformed device tree: %s", err);
        return -1;
    }
    if ( port_groups_build(kind, &r, &g) )
    {
        sim_error("run: %s", g.why);
        dt_report_free(&r);
        return -1;
    }

    for ( i = 0; i < nr_guests && i < RUN_MAX_GUESTS; i++ )
    {
        snprintf(labels[i], sizeof(labels[i]), "guest '%s'",
                 guests[i].name);
        for ( j = 0; j < guests[i].nr_dtdevs &&
                     n < sizeof(asg) / sizeof(asg[0]); j++ )
        {
            asg[n].path = guests[i].dtdevs[j];
            asg[n].domain = labels[i];
            n++;
        }
    }
    if ( port_groups_find_splits(&g, asg, n, "dom0", keep_first, &first) )
    {
        if ( first.n > 1 )
            sim_error("run: %s (and %u more split %s)", first.line,
                      first.n - 1, kind->more);
        else
            sim_error("run: %s", first.line);
        rc = -1;
    }

    port_groups_free(&g);
    dt_report_free(&r);
    return rc;
}
