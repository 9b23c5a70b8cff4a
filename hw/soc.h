#ifndef HW_SOC_H
#define HW_SOC_H

/*
 * A simulated R-Car SoC: RAM, the product register, one IPMMU model per
 * IPMMU node, the root's fault interrupt and a DMA port per `iommus` entry
 * of every bus master.  It is built from a plain description (struct
 * soc_desc), which the hosted runtime derives from the device tree, so
 * hw/ stays free of device-tree code.
 *
 * The SoC exposes its MMIO windows (for the hosted MMIO bus) and a DMA
 * API: a named master moves bytes through one of its ports, and gets the
 * IPMMU's verdict back.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/ipmmu_model.h"
#include "hw/phys_mem.h"

/* A root and up to 63 caches (a Gen3 root has 32 IMSSTR bits). */
#define SOC_MAX_IPMMUS  64
#define SOC_MAX_PORTS   64      /* per master */

struct soc_ipmmu_desc {
    const char *name;           /* the DT path, for logs */
    uint64_t base, size;
    enum ipmmu_model_gen gen;
    int root;                   /* index of its root; -1: this is the root */
    unsigned int irq;           /* root: the fault interrupt (GIC IRQ) */
};

struct soc_port_desc {
    unsigned int ipmmu;         /* index into soc_desc.ipmmus */
    unsigned int utlb;
};

struct soc_master_desc {
    const char *path;           /* DT full path, the master's name */
    unsigned int nr_ports;
    const struct soc_port_desc *ports;
};

struct soc_desc {
    const char *name;
    bool has_prr;
    uint64_t prr_base;
    uint32_t prr_value;
    unsigned int nr_ipmmus;
    const struct soc_ipmmu_desc *ipmmus;
    unsigned int nr_masters;
    const struct soc_master_desc *masters;
};

struct soc_hooks {
    struct phys_mem *mem;                   /* RAM (banks already added) */
    uint64_t (*now_ns)(void *opaque);
    void *clock_opaque;
    void (*raise_irq)(void *opaque, unsigned int irq);
    void *irq_opaque;
    void (*log)(void *opaque, const char *line);
    void *log_opaque;
    uint64_t flush_delay_ns;                /* 0: the model's default */
};

struct soc;

/*
 * Build the SoC.  Returns NULL and a reason in 'err' for a description
 * that cannot be built (no root IPMMU, two roots, a cache whose root is
 * not a root, overlapping windows, a port naming an unknown IPMMU or a
 * uTLB the IPMMU does not have) or when host memory runs out.
 */
struct soc *soc_create(const struct soc_desc *desc,
                       const struct soc_hooks *hooks, char *err,
                       size_t errlen);
void soc_destroy(struct soc *soc);

/* MMIO windows: the PRR and every IPMMU, for the platform's bus. */
struct soc_window {
    const char *name;
    uint64_t base, size;
    int (*read)(void *opaque, uint64_t offset, uint32_t *val);
    int (*write)(void *opaque, uint64_t offset, uint32_t val);
    void *opaque;
};
unsigned int soc_nr_windows(const struct soc *soc);
const struct soc_window *soc_window(const struct soc *soc, unsigned int i);

/* The IPMMU models, in description order. */
unsigned int soc_nr_ipmmus(const struct soc *soc);
struct ipmmu_model *soc_ipmmu(const struct soc *soc, unsigned int i);
/* By DT path or by the model's name; NULL if none. */
struct ipmmu_model *soc_find_ipmmu(const struct soc *soc, const char *name);
struct ipmmu_model *soc_root_ipmmu(const struct soc *soc);
struct phys_mem *soc_mem(const struct soc *soc);

/* Masters. */
unsigned int soc_nr_masters(const struct soc *soc);
const struct soc_master_desc *soc_master(const struct soc *soc,
                                         unsigned int i);
int soc_find_master(const struct soc *soc, const char *path);

struct soc_dma_result {
    enum ipmmu_model_outcome outcome;   /* IPMMU_OK on success */
    size_t done;                        /* bytes moved before a fault */
    const char *ipmmu;                  /* the IPMMU the port sits behind */
    unsigned int utlb;
    struct ipmmu_xlate xlate;           /* the failing page's translation */
};

/*
 * DMA by master 'path' through its port 'channel' (the index of the entry
 * in its `iommus`), 'len' bytes at I/O virtual address 'iova'.  Returns 0
 * when every byte moved; -1 on a fault or a bad request (unknown master,
 * no such channel: outcome IPMMU_BAD_REQUEST).  'res' may be NULL.
 */
int soc_dma_read(struct soc *soc, const char *path, unsigned int channel,
                 uint64_t iova, void *buf, size_t len,
                 struct soc_dma_result *res);
int soc_dma_write(struct soc *soc, const char *path, unsigned int channel,
                  uint64_t iova, const void *buf, size_t len,
                  struct soc_dma_result *res);

#endif /* HW_SOC_H */
