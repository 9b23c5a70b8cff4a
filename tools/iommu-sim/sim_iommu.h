#ifndef IOMMU_SIM_IOMMU_H
#define IOMMU_SIM_IOMMU_H

/*
 * Which IOMMU a device-tree node is, or sits behind, as the tool's
 * commands need to know before (or without) booting the tree: an Arm
 * SMMU node (the platform's own test, hosted/platform.h), a master named
 * by an SMMU's legacy `mmu-masters`, any master behind an IOMMU (its own
 * `iommus`, or the legacy list).  Works on dt_host.
 */
#include <stdbool.h>
#include <stddef.h>

#include <xen/device_tree.h>

bool sim_node_is_smmu(const struct dt_device_node *np);
/* An SMMU node's `mmu-masters` names 'np' (the legacy binding). */
bool sim_node_is_legacy_master(const struct dt_device_node *np);
/*
 * 'np' sits behind an IOMMU the simulator models: an `iommus` entry names
 * an IPMMU or an SMMU, or an SMMU's `mmu-masters` names it (available or
 * not).  An entry naming another kind of IOMMU does not count.
 */
bool sim_node_behind_iommu(const struct dt_device_node *np);

/*
 * While a platform is up: the SMMU nodes it built whose status is
 * "disabled" (the driver leaves them alone), as "disabled in the tree
 * (status): PATH, ..." in 'why' ("" when none); their number.
 */
unsigned int sim_disabled_smmus(char *why, size_t len);

#endif /* IOMMU_SIM_IOMMU_H */
