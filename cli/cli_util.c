#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "trilink/parse.h" /* the same strict number grammar as files */

int cli_error(const char *cmd, int code, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "trilink %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int cli_diag(const char *cmd, const struct tl_diag *diag)
{
    char buf[800];

    tl_diag_format(diag, buf, sizeof buf);
    return cli_error(cmd, TL_EXIT_USAGE, "%s", buf);
}

int cli_number(const char *cmd, const char *name, const char *text, double lo, double hi,
               double *out)
{
    double v;

    if (text == NULL || tl_parse_number(text, &v) != TL_OK)
        return cli_error(cmd, TL_EXIT_USAGE, "%s: '%s' is not a number", name,
                         text != NULL ? text : "");
    if (v < lo || v > hi)
        return cli_error(cmd, TL_EXIT_USAGE, "%s: %s is outside [%g, %g]", name, text, lo, hi);
    *out = v;
    return 0;
}

int cli_integer(const char *cmd, const char *name, const char *text, double lo, double hi,
                double *out)
{
    double v;

    if (text == NULL || tl_parse_number(text, &v) != TL_OK || v != floor(v))
        return cli_error(cmd, TL_EXIT_USAGE, "%s: '%s' is not a whole number", name,
                         text != NULL ? text : "");
    if (v < lo || v > hi)
        return cli_error(cmd, TL_EXIT_USAGE, "%s: %s is outside [%.0f, %.0f]", name, text, lo, hi);
    *out = v;
    return 0;
}

int cli_bad_option(const char *cmd, int c, char **argv)
{
    const char *opt = optind > 0 ? argv[optind - 1] : "?";

    if (c == ':')
        return cli_error(cmd, TL_EXIT_USAGE, "option '%s' needs a value (see trilink %s --help)",
                         opt, cmd);
    return cli_error(cmd, TL_EXIT_USAGE, "unknown option '%s' (see trilink %s --help)", opt, cmd);
}

int cli_close(const char *cmd, FILE *f, const char *path)
{
    int bad = ferror(f);

    if (fclose(f) != 0 || bad)
        return cli_error(cmd, TL_EXIT_FAIL, "%s: write failed: %s", path, strerror(errno));
    return 0;
}
