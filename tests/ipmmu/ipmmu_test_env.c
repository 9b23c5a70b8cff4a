/* Shared set-up of the IPMMU driver tests (see ipmmu_test_env.h). */
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
#include <xen/mm.h>
#include <xen/xmalloc.h>
#include <asm/p2m.h>

#include "boards/boards.h"
#include "hosted/console.h"
#include "hosted/mmio.h"
#include "hosted/platform.h"
#include "hosted/ram.h"

#include "ipmmu_test_env.h"

#define BLOB_SLACK 4096

void *ipmmu_test_blob(const char *board, size_t *size)
{
    const struct board *b = board_find(board);
    void *blob;

    assert_non_null(b);
    *size = b->dtb_size + BLOB_SLACK;
    blob = malloc(*size);
    assert_non_null(blob);
    assert_int_equal(fdt_open_into(b->dtb, blob, *size), 0);
    return blob;
}

void ipmmu_test_set_prr(void *blob, uint32_t prr)
{
    int node = fdt_node_offset_by_compatible(blob, -1, "renesas,prr");

    assert_true(node >= 0);
    assert_int_equal(fdt_setprop_u32(blob, node, "renesas,prr-value", prr),
                     0);
}

void ipmmu_test_set_iommus(void *blob, const char *path, const char *ipmmu,
                           uint32_t utlb)
{
    int node = fdt_path_offset(blob, path);
    int mmu = fdt_path_offset(blob, ipmmu);
    fdt32_t cells[2];

    assert_true(node >= 0 && mmu >= 0);
    cells[0] = cpu_to_fdt32(fdt_get_phandle(blob, mmu));
    cells[1] = cpu_to_fdt32(utlb);
    assert_int_not_equal(fdt32_to_cpu(cells[0]), 0);
    assert_int_equal(fdt_setprop(blob, node, "iommus", cells,
                                 sizeof(cells)), 0);
}

void ipmmu_test_move_first(void *blob, const char *path)
{
    struct { char name[64]; void *val; int len; } props[32];
    const char *slash = strrchr(path, '/');
    char parent[256], name[64];
    unsigned int n = 0, i;
    int node = fdt_path_offset(blob, path), prop, at;

    assert_true(node >= 0 && slash && (size_t)(slash - path) < sizeof(parent));
    snprintf(parent, sizeof(parent), "%.*s", (int)(slash - path), path);
    snprintf(name, sizeof(name), "%s", slash + 1);
    fdt_for_each_property_offset(prop, blob, node)
    {
        const char *pname;
        const void *val = fdt_getprop_by_offset(blob, prop, &pname,
                                                &props[n].len);

        assert_true(n < 32 && val);
        snprintf(props[n].name, sizeof(props[n].name), "%s", pname);
        props[n].val = malloc(props[n].len + 1);
        memcpy(props[n].val, val, props[n].len);
        n++;
    }
    assert_int_equal(fdt_del_node(blob, node), 0);
    at = fdt_path_offset(blob, parent);
    assert_true(at >= 0);
    node = fdt_add_subnode(blob, at, name);
    assert_true(node >= 0);
    for ( i = 0; i < n; i++ )
    {
        assert_int_equal(fdt_setprop(blob, node, props[i].name, props[i].val,
                                     props[i].len), 0);
        free(props[i].val);
    }
}

int ipmmu_test_boot(const void *blob, size_t size)
{
    char err[256];
    int rc;

    console_set_echo(false);
    console_capture_start();
    rc = platform_boot(blob, size, err, sizeof(err));
    if ( rc )
        print_error("platform_boot: %s\n", err);
    assert_int_equal(rc, 0);
    return iommu_setup();
}

int ipmmu_test_boot_board(const char *board)
{
    const struct board *b = board_find(board);

    assert_non_null(b);
    return ipmmu_test_boot(b->dtb, b->dtb_size);
}

unsigned int ipmmu_test_add_all_devices(void)
{
    struct dt_device_node *np;
    unsigned int n = 0;

    dt_for_each_device_node(dt_host, np)
        if ( dt_find_property(np, "iommus", NULL) &&
             dt_device_is_available(np) )
        {
            assert_int_equal(iommu_add_dt_device(np), 0);
            n++;
        }
    return n;
}

void ipmmu_test_shutdown(void)
{
    iommu_hardware_teardown();
    platform_shutdown();
}

int ipmmu_test_teardown(void **state)
{
    domid_t id;

    (void)state;
    if ( !platform_soc() )
        return 0;
    for ( id = 0; id < 32; id++ )
        if ( domain_by_id(id) )
            domain_destroy(domain_by_id(id));
    ipmmu_test_shutdown();
    return 0;
}

struct ipmmu_model *ipmmu_test_model(const char *path)
{
    struct ipmmu_model *m = soc_find_ipmmu(platform_soc(), path);

    assert_non_null(m);
    return m;
}

static uint32_t model_read(struct ipmmu_model *m, uint64_t off)
{
    uint32_t v = 0;

    assert_int_equal(ipmmu_model_mmio_read(m, off, &v), 0);
    return v;
}

uint32_t ipmmu_test_ctx_reg(const char *ipmmu, unsigned int ctx,
                            unsigned int reg)
{
    struct ipmmu_model *m = ipmmu_test_model(ipmmu);

    return model_read(m, ipmmu_model_ctx_reg(ipmmu_model_layout(m), ctx,
                                             reg));
}

uint32_t ipmmu_test_utlb_reg(const char *ipmmu, unsigned int utlb,
                             unsigned int reg)
{
    struct ipmmu_model *m = ipmmu_test_model(ipmmu);

    return model_read(m, ipmmu_model_utlb_reg(ipmmu_model_layout(m), utlb,
                                              reg));
}

uint32_t ipmmu_test_ctl_reg(const char *ipmmu, unsigned int reg)
{
    struct ipmmu_model *m = ipmmu_test_model(ipmmu);

    return model_read(m, ipmmu_model_ctl_reg(ipmmu_model_layout(m), reg));
}

struct domain *ipmmu_test_guest(domid_t id, const char *name,
                                unsigned long mib)
{
    struct domain *d = domain_create(id, name, CDF_iommu, mib * MIB);

    assert_false(IS_ERR(d));
    return d;
}

int ipmmu_test_assign(struct domain *d, const char *path)
{
    struct dt_device_node *np = dt_find_node_by_path(path);
    int rc;

    assert_non_null(np);
    rc = iommu_add_dt_device(np);
    assert_true(rc <= 0);
    if ( rc )
        return rc;
    return iommu_assign_dt_device(d, np);
}

int ipmmu_test_dma_write(const char *master, unsigned int ch, uint64_t iova,
                         const void *buf, size_t len,
                         struct soc_dma_result *res)
{
    return soc_dma_write(platform_soc(), master, ch, iova, buf, len, res);
}

int ipmmu_test_dma_read(const char *master, unsigned int ch, uint64_t iova,
                        void *buf, size_t len, struct soc_dma_result *res)
{
    return soc_dma_read(platform_soc(), master, ch, iova, buf, len, res);
}

int ipmmu_test_remove_page(struct domain *d, uint64_t ipa)
{
    gfn_t gfn = _gfn(ipa >> PAGE_SHIFT);
    p2m_type_t t;

    return guest_physmap_remove_page(d, gfn, p2m_lookup(d, gfn, &t), 0);
}

void ipmmu_test_guest_read(struct domain *d, uint64_t ipa, void *buf,
                           size_t len)
{
    while ( len )
    {
        size_t off = ipa & (PAGE_SIZE - 1);
        size_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
        p2m_type_t t;
        mfn_t mfn = p2m_lookup(d, _gfn(ipa >> PAGE_SHIFT), &t);
        char *page;

        assert_false(mfn_eq(mfn, INVALID_MFN));
        page = map_domain_page(mfn);
        memcpy(buf, page + off, n);
        unmap_domain_page(page);
        ipa += n;
        buf = (char *)buf + n;
        len -= n;
    }
}

void ipmmu_test_snapshot(struct ipmmu_test_snapshot *s)
{
    s->xmalloc_bytes = xmalloc_used_bytes();
    s->xmalloc_blocks = xmalloc_live_blocks();
    s->domheap_pages = hosted_pages_total() - hosted_pages_free();
    s->mmio_mappings = hosted_mmio_live_mappings();
}

void ipmmu_test_assert_same(const struct ipmmu_test_snapshot *before)
{
    struct ipmmu_test_snapshot now;

    ipmmu_test_snapshot(&now);
    assert_int_equal(xmem_pool_check(NULL), 0);
    assert_int_equal(now.xmalloc_bytes, before->xmalloc_bytes);
    assert_int_equal(now.xmalloc_blocks, before->xmalloc_blocks);
    assert_int_equal(now.domheap_pages, before->domheap_pages);
    assert_int_equal(now.mmio_mappings, before->mmio_mappings);
}
