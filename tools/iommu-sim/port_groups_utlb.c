/*
 * The IPMMU kind of port groups (port_groups.h): a port is one uTLB of
 * one IPMMU, named by the uTLB number of an `iommus` entry.  IPMMUs are
 * listed in the report's order.
 */
#include <stdbool.h>
#include <stdio.h>

#include "tools/iommu-sim/iommu_sim.h"
#include "tools/iommu-sim/port_groups.h"

static unsigned int ipmmu_rank(const struct dt_report *r,
                               const struct dt_device_node *np)
{
    unsigned int i;

    for ( i = 0; i < r->nr_ipmmus; i++ )
        if ( r->ipmmus[i].np == np )
            return i;
    return r->nr_ipmmus;
}

/*
 * IPMMU entries only: what an IOMMU the simulator does not model means by
 * its cells is unknown, and no domain gets a master behind it.
 */
static bool utlb_take(const struct dt_report *r, const struct report_ref *ref,
                      struct port_use *u)
{
    if ( ref->kind != REF_IPMMU )
        return false;
    u->iommu = ref->iommu;
    u->iommu_rank = ipmmu_rank(r, ref->iommu);
    u->id = ref->id;
    u->mask = 0;
    return true;
}

/* A uTLB is its own port. */
static int utlb_place(struct port_use *uses, unsigned int nr, char *why,
                      size_t len)
{
    unsigned int i;

    (void)why;
    (void)len;
    for ( i = 0; i < nr; i++ )
    {
        uses[i].port_id = uses[i].id;
        uses[i].port_mask = 0;
    }
    return 0;
}

static int utlb_name(char *buf, size_t len, const struct port_group *grp)
{
    return snprintf(buf, len, "uTLB %u of %s", grp->id,
                    dt_node_full_name(grp->iommu));
}

static void utlb_print_text(FILE *out, const struct port_group *grp)
{
    fprintf(out, "%s utlb %u", dt_node_full_name(grp->iommu), grp->id);
}

static void utlb_print_json(FILE *out, const struct port_group *grp)
{
    fprintf(out, "\"ipmmu\": ");
    json_string(out, dt_node_full_name(grp->iommu));
    fprintf(out, ", \"utlb\": %u", grp->id);
}

const struct port_kind port_kind_utlb = {
    .ports = "uTLBs",
    .group = "uTLB group",
    .shared = "one port",
    .rule = "masters behind one uTLB must be passed through together, "
            "to one domain",
    .more = "groups",
    .heading = "one port each: pass its masters through together, to one "
               "domain",
    .json_key = "shared_utlbs",
    .take = utlb_take,
    .place = utlb_place,
    .name = utlb_name,
    .print_text = utlb_print_text,
    .print_json = utlb_print_json,
};
