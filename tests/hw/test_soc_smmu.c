/* The SoC's Arm SMMUs from a description: windows, checks, DMA. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hw/smmu_model_regs.h"
#include "hw/soc.h"

#define RAM_BASE 0x48000000ULL
#define RAM_SIZE 0x10000000ULL

static uint64_t fake_now;

static uint64_t now_ns(void *opaque)
{
    (void)opaque;
    return fake_now;
}

static const unsigned int ctx_irqs[16] = {
    187, 187, 187, 187, 187, 187, 187, 187,
    187, 187, 187, 187, 187, 187, 187, 187,
};

static const struct soc_smmu_desc one_smmu[] = {
    { "/axi/iommu@fd800000", 0xfd800000, 0x20000, SMMU_MODEL_MMU500, false,
      0, true, 187, 16, ctx_irqs },
};

static const struct soc_stream_desc sata_streams[] = {
    { 0, 0x4c0, 0 }, { 0, 0x4c1, 0 },
};

static const struct soc_smmu_master_desc one_master[] = {
    { "/axi/ahci@fd0c0000", 2, sata_streams },
};

static struct soc_desc desc(void)
{
    return (struct soc_desc){
        .name = "zynqmp", .nr_smmus = 1, .smmus = one_smmu,
        .nr_smmu_masters = 1, .smmu_masters = one_master,
    };
}

static struct phys_mem *pm;

static int setup(void **state)
{
    (void)state;
    pm = phys_mem_create();
    return phys_mem_add_bank(pm, RAM_BASE, RAM_SIZE, NULL);
}

static int teardown(void **state)
{
    (void)state;
    phys_mem_destroy(pm);
    return 0;
}

static struct soc *build(const struct soc_desc *d, char *err, size_t len)
{
    struct soc_hooks h = { .mem = pm, .now_ns = now_ns };

    return soc_create(d, &h, err, len);
}

static void an_smmu_gets_a_window_a_model_and_its_masters(void **state)
{
    struct soc_desc d = desc();
    char err[160] = "";
    struct soc *soc = build(&d, err, sizeof(err));
    const struct soc_window *w;
    const struct soc_smmu_master_desc *m;
    uint32_t v = 0;

    (void)state;
    assert_non_null(soc);
    assert_int_equal(soc_nr_windows(soc), 1);
    w = soc_window(soc, 0);
    assert_string_equal(w->name, "/axi/iommu@fd800000");
    assert_int_equal(w->base, 0xfd800000);
    assert_int_equal(w->size, 0x20000);
    assert_int_equal(w->read(w->opaque, SMMU_GR0_ID1, &v), 0);
    assert_int_equal(v & SMMU_ID1_NUMCB_MASK, 16);
    assert_int_equal(soc_nr_smmus(soc), 1);
    assert_ptr_equal(soc_smmu(soc, 0), w->opaque);
    assert_null(soc_smmu(soc, 1));
    assert_int_equal(soc_smmu_desc(soc, 0)->context_irqs[15], 187);
    assert_null(soc_find_smmu(soc, "/axi/nothing"));
    assert_int_equal(soc_nr_smmu_masters(soc), 1);
    m = soc_smmu_master(soc, 0);
    assert_int_equal(m->nr_streams, 2);
    assert_int_equal(m->streams[1].sid, 0x4c1);
    assert_int_equal(soc_nr_ipmmus(soc), 0);
    soc_destroy(soc);
}

static void smmu_dma_uses_the_channel_stream(void **state)
{
    struct soc_desc d = desc();
    struct soc *soc = build(&d, NULL, 0);
    struct soc_smmu_dma_result res;
    struct smmu_model *m;
    uint8_t b[8] = { 9, 8, 7, 6, 5, 4, 3, 2 }, c[8];

    (void)state;
    assert_non_null(soc);
    /* Reset: CLIENTPD, the bytes land at the IOVA. */
    assert_int_equal(soc_smmu_dma_write(soc, "/axi/ahci@fd0c0000", 1,
                                        RAM_BASE + 0x100, b, sizeof(b),
                                        &res), 0);
    assert_int_equal(res.sid, 0x4c1);
    assert_int_equal(res.done, sizeof(b));
    assert_int_equal(phys_mem_read(pm, RAM_BASE + 0x100, c, sizeof(c)), 0);
    assert_memory_equal(b, c, sizeof(b));
    /* Enabled with unmatched streams faulting. */
    m = soc_smmu(soc, 0);
    assert_int_equal(smmu_model_mmio_write(m, SMMU_GR0_SCR0,
                                           SMMU_SCR0_USFCFG), 0);
    assert_int_equal(soc_smmu_dma_read(soc, "/axi/ahci@fd0c0000", 0,
                                       RAM_BASE, c, sizeof(c), &res), -1);
    assert_int_equal(res.outcome, SMMU_FAULT_USF);
    assert_int_equal(res.done, 0);
    assert_string_equal(res.smmu, "/axi/iommu@fd800000");
    assert_int_equal(soc_smmu_dma_read(soc, "/axi/ahci@fd0c0000", 2,
                                       RAM_BASE, c, sizeof(c), &res), -1);
    assert_int_equal(res.outcome, SMMU_BAD_REQUEST);
    /* The IPMMU DMA API does not know SMMU masters. */
    assert_int_equal(soc_dma_read(soc, "/axi/ahci@fd0c0000", 0, RAM_BASE, c,
                                  sizeof(c), NULL), -1);
    soc_destroy(soc);
}

static void bad_smmu_descriptions_are_refused(void **state)
{
    static const struct soc_ipmmu_desc ipmmu[] = {
        { "/soc/iommu@fd810000", 0xfd810000, 0x1000, IPMMU_MODEL_GEN3, -1,
          228 },
    };
    struct soc_smmu_desc s = one_smmu[0];
    struct soc_stream_desc st = sata_streams[0];
    struct soc_smmu_master_desc m = one_master[0];
    struct soc_desc d;
    char err[160];

    (void)state;
    d = desc();
    d.nr_ipmmus = 1;
    d.ipmmus = ipmmu;
    assert_null(build(&d, err, sizeof(err)));
    assert_non_null(strstr(err, "overlap"));

    d = desc();
    s.size = 0x30000;
    d.smmus = &s;
    assert_null(build(&d, err, sizeof(err)));
    assert_non_null(strstr(err, "NUMPAGE"));

    d = desc();
    st.smmu = 1;
    m.nr_streams = 1;
    m.streams = &st;
    d.smmu_masters = &m;
    assert_null(build(&d, err, sizeof(err)));
    assert_non_null(strstr(err, "names no SMMU"));

    st.smmu = 0;
    st.mask = 0x8000;
    assert_null(build(&d, err, sizeof(err)));
    assert_non_null(strstr(err, "wider"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_smmu_gets_a_window_a_model_and_its_masters),
        cmocka_unit_test(smmu_dma_uses_the_channel_stream),
        cmocka_unit_test(bad_smmu_descriptions_are_refused),
    };

    return cmocka_run_group_tests_name("soc_smmu", tests, setup, teardown);
}
