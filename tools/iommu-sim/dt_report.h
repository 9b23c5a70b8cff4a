#ifndef IOMMU_SIM_DT_REPORT_H
#define IOMMU_SIM_DT_REPORT_H

/*
 * What a device tree says about its IOMMUs: every IPMMU node (address,
 * size, root or cache, generation), every Arm SMMU node the platform
 * models (address, size, model, binding), and every bus master that names
 * one ('iommus' entries, PCIe 'iommu-map' entries, an SMMU's legacy
 * 'mmu-masters').  Built from an unflattened tree; used by 'iommu-sim dt'
 * and its tests.
 */
#include <stdbool.h>
#include <stdint.h>

#include <xen/device_tree.h>

enum ipmmu_gen {
    IPMMU_GEN_UNKNOWN,
    IPMMU_GEN2,
    IPMMU_GEN3,
    IPMMU_GEN4,
};

struct report_ipmmu {
    const struct dt_device_node *np;
    uint64_t addr, size;
    bool is_root;                /* no renesas,ipmmu-main */
    int main_bit;                /* Gen3 ipmmu-main cell, -1 when none */
    enum ipmmu_gen gen;
    const char *compatible;      /* the first IPMMU compatible it has */
    unsigned int nr_irqs;
    int irqs[4];                 /* platform_get_irq(), in order */
};

/* An SMMU node (arm,smmu-v1/-v2, arm,mmu-400/-401/-500, cavium,smmu-v2). */
struct report_smmu {
    const struct dt_device_node *np;
    uint64_t addr, size;
    const char *compatible;      /* the first SMMU compatible it has */
    const char *model;           /* "MMU-500", "SMMUv1", ... */
    unsigned int version;        /* architecture: 1 or 2 */
    bool legacy;                 /* has mmu-masters (the legacy binding) */
    bool available;              /* status is not "disabled" */
    unsigned int nr_global_irqs; /* #global-interrupts */
    unsigned int nr_irqs;        /* every interrupt it lists */
};

/* What an 'iommus' (or 'mmu-masters') entry points at. */
enum report_ref_kind {
    REF_IPMMU,                   /* id: the uTLB */
    REF_SMMU,                    /* id: the stream ID (and a mask) */
    REF_OTHER,                   /* an IOMMU the simulator does not model */
};

struct report_ref {
    const struct dt_device_node *iommu;
    uint32_t id;
    enum report_ref_kind kind;
    bool has_mask;               /* SMMU: <&smmu sid mask> */
    uint32_t mask;
    bool legacy;                 /* SMMU: from the SMMU's mmu-masters */
};

struct report_map {              /* one iommu-map entry */
    uint32_t rid_base;
    const struct dt_device_node *iommu;
    enum report_ref_kind kind;
    uint32_t id_base;
    uint32_t length;
};

struct report_master {
    const struct dt_device_node *np;
    bool available;
    unsigned int nr_refs, nr_maps;
    struct report_ref *refs;
    struct report_map *maps;
};

struct dt_report {
    unsigned int nr_nodes;
    unsigned int nr_ipmmus, nr_masters, nr_smmus;
    struct report_ipmmu *ipmmus;
    struct report_master *masters;
    struct report_smmu *smmus;
};

/*
 * Fills 'r' from the tree whose root is 'root'; phandles resolve in the
 * host tree, so 'root' must be dt_host.  Returns 0, or -1 with a one
 * line reason in 'err' (the node and what is wrong with it).
 */
int dt_report_build(struct dt_device_node *root, struct dt_report *r,
                    char *err, size_t err_len);
void dt_report_free(struct dt_report *r);

/* The generation a compatible string names, IPMMU_GEN_UNKNOWN if none. */
enum ipmmu_gen ipmmu_gen_of_compatible(const char *compat);
/* The node's IPMMU compatible (NULL: not an IPMMU) and its generation. */
const char *ipmmu_compatible(const struct dt_device_node *np,
                             enum ipmmu_gen *gen);
const char *ipmmu_gen_name(enum ipmmu_gen gen);
/* What kind of IOMMU 'np' is, as an 'iommus' target. */
enum report_ref_kind report_ref_kind_of(const struct dt_device_node *np);

#endif /* IOMMU_SIM_DT_REPORT_H */
