#ifndef HOSTED_PLATFORM_H
#define HOSTED_PLATFORM_H

/*
 * The simulated platform the hypervisor runs on, built from a device tree:
 * it unflattens the blob into the host tree (dt_host), declares the RAM
 * banks of the /memory nodes, builds the SoC (PRR, IPMMU models, DMA
 * ports of every master with `iommus`; one Arm SMMU model per
 * arm,smmu-v1/-v2, arm,mmu-400/-401/-500 or cavium,smmu-v2 node with the
 * streams of its masters from `iommus` or `mmu-masters`), puts the SoC's
 * registers on the MMIO bus and wires the IOMMUs' interrupts to the
 * hosted IRQ lines.
 *
 * DMA from a master: behind an IPMMU, soc_dma_read/write(platform_soc(),
 * path, channel, ...) (hw/soc.h); behind an SMMU, platform_smmu_dma_read/
 * write below (or soc_smmu_dma_read/write on platform_soc()).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dt_device_node;
struct soc;
struct soc_smmu_dma_result;

/*
 * Boot a platform from a flattened device tree (any previous one is shut
 * down first).  Returns 0, or a negative errno with one line in 'err'
 * naming the node and the reason.
 */
int platform_boot(const void *fdt, size_t size, char *err, size_t errlen);
void platform_shutdown(void);

/* The running SoC, or NULL. */
struct soc *platform_soc(void);

/*
 * DMA by the master at DT path 'path' through its SMMU stream 'channel'
 * (index in its `iommus` list, or in its `mmu-masters` stream IDs),
 * 'len' bytes at I/O virtual address 'iova'.  Returns 0 when every byte
 * moved, -1 otherwise with the SMMU's verdict in 'res' (may be NULL;
 * SMMU_BAD_REQUEST for no platform, an unknown master or channel).
 */
int platform_smmu_dma_read(const char *path, unsigned int channel,
                           uint64_t iova, void *buf, size_t len,
                           struct soc_smmu_dma_result *res);
int platform_smmu_dma_write(const char *path, unsigned int channel,
                            uint64_t iova, const void *buf, size_t len,
                            struct soc_smmu_dma_result *res);

/*
 * Whether 'np' is a node the platform builds an Arm SMMU model for (one of
 * the compatibles above, available or not).  For tools that must tell an
 * SMMU from an IPMMU in a tree.
 */
bool platform_node_is_smmu(const struct dt_device_node *np);

/*
 * The PRR value a device tree implies: the board's `renesas,prr-value`
 * when present (our built-in boards), otherwise the value of the SoC named
 * by the root `compatible` (docs/soc.md), or 0 when unknown.
 */
uint32_t platform_prr_value_for_tree(void);

#endif /* HOSTED_PLATFORM_H */
