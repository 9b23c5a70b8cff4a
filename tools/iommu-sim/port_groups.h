#ifndef IOMMU_SIM_PORT_GROUPS_H
#define IOMMU_SIM_PORT_GROUPS_H

/*
 * IOMMU port groups: the bus masters that reach an IOMMU through one
 * port it cannot tell them apart by, so that they can only be passed
 * through together, to one domain.  Two kinds:
 *
 *  - port_kind_utlb: a uTLB of an IPMMU named by several masters'
 *    `iommus` (the driver holds such a uTLB blocked until its masters
 *    all belong to one domain: docs/ipmmu-driver.md);
 *  - port_kind_sme: a stream match entry (SMR + S2CR) of an Arm SMMU
 *    that several masters' streams land in, by the driver's own rule
 *    smmu_smr_covers() (docs/smmu-driver.md).
 *
 * The collection, grouping and split detection are shared
 * (port_groups.c); a kind says which references it takes and how it
 * keys, names and prints a port (port_groups_utlb.c,
 * port_groups_smmu.c).  Only available masters count, as in the
 * drivers; PCIe `iommu-map` entries are not masters of a shared port.
 * Used by 'iommu-sim dt' (list), 'check' (report splits) and 'run'
 * (refuse a split before booting).  See docs/iommu-sim.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xen/device_tree.h>
#include "tools/iommu-sim/dt_report.h"
#include "tools/iommu-sim/run_config.h"

struct port_kind;

struct port_group {
    const struct dt_device_node *iommu;
    uint32_t id, mask;                       /* the port (uTLB: mask 0) */
    unsigned int nr_masters;                 /* 2 or more */
    const struct dt_device_node **masters;   /* in tree order */
};

struct port_groups {
    const struct port_kind *kind;
    unsigned int nr, room;
    struct port_group *groups;               /* by IOMMU, then port */
    char why[256];                           /* why port_groups_build failed */
};

extern const struct port_kind port_kind_utlb;   /* IPMMU uTLBs */
extern const struct port_kind port_kind_sme;    /* SMMU match entries */

/* The groups of one kind in a report of dt_host (only ports with two
 * masters or more); 0, or -1 (g is then empty) with the reason in g->why:
 * out of memory, or an IOMMU with too many ports to work out. */
int port_groups_build(const struct port_kind *kind,
                      const struct dt_report *r, struct port_groups *g);
void port_groups_free(struct port_groups *g);

/* Where one master is meant to go. */
struct port_assignment {
    const char *path;        /* a node path, as in a config's dtdev */
    const char *domain;      /* who gets it, as the messages name it */
};

/*
 * Every group that the assignments split: masters of one group meant for
 * different domains, or some meant for a domain and the others, named by
 * no assignment, left to 'unlisted' (e.g. "dom0").  For each split group
 * 'report' gets one line, e.g. "uTLB group split across domains: uTLB N
 * of IPMMU is one port shared by M1 (D1), M2 (D2): ..." or "stream match
 * entry split across domains: stream 0xS mask 0xM of SMMU is one stream
 * match entry shared by ...".  Paths resolve in dt_host (unknown paths
 * are ignored).  Returns the number of split groups.
 */
unsigned int port_groups_find_splits(const struct port_groups *g,
                                     const struct port_assignment *asg,
                                     unsigned int nr_asg,
                                     const char *unlisted,
                                     void (*report)(const char *line,
                                                    void *arg),
                                     void *arg);

/* 'iommu-sim dt': a text section ("shared uTLBs: ..."), or the JSON
 * value of the kind's json_key (an array, no newline after). */
void port_groups_print_text(FILE *out, const struct port_groups *g);
void port_groups_print_json(FILE *out, const struct port_groups *g);

/*
 * 'iommu-sim run', before booting: finds, in the validated host tree
 * (dt_host), the groups of this kind the guests split (masters no guest
 * names go to dom0).  Returns 0, or -1 after one line on stderr (the
 * first split group, and how many more there are).
 */
int port_groups_check_guests(const struct port_kind *kind,
                             const struct run_guest *guests,
                             unsigned int nr_guests);

/* ---- For the kinds (port_groups_utlb.c, port_groups_smmu.c) ---- */

/* One reference of one master, and the port it lands in. */
struct port_use {
    const struct dt_device_node *iommu;
    unsigned int iommu_rank;         /* the order IOMMUs are listed in */
    uint32_t id, mask;               /* the reference */
    uint32_t port_id, port_mask;     /* its port (set by the kind) */
    const struct dt_device_node *master;
    unsigned int master_rank;        /* tree order */
};

struct port_kind {
    /* Messages: "uTLBs" (ports), "uTLB group" (one group), "one port"
     * (what its masters share), the rule, and "groups" for "(and N more
     * split groups)". */
    const char *ports, *group, *shared, *rule, *more;
    /* 'dt': the text heading, and the JSON key. */
    const char *heading, *json_key;
    /*
     * Whether ref (of an available master) is one of this kind's; if so
     * fills u's iommu, iommu_rank, id and mask.
     */
    bool (*take)(const struct dt_report *r, const struct report_ref *ref,
                 struct port_use *u);
    /* Sets every use's port (all uses of the kind, any IOMMU); 0, or
     * -ENOMEM / -E2BIG (too many to work out) with a reason in why. */
    int (*place)(struct port_use *uses, unsigned int nr, char *why,
                 size_t len);
    /* The port in a message ("uTLB 32 of /soc/iommu@e7740000"), in the
     * 'dt' text ("/soc/iommu@e7740000 utlb 32") and in JSON (the
     * members before "masters"). */
    int (*name)(char *buf, size_t len, const struct port_group *grp);
    void (*print_text)(FILE *out, const struct port_group *grp);
    void (*print_json)(FILE *out, const struct port_group *grp);
};

#endif /* IOMMU_SIM_PORT_GROUPS_H */
