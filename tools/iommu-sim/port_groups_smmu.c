/*
 * The Arm SMMU kind of port groups (port_groups.h): a port is one stream
 * match entry.  A stream is (stream ID, mask) as the driver programs it:
 * <&smmu sid mask>, or <&smmu sid> with the SMMU's stream-match-mask (0
 * when none), or a legacy mmu-masters stream ID (mask 0).  Two streams of
 * one SMMU share an entry when one covers the other (smmu_smr_covers(),
 * the driver's own rule); the entry is named by the widest stream that
 * covers them.  Only streams behind available SMMUs count.  SMMUs are
 * listed by path.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tools/iommu-sim/iommu_sim.h"
#include "tools/iommu-sim/port_groups.h"
#include "xen/drivers/passthrough/arm/smmu.h"

static const struct report_smmu *find_smmu(const struct dt_report *r,
                                           const struct dt_device_node *np)
{
    unsigned int i;

    for ( i = 0; i < r->nr_smmus; i++ )
        if ( r->smmus[i].np == np )
            return &r->smmus[i];
    return NULL;
}

/* The SMMU's place among the report's SMMUs sorted by path. */
static unsigned int smmu_rank(const struct dt_report *r,
                              const struct dt_device_node *np)
{
    const char *name = dt_node_full_name(np);
    unsigned int i, rank = 0;

    for ( i = 0; i < r->nr_smmus; i++ )
        if ( strcmp(dt_node_full_name(r->smmus[i].np), name) < 0 )
            rank++;
    return rank;
}

/*
 * The stream of ref as the driver programs it; false when the driver
 * would refuse it anyway (more than 16 bits): no entry, no group.
 */
static bool ref_stream(const struct report_ref *ref, uint32_t *id,
                       uint32_t *mask)
{
    uint32_t m = 0;

    if ( ref->has_mask )
        m = ref->mask;
    else if ( !ref->legacy )
        dt_property_read_u32(ref->iommu, "stream-match-mask", &m);
    if ( ref->id > 0xffff || m > 0xffff )
        return false;
    *id = ref->id;
    *mask = m;
    return true;
}

static bool sme_take(const struct dt_report *r, const struct report_ref *ref,
                     struct port_use *u)
{
    const struct report_smmu *s;

    if ( ref->kind != REF_SMMU )
        return false;
    s = find_smmu(r, ref->iommu);
    if ( !s || !s->available || !ref_stream(ref, &u->id, &u->mask) )
        return false;
    u->iommu = ref->iommu;
    u->iommu_rank = smmu_rank(r, ref->iommu);
    return true;
}

static unsigned int popcount16(uint16_t v)
{
    return __builtin_popcount(v);
}

/*
 * Each stream's entry: of the streams on its SMMU that cover it, the one
 * with the widest mask (then the lowest masked ID), so that every stream
 * under one entry names the same one.
 */
static void sme_place(struct port_use *uses, unsigned int nr)
{
    unsigned int i, j;

    for ( i = 0; i < nr; i++ )
    {
        uint16_t eid = uses[i].id & ~uses[i].mask, emask = uses[i].mask;

        for ( j = 0; j < nr; j++ )
        {
            uint16_t jid = uses[j].id & ~uses[j].mask;

            if ( uses[j].iommu != uses[i].iommu ||
                 !smmu_smr_covers(uses[j].id, uses[j].mask, uses[i].id,
                                  uses[i].mask) )
                continue;
            if ( popcount16(uses[j].mask) > popcount16(emask) ||
                 (uses[j].mask == emask && jid < eid) )
            {
                eid = jid;
                emask = uses[j].mask;
            }
        }
        uses[i].port_id = eid;
        uses[i].port_mask = emask;
    }
}

static int sme_name(char *buf, size_t len, const struct port_group *grp)
{
    return snprintf(buf, len, "stream %#x mask 0x%x of %s", grp->id,
                    grp->mask, dt_node_full_name(grp->iommu));
}

static void sme_print_text(FILE *out, const struct port_group *grp)
{
    fprintf(out, "%s stream 0x%x mask 0x%x", dt_node_full_name(grp->iommu),
            grp->id, grp->mask);
}

static void sme_print_json(FILE *out, const struct port_group *grp)
{
    fprintf(out, "\"smmu\": ");
    json_string(out, dt_node_full_name(grp->iommu));
    fprintf(out, ", \"stream\": %u, \"mask\": %u", grp->id, grp->mask);
}

const struct port_kind port_kind_sme = {
    .ports = "stream match entries",
    .group = "stream match entry",
    .shared = "one stream match entry",
    .rule = "masters whose streams share one stream match entry must be "
            "passed through together, to one domain",
    .more = "entries",
    .heading = "one entry each: pass its masters through together, to one "
               "domain",
    .json_key = "shared_stream_match_entries",
    .take = sme_take,
    .place = sme_place,
    .name = sme_name,
    .print_text = sme_print_text,
    .print_json = sme_print_json,
};
