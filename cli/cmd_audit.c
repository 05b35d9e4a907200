/* trilink audit verify: check a node's hash-chained audit log. */
#include <stdio.h>
#include <string.h>

#include "trilink/store.h"
#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilink audit verify DB\n"
            "\n"
            "Recomputes the SHA-256 chain of a node's audit log (the SQLite file named by its\n"
            "'storage' setting). Exit 0 and the entry count when intact; exit 1 naming the first\n"
            "altered, inserted or removed entry otherwise; exit 2 if DB cannot be read, is not a\n"
            "node database, or is corrupted anywhere (PRAGMA quick_check runs first: a chain can\n"
            "be intact in a file whose other pages are damaged).\n");
}

int cmd_audit(int argc, char **argv)
{
    int64_t n = 0, bad = 0;
    char why[512] = "";
    int rc;

    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return TL_EXIT_OK;
    }
    if (argc != 3 || strcmp(argv[1], "verify") != 0) {
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    rc = tl_audit_verify(argv[2], &n, &bad, why, sizeof why);
    if (rc == TL_OK) {
        printf("audit: %s: %lld entries, chain intact\n", argv[2], (long long)n);
        return TL_EXIT_OK;
    }
    if (why[0] == '\0')
        snprintf(why, sizeof why, "%s", tl_strerror(rc));
    /* why does not repeat the path: it is printed once, here */
    return cli_error("audit", rc == TL_EPARSE || rc == TL_ENOMEM ? TL_EXIT_FAIL : TL_EXIT_USAGE,
                     "%s: %s", argv[2], why);
}
