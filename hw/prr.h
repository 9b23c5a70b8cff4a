#ifndef HW_PRR_H
#define HW_PRR_H

/*
 * The product register (PRR): one read-only 32-bit register telling the
 * SoC (bits 14:8) and its cut (bits 7:0).  Model choice: writes and
 * accesses other than an aligned 32-bit read of offset 0 are bus errors.
 */
#include <stdint.h>

#define PRR_PRODUCT_MASK 0x7f00U
#define PRR_CUT_MASK     0x00ffU

struct prr_model {
    uint32_t value;
    unsigned long reads;
    unsigned long bus_errors;
};

void prr_model_init(struct prr_model *prr, uint32_t value);
int prr_model_read(void *opaque, uint64_t offset, uint32_t *val);
int prr_model_write(void *opaque, uint64_t offset, uint32_t val);

#endif /* HW_PRR_H */
