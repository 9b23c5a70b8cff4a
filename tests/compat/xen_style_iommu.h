#ifndef TESTS_COMPAT_XEN_STYLE_IOMMU_H
#define TESTS_COMPAT_XEN_STYLE_IOMMU_H

/*
 * What the tests look at in the Xen-style driver (xen_style_iommu.c),
 * and the small files that each include one Xen header only.
 */
#include <stdbool.h>
#include <stdint.h>

struct domain;
struct dt_device_node;

/* Allocations the driver holds (IOMMUs, masters' data, domains' data). */
unsigned int xencompat_live_allocs(void);
/* Domains whose init hook ran and whose teardown did not. */
unsigned int xencompat_nr_domains(void);
bool xencompat_has_domain(const struct domain *d);
/* The domain the driver has np attached to, or NULL. */
struct domain *xencompat_owner(const struct dt_device_node *np);
/* The context of d (-1: none); contexts taken in the IOMMU (bitmap). */
int xencompat_ctx(const struct domain *d);
unsigned int xencompat_ctx_used(void);
/* Frees what a Xen driver never frees (no shutdown hook in Xen). */
void xencompat_forget(void);

/* One-header files: values computed with nothing else included. */
int compat_err_h_esrch(void);               /* <xen/err.h> */
long compat_err_h_ptr_err(void);            /* <xen/err.h>: -ESRCH */
int compat_iommu_h_values(unsigned long *page_size_4k,
                          unsigned int *bitmap_longs);  /* <xen/iommu.h> */
bool compat_lib_h_heap(void);               /* <xen/lib.h>: xzalloc/xfree */
unsigned int compat_types_h_bitmap(void);   /* <xen/types.h> */
void *compat_asm_mm_h_map(uint64_t pa);     /* <asm/mm.h> */
void compat_asm_mm_h_unmap(void *va);
int compat_atomic_h(void);                  /* <asm/atomic.h> */

#endif /* TESTS_COMPAT_XEN_STYLE_IOMMU_H */
