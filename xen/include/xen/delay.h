#ifndef XEN_DELAY_H
#define XEN_DELAY_H

/* Busy-wait delays.  The hosted build advances its virtual clock instead. */
void udelay(unsigned long usecs);
#define mdelay(ms) udelay((ms) * 1000UL)

#endif /* XEN_DELAY_H */
