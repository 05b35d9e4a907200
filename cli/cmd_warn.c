/* trilink warn: the warning stage offline, on trilink track's output. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/time.h"
#include "trilink/warn.h"
#include "cli.h"
#include "warn_cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilink warn --tracks FILE --assessments FILE --epoch ISO8601\n"
            "                    --nation JP|KR|US --out DIR [--exercise] [--rules FILE]\n"
            "                    [--areas DIR] [--truth FILE] [--json]\n"
            "\n"
            "Decides the public warnings a nation would send for the missiles in trilink track's\n"
            "output: which of its land areas (prefectures, provinces, states) and which part of\n"
            "its exclusive economic zone are threatened by an impact (the probability of the\n"
            "impact distribution over each area) or by an overflight (the ground track above\n"
            "100 km, swept by the same uncertainty; a boosting missile as the fan of every burn\n"
            "it can still fly), and writes each OASIS CAP 1.2 message of each warning's life:\n"
            "Alert, Update (areas added or released, the ellipse shrinking), the all-clear\n"
            "(Update, responseType AllClear, saying where it fell) and Cancel (a track lost\n"
            "before the event). Every Update and Cancel references the messages before it.\n"
            "\n"
            "  --tracks FILE       trilink track --tracks (the state of each track)\n"
            "  --assessments FILE  trilink track --assessments (impact ellipse, launch, class)\n"
            "  --epoch ISO8601     UTC of time_s = 0 (the scenario's epoch)\n"
            "  --nation N          the warning nation: JP, KR or US (its areas only)\n"
            "  --out DIR           one CAP file per message, NNNNNN-<identifier>.xml in the order\n"
            "                      sent, and DIR/warnings.csv: sent,identifier,msg_type,threat,\n"
            "                      area,probability,event_time_s (one row per message and area;\n"
            "                      threat impact, overflight, or none for an area released or\n"
            "                      closed; event_time_s: the impact or overflight time, seconds\n"
            "                      after the epoch). A folder already holding warnings.csv is\n"
            "                      refused.\n"
            "  --exercise          a drill: every message has status Exercise (never Actual)\n"
            "  --rules FILE        thresholds, hysteresis and release time (default: the\n"
            "                      data folder's warn-rules.yaml values, compiled in)\n"
            "  --areas DIR         the area data (default: the data folder's areas/)\n"
            "  --truth FILE        then score the warnings against the flight (trilink sim\n"
            "                      --truth): for each area the missile flew over above 100 km or\n"
            "                      fell in, when it got there, the first alert and the lead time;\n"
            "                      areas missed, areas still warned after burnout + 120 s that it\n"
            "                      never reached, warnings left open, area-minutes warned in vain\n"
            "                      (times in seconds after the launch)\n"
            "  --json              print a JSON summary instead of text (with --truth: the score)\n"
            "\n"
            "Bad input (a NaN, an ellipse that is not positive definite, an unknown nation,\n"
            "malformed rules) is reported naming the file, line and field, exit status 2, and\n"
            "nothing is written.\n");
}

struct warn_run {
    const char *tracks, *assess, *epoch, *nation, *out, *rules, *areas_dir, *truth;
    int exercise, json;
    int64_t epoch_ns;
    struct tl_warn_out *wout;
    int write_failed;
};

static int sink(void *ctx, const struct tl_cap_msg *m)
{
    struct warn_run *r = ctx;
    struct tl_diag d = { 0 };
    if (tl_warn_out_write(r->wout, m, NULL, 0, &d) != TL_OK) {
        cli_diag("warn", &d);
        r->write_failed = 1;
        return -1;
    }
    return 0;
}

static int options(int argc, char **argv, struct warn_run *r)
{
    static const struct option opts[] = {
        { "tracks", required_argument, NULL, 't' }, { "assessments", required_argument, NULL, 'a' },
        { "epoch", required_argument, NULL, 'e' },  { "nation", required_argument, NULL, 'n' },
        { "out", required_argument, NULL, 'o' },    { "rules", required_argument, NULL, 'r' },
        { "areas", required_argument, NULL, 'A' },  { "exercise", no_argument, NULL, 'x' },
        { "json", no_argument, NULL, 'j' },         { "help", no_argument, NULL, 'h' },
        { "truth", required_argument, NULL, 'T' },
        { NULL, 0, NULL, 0 }
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 't': r->tracks = optarg; break;
        case 'a': r->assess = optarg; break;
        case 'e': r->epoch = optarg; break;
        case 'n': r->nation = optarg; break;
        case 'o': r->out = optarg; break;
        case 'r': r->rules = optarg; break;
        case 'A': r->areas_dir = optarg; break;
        case 'x': r->exercise = 1; break;
        case 'j': r->json = 1; break;
        case 'T': r->truth = optarg; break;
        case 'h': usage(stdout); return -1;
        default: return cli_bad_option("warn", c, argv);
        }
    }
    if (optind < argc)
        return cli_error("warn", TL_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    if (!r->tracks || !r->assess || !r->epoch || !r->nation || !r->out)
        return cli_error("warn", TL_EXIT_USAGE,
                         "--tracks, --assessments, --epoch, --nation and --out are required");
    if (strcmp(r->nation, "JP") != 0 && strcmp(r->nation, "KR") != 0 &&
        strcmp(r->nation, "US") != 0)
        return cli_error("warn", TL_EXIT_USAGE, "--nation: '%s' is not JP, KR or US", r->nation);
    if (tl_time_parse_iso8601(r->epoch, &r->epoch_ns) != TL_OK)
        return cli_error("warn", TL_EXIT_USAGE,
                         "--epoch: '%s' is not an ISO 8601 UTC time (2022-10-03T22:20:00Z)",
                         r->epoch);
    return 0;
}

static int setup(struct warn_run *r, struct tl_warn_cfg *cfg, struct tl_areas **areas)
{
    struct tl_diag d = { 0 };
    char dir[1024];

    memset(cfg, 0, sizeof *cfg);
    cfg->rules = tl_warn_rules_default();
    if (r->rules != NULL && tl_warn_rules_load(r->rules, &cfg->rules, &d) != TL_OK)
        return cli_diag("warn", &d);
    if (r->areas_dir != NULL)
        snprintf(dir, sizeof dir, "%s", r->areas_dir);
    else if (cli_data_path("areas", dir, sizeof dir) != 0)
        return cli_error("warn", TL_EXIT_USAGE, "--areas: %s", dir);
    if (tl_areas_load(dir, areas, &d) != TL_OK)
        return cli_diag("warn", &d);
    snprintf(cfg->nation, sizeof cfg->nation, "%s", r->nation);
    cfg->epoch_ns = r->epoch_ns;
    cfg->exercise = r->exercise;
    cfg->utc_offset_min = tl_warn_utc_offset(r->nation);
    snprintf(cfg->sender, sizeof cfg->sender, "trilink@%c%c.warn", r->nation[0] + 32,
             r->nation[1] + 32);
    snprintf(cfg->sender_name, sizeof cfg->sender_name, "trilink %s warning (offline)",
             r->nation);
    cfg->areas = *areas;
    return 0;
}

static void report(const struct warn_run *r, const struct tl_warn_stats *s, size_t n_obs)
{
    if (r->json) {
        json_t *j = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "out", r->out,
                              "estimates", (json_int_t)n_obs, "rejected", (json_int_t)s->rejected,
                              "messages", (json_int_t)s->messages, "alerts",
                              (json_int_t)s->alerts, "updates", (json_int_t)s->updates,
                              "all_clears", (json_int_t)s->all_clears, "cancels",
                              (json_int_t)s->cancels, "open", (json_int_t)s->open);
        if (j != NULL) {
            json_dumpf(j, stdout, JSON_INDENT(2));
            putchar('\n');
            json_decref(j);
        }
        return;
    }
    printf("%zu estimates -> %ld messages in %s (%ld alerts, %ld updates, %ld all-clears, %ld "
           "cancels; %ld left open)\n",
           n_obs, s->messages, r->out, s->alerts, s->updates, s->all_clears, s->cancels, s->open);
}

int cmd_warn(int argc, char **argv)
{
    struct warn_run r = { 0 };
    struct tl_warn_cfg cfg;
    struct tl_areas *areas = NULL;
    struct tl_warn *w = NULL;
    struct tl_warn_obs *obs = NULL;
    struct tl_warn_stats st;
    struct tl_diag d = { 0 };
    size_t n = 0;
    int rc = options(argc, argv, &r);

    if (rc != 0)
        return rc < 0 ? 0 : rc;
    /* everything read and checked before the first file is written */
    if (tl_warn_obs_read(r.tracks, r.assess, &obs, &n, &d) != TL_OK)
        return cli_diag("warn", &d);
    if ((rc = setup(&r, &cfg, &areas)) != 0)
        goto done;
    if (tl_warn_create(&cfg, sink, &r, &w, &d) != TL_OK) {
        rc = cli_diag("warn", &d);
        goto done;
    }
    if (tl_warn_out_open(r.out, r.epoch_ns, &r.wout, &d) != TL_OK) {
        rc = cli_diag("warn", &d);
        goto done;
    }
    for (size_t i = 0; i < n && !r.write_failed; i++) {
        /* the clock runs between estimates as in a node (ticked each second): releases and
         * silence are timed by it, not by the next estimate */
        for (double t = i > 0 ? floor(obs[i - 1].t_s) + 1.0 : obs[i].t_s; t < obs[i].t_s; t += 1.0)
            tl_warn_tick(w, t);
        tl_warn_tick(w, obs[i].t_s);
        if (tl_warn_observe(w, &obs[i], obs[i].t_s, &d) == TL_ENOMEM) {
            rc = cli_error("warn", TL_EXIT_FAIL, "out of memory");
            goto done;
        }
    }
    tl_warn_finish(w, n > 0 ? obs[n - 1].t_s : 0.0);
    tl_warn_stats(w, &st);
    if (tl_warn_out_close(r.wout, &d) != TL_OK || r.write_failed) {
        r.wout = NULL;
        cli_diag("warn", &d);
        rc = TL_EXIT_FAIL;
        goto done;
    }
    r.wout = NULL;
    if (r.truth == NULL || !r.json)
        report(&r, &st, n);
    if (r.truth != NULL)
        rc = cli_warn_score(r.truth, r.out, areas, r.nation, r.epoch_ns, r.json);
done:
    tl_warn_out_close(r.wout, NULL);
    tl_warn_destroy(w);
    tl_areas_destroy(areas);
    free(obs);
    return rc;
}
