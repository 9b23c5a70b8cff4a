#ifndef IOMMU_SIM_TREE_CHECKS_H
#define IOMMU_SIM_TREE_CHECKS_H

/*
 * The checks a tree must pass before the simulator boots it, after the
 * hypervisor's unflattening has accepted its structure.  Each failure is
 * one line "NODE: what is wrong" in 'err' (never a later symptom such as
 * "overlaps" from the MMIO bus or "no interrupt" for a cache taken for a
 * root).  Used by the door (sim_tree.c).
 */
#include <stddef.h>

#include "tools/iommu-sim/dt_report.h"

/*
 * Every 'iommus' property of the host tree: not empty, whole cells, each
 * entry a valid phandle of a node with #iommu-cells = 1; and the tree's
 * size limits for IOMMU wiring (cells per iommus or mmu-masters list, in
 * all, IOMMU nodes).  0 or -1.
 */
int tree_check_iommus(char *err, size_t errlen);

/*
 * With the report of the host tree: the IPMMUs' register windows (size
 * not 0, no wrap, no overlap), one root IPMMU per tree and every cache's
 * renesas,ipmmu-main naming it, the root's interrupt, and the RAM banks
 * (size not 0, no wrap, no overlap with each other or with the registers
 * of an IPMMU or of the PRR).  0 or -1.
 */
int tree_check_platform(const struct dt_report *r, char *err, size_t errlen);

#endif /* IOMMU_SIM_TREE_CHECKS_H */
