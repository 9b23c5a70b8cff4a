#ifndef IOMMU_SIM_SMMU_GROUPS_H
#define IOMMU_SIM_SMMU_GROUPS_H

/*
 * Stream match entry groups: the bus masters of an Arm SMMU whose streams
 * land in one stream match entry (SMR + S2CR), the SMMU's counterpart of
 * an IPMMU's shared uTLB (utlb_groups.h).  One entry routes to one
 * context bank, so its masters can only be passed through together, to
 * one domain: the driver keeps such an entry blocked until every master
 * using it belongs to the same domain (docs/smmu-driver.md).
 *
 * A stream is (stream ID, mask) as the driver reads it: <&smmu sid mask>,
 * or <&smmu sid> with the SMMU's stream-match-mask (0 when none), or a
 * legacy mmu-masters stream ID (mask 0).  Two streams share an entry when
 * one covers the other (smmu_smr_covers(), the driver's own rule); the
 * entry is named by the widest stream that covers them.  Only available
 * masters behind available SMMUs count, as in the driver.
 */
#include "tools/iommu-sim/run_config.h"

/*
 * 'iommu-sim run', before booting: finds, in the validated host tree
 * (dt_host), the entries the guests split (masters no guest names go to
 * dom0).  Returns 0, or -1 after one line on stderr: "run: stream match
 * entry split across domains: stream 0xS mask 0xM of SMMU is one stream
 * match entry shared by M1 (D1), M2 (D2): ..." (the first split entry,
 * and how many more there are).
 */
int smmu_groups_check_guests(const struct run_guest *guests,
                             unsigned int nr_guests);

#endif /* IOMMU_SIM_SMMU_GROUPS_H */
