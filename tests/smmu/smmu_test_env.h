#ifndef TESTS_SMMU_SMMU_TEST_ENV_H
#define TESTS_SMMU_SMMU_TEST_ENV_H

/*
 * Shared set-up of the SMMU driver tests: the two test trees (generic
 * `iommus` binding, legacy `mmu-masters`), booting them through the
 * platform and the IOMMU core, the SMMU models (the oracle: registers,
 * statistics, DMA by stream ID), and the driver's state.  Guests, guest
 * memory reads and the leak accounting come from the IPMMU tests'
 * environment (tests/ipmmu/ipmmu_test_env.h), which is not IPMMU-specific
 * there.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/sched.h>
#include "hw/smmu_model.h"
#include "xen/drivers/passthrough/arm/smmu.h"
#include "../ipmmu/ipmmu_test_env.h"

/* smmu-generic.dts */
#define G_SMMU0   "/soc/iommu@fd800000"     /* #iommu-cells = <1> */
#define G_SMMU1   "/soc/iommu@fd900000"     /* #iommu-cells = <2> */
#define G_DMA0    "/soc/dma@ff000000"       /* smmu0 0x10 */
#define G_DMA1    "/soc/dma@ff010000"       /* smmu0 0x11 */
#define G_MMC     "/soc/mmc@ff020000"       /* smmu0 0x20, 0x21 */
#define G_GPU     "/soc/gpu@ff030000"       /* smmu0 0x30, shared */
#define G_VPU     "/soc/vpu@ff040000"       /* smmu0 0x30, shared */
#define G_SATA    "/soc/sata@fd0c0000"      /* smmu1 0x5 */
#define G_ETH     "/soc/ethernet@ff0e0000"  /* smmu1 0x100 mask 0xff */
#define G_USB     "/soc/usb@ff0f0000"       /* smmu1 0xf0 mask 0x10f */

/* smmu-legacy.dts */
#define L_SMMU_SATA  "/soc/iommu@e0200000"  /* MMU-401 */
#define L_SMMU_XGMAC "/soc/iommu@e0600000"  /* MMU-401 */
#define L_DMA0       "/soc/dma@e0300000"    /* 0x3 */
#define L_SATA0      "/soc/sata@e0310000"   /* 0x0, 0x1 */
#define L_XGMAC0     "/soc/ethernet@e0700000" /* 0x100 */
#define L_GPIO       "/soc/gpio@e0800000"   /* no stream */

enum smmu_test_tree { SMMU_TREE_GENERIC, SMMU_TREE_LEGACY };

/*
 * The platform: boot a blob (RAM, SMMU models, MMIO, interrupts), shut
 * it down, whether one is up, an SMMU model by DT path, physical memory.
 */
int smmu_test_platform_boot(const void *blob, size_t size);
void smmu_test_platform_shutdown(void);
/* Why the last smmu_test_platform_boot() failed. */
const char *smmu_test_platform_error(void);
bool smmu_test_platform_booted(void);
struct smmu_model *smmu_test_platform_model(const char *path);
struct phys_mem *smmu_test_platform_mem(void);

/* Boot a blob and the IOMMUs (console captured); iommu_setup()'s result. */
int smmu_test_boot(const void *blob, size_t size);
void smmu_test_shutdown(void);
/*
 * iommu=[no-]quarantine for the next boot (the driver's switch today,
 * the core's option once it has one: change only this).
 */
void smmu_test_set_quarantine(bool on);
/* cmocka teardown: whatever a failed test left (domains, platform). */
int smmu_test_teardown(void **state);

/* A private copy of a test tree with room for patches (free() it). */
void *smmu_test_blob(enum smmu_test_tree tree, size_t *size);
/* Boot a tree (console captured); returns iommu_setup()'s result. */
int smmu_test_boot_tree(enum smmu_test_tree tree);

struct smmu_model *smmu_test_model(const char *smmu);
struct smmu_device *smmu_test_device(const char *smmu);
/* Register reads through the model: global space 0/1, a context bank. */
uint32_t smmu_test_gr0(const char *smmu, unsigned int off);
uint32_t smmu_test_gr1(const char *smmu, unsigned int off);
uint32_t smmu_test_cb(const char *smmu, unsigned int cb, unsigned int off);
/* The stream match entry (SMR index) the driver uses for (sid, mask). */
int smmu_test_sme(const char *smmu, uint32_t sid, uint32_t mask);

/* DMA by stream 'sid' through an SMMU; the model's outcome. */
enum smmu_model_outcome smmu_test_dma(const char *smmu, uint32_t sid,
                                      uint64_t iova, void *buf, size_t len,
                                      bool write, struct smmu_xlate *res);

/* The driver's data for d / the context bank of d on an SMMU (-1). */
struct smmu_domain *smmu_test_domain(struct domain *d);
int smmu_test_domain_cb(struct domain *d, const char *smmu);
/* smmu_domain_fault_count(d), which must succeed (cmocka). */
unsigned long smmu_test_fault_count(struct domain *d);

#endif /* TESTS_SMMU_SMMU_TEST_ENV_H */
