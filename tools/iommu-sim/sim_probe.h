#ifndef IOMMU_SIM_PROBE_H
#define IOMMU_SIM_PROBE_H

/*
 * Would the drivers bind this tree's IPMMUs and Arm SMMUs?  Boots the simulated
 * platform from a validated tree, runs the IOMMU probe (no domain, no
 * DMA) and shuts everything down again, so that the answer is the
 * driver's own decision (SoC revision from the PRR, compatibles), not a
 * copy of its tables.  Used by 'dt' and 'check'.
 */
#include <stdbool.h>

#include "tools/iommu-sim/sim_tree.h"

struct sim_probe {
    unsigned int nr_ipmmus;          /* IPMMU models the platform built */
    unsigned int nr_smmus;           /* Arm SMMU models it built */
    unsigned int nr_up;              /* IOMMUs the drivers brought up */
    unsigned int nr_smmus_up;        /* ... of which SMMUs */
    unsigned int nr_contexts;        /* the root's contexts, 0: unknown */
    char why[320];                   /* the driver's reason when not all up */
};

/*
 * 0 when the probe ran (p->nr_up says how it went), -1 when the platform
 * could not be built (p->why says why).  'while_up', when not NULL, runs
 * after the probe while the platform is still up (dt_host is the booted
 * tree); the devices it registers must stay unassigned.  dt_host is gone
 * afterwards.
 */
int sim_probe_driver(const struct sim_tree *t, struct sim_probe *p,
                     void (*while_up)(void *opaque), void *opaque);

#endif /* IOMMU_SIM_PROBE_H */
