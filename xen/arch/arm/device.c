/*
 * Driver look-up for device tree nodes: the drivers are the struct
 * device_desc entries that DT_DEVICE_START places in the "xen_dev_info"
 * section; this file walks them by class and compatible.
 */
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <asm/device.h>

/* The section is empty (and its bounds NULL) in a program without drivers. */
static const struct device_desc *first_desc(void)
{
    return __start_xen_dev_info;
}

static const struct device_desc *end_desc(void)
{
    return __stop_xen_dev_info;
}

static bool reserved_for_passthrough(const struct dt_device_node *dev)
{
    return dt_property_read_bool(dev, "xen,passthrough");
}

int device_init(struct dt_device_node *dev, enum device_class class,
                const void *data)
{
    const struct device_desc *desc;

    if ( !dev )
        return -EINVAL;
    if ( !dt_device_is_available(dev) || reserved_for_passthrough(dev) )
        return -ENODEV;

    for ( desc = first_desc(); desc != end_desc(); desc++ )
    {
        if ( desc->class != class || !desc->dt_match )
            continue;
        if ( !dt_match_node(desc->dt_match, dev) )
            continue;
        if ( !desc->init )
        {
            printk(XENLOG_ERR "%s: driver '%s' has no init function\n",
                   dt_node_full_name(dev), desc->name);
            return -EINVAL;
        }
        return desc->init(dev, data);
    }

    return -EBADF;
}

enum device_class device_get_class(const struct dt_device_node *dev)
{
    const struct device_desc *desc;

    if ( !dev )
        return DEVICE_UNKNOWN;

    for ( desc = first_desc(); desc != end_desc(); desc++ )
        if ( desc->dt_match && dt_match_node(desc->dt_match, dev) )
            return desc->class;

    return DEVICE_UNKNOWN;
}
