/* Shared set-up of the SMMU driver tests (see smmu_test_env.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>

#include <xen/device_tree.h>
#include <xen/domain.h>
#include <xen/iommu.h>
#include <xen/spinlock.h>

#include "hosted/console.h"
#include "hosted/platform.h"
#include "hw/soc.h"

#include "smmu_test_env.h"

/* Generated from the .dts files by mk/mod-smmu-driver.mk. */
extern const unsigned char smmu_generic_dtb[];
extern const unsigned long smmu_generic_dtb_size;
extern const unsigned char smmu_legacy_dtb[];
extern const unsigned long smmu_legacy_dtb_size;

#define BLOB_SLACK 4096

void *smmu_test_blob(enum smmu_test_tree tree, size_t *size)
{
    const void *dtb = tree == SMMU_TREE_GENERIC ? smmu_generic_dtb
                                                : smmu_legacy_dtb;
    unsigned long dtb_size = tree == SMMU_TREE_GENERIC
                             ? smmu_generic_dtb_size : smmu_legacy_dtb_size;
    void *blob;

    *size = dtb_size + BLOB_SLACK;
    blob = malloc(*size);
    assert_non_null(blob);
    assert_int_equal(fdt_open_into(dtb, blob, *size), 0);
    return blob;
}

int smmu_test_boot(const void *blob, size_t size)
{
    console_set_echo(false);
    console_capture_start();
    if ( smmu_test_platform_boot(blob, size) )
        fail_msg("platform_boot: %s", smmu_test_platform_error());
    return iommu_setup();
}

void smmu_test_shutdown(void)
{
    iommu_hardware_teardown();
    smmu_test_platform_shutdown();
}

void smmu_test_set_quarantine(bool on)
{
    iommu_quarantine = on ? IOMMU_quarantine_basic : IOMMU_quarantine_none;
}

int smmu_test_teardown(void **state)
{
    domid_t id;

    (void)state;
    smmu_test_set_quarantine(true);
    if ( !smmu_test_platform_booted() )
        return 0;
    for ( id = 0; id < 32; id++ )
        if ( domain_by_id(id) )
            domain_destroy(domain_by_id(id));
    smmu_test_shutdown();
    return 0;
}

int smmu_test_boot_tree(enum smmu_test_tree tree)
{
    size_t size;
    void *blob = smmu_test_blob(tree, &size);
    int rc = smmu_test_boot(blob, size);

    free(blob);
    return rc;
}

struct smmu_model *smmu_test_model(const char *smmu)
{
    struct smmu_model *m = smmu_test_platform_model(smmu);

    assert_non_null(m);
    return m;
}

struct smmu_device *smmu_test_device(const char *smmu)
{
    struct dt_device_node *np = dt_find_node_by_path(smmu);

    assert_non_null(np);
    return smmu_find_device(np);
}

static uint32_t model_read(const char *smmu, uint64_t off)
{
    uint32_t v = 0;

    assert_int_equal(smmu_model_mmio_read(smmu_test_model(smmu), off, &v),
                     0);
    return v;
}

uint32_t smmu_test_gr0(const char *smmu, unsigned int off)
{
    return model_read(smmu, off);
}

uint32_t smmu_test_gr1(const char *smmu, unsigned int off)
{
    const struct smmu_model_config *c =
        smmu_model_config(smmu_test_model(smmu));

    return model_read(smmu, (c->page_64k ? 0x10000 : 0x1000) + off);
}

uint32_t smmu_test_cb(const char *smmu, unsigned int cb, unsigned int off)
{
    return model_read(smmu, smmu_model_cb_offset(smmu_test_model(smmu), cb) +
                            off);
}

int smmu_test_sme(const char *smmu, uint32_t sid, uint32_t mask)
{
    struct smmu_device *s = smmu_test_device(smmu);
    unsigned int conflict;

    assert_non_null(s);
    return smmu_sme_find(s, sid, mask, &conflict);
}

enum smmu_model_outcome smmu_test_dma(const char *smmu, uint32_t sid,
                                      uint64_t iova, void *buf, size_t len,
                                      bool write, struct smmu_xlate *res)
{
    return smmu_model_dma(smmu_test_model(smmu), sid, iova, buf, len, write,
                          NULL, res);
}

struct smmu_domain *smmu_test_domain(struct domain *d)
{
    return dom_iommu(d)->arch.priv;
}

int smmu_test_domain_cb(struct domain *d, const char *smmu)
{
    struct smmu_domain *dom = smmu_test_domain(d);
    struct smmu_device *s = smmu_test_device(smmu);
    struct smmu_ctx *ctx;

    if ( !dom )
        return -1;
    list_for_each_entry(ctx, &dom->ctxs, entry)
        if ( ctx->smmu == s )
            return ctx->cb;
    return -1;
}

unsigned long smmu_test_fault_count(struct domain *d)
{
    unsigned long n = ~0UL;

    assert_int_equal(smmu_domain_fault_count(d, &n), 0);
    return n;
}
