#include "trilink/parse.h"
#include "yamltree.h"

/* The public face of tl__parse_num, so the CLI (which links only the shared library's exported
 * API) reads options with exactly the grammar the library uses for files. */
int tl_parse_number(const char *s, double *out)
{
    if (s == NULL || out == NULL)
        return TL_EINVAL;
    return tl__parse_num(s, out) == 0 ? TL_OK : TL_EPARSE;
}
