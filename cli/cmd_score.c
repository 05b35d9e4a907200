/* trilink score: compare tracks and assessments with the truth. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "trilink/geo.h"
#include "trilink/score.h"
#include "cli.h"
#include "run_name.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trilink score --truth FILE --tracks FILE --assessments FILE [--events FILE]\n"
            "                     [--runs N] [--cutoff M] [--json] [--plot DIR]\n"
            "\n"
            "Scores tracker output against the truth: GOSPA and OSPA over time and their means\n"
            "(cutoff c, order 2), position and velocity RMSE per object, track continuity\n"
            "(tracks per object, track-number swaps), false confirmed tracks, time from first\n"
            "detection to a confirmed track, launch-point error, launch-time and apogee errors\n"
            "(last assessment, and median after burnout), impact-point miss at burnout +30, +60\n"
            "and +120 s, and the fraction of assessments after burnout whose 95 %% ellipse\n"
            "contains the true impact point. Every cell used is checked: a bad one stops the\n"
            "run with file:line: column: message and exit status 2, before anything is written.\n"
            "\n"
            "  --events FILE  exact launch, burnout, reentry, apogee and impact of each object\n"
            "                 (trilink sim --events); without it they come from the truth rows\n"
            "                 (launch = the object's first row)\n"
            "  --runs N       Monte Carlo: score runs 1..N, whose files carry the run number\n"
            "                 before the extension (tracks-0001.csv ...; as trilink sim --runs\n"
            "                 writes meas-0001.csv ...), and print the summary over all runs;\n"
            "                 a run's own truth-0001.csv (events-0001.csv), as a mismatched\n"
            "                 trilink sim --runs writes, is used when it exists\n"
            "  --cutoff M     GOSPA/OSPA cutoff and assignment distance, metres (default 10000)\n"
            "  --json         one JSON object (objects_detail: one entry per missile)\n"
            "  --plot DIR     SVG charts with gnuplot (first run): for each missile\n"
            "                 DIR/<id>/impact.svg (impact miss and 95 %% ellipse against time\n"
            "                 since its launch) and DIR/<id>/profile.svg (altitude against time\n"
            "                 and against ground range: its truth and its tracks); DIR/gospa.svg\n"
            "                 for the run; DIR/impact.svg and DIR/profile.svg repeat the first\n"
            "                 missile's\n");
}

/* ---------------------------------------------------------------- charts */

/* Typical spacing of the times @p t[0..n) (the median difference), for finding gaps. */
static double usual_step(const double *t, size_t n)
{
    double *d, m;
    size_t k = 0;

    if (n < 2 || (d = malloc((n - 1) * sizeof *d)) == NULL)
        return NAN;
    for (size_t i = 1; i < n; i++)
        if (t[i] > t[i - 1])
            d[k++] = t[i] - t[i - 1];
    if (k == 0) {
        free(d);
        return NAN;
    }
    /* Insertion-free median: a selection by sorting is fine for a few thousand values. */
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && d[j - 1] > d[j]; j--) {
            const double x = d[j];
            d[j] = d[j - 1];
            d[j - 1] = x;
        }
    m = d[k / 2];
    free(d);
    return m;
}

/* A blank line in a gnuplot data file breaks the line drawn through it: one goes in wherever
 * consecutive samples are more than 3x the usual interval apart, so no line spans a stretch
 * without assessments (the ICBM's unseen midcourse). */
static int is_gap(double dt, double step)
{
    return isfinite(step) && dt > 3.0 * step;
}

/* Writes the data files of object @p k into @p odir; returns the counts written. */
static int object_data(const char *odir, const struct tl_score *s, int k, size_t *n_assess,
                       size_t *n_track)
{
    const struct tl_score_object *o = &s->obj[k];
    char path[1200];
    double *t, step, prev = NAN;
    size_t n = 0, cap = s->n_assess > s->n_points ? s->n_assess : s->n_points;
    FILE *f;

    if ((t = malloc((cap + 1) * sizeof *t)) == NULL)
        return -1;
    for (size_t i = 0; i < s->n_assess; i++)
        if (s->assess[i].object == k)
            t[n++] = s->assess[i].t_s;
    step = usual_step(t, n);
    *n_assess = n;
    snprintf(path, sizeof path, "%s/impact.dat", odir);
    if ((f = fopen(path, "w")) == NULL)
        goto fail;
    fprintf(f, "# time since launch (s), miss (m), 95%% semi-major (m), semi-minor (m), track\n");
    for (size_t i = 0; i < s->n_assess; i++) {
        const struct tl_score_assessment *a = &s->assess[i];
        if (a->object != k)
            continue;
        if (is_gap(a->t_s - prev, step))
            fputc('\n', f);
        prev = a->t_s;
        fprintf(f, "%.3f %.1f %.1f %.1f %d\n", a->t_s - o->launch_s, a->miss_m, a->semi_major_m,
                a->semi_minor_m, a->track);
    }
    if (cli_close("score", f, path) != 0)
        goto fail;
    for (int which = 0; which < 2; which++) {
        n = 0;
        for (size_t i = 0; i < s->n_points; i++)
            if (s->points[i].object == k && (s->points[i].track < 0) == (which == 0))
                t[n++] = s->points[i].t_s;
        if (which == 1)
            *n_track = n;
        step = usual_step(t, n);
        prev = NAN;
        snprintf(path, sizeof path, "%s/%s", odir, which == 0 ? "truth.dat" : "track.dat");
        if ((f = fopen(path, "w")) == NULL)
            goto fail;
        fprintf(f, "# time since launch (s), ground range from the pad (km), altitude (km)\n");
        for (size_t i = 0; i < s->n_points; i++) {
            const struct tl_score_point *p = &s->points[i];
            if (p->object != k || (p->track < 0) != (which == 0))
                continue;
            if (is_gap(p->t_s - prev, step))
                fputc('\n', f);
            prev = p->t_s;
            fprintf(f, "%.3f %.3f %.3f\n", p->t_s - o->launch_s, p->range_km, p->alt_km);
        }
        if (cli_close("score", f, path) != 0)
            goto fail;
    }
    free(t);
    return 0;
fail:
    free(t);
    return -1;
}

/* The truth point of object @p k nearest time @p t_s (for marking events on the range chart). */
static const struct tl_score_point *truth_at(const struct tl_score *s, int k, double t_s)
{
    const struct tl_score_point *best = NULL;

    for (size_t i = 0; i < s->n_points; i++) {
        const struct tl_score_point *p = &s->points[i];
        if (p->object == k && p->track < 0 &&
            (best == NULL || fabs(p->t_s - t_s) < fabs(best->t_s - t_s)))
            best = p;
    }
    return best;
}

/* Vertical lines with labels at burnout, reentry and impact, on an axis of time since launch. */
static void event_marks(FILE *g, const struct tl_score_object *o)
{
    const double at[3] = { o->burnout_s - o->launch_s, o->reentry_s - o->launch_s,
                           o->impact_s - o->launch_s };
    static const char *const NAME[3] = { "burnout", "reentry", "impact" };

    for (int e = 0; e < 3; e++)
        if (isfinite(at[e])) {
            fprintf(g, "set arrow from %.3f, graph 0 to %.3f, graph 1 nohead dt 2 lc rgb '#555555'\n",
                    at[e], at[e]);
            /* Burnout labelled right of its line, reentry and impact left of theirs and at
             * two heights, so that labels of events seconds apart do not overprint. */
            fprintf(g, "set label '%s %.0f s' at %.3f, graph %.2f %s offset %s,0 "
                       "textcolor rgb '#555555'\n",
                    NAME[e], at[e], at[e], e == 2 ? 0.91 : 0.97, e == 0 ? "left" : "right",
                    e == 0 ? "0.5" : "-0.5");
        }
}

/* The gnuplot commands for object @p k's two charts, written to @p impact and @p profile. */
static void object_charts(FILE *g, const struct tl_score *s, int k, const char *odir,
                          const char *impact, const char *profile, size_t n_assess,
                          size_t n_track)
{
    const struct tl_score_object *o = &s->obj[k];
    const struct tl_score_point *pb = truth_at(s, k, o->burnout_s);
    const struct tl_score_point *pr = truth_at(s, k, o->reentry_s);

    fprintf(g, "reset\nset termoption noenhanced\nset grid\nset key outside bottom center horizontal\n");
    fprintf(g, "set output '%s'\n", impact);
    fprintf(g, "set title \"%s: impact-point prediction against its true impact point\\n"
               "%zu assessments of the tracks assigned to %s; last miss %.*f %s; gaps: no "
               "assessment\"\n",
            o->id, n_assess, o->id, o->ipp_miss_last_m < 1e4 ? 0 : 1,
            o->ipp_miss_last_m < 1e4 ? o->ipp_miss_last_m : o->ipp_miss_last_m / 1000.0,
            o->ipp_miss_last_m < 1e4 ? "m" : "km");
    fprintf(g, "set xlabel 'time since launch of %s (s)'\nset ylabel 'metres'\nset logscale y\n",
            o->id);
    event_marks(g, o);
    if (n_assess == 0)
        fprintf(g, "set label 'no assessment of a track assigned to %s' at graph 0.5, 0.5 "
                   "center\nplot [0:1] [1:10] NaN notitle\n",
                o->id);
    else
        fprintf(g, "plot '%s/impact.dat' using 1:2 with linespoints pt 7 ps 0.4 title 'miss "
                   "distance', '' using 1:3 with lines title '95%% ellipse semi-major', '' using "
                   "1:4 with lines title '95%% ellipse semi-minor'\n",
                odir);
    fprintf(g, "unset logscale y\nunset label\nunset arrow\n");
    fprintf(g, "set output '%s'\n", profile);
    fprintf(g, "set multiplot layout 1,2 title \"%s: altitude, truth and the %zu confirmed "
               "track rows assigned to it\"\n",
            o->id, n_track);
    fprintf(g, "set title 'against time since launch'\nset xlabel 'time since launch of %s (s)'\n"
               "set ylabel 'altitude (km)'\n",
            o->id);
    event_marks(g, o);
    fprintf(g, "plot '%s/truth.dat' using 1:3 with lines lw 2 title 'truth'", odir);
    if (n_track)
        fprintf(g, ", '%s/track.dat' using 1:3 with points pt 7 ps 0.3 title 'tracks'", odir);
    fprintf(g, "\nunset label\nunset arrow\n");
    fprintf(g, "set title 'against ground range from the pad'\nset xlabel 'ground range (km)'\n");
    if (pb != NULL && isfinite(o->burnout_s))
        fprintf(g, "set label 'burnout' at %.3f, %.3f point pt 6 ps 1.5 offset 1,-1\n",
                pb->range_km, pb->alt_km);
    if (pr != NULL && isfinite(o->reentry_s))
        fprintf(g, "set label 'reentry' at %.3f, %.3f point pt 6 ps 1.5 offset 1,1\n",
                pr->range_km, pr->alt_km);
    fprintf(g, "plot '%s/truth.dat' using 2:3 with lines lw 2 title 'truth'", odir);
    if (n_track)
        fprintf(g, ", '%s/track.dat' using 2:3 with points pt 7 ps 0.3 title 'tracks'", odir);
    fprintf(g, "\nunset multiplot\nunset label\nunset arrow\n");
}

static int plot(const char *dir, const struct tl_score *s, double cutoff_m, double p)
{
    char path[1100], odir[1100], imp[1200], pro[1200];
    FILE *f, *g;
    double t0 = INFINITY, step;

    if (s->n_objects == 0)
        return 0;
    if (strpbrk(dir, "'\"\n\\") != NULL)
        return cli_error("score", TL_EXIT_USAGE, "--plot: '%s' has a quote, backslash or newline",
                         dir);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return cli_error("score", TL_EXIT_FAIL, "--plot: cannot create '%s': %s", dir,
                         strerror(errno));
    snprintf(path, sizeof path, "%s/gospa.dat", dir);
    if ((f = fopen(path, "w")) == NULL)
        return cli_error("score", TL_EXIT_FAIL, "--plot: cannot write '%s': %s", path,
                         strerror(errno));
    for (int k = 0; k < s->n_objects; k++)
        t0 = fmin(t0, s->obj[k].launch_s);
    step = usual_step(s->t_s, s->n_steps);
    fprintf(f, "# time since the first launch (s), GOSPA (m), OSPA (m)\n");
    for (size_t i = 0; i < s->n_steps; i++) {
        if (i > 0 && is_gap(s->t_s[i] - s->t_s[i - 1], step))
            fputc('\n', f); /* no missile in flight between two salvos' rounds */
        fprintf(f, "%.3f %.3f %.3f\n", s->t_s[i] - t0, s->gospa_m[i], s->ospa_m[i]);
    }
    if (cli_close("score", f, path) != 0)
        return TL_EXIT_FAIL;
    snprintf(path, sizeof path, "%s/plot.gp", dir);
    if ((g = fopen(path, "w")) == NULL)
        return cli_error("score", TL_EXIT_FAIL, "--plot: cannot write '%s': %s", path,
                         strerror(errno));
    fprintf(g, "# trilink score --plot: run with gnuplot %s\n"
               "set terminal svg size 1000,560 dynamic background rgb 'white'\n",
            path);
    for (int k = 0; k < s->n_objects; k++) {
        size_t na = 0, nt = 0;
        snprintf(odir, sizeof odir, "%s/%s", dir, s->obj[k].id); /* ids: a safe alphabet */
        if ((mkdir(odir, 0777) != 0 && errno != EEXIST) || object_data(odir, s, k, &na, &nt) != 0) {
            fclose(g);
            return cli_error("score", TL_EXIT_FAIL, "--plot: cannot write in '%s'", odir);
        }
        snprintf(imp, sizeof imp, "%s/impact.svg", odir);
        snprintf(pro, sizeof pro, "%s/profile.svg", odir);
        object_charts(g, s, k, odir, imp, pro, na, nt);
        if (k == 0) { /* DIR/impact.svg and DIR/profile.svg: the first missile, as before */
            snprintf(imp, sizeof imp, "%s/impact.svg", dir);
            snprintf(pro, sizeof pro, "%s/profile.svg", dir);
            object_charts(g, s, k, odir, imp, pro, na, nt);
        }
    }
    fprintf(g, "reset\nset termoption noenhanced\nset grid\nset key inside top right opaque box\n"
               "set output '%s/gospa.svg'\n"
               "set title 'GOSPA and OSPA of the run (cutoff c = %.0f m, order p = %g, alpha = 2)'\n"
               "set xlabel 'time since the first launch (s)'\nset ylabel 'metres'\n"
               "set bmargin 7\n"
               "set label \"GOSPA adds c^p/2 for each missed or false target: a missile no track "
               "follows (the ICBM's hour of unseen midcourse) costs c/2^(1/p) = %.0f m on its own, "
               "however\\nwell the others are tracked. OSPA averages over the larger set, so one "
               "miss among n targets costs it c/n^(1/p).\" at screen 0.02, screen 0.05 left "
               "font ',10'\n",
            dir, cutoff_m, p, cutoff_m / pow(2.0, 1.0 / p));
    for (int k = 0; k < s->n_objects; k++)
        fprintf(g, "set arrow from %.3f, graph 0 to %.3f, graph 1 nohead dt 3 lc rgb '#999999'\n"
                   "set label '%s' at %.3f, graph 0.98 rotate by 90 right offset -0.6,0 "
                   "font ',9' textcolor rgb '#777777'\n",
                s->obj[k].launch_s - t0, s->obj[k].launch_s - t0, s->obj[k].id,
                s->obj[k].launch_s - t0);
    fprintf(g, "plot '%s/gospa.dat' using 1:2 with lines title 'GOSPA', '' using 1:3 with lines "
               "title 'OSPA'\n",
            dir);
    if (cli_close("score", g, path) != 0)
        return TL_EXIT_FAIL;
    snprintf(imp, sizeof imp, "gnuplot '%s' 2>&1", path);
    if ((g = popen(imp, "r")) == NULL)
        return cli_error("score", TL_EXIT_FAIL, "--plot: gnuplot not available");
    {
        char line[512];
        while (fgets(line, sizeof line, g) != NULL)
            if (strstr(line, "warning") == NULL) /* e.g. a log scale's zero misses */
                fprintf(stderr, "trilink score: gnuplot: %s", line);
    }
    if (pclose(g) != 0)
        return cli_error("score", TL_EXIT_FAIL, "--plot: gnuplot failed on %s", path);
    printf("plots: %s/<id>/impact.svg and profile.svg for %d missile%s, %s/gospa.svg\n", dir,
           s->n_objects, s->n_objects == 1 ? "" : "s", dir);
    return 0;
}

/* ---------------------------------------------------------------- summaries */

/* Per-object figures, averaged over the runs that have them (one run: the figures). */
enum {
    F_LTE, F_LTE_MED, F_APO, F_APO_MED, F_LERR, F_MISS30, F_MISS60, F_MISS120, F_MISS_LAST,
    F_POS, F_VEL, F_SEEN, F_CONF, F_TRACKS, F_SWAPS, NF
};
static const char *const FKEY[NF] = {
    "launch_time_err_s", "launch_time_err_median_s", "apogee_err_km", "apogee_err_median_km",
    "launch_err_m",      "ipp_miss_30s_m",           "ipp_miss_60s_m", "ipp_miss_120s_m",
    "ipp_miss_last_m",   "pos_rmse_m",               "vel_rmse_mps",  "first_seen_s",
    "confirmed_s",       "tracks",                   "swaps"
};

struct obj_acc {
    char id[32];
    double sum[NF];
    long n[NF];
    long assessments, contained;
    double launch_s, burnout_s, reentry_s, impact_s, apogee_km;
};

static void acc_add(struct obj_acc *a, int f, double v)
{
    if (isfinite(v)) {
        a->sum[f] += v;
        a->n[f]++;
    }
}

static double acc_mean(const struct obj_acc *a, int f)
{
    return a->n[f] > 0 ? a->sum[f] / (double)a->n[f] : NAN;
}

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static double nanmean_add(double *acc, long *n, double v)
{
    if (isfinite(v)) {
        *acc += v;
        (*n)++;
    }
    return v;
}

static void print_object(const struct tl_score_object *o)
{
    printf("%-8s tracks %d, swaps %d, RMSE %.1f m / %.2f m/s, first seen %.1f s, "
           "confirmed %.1f s, launch error %.0f m, impact miss at burnout +30/+60/+120 "
           "s: %.0f / %.0f / %.0f m, 95%% ellipse held the impact in %ld of %ld\n",
           o->id, o->tracks, o->swaps, o->pos_rmse_m, o->vel_rmse_mps, o->first_seen_s,
           o->confirmed_s, o->launch_err_m, o->ipp_miss_m[0], o->ipp_miss_m[1], o->ipp_miss_m[2],
           o->contained, o->assessments);
    printf("%-8s launch time %+.2f s (median after burnout %+.2f s), apogee %+.2f km (median "
           "%+.2f km), last impact miss %.0f m; truth: launch %.1f s, burnout %.1f s, reentry "
           "%.1f s, apogee %.1f km\n",
           "", o->launch_time_err_s, o->launch_time_err_median_s, o->apogee_err_km,
           o->apogee_err_median_km, o->ipp_miss_last_m, o->launch_s, o->burnout_s, o->reentry_s,
           o->apogee_km);
}

/* What trilink score was asked for. */
struct score_opts {
    const char *truth, *tracks, *assess, *plot_dir, *events;
    struct tl_score_cfg cfg;
    int runs, json;
};

/* The figures over every run: sums and counts of the means, totals of the counts. */
struct totals {
    double gospa, ospa, miss[3], lerr, confirm_delay;
    double lte, lte_med, apo, apo_med;
    long nmiss[3], nlerr, ndelay, assessments, contained;
    long nlte, nlte_med, napo, napo_med;
    long objects, tracks_total, swaps, false_tracks, one_track;
    /* calibration (issue 12): burnout + 30 s to impact, and the launch ellipse */
    long assessments_bo30, contained_bo30, launch_assessments, launch_contained;
    double semi_major_med, miss_med, miss_last;
    long nsemi_major_med, nmiss_med, nmiss_last;
    /* |launch-time error| of each object's last assessment, every run: their median */
    double lte_abs[4096];
    long n_lte_abs;
    /* each object's assessment at burnout + 30, 60, 120 s and its last, every run: how many
     * held the impact, and the medians of their miss and semi-major axis (issue 12, sec. 5) */
    long at_n[4], at_contained[4];
    double at_miss[4][4096], at_semi[4][4096];
    double lte_abs_median; /* set once every run is in */
};

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the first @p n of @p v (sorted in place); NaN for none. */
static double median_of(double *v, long n)
{
    if (n <= 0)
        return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Fills @p o from the command line. Returns -1 to go on, else the exit status to end with (0
 * after --help). */
static int parse_args(int argc, char **argv, struct score_opts *o)
{
    static const struct option opts[] = {
        { "truth", required_argument, NULL, 't' },  { "tracks", required_argument, NULL, 'k' },
        { "assessments", required_argument, NULL, 'a' }, { "runs", required_argument, NULL, 'r' },
        { "cutoff", required_argument, NULL, 'c' }, { "json", no_argument, NULL, 'j' },
        { "plot", required_argument, NULL, 'p' },   { "events", required_argument, NULL, 'e' },
        { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
    };
    double runs_d = 0.0;
    int ch;

    memset(o, 0, sizeof *o);
    o->cfg = tl_score_cfg_default();
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 't':
            o->truth = optarg;
            break;
        case 'k':
            o->tracks = optarg;
            break;
        case 'a':
            o->assess = optarg;
            break;
        case 'e':
            o->events = optarg;
            break;
        case 'r':
            if (cli_number("score", "--runs", optarg, 1, 100000, &runs_d) != 0)
                return TL_EXIT_USAGE;
            if (runs_d != floor(runs_d))
                return cli_error("score", TL_EXIT_USAGE, "--runs: '%s' is not an integer", optarg);
            break;
        case 'c':
            if (cli_number("score", "--cutoff", optarg, 1.0, 1e7, &o->cfg.cutoff_m) != 0)
                return TL_EXIT_USAGE;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'p':
            o->plot_dir = optarg;
            break;
        case 'h':
            usage(stdout);
            return TL_EXIT_OK;
        default:
            return cli_bad_option("score", ch, argv);
        }
    }
    if (optind < argc)
        return cli_error("score", TL_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    if (o->truth == NULL || o->tracks == NULL || o->assess == NULL)
        return cli_error("score", TL_EXIT_USAGE,
                         "--truth, --tracks and --assessments are required");
    if (o->plot_dir != NULL && strpbrk(o->plot_dir, "'\"\n\\") != NULL)
        return cli_error("score", TL_EXIT_USAGE, "--plot: '%s' has a quote, backslash or newline",
                         o->plot_dir);
    if (o->plot_dir != NULL && strlen(o->plot_dir) > 900)
        return cli_error("score", TL_EXIT_USAGE, "--plot: the directory name is longer than 900 "
                                                 "characters");
    o->runs = (int)runs_d;
    return -1;
}

/* One accumulator per object of the first run, with its truth. Returns 0, or an exit status. */
static int init_acc(const struct tl_score *s, struct obj_acc **acc, int *n_acc)
{
    *n_acc = s->n_objects;
    if ((*acc = calloc((size_t)*n_acc + 1, sizeof **acc)) == NULL)
        return cli_error("score", TL_EXIT_FAIL, "out of memory");
    for (int i = 0; i < *n_acc; i++) {
        const struct tl_score_object *o = &s->obj[i];
        struct obj_acc *a = &(*acc)[i];
        snprintf(a->id, sizeof a->id, "%s", o->id);
        a->launch_s = o->launch_s;
        a->burnout_s = o->burnout_s;
        a->reentry_s = o->reentry_s;
        a->impact_s = o->impact_s;
        a->apogee_km = o->apogee_km;
    }
    return 0;
}

/* Adds run @p s to the totals and the per-object accumulators. */
static void add_run(struct totals *t, struct obj_acc *acc, int n_acc, const struct tl_score *s)
{
    t->gospa += s->gospa_mean_m;
    t->ospa += s->ospa_mean_m;
    t->false_tracks += s->false_tracks;
    t->assessments += s->assessments;
    t->contained += s->contained;
    t->assessments_bo30 += s->assessments_bo30;
    t->contained_bo30 += s->contained_bo30;
    t->launch_assessments += s->launch_assessments;
    t->launch_contained += s->launch_contained;
    for (int i = 0; i < s->n_objects; i++) {
        const struct tl_score_object *o = &s->obj[i];
        /* The same truth for every run: object i is the same missile in each. */
        struct obj_acc *a = i < n_acc ? &acc[i] : NULL;
        t->objects++;
        t->tracks_total += o->tracks;
        t->swaps += o->swaps;
        t->one_track += o->tracks == 1;
        for (int j = 0; j < 3; j++)
            nanmean_add(&t->miss[j], &t->nmiss[j], o->ipp_miss_m[j]);
        nanmean_add(&t->lerr, &t->nlerr, o->launch_err_m);
        nanmean_add(&t->confirm_delay, &t->ndelay, o->confirmed_s - o->first_seen_s);
        nanmean_add(&t->lte, &t->nlte, fabs(o->launch_time_err_s));
        nanmean_add(&t->lte_med, &t->nlte_med, fabs(o->launch_time_err_median_s));
        nanmean_add(&t->apo, &t->napo, fabs(o->apogee_err_km));
        nanmean_add(&t->apo_med, &t->napo_med, fabs(o->apogee_err_median_km));
        nanmean_add(&t->semi_major_med, &t->nsemi_major_med, o->semi_major_median_bo30_m);
        nanmean_add(&t->miss_med, &t->nmiss_med, o->miss_median_bo30_m);
        nanmean_add(&t->miss_last, &t->nmiss_last, o->ipp_miss_last_m);
        if (isfinite(o->launch_time_err_s) &&
            t->n_lte_abs < (long)(sizeof t->lte_abs / sizeof t->lte_abs[0]))
            t->lte_abs[t->n_lte_abs++] = fabs(o->launch_time_err_s);
        for (int j = 0; j < 4; j++)
            if (o->at_contained[j] >= 0 &&
                t->at_n[j] < (long)(sizeof t->at_miss[j] / sizeof t->at_miss[j][0])) {
                t->at_miss[j][t->at_n[j]] = j < 3 ? o->ipp_miss_m[j] : o->ipp_miss_last_m;
                t->at_semi[j][t->at_n[j]] = o->at_semi_major_m[j];
                t->at_contained[j] += o->at_contained[j];
                t->at_n[j]++;
            }
        if (a == NULL)
            continue;
        acc_add(a, F_LTE, o->launch_time_err_s);
        acc_add(a, F_LTE_MED, o->launch_time_err_median_s);
        acc_add(a, F_APO, o->apogee_err_km);
        acc_add(a, F_APO_MED, o->apogee_err_median_km);
        acc_add(a, F_LERR, o->launch_err_m);
        for (int j = 0; j < 3; j++)
            acc_add(a, F_MISS30 + j, o->ipp_miss_m[j]);
        acc_add(a, F_MISS_LAST, o->ipp_miss_last_m);
        acc_add(a, F_POS, o->pos_rmse_m);
        acc_add(a, F_VEL, o->vel_rmse_mps);
        acc_add(a, F_SEEN, o->first_seen_s);
        acc_add(a, F_CONF, o->confirmed_s);
        acc_add(a, F_TRACKS, o->tracks);
        acc_add(a, F_SWAPS, o->swaps);
        a->assessments += o->assessments;
        a->contained += o->contained;
    }
}

/* Every run scored (and so checked) before anything is printed or plotted: the totals, the
 * accumulators (owned in *@p acc) and the first run's score (in *@p first when *@p have_first;
 * kept for the charts). Returns 0, or an exit status. */
static int score_runs(const struct score_opts *o, struct totals *t, struct obj_acc **acc,
                      int *n_acc, struct tl_score *first, int *have_first)
{
    for (int run = o->runs > 0 ? 1 : 0; run <= o->runs; run++) {
        char tp[512], ap[512], truth[512], events[512];
        struct tl_score s;
        struct tl_diag diag;
        int rc;

        run_name(o->tracks, run, tp, sizeof tp);
        run_name(o->assess, run, ap, sizeof ap);
        /* A mismatched Monte Carlo flies a world per run: its own truth and events. */
        run_name(o->truth, run, truth, sizeof truth);
        if (access(truth, F_OK) != 0)
            snprintf(truth, sizeof truth, "%s", o->truth);
        if (o->events != NULL) {
            run_name(o->events, run, events, sizeof events);
            if (access(events, F_OK) != 0)
                snprintf(events, sizeof events, "%s", o->events);
        }
        memset(&diag, 0, sizeof diag);
        if ((rc = tl_score_files_events(&o->cfg, truth, tp, ap, o->events != NULL ? events : NULL,
                                        &s, &diag)) != TL_OK)
            return rc == TL_ENOMEM ? cli_error("score", TL_EXIT_FAIL, "out of memory")
                                   : cli_diag("score", &diag);
        if (*acc == NULL && (rc = init_acc(&s, acc, n_acc)) != 0) {
            tl_score_free(&s);
            return rc;
        }
        add_run(t, *acc, *n_acc, &s);
        if (!*have_first) {
            *first = s; /* kept for the charts, which are drawn once every run has passed */
            *have_first = 1;
        } else {
            tl_score_free(&s);
        }
    }
    return 0;
}

/* --json: one object, the means over the runs and one entry per missile. */
static void print_json(const struct totals *t, const struct obj_acc *acc, int n_acc, int runs)
{
    const double n = runs > 0 ? runs : 1;
    const double frac = t->assessments > 0 ? (double)t->contained / (double)t->assessments : NAN;
    json_t *o = json_object(), *det = json_array();
    char *text;

    json_object_set_new(o, "runs", json_integer(runs > 0 ? runs : 1));
    json_object_set_new(o, "objects", json_integer(t->objects));
    json_object_set_new(o, "gospa_mean_m", jnum(t->gospa / n));
    json_object_set_new(o, "ospa_mean_m", jnum(t->ospa / n));
    json_object_set_new(o, "tracks_per_object",
                        jnum(t->objects ? (double)t->tracks_total / (double)t->objects : NAN));
    json_object_set_new(o, "objects_with_one_track", json_integer(t->one_track));
    json_object_set_new(o, "track_swaps", json_integer(t->swaps));
    json_object_set_new(o, "false_confirmed_tracks", json_integer(t->false_tracks));
    json_object_set_new(o, "confirm_delay_s",
                        jnum(t->ndelay ? t->confirm_delay / (double)t->ndelay : NAN));
    json_object_set_new(o, "launch_error_m", jnum(t->nlerr ? t->lerr / (double)t->nlerr : NAN));
    json_object_set_new(o, "ipp_miss_30s_m",
                        jnum(t->nmiss[0] ? t->miss[0] / (double)t->nmiss[0] : NAN));
    json_object_set_new(o, "ipp_miss_60s_m",
                        jnum(t->nmiss[1] ? t->miss[1] / (double)t->nmiss[1] : NAN));
    json_object_set_new(o, "ipp_miss_120s_m",
                        jnum(t->nmiss[2] ? t->miss[2] / (double)t->nmiss[2] : NAN));
    json_object_set_new(o, "ipp_miss_last_m",
                        jnum(t->nmiss_last ? t->miss_last / (double)t->nmiss_last : NAN));
    json_object_set_new(o, "launch_time_abs_err_s", jnum(t->nlte ? t->lte / (double)t->nlte : NAN));
    json_object_set_new(o, "launch_time_abs_err_median_s",
                        jnum(t->nlte_med ? t->lte_med / (double)t->nlte_med : NAN));
    json_object_set_new(o, "apogee_abs_err_km", jnum(t->napo ? t->apo / (double)t->napo : NAN));
    json_object_set_new(o, "apogee_abs_err_median_km",
                        jnum(t->napo_med ? t->apo_med / (double)t->napo_med : NAN));
    json_object_set_new(o, "ellipse_assessments", json_integer(t->assessments));
    json_object_set_new(o, "ellipse_containment", jnum(frac));
    json_object_set_new(o, "ellipse_assessments_bo30", json_integer(t->assessments_bo30));
    json_object_set_new(o, "containment_bo30",
                        jnum(t->assessments_bo30 > 0
                                 ? (double)t->contained_bo30 / (double)t->assessments_bo30
                                 : NAN));
    json_object_set_new(o, "semi_major_median_bo30_m",
                        jnum(t->nsemi_major_med ? t->semi_major_med / (double)t->nsemi_major_med
                                                : NAN));
    json_object_set_new(o, "miss_median_bo30_m",
                        jnum(t->nmiss_med ? t->miss_med / (double)t->nmiss_med : NAN));
    json_object_set_new(o, "launch_time_abs_err_last_median_s",
                        jnum(t->lte_abs_median));
    {
        static const char *const AT[4] = { "bo30", "bo60", "bo120", "last" };
        for (int j = 0; j < 4; j++) {
            char key[64];
            double mv[4096], sv[4096];
            memcpy(mv, t->at_miss[j], (size_t)t->at_n[j] * sizeof mv[0]);
            memcpy(sv, t->at_semi[j], (size_t)t->at_n[j] * sizeof sv[0]);
            snprintf(key, sizeof key, "at_%s_assessments", AT[j]);
            json_object_set_new(o, key, json_integer(t->at_n[j]));
            snprintf(key, sizeof key, "at_%s_containment", AT[j]);
            json_object_set_new(o, key, jnum(t->at_n[j] > 0 ? (double)t->at_contained[j] /
                                                                  (double)t->at_n[j]
                                                            : NAN));
            snprintf(key, sizeof key, "at_%s_miss_median_m", AT[j]);
            json_object_set_new(o, key, jnum(median_of(mv, t->at_n[j])));
            snprintf(key, sizeof key, "at_%s_semi_major_median_m", AT[j]);
            json_object_set_new(o, key, jnum(median_of(sv, t->at_n[j])));
        }
    }
    json_object_set_new(o, "launch_ellipse_assessments", json_integer(t->launch_assessments));
    json_object_set_new(o, "launch_containment",
                        jnum(t->launch_assessments > 0 ? (double)t->launch_contained /
                                                             (double)t->launch_assessments
                                                       : NAN));
    for (int i = 0; i < n_acc; i++) {
        json_t *e = json_object(), *tj = json_object();
        json_object_set_new(e, "id", json_string(acc[i].id));
        for (int f = 0; f < NF; f++)
            json_object_set_new(e, FKEY[f], jnum(acc_mean(&acc[i], f)));
        json_object_set_new(e, "ellipse_assessments", json_integer(acc[i].assessments));
        json_object_set_new(e, "ellipse_contained", json_integer(acc[i].contained));
        json_object_set_new(tj, "launch_s", jnum(acc[i].launch_s));
        json_object_set_new(tj, "burnout_s", jnum(acc[i].burnout_s));
        json_object_set_new(tj, "reentry_s", jnum(acc[i].reentry_s));
        json_object_set_new(tj, "impact_s", jnum(acc[i].impact_s));
        json_object_set_new(tj, "apogee_km", jnum(acc[i].apogee_km));
        json_object_set_new(e, "truth", tj);
        json_array_append_new(det, e);
    }
    json_object_set_new(o, "objects_detail", det);
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    printf("%s\n", text);
    free(text);
    json_decref(o);
}

/* The text report: each object (one run) or its means (--runs), then the means over all. */
static void print_text(const struct totals *t, const struct obj_acc *acc, int n_acc, int runs,
                       const struct tl_score *first)
{
    const double n = runs > 0 ? runs : 1;
    const double frac = t->assessments > 0 ? (double)t->contained / (double)t->assessments : NAN;

    if (runs == 0)
        for (int i = 0; i < first->n_objects; i++)
            print_object(&first->obj[i]);
    else
        for (int i = 0; i < n_acc; i++)
            printf("%-8s over %d runs: launch time %+.2f s (median after burnout %+.2f s), "
                   "apogee %+.2f km (median %+.2f km), launch error %.0f m, last impact "
                   "miss %.0f m, %.2f tracks\n",
                   acc[i].id, runs, acc_mean(&acc[i], F_LTE), acc_mean(&acc[i], F_LTE_MED),
                   acc_mean(&acc[i], F_APO), acc_mean(&acc[i], F_APO_MED),
                   acc_mean(&acc[i], F_LERR), acc_mean(&acc[i], F_MISS_LAST),
                   acc_mean(&acc[i], F_TRACKS));
    printf("%s%d run%s, %ld object%s: GOSPA mean %.1f m, OSPA mean %.1f m; %.2f tracks per "
           "object (%ld with exactly one), %ld swaps, %ld false confirmed tracks\n",
           runs > 0 ? "Monte Carlo: " : "", runs > 0 ? runs : 1, runs > 1 ? "s" : "",
           t->objects, t->objects == 1 ? "" : "s", t->gospa / n, t->ospa / n,
           t->objects ? (double)t->tracks_total / (double)t->objects : NAN, t->one_track, t->swaps,
           t->false_tracks);
    printf("mean confirmation delay %.1f s, launch-point error %.0f m, impact miss at "
           "burnout +30/+60/+120 s: %.0f / %.0f / %.0f m\n",
           t->ndelay ? t->confirm_delay / (double)t->ndelay : NAN,
           t->nlerr ? t->lerr / (double)t->nlerr : NAN,
           t->nmiss[0] ? t->miss[0] / (double)t->nmiss[0] : NAN,
           t->nmiss[1] ? t->miss[1] / (double)t->nmiss[1] : NAN,
           t->nmiss[2] ? t->miss[2] / (double)t->nmiss[2] : NAN);
    printf("mean absolute launch-time error %.2f s (of medians after burnout %.2f s), "
           "apogee error %.2f km (%.2f km)\n",
           t->nlte ? t->lte / (double)t->nlte : NAN,
           t->nlte_med ? t->lte_med / (double)t->nlte_med : NAN,
           t->napo ? t->apo / (double)t->napo : NAN,
           t->napo_med ? t->apo_med / (double)t->napo_med : NAN);
    printf("95%% impact ellipse after burnout contained the true impact point in %ld of "
           "%ld assessments (%.1f %%)\n",
           t->contained, t->assessments, 100.0 * frac);
    printf("from burnout + 30 s to impact: %ld of %ld (%.1f %%), median semi-major %.0f m beside "
           "a median miss of %.0f m; 95%% launch ellipse held the pad in %ld of %ld (%.1f %%)\n",
           t->contained_bo30, t->assessments_bo30,
           t->assessments_bo30 ? 100.0 * (double)t->contained_bo30 / (double)t->assessments_bo30
                               : NAN,
           t->nsemi_major_med ? t->semi_major_med / (double)t->nsemi_major_med : NAN,
           t->nmiss_med ? t->miss_med / (double)t->nmiss_med : NAN, t->launch_contained,
           t->launch_assessments,
           t->launch_assessments
               ? 100.0 * (double)t->launch_contained / (double)t->launch_assessments
               : NAN);
}

int cmd_score(int argc, char **argv)
{
    struct score_opts o;
    struct totals t;
    struct tl_score first;
    struct obj_acc *acc = NULL;
    int have_first = 0, n_acc = 0, status;

    if ((status = parse_args(argc, argv, &o)) >= 0)
        return status;
    memset(&t, 0, sizeof t);
    memset(&first, 0, sizeof first);
    if ((status = score_runs(&o, &t, &acc, &n_acc, &first, &have_first)) != 0)
        goto out;
    t.lte_abs_median = median_of(t.lte_abs, t.n_lte_abs);
    if (o.json)
        print_json(&t, acc, n_acc, o.runs);
    else
        print_text(&t, acc, n_acc, o.runs, &first);
    if (o.plot_dir != NULL && have_first && plot(o.plot_dir, &first, o.cfg.cutoff_m, o.cfg.p) != 0)
        status = TL_EXIT_FAIL;
out:
    if (have_first)
        tl_score_free(&first);
    free(acc);
    return status;
}
