/* trilink warn --truth: the warnings just written scored against the simulated flight. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/geo.h"
#include "trilink/parse.h"
#include "trilink/warn.h"
#include "cli.h"
#include "warn_cli.h"

#define MAX_TRUTH_AREAS 256

struct truth {
    size_t n, cap;
    double *t, *lat, *lon, *h;
    char (*obj)[33];
    double burnout_s, end_s;
};

static int truth_push(struct truth *tr, double t, const char *obj, double lat, double lon,
                      double h)
{
    if (tr->n == tr->cap) {
        const size_t cap = tr->cap ? 2 * tr->cap : 4096;
        double *a = realloc(tr->t, cap * sizeof *a), *b, *c, *d;
        char(*o)[33];
        if (a == NULL)
            return -1;
        tr->t = a;
        if ((b = realloc(tr->lat, cap * sizeof *b)) == NULL)
            return -1;
        tr->lat = b;
        if ((c = realloc(tr->lon, cap * sizeof *c)) == NULL)
            return -1;
        tr->lon = c;
        if ((d = realloc(tr->h, cap * sizeof *d)) == NULL)
            return -1;
        tr->h = d;
        if ((o = realloc(tr->obj, cap * sizeof *o)) == NULL)
            return -1;
        tr->obj = o;
        tr->cap = cap;
    }
    tr->t[tr->n] = t;
    tr->lat[tr->n] = tl_deg2rad(lat);
    tr->lon[tr->n] = tl_deg2rad(lon);
    tr->h[tr->n] = h;
    snprintf(tr->obj[tr->n], sizeof tr->obj[0], "%s", obj);
    tr->n++;
    return 0;
}

/* time_s,object,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,lon_deg,alt_m,phase */
static int read_truth(const char *path, struct truth *tr)
{
    FILE *f = fopen(path, "r");
    char line[1024], prev_obj[33] = "", prev_phase[16] = "";
    int ln = 0;
    if (f == NULL)
        return cli_error("warn", TL_EXIT_USAGE, "--truth: cannot open '%s'", path);
    tr->burnout_s = NAN;
    while (fgets(line, sizeof line, f) != NULL) {
        char *c[12];
        int n = 0;
        double t, lat, lon, h;
        if (ln++ == 0)
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        for (char *p = line; n < 12;) {
            c[n++] = p;
            if ((p = strchr(p, ',')) == NULL)
                break;
            *p++ = '\0';
        }
        if (n != 12 || tl_parse_number(c[0], &t) || tl_parse_number(c[8], &lat) ||
            tl_parse_number(c[9], &lon) || tl_parse_number(c[10], &h)) {
            fclose(f);
            return cli_error("warn", TL_EXIT_USAGE, "--truth: %s:%d: not a trilink sim --truth row",
                             path, ln);
        }
        if (strcmp(prev_obj, c[1]) == 0 && strcmp(prev_phase, "boost") == 0 &&
            strcmp(c[11], "boost") != 0 && (isnan(tr->burnout_s) || t > tr->burnout_s))
            tr->burnout_s = t;
        snprintf(prev_obj, sizeof prev_obj, "%s", c[1]);
        snprintf(prev_phase, sizeof prev_phase, "%s", c[11]);
        if (truth_push(tr, t, c[1], lat, lon, h) != 0) {
            fclose(f);
            return cli_error("warn", TL_EXIT_FAIL, "out of memory");
        }
        tr->end_s = fmax(tr->end_s, t);
    }
    fclose(f);
    return 0;
}

/* The areas each object reached (objects are runs of rows of the same name). */
static int reached(const struct tl_areas *areas, const char *nation, const struct truth *tr,
                   struct tl_warn_truth_area *out, int *n_out)
{
    size_t i = 0;
    *n_out = 0;
    while (i < tr->n) {
        size_t j = i;
        int k = 0;
        while (j < tr->n && strcmp(tr->obj[j], tr->obj[i]) == 0)
            j++;
        if (tl_warn_truth_areas(areas, nation, 100e3, j - i, tr->t + i, tr->lat + i, tr->lon + i,
                                tr->h + i, out + *n_out, MAX_TRUTH_AREAS - *n_out, &k) != TL_OK)
            return -1;
        *n_out += k;
        i = j;
    }
    return 0;
}

static void print_score(const struct tl_areas *areas, const struct tl_warn_score *s,
                        double launch_s, int json)
{
    if (json) {
        json_t *list = json_array(), *j;
        for (int i = 0; i < s->n; i++) {
            const struct tl_warn_area_score *a = &s->area[i];
            json_array_append_new(
                list, json_pack("{s:s,s:b,s:b,s:o,s:o,s:o,s:f,s:s}", "area",
                                tl_areas_get(areas, a->area)->code, "needed", a->needed,
                                "impact", a->impact,
                                "arrive_s", isnan(a->arrive_s) ? json_null() : json_real(a->arrive_s),
                                "first_alert_s", isnan(a->first_alert_s) ? json_null()
                                                 : json_real(a->first_alert_s),
                                "lead_s", isnan(a->lead_s) ? json_null() : json_real(a->lead_s),
                                "warned_s", a->warned_s, "closed", a->closed));
        }
        j = json_pack("{s:i,s:i,s:i,s:i,s:i,s:f,s:o,s:o}", "needed", s->needed, "missed",
                      s->missed, "wrong_after_settle", s->wrong_after, "chains", s->chains,
                      "open", s->open_chains, "unneeded_area_min", s->unneeded_area_min,
                      "first_alert_after_launch_s",
                      isnan(s->first_alert_s) ? json_null() : json_real(s->first_alert_s - launch_s),
                      "areas", list);
        json_dumpf(j, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(j);
        return;
    }
    printf("score: %d areas reached, %d missed, %d wrongly warned after burnout + 120 s, %d of %d "
           "warnings left open, %.1f area-minutes warned in vain; first alert %.1f s after launch "
           "(every time below is after launch too)\n",
           s->needed, s->missed, s->wrong_after, s->open_chains, s->chains, s->unneeded_area_min,
           s->first_alert_s - launch_s);
    for (int i = 0; i < s->n; i++) {
        const struct tl_warn_area_score *a = &s->area[i];
        char at[32] = "never reached", lead[24] = "-";
        if (a->needed)
            snprintf(at, sizeof at, "%s %7.1f s", a->impact ? "impact" : "overflown",
                     a->arrive_s - launch_s);
        if (isfinite(a->lead_s))
            snprintf(lead, sizeof lead, "%.1f s", a->lead_s);
        printf("  %-6s %-19s first alert %7.1f s  lead %8s  in force %6.1f s  %s\n",
               tl_areas_get(areas, a->area)->code, at, a->first_alert_s - launch_s, lead, a->warned_s,
               a->closed);
    }
}

int cli_warn_score(const char *truth_path, const char *out_dir, const struct tl_areas *areas,
                   const char *nation, int64_t epoch_ns, int json)
{
    struct truth tr = { 0 };
    struct tl_warn_truth_area ta[MAX_TRUTH_AREAS];
    struct tl_warn_row *rows = NULL;
    struct tl_warn_score s;
    struct tl_diag d = { 0 };
    char csv[1200];
    size_t n = 0;
    int n_ta = 0, rc = read_truth(truth_path, &tr);

    snprintf(csv, sizeof csv, "%s/warnings.csv", out_dir);
    if (rc == 0 && tl_warn_rows_read(csv, epoch_ns, &rows, &n, &d) != TL_OK)
        rc = cli_diag("warn", &d);
    if (rc == 0 && reached(areas, nation, &tr, ta, &n_ta) != 0)
        rc = cli_error("warn", TL_EXIT_USAGE, "--truth: a NaN position");
    if (rc == 0 && tl_warn_score(areas, nation, ta, n_ta, rows, n,
                                 (isnan(tr.burnout_s) ? 0.0 : tr.burnout_s) + 120.0, tr.end_s,
                                 &s) == TL_OK) {
        print_score(areas, &s, tr.n > 0 ? tr.t[0] : 0.0, json);
        tl_warn_score_free(&s);
    }
    free(rows);
    free(tr.t);
    free(tr.lat);
    free(tr.lon);
    free(tr.h);
    free(tr.obj);
    return rc;
}
