/*
 * The simulated platform: a device tree turned into RAM, an SoC and the
 * wiring between the SoC and the hosted runtime (MMIO bus, IRQ lines,
 * virtual clock).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include "hosted/clock.h"
#include "hosted/irq.h"
#include "hosted/mmio.h"
#include "hosted/platform.h"
#include "hosted/ram.h"
#include "hosted/platform_smmu.h"
#include "hw/soc.h"

static struct soc *the_soc;

/* SoC -> PRR value, for trees that do not carry renesas,prr-value. */
static const struct {
    const char *compatible;
    uint32_t prr;
} soc_prr_values[] = {
    { "renesas,r8a7795",  0x4f20 },    /* H3 ES3.0 (mainline: ES3 only) */
    { "renesas,r8a77961", 0x5220 },    /* M3-W+ ES3.0 */
    { "renesas,r8a7796",  0x5210 },    /* M3-W ES1.x */
    { "renesas,r8a77965", 0x5500 },    /* M3-N */
    { "renesas,r8a779f0", 0x5a00 },    /* S4 */
    { "renesas,r8a779g0", 0x5c00 },    /* V4H */
};

/* IPMMU compatibles that mean Gen4; any other renesas,ipmmu-* is Gen3. */
static const char *const gen4_ipmmu_compatibles[] = {
    "renesas,rcar-gen4-ipmmu-vmsa",
    "renesas,ipmmu-r8a779f0",
    "renesas,ipmmu-r8a779g0",
    "renesas,ipmmu-r8a779h0",
    "renesas,ipmmu-r8a779a0",
};

struct platform_build {
    struct soc_desc desc;
    struct soc_ipmmu_desc ipmmus[SOC_MAX_IPMMUS];
    struct dt_device_node *ipmmu_nodes[SOC_MAX_IPMMUS];
    struct soc_master_desc *masters;
    struct soc_port_desc *ports;
    unsigned int nr_ports;
    char *err;
    size_t errlen;
};

static uint64_t platform_now(void *opaque)
{
    (void)opaque;
    return hosted_clock_ns();
}

static void platform_raise_irq(void *opaque, unsigned int irq)
{
    (void)opaque;
    if ( !hosted_irq_raise(irq) )
        printk(XENLOG_DEBUG "platform: IRQ %u raised with no handler\n", irq);
}

static void platform_model_log(void *opaque, const char *line)
{
    (void)opaque;
    printk(XENLOG_WARNING "hw: %s\n", line);
}

uint32_t platform_prr_value_for_tree(void)
{
    const struct dt_device_node *prr;
    uint32_t value;
    unsigned int i;

    prr = dt_find_compatible_node(NULL, NULL, "renesas,prr");
    if ( prr && dt_property_read_u32(prr, "renesas,prr-value", &value) )
        return value;
    for ( i = 0; i < ARRAY_SIZE(soc_prr_values); i++ )
        if ( dt_host && dt_device_is_compatible(dt_host,
                                                soc_prr_values[i].compatible) )
            return soc_prr_values[i].prr;
    return 0;
}

static bool node_is_ipmmu(const struct dt_device_node *np)
{
    const struct dt_property *pp = dt_find_property(np, "compatible", NULL);
    const char *s, *end;

    if ( !pp || !dt_find_property(np, "#iommu-cells", NULL) )
        return false;
    s = pp->value;
    end = s + pp->length;
    while ( s < end )
    {
        if ( !strncmp(s, "renesas,ipmmu-", 14) ||
             !strcmp(s, "renesas,rcar-gen4-ipmmu-vmsa") )
            return true;
        s += strnlen(s, (size_t)(end - s)) + 1;
    }
    return false;
}

static enum ipmmu_model_gen node_ipmmu_gen(const struct dt_device_node *np)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(gen4_ipmmu_compatibles); i++ )
        if ( dt_device_is_compatible(np, gen4_ipmmu_compatibles[i]) )
            return IPMMU_MODEL_GEN4;
    return IPMMU_MODEL_GEN3;
}

static int fail(struct platform_build *b, int rc, const char *fmt, ...)
    __printf(3, 4);
static int fail(struct platform_build *b, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(b->err, b->errlen, fmt, ap);
    va_end(ap);
    return rc;
}

static int add_ram_banks(struct platform_build *b)
{
    struct dt_device_node *np;
    unsigned int banks = 0;

    dt_for_each_device_node(dt_host, np)
    {
        unsigned int i, n;

        if ( !np->type || strcmp(np->type, "memory") ||
             !dt_device_is_available(np) )
            continue;
        n = dt_number_of_address(np);
        for ( i = 0; i < n; i++ )
        {
            uint64_t base, size;

            if ( dt_device_get_address(np, i, &base, &size) )
                return fail(b, -EINVAL, "%s: reg entry %u unreadable",
                            dt_node_full_name(np), i);
            if ( !size )
                continue;
            if ( hosted_ram_add_bank(base, size) )
                return fail(b, -EINVAL,
                            "%s: RAM bank %#lx+%#lx rejected (see log)",
                            dt_node_full_name(np), (unsigned long)base,
                            (unsigned long)size);
            banks++;
        }
    }
    if ( !banks )
        return fail(b, -EINVAL, "/memory: the tree declares no RAM");
    return 0;
}

static int find_ipmmu_index(const struct platform_build *b,
                            const struct dt_device_node *np)
{
    unsigned int i;

    for ( i = 0; i < b->desc.nr_ipmmus; i++ )
        if ( b->ipmmu_nodes[i] == np )
            return (int)i;
    return -1;
}

static int collect_ipmmus(struct platform_build *b)
{
    struct dt_device_node *np;
    unsigned int i;

    dt_for_each_device_node(dt_host, np)
    {
        struct soc_ipmmu_desc *d;

        if ( !node_is_ipmmu(np) )
            continue;
        if ( b->desc.nr_ipmmus == SOC_MAX_IPMMUS )
            return fail(b, -E2BIG, "%s: more than %u IPMMUs",
                        dt_node_full_name(np), SOC_MAX_IPMMUS);
        d = &b->ipmmus[b->desc.nr_ipmmus];
        b->ipmmu_nodes[b->desc.nr_ipmmus++] = np;
        d->name = dt_node_full_name(np);
        d->gen = node_ipmmu_gen(np);
        if ( dt_device_get_address(np, 0, &d->base, &d->size) )
            return fail(b, -EINVAL, "%s: no usable reg", d->name);
    }

    /* Link caches to their root (renesas,ipmmu-main) once all are known. */
    for ( i = 0; i < b->desc.nr_ipmmus; i++ )
    {
        struct dt_device_node *main_np;
        struct soc_ipmmu_desc *d = &b->ipmmus[i];
        int irq;

        main_np = dt_parse_phandle(b->ipmmu_nodes[i], "renesas,ipmmu-main", 0);
        if ( main_np )
        {
            d->root = find_ipmmu_index(b, main_np);
            if ( d->root < 0 )
                return fail(b, -EINVAL,
                            "%s: renesas,ipmmu-main points to %s, not an IPMMU",
                            d->name, dt_node_full_name(main_np));
            continue;
        }
        if ( dt_find_property(b->ipmmu_nodes[i], "renesas,ipmmu-main", NULL) )
            return fail(b, -EINVAL, "%s: renesas,ipmmu-main is unreadable",
                        d->name);
        d->root = -1;
        irq = platform_get_irq(b->ipmmu_nodes[i], 0);
        if ( irq < 0 )
            return fail(b, -EINVAL, "%s: the root IPMMU has no interrupt",
                        d->name);
        d->irq = (unsigned int)irq;
    }
    b->desc.ipmmus = b->ipmmus;
    return 0;
}

/* One DMA port per `iommus` entry of every node that has the property. */
static int collect_masters(struct platform_build *b)
{
    struct dt_device_node *np;
    unsigned int nr_masters = 0, nr_ports = 0, mi = 0, pi = 0;

    dt_for_each_device_node(dt_host, np)
    {
        int n = dt_count_phandle_with_args(np, "iommus", "#iommu-cells");

        if ( n > 0 )
        {
            nr_masters++;
            nr_ports += (unsigned int)n;
        }
    }
    b->masters = calloc(nr_masters + 1, sizeof(*b->masters));
    b->ports = calloc(nr_ports + 1, sizeof(*b->ports));
    if ( !b->masters || !b->ports )
        return fail(b, -ENOMEM, "out of host memory");

    dt_for_each_device_node(dt_host, np)
    {
        int i, n = dt_count_phandle_with_args(np, "iommus", "#iommu-cells");
        unsigned int first = pi;

        if ( n <= 0 )
            continue;
        for ( i = 0; i < n; i++ )
        {
            struct dt_phandle_args args;
            int idx;

            if ( dt_parse_phandle_with_args(np, "iommus", "#iommu-cells", i,
                                            &args) )
                return fail(b, -EINVAL, "%s: iommus entry %d unreadable",
                            dt_node_full_name(np), i);
            /* Streams into an Arm SMMU are hosted/platform_smmu.c's. */
            if ( platform_node_is_smmu(args.np) )
                continue;
            idx = find_ipmmu_index(b, args.np);
            /* An IOMMU of another kind (a GPU's own SMMU, say) is not
             * modelled: that master has no DMA port through it. */
            if ( idx < 0 )
                continue;
            if ( args.args_count != 1 )
                return fail(b, -EINVAL,
                            "%s: iommus entry %d is not <&ipmmu uTLB>",
                            dt_node_full_name(np), i);
            b->ports[pi++] = (struct soc_port_desc){ (unsigned int)idx,
                                                     args.args[0] };
        }
        if ( pi == first )
            continue;
        b->masters[mi++] = (struct soc_master_desc){
            dt_node_full_name(np), pi - first, &b->ports[first] };
    }
    b->desc.masters = b->masters;
    b->desc.nr_masters = mi;
    return 0;
}

static int find_prr(struct platform_build *b)
{
    const struct dt_device_node *prr;
    uint64_t size;

    prr = dt_find_compatible_node(NULL, NULL, "renesas,prr");
    if ( !prr )
        return 0;
    if ( dt_device_get_address(prr, 0, &b->desc.prr_base, &size) )
        return fail(b, -EINVAL, "%s: no usable reg", dt_node_full_name(prr));
    b->desc.has_prr = true;
    b->desc.prr_value = platform_prr_value_for_tree();
    return 0;
}

static int register_windows(struct platform_build *b)
{
    unsigned int i;

    for ( i = 0; i < soc_nr_windows(the_soc); i++ )
    {
        const struct soc_window *w = soc_window(the_soc, i);

        if ( hosted_mmio_register(w->base, w->size, w->name, w->read,
                                  w->write, w->opaque) )
            return fail(b, -EINVAL, "%s: MMIO window %#lx+%#lx overlaps",
                        w->name, (unsigned long)w->base,
                        (unsigned long)w->size);
    }
    return 0;
}

int platform_boot(const void *fdt, size_t size, char *err, size_t errlen)
{
    struct platform_build b = { .err = err, .errlen = errlen };
    struct platform_smmus smmus = { 0 };
    struct soc_hooks hooks = {
        .now_ns = platform_now,
        .raise_irq = platform_raise_irq,
        .log = platform_model_log,
    };
    char soc_err[200];
    int rc;

    platform_shutdown();
    rc = dt_host_init(fdt, size);
    if ( rc )
        return fail(&b, rc, "device tree: cannot unflatten (%s)",
                    errno_name(rc));
    b.desc.name = dt_node_full_name(dt_host);
    rc = add_ram_banks(&b);
    if ( !rc )
        rc = find_prr(&b);
    if ( !rc )
        rc = collect_ipmmus(&b);
    if ( !rc )
        rc = collect_masters(&b);
    if ( !rc )
        rc = platform_smmus_collect(&smmus, &b.desc, err, errlen);
    if ( !rc )
    {
        hooks.mem = hosted_phys_mem();
        the_soc = soc_create(&b.desc, &hooks, soc_err, sizeof(soc_err));
        if ( !the_soc )
            rc = fail(&b, -EINVAL, "soc: %s", soc_err);
    }
    if ( !rc )
        rc = register_windows(&b);
    free(b.masters);
    free(b.ports);
    platform_smmus_free(&smmus);
    if ( rc )
        platform_shutdown();
    return rc;
}

void platform_shutdown(void)
{
    hosted_mmio_unregister_all();
    soc_destroy(the_soc);
    the_soc = NULL;
    dt_host_free();
    hosted_ram_reset();
}

struct soc *platform_soc(void)
{
    return the_soc;
}

/* SMMU DMA without a platform: a bad request ('res' may be NULL). */
static int no_soc_for_smmu_dma(struct soc_smmu_dma_result *res)
{
    if ( res )
    {
        memset(res, 0, sizeof(*res));
        res->outcome = SMMU_BAD_REQUEST;
    }
    return -1;
}

int platform_smmu_dma_read(const char *path, unsigned int channel,
                           uint64_t iova, void *buf, size_t len,
                           struct soc_smmu_dma_result *res)
{
    if ( !the_soc )
        return no_soc_for_smmu_dma(res);
    return soc_smmu_dma_read(the_soc, path, channel, iova, buf, len, res);
}

int platform_smmu_dma_write(const char *path, unsigned int channel,
                            uint64_t iova, const void *buf, size_t len,
                            struct soc_smmu_dma_result *res)
{
    if ( !the_soc )
        return no_soc_for_smmu_dma(res);
    return soc_smmu_dma_write(the_soc, path, channel, iova, buf, len, res);
}
