/* trilink score: compare tracks and assessments with the truth. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trilink/geo.h"
#include "trilink/score.h"
#include "cli.h"
#include "run_name.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilink score --truth FILE --tracks FILE --assessments FILE [--runs N]\n"
            "                     [--cutoff M] [--json] [--plot DIR]\n"
            "\n"
            "Scores tracker output against the truth: GOSPA and OSPA over time and their means\n"
            "(cutoff c, order 2), position and velocity RMSE per object, track continuity\n"
            "(tracks per object, track-number swaps), false confirmed tracks, time from first\n"
            "detection to a confirmed track, launch-point error, impact-point miss at burnout\n"
            "+30, +60 and +120 s, and the fraction of assessments after burnout whose 95 %%\n"
            "ellipse contains the true impact point.\n"
            "\n"
            "  --runs N     Monte Carlo: score runs 1..N, whose files carry the run number\n"
            "               before the extension (tracks-0001.csv ...; as trilink sim --runs\n"
            "               writes meas-0001.csv ...), and print the summary over all runs\n"
            "  --cutoff M   GOSPA/OSPA cutoff and assignment distance, metres (default 10000)\n"
            "  --json       one JSON object\n"
            "  --plot DIR   write SVG charts with gnuplot (first run, first object): impact\n"
            "               miss and 95 %% ellipse against time, altitude against ground range\n"
            "               (truth and tracks), GOSPA and OSPA against time\n");
}

/* Data for the charts: impact error and ellipse against time (assessments of the track nearest
 * the first object's impact), altitude against ground range from the first object's pad (truth
 * and confirmed track rows). Reads the CSV columns it needs by position (the formats are fixed). */
static int plot_data(const char *dir, const char *truth, const char *tracks, const char *assess,
                     const struct tl_score *s)
{
    char path[512], line[1024];
    FILE *in, *out;
    const struct tl_score_object *o = &s->obj[0];

    snprintf(path, sizeof path, "%s/impact.dat", dir);
    if ((in = fopen(assess, "r")) == NULL || (out = fopen(path, "w")) == NULL)
        return -1;
    fgets(line, sizeof line, in);
    while (fgets(line, sizeof line, in) != NULL) {
        double t, lat, lon, a, b, d;
        /* time_s,track,class,lt,llat,llon,lerr,it,ilat,ilon,a,b,az,apo,range */
        if (sscanf(line, "%lf,%*[^,],%*[^,],%*[^,],%*[^,],%*[^,],%*[^,],%*[^,],%lf,%lf,%lf,%lf", &t,
                   &lat, &lon, &a, &b) != 5)
            continue;
        tl_geo_inverse(&TL_WGS84, tl_deg2rad(lat), tl_deg2rad(lon), o->impact_lat_rad,
                       o->impact_lon_rad, &d, NULL, NULL);
        fprintf(out, "%.3f %.1f %.1f %.1f\n", t, d, a, b);
    }
    fclose(in);
    fclose(out);
    for (int f = 0; f < 2; f++) {
        snprintf(path, sizeof path, "%s/%s", dir, f == 0 ? "truth_profile.dat" : "track_profile.dat");
        if ((in = fopen(f == 0 ? truth : tracks, "r")) == NULL || (out = fopen(path, "w")) == NULL)
            return -1;
        fgets(line, sizeof line, in);
        while (fgets(line, sizeof line, in) != NULL) {
            char id[64], status[32];
            double lat, lon, alt, d;
            if (f == 0 &&
                sscanf(line, "%*[^,],%63[^,],%*[^,],%*[^,],%*[^,],%*[^,],%*[^,],%*[^,],%lf,%lf,%lf",
                       id, &lat, &lon, &alt) == 4 &&
                strcmp(id, o->id) == 0) {
            } else if (f == 1 &&
                       sscanf(line, "%*[^,],%*[^,],%31[^,],%*[^,],%*[^,],%*[^,],%*[^,],%*[^,],"
                                    "%*[^,],%lf,%lf,%lf",
                              status, &lat, &lon, &alt) == 4 &&
                       strcmp(status, "confirmed") == 0) {
            } else {
                continue;
            }
            tl_geo_inverse(&TL_WGS84, o->launch_lat_rad, o->launch_lon_rad, tl_deg2rad(lat),
                           tl_deg2rad(lon), &d, NULL, NULL);
            fprintf(out, "%.1f %.1f\n", d / 1000.0, alt / 1000.0);
        }
        fclose(in);
        fclose(out);
    }
    return 0;
}

static int plot(const char *dir, const char *truth, const char *tracks, const char *assess,
                const struct tl_score *s)
{
    char data[512], cmd[4096];
    FILE *f, *g;

    mkdir(dir, 0777);
    snprintf(data, sizeof data, "%s/gospa.dat", dir);
    f = fopen(data, "w");
    if (f == NULL || s->n_objects == 0)
        return cli_error("score", TL_EXIT_FAIL, "--plot: cannot write in '%s'", dir);
    for (size_t i = 0; i < s->n_steps; i++)
        fprintf(f, "%.3f %.3f %.3f\n", s->t_s[i], s->gospa_m[i], s->ospa_m[i]);
    fclose(f);
    if (plot_data(dir, truth, tracks, assess, s) != 0)
        return cli_error("score", TL_EXIT_FAIL, "--plot: cannot write in '%s'", dir);
    g = popen("gnuplot", "w");
    if (g == NULL)
        return cli_error("score", TL_EXIT_FAIL, "--plot: gnuplot not available");
    snprintf(cmd, sizeof cmd,
             "set terminal svg size 900,500 dynamic\nset grid\n"
             "set output '%s/impact.svg'\n"
             "set title 'Impact-point prediction, %s'\n"
             "set xlabel 'time since epoch (s)'\nset ylabel 'metres'\nset logscale y\n"
             "plot '%s/impact.dat' using 1:2 with points pt 7 ps 0.4 title 'miss distance',"
             " '' using 1:3 with lines title '95%% ellipse semi-major',"
             " '' using 1:4 with lines title '95%% ellipse semi-minor'\n"
             "unset logscale y\n"
             "set output '%s/profile.svg'\n"
             "set title 'Altitude against ground range from the pad, %s'\n"
             "set xlabel 'ground range (km)'\nset ylabel 'altitude (km)'\n"
             "plot '%s/truth_profile.dat' using 1:2 with lines lw 2 title 'truth',"
             " '%s/track_profile.dat' using 1:2 with points pt 7 ps 0.3 title 'confirmed tracks'\n"
             "set output '%s/gospa.svg'\nset title 'GOSPA and OSPA (cutoff 10 km)'\n"
             "set xlabel 'time since epoch (s)'\nset ylabel 'metres'\n"
             "plot '%s' using 1:2 with lines title 'GOSPA', '' using 1:3 with lines title 'OSPA'\n",
             dir, s->obj[0].id, dir, dir, s->obj[0].id, dir, dir, dir, data);
    fputs(cmd, g);
    if (pclose(g) != 0)
        return cli_error("score", TL_EXIT_FAIL, "--plot: gnuplot failed");
    printf("plots: %s/impact.svg, %s/profile.svg, %s/gospa.svg\n", dir, dir, dir);
    return 0;
}

static double nanmean_add(double *acc, long *n, double v)
{
    if (!isnan(v)) {
        *acc += v;
        (*n)++;
    }
    return v;
}

int cmd_score(int argc, char **argv)
{
    static const struct option opts[] = {
        { "truth", required_argument, NULL, 't' },  { "tracks", required_argument, NULL, 'k' },
        { "assessments", required_argument, NULL, 'a' }, { "runs", required_argument, NULL, 'r' },
        { "cutoff", required_argument, NULL, 'c' }, { "json", no_argument, NULL, 'j' },
        { "plot", required_argument, NULL, 'p' },   { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *truth = NULL, *tracks = NULL, *assess = NULL, *plot_dir = NULL;
    struct tl_score_cfg cfg = tl_score_cfg_default();
    double runs_d = 0.0;
    int runs, json = 0, ch, status = TL_EXIT_OK;
    /* Accumulators over runs. */
    double gospa = 0, ospa = 0, miss[3] = { 0, 0, 0 }, lerr = 0, confirm_delay = 0;
    long nmiss[3] = { 0, 0, 0 }, nlerr = 0, ndelay = 0, assessments = 0, contained = 0;
    long objects = 0, tracks_total = 0, swaps = 0, false_tracks = 0, one_track = 0;

    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 't':
            truth = optarg;
            break;
        case 'k':
            tracks = optarg;
            break;
        case 'a':
            assess = optarg;
            break;
        case 'r':
            if (cli_number("score", "--runs", optarg, 1, 100000, &runs_d) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'c':
            if (cli_number("score", "--cutoff", optarg, 1.0, 1e7, &cfg.cutoff_m) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'j':
            json = 1;
            break;
        case 'p':
            plot_dir = optarg;
            break;
        case 'h':
            usage(stdout);
            return TL_EXIT_OK;
        default:
            return cli_error("score", TL_EXIT_USAGE, "unknown or incomplete option '%s'",
                             argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_error("score", TL_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    if (truth == NULL || tracks == NULL || assess == NULL)
        return cli_error("score", TL_EXIT_USAGE, "--truth, --tracks and --assessments are required");
    runs = (int)runs_d;
    for (int run = runs > 0 ? 1 : 0; run <= runs; run++) {
        char tp[512], ap[512];
        struct tl_score s;
        struct tl_diag diag;
        int rc;

        run_name(tracks, run, tp, sizeof tp);
        run_name(assess, run, ap, sizeof ap);
        memset(&diag, 0, sizeof diag);
        if ((rc = tl_score_files(&cfg, truth, tp, ap, &s, &diag)) != TL_OK)
            return rc == TL_ENOMEM ? cli_error("score", TL_EXIT_FAIL, "out of memory")
                                   : cli_diag("score", &diag);
        gospa += s.gospa_mean_m;
        ospa += s.ospa_mean_m;
        false_tracks += s.false_tracks;
        assessments += s.assessments;
        contained += s.contained;
        for (int i = 0; i < s.n_objects; i++) {
            const struct tl_score_object *o = &s.obj[i];
            objects++;
            tracks_total += o->tracks;
            swaps += o->swaps;
            one_track += o->tracks == 1;
            for (int j = 0; j < 3; j++)
                nanmean_add(&miss[j], &nmiss[j], o->ipp_miss_m[j]);
            nanmean_add(&lerr, &nlerr, o->launch_err_m);
            nanmean_add(&confirm_delay, &ndelay, o->confirmed_s - o->first_seen_s);
            if (runs == 0 && !json)
                printf("%-8s tracks %d, swaps %d, RMSE %.1f m / %.2f m/s, first seen %.1f s, "
                       "confirmed %.1f s, launch error %.0f m, impact miss at burnout +30/+60/+120 "
                       "s: %.0f / %.0f / %.0f m, 95%% ellipse held the impact in %ld of %ld\n",
                       o->id, o->tracks, o->swaps, o->pos_rmse_m, o->vel_rmse_mps,
                       o->first_seen_s, o->confirmed_s, o->launch_err_m, o->ipp_miss_m[0],
                       o->ipp_miss_m[1], o->ipp_miss_m[2], o->contained, o->assessments);
        }
        if (run <= 1 && plot_dir != NULL && plot(plot_dir, truth, tp, ap, &s) != 0)
            status = TL_EXIT_FAIL;
        tl_score_free(&s);
    }
    {
        const double n = runs > 0 ? runs : 1;
        const double frac = assessments > 0 ? (double)contained / (double)assessments : NAN;
        if (json) {
            json_t *o = json_object();
            char *text;
            json_object_set_new(o, "runs", json_integer(runs > 0 ? runs : 1));
            json_object_set_new(o, "objects", json_integer(objects));
            json_object_set_new(o, "gospa_mean_m", json_real(gospa / n));
            json_object_set_new(o, "ospa_mean_m", json_real(ospa / n));
            json_object_set_new(o, "tracks_per_object", json_real((double)tracks_total / (double)objects));
            json_object_set_new(o, "objects_with_one_track", json_integer(one_track));
            json_object_set_new(o, "track_swaps", json_integer(swaps));
            json_object_set_new(o, "false_confirmed_tracks", json_integer(false_tracks));
            json_object_set_new(o, "confirm_delay_s", nlerr || ndelay ? json_real(confirm_delay / (double)ndelay) : json_null());
            json_object_set_new(o, "launch_error_m", nlerr ? json_real(lerr / (double)nlerr) : json_null());
            json_object_set_new(o, "ipp_miss_30s_m", nmiss[0] ? json_real(miss[0] / (double)nmiss[0]) : json_null());
            json_object_set_new(o, "ipp_miss_60s_m", nmiss[1] ? json_real(miss[1] / (double)nmiss[1]) : json_null());
            json_object_set_new(o, "ipp_miss_120s_m", nmiss[2] ? json_real(miss[2] / (double)nmiss[2]) : json_null());
            json_object_set_new(o, "ellipse_assessments", json_integer(assessments));
            json_object_set_new(o, "ellipse_containment", isnan(frac) ? json_null() : json_real(frac));
            text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
            printf("%s\n", text);
            free(text);
            json_decref(o);
        } else {
            printf("%s%d run%s, %ld object%s: GOSPA mean %.1f m, OSPA mean %.1f m; %.2f tracks per "
                   "object (%ld with exactly one), %ld swaps, %ld false confirmed tracks\n",
                   runs > 0 ? "Monte Carlo: " : "", runs > 0 ? runs : 1, runs > 1 ? "s" : "",
                   objects, objects == 1 ? "" : "s", gospa / n, ospa / n,
                   objects ? (double)tracks_total / (double)objects : NAN, one_track, swaps,
                   false_tracks);
            printf("mean confirmation delay %.1f s, launch-point error %.0f m, impact miss at "
                   "burnout +30/+60/+120 s: %.0f / %.0f / %.0f m\n",
                   ndelay ? confirm_delay / (double)ndelay : NAN, nlerr ? lerr / (double)nlerr : NAN,
                   nmiss[0] ? miss[0] / (double)nmiss[0] : NAN,
                   nmiss[1] ? miss[1] / (double)nmiss[1] : NAN,
                   nmiss[2] ? miss[2] / (double)nmiss[2] : NAN);
            printf("95%% impact ellipse after burnout contained the true impact point in %ld of "
                   "%ld assessments (%.1f %%)\n",
                   contained, assessments, 100.0 * frac);
        }
    }
    return status;
}
