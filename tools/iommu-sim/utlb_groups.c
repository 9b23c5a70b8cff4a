/*
 * uTLB groups (utlb_groups.h): which masters share a uTLB, and whether a
 * set of assignments splits such a group across domains.  Reads the tree
 * only through a dt_report and the dt_* interface.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/iommu-sim/iommu_sim.h"
#include "tools/iommu-sim/run_scenario.h"
#include "tools/iommu-sim/utlb_groups.h"

/* One (IPMMU, uTLB, master) reference, a master counted once per uTLB. */
struct utlb_use {
    unsigned int ipmmu_rank;         /* the IPMMU's index in the report */
    const struct dt_device_node *ipmmu;
    uint32_t utlb;
    const struct dt_device_node *master;
};

static unsigned int ipmmu_rank(const struct dt_report *r,
                               const struct dt_device_node *np)
{
    unsigned int i;

    for ( i = 0; i < r->nr_ipmmus; i++ )
        if ( r->ipmmus[i].np == np )
            return i;
    return r->nr_ipmmus;
}

static int use_cmp(const void *a, const void *b)
{
    const struct utlb_use *x = a, *y = b;

    if ( x->ipmmu_rank != y->ipmmu_rank )
        return x->ipmmu_rank < y->ipmmu_rank ? -1 : 1;
    if ( x->ipmmu != y->ipmmu )      /* IPMMUs the report does not know */
        return x->ipmmu < y->ipmmu ? -1 : 1;
    if ( x->utlb != y->utlb )
        return x->utlb < y->utlb ? -1 : 1;
    return 0;                        /* qsort is not stable: see below */
}

/* Every reference of the available masters, each (uTLB, master) once. */
static struct utlb_use *collect_uses(const struct dt_report *r,
                                     unsigned int *nr)
{
    struct utlb_use *uses;
    unsigned int i, k, j, n = 0, total = 0;

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
            bool seen = m->refs[k].kind == REF_SMMU;   /* streams */

            for ( j = 0; j < k && !seen; j++ )
                seen = m->refs[j].iommu == m->refs[k].iommu &&
                       m->refs[j].id == m->refs[k].id;
            if ( seen )
                continue;
            uses[n].ipmmu_rank = ipmmu_rank(r, m->refs[k].iommu);
            uses[n].ipmmu = m->refs[k].iommu;
            uses[n].utlb = m->refs[k].id;
            uses[n].master = m->np;
            n++;
        }
    }
    *nr = n;
    return uses;
}

static int add_group(struct utlb_groups *g, const struct utlb_use *first,
                     unsigned int count, const struct dt_report *r)
{
    struct utlb_group *grown, *grp;
    unsigned int i, k, n = 0;

    grown = realloc(g->groups, (g->nr + 1) * sizeof(*grown));
    if ( !grown )
        return -1;
    g->groups = grown;
    grp = &g->groups[g->nr];
    grp->ipmmu = first->ipmmu;
    grp->utlb = first->utlb;
    grp->masters = calloc(count, sizeof(*grp->masters));
    if ( !grp->masters )
        return -1;
    /* Tree order (the report's), whatever order the sort left. */
    for ( i = 0; i < r->nr_masters; i++ )
        for ( k = 0; k < count; k++ )
            if ( first[k].master == r->masters[i].np )
            {
                grp->masters[n++] = first[k].master;
                break;
            }
    grp->nr_masters = n;
    g->nr++;
    return 0;
}

int utlb_groups_build(const struct dt_report *r, struct utlb_groups *g)
{
    struct utlb_use *uses;
    unsigned int nr = 0, i, j;

    memset(g, 0, sizeof(*g));
    uses = collect_uses(r, &nr);
    if ( !uses )
        return -1;
    qsort(uses, nr, sizeof(*uses), use_cmp);

    for ( i = 0; i < nr; i = j )
    {
        for ( j = i + 1; j < nr && use_cmp(&uses[i], &uses[j]) == 0; j++ )
            ;
        if ( j - i > 1 && add_group(g, &uses[i], j - i, r) )
        {
            free(uses);
            utlb_groups_free(g);
            return -1;
        }
    }
    free(uses);
    return 0;
}

void utlb_groups_free(struct utlb_groups *g)
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
                               const struct utlb_assignment *asg,
                               unsigned int nr_asg)
{
    unsigned int i;

    for ( i = 0; i < nr_asg; i++ )
        if ( asg[i].path && dt_find_node_by_path(asg[i].path) == np )
            return asg[i].domain;
    return NULL;
}

unsigned int utlb_groups_find_splits(const struct utlb_groups *g,
                                     const struct utlb_assignment *asg,
                                     unsigned int nr_asg,
                                     const char *unlisted,
                                     void (*report)(const char *line,
                                                    void *arg),
                                     void *arg)
{
    unsigned int i, k, splits = 0;
    char line[1024];

    for ( i = 0; i < g->nr; i++ )
    {
        const struct utlb_group *grp = &g->groups[i];
        const char *first = destination(grp->masters[0], asg, nr_asg);
        bool split = false;
        size_t used;

        for ( k = 1; k < grp->nr_masters && !split; k++ )
        {
            const char *to = destination(grp->masters[k], asg, nr_asg);

            split = (to == NULL) != (first == NULL) ||
                    (to && strcmp(to, first) != 0);
        }
        if ( !split )
            continue;

        splits++;
        used = snprintf(line, sizeof(line), "uTLB group split across "
                        "domains: uTLB %u of %s is one port shared by ",
                        grp->utlb, dt_node_full_name(grp->ipmmu));
        for ( k = 0; k < grp->nr_masters && used < sizeof(line); k++ )
        {
            const char *to = destination(grp->masters[k], asg, nr_asg);

            used += snprintf(line + used, sizeof(line) - used, "%s%s (%s)",
                             k ? ", " : "",
                             dt_node_full_name(grp->masters[k]),
                             to ? to : unlisted);
        }
        if ( used < sizeof(line) )
            snprintf(line + used, sizeof(line) - used, ": masters behind "
                     "one uTLB must be passed through together, to one "
                     "domain");
        if ( report )
            report(line, arg);
    }
    return splits;
}

/* ---- Output of 'iommu-sim dt' ---- */

void utlb_groups_print_text(FILE *out, const struct utlb_groups *g)
{
    unsigned int i, k;

    if ( !g->nr )
    {
        fprintf(out, "shared uTLBs: none\n");
        return;
    }
    fprintf(out, "shared uTLBs (one port each: pass its masters through "
            "together, to one domain):\n");
    for ( i = 0; i < g->nr; i++ )
    {
        fprintf(out, "  %s utlb %u:", dt_node_full_name(g->groups[i].ipmmu),
                g->groups[i].utlb);
        for ( k = 0; k < g->groups[i].nr_masters; k++ )
            fprintf(out, "%s %s", k ? "," : "",
                    dt_node_full_name(g->groups[i].masters[k]));
        fprintf(out, "\n");
    }
}

void utlb_groups_print_json(FILE *out, const struct utlb_groups *g)
{
    unsigned int i, k;

    fprintf(out, "[");
    for ( i = 0; i < g->nr; i++ )
    {
        fprintf(out, "%s\n  {\"ipmmu\": ", i ? "," : "");
        json_string(out, dt_node_full_name(g->groups[i].ipmmu));
        fprintf(out, ", \"utlb\": %u, \"masters\": [", g->groups[i].utlb);
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
    char line[1024];
    unsigned int n;
};

static void keep_first(const char *line, void *arg)
{
    struct first_split *f = arg;

    if ( f->n++ == 0 )
        snprintf(f->line, sizeof(f->line), "%s", line);
}

int utlb_groups_check_guests(const struct run_guest *guests,
                             unsigned int nr_guests)
{
    struct utlb_assignment asg[RUN_MAX_DTDEVS * RUN_MAX_GUESTS];
    char labels[RUN_MAX_GUESTS][RUN_NAME_MAX + 16];
    struct first_split first = { .n = 0 };
    struct utlb_groups g;
    struct dt_report r;
    unsigned int i, j, n = 0;
    char err[256];
    int rc = 0;

    if ( dt_report_build(dt_host, &r, err, sizeof(err)) )
    {
        sim_error("run: malformed device tree: %s", err);
        return -1;
    }
    if ( utlb_groups_build(&r, &g) )
    {
        sim_error("run: out of memory");
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
    if ( utlb_groups_find_splits(&g, asg, n, "dom0", keep_first, &first) )
    {
        if ( first.n > 1 )
            sim_error("run: %s (and %u more split groups)", first.line,
                      first.n - 1);
        else
            sim_error("run: %s", first.line);
        rc = -1;
    }

    utlb_groups_free(&g);
    dt_report_free(&r);
    return rc;
}
