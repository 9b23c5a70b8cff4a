#ifndef HW_SOC_H
#define HW_SOC_H

/*
 * A simulated SoC: RAM, the product register, one IPMMU model per IPMMU
 * node, the root's fault interrupt and a DMA port per `iommus` entry of
 * every bus master; and one Arm SMMU model per SMMU node, with its global
 * and context interrupts and the stream IDs of the masters behind it.
 * It is built from a plain description (struct soc_desc), which the
 * hosted runtime derives from the device tree, so hw/ stays free of
 * device-tree code.
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
#include "hw/smmu_model.h"

/* A root and up to 63 caches (a Gen3 root has 32 IMSSTR bits). */
#define SOC_MAX_IPMMUS  64
#define SOC_MAX_PORTS   64      /* per master */
#define SOC_MAX_SMMUS   16

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

/*
 * An Arm SMMU.  The window is global space then context banks, half each
 * (docs/smmu-model.md): its size and the register page size give NUMPAGE.
 */
struct soc_smmu_desc {
    const char *name;           /* the DT path, for logs */
    uint64_t base, size;
    enum smmu_model_flavour flavour;
    bool page_64k;              /* 64K register pages */
    unsigned int nr_cbs;        /* 0: the flavour's, at most NUMPAGE */
    bool has_global_irq;
    unsigned int global_irq;
    unsigned int nr_context_irqs;
    const unsigned int *context_irqs;
};

/* One stream of a master behind an SMMU: the DMA it issues carries 'sid'. */
struct soc_stream_desc {
    unsigned int smmu;          /* index into soc_desc.smmus */
    uint32_t sid;
    uint32_t mask;              /* the generic binding's mask cell, or 0 */
};

struct soc_smmu_master_desc {
    const char *path;           /* DT full path, the master's name */
    unsigned int nr_streams;
    const struct soc_stream_desc *streams;
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
    unsigned int nr_smmus;
    const struct soc_smmu_desc *smmus;
    unsigned int nr_smmu_masters;
    const struct soc_smmu_master_desc *smmu_masters;
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
 * uTLB the IPMMU does not have; an SMMU window that is not two equal
 * power-of-two halves of register pages, a stream naming an unknown SMMU
 * or wider than its stream IDs) or when host memory runs out.
 */
struct soc *soc_create(const struct soc_desc *desc,
                       const struct soc_hooks *hooks, char *err,
                       size_t errlen);
void soc_destroy(struct soc *soc);

/* MMIO windows: the PRR, every IPMMU and SMMU, for the platform's bus. */
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

/* ---- SMMUs and the masters behind them ---- */

unsigned int soc_nr_smmus(const struct soc *soc);
struct smmu_model *soc_smmu(const struct soc *soc, unsigned int i);
/* The description it was built from (name, base, interrupts). */
const struct soc_smmu_desc *soc_smmu_desc(const struct soc *soc,
                                          unsigned int i);
/* By DT path; NULL if none. */
struct smmu_model *soc_find_smmu(const struct soc *soc, const char *name);

unsigned int soc_nr_smmu_masters(const struct soc *soc);
const struct soc_smmu_master_desc *soc_smmu_master(const struct soc *soc,
                                                   unsigned int i);
int soc_find_smmu_master(const struct soc *soc, const char *path);

struct soc_smmu_dma_result {
    enum smmu_model_outcome outcome;    /* SMMU_OK on success */
    size_t done;                        /* bytes moved before a fault */
    const char *smmu;                   /* the SMMU the stream enters */
    uint32_t sid;
    struct smmu_xlate xlate;            /* the failing page's translation */
};

/*
 * DMA by SMMU master 'path' with its stream 'channel' (the index in its
 * list of streams: `iommus` entries, or its `mmu-masters` cells in
 * order), 'len' bytes at I/O virtual address 'iova'.  Returns 0 when
 * every byte moved; -1 on a fault or a bad request (unknown master, no
 * such channel: outcome SMMU_BAD_REQUEST).  'res' may be NULL.
 */
int soc_smmu_dma_read(struct soc *soc, const char *path, unsigned int channel,
                      uint64_t iova, void *buf, size_t len,
                      struct soc_smmu_dma_result *res);
int soc_smmu_dma_write(struct soc *soc, const char *path,
                       unsigned int channel, uint64_t iova, const void *buf,
                       size_t len, struct soc_smmu_dma_result *res);

#endif /* HW_SOC_H */
