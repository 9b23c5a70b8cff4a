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
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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
 * How many (stream, mask) lookups sme_place() may do for one SMMU: its
 * streams times the distinct masks among them.  Real trees need a few
 * hundred; a hostile one with thousands of streams of distinct masks is
 * refused instead of taking minutes.
 */
#define SME_LOOKUPS_MAX (1U << 22)

/* A stream's entry as it would program it alone, and where it came from. */
struct sme_key {
    const struct dt_device_node *iommu;
    uint16_t mask, eid;
    unsigned int idx;                /* in uses[] */
};

/* The streams of one SMMU that share one mask, in keys[first..end). */
struct mask_run {
    unsigned int first, end, pop;
    uint16_t mask;
};

/* By SMMU, mask, masked ID, then place in uses[]. */
static int key_cmp(const void *a, const void *b)
{
    const struct sme_key *x = a, *y = b;

    if ( x->iommu != y->iommu )
        return x->iommu < y->iommu ? -1 : 1;
    if ( x->mask != y->mask )
        return x->mask < y->mask ? -1 : 1;
    if ( x->eid != y->eid )
        return x->eid < y->eid ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Widest mask first. */
static int run_cmp(const void *a, const void *b)
{
    const struct mask_run *x = a, *y = b;

    if ( x->pop != y->pop )
        return x->pop > y->pop ? -1 : 1;
    return x->mask < y->mask ? -1 : x->mask > y->mask;
}

/* The first key of run r whose masked ID is eid (the lowest place in
 * uses[] among them), or NULL. */
static const struct sme_key *run_find(const struct sme_key *keys,
                                      const struct mask_run *r, uint16_t eid)
{
    unsigned int lo = r->first, hi = r->end;

    while ( lo < hi )
    {
        unsigned int mid = lo + (hi - lo) / 2;

        if ( keys[mid].eid < eid )
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->end && keys[lo].eid == eid ? &keys[lo] : NULL;
}

/*
 * The streams of one SMMU, keys[first..end): each one's entry is, of the
 * streams that cover it, one with the widest mask (the first in uses[]
 * when several masks are as wide); its own when none is wider.
 */
static int place_smmu(struct port_use *uses, const struct sme_key *keys,
                      unsigned int first, unsigned int end, char *why,
                      size_t len)
{
    struct mask_run *runs;
    unsigned int nr_runs = 0, i, k;

    for ( i = first; i < end; i++ )
        nr_runs += i == first || keys[i].mask != keys[i - 1].mask;
    if ( (unsigned long)nr_runs * (end - first) > SME_LOOKUPS_MAX )
    {
        snprintf(why, len, "%s: %u streams with %u different masks: too "
                 "many to work out which share a stream match entry (at "
                 "most %u streams times masks)",
                 dt_node_full_name(keys[first].iommu), end - first, nr_runs,
                 SME_LOOKUPS_MAX);
        return -E2BIG;
    }
    runs = calloc(nr_runs, sizeof(*runs));
    if ( !runs )
    {
        snprintf(why, len, "out of memory");
        return -ENOMEM;
    }
    for ( i = first, k = 0; i < end; i++ )
    {
        if ( i > first && keys[i].mask == keys[i - 1].mask )
            continue;
        runs[k].first = i;
        runs[k].mask = keys[i].mask;
        runs[k].pop = popcount16(keys[i].mask);
        if ( k )
            runs[k - 1].end = i;
        k++;
    }
    runs[k - 1].end = end;
    qsort(runs, nr_runs, sizeof(*runs), run_cmp);

    for ( i = first; i < end; i++ )
    {
        const struct sme_key *me = &keys[i], *best = NULL;
        unsigned int own_pop = popcount16(me->mask), found_pop = 0;
        uint16_t id = uses[me->idx].id;

        for ( k = 0; k < nr_runs && runs[k].pop > own_pop; k++ )
        {
            const struct sme_key *c;

            if ( best && runs[k].pop < found_pop )
                break;
            if ( me->mask & ~runs[k].mask )
                continue;
            /* The lookup finds the candidate; the driver's rule decides. */
            c = run_find(keys, &runs[k], id & ~runs[k].mask);
            if ( c && smmu_smr_covers(c->eid, c->mask, id, me->mask) &&
                 (!best || c->idx < best->idx) )
            {
                best = c;
                found_pop = runs[k].pop;
            }
        }
        if ( !best )
            best = me;
        uses[me->idx].port_id = best->eid;
        uses[me->idx].port_mask = best->mask;
    }
    free(runs);
    return 0;
}

/*
 * Each stream's entry: of the streams on its SMMU that cover it
 * (smmu_smr_covers()), the one with the widest mask, so that every
 * stream under one entry names the same one.  Sorted and looked up per
 * distinct mask, not stream against stream: n log n plus n times the
 * masks, bounded by SME_LOOKUPS_MAX per SMMU.
 */
static int sme_place(struct port_use *uses, unsigned int nr, char *why,
                     size_t len)
{
    struct sme_key *keys;
    unsigned int i, j;
    int rc = 0;

    if ( !nr )
        return 0;
    keys = calloc(nr, sizeof(*keys));
    if ( !keys )
    {
        snprintf(why, len, "out of memory");
        return -ENOMEM;
    }
    for ( i = 0; i < nr; i++ )
    {
        keys[i].iommu = uses[i].iommu;
        keys[i].mask = uses[i].mask;
        keys[i].eid = uses[i].id & ~uses[i].mask;
        keys[i].idx = i;
    }
    qsort(keys, nr, sizeof(*keys), key_cmp);
    for ( i = 0; i < nr && !rc; i = j )
    {
        for ( j = i + 1; j < nr && keys[j].iommu == keys[i].iommu; j++ )
            ;
        rc = place_smmu(uses, keys, i, j, why, len);
    }
    free(keys);
    return rc;
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
