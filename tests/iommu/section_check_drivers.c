/* Two IOMMU drivers in a second translation unit (see section_check.c). */
#include <xen/device_tree.h>
#include <asm/device.h>

int section_check_probe(struct dt_device_node *np, const void *data);

static const struct dt_device_match iommu_a_match[] = {
    DT_MATCH_COMPATIBLE("check,iommu-a"),
    { },
};

static const struct dt_device_match iommu_b_match[] = {
    DT_MATCH_COMPATIBLE("check,iommu-x"),
    DT_MATCH_COMPATIBLE("check,iommu-b"),
    { },
};

DT_DEVICE_START(check_iommu_a, "check IOMMU a", DEVICE_IOMMU)
    .dt_match = iommu_a_match,
    .init = section_check_probe,
DT_DEVICE_END

DT_DEVICE_START(check_iommu_b, "check IOMMU b", DEVICE_IOMMU)
    .dt_match = iommu_b_match,
    .init = section_check_probe,
DT_DEVICE_END
