/* Fixture and table builder for the IPMMU model tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tests/hw/ipmmu_model_testlib.h"

static uint64_t fake_now(void *opaque)
{
    return ((struct tl *)opaque)->now;
}

static void record_irq(void *opaque, unsigned int line)
{
    struct tl *t = opaque;

    t->irqs++;
    t->last_irq_line = line;
}

static void count_log(void *opaque, const char *line)
{
    (void)line;
    ((struct tl *)opaque)->log_lines++;
}

struct tl *tl_create_sized(enum ipmmu_model_gen gen, unsigned int utlb,
                           unsigned int main, uint64_t flush_ns)
{
    struct tl *t = calloc(1, sizeof(*t));
    struct ipmmu_model_config rc = {
        .name = "ipmmu_mm", .gen = gen, .now_ns = fake_now,
        .raise_irq = record_irq, .irq_line = TL_IRQ_LINE,
        .flush_delay_ns = flush_ns, .main_tlb_entries = main,
        .utlb_entries = utlb, .log = count_log,
    };
    struct ipmmu_model_config cc = {
        .name = "ipmmu_ds0", .gen = gen, .utlb_entries = utlb,
        .log = count_log,
    };
    const char *why = NULL;

    assert_non_null(t);
    t->gen = gen;
    t->pm = phys_mem_create();
    assert_non_null(t->pm);
    assert_int_equal(phys_mem_add_bank(t->pm, TL_RAM_BASE, TL_RAM_SIZE, &why),
                     0);
    lpae_pool_init(&t->pool, t->pm, TL_POOL_BASE, TL_POOL_SIZE);
    rc.mem = t->pm;
    rc.clock_opaque = rc.irq_opaque = rc.log_opaque = t;
    t->root = ipmmu_model_create(&rc, &why);
    assert_non_null(t->root);
    cc.root = t->root;
    cc.log_opaque = t;
    t->cache = ipmmu_model_create(&cc, &why);
    assert_non_null(t->cache);
    return t;
}

struct tl *tl_create(enum ipmmu_model_gen gen)
{
    return tl_create_sized(gen, 0, 0, 0);
}

void tl_destroy(struct tl *t)
{
    assert_int_equal(ipmmu_model_destroy(t->cache), 0);
    assert_int_equal(ipmmu_model_destroy(t->root), 0);
    phys_mem_destroy(t->pm);
    free(t);
}

uint64_t tl_alloc_pages(struct tl *t, unsigned int n)
{
    return lpae_alloc_pages(&t->pool, n);
}

void tl_table_init(struct tl *t, struct lpae_table *tb,
                   unsigned int start_level, unsigned int ia_bits)
{
    lpae_table_init(&t->pool, tb, start_level, ia_bits);
}

uint64_t tl_read_desc(struct tl *t, uint64_t desc_pa)
{
    return lpae_read_desc(t->pm, desc_pa);
}

void tl_write_desc(struct tl *t, uint64_t desc_pa, uint64_t desc)
{
    lpae_write_desc(t->pm, desc_pa, desc);
}

uint64_t tl_desc_addr(struct tl *t, const struct lpae_table *tb, uint64_t ia,
                      unsigned int level)
{
    return lpae_desc_addr(&t->pool, tb, ia, level);
}

void tl_map(struct tl *t, const struct lpae_table *tb, uint64_t ia,
            uint64_t pa, unsigned int level, uint64_t attrs)
{
    lpae_map(&t->pool, tb, ia, pa, level, attrs);
}

uint32_t tl_rd(struct ipmmu_model *m, uint64_t off)
{
    uint32_t v = 0;

    assert_int_equal(ipmmu_model_mmio_read(m, off, &v), 0);
    return v;
}

void tl_wr(struct ipmmu_model *m, uint64_t off, uint32_t val)
{
    assert_int_equal(ipmmu_model_mmio_write(m, off, val), 0);
}

uint64_t tl_ctx(struct ipmmu_model *m, unsigned int c, unsigned int reg)
{
    return ipmmu_model_ctx_reg(ipmmu_model_layout(m), c, reg);
}

uint64_t tl_utlb(struct ipmmu_model *m, unsigned int n, unsigned int reg)
{
    return ipmmu_model_utlb_reg(ipmmu_model_layout(m), n, reg);
}

uint64_t tl_ctl(struct ipmmu_model *m, unsigned int reg)
{
    return ipmmu_model_ctl_reg(ipmmu_model_layout(m), reg);
}

void tl_route(struct ipmmu_model *m, unsigned int utlb, unsigned int c)
{
    tl_wr(m, tl_utlb(m, utlb, 0), (c << IPMMU_IMUCTR_TTSEL_SHIFT) |
                                  IPMMU_IMUCTR_FLUSH | IPMMU_IMUCTR_MMUEN);
}

static void setup_common(struct tl *t, unsigned int c,
                         const struct lpae_table *tb, uint32_t ttbcr,
                         bool stage2, unsigned int utlb)
{
    tl_wr(t->root, tl_ctl(t->root, IPMMU_IMSCTLR), 0);
    tl_wr(t->cache, tl_ctl(t->cache, IPMMU_IMSCTLR), 0);
    tl_wr(t->root, tl_ctl(t->root, IPMMU_IMSAUXCTLR),
          stage2 ? IPMMU_IMSAUXCTLR_S2PTE : 0);
    tl_wr(t->root, tl_ctx(t->root, c, IPMMU_IMTTLBR0), (uint32_t)tb->root);
    tl_wr(t->root, tl_ctx(t->root, c, IPMMU_IMTTUBR0),
          (uint32_t)(tb->root >> 32));
    tl_wr(t->root, tl_ctx(t->root, c, IPMMU_IMTTBCR), ttbcr);
    tl_wr(t->root, tl_ctx(t->root, c, IPMMU_IMSTR), 0);
    tl_wr(t->root, tl_ctx(t->root, c, IPMMU_IMCTR),
          (stage2 ? IPMMU_IMCTR_VA64 : 0) | IPMMU_IMCTR_INTEN |
          IPMMU_IMCTR_FLUSH | IPMMU_IMCTR_MMUEN);
    tl_wr(t->cache, tl_ctx(t->cache, c, IPMMU_IMCTR),
          IPMMU_IMCTR_INTEN | IPMMU_IMCTR_FLUSH | IPMMU_IMCTR_MMUEN);
    tl_route(t->cache, utlb, c);
    /* Let the root's flush complete, and see it complete. */
    t->now += 1000000;
    assert_int_equal(tl_rd(t->root, tl_ctx(t->root, c, IPMMU_IMCTR)) &
                     IPMMU_IMCTR_FLUSH, 0);
}

void tl_setup_s2(struct tl *t, unsigned int c, const struct lpae_table *tb,
                 unsigned int sl0, unsigned int utlb)
{
    setup_common(t, c, tb, IPMMU_IMTTBCR_EAE | IPMMU_IMTTBCR_SL0(sl0) |
                           IPMMU_IMTTBCR_TSZ0(64 - tb->ia_bits), true, utlb);
}

void tl_setup_s1(struct tl *t, unsigned int c, const struct lpae_table *tb,
                 unsigned int sl0, unsigned int utlb)
{
    setup_common(t, c, tb, IPMMU_IMTTBCR_EAE | IPMMU_IMTTBCR_SL0(sl0) |
                           IPMMU_IMTTBCR_TSZ0(32 - tb->ia_bits), false, utlb);
}

enum ipmmu_model_outcome tl_xlate(struct tl *t, unsigned int utlb,
                                  uint64_t ia, bool write, uint64_t *pa)
{
    struct ipmmu_xlate r;
    enum ipmmu_model_outcome o;

    o = ipmmu_model_translate(t->cache, utlb, ia, 4, write, &r);
    assert_int_equal(r.outcome, o);
    if ( o == IPMMU_OK )
    {
        assert_int_equal(r.nr_segs, 1);
        *pa = r.seg[0].pa;
    }
    return o;
}
