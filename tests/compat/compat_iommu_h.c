/*
 * <xen/iommu.h> alone: errno values, the page-size names, bitmaps and the
 * arch hooks a driver names, as with Xen's header.
 */
#include <xen/iommu.h>

int compat_iommu_h_values(unsigned long *page_size_4k,
                          unsigned int *bitmap_longs);

int compat_iommu_h_values(unsigned long *page_size_4k,
                          unsigned int *bitmap_longs)
{
    DECLARE_BITMAP(map, 65);
    void (*hwdom_init)(struct domain *d) = arch_iommu_hwdom_init;

    bitmap_zero(map, 65);
    set_bit(64, map);
    clear_bit(64, map);
    set_bit(3, map);
    *page_size_4k = PAGE_SIZE_4K;
    *bitmap_longs = sizeof(map) / sizeof(map[0]);

    return hwdom_init && find_first_zero_bit(map, 65) == 0 &&
           find_first_bit(map, 65) == 3 ? ESRCH : -1;
}
