/* iommu-sim boards: the built-in boards, by name. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "boards/boards.h"
#include "tools/iommu-sim/iommu_sim.h"

const char cmd_boards_usage[] =
    "usage: iommu-sim boards [--json]\n"
    "\n"
    "Lists the built-in boards: their device trees are compiled into the\n"
    "program, so 'iommu-sim dt --board NAME' needs no file.  The default\n"
    "board is " BOARD_DEFAULT ".\n";

int cmd_boards(int argc, char **argv)
{
    const struct board *b;
    unsigned int i, n;
    bool json = false;

    for ( i = 1; i < (unsigned int)argc; i++ )
    {
        if ( strcmp(argv[i], "--json") == 0 )
            json = true;
        else
        {
            sim_error("boards: unknown argument '%s'", argv[i]);
            return SIM_EXIT_INVALID;
        }
    }

    b = board_list(&n);
    if ( json )
        fputs("[", stdout);
    for ( i = 0; i < n; i++ )
    {
        if ( !json )
        {
            printf("%-16s %s%s\n", b[i].name, b[i].description,
                   strcmp(b[i].name, BOARD_DEFAULT) == 0 ? " (default)" : "");
            continue;
        }
        fputs(i ? ",\n {\"name\": " : "\n {\"name\": ", stdout);
        json_string(stdout, b[i].name);
        fputs(", \"description\": ", stdout);
        json_string(stdout, b[i].description);
        printf(", \"dtb_size\": %zu, \"default\": %s}", b[i].dtb_size,
               strcmp(b[i].name, BOARD_DEFAULT) == 0 ? "true" : "false");
    }
    if ( json )
        fputs("\n]\n", stdout);
    return SIM_EXIT_OK;
}
