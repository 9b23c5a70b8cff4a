#ifndef IOMMU_SIM_DTDEV_PATH_H
#define IOMMU_SIM_DTDEV_PATH_H

/*
 * A configuration's dtdev path turned into the node the hypervisor will
 * act on.  Repeated and trailing '/' are dropped; the rest must name a
 * node with the hypervisor's own lookup (dt_find_node_by_path), which
 * compares whole names: "/soc/mmc" does not mean "/soc/mmc@ee140000", and
 * such a path is refused with the candidates listed.  Callers compare and
 * pass on dt_node_full_name() of the result, never the user's spelling,
 * so the tool and the hypervisor always mean the same node.
 */
#include <stddef.h>

struct dt_device_node;

/* 0 and *np, or -1 with one line in 'err' (starting 'dtdev "PATH": '). */
int dtdev_resolve(const char *path, struct dt_device_node **np, char *err,
                  size_t errlen);

#endif /* IOMMU_SIM_DTDEV_PATH_H */
