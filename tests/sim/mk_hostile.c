/*
 * Writes every hostile tree of hostile_blobs.h into a directory as
 * NAME.dtb, and DIR/cases.txt with one "NAME<TAB>NODE<TAB>REASON" line
 * each, for the shell tests of every iommu-sim command.
 *
 *   mk_hostile DIR
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/sim/hostile_blobs.h"

int main(int argc, char **argv)
{
    char path[4096];
    unsigned int i;
    FILE *list, *f;

    if ( argc != 2 )
    {
        fprintf(stderr, "usage: mk_hostile DIR\n");
        return 2;
    }
    snprintf(path, sizeof(path), "%s/cases.txt", argv[1]);
    list = fopen(path, "w");
    if ( !list )
    {
        perror(path);
        return 1;
    }
    for ( i = 0; i < hostile_nr_cases; i++ )
    {
        const struct hostile_case *c = &hostile_cases[i];
        size_t size;
        void *blob = hostile_blob(i, &size);

        if ( !blob )
        {
            fprintf(stderr, "mk_hostile: cannot make %s\n", c->name);
            return 1;
        }
        snprintf(path, sizeof(path), "%s/%s.dtb", argv[1], c->name);
        f = fopen(path, "wb");
        if ( !f || fwrite(blob, 1, size, f) != size || fclose(f) )
        {
            perror(path);
            return 1;
        }
        free(blob);
        fprintf(list, "%s\t%s\t%s\n", c->name, c->node, c->reason);
    }
    return fclose(list) ? 1 : 0;
}
