#ifndef IOMMU_SIM_RUN_CONFIG_H
#define IOMMU_SIM_RUN_CONFIG_H

/*
 * Guest configurations for 'iommu-sim run': a subset of xl's domain
 * configuration syntax (docs/iommu-sim-run.md):
 *
 *     name = "domU"
 *     memory = 256                      # MiB
 *     dtdev = [ "/soc/mmc@ee140000", "/soc/sata@ee300000" ]
 *
 * Other xl keys are accepted and ignored (listed in 'ignored'); a syntax
 * error or a bad value gives one message naming the file and the line.
 */
#include <stddef.h>
#include <stdint.h>

#define RUN_NAME_MAX    31          /* as struct domain's name */
#define RUN_MAX_DTDEVS  32
#define RUN_MAX_IGNORED 16

struct run_guest {
    char name[RUN_NAME_MAX + 1];
    uint64_t memory_mib;
    unsigned int memory_line;                   /* 0: not from a file */
    unsigned int nr_dtdevs;
    char *dtdevs[RUN_MAX_DTDEVS];
    unsigned int dtdev_lines[RUN_MAX_DTDEVS];   /* 0: not from a file */
    const char *source;             /* file name, or "built-in" */
    unsigned int nr_ignored;
    char *ignored[RUN_MAX_IGNORED]; /* keys read but not simulated */
};

/*
 * Parse the text of one configuration.  Returns 0, or -1 with a message
 * "FILE:LINE: reason" in err.  On success the guest owns allocated
 * strings: release them with run_guest_free().
 */
int run_config_parse(const char *text, size_t len, const char *source,
                     struct run_guest *g, char *err, size_t errlen);
/* Read and parse a file; -1 with a message for an unreadable file too. */
int run_config_load(const char *path, struct run_guest *g, char *err,
                    size_t errlen);
void run_guest_free(struct run_guest *g);

/*
 * A number as configurations and options write it: decimal, or hex
 * after 0x.  Refused, with the reason in 'why': a sign, a leading 0
 * (octal to xl's own reader), other characters, more than 64 bits.
 */
int run_config_number(const char *s, uint64_t *out, char *why,
                      size_t whylen);

#endif /* IOMMU_SIM_RUN_CONFIG_H */
