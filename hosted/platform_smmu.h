#ifndef HOSTED_PLATFORM_SMMU_H
#define HOSTED_PLATFORM_SMMU_H

/*
 * The Arm SMMU part of the platform build (hosted/platform.c calls it):
 * one soc_smmu_desc per SMMU node, its interrupts split by
 * #global-interrupts, and the streams of every master from the generic
 * `iommus` binding or the legacy `mmu-masters` one.  Private to hosted/.
 */
#include <stdbool.h>
#include <stddef.h>

#include <xen/device_tree.h>
#include "hw/soc.h"

struct platform_smmus {
    unsigned int nr;
    struct soc_smmu_desc smmus[SOC_MAX_SMMUS];
    const struct dt_device_node *nodes[SOC_MAX_SMMUS];
    unsigned int *irqs[SOC_MAX_SMMUS];
    unsigned int nr_masters;
    struct soc_smmu_master_desc *masters;
    struct soc_stream_desc *streams;
};

/* A node one of our SMMU compatibles names (available or not). */
bool platform_node_is_smmu(const struct dt_device_node *np);

/* Fill 'ps' and the SMMU fields of 'desc' from dt_host.  Returns 0, or a
 * negative errno with one line in 'err' naming the node and the reason. */
int platform_smmus_collect(struct platform_smmus *ps, struct soc_desc *desc,
                           char *err, size_t errlen);
void platform_smmus_free(struct platform_smmus *ps);

#endif /* HOSTED_PLATFORM_SMMU_H */
