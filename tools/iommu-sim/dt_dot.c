/*
 * The topology as Graphviz (dt_dot.h).  Graph ids are generated ("i3",
 * "u3_17", "m5"), never taken from the tree, so no node name can break
 * the syntax; labels are escaped.
 */
#include <stdbool.h>
#include <string.h>

#include <xen/device_tree.h>
#include "tools/iommu-sim/dt_dot.h"
#include "tools/iommu-sim/dtdev_path.h"
#include "tools/iommu-sim/run_scenario.h"
#include "tools/iommu-sim/port_groups.h"
#include "xen/drivers/passthrough/arm/smmu.h"

/* One fill colour per guest, in config order; dom0 keeps the default. */
static const char *const guest_colours[] = {
    "#8dd3c7", "#fb8072", "#80b1d3", "#fdb462", "#b3de69",
    "#fccde5", "#bc80bd", "#ccebc5", "#ffed6f", "#bebada",
};
#define NR_COLOURS (sizeof(guest_colours) / sizeof(guest_colours[0]))

static void dot_string(FILE *out, const char *s)
{
    fputc('"', out);
    for ( ; *s; s++ )
    {
        if ( *s == '\n' )
            fputs("\\n", out);
        else if ( *s == '"' || *s == '\\' )
            fprintf(out, "\\%c", *s);
        else
            fputc((unsigned char)*s >= ' ' ? *s : '?', out);
    }
    fputc('"', out);
}

static int ipmmu_index(const struct dt_report *r,
                       const struct dt_device_node *np)
{
    unsigned int i;

    for ( i = 0; i < r->nr_ipmmus; i++ )
        if ( r->ipmmus[i].np == np )
            return (int)i;
    return -1;
}

/* How a port several masters share is drawn. */
#define SHARED_PORT ", style=filled, fillcolor=\"#ff4040\", penwidth=3"

/* Whether uTLB 'id' of IPMMU 'ipmmu' is one port of several masters. */
static bool utlb_is_shared(const struct dt_report *r,
                           const struct port_groups *g, unsigned int ipmmu,
                           uint32_t id)
{
    unsigned int i;

    for ( i = 0; i < g->nr; i++ )
        if ( g->groups[i].id == id &&
             g->groups[i].iommu == r->ipmmus[ipmmu].np )
            return true;
    return false;
}

/* The guest whose dtdev list holds 'np', or -1 (dom0). */
static int owner_of(const struct dt_device_node *np,
                    const struct dt_device_node *const *dev_nodes,
                    const int *dev_guest, unsigned int nr_devs)
{
    unsigned int i;

    for ( i = 0; i < nr_devs; i++ )
        if ( dev_nodes[i] == np )
            return dev_guest[i];
    return -1;
}

/*
 * A run of consecutive uTLBs of one IPMMU (a multi-channel master's) is
 * one node "uTLB 0-15"; the graph is strict, so a node or edge printed
 * twice is drawn once.
 */
static void print_utlbs(FILE *out, const struct dt_report *r,
                        const struct port_groups *g, unsigned int master,
                        unsigned int ip, uint32_t first, uint32_t last,
                        const char *edge_attrs)
{
    bool shared = false;
    uint32_t id;

    for ( id = first; ; id++ )
    {
        shared = shared || utlb_is_shared(r, g, ip, id);
        if ( id == last )
            break;
    }
    fprintf(out, "  u%u_%u_%u [shape=ellipse, label=\"uTLB %u", ip, first,
            last, first);
    if ( last != first )
        fprintf(out, "-%u", last);
    fprintf(out, "\"%s];\n", shared ? SHARED_PORT : "");
    fprintf(out, "  u%u_%u_%u -> i%u;\n", ip, first, last, ip);
    fprintf(out, "  m%u -> u%u_%u_%u%s;\n", master, ip, first, last,
            edge_attrs);
}

static int smmu_index(const struct dt_report *r,
                      const struct dt_device_node *np)
{
    unsigned int i;

    for ( i = 0; i < r->nr_smmus; i++ )
        if ( r->smmus[i].np == np )
            return (int)i;
    return -1;
}

/* SMMUs: one bold box each, streams in front of it like uTLBs. */
static void print_smmus(FILE *out, const struct dt_report *r)
{
    unsigned int i;

    for ( i = 0; i < r->nr_smmus; i++ )
    {
        const struct report_smmu *sm = &r->smmus[i];
        char label[200];

        snprintf(label, sizeof(label), "%s\n%s (SMMUv%u)%s",
                 dt_node_full_name(sm->np), sm->model, sm->version,
                 sm->available ? "" : "\n(disabled)");
        fprintf(out, "  s%u [shape=box, style=\"filled,bold\", "
                "fillcolor=\"#9ecae1\", label=", i);
        dot_string(out, label);
        fprintf(out, "];\n");
    }
}

/*
 * Whether a stream ID of 'master' in [first, last] on 'smmu' lands in a
 * stream match entry that other masters share (a group of g whose port
 * covers it and whose masters include this one).
 */
static bool stream_is_shared(const struct port_groups *g,
                             const struct dt_device_node *master,
                             const struct dt_device_node *smmu,
                             uint32_t first, uint32_t last)
{
    unsigned int i, k;
    uint32_t id;

    for ( i = 0; i < g->nr; i++ )
    {
        const struct port_group *grp = &g->groups[i];

        if ( grp->iommu != smmu )
            continue;
        for ( k = 0; k < grp->nr_masters && grp->masters[k] != master; k++ )
            ;
        if ( k == grp->nr_masters )
            continue;
        for ( id = first; id <= last && id <= 0xffff; id++ )
            if ( smmu_smr_covers(grp->id, grp->mask, id, 0) )
                return true;
    }
    return false;
}

/* A run of consecutive stream IDs of one master on one SMMU. */
static void print_streams(FILE *out, unsigned int master, unsigned int sm,
                          const struct report_ref *first, uint32_t last,
                          bool shared, const char *edge_attrs)
{
    fprintf(out, "  t%u_%u_%u [shape=ellipse, label=\"stream 0x%x", sm,
            first->id, last, first->id);
    if ( last != first->id )
        fprintf(out, "-0x%x", last);
    if ( first->has_mask )
        fprintf(out, " mask 0x%x", first->mask);
    fprintf(out, "\"%s];\n  t%u_%u_%u -> s%u;\n", shared ? SHARED_PORT : "",
            sm, first->id, last, sm);
    fprintf(out, "  m%u -> t%u_%u_%u%s;\n", master, sm, first->id, last,
            edge_attrs);
}

static void print_ipmmus(FILE *out, const struct dt_report *r)
{
    unsigned int i;

    for ( i = 0; i < r->nr_ipmmus; i++ )
    {
        const struct report_ipmmu *ip = &r->ipmmus[i];
        char label[200];
        int main_idx;

        snprintf(label, sizeof(label), "%s\n%s %s", dt_node_full_name(ip->np),
                 ip->is_root ? "root" : "cache", ipmmu_gen_name(ip->gen));
        fprintf(out, "  i%u [shape=box, %slabel=", i, ip->is_root
                ? "style=\"filled,bold\", fillcolor=\"#f4c430\", " : "");
        dot_string(out, label);
        fprintf(out, "];\n");
        if ( ip->is_root )
            continue;
        main_idx = ipmmu_index(r, dt_parse_phandle(ip->np,
                                                   "renesas,ipmmu-main", 0));
        if ( main_idx >= 0 )
            fprintf(out, "  i%u -> i%d [style=bold];\n", i, main_idx);
    }
}

int dt_dot_print(FILE *out, const char *label, const struct dt_report *r,
                 const struct run_guest *guests, unsigned int nr_guests,
                 char *err, size_t errlen)
{
    const struct dt_device_node *dev_nodes[RUN_MAX_GUESTS * RUN_MAX_DTDEVS];
    int dev_guest[RUN_MAX_GUESTS * RUN_MAX_DTDEVS];
    struct port_groups groups, smes;
    unsigned int i, k, nr_devs = 0;

    for ( i = 0; i < nr_guests; i++ )
        for ( k = 0; k < guests[i].nr_dtdevs; k++ )
        {
            struct dt_device_node *np;

            if ( dtdev_resolve(guests[i].dtdevs[k], &np, err, errlen) )
            {
                size_t n = strlen(err);

                snprintf(err + n, errlen - n, " (%s)", guests[i].source);
                return -1;
            }
            dev_nodes[nr_devs] = np;
            dev_guest[nr_devs++] = (int)i;
        }
    if ( port_groups_build(&port_kind_utlb, r, &groups) )
    {
        snprintf(err, errlen, "%s: cannot group uTLBs: %s", label,
                 groups.why);
        return -1;
    }
    if ( port_groups_build(&port_kind_sme, r, &smes) )
    {
        snprintf(err, errlen, "%s: cannot group stream match entries: %s",
                 label, smes.why);
        port_groups_free(&groups);
        return -1;
    }
    fprintf(out, "strict digraph ipmmu {\n  rankdir=LR;\n  label=");
    dot_string(out, label);
    fprintf(out, ";\n  node [fontname=\"Helvetica\", fontsize=10];\n");
    print_ipmmus(out, r);
    print_smmus(out, r);
    for ( i = 0; i < r->nr_masters; i++ )
    {
        const struct report_master *m = &r->masters[i];
        int g = owner_of(m->np, dev_nodes, dev_guest, nr_devs);
        char mlabel[300];

        snprintf(mlabel, sizeof(mlabel), "%s%s%s%s",
                 dt_node_full_name(m->np), m->available ? "" : "\n(disabled)",
                 g >= 0 ? "\nguest " : "", g >= 0 ? guests[g].name : "");
        fprintf(out, "  m%u [shape=component, style=filled, fillcolor=\"%s\""
                ", label=", i, g >= 0 ? guest_colours[g % NR_COLOURS]
                                      : "#e0e0e0");
        dot_string(out, mlabel);
        fprintf(out, "];\n");
        for ( k = 0; k < m->nr_refs; )
        {
            int ip = ipmmu_index(r, m->refs[k].iommu);
            int sm = smmu_index(r, m->refs[k].iommu);
            unsigned int e = k;

            while ( e + 1 < m->nr_refs &&
                    m->refs[e + 1].iommu == m->refs[k].iommu &&
                    !m->refs[e].has_mask && !m->refs[e + 1].has_mask &&
                    m->refs[e + 1].id == m->refs[e].id + 1 )
                e++;
            if ( sm >= 0 )
                print_streams(out, i, sm, &m->refs[k], m->refs[e].id,
                              stream_is_shared(&smes, m->np,
                                               m->refs[k].iommu,
                                               m->refs[k].id, m->refs[e].id),
                              "");
            else if ( ip >= 0 )
                print_utlbs(out, r, &groups, i, ip, m->refs[k].id,
                            m->refs[e].id, "");
            k = e + 1;
        }
        for ( k = 0; k < m->nr_maps; k++ )
        {
            int ip = ipmmu_index(r, m->maps[k].iommu);
            int sm = smmu_index(r, m->maps[k].iommu);
            char attrs[64];

            snprintf(attrs, sizeof(attrs), " [style=dashed, label=\"rid "
                     "%#x\"]", m->maps[k].rid_base);
            if ( sm >= 0 )
            {
                struct report_ref f = { .iommu = m->maps[k].iommu,
                                        .id = m->maps[k].id_base,
                                        .kind = REF_SMMU };

                print_streams(out, i, sm, &f, f.id, false, attrs);
                continue;
            }
            if ( ip < 0 )
                continue;
            print_utlbs(out, r, &groups, i, ip, m->maps[k].id_base,
                        m->maps[k].id_base, attrs);
        }
    }
    fprintf(out, "}\n");
    port_groups_free(&groups);
    port_groups_free(&smes);
    return 0;
}
