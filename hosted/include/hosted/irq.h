#ifndef HOSTED_IRQ_H
#define HOSTED_IRQ_H

/*
 * Interrupt lines between the models and the hypervisor's handlers.  A
 * raised line calls its handler at once on the raising thread, unless that
 * thread has interrupts masked: then it stays pending until unmasked.
 */
#include <stdbool.h>

#define HOSTED_NR_IRQS 1024

/* Raise line 'irq'; returns false when no handler is registered. */
bool hosted_irq_raise(unsigned int irq);
bool hosted_irq_has_handler(unsigned int irq);
const char *hosted_irq_owner(unsigned int irq);
unsigned long hosted_irq_count(unsigned int irq);
/* Forget every handler (between tests). */
void hosted_irq_reset(void);

#endif /* HOSTED_IRQ_H */
