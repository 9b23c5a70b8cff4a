/*
 * The platform's Arm SMMUs, read from the device tree (arm,smmu binding):
 * compatibles, the register window, interrupts (the first
 * #global-interrupts are global fault lines, the rest context lines) and
 * the masters' stream IDs from either binding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/errno.h>
#include <xen/lib.h>
#include "platform_smmu.h"

/* Compatible -> architecture flavour (docs/smmu-model.md, "Platform"). */
static const struct {
    const char *compatible;
    enum smmu_model_flavour flavour;
} smmu_compatibles[] = {
    { "arm,mmu-500",    SMMU_MODEL_MMU500 },
    { "arm,smmu-v2",    SMMU_MODEL_MMU500 },
    { "cavium,smmu-v2", SMMU_MODEL_MMU500 },
    { "arm,mmu-401",    SMMU_MODEL_MMU401 },
    { "arm,mmu-400",    SMMU_MODEL_MMU401 },
    { "arm,smmu-v1",    SMMU_MODEL_MMU401 },
};

static int smmu_flavour_of(const struct dt_device_node *np,
                           enum smmu_model_flavour *f)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(smmu_compatibles); i++ )
        if ( dt_device_is_compatible(np, smmu_compatibles[i].compatible) )
        {
            *f = smmu_compatibles[i].flavour;
            return 0;
        }
    return -1;
}

bool platform_node_is_smmu(const struct dt_device_node *np)
{
    enum smmu_model_flavour f;

    return np && !smmu_flavour_of(np, &f);
}

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
    __printf(4, 5);
static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return rc;
}

static int smmu_index(const struct platform_smmus *ps,
                      const struct dt_device_node *np)
{
    unsigned int i;

    for ( i = 0; i < ps->nr; i++ )
        if ( ps->nodes[i] == np )
            return (int)i;
    return -1;
}

static int read_irqs(struct platform_smmus *ps, unsigned int i, char *err,
                     size_t errlen)
{
    const struct dt_device_node *np = ps->nodes[i];
    struct soc_smmu_desc *d = &ps->smmus[i];
    unsigned int n = dt_number_of_irq(np), k;
    uint32_t nglobal;

    if ( !dt_property_read_u32(np, "#global-interrupts", &nglobal) )
        return fail(err, errlen, -EINVAL,
                    "%s: #global-interrupts is missing (arm,smmu binding)",
                    d->name);
    if ( nglobal > n )
        return fail(err, errlen, -EINVAL,
                    "%s: #global-interrupts = %u but only %u interrupts",
                    d->name, nglobal, n);
    ps->irqs[i] = calloc(n + 1, sizeof(*ps->irqs[i]));
    if ( !ps->irqs[i] )
        return fail(err, errlen, -ENOMEM, "out of host memory");
    for ( k = 0; k < n; k++ )
    {
        int irq = platform_get_irq(np, (int)k);

        if ( irq < 0 )
            return fail(err, errlen, -EINVAL, "%s: interrupt %u unreadable",
                        d->name, k);
        ps->irqs[i][k] = (unsigned int)irq;
    }
    /* A second global line (secure) is not modelled: the first is ours. */
    d->has_global_irq = nglobal > 0;
    d->global_irq = nglobal ? ps->irqs[i][0] : 0;
    d->nr_context_irqs = n - nglobal;
    d->context_irqs = ps->irqs[i] + nglobal;
    return 0;
}

static int collect_smmus(struct platform_smmus *ps, char *err, size_t errlen)
{
    struct dt_device_node *np;

    dt_for_each_device_node(dt_host, np)
    {
        struct soc_smmu_desc *d;
        enum smmu_model_flavour f;
        int rc;

        /* Modelled whatever its status, as the IPMMUs are: the hardware
         * exists when the tree disables it (it stays in reset). */
        if ( smmu_flavour_of(np, &f) )
            continue;
        if ( ps->nr == SOC_MAX_SMMUS )
            return fail(err, errlen, -E2BIG, "%s: more than %u SMMUs",
                        dt_node_full_name(np), SOC_MAX_SMMUS);
        d = &ps->smmus[ps->nr];
        ps->nodes[ps->nr] = np;
        d->name = dt_node_full_name(np);
        d->flavour = f;
        if ( dt_device_get_address(np, 0, &d->base, &d->size) )
            return fail(err, errlen, -EINVAL, "%s: no usable reg", d->name);
        /* Windows too large for 4K pages are laid out in 64K pages. */
        d->page_64k = d->size / (2 * 0x1000) > 256;
        rc = read_irqs(ps, ps->nr, err, errlen);
        ps->nr++;
        if ( rc )
            return rc;
        /* SMMUv2 has one context bank per context interrupt. */
        if ( f == SMMU_MODEL_MMU500 && d->nr_context_irqs > 16 )
            d->nr_cbs = d->nr_context_irqs;
    }
    return 0;
}

/* One stream found in the tree, before grouping by master. */
struct found_stream {
    const struct dt_device_node *master;
    struct soc_stream_desc s;
    bool legacy;
};

struct stream_list {
    struct found_stream *v;
    unsigned int n, cap;
};

static int push(struct stream_list *l, const struct dt_device_node *master,
                unsigned int smmu, uint32_t sid, uint32_t mask, bool legacy)
{
    if ( l->n == l->cap )
    {
        unsigned int cap = l->cap ? 2 * l->cap : 32;
        struct found_stream *v = realloc(l->v, cap * sizeof(*v));

        if ( !v )
            return -ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (struct found_stream){ master, { smmu, sid, mask },
                                          legacy };
    return 0;
}

/* Generic binding: iommus = <&smmu sid [mask]> on the master. */
static int generic_streams(struct platform_smmus *ps, struct stream_list *l,
                           char *err, size_t errlen)
{
    struct dt_device_node *np;

    dt_for_each_device_node(dt_host, np)
    {
        int i, n = dt_count_phandle_with_args(np, "iommus", "#iommu-cells");

        for ( i = 0; i < n; i++ )
        {
            struct dt_phandle_args a;
            int idx;

            if ( dt_parse_phandle_with_args(np, "iommus", "#iommu-cells", i,
                                            &a) )
                return fail(err, errlen, -EINVAL,
                            "%s: iommus entry %d unreadable",
                            dt_node_full_name(np), i);
            if ( !platform_node_is_smmu(a.np) )
                continue;
            idx = smmu_index(ps, a.np);
            if ( idx < 0 )
                return fail(err, errlen, -EINVAL,
                            "%s: iommus entry %d names an SMMU not found",
                            dt_node_full_name(np), i);
            if ( a.args_count < 1 || a.args_count > 2 )
                return fail(err, errlen, -EINVAL,
                            "%s: iommus entry %d is not <&smmu sid [mask]>",
                            dt_node_full_name(np), i);
            if ( push(l, np, (unsigned int)idx, a.args[0],
                      a.args_count == 2 ? a.args[1] : 0, false) )
                return fail(err, errlen, -ENOMEM, "out of host memory");
        }
    }
    return 0;
}

/* Legacy binding: mmu-masters = <&master sid...> on the SMMU node. */
static int legacy_streams(struct platform_smmus *ps, struct stream_list *l,
                          char *err, size_t errlen)
{
    unsigned int s;

    for ( s = 0; s < ps->nr; s++ )
    {
        const struct dt_device_node *np = ps->nodes[s];
        int i, k, n;

        if ( !dt_find_property(np, "mmu-masters", NULL) )
            continue;
        n = dt_count_phandle_with_args(np, "mmu-masters",
                                       "#stream-id-cells");
        if ( n <= 0 )
            return fail(err, errlen, -EINVAL,
                        "%s: mmu-masters unreadable (each master needs "
                        "#stream-id-cells)", dt_node_full_name(np));
        for ( i = 0; i < n; i++ )
        {
            struct dt_phandle_args a;

            if ( dt_parse_phandle_with_args(np, "mmu-masters",
                                            "#stream-id-cells", i, &a) )
                return fail(err, errlen, -EINVAL,
                            "%s: mmu-masters entry %d unreadable",
                            dt_node_full_name(np), i);
            if ( a.args_count < 1 )
                return fail(err, errlen, -EINVAL,
                            "%s: mmu-masters entry %d (%s) has no stream ID",
                            dt_node_full_name(np), i,
                            dt_node_full_name(a.np));
            for ( k = 0; k < a.args_count; k++ )
                if ( push(l, a.np, s, a.args[k], 0, true) )
                    return fail(err, errlen, -ENOMEM, "out of host memory");
        }
    }
    return 0;
}

/* Group the streams by master, in the order masters first appear. */
static int group_streams(struct platform_smmus *ps, const struct stream_list *l,
                         char *err, size_t errlen)
{
    unsigned int i, j, si = 0;
    bool *taken = calloc(l->n + 1, sizeof(*taken));

    ps->masters = calloc(l->n + 1, sizeof(*ps->masters));
    ps->streams = calloc(l->n + 1, sizeof(*ps->streams));
    if ( !taken || !ps->masters || !ps->streams )
    {
        free(taken);
        return fail(err, errlen, -ENOMEM, "out of host memory");
    }
    for ( i = 0; i < l->n; i++ )
    {
        const struct dt_device_node *m = l->v[i].master;
        unsigned int first = si;

        if ( taken[i] )
            continue;
        for ( j = i; j < l->n; j++ )
        {
            if ( taken[j] || l->v[j].master != m )
                continue;
            if ( l->v[j].legacy != l->v[i].legacy )
            {
                free(taken);
                return fail(err, errlen, -EINVAL,
                            "%s: streams from both the iommus and the "
                            "mmu-masters bindings", dt_node_full_name(m));
            }
            taken[j] = true;
            ps->streams[si++] = l->v[j].s;
        }
        ps->masters[ps->nr_masters++] = (struct soc_smmu_master_desc){
            dt_node_full_name(m), si - first, &ps->streams[first] };
    }
    free(taken);
    return 0;
}

int platform_smmus_collect(struct platform_smmus *ps, struct soc_desc *desc,
                           char *err, size_t errlen)
{
    struct stream_list l = { NULL, 0, 0 };
    int rc;

    memset(ps, 0, sizeof(*ps));
    rc = collect_smmus(ps, err, errlen);
    if ( !rc )
        rc = generic_streams(ps, &l, err, errlen);
    if ( !rc )
        rc = legacy_streams(ps, &l, err, errlen);
    if ( !rc )
        rc = group_streams(ps, &l, err, errlen);
    free(l.v);
    if ( rc )
        return rc;
    desc->nr_smmus = ps->nr;
    desc->smmus = ps->smmus;
    desc->nr_smmu_masters = ps->nr_masters;
    desc->smmu_masters = ps->masters;
    return 0;
}

void platform_smmus_free(struct platform_smmus *ps)
{
    unsigned int i;

    for ( i = 0; i < SOC_MAX_SMMUS; i++ )
    {
        free(ps->irqs[i]);
        ps->irqs[i] = NULL;
    }
    free(ps->masters);
    free(ps->streams);
    ps->masters = NULL;
    ps->streams = NULL;
}
