#ifndef XEN_STRING_H
#define XEN_STRING_H

/*
 * The string and memory helpers the hypervisor provides.  The hosted build
 * links the C library's implementations; a real hypervisor links its own.
 */
#include <xen/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

#endif /* XEN_STRING_H */
