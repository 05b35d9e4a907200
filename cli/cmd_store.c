/* trilink store: a node database's picture as trilink track's CSV files, and its migration. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trilink/store.h"
#include "trilink/time.h"
#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilink store export --db DB --tracks FILE --assessments FILE\n"
            "                            [--source system|own|NATION] [--epoch ISO-8601]\n"
            "       trilink store migrate --db DB\n"
            "\n"
            "Reads a node's database (the SQLite file named by its 'storage' setting; schema in\n"
            "README.md, \"The node database\"). export writes one picture of it as the CSV files\n"
            "of trilink track --tracks and --assessments, so trilink score runs on what the node\n"
            "saw; the database is opened read-only. migrate brings a database of the first schema\n"
            "(typed values only in the body text) to the current one in place, in one\n"
            "transaction; trilinkd does the same when it opens one.\n"
            "\n"
            "  --db DB              the node database (SQLite)\n"
            "  --tracks FILE        tracks CSV (time_s,track,status,x_m,...,phase,pos_sigma_m)\n"
            "  --assessments FILE   assessments CSV (time_s,track,class,launch_time_s,...,\n"
            "                       range_km)\n"
            "  --source S           system: the fused picture, track = system track number\n"
            "                       (default); own: the node's own tracks; a nation code (US):\n"
            "                       what that nation's node produced, as this node received it\n"
            "  --epoch ISO-8601     times in the CSV are seconds after this (default: the\n"
            "                       sensors epoch the node recorded, meta 'epoch')\n"
            "\n"
            "A database that is not a node database, is corrupted (PRAGMA quick_check) or has a\n"
            "newer schema is refused with exit status 2 and left unchanged; the CSV files are\n"
            "written beside their names (FILE.tmp) and renamed only when complete, so an error\n"
            "leaves no partial file.\n");
}

struct out {
    FILE *tracks, *assess;
    long assessments, classless;
};

static int on_track(void *ctx, const struct tl_store_track_row *r)
{
    struct out *o = ctx;
    cli_csv_track_row(o->tracks, r->t_s, (int)r->track, r->status, r->x, r->phase,
                      r->pos_sigma_m);
    return ferror(o->tracks) ? TL_EIO : TL_OK;
}

static int on_assess(void *ctx, const struct tl_store_assess_row *r)
{
    struct out *o = ctx;
    /* The contract always has a class (trilink track computes one with every impact point, and
     * trilink score requires it); a fused prediction made before any contributing nation's
     * assessment has none, and is left out and counted. */
    if (r->cls[0] == '\0') {
        o->classless++;
        return TL_OK;
    }
    o->assessments++;
    cli_csv_assess_row(o->assess, r);
    return ferror(o->assess) ? TL_EIO : TL_OK;
}

static int is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int do_export(const char *db, const char *tp, const char *ap, const char *source,
                     int64_t epoch_ns)
{
    char ttmp[4096], atmp[4096];
    struct tl_diag diag;
    struct out o = { NULL, NULL, 0, 0 };
    long nt = 0, na = 0; /* na: rows read, o.assessments: rows written */
    int rc, status = TL_EXIT_OK;

    if (strcmp(tp, ap) == 0 || strcmp(tp, db) == 0 || strcmp(ap, db) == 0)
        return cli_error("store", TL_EXIT_USAGE,
                         "--db, --tracks and --assessments must name three different files");
    if (is_dir(tp) || is_dir(ap))
        return cli_error("store", TL_EXIT_USAGE, "%s: is a directory", is_dir(tp) ? tp : ap);
    if (snprintf(ttmp, sizeof ttmp, "%s.tmp", tp) >= (int)sizeof ttmp ||
        snprintf(atmp, sizeof atmp, "%s.tmp", ap) >= (int)sizeof atmp)
        return cli_error("store", TL_EXIT_USAGE, "output path too long");
    if ((o.tracks = fopen(ttmp, "w")) == NULL || (o.assess = fopen(atmp, "w")) == NULL) {
        status = cli_error("store", TL_EXIT_FAIL, "cannot create '%s': %s",
                           o.tracks == NULL ? ttmp : atmp, strerror(errno));
        goto fail;
    }
    cli_csv_track_header(o.tracks);
    cli_csv_assess_header(o.assess);
    memset(&diag, 0, sizeof diag);
    rc = tl_store_export(db, source, epoch_ns, on_track, on_assess, &o, &nt, &na, &diag);
    if (rc != TL_OK) {
        if (rc == TL_ENOTFOUND)
            status = cli_error("store", TL_EXIT_USAGE,
                               "'%s': no sensors epoch recorded (meta 'epoch'): give it with "
                               "--epoch (the 'epoch' of the node's sensors file)",
                               db);
        else if (diag.message[0] != '\0')
            status = cli_diag("store", &diag); /* the database is refused: bad input */
        else
            status = cli_error("store", TL_EXIT_FAIL, "writing '%s' or '%s': %s", ttmp, atmp,
                               tl_strerror(rc));
        goto fail;
    }
    rc = cli_close("store", o.tracks, ttmp);
    o.tracks = NULL;
    if (cli_close("store", o.assess, atmp) != 0 || rc != 0) {
        o.assess = NULL;
        status = TL_EXIT_FAIL;
        goto fail;
    }
    o.assess = NULL;
    if (rename(ttmp, tp) != 0 || rename(atmp, ap) != 0) {
        status = cli_error("store", TL_EXIT_FAIL, "cannot rename to '%s': %s",
                           access(ttmp, F_OK) == 0 ? tp : ap, strerror(errno));
        goto fail;
    }
    printf("%ld track rows -> %s, %ld assessments -> %s", nt, tp, o.assessments, ap);
    if (o.classless > 0)
        printf(" (%ld impact predictions without a class left out)", o.classless);
    printf("\n");
    return TL_EXIT_OK;
fail:
    if (o.tracks != NULL)
        fclose(o.tracks);
    if (o.assess != NULL)
        fclose(o.assess);
    remove(ttmp);
    remove(atmp);
    return status;
}

static int do_migrate(const char *db)
{
    struct tl_store *st = NULL;
    struct tl_diag diag;
    struct stat sb;

    /* tl_store_open creates a missing file: migrate only what exists */
    if (stat(db, &sb) != 0)
        return cli_error("store", TL_EXIT_USAGE, "'%s': %s", db, strerror(errno));
    memset(&diag, 0, sizeof diag);
    if (tl_store_open(db, &st, &diag) != TL_OK)
        return cli_diag("store", &diag);
    tl_store_close(st);
    printf("%s: schema version %d\n", db, TL_STORE_SCHEMA);
    return TL_EXIT_OK;
}

int cmd_store(int argc, char **argv)
{
    static const struct option opts[] = {
        { "db", required_argument, NULL, 'd' },     { "tracks", required_argument, NULL, 't' },
        { "assessments", required_argument, NULL, 'a' },
        { "source", required_argument, NULL, 's' }, { "epoch", required_argument, NULL, 'e' },
        { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
    };
    const char *db = NULL, *tp = NULL, *ap = NULL, *source = "system", *verb;
    int64_t epoch_ns = 0;
    int c;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return TL_EXIT_OK;
    }
    if (argc < 2 || (strcmp(argv[1], "export") != 0 && strcmp(argv[1], "migrate") != 0)) {
        if (argc >= 2)
            cli_error("store", TL_EXIT_USAGE, "unknown action '%s' (export or migrate)", argv[1]);
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    verb = argv[1];
    argc--;
    argv++;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 't':
            tp = optarg;
            break;
        case 'a':
            ap = optarg;
            break;
        case 's':
            source = optarg;
            break;
        case 'e':
            if (tl_time_parse_iso8601(optarg, &epoch_ns) != TL_OK || epoch_ns == 0)
                return cli_error("store", TL_EXIT_USAGE,
                                 "--epoch: '%s' is not an ISO-8601 UTC time after 1970 "
                                 "(2023-07-12T00:59:00Z)",
                                 optarg);
            break;
        case 'h':
            usage(stdout);
            return TL_EXIT_OK;
        default:
            return cli_bad_option("store", c, argv);
        }
    }
    if (optind < argc)
        return cli_error("store", TL_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    if (db == NULL)
        return cli_error("store", TL_EXIT_USAGE, "--db DB is required");
    if (strcmp(verb, "migrate") == 0) {
        if (tp != NULL || ap != NULL || epoch_ns != 0 || strcmp(source, "system") != 0)
            return cli_error("store", TL_EXIT_USAGE, "migrate takes only --db");
        return do_migrate(db);
    }
    if (tp == NULL || ap == NULL)
        return cli_error("store", TL_EXIT_USAGE,
                         "--tracks FILE and --assessments FILE are required");
    /* checked here too (the library says so as well) so that nothing is created for a typo */
    if (strcmp(source, "system") != 0 && strcmp(source, "own") != 0) {
        size_t n = strlen(source);
        int ok = n >= 2 && n <= 4;
        for (size_t i = 0; ok && i < n; i++)
            ok = source[i] >= 'A' && source[i] <= 'Z';
        if (!ok)
            return cli_error("store", TL_EXIT_USAGE,
                             "--source: '%s' is not system, own or a nation code (KR, US, JP)",
                             source);
    }
    return do_export(db, tp, ap, source, epoch_ns);
}
