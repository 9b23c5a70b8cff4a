#ifndef ASM_ARM_HEAP_POISON_H
#define ASM_ARM_HEAP_POISON_H

/* No memory checker on arm64: xen/heap_poison.h's no-ops apply. */

#endif /* ASM_ARM_HEAP_POISON_H */
