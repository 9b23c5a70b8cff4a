#ifndef TESTS_IOMMU_TEST_IOMMU_DRIVER_H
#define TESTS_IOMMU_TEST_IOMMU_DRIVER_H

/*
 * A small IOMMU driver for the IOMMU core's tests.  It registers with
 * DT_DEVICE_START for "test,iommu-root" and "test,iommu-cache" (a cache
 * names its root with `test,root = <&root>` and defers until the root is
 * up), keeps the state a real driver keeps (per-IOMMU, per-domain and
 * per-device data, all in xmalloc memory), checks that the core calls it
 * in a legal order, and records every call so tests can assert on them.
 */
#include <xen/device_tree.h>
#include <xen/sched.h>

enum tiommu_op {
    TIOMMU_PROBE,
    TIOMMU_INIT,
    TIOMMU_HWDOM_INIT,
    TIOMMU_TEARDOWN,
    TIOMMU_DT_XLATE,
    TIOMMU_ADD_DEVICE,
    TIOMMU_REMOVE_DEVICE,
    TIOMMU_ASSIGN,
    TIOMMU_REASSIGN,
    TIOMMU_IOTLB_FLUSH,
    TIOMMU_MAP_PAGE,
    TIOMMU_UNMAP_PAGE,
    TIOMMU_FREE_PRIV,
    TIOMMU_SHUTDOWN,
    TIOMMU_NR_OPS,
};

struct tiommu_call {
    enum tiommu_op op;
    const struct dt_device_node *np;     /* IOMMU (probe) or device */
    domid_t domid;                       /* target domain, or DOMID_INVALID */
    domid_t from;                        /* reassign: source domain */
    int rc;                              /* what the driver returned */
};

#define TIOMMU_MAX_CALLS 4096

/* Calls recorded since the last reset. */
unsigned int tiommu_nr_calls(void);
const struct tiommu_call *tiommu_call(unsigned int i);
unsigned int tiommu_count(enum tiommu_op op);
unsigned int tiommu_count_rc(enum tiommu_op op, int rc);
/* Calls of op for node np (any result). */
unsigned int tiommu_count_node(enum tiommu_op op,
                               const struct dt_device_node *np);
void tiommu_reset_log(void);

/* Make the next call of op fail with rc (once, after 'skip' good ones). */
void tiommu_fail(enum tiommu_op op, unsigned int skip, int rc);
/* Make every probe of np return rc (0 disarms). */
void tiommu_fail_probe(const struct dt_device_node *np, int rc);
void tiommu_clear_failures(void);

/* Where the driver thinks a device is. */
enum tiommu_dev_state {
    TIOMMU_DEV_UNKNOWN,                  /* never added, or removed */
    TIOMMU_DEV_QUARANTINED,
    TIOMMU_DEV_ASSIGNED,
};
enum tiommu_dev_state tiommu_dev_state(const struct dt_device_node *np,
                                       domid_t *owner);
/* IOMMUs up, domains with driver state, devices added (not removed). */
unsigned int tiommu_nr_instances(void);
unsigned int tiommu_nr_domains(void);
/* Whether the core gave dom_io IOMMU state (init without teardown). */
bool tiommu_dom_io_ready(void);
unsigned int tiommu_nr_devices(void);
/* Pages d has mapped through map_page and not unmapped. */
unsigned long tiommu_mapped_pages(struct domain *d);
/* Illegal call sequences seen (e.g. assign of a device never added). */
unsigned int tiommu_protocol_errors(void);

#endif /* TESTS_IOMMU_TEST_IOMMU_DRIVER_H */
