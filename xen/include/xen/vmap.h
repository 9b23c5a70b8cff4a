#ifndef XEN_VMAP_H
#define XEN_VMAP_H

/*
 * Mappings of physical ranges into the hypervisor's address space.  What
 * drivers use from Xen's header: ioremap / iounmap (device memory, the
 * architecture's <asm/io.h>).  The general vmap / vmalloc allocator is not
 * provided.
 */
#include <xen/compiler.h>
#include <xen/types.h>
#include <asm/io.h>

/* Device memory is always mapped uncached here. */
static inline void __iomem *ioremap(paddr_t pa, size_t len)
{
    return ioremap_nocache(pa, len);
}

#endif /* XEN_VMAP_H */
