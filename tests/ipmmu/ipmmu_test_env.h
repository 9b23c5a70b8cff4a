#ifndef TESTS_IPMMU_IPMMU_TEST_ENV_H
#define TESTS_IPMMU_IPMMU_TEST_ENV_H

/*
 * Shared set-up of the IPMMU driver tests: a built-in board's blob (a
 * private copy that a test may patch with libfdt), booting it through the
 * platform and the IOMMU core, register access to the IPMMU models (the
 * oracle), guests with devices, and the accounting that proves a
 * sequence left nothing behind.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/sched.h>
#include "hw/ipmmu_model.h"
#include "hw/ipmmu_model_regs.h"
#include "hw/soc.h"

/* Paths in the built-in boards. */
#define H3_ROOT   "/soc/iommu@e67b0000"
#define H3_DS0    "/soc/iommu@e6740000"
#define H3_DS1    "/soc/iommu@e7740000"
#define H3_HC     "/soc/iommu@e6570000"
#define H3_SDHI0  "/soc/mmc@ee100000"
#define H3_SDHI1  "/soc/mmc@ee120000"
#define H3_SDHI2  "/soc/mmc@ee140000"      /* ds1 uTLB 34 */
#define H3_SDHI3  "/soc/mmc@ee160000"      /* ds1 uTLB 35 */
#define H3_SATA   "/soc/sata@ee300000"     /* hc uTLB 2 */
#define H3_AVB    "/soc/ethernet@e6800000" /* ds0 uTLB 16 */
#define H3_DMAC0  "/soc/dma-controller@e6700000"
#define S4_ROOT   "/soc/iommu@eefc0000"
#define S4_DS0    "/soc/iommu@eed00000"
#define S4_MMC0   "/soc/mmc@ee140000"      /* ds0 uTLB 32 */
#define S4_DMAC1  "/soc/dma-controller@e7351000"

#define MIB (1ULL << 20)

/* A private copy of a board's blob with room for patches. */
void *ipmmu_test_blob(const char *board, size_t *size);
void ipmmu_test_set_prr(void *blob, uint32_t prr);
/* Point node 'path''s iommus at <&ipmmu utlb>. */
void ipmmu_test_set_iommus(void *blob, const char *path, const char *ipmmu,
                           uint32_t utlb);

/* Move a childless node to the front of its parent's children. */
void ipmmu_test_move_first(void *blob, const char *path);

/* platform_boot + iommu_setup (console captured, not echoed). */
int ipmmu_test_boot(const void *blob, size_t size);
int ipmmu_test_boot_board(const char *board);
/* Register every master with iommus (quarantine); returns how many. */
unsigned int ipmmu_test_add_all_devices(void);
void ipmmu_test_shutdown(void);
/* cmocka teardown: whatever a failed test left (domains, platform). */
int ipmmu_test_teardown(void **state);

struct ipmmu_model *ipmmu_test_model(const char *path);
uint32_t ipmmu_test_ctx_reg(const char *ipmmu, unsigned int ctx,
                            unsigned int reg);
uint32_t ipmmu_test_utlb_reg(const char *ipmmu, unsigned int utlb,
                             unsigned int reg);
uint32_t ipmmu_test_ctl_reg(const char *ipmmu, unsigned int reg);

/* A guest with CDF_iommu and the given RAM; fails the test on error. */
struct domain *ipmmu_test_guest(domid_t id, const char *name,
                                unsigned long mib);
int ipmmu_test_assign(struct domain *d, const char *path);

/* DMA through the SoC; 0 on success. */
int ipmmu_test_dma_write(const char *master, unsigned int ch, uint64_t iova,
                         const void *buf, size_t len,
                         struct soc_dma_result *res);
int ipmmu_test_dma_read(const char *master, unsigned int ch, uint64_t iova,
                        void *buf, size_t len, struct soc_dma_result *res);
/* Remove the page at 'ipa' from d's P2M (whatever frame it maps):
 * guest_physmap_remove_page()'s result. */
int ipmmu_test_remove_page(struct domain *d, uint64_t ipa);
/* CPU view of d's memory through its P2M. */
void ipmmu_test_guest_read(struct domain *d, uint64_t ipa, void *buf,
                           size_t len);

struct ipmmu_test_snapshot {
    unsigned long xmalloc_bytes;
    unsigned long xmalloc_blocks;
    unsigned long domheap_pages;
    unsigned int mmio_mappings;
};
void ipmmu_test_snapshot(struct ipmmu_test_snapshot *s);
void ipmmu_test_assert_same(const struct ipmmu_test_snapshot *before);

#endif /* TESTS_IPMMU_IPMMU_TEST_ENV_H */
