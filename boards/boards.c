/*
 * Lookup over the built-in boards.  The table itself (name, the dts
 * 'model' as description, blob, size) is generated at build time from
 * the .dts files under boards/ by boards/dtb2c.sh, so adding a board is
 * adding a .dts.
 */
#include <string.h>

#include "boards/boards.h"

/* Defined in the generated board_blobs.c. */
extern const struct board builtin_boards[];
extern const unsigned int builtin_boards_count;

const struct board *board_find(const char *name)
{
    unsigned int i;

    if ( name == NULL )
        return NULL;
    for ( i = 0; i < builtin_boards_count; i++ )
        if ( strcmp(builtin_boards[i].name, name) == 0 )
            return &builtin_boards[i];
    return NULL;
}

const struct board *board_list(unsigned int *count)
{
    *count = builtin_boards_count;
    return builtin_boards;
}
