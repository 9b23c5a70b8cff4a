#ifndef XEN_IRQ_H
#define XEN_IRQ_H

/* Interrupt handlers.  SPI n of the GIC is IRQ n + 32. */
#include <xen/types.h>

#define IRQ_SPI_BASE 32

int request_irq(unsigned int irq, unsigned int irqflags,
                void (*handler)(int irq, void *dev_id),
                const char *devname, void *dev_id);
void release_irq(unsigned int irq, const void *dev_id);

#endif /* XEN_IRQ_H */
