/* A simulated SoC assembled from its description. */
#include "hw/soc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/prr.h"
#include "hw/soc_smmu.h"

struct soc_master {
    char *path;
    unsigned int nr_ports;
    struct soc_port_desc *ports;
};

struct soc {
    char *name;
    struct phys_mem *mem;
    struct prr_model prr;
    unsigned int nr_ipmmus;
    struct ipmmu_model *ipmmus[SOC_MAX_IPMMUS];
    char *ipmmu_names[SOC_MAX_IPMMUS];
    unsigned int nr_windows;
    struct soc_window windows[SOC_MAX_IPMMUS + SOC_MAX_SMMUS + 1];
    struct soc_smmus *smmus;
    unsigned int nr_masters;
    struct soc_master *masters;
    struct soc_master_desc *master_descs;   /* views for soc_master() */
    int root;
};

void soc_say(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if ( !err || !errlen )
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

bool soc_windows_overlap(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz)
{
    return a < b + bsz && b < a + asz;
}

/* Check the description as a whole before building anything. */
static bool soc_desc_valid(const struct soc_desc *desc, char *err,
                           size_t errlen)
{
    unsigned int i, j, roots = 0;

    if ( desc->nr_ipmmus > SOC_MAX_IPMMUS )
        return soc_say(err, errlen, "%u IPMMUs: at most %u supported",
                       desc->nr_ipmmus, SOC_MAX_IPMMUS), false;
    for ( i = 0; i < desc->nr_ipmmus; i++ )
    {
        const struct soc_ipmmu_desc *d = &desc->ipmmus[i];
        const struct soc_ipmmu_desc *r;

        if ( d->root < 0 )
        {
            roots++;
            continue;
        }
        if ( (unsigned int)d->root >= desc->nr_ipmmus )
            return soc_say(err, errlen, "%s: its root is not an IPMMU",
                           d->name), false;
        r = &desc->ipmmus[d->root];
        if ( r->root >= 0 )
            return soc_say(err, errlen, "%s: its root %s is itself a cache",
                           d->name, r->name), false;
        if ( r->gen != d->gen )
            return soc_say(err, errlen, "%s: generation differs from root %s",
                           d->name, r->name), false;
    }
    if ( !soc_smmus_valid(desc, err, errlen) )
        return false;
    if ( desc->nr_ipmmus && roots != 1 )
        return soc_say(err, errlen, "%u root IPMMUs: exactly one needed",
                       roots), false;
    for ( i = 0; i < desc->nr_ipmmus; i++ )
        for ( j = i + 1; j < desc->nr_ipmmus; j++ )
            if ( soc_windows_overlap(desc->ipmmus[i].base,
                                     desc->ipmmus[i].size,
                                     desc->ipmmus[j].base,
                                     desc->ipmmus[j].size) )
                return soc_say(err, errlen, "%s and %s overlap",
                               desc->ipmmus[i].name, desc->ipmmus[j].name),
                       false;
    for ( i = 0; i < desc->nr_masters; i++ )
    {
        const struct soc_master_desc *m = &desc->masters[i];

        if ( m->nr_ports > SOC_MAX_PORTS )
            return soc_say(err, errlen, "%s: %u DMA ports, at most %u",
                           m->path, m->nr_ports, SOC_MAX_PORTS), false;
        for ( j = 0; j < m->nr_ports; j++ )
        {
            const struct soc_port_desc *p = &m->ports[j];
            const struct ipmmu_model_layout *l;

            if ( p->ipmmu >= desc->nr_ipmmus )
                return soc_say(err, errlen, "%s: port %u names no IPMMU",
                               m->path, j), false;
            l = ipmmu_model_gen_layout(desc->ipmmus[p->ipmmu].gen);
            if ( p->utlb >= l->nr_utlbs )
                return soc_say(err, errlen,
                               "%s: uTLB %u does not exist in %s (%u uTLBs)",
                               m->path, p->utlb, desc->ipmmus[p->ipmmu].name,
                               l->nr_utlbs), false;
        }
    }
    return true;
}

static int create_ipmmu(struct soc *soc, const struct soc_desc *desc,
                        const struct soc_hooks *hooks, unsigned int i,
                        char *err, size_t errlen)
{
    const struct soc_ipmmu_desc *d = &desc->ipmmus[i];
    struct ipmmu_model_config cfg = {
        .gen = d->gen,
        .mem = hooks->mem,
        .now_ns = hooks->now_ns,
        .clock_opaque = hooks->clock_opaque,
        .raise_irq = hooks->raise_irq,
        .irq_opaque = hooks->irq_opaque,
        .irq_line = d->irq,
        .flush_delay_ns = hooks->flush_delay_ns,
        .log = hooks->log,
        .log_opaque = hooks->log_opaque,
    };
    const char *why = "out of memory";

    soc->ipmmu_names[i] = strdup(d->name ? d->name : "ipmmu");
    if ( !soc->ipmmu_names[i] )
        return soc_say(err, errlen, "out of host memory"), -1;
    cfg.name = soc->ipmmu_names[i];
    cfg.root = d->root >= 0 ? soc->ipmmus[d->root] : NULL;
    soc->ipmmus[i] = ipmmu_model_create(&cfg, &why);
    if ( !soc->ipmmus[i] )
        return soc_say(err, errlen, "%s: %s", d->name, why), -1;
    soc->windows[soc->nr_windows++] = (struct soc_window){
        .name = soc->ipmmu_names[i],
        .base = d->base,
        .size = d->size,
        .read = ipmmu_model_mmio_read,
        .write = ipmmu_model_mmio_write,
        .opaque = soc->ipmmus[i],
    };
    return 0;
}

static int copy_masters(struct soc *soc, const struct soc_desc *desc)
{
    unsigned int i;

    soc->masters = calloc(desc->nr_masters + 1, sizeof(*soc->masters));
    soc->master_descs = calloc(desc->nr_masters + 1,
                               sizeof(*soc->master_descs));
    if ( !soc->masters || !soc->master_descs )
        return -1;
    for ( i = 0; i < desc->nr_masters; i++ )
    {
        const struct soc_master_desc *m = &desc->masters[i];
        struct soc_master *sm = &soc->masters[i];

        sm->path = strdup(m->path);
        sm->ports = calloc(m->nr_ports + 1, sizeof(*sm->ports));
        if ( !sm->path || !sm->ports )
            return -1;
        memcpy(sm->ports, m->ports, m->nr_ports * sizeof(*sm->ports));
        sm->nr_ports = m->nr_ports;
        soc->nr_masters++;
        soc->master_descs[i] = (struct soc_master_desc){
            sm->path, sm->nr_ports, sm->ports };
    }
    return 0;
}

struct soc *soc_create(const struct soc_desc *desc,
                       const struct soc_hooks *hooks, char *err,
                       size_t errlen)
{
    struct soc *soc;
    unsigned int i, pass;

    if ( !hooks || !hooks->mem )
        return soc_say(err, errlen, "no memory for the SoC"), NULL;
    if ( !soc_desc_valid(desc, err, errlen) )
        return NULL;
    soc = calloc(1, sizeof(*soc));
    if ( !soc )
        return soc_say(err, errlen, "out of host memory"), NULL;
    soc->mem = hooks->mem;
    soc->root = -1;
    soc->name = strdup(desc->name ? desc->name : "soc");
    if ( !soc->name )
        goto oom;

    if ( desc->has_prr )
    {
        prr_model_init(&soc->prr, desc->prr_value);
        soc->windows[soc->nr_windows++] = (struct soc_window){
            "prr", desc->prr_base, 4, prr_model_read, prr_model_write,
            &soc->prr };
    }

    /* The root first: caches link to it at creation. */
    soc->nr_ipmmus = desc->nr_ipmmus;
    for ( pass = 0; pass < 2; pass++ )
        for ( i = 0; i < desc->nr_ipmmus; i++ )
        {
            bool is_root = desc->ipmmus[i].root < 0;

            if ( is_root != (pass == 0) )
                continue;
            if ( is_root )
                soc->root = (int)i;
            if ( create_ipmmu(soc, desc, hooks, i, err, errlen) )
            {
                soc_destroy(soc);
                return NULL;
            }
        }

    soc->smmus = soc_smmus_create(desc, hooks, err, errlen);
    if ( !soc->smmus )
    {
        soc_destroy(soc);
        return NULL;
    }
    soc->nr_windows += soc_smmus_windows(soc->smmus,
                                         &soc->windows[soc->nr_windows]);

    if ( copy_masters(soc, desc) )
        goto oom;
    return soc;

 oom:
    soc_say(err, errlen, "out of host memory");
    soc_destroy(soc);
    return NULL;
}

void soc_destroy(struct soc *soc)
{
    unsigned int i;

    if ( !soc )
        return;
    /* Caches before the root. */
    for ( i = 0; i < soc->nr_ipmmus; i++ )
        if ( soc->ipmmus[i] && (int)i != soc->root )
            ipmmu_model_destroy(soc->ipmmus[i]);
    if ( soc->root >= 0 && soc->ipmmus[soc->root] )
        ipmmu_model_destroy(soc->ipmmus[soc->root]);
    soc_smmus_destroy(soc->smmus);
    for ( i = 0; i < soc->nr_ipmmus; i++ )
        free(soc->ipmmu_names[i]);
    for ( i = 0; soc->masters && i < soc->nr_masters; i++ )
    {
        free(soc->masters[i].path);
        free(soc->masters[i].ports);
    }
    free(soc->masters);
    free(soc->master_descs);
    free(soc->name);
    free(soc);
}

struct soc_smmus *soc_smmus_of(const struct soc *soc)
{
    return soc->smmus;
}

unsigned int soc_nr_windows(const struct soc *soc)
{
    return soc->nr_windows;
}

const struct soc_window *soc_window(const struct soc *soc, unsigned int i)
{
    return i < soc->nr_windows ? &soc->windows[i] : NULL;
}

unsigned int soc_nr_ipmmus(const struct soc *soc)
{
    return soc->nr_ipmmus;
}

struct ipmmu_model *soc_ipmmu(const struct soc *soc, unsigned int i)
{
    return i < soc->nr_ipmmus ? soc->ipmmus[i] : NULL;
}

struct ipmmu_model *soc_find_ipmmu(const struct soc *soc, const char *name)
{
    unsigned int i;

    for ( i = 0; i < soc->nr_ipmmus; i++ )
        if ( !strcmp(soc->ipmmu_names[i], name) )
            return soc->ipmmus[i];
    return NULL;
}

struct ipmmu_model *soc_root_ipmmu(const struct soc *soc)
{
    return soc->root >= 0 ? soc->ipmmus[soc->root] : NULL;
}

struct phys_mem *soc_mem(const struct soc *soc)
{
    return soc->mem;
}

unsigned int soc_nr_masters(const struct soc *soc)
{
    return soc->nr_masters;
}

const struct soc_master_desc *soc_master(const struct soc *soc,
                                         unsigned int i)
{
    return i < soc->nr_masters ? &soc->master_descs[i] : NULL;
}

int soc_find_master(const struct soc *soc, const char *path)
{
    unsigned int i;

    for ( i = 0; i < soc->nr_masters; i++ )
        if ( !strcmp(soc->masters[i].path, path) )
            return (int)i;
    return -1;
}

static int soc_dma(struct soc *soc, const char *path, unsigned int channel,
                   uint64_t iova, void *buf, size_t len, bool write,
                   struct soc_dma_result *res)
{
    struct soc_dma_result local;
    const struct soc_master *m;
    const struct soc_port_desc *port;
    int idx = soc_find_master(soc, path);

    if ( !res )
        res = &local;
    memset(res, 0, sizeof(*res));
    if ( idx < 0 || channel >= soc->masters[idx].nr_ports )
    {
        res->outcome = IPMMU_BAD_REQUEST;
        return -1;
    }
    m = &soc->masters[idx];
    port = &m->ports[channel];
    res->ipmmu = soc->ipmmu_names[port->ipmmu];
    res->utlb = port->utlb;
    res->outcome = ipmmu_model_dma(soc->ipmmus[port->ipmmu], port->utlb,
                                   iova, buf, len, write, &res->done,
                                   &res->xlate);
    return res->outcome == IPMMU_OK ? 0 : -1;
}

int soc_dma_read(struct soc *soc, const char *path, unsigned int channel,
                 uint64_t iova, void *buf, size_t len,
                 struct soc_dma_result *res)
{
    return soc_dma(soc, path, channel, iova, buf, len, false, res);
}

int soc_dma_write(struct soc *soc, const char *path, unsigned int channel,
                  uint64_t iova, const void *buf, size_t len,
                  struct soc_dma_result *res)
{
    return soc_dma(soc, path, channel, iova, (void *)buf, len, true, res);
}
