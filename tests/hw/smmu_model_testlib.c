/* Fixture and table builder for the SMMU model tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tests/hw/smmu_model_testlib.h"

static uint64_t fake_now(void *opaque)
{
    return ((struct st *)opaque)->now;
}

static void record_irq(void *opaque, unsigned int line)
{
    struct st *t = opaque;

    if ( t->irqs < ST_MAX_IRQS )
        t->irq_line[t->irqs] = line;
    t->irqs++;
}

static void count_log(void *opaque, const char *line)
{
    (void)line;
    ((struct st *)opaque)->log_lines++;
}

struct st *st_create_cfg(const struct smmu_model_config *cfg)
{
    struct st *t = calloc(1, sizeof(*t));
    struct smmu_model_config c = *cfg;
    const char *why = NULL;

    assert_non_null(t);
    t->pm = phys_mem_create();
    assert_non_null(t->pm);
    assert_int_equal(phys_mem_add_bank(t->pm, ST_RAM_BASE, ST_RAM_SIZE, &why),
                     0);
    lpae_pool_init(&t->pool, t->pm, ST_POOL_BASE, ST_POOL_SIZE);
    c.mem = t->pm;
    c.now_ns = fake_now;
    c.raise_irq = record_irq;
    c.log = count_log;
    c.clock_opaque = c.irq_opaque = c.log_opaque = t;
    t->m = smmu_model_create(&c, &why);
    if ( !t->m )
        fail_msg("smmu_model_create: %s", why);
    return t;
}

struct st *st_create(enum smmu_model_flavour f)
{
    static unsigned int lines[SMMU_MODEL_MAX_CBS];
    struct smmu_model_config c = { .name = "smmu", .flavour = f };
    unsigned int i;

    smmu_model_flavour_defaults(&c);
    for ( i = 0; i < c.nr_cbs; i++ )
        lines[i] = ST_CTX_IRQ0 + i;
    c.has_global_irq = true;
    c.global_irq = ST_GLOBAL_IRQ;
    c.nr_context_irqs = c.nr_cbs;
    c.context_irqs = lines;
    return st_create_cfg(&c);
}

void st_destroy(struct st *t)
{
    smmu_model_destroy(t->m);
    phys_mem_destroy(t->pm);
    free(t);
}

uint32_t st_rd(struct st *t, uint64_t off)
{
    uint32_t v = 0;

    assert_int_equal(smmu_model_mmio_read(t->m, off, &v), 0);
    return v;
}

void st_wr(struct st *t, uint64_t off, uint32_t val)
{
    assert_int_equal(smmu_model_mmio_write(t->m, off, val), 0);
}

uint64_t st_gr1(struct st *t, unsigned int reg)
{
    return (smmu_model_config(t->m)->page_64k ? 0x10000 : 0x1000) + reg;
}

uint64_t st_cb(struct st *t, unsigned int n, unsigned int reg)
{
    return smmu_model_cb_offset(t->m, n) + reg;
}

unsigned int st_irq_count(const struct st *t, unsigned int line)
{
    unsigned int i, n = 0;

    for ( i = 0; i < t->irqs && i < ST_MAX_IRQS; i++ )
        if ( t->irq_line[i] == line )
            n++;
    return n;
}

uint64_t st_alloc_pages(struct st *t, unsigned int n)
{
    return lpae_alloc_pages(&t->pool, n);
}

void st_table_init(struct st *t, struct lpae_table *tb,
                   unsigned int start_level, unsigned int ia_bits)
{
    lpae_table_init(&t->pool, tb, start_level, ia_bits);
}

void st_write_desc(struct st *t, uint64_t pa, uint64_t desc)
{
    lpae_write_desc(t->pm, pa, desc);
}

uint64_t st_desc_addr(struct st *t, const struct lpae_table *tb, uint64_t ia,
                      unsigned int level)
{
    return lpae_desc_addr(&t->pool, tb, ia, level);
}

void st_map(struct st *t, const struct lpae_table *tb, uint64_t ia,
            uint64_t pa, unsigned int level, uint64_t attrs)
{
    lpae_map(&t->pool, tb, ia, pa, level, attrs);
}

void st_enable(struct st *t)
{
    st_wr(t, SMMU_GR0_SCR0, SMMU_SCR0_GFRE | SMMU_SCR0_GFIE |
                            SMMU_SCR0_USFCFG | SMMU_SCR0_SMCFCFG);
}

uint32_t st_vtcr(const struct lpae_table *tb, bool va64)
{
    /* SL0: level 2 -> 0, level 1 -> 1, level 0 -> 2. */
    uint32_t sl0 = 2 - tb->start_level;
    uint32_t t0sz;

    if ( va64 )
        t0sz = 64 - tb->ia_bits;
    else
        t0sz = (uint32_t)(32 - (int)tb->ia_bits) & 0x1f; /* S = bit 4 */
    return t0sz | sl0 << SMMU_VTCR_SL0_SHIFT |
           (va64 ? 2U << SMMU_VTCR_PS_SHIFT : 0);
}

void st_setup_cb(struct st *t, unsigned int n, uint8_t vmid,
                 const struct lpae_table *tb)
{
    bool v2 = smmu_model_flavour(t->m) == SMMU_MODEL_MMU500;

    st_wr(t, st_gr1(t, SMMU_GR1_CBAR(n)), vmid |
          (SMMU_CBAR_TYPE_S2_TRANS << SMMU_CBAR_TYPE_SHIFT) |
          (v2 ? 0 : n << SMMU_CBAR_IRPTNDX_SHIFT));
    if ( v2 )
        st_wr(t, st_gr1(t, SMMU_GR1_CBA2R(n)), SMMU_CBA2R_VA64);
    st_wr(t, st_cb(t, n, SMMU_CB_TCR), st_vtcr(tb, v2));
    st_wr(t, st_cb(t, n, SMMU_CB_TTBR0_LO), (uint32_t)tb->root);
    st_wr(t, st_cb(t, n, SMMU_CB_TTBR0_HI), (uint32_t)(tb->root >> 32));
    st_wr(t, st_cb(t, n, SMMU_CB_FSR), SMMU_FSR_ALL);
    st_wr(t, st_cb(t, n, SMMU_CB_SCTLR),
          SMMU_SCTLR_M | SMMU_SCTLR_CFRE | SMMU_SCTLR_CFIE);
}

void st_route(struct st *t, unsigned int i, uint16_t id, uint16_t mask,
              unsigned int n)
{
    st_wr(t, SMMU_GR0_S2CR(i),
          n | SMMU_S2CR_TYPE_TRANS << SMMU_S2CR_TYPE_SHIFT);
    st_wr(t, SMMU_GR0_SMR(i), SMMU_SMR_VALID | (uint32_t)mask << 16 | id);
}

void st_gsync(struct st *t)
{
    st_wr(t, SMMU_GR0_STLBGSYNC, 0);
    t->now += SMMU_MODEL_DEF_SYNC_NS;
    assert_int_equal(st_rd(t, SMMU_GR0_STLBGSTATUS), 0);
}

void st_flush_vmid(struct st *t, uint8_t vmid)
{
    st_wr(t, SMMU_GR0_TLBIVMID, vmid);
    st_gsync(t);
}

enum smmu_model_outcome st_xlate(struct st *t, uint32_t sid, uint64_t ia,
                                 bool write, uint64_t *pa)
{
    struct smmu_xlate r;
    enum smmu_model_outcome o;

    o = smmu_model_translate(t->m, sid, ia, 4, write, &r);
    assert_int_equal(r.outcome, o);
    if ( o == SMMU_OK )
    {
        assert_int_equal(r.nr_segs, 1);
        *pa = r.seg[0].pa;
    }
    return o;
}
