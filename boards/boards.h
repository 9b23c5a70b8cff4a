#ifndef BOARDS_BOARDS_H
#define BOARDS_BOARDS_H

/*
 * The built-in boards: device trees written for this project (boards/),
 * compiled by dtc at build time and linked into every program, so a board
 * boots with nothing outside the program.
 */
#include <stddef.h>

struct board {
    const char *name;            /* "h3-salvator-xs" */
    const char *description;     /* one line for listings */
    const void *dtb;             /* flattened blob, 8-byte aligned */
    size_t dtb_size;
};

/* The board the simulator boots when none is named. */
#define BOARD_DEFAULT "h3-salvator-xs"

/* The board called 'name', or NULL. */
const struct board *board_find(const char *name);
/* All built-in boards: '*count' entries, in a fixed order. */
const struct board *board_list(unsigned int *count);

#endif /* BOARDS_BOARDS_H */
