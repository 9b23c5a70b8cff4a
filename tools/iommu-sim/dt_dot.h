#ifndef IOMMU_SIM_DT_DOT_H
#define IOMMU_SIM_DT_DOT_H

/*
 * 'iommu-sim dt --format dot': the IPMMU topology of a tree as a
 * Graphviz digraph.  The root IPMMU, each cache pointing at it, each
 * uTLB a master uses under its cache, each master pointing at its uTLBs
 * (PCIe 'iommu-map' entries dashed).  With guest configurations, each
 * guest's masters are filled with one colour and dom0's stay grey.
 */
#include <stdio.h>

#include "tools/iommu-sim/dt_report.h"
#include "tools/iommu-sim/run_config.h"

/*
 * Prints the graph of 'r' (a report of the host tree).  A dtdev that
 * names no node of the tree is an error: -1 with one line in 'err'.
 */
int dt_dot_print(FILE *out, const char *label, const struct dt_report *r,
                 const struct run_guest *guests, unsigned int nr_guests,
                 char *err, size_t errlen);

#endif /* IOMMU_SIM_DT_DOT_H */
