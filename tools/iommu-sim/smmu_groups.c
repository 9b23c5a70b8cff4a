/*
 * Stream match entry groups (smmu_groups.h): which SMMU masters share a
 * stream match entry, and whether the guests' configurations split such
 * a group across domains.  Reads the tree through a dt_report and the
 * dt_* interface; the sharing rule is the driver's (smmu_smr_covers).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/iommu-sim/dt_report.h"
#include "tools/iommu-sim/iommu_sim.h"
#include "tools/iommu-sim/run_scenario.h"
#include "tools/iommu-sim/smmu_groups.h"
#include "xen/drivers/passthrough/arm/smmu.h"

/* One stream of one master, and the entry it lands in. */
struct sme_use {
    const struct dt_device_node *smmu;
    uint16_t id, mask;               /* the stream */
    uint16_t eid, emask;             /* its entry: the widest cover */
    const struct dt_device_node *master;
    unsigned int master_rank;        /* tree order */
};

static const struct report_smmu *find_smmu(const struct dt_report *r,
                                           const struct dt_device_node *np)
{
    unsigned int i;

    for ( i = 0; i < r->nr_smmus; i++ )
        if ( r->smmus[i].np == np )
            return &r->smmus[i];
    return NULL;
}

/*
 * The stream of ref as the driver programs it; false when the driver
 * would refuse it anyway (more than 16 bits): no entry, no group.
 */
static bool ref_stream(const struct report_ref *ref, uint16_t *id,
                       uint16_t *mask)
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

static unsigned int popcount16(uint16_t v)
{
    return __builtin_popcount(v);
}

/* Every stream of the available masters behind available SMMUs. */
static struct sme_use *collect_uses(const struct dt_report *r,
                                    unsigned int *nr)
{
    struct sme_use *uses;
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
            const struct report_ref *ref = &m->refs[k];
            const struct report_smmu *s;

            if ( ref->kind != REF_SMMU )
                continue;
            s = find_smmu(r, ref->iommu);
            if ( !s || !s->available ||
                 !ref_stream(ref, &uses[n].id, &uses[n].mask) )
                continue;
            uses[n].smmu = ref->iommu;
            uses[n].master = m->np;
            uses[n].master_rank = i;
            n++;
        }
    }
    *nr = n;
    return uses;
}

/*
 * Each stream's entry: of the streams on its SMMU that cover it, the one
 * with the widest mask (then the lowest masked ID), so that every stream
 * under one entry names the same one.
 */
static void find_entries(struct sme_use *uses, unsigned int nr)
{
    unsigned int i, j;

    for ( i = 0; i < nr; i++ )
    {
        uint16_t eid = uses[i].id & ~uses[i].mask, emask = uses[i].mask;

        for ( j = 0; j < nr; j++ )
        {
            uint16_t jid = uses[j].id & ~uses[j].mask;

            if ( uses[j].smmu != uses[i].smmu ||
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
        uses[i].eid = eid;
        uses[i].emask = emask;
    }
}

static int entry_cmp(const void *a, const void *b)
{
    const struct sme_use *x = a, *y = b;

    if ( x->smmu != y->smmu )
        return strcmp(dt_node_full_name(x->smmu),
                      dt_node_full_name(y->smmu));
    if ( x->eid != y->eid )
        return x->eid < y->eid ? -1 : 1;
    if ( x->emask != y->emask )
        return x->emask < y->emask ? -1 : 1;
    if ( x->master_rank != y->master_rank )
        return x->master_rank < y->master_rank ? -1 : 1;
    return 0;
}

static bool same_entry(const struct sme_use *x, const struct sme_use *y)
{
    return x->smmu == y->smmu && x->eid == y->eid && x->emask == y->emask;
}

/* Where a guest's dtdev sends np: the guest's label, or NULL (dom0). */
static const char *destination(const struct dt_device_node *np,
                               const struct run_guest *guests,
                               unsigned int nr_guests,
                               char labels[][RUN_NAME_MAX + 16])
{
    unsigned int i, j;

    for ( i = 0; i < nr_guests && i < RUN_MAX_GUESTS; i++ )
        for ( j = 0; j < guests[i].nr_dtdevs; j++ )
            if ( dt_find_node_by_path(guests[i].dtdevs[j]) == np )
                return labels[i];
    return NULL;
}

/*
 * The entry at uses[first..end) (sorted: masters in tree order, a master
 * once per stream): whether it is split, and if so its line.
 */
static bool entry_split(const struct sme_use *uses, unsigned int first,
                        unsigned int end, const struct run_guest *guests,
                        unsigned int nr_guests,
                        char labels[][RUN_NAME_MAX + 16],
                        char *line, size_t len)
{
    const char *to0 = destination(uses[first].master, guests, nr_guests,
                                  labels);
    bool split = false;
    unsigned int k, masters = 0;
    size_t used;

    for ( k = first; k < end; k++ )
    {
        const char *to = destination(uses[k].master, guests, nr_guests,
                                     labels);

        if ( k == first || uses[k].master != uses[k - 1].master )
            masters++;
        split = split || (to == NULL) != (to0 == NULL) ||
                (to && strcmp(to, to0) != 0);
    }
    if ( masters < 2 || !split )
        return false;

    used = snprintf(line, len, "stream match entry split across domains: "
                    "stream %#x mask 0x%x of %s is one stream match entry "
                    "shared by ", uses[first].eid, uses[first].emask,
                    dt_node_full_name(uses[first].smmu));
    for ( k = first; k < end && used < len; k++ )
    {
        const char *to;

        if ( k > first && uses[k].master == uses[k - 1].master )
            continue;
        to = destination(uses[k].master, guests, nr_guests, labels);
        used += snprintf(line + used, len - used, "%s%s (%s)",
                         k > first ? ", " : "",
                         dt_node_full_name(uses[k].master),
                         to ? to : "dom0");
    }
    if ( used < len )
        snprintf(line + used, len - used, ": masters whose streams share "
                 "one stream match entry must be passed through together, "
                 "to one domain");
    return true;
}

int smmu_groups_check_guests(const struct run_guest *guests,
                             unsigned int nr_guests)
{
    char labels[RUN_MAX_GUESTS][RUN_NAME_MAX + 16];
    char line[1024], first_line[1024];
    struct sme_use *uses;
    struct dt_report r;
    unsigned int i, j, nr = 0, splits = 0;
    char err[256];

    if ( dt_report_build(dt_host, &r, err, sizeof(err)) )
    {
        sim_error("run: malformed device tree: %s", err);
        return -1;
    }
    uses = collect_uses(&r, &nr);
    if ( !uses )
    {
        sim_error("run: out of memory");
        dt_report_free(&r);
        return -1;
    }
    find_entries(uses, nr);
    qsort(uses, nr, sizeof(*uses), entry_cmp);

    for ( i = 0; i < nr_guests && i < RUN_MAX_GUESTS; i++ )
        snprintf(labels[i], sizeof(labels[i]), "guest '%s'",
                 guests[i].name);

    for ( i = 0; i < nr; i = j )
    {
        for ( j = i + 1; j < nr && same_entry(&uses[i], &uses[j]); j++ )
            ;
        if ( entry_split(uses, i, j, guests, nr_guests, labels, line,
                         sizeof(line)) && splits++ == 0 )
            snprintf(first_line, sizeof(first_line), "%s", line);
    }

    if ( splits > 1 )
        sim_error("run: %s (and %u more split entries)", first_line,
                  splits - 1);
    else if ( splits )
        sim_error("run: %s", first_line);

    free(uses);
    dt_report_free(&r);
    return splits ? -1 : 0;
}
