/* <xen/types.h> alone declares bitmaps, as Xen's does. */
#include <xen/types.h>

unsigned int compat_types_h_bitmap(void);

unsigned int compat_types_h_bitmap(void)
{
    DECLARE_BITMAP(map, BITS_PER_LONG + 1);

    return sizeof(map) / sizeof(map[0]) + BITS_TO_LONGS(1);
}
