#ifndef ASM_ARM_PAGE_H
#define ASM_ARM_PAGE_H

#define PAGE_SHIFT   12
#define PAGE_SIZE    (1UL << PAGE_SHIFT)
#define PAGE_MASK    (~(PAGE_SIZE - 1))
#define PAGE_ORDER_4K 0
#define PAGE_ORDER_2M 9
#define PAGE_ORDER_1G 18

#endif /* ASM_ARM_PAGE_H */
