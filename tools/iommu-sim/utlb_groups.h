#ifndef IOMMU_SIM_UTLB_GROUPS_H
#define IOMMU_SIM_UTLB_GROUPS_H

/*
 * uTLB groups: the bus masters whose `iommus` name the same uTLB of the
 * same IPMMU.  A uTLB is one hardware port: the IPMMU cannot tell its
 * masters apart, so they can only be passed through together, to one
 * domain (the driver holds the port blocked until they all belong to
 * one domain and refuses an assignment that would split them; see
 * docs/ipmmu-driver.md).  Only available masters count, as in the
 * driver; PCIe `iommu-map` entries are not masters of a shared port.
 *
 * Used by 'iommu-sim dt' (report), 'iommu-sim run' (refuse a split
 * before booting) and any command that checks configurations.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xen/device_tree.h>
#include "tools/iommu-sim/dt_report.h"
#include "tools/iommu-sim/run_config.h"

struct utlb_group {
    const struct dt_device_node *ipmmu;
    uint32_t utlb;
    unsigned int nr_masters;                 /* 2 or more */
    const struct dt_device_node **masters;   /* in tree order */
};

struct utlb_groups {
    unsigned int nr;
    struct utlb_group *groups;               /* by IPMMU, then uTLB */
};

/* The groups of a report (only uTLBs with two masters or more); 0, or
 * -1 when out of memory (g is then empty). */
int utlb_groups_build(const struct dt_report *r, struct utlb_groups *g);
void utlb_groups_free(struct utlb_groups *g);

/* Where one master is meant to go. */
struct utlb_assignment {
    const char *path;        /* a node path, as in a config's dtdev */
    const char *domain;      /* who gets it, as the messages name it */
};

/*
 * Every group that the assignments split: masters of one group meant for
 * different domains, or some meant for a domain and the others, named by
 * no assignment, left to 'unlisted' (e.g. "dom0").  For each split group
 * 'report' gets one line: "uTLB group split across domains: uTLB N of
 * IPMMU is one port shared by M1 (D1), M2 (D2): ...".  Paths resolve in
 * dt_host (unknown paths are ignored).  Returns the number of split
 * groups.
 */
unsigned int utlb_groups_find_splits(const struct utlb_groups *g,
                                     const struct utlb_assignment *asg,
                                     unsigned int nr_asg,
                                     const char *unlisted,
                                     void (*report)(const char *line,
                                                    void *arg),
                                     void *arg);

/* 'iommu-sim dt': a text section, or a JSON array (no newline after). */
void utlb_groups_print_text(FILE *out, const struct utlb_groups *g);
void utlb_groups_print_json(FILE *out, const struct utlb_groups *g);

/*
 * 'iommu-sim run', before booting: finds, in the validated host tree
 * (dt_host), the groups the guests split (masters no guest names go to
 * dom0).  Returns 0, or -1 after one line on stderr (the first split
 * group, and how many more there are).
 */
int utlb_groups_check_guests(const struct run_guest *guests,
                             unsigned int nr_guests);

#endif /* IOMMU_SIM_UTLB_GROUPS_H */
