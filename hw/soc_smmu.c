/* The SoC's Arm SMMUs: models, windows, masters and their DMA. */
#include "hw/soc_smmu.h"

#include <stdlib.h>
#include <string.h>

struct soc_smmus {
    unsigned int nr;
    struct smmu_model *models[SOC_MAX_SMMUS];
    struct soc_smmu_desc descs[SOC_MAX_SMMUS];  /* name and irqs copied */
    unsigned int nr_masters;
    struct soc_smmu_master_desc *masters;       /* path, streams copied */
};

static uint64_t page_of(const struct soc_smmu_desc *d)
{
    return d->page_64k ? 0x10000 : 0x1000;
}

/* The model's configuration for one SMMU of the description. */
static const char *smmu_config(const struct soc_smmu_desc *d,
                               struct smmu_model_config *c)
{
    uint64_t numpage = d->size / (2 * page_of(d));

    memset(c, 0, sizeof(*c));
    if ( d->size % (2 * page_of(d)) || numpage < 2 || numpage > 256 ||
         (numpage & (numpage - 1)) )
        return "window is not 2 x NUMPAGE register pages (NUMPAGE a power "
               "of two from 2 to 256)";
    c->name = d->name;
    c->flavour = d->flavour;
    c->page_64k = d->page_64k;
    c->numpage = (unsigned int)numpage;
    smmu_model_flavour_defaults(c);
    if ( d->nr_cbs )
        c->nr_cbs = d->nr_cbs;
    if ( c->nr_cbs > numpage )
        c->nr_cbs = (unsigned int)numpage;
    c->has_global_irq = d->has_global_irq;
    c->global_irq = d->global_irq;
    c->nr_context_irqs = d->nr_context_irqs;
    c->context_irqs = d->context_irqs;
    return NULL;
}

bool soc_smmus_valid(const struct soc_desc *desc, char *err, size_t errlen)
{
    unsigned int i, j;

    if ( desc->nr_smmus > SOC_MAX_SMMUS )
        return soc_say(err, errlen, "%u SMMUs: at most %u supported",
                       desc->nr_smmus, SOC_MAX_SMMUS), false;
    for ( i = 0; i < desc->nr_smmus; i++ )
    {
        const struct soc_smmu_desc *d = &desc->smmus[i];
        struct smmu_model_config c;
        const char *why = smmu_config(d, &c);

        if ( why )
            return soc_say(err, errlen, "%s: %s", d->name, why), false;
        for ( j = i + 1; j < desc->nr_smmus; j++ )
            if ( soc_windows_overlap(d->base, d->size, desc->smmus[j].base,
                                     desc->smmus[j].size) )
                return soc_say(err, errlen, "%s and %s overlap", d->name,
                               desc->smmus[j].name), false;
        for ( j = 0; j < desc->nr_ipmmus; j++ )
            if ( soc_windows_overlap(d->base, d->size, desc->ipmmus[j].base,
                                     desc->ipmmus[j].size) )
                return soc_say(err, errlen, "%s and %s overlap", d->name,
                               desc->ipmmus[j].name), false;
    }
    for ( i = 0; i < desc->nr_smmu_masters; i++ )
    {
        const struct soc_smmu_master_desc *m = &desc->smmu_masters[i];

        if ( m->nr_streams > SOC_MAX_PORTS )
            return soc_say(err, errlen, "%s: %u streams, at most %u", m->path,
                           m->nr_streams, SOC_MAX_PORTS), false;
        for ( j = 0; j < m->nr_streams; j++ )
        {
            const struct soc_stream_desc *st = &m->streams[j];
            struct smmu_model_config c = { .flavour = SMMU_MODEL_MMU500 };

            if ( st->smmu >= desc->nr_smmus )
                return soc_say(err, errlen, "%s: stream %u names no SMMU",
                               m->path, j), false;
            c.flavour = desc->smmus[st->smmu].flavour;
            smmu_model_flavour_defaults(&c);
            if ( (st->sid | st->mask) >> c.sid_bits )
                return soc_say(err, errlen,
                               "%s: stream 0x%x (mask 0x%x) is wider than "
                               "%s's %u-bit stream IDs", m->path, st->sid,
                               st->mask, desc->smmus[st->smmu].name,
                               c.sid_bits), false;
        }
    }
    return true;
}

static char *dup_str(const char *s)
{
    return strdup(s ? s : "smmu");
}

static int copy_masters(struct soc_smmus *s, const struct soc_desc *desc)
{
    unsigned int i;

    s->masters = calloc(desc->nr_smmu_masters + 1, sizeof(*s->masters));
    if ( !s->masters )
        return -1;
    for ( i = 0; i < desc->nr_smmu_masters; i++ )
    {
        const struct soc_smmu_master_desc *m = &desc->smmu_masters[i];
        struct soc_stream_desc *streams;
        char *path = dup_str(m->path);

        streams = calloc(m->nr_streams + 1, sizeof(*streams));
        if ( !path || !streams )
        {
            free(path);
            free(streams);
            return -1;
        }
        memcpy(streams, m->streams, m->nr_streams * sizeof(*streams));
        s->masters[i] = (struct soc_smmu_master_desc){ path, m->nr_streams,
                                                       streams };
        s->nr_masters++;
    }
    return 0;
}

static int copy_desc(struct soc_smmu_desc *to, const struct soc_smmu_desc *d)
{
    unsigned int *irqs = calloc(d->nr_context_irqs + 1, sizeof(*irqs));
    char *name = dup_str(d->name);

    if ( !irqs || !name )
    {
        free(irqs);
        free(name);
        return -1;
    }
    if ( d->nr_context_irqs )
        memcpy(irqs, d->context_irqs, d->nr_context_irqs * sizeof(*irqs));
    *to = *d;
    to->name = name;
    to->context_irqs = irqs;
    return 0;
}

struct soc_smmus *soc_smmus_create(const struct soc_desc *desc,
                                   const struct soc_hooks *hooks, char *err,
                                   size_t errlen)
{
    struct soc_smmus *s = calloc(1, sizeof(*s));
    unsigned int i;

    if ( !s )
        return soc_say(err, errlen, "out of host memory"), NULL;
    for ( i = 0; i < desc->nr_smmus; i++ )
    {
        struct smmu_model_config c;
        const char *why = "out of host memory";

        if ( copy_desc(&s->descs[i], &desc->smmus[i]) )
            goto oom;
        s->nr = i + 1;
        smmu_config(&s->descs[i], &c);
        c.mem = hooks->mem;
        c.now_ns = hooks->now_ns;
        c.clock_opaque = hooks->clock_opaque;
        c.raise_irq = hooks->raise_irq;
        c.irq_opaque = hooks->irq_opaque;
        c.log = hooks->log;
        c.log_opaque = hooks->log_opaque;
        c.sync_delay_ns = hooks->flush_delay_ns;
        s->models[i] = smmu_model_create(&c, &why);
        if ( !s->models[i] )
        {
            soc_say(err, errlen, "%s: %s", s->descs[i].name, why);
            soc_smmus_destroy(s);
            return NULL;
        }
    }
    if ( copy_masters(s, desc) )
        goto oom;
    return s;

 oom:
    soc_say(err, errlen, "out of host memory");
    soc_smmus_destroy(s);
    return NULL;
}

void soc_smmus_destroy(struct soc_smmus *s)
{
    unsigned int i;

    if ( !s )
        return;
    for ( i = 0; i < s->nr; i++ )
    {
        smmu_model_destroy(s->models[i]);
        free((char *)s->descs[i].name);
        free((unsigned int *)s->descs[i].context_irqs);
    }
    for ( i = 0; s->masters && i < s->nr_masters; i++ )
    {
        free((char *)s->masters[i].path);
        free((struct soc_stream_desc *)s->masters[i].streams);
    }
    free(s->masters);
    free(s);
}

unsigned int soc_smmus_windows(const struct soc_smmus *s,
                               struct soc_window *out)
{
    unsigned int i;

    for ( i = 0; i < s->nr; i++ )
        out[i] = (struct soc_window){
            .name = s->descs[i].name, .base = s->descs[i].base,
            .size = s->descs[i].size, .read = smmu_model_mmio_read,
            .write = smmu_model_mmio_write, .opaque = s->models[i],
        };
    return s->nr;
}

/* ---- Public accessors (hw/soc.h) ---- */

unsigned int soc_nr_smmus(const struct soc *soc)
{
    return soc_smmus_of(soc)->nr;
}

struct smmu_model *soc_smmu(const struct soc *soc, unsigned int i)
{
    const struct soc_smmus *s = soc_smmus_of(soc);

    return i < s->nr ? s->models[i] : NULL;
}

const struct soc_smmu_desc *soc_smmu_desc(const struct soc *soc,
                                          unsigned int i)
{
    const struct soc_smmus *s = soc_smmus_of(soc);

    return i < s->nr ? &s->descs[i] : NULL;
}

struct smmu_model *soc_find_smmu(const struct soc *soc, const char *name)
{
    const struct soc_smmus *s = soc_smmus_of(soc);
    unsigned int i;

    for ( i = 0; i < s->nr; i++ )
        if ( !strcmp(s->descs[i].name, name) )
            return s->models[i];
    return NULL;
}

unsigned int soc_nr_smmu_masters(const struct soc *soc)
{
    return soc_smmus_of(soc)->nr_masters;
}

const struct soc_smmu_master_desc *soc_smmu_master(const struct soc *soc,
                                                   unsigned int i)
{
    const struct soc_smmus *s = soc_smmus_of(soc);

    return i < s->nr_masters ? &s->masters[i] : NULL;
}

int soc_find_smmu_master(const struct soc *soc, const char *path)
{
    const struct soc_smmus *s = soc_smmus_of(soc);
    unsigned int i;

    for ( i = 0; i < s->nr_masters; i++ )
        if ( !strcmp(s->masters[i].path, path) )
            return (int)i;
    return -1;
}

static int smmu_dma(struct soc *soc, const char *path, unsigned int channel,
                    uint64_t iova, void *buf, size_t len, bool write,
                    struct soc_smmu_dma_result *res)
{
    struct soc_smmus *s = soc_smmus_of(soc);
    struct soc_smmu_dma_result local;
    const struct soc_stream_desc *st;
    int idx = soc_find_smmu_master(soc, path);

    if ( !res )
        res = &local;
    memset(res, 0, sizeof(*res));
    if ( idx < 0 || channel >= s->masters[idx].nr_streams )
    {
        res->outcome = SMMU_BAD_REQUEST;
        return -1;
    }
    st = &s->masters[idx].streams[channel];
    res->smmu = s->descs[st->smmu].name;
    res->sid = st->sid;
    res->outcome = smmu_model_dma(s->models[st->smmu], st->sid, iova, buf,
                                  len, write, &res->done, &res->xlate);
    return res->outcome == SMMU_OK ? 0 : -1;
}

int soc_smmu_dma_read(struct soc *soc, const char *path, unsigned int channel,
                      uint64_t iova, void *buf, size_t len,
                      struct soc_smmu_dma_result *res)
{
    return smmu_dma(soc, path, channel, iova, buf, len, false, res);
}

int soc_smmu_dma_write(struct soc *soc, const char *path,
                       unsigned int channel, uint64_t iova, const void *buf,
                       size_t len, struct soc_smmu_dma_result *res)
{
    return smmu_dma(soc, path, channel, iova, (void *)buf, len, true, res);
}
