/*
 * Collects the IPMMUs, the Arm SMMUs and their masters from an
 * unflattened tree.  Only
 * the dt_* interface reads the tree; nothing here touches the blob.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/iommu-sim/dt_report.h"
#include "tools/iommu-sim/sim_iommu.h"

/* Known IPMMU compatibles and the generation each one means. */
static const struct {
    const char *compat;
    enum ipmmu_gen gen;
} ipmmu_compats[] = {
    { "renesas,ipmmu-vmsa",           IPMMU_GEN2 },
    { "renesas,ipmmu-r8a7795",        IPMMU_GEN3 },
    { "renesas,ipmmu-r8a7796",        IPMMU_GEN3 },
    { "renesas,ipmmu-r8a77961",       IPMMU_GEN3 },
    { "renesas,ipmmu-r8a77965",       IPMMU_GEN3 },
    { "renesas,ipmmu-r8a77970",       IPMMU_GEN3 },
    { "renesas,ipmmu-r8a77980",       IPMMU_GEN3 },
    { "renesas,ipmmu-r8a77990",       IPMMU_GEN3 },
    { "renesas,ipmmu-r8a77995",       IPMMU_GEN3 },
    { "renesas,ipmmu-r8a774a1",       IPMMU_GEN3 },
    { "renesas,ipmmu-r8a774b1",       IPMMU_GEN3 },
    { "renesas,ipmmu-r8a774c0",       IPMMU_GEN3 },
    { "renesas,ipmmu-r8a774e1",       IPMMU_GEN3 },
    { "renesas,ipmmu-r8a779a0",       IPMMU_GEN4 },
    { "renesas,ipmmu-r8a779f0",       IPMMU_GEN4 },
    { "renesas,ipmmu-r8a779g0",       IPMMU_GEN4 },
    { "renesas,ipmmu-r8a779h0",       IPMMU_GEN4 },
    { "renesas,rcar-gen4-ipmmu-vmsa", IPMMU_GEN4 },
};

#define NR_COMPATS (sizeof(ipmmu_compats) / sizeof(ipmmu_compats[0]))

enum ipmmu_gen ipmmu_gen_of_compatible(const char *compat)
{
    unsigned int i;

    for ( i = 0; i < NR_COMPATS; i++ )
        if ( strcmp(ipmmu_compats[i].compat, compat) == 0 )
            return ipmmu_compats[i].gen;
    return IPMMU_GEN_UNKNOWN;
}

const char *ipmmu_gen_name(enum ipmmu_gen gen)
{
    switch ( gen )
    {
    case IPMMU_GEN2: return "gen2";
    case IPMMU_GEN3: return "gen3";
    case IPMMU_GEN4: return "gen4";
    default:         return "unknown";
    }
}

/*
 * An IPMMU is a node with a known IPMMU compatible.  The generation is the
 * most specific one its list names: a Gen4 fallback wins over nothing, a
 * SoC compatible over the generic Gen2 one.
 */
const char *ipmmu_compatible(const struct dt_device_node *np,
                             enum ipmmu_gen *gen)
{
    const char *list, *s, *first = NULL;
    enum ipmmu_gen best = IPMMU_GEN_UNKNOWN;
    uint32_t len;

    list = dt_get_property(np, "compatible", &len);
    if ( list == NULL || len == 0 )
        return NULL;
    for ( s = list; s < list + len; s += strnlen(s, list + len - s) + 1 )
    {
        enum ipmmu_gen g;

        if ( strnlen(s, list + len - s) == (size_t)(list + len - s) )
            break;               /* unterminated last string */
        g = ipmmu_gen_of_compatible(s);
        if ( g == IPMMU_GEN_UNKNOWN )
            continue;
        if ( first == NULL )
            first = s;
        if ( g > best )
            best = g;
    }
    if ( gen )
        *gen = best;
    return first;
}

static int fail(char *err, size_t err_len, const struct dt_device_node *np,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t err_len, const struct dt_device_node *np,
                const char *fmt, ...)
{
    va_list args;
    int n;

    n = snprintf(err, err_len, "%s: ", dt_node_full_name(np));
    if ( n < 0 || (size_t)n >= err_len )
        return -1;
    va_start(args, fmt);
    vsnprintf(err + n, err_len - n, fmt, args);
    va_end(args);
    return -1;
}

static int add_ipmmu(struct dt_report *r, const struct dt_device_node *np,
                     const char *compat, enum ipmmu_gen gen,
                     char *err, size_t err_len)
{
    struct report_ipmmu *ip = &r->ipmmus[r->nr_ipmmus];
    const void *main_prop;
    uint32_t len;
    unsigned int i, n;

    memset(ip, 0, sizeof(*ip));
    ip->np = np;
    ip->gen = gen;
    ip->compatible = compat;
    if ( dt_device_get_address(np, 0, &ip->addr, &ip->size) != 0 )
        return fail(err, err_len, np, "IPMMU without a usable 'reg'");

    main_prop = dt_get_property(np, "renesas,ipmmu-main", &len);
    ip->is_root = main_prop == NULL;
    ip->main_bit = -1;
    if ( main_prop != NULL && len >= 8 )
        ip->main_bit = (int)dt_read_be32((const uint8_t *)main_prop + 4);

    n = dt_number_of_irq(np);
    for ( i = 0; i < n && ip->nr_irqs < 4; i++ )
    {
        int irq = platform_get_irq(np, i);

        if ( irq >= 0 )
            ip->irqs[ip->nr_irqs++] = irq;
    }
    r->nr_ipmmus++;
    return 0;
}

enum report_ref_kind report_ref_kind_of(const struct dt_device_node *np)
{
    if ( ipmmu_compatible(np, NULL) )
        return REF_IPMMU;
    return sim_node_is_smmu(np) ? REF_SMMU : REF_OTHER;
}

/* The SMMU compatibles, the model each names and its architecture. */
static const struct {
    const char *compat, *model;
    unsigned int version;
} smmu_compats[] = {
    { "arm,mmu-500",    "MMU-500",       2 },
    { "arm,smmu-v2",    "SMMUv2",        2 },
    { "cavium,smmu-v2", "Cavium SMMUv2", 2 },
    { "arm,mmu-401",    "MMU-401",       1 },
    { "arm,mmu-400",    "MMU-400",       1 },
    { "arm,smmu-v1",    "SMMUv1",        1 },
};

static int add_smmu(struct dt_report *r, const struct dt_device_node *np,
                    char *err, size_t err_len)
{
    struct report_smmu *s = &r->smmus[r->nr_smmus];
    unsigned int i;

    memset(s, 0, sizeof(*s));
    s->np = np;
    s->available = dt_device_is_available(np);
    for ( i = 0; i < sizeof(smmu_compats) / sizeof(smmu_compats[0]); i++ )
        if ( dt_device_is_compatible(np, smmu_compats[i].compat) )
        {
            s->compatible = smmu_compats[i].compat;
            s->model = smmu_compats[i].model;
            s->version = smmu_compats[i].version;
            break;
        }
    if ( !s->compatible )
        return fail(err, err_len, np, "SMMU without a known compatible");
    if ( dt_device_get_address(np, 0, &s->addr, &s->size) != 0 )
        return fail(err, err_len, np, "SMMU without a usable 'reg'");
    s->legacy = dt_find_property(np, "mmu-masters", NULL) != NULL;
    dt_property_read_u32(np, "#global-interrupts", &s->nr_global_irqs);
    s->nr_irqs = dt_number_of_irq(np);
    r->nr_smmus++;
    return 0;
}

static int add_iommus(struct report_master *m, const struct dt_device_node *np,
                      char *err, size_t err_len)
{
    int count, i;

    if ( dt_find_property(np, "iommus", NULL) == NULL )
        return 0;                /* a PCIe host with iommu-map only */
    count = dt_count_phandle_with_args(np, "iommus", "#iommu-cells");
    if ( count < 0 )
        return fail(err, err_len, np, "unreadable 'iommus' (error %d)",
                    count);
    if ( count == 0 )
        return 0;
    m->refs = calloc(count, sizeof(*m->refs));
    if ( m->refs == NULL )
        return fail(err, err_len, np, "out of memory");
    for ( i = 0; i < count; i++ )
    {
        struct dt_phandle_args args;
        int rc;

        rc = dt_parse_phandle_with_args(np, "iommus", "#iommu-cells", i,
                                        &args);
        if ( rc != 0 )
            return fail(err, err_len, np, "'iommus' entry %d: error %d",
                        i, rc);
        m->refs[i].kind = report_ref_kind_of(args.np);
        if ( m->refs[i].kind == REF_IPMMU && args.args_count != 1 )
            return fail(err, err_len, np,
                        "'iommus' entry %d has %d cells, IPMMUs take 1",
                        i, args.args_count);
        if ( m->refs[i].kind == REF_SMMU &&
             (args.args_count < 1 || args.args_count > 2) )
            return fail(err, err_len, np, "'iommus' entry %d has %d cells, "
                        "an SMMU takes 1 or 2 (stream ID, mask)", i,
                        args.args_count);
        m->refs[i].iommu = args.np;
        m->refs[i].id = args.args_count ? args.args[0] : 0;
        m->refs[i].has_mask = m->refs[i].kind == REF_SMMU &&
                              args.args_count == 2;
        m->refs[i].mask = m->refs[i].has_mask ? args.args[1] : 0;
        m->nr_refs++;
    }
    return 0;
}

/* iommu-map = <rid-base &iommu specifier... length>, repeated. */
static int add_iommu_map(struct report_master *m,
                         const struct dt_device_node *np,
                         char *err, size_t err_len)
{
    const uint8_t *cells;
    uint32_t len, pos = 0, nr_cells;

    cells = dt_get_property(np, "iommu-map", &len);
    if ( cells == NULL )
        return 0;
    if ( len % 4 )
        return fail(err, err_len, np, "'iommu-map' is %u bytes, not cells",
                    len);
    nr_cells = len / 4;
    m->maps = calloc(nr_cells / 4 + 1, sizeof(*m->maps));
    if ( m->maps == NULL )
        return fail(err, err_len, np, "out of memory");
    while ( pos < nr_cells )
    {
        struct report_map *e = &m->maps[m->nr_maps];
        const struct dt_device_node *iommu;
        uint32_t spec_cells;

        if ( nr_cells - pos < 2 )
            return fail(err, err_len, np, "'iommu-map' is truncated");
        e->rid_base = dt_read_be32(cells + 4 * pos);
        iommu = dt_find_node_by_phandle(dt_read_be32(cells + 4 * (pos + 1)));
        if ( iommu == NULL )
            return fail(err, err_len, np,
                        "'iommu-map' names phandle %#x, which no node has",
                        dt_read_be32(cells + 4 * (pos + 1)));
        if ( !dt_property_read_u32(iommu, "#iommu-cells", &spec_cells) )
            return fail(err, err_len, np, "'iommu-map' target %s has no "
                        "#iommu-cells", dt_node_full_name(iommu));
        e->kind = report_ref_kind_of(iommu);
        if ( spec_cells != 1 && e->kind == REF_IPMMU )
            return fail(err, err_len, np, "'iommu-map' target %s has "
                        "#iommu-cells = %u, IPMMUs take 1",
                        dt_node_full_name(iommu), spec_cells);
        if ( nr_cells - pos < 4 )
            return fail(err, err_len, np, "'iommu-map' is truncated");
        e->iommu = iommu;
        e->id_base = dt_read_be32(cells + 4 * (pos + 2));
        e->length = dt_read_be32(cells + 4 * (pos + 3));
        m->nr_maps++;
        pos += 4;
    }
    return 0;
}

static int add_master(struct dt_report *r, const struct dt_device_node *np,
                      char *err, size_t err_len)
{
    struct report_master *m = &r->masters[r->nr_masters];

    memset(m, 0, sizeof(*m));
    m->np = np;
    m->available = dt_device_is_available(np);
    r->nr_masters++;             /* counted now so that free sees it */
    if ( add_iommus(m, np, err, err_len) != 0 )
        return -1;
    return add_iommu_map(m, np, err, err_len);
}

static struct report_master *find_master(struct dt_report *r,
                                         const struct dt_device_node *np)
{
    unsigned int i;

    for ( i = 0; i < r->nr_masters; i++ )
        if ( r->masters[i].np == np )
            return &r->masters[i];
    return NULL;
}

/* The legacy binding: mmu-masters = <&master sid...>, repeated. */
static int add_legacy_masters(struct dt_report *r,
                              const struct report_smmu *s,
                              char *err, size_t err_len)
{
    int i, n = dt_count_phandle_with_args(s->np, "mmu-masters",
                                          "#stream-id-cells");

    if ( n < 0 )
        return fail(err, err_len, s->np, "unreadable 'mmu-masters' (error "
                    "%d): each entry is <&master stream-id...> with the "
                    "master's #stream-id-cells", n);
    for ( i = 0; i < n; i++ )
    {
        struct dt_phandle_args a;
        struct report_master *m;
        struct report_ref *grown;
        int k;

        if ( dt_parse_phandle_with_args(s->np, "mmu-masters",
                                        "#stream-id-cells", i, &a) )
            return fail(err, err_len, s->np, "'mmu-masters' entry %d is "
                        "unreadable", i);
        m = find_master(r, a.np);
        if ( !m )
        {
            m = &r->masters[r->nr_masters++];
            memset(m, 0, sizeof(*m));
            m->np = a.np;
            m->available = dt_device_is_available(a.np);
        }
        grown = realloc(m->refs, (m->nr_refs + a.args_count + 1) *
                                 sizeof(*grown));
        if ( !grown )
            return fail(err, err_len, s->np, "out of memory");
        m->refs = grown;
        for ( k = 0; k < a.args_count; k++ )
        {
            struct report_ref *ref = &m->refs[m->nr_refs++];

            memset(ref, 0, sizeof(*ref));
            ref->iommu = s->np;
            ref->id = a.args[k];
            ref->kind = REF_SMMU;
            ref->legacy = true;
        }
    }
    return 0;
}

int dt_report_build(struct dt_device_node *root, struct dt_report *r,
                    char *err, size_t err_len)
{
    struct dt_device_node *np;
    unsigned int nodes = 0;

    memset(r, 0, sizeof(*r));
    dt_for_each_device_node(root, np)
        nodes++;
    r->nr_nodes = nodes;
    r->ipmmus = calloc(nodes, sizeof(*r->ipmmus));
    r->masters = calloc(nodes, sizeof(*r->masters));
    r->smmus = calloc(nodes, sizeof(*r->smmus));
    if ( r->ipmmus == NULL || r->masters == NULL || r->smmus == NULL )
    {
        dt_report_free(r);
        return fail(err, err_len, root, "out of memory");
    }

    dt_for_each_device_node(root, np)
    {
        enum ipmmu_gen gen;
        const char *compat = ipmmu_compatible(np, &gen);
        int rc = 0;

        if ( compat != NULL )
            rc = add_ipmmu(r, np, compat, gen, err, err_len);
        else if ( sim_node_is_smmu(np) )
            rc = add_smmu(r, np, err, err_len);
        if ( rc == 0 && (dt_find_property(np, "iommus", NULL) != NULL ||
                         dt_find_property(np, "iommu-map", NULL) != NULL) )
            rc = add_master(r, np, err, err_len);
        if ( rc != 0 )
        {
            dt_report_free(r);
            return -1;
        }
    }
    for ( nodes = 0; nodes < r->nr_smmus; nodes++ )
        if ( r->smmus[nodes].legacy &&
             add_legacy_masters(r, &r->smmus[nodes], err, err_len) )
        {
            dt_report_free(r);
            return -1;
        }
    return 0;
}

void dt_report_free(struct dt_report *r)
{
    unsigned int i;

    if ( r->masters != NULL )
        for ( i = 0; i < r->nr_masters; i++ )
        {
            free(r->masters[i].refs);
            free(r->masters[i].maps);
        }
    free(r->masters);
    free(r->ipmmus);
    free(r->smmus);
    memset(r, 0, sizeof(*r));
}
