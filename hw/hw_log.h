#ifndef HW_HW_LOG_H
#define HW_HW_LOG_H

/*
 * A model's log: a ring of the last HW_LOG_LINES lines, each "name: text",
 * counted since creation or the last clear.  Shared by the hardware
 * models (IPMMU, SMMU); each keeps its own ring under its own lock, so
 * nothing here locks.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define HW_LOG_LINES 64
#define HW_LOG_LEN   160
#define HW_LOG_NAME_MAX 63              /* longest prefix a line can take */

struct hw_log {
    unsigned long count;
    char line[HW_LOG_LINES][HW_LOG_LEN];
};

/* Append "name: " + fmt; returns the line (valid until overwritten).
 * 'name' is at most HW_LOG_NAME_MAX characters. */
const char *hw_log_vadd(struct hw_log *l, const char *name, const char *fmt,
                        va_list ap);
/* Copy line i (0 = oldest kept) into buf; false when there is none. */
bool hw_log_line(const struct hw_log *l, unsigned int i, char *buf,
                 size_t len);
/* How many kept lines contain 'needle'. */
unsigned int hw_log_find(const struct hw_log *l, const char *needle);
void hw_log_clear(struct hw_log *l);

#endif /* HW_HW_LOG_H */
