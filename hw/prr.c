/* The product register: a constant the SoC reports about itself. */
#include "hw/prr.h"

void prr_model_init(struct prr_model *prr, uint32_t value)
{
    prr->value = value;
    prr->reads = 0;
    prr->bus_errors = 0;
}

int prr_model_read(void *opaque, uint64_t offset, uint32_t *val)
{
    struct prr_model *prr = opaque;

    if ( offset != 0 )
    {
        prr->bus_errors++;
        return -1;
    }
    prr->reads++;
    *val = prr->value;
    return 0;
}

int prr_model_write(void *opaque, uint64_t offset, uint32_t val)
{
    struct prr_model *prr = opaque;

    (void)offset;
    (void)val;
    prr->bus_errors++;
    return -1;
}
