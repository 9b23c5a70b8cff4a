#ifndef HW_SOC_SMMU_H
#define HW_SOC_SMMU_H

/*
 * The SoC's SMMUs and their masters, kept apart from the IPMMU side of
 * hw/soc.c.  Between soc.c and soc_smmu.c only; users see hw/soc.h.
 */
#include "hw/soc.h"

struct soc_smmus;

/* Shared by both sides (defined in soc.c): a formatted reason into
 * err[errlen] (nothing when err is NULL), and whether two windows
 * [a, a + asz) and [b, b + bsz) overlap. */
void soc_say(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool soc_windows_overlap(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz);

/* Check the SMMU part of a description (windows against each other and
 * against the IPMMUs, streams).  Returns false with a reason in 'err'. */
bool soc_smmus_valid(const struct soc_desc *desc, char *err, size_t errlen);
/* Build every SMMU model and copy the masters.  NULL + reason on error;
 * a description without SMMUs gives an empty set, not NULL. */
struct soc_smmus *soc_smmus_create(const struct soc_desc *desc,
                                   const struct soc_hooks *hooks, char *err,
                                   size_t errlen);
void soc_smmus_destroy(struct soc_smmus *s);
/* The MMIO windows, appended to 'out' (room for SOC_MAX_SMMUS). */
unsigned int soc_smmus_windows(const struct soc_smmus *s,
                               struct soc_window *out);
/* soc.c gives the SMMU accessors the set it holds. */
struct soc_smmus *soc_smmus_of(const struct soc *soc);

#endif /* HW_SOC_SMMU_H */
