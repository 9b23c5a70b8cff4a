#ifndef HOSTED_PLATFORM_H
#define HOSTED_PLATFORM_H

/*
 * The simulated platform the hypervisor runs on, built from a device tree:
 * it unflattens the blob into the host tree (dt_host), declares the RAM
 * banks of the /memory nodes, builds the SoC (PRR, IPMMU models, DMA
 * ports of every master with `iommus`), puts the SoC's registers on the
 * MMIO bus and wires the root IPMMU's interrupt to the hosted IRQ lines.
 */
#include <stddef.h>
#include <stdint.h>

struct soc;

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
 * The PRR value a device tree implies: the board's `renesas,prr-value`
 * when present (our built-in boards), otherwise the value of the SoC named
 * by the root `compatible` (docs/soc.md), or 0 when unknown.
 */
uint32_t platform_prr_value_for_tree(void);

#endif /* HOSTED_PLATFORM_H */
