#ifndef XEN_IOMMU_H
#define XEN_IOMMU_H

/*
 * The generic IOMMU layer.  Owned by the IOMMU core module
 * (xen/drivers/passthrough/); the fields below are the ones other modules
 * rely on.  Contracts and return codes: docs/iommu-core.md.
 *
 * What it offers:
 *  - struct iommu_ops, the hooks an IOMMU driver fills in, and the boot
 *    entry points that probe the IOMMUs of the host device tree
 *    (iommu_setup / iommu_hardware_setup, with deferred probing);
 *  - the per-domain state (struct domain_iommu, dom_iommu(d)) and the
 *    domain life cycle hooks (iommu_domain_init / iommu_hwdom_init /
 *    iommu_domain_destroy), including P2M sharing with the IOMMU;
 *  - device tree devices: iommu_add_dt_device (reads `iommus`), assignment
 *    to domains, the domctl-style entry point by DT path.
 */
#include <xen/bitmap.h>
#include <xen/device_tree.h>
#include <xen/errno.h>
#include <xen/list.h>
#include <xen/page-defs.h>
#include <xen/typesafe.h>
#include <asm/device.h>
#include <asm/iommu.h>
#include <asm/iommu_fwspec.h>

struct domain;
struct dt_device_node;
struct dt_phandle_args;

/* Flags for map_page and iotlb_flush. */
#define IOMMUF_readable   (1U << 0)
#define IOMMUF_writable   (1U << 1)
#define IOMMU_FLUSHF_added     (1U << 0)
#define IOMMU_FLUSHF_modified  (1U << 1)

struct arch_iommu {
    void *priv;                      /* the driver's per-domain data */
};

struct iommu_ops;

struct domain_iommu {
    struct arch_iommu arch;
    struct list_head dt_devices;     /* devices assigned to the domain */
    bool enabled;                    /* the domain uses an IOMMU */
    bool hap_pt_share;               /* the IOMMU walks the domain's P2M */
    const struct iommu_ops *platform_ops;
};

/* dom_iommu(d) is defined with struct domain in xen/sched.h. */
#define is_iommu_enabled(d)  (dom_iommu(d)->enabled)
#define iommu_use_hap_pt(d)  (dom_iommu(d)->hap_pt_share)

/*
 * The hooks of an IOMMU driver, as in Xen on Arm.  'devfn' is always 0
 * for device tree devices.  Every hook that returns int returns 0 or a
 * negative errno; on failure it leaves the state as it was before the
 * call.  Hooks may be NULL where noted.
 */
struct iommu_ops {
    unsigned long page_sizes;        /* mask of the page sizes supported */

    /* Per-domain state (dom_iommu(d)->arch.priv); undone by teardown. */
    int (*init)(struct domain *d);
    void (*hwdom_init)(struct domain *d);            /* may be NULL */
    void (*teardown)(struct domain *d);

    /*
     * Devices.  dt_xlate is called once per `iommus` entry of a device,
     * with its fwspec already initialised for the IOMMU named by the
     * entry; it typically adds the entry's ids with
     * iommu_fwspec_add_ids().  add_device then registers the device
     * (whose DMA must from then on be blocked until it is assigned:
     * "quarantine"); remove_device undoes add_device.
     */
    int (*dt_xlate)(device_t *dev, const struct dt_phandle_args *args);
    int (*add_device)(uint8_t devfn, device_t *dev);
    int (*remove_device)(uint8_t devfn, device_t *dev);  /* may be NULL */

    /*
     * Assignment.  reassign_device moves a device from s to t.  As in
     * Xen, the core takes a device back from a domain (deassign, domain
     * destruction) with t == NULL: the driver then quarantines it
     * (iommu_quarantine) or leaves it untranslated.  t == dom_io asks
     * for quarantine explicitly.
     */
    int (*assign_device)(struct domain *d, uint8_t devfn, device_t *dev,
                         uint32_t flag);
    int (*reassign_device)(struct domain *s, struct domain *t,
                           uint8_t devfn, device_t *dev);

    /* Own page tables, for drivers that do not share the P2M. */
    int (*map_page)(struct domain *d, dfn_t dfn, mfn_t mfn,
                    unsigned int flags, unsigned int *flush_flags);
    int (*unmap_page)(struct domain *d, dfn_t dfn, unsigned int order,
                      unsigned int *flush_flags);
    int (*iotlb_flush)(struct domain *d, dfn_t dfn,
                       unsigned long page_count, unsigned int flush_flags);

    /*
     * Not in upstream Xen, optional.  Releases fwspec->iommu_priv of a
     * device (set by dt_xlate); called by iommu_fwspec_free() so that no
     * error path leaks it.  When NULL (a driver written for Xen), the
     * core leaves the private data alone, as Xen does, and counts it:
     * iommu_fwspec_priv_leaked(), reported by iommu_hardware_teardown().
     */
    void (*free_fwspec_priv)(device_t *dev, void *priv);
    /*
     * Not in upstream Xen, optional.  Undo everything the driver's probes
     * did (mappings, interrupts, memory); called by
     * iommu_hardware_teardown() after every device was removed, so that a
     * hosted program can boot again.  When NULL, teardown still frees
     * what the core owns and says that the driver's state stays.
     */
    void (*shutdown)(void);
};

/*
 * dom_io (domain_id DOMID_IO), the system domain that stands for "no
 * guest": as in Xen, iommu_setup() gives it IOMMU state once an IOMMU is
 * up (CDF_iommu, iommu_domain_init: the driver's init hook runs for it),
 * and iommu_hardware_teardown() takes it down again.  The core provides a
 * weak default that a domains module may replace;
 * iommu_quarantine_owner() is dom_io and never NULL.
 */
extern struct domain *dom_io;
struct domain *iommu_quarantine_owner(void);

/*
 * Global state, with Xen's names.  The first four are set by the "iommu="
 * command-line option (parse_iommu_param, xen/drivers/passthrough/
 * iommu.c), the Arm device-tree part of Xen's:
 *   iommu=<bool>                 iommu_enable (default on)
 *   iommu=force | required       force_iommu: no IOMMU up is fatal
 *   iommu=[no-]quarantine        iommu_quarantine (default on here)
 *   iommu=verbose                iommu_verbose: one line per device
 *                                registered, assigned or deassigned
 * Sub-options are separated by commas; others are reported and ignored.
 */
extern bool iommu_enable;            /* allowed to use IOMMUs */
extern bool iommu_enabled;           /* at least one IOMMU is up */
extern bool force_iommu;
extern bool iommu_verbose;
extern uint8_t iommu_quarantine;

/*
 * Quarantine modes, as in Xen.  none: a device that belongs to no domain
 * is left as the driver leaves it after add_device or after reassign to
 * NULL (upstream drivers: translation off, its DMA unchecked); basic: the
 * driver blocks its DMA.  Xen's scratch-page mode is not provided.
 */
#define IOMMU_quarantine_none   0
#define IOMMU_quarantine_basic  1

void iommu_set_ops(const struct iommu_ops *ops);
const struct iommu_ops *iommu_get_ops(void);

/*
 * Boot.  iommu_hardware_setup() probes every IOMMU node of the host tree
 * through the DEVICE_IOMMU drivers (deferred probing: -EAGAIN retries
 * while a pass makes progress) and says on the console which IOMMUs came
 * up and why the others did not.  Returns 0 when at least one came up and
 * no probe failed, -ENODEV when none came up without a hard error, or the
 * first hard error (the IOMMUs that came up stay up), -EBUSY when IOMMUs
 * are up already (iommu_hardware_teardown first).  Never panics.
 * iommu_setup() runs it when iommu_enable and sets iommu_enabled; with
 * force_iommu and no IOMMU up it panics, as Xen does.  It then sets up
 * dom_io and says on the console when quarantine is off.
 */
int iommu_hardware_setup(void);
int iommu_setup(void);
/* Number of IOMMUs the last iommu_hardware_setup() brought up. */
unsigned int iommu_hardware_count(void);
/*
 * Not in upstream Xen: the inverse of boot for hosted programs.  Takes
 * the IOMMU state of every live domain down first, as their destruction
 * would (devices back to quarantine, the P2M's flush hook unset, the
 * driver's teardown), so that domains destroyed afterwards have nothing
 * left to release; then removes every registered device, takes dom_io's
 * IOMMU state down, calls the driver's shutdown hook (a console line
 * says what stays allocated when the driver has none) and forgets the
 * ops.  Not to run while domains are being created or destroyed.
 */
void iommu_hardware_teardown(void);
/*
 * Not in upstream Xen: fwspec private data that iommu_fwspec_free() could
 * not free because the driver has no free_fwspec_priv hook, since the
 * last iommu_hardware_teardown().
 */
unsigned int iommu_fwspec_priv_leaked(void);

/*
 * Domains.  iommu_domain_init() must run after the P2M is initialised:
 * for a domain created with CDF_iommu it calls the driver's init and,
 * since the IOMMU shares the P2M, points d->arch.p2m.iotlb_flush at
 * iommu_iotlb_flush.  Without CDF_iommu it only prepares the (empty)
 * device list.  iommu_domain_destroy() first returns every assigned
 * device to quarantine, then tears the driver's state down.
 */
int iommu_domain_init(struct domain *d, unsigned int opts);
void iommu_hwdom_init(struct domain *d);
void iommu_domain_destroy(struct domain *d);

/*
 * The architecture's part of the domain life cycle (xen/drivers/
 * passthrough/arm/iommu.c), declared here as in Xen.  A driver may use
 * arch_iommu_hwdom_init as its hwdom_init hook.
 */
int arch_iommu_domain_init(struct domain *d);
void arch_iommu_domain_destroy(struct domain *d);
void arch_iommu_hwdom_init(struct domain *d);

/*
 * Flush the IOTLB of d for page_count pages from dfn (INVALID_DFN: all).
 * An error is logged, crashes a domain other than the hardware domain and
 * is returned.
 */
int iommu_iotlb_flush(struct domain *d, dfn_t dfn, unsigned long page_count,
                      unsigned int flush_flags);
int iommu_iotlb_flush_all(struct domain *d, unsigned int flush_flags);

/* Map/unmap through the driver (drivers with their own tables). */
int iommu_map(struct domain *d, dfn_t dfn, mfn_t mfn,
              unsigned long page_count, unsigned int flags,
              unsigned int *flush_flags);
int iommu_unmap(struct domain *d, dfn_t dfn, unsigned long page_count,
                unsigned int *flush_flags);

/*
 * Device tree devices.
 *
 * iommu_add_dt_device: 1 when the device needs no protection (no
 * `iommus`, IOMMUs disabled, an IOMMU it names is unavailable), 0 when it
 * is now protected (and quarantined until assigned), < 0 on error with a
 * console line naming the node; nothing is left allocated on error.  A
 * second call for a protected node returns 0 and changes nothing.
 */
int iommu_add_dt_device(struct dt_device_node *np);
/* Undo iommu_add_dt_device: -EBUSY while assigned, 1 if not protected. */
int iommu_remove_dt_device(struct dt_device_node *np);

/*
 * -EINVAL: np is not protected, or d has no IOMMU (or is dom_io);
 * -EBUSY: np is already assigned (to d or another domain); -ENOMEM.
 */
int iommu_assign_dt_device(struct domain *d, struct dt_device_node *np);
/* -EINVAL: np is not assigned to d.  The device returns to quarantine. */
int iommu_deassign_dt_device(struct domain *d, struct dt_device_node *np);
/* Whether np is assigned to some domain (the quarantine does not count). */
bool iommu_dt_device_is_assigned(const struct dt_device_node *np);
/* The domain np is assigned to, or NULL. */
struct domain *iommu_dt_device_owner(const struct dt_device_node *np);
/* Return every device assigned to d to quarantine (domain destruction). */
int iommu_release_dt_devices(struct domain *d);

/*
 * The domctl-style entry point (XEN_DOMCTL_{assign,deassign,
 * test_assign}_device with a device tree path).  Same codes as the calls
 * above; an unknown path or a bad request is -EINVAL, an unknown command
 * -ENOSYS.  The path need not be NUL-terminated: u.dt.size bytes are read.
 */
#define XEN_DOMCTL_assign_device        37
#define XEN_DOMCTL_test_assign_device   45
#define XEN_DOMCTL_deassign_device      47

#define XEN_DOMCTL_DEV_PCI  0
#define XEN_DOMCTL_DEV_DT   1

#define XEN_DOMCTL_DT_PATH_MAX 1024      /* longest path accepted */

struct xen_domctl_assign_device {
    uint32_t dev;                        /* XEN_DOMCTL_DEV_* */
    uint32_t flags;
    union {
        struct {
            uint32_t size;               /* length of path in bytes */
            const char *path;
        } dt;
    } u;
};

struct xen_domctl {
    uint32_t cmd;
    domid_t domain;
    union {
        struct xen_domctl_assign_device assign_device;
    } u;
};

int iommu_do_dt_domctl(struct xen_domctl *domctl, struct domain *d);

#endif /* XEN_IOMMU_H */
