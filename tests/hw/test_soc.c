/* The simulated SoC: assembly from a description, MMIO windows, DMA. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hw/ipmmu_model_regs.h"
#include "hw/prr.h"
#include "hw/soc.h"

#define RAM_BASE 0x48000000ULL
#define RAM_SIZE 0x10000000ULL

static uint64_t fake_now;
static unsigned int irqs, last_irq;

static uint64_t now_ns(void *opaque)
{
    (void)opaque;
    return fake_now;
}

static void raise_irq(void *opaque, unsigned int irq)
{
    (void)opaque;
    irqs++;
    last_irq = irq;
}

static const struct soc_ipmmu_desc three_ipmmus[] = {
    { "/soc/iommu@e67b0000", 0xe67b0000, 0x1000, IPMMU_MODEL_GEN3, -1, 228 },
    { "/soc/iommu@e6740000", 0xe6740000, 0x1000, IPMMU_MODEL_GEN3, 0, 0 },
    { "/soc/iommu@ee300000", 0xee300000, 0x1000, IPMMU_MODEL_GEN3, 0, 0 },
};

static const struct soc_port_desc dmac_ports[] = { { 1, 0 }, { 1, 1 } };
static const struct soc_port_desc sata_ports[] = { { 2, 47 } };

static const struct soc_master_desc two_masters[] = {
    { "/soc/dma-controller@e6700000", 2, dmac_ports },
    { "/soc/sata@ee300000", 1, sata_ports },
};

static struct soc_desc good_desc(void)
{
    return (struct soc_desc){
        .name = "test", .has_prr = true, .prr_base = 0xfff00044,
        .prr_value = 0x4f20, .nr_ipmmus = 3, .ipmmus = three_ipmmus,
        .nr_masters = 2, .masters = two_masters,
    };
}

struct fixture {
    struct phys_mem *pm;
    struct soc_hooks hooks;
};

static int setup(void **state)
{
    static struct fixture f;

    f.pm = phys_mem_create();
    if ( phys_mem_add_bank(f.pm, RAM_BASE, RAM_SIZE, NULL) )
        return -1;
    f.hooks = (struct soc_hooks){ .mem = f.pm, .now_ns = now_ns,
                                  .raise_irq = raise_irq };
    irqs = 0;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    phys_mem_destroy(f->pm);
    return 0;
}

static void the_soc_has_a_window_per_ipmmu_and_the_prr(void **state)
{
    struct fixture *f = *state;
    struct soc_desc d = good_desc();
    char err[128] = "";
    struct soc *soc = soc_create(&d, &f->hooks, err, sizeof(err));
    const struct soc_window *w;
    uint32_t v = 0;

    assert_non_null(soc);
    assert_int_equal(soc_nr_windows(soc), 4);
    w = soc_window(soc, 0);
    assert_string_equal(w->name, "prr");
    assert_int_equal(w->base, 0xfff00044);
    assert_int_equal(w->read(w->opaque, 0, &v), 0);
    assert_int_equal(v, 0x4f20);
    assert_int_equal(w->write(w->opaque, 0, 1), -1);   /* read-only */
    assert_int_equal(soc_nr_ipmmus(soc), 3);
    assert_true(ipmmu_model_is_root(soc_root_ipmmu(soc)));
    assert_ptr_equal(soc_find_ipmmu(soc, "/soc/iommu@e6740000"),
                     soc_ipmmu(soc, 1));
    assert_false(ipmmu_model_is_root(soc_ipmmu(soc, 1)));
    assert_int_equal(soc_find_master(soc, "/soc/sata@ee300000"), 1);
    assert_int_equal(soc_master(soc, 0)->nr_ports, 2);
    soc_destroy(soc);
}

static void dma_through_a_disabled_utlb_bypasses(void **state)
{
    struct fixture *f = *state;
    struct soc_desc d = good_desc();
    struct soc *soc = soc_create(&d, &f->hooks, NULL, 0);
    struct soc_dma_result res;
    uint8_t out[6000], in[6000];
    unsigned int i;

    for ( i = 0; i < sizeof(out); i++ )
        out[i] = (uint8_t)(i * 7);
    assert_int_equal(soc_dma_write(soc, "/soc/dma-controller@e6700000", 1,
                                   RAM_BASE + 0x1800, out, sizeof(out),
                                   &res), 0);
    assert_int_equal(res.outcome, IPMMU_OK);
    assert_int_equal(res.done, sizeof(out));
    assert_string_equal(res.ipmmu, "/soc/iommu@e6740000");
    assert_int_equal(res.utlb, 1);
    assert_int_equal(phys_mem_read(f->pm, RAM_BASE + 0x1800, in, sizeof(in)),
                     0);
    assert_memory_equal(in, out, sizeof(out));
    soc_destroy(soc);
}

static void dma_on_an_enabled_utlb_with_no_context_aborts(void **state)
{
    struct fixture *f = *state;
    struct soc_desc d = good_desc();
    struct soc *soc = soc_create(&d, &f->hooks, NULL, 0);
    struct ipmmu_model *hc = soc_ipmmu(soc, 2), *root = soc_root_ipmmu(soc);
    struct soc_dma_result res;
    uint32_t imstr = 0, imelar = 0;
    uint8_t buf[16] = { 0 };

    /* uTLB 47 of the cache routed to context 3, which nobody enabled. */
    assert_int_equal(ipmmu_model_mmio_write(hc, IPMMU_IMUCTR(47),
                                            (3U << 4) | IPMMU_IMUCTR_MMUEN),
                     0);
    assert_int_equal(ipmmu_model_mmio_write(root, 3 * 0x40 + IPMMU_IMCTR,
                                            IPMMU_IMCTR_INTEN), 0);
    assert_int_equal(soc_dma_read(soc, "/soc/sata@ee300000", 0, 0x1000, buf,
                                  sizeof(buf), &res), -1);
    assert_int_equal(res.outcome, IPMMU_FAULT_ABORT);
    assert_int_equal(res.done, 0);
    assert_int_equal(ipmmu_model_mmio_read(root, 3 * 0x40 + IPMMU_IMSTR,
                                           &imstr), 0);
    assert_true(imstr & IPMMU_IMSTR_ABORT);
    assert_int_equal(ipmmu_model_mmio_read(root, 3 * 0x40 + IPMMU_IMELAR,
                                           &imelar), 0);
    assert_int_equal(imelar, 0x1000);
    assert_int_equal(irqs, 1);
    assert_int_equal(last_irq, 228);
    soc_destroy(soc);
}

static void dma_by_unknown_masters_or_channels_is_refused(void **state)
{
    struct fixture *f = *state;
    struct soc_desc d = good_desc();
    struct soc *soc = soc_create(&d, &f->hooks, NULL, 0);
    struct soc_dma_result res;
    uint8_t buf[4];

    assert_int_equal(soc_dma_read(soc, "/soc/nobody", 0, RAM_BASE, buf, 4,
                                  &res), -1);
    assert_int_equal(res.outcome, IPMMU_BAD_REQUEST);
    assert_int_equal(soc_dma_read(soc, "/soc/sata@ee300000", 1, RAM_BASE,
                                  buf, 4, &res), -1);
    assert_int_equal(res.outcome, IPMMU_BAD_REQUEST);
    soc_destroy(soc);
}

static void assert_refused(struct fixture *f, const struct soc_desc *d,
                           const char *reason)
{
    char err[160] = "";

    assert_null(soc_create(d, &f->hooks, err, sizeof(err)));
    if ( !strstr(err, reason) )
        fail_msg("error '%s' does not say '%s'", err, reason);
}

static void impossible_descriptions_are_refused_with_a_reason(void **state)
{
    struct fixture *f = *state;
    struct soc_ipmmu_desc ipmmus[3];
    struct soc_port_desc bad_port[] = { { 1, 48 } };
    struct soc_master_desc bad_master[] = { { "/soc/x", 1, bad_port } };
    struct soc_desc d;

    memcpy(ipmmus, three_ipmmus, sizeof(ipmmus));
    d = good_desc();
    d.ipmmus = ipmmus;

    ipmmus[1].root = -1;
    assert_refused(f, &d, "2 root IPMMUs");
    memcpy(ipmmus, three_ipmmus, sizeof(ipmmus));
    ipmmus[2].root = 1;
    assert_refused(f, &d, "is itself a cache");
    memcpy(ipmmus, three_ipmmus, sizeof(ipmmus));
    ipmmus[2].base = 0xe6740800;
    assert_refused(f, &d, "overlap");
    memcpy(ipmmus, three_ipmmus, sizeof(ipmmus));
    ipmmus[2].gen = IPMMU_MODEL_GEN4;
    assert_refused(f, &d, "generation differs");
    memcpy(ipmmus, three_ipmmus, sizeof(ipmmus));
    d.masters = bad_master;
    d.nr_masters = 1;
    assert_refused(f, &d, "uTLB 48 does not exist");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            the_soc_has_a_window_per_ipmmu_and_the_prr, setup, teardown),
        cmocka_unit_test_setup_teardown(
            dma_through_a_disabled_utlb_bypasses, setup, teardown),
        cmocka_unit_test_setup_teardown(
            dma_on_an_enabled_utlb_with_no_context_aborts, setup, teardown),
        cmocka_unit_test_setup_teardown(
            dma_by_unknown_masters_or_channels_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            impossible_descriptions_are_refused_with_a_reason, setup,
            teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
