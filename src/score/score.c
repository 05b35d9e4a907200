/* Scoring: GOSPA/OSPA, RMSE, continuity, false tracks, and the assessment figures. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/geo.h"
#include "trilink/score.h"
#include "trilink/track.h"
#include "../util/yamltree.h" /* tl__parse_num */

struct tl_score_cfg tl_score_cfg_default(void)
{
    struct tl_score_cfg c = { 10000.0, 2.0, 10.0 };

    return c;
}

void tl_score_free(struct tl_score *s)
{
    if (s == NULL)
        return;
    free(s->t_s);
    free(s->gospa_m);
    free(s->ospa_m);
    s->t_s = s->gospa_m = s->ospa_m = NULL;
}

/* ---------------------------------------------------------------- a small CSV table */

struct table {
    int ncol;
    char *col[32];
    size_t nrow, cap;
    char **cell; /* nrow * ncol strings, in one allocation per row */
};

static void table_free(struct table *t)
{
    for (size_t r = 0; r < t->nrow; r++)
        free(t->cell[r * (size_t)t->ncol]);
    free(t->cell);
    for (int c = 0; c < t->ncol; c++)
        free(t->col[c]);
    memset(t, 0, sizeof *t);
}

static int split(char *line, char **f, int max)
{
    int n = 0;

    f[n++] = line;
    for (char *p = line; *p; p++)
        if (*p == ',') {
            if (n == max)
                return max + 1;
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

static int table_load(const char *path, struct table *t, struct tl_diag *diag)
{
    char buf[4096], *f[33];
    FILE *fp = fopen(path, "r");
    int ln = 0;

    memset(t, 0, sizeof *t);
    if (diag != NULL) {
        memset(diag, 0, sizeof *diag);
        snprintf(diag->file, sizeof diag->file, "%s", path);
    }
    if (fp == NULL) {
        if (diag != NULL)
            snprintf(diag->message, sizeof diag->message, "cannot open: %s", strerror(errno));
        return TL_EIO;
    }
    while (fgets(buf, sizeof buf, fp) != NULL) {
        size_t len = strlen(buf);
        int n;
        ln++;
        while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            buf[--len] = '\0';
        if (len == 0)
            continue;
        n = split(buf, f, 32);
        if (ln == 1) {
            if (n > 32)
                goto bad;
            t->ncol = n;
            for (int c = 0; c < n; c++)
                if ((t->col[c] = strdup(f[c])) == NULL)
                    goto nomem;
            continue;
        }
        if (n != t->ncol) {
            if (diag != NULL) {
                diag->line = ln;
                snprintf(diag->message, sizeof diag->message, "expected %d columns, found %d",
                         t->ncol, n);
            }
            fclose(fp);
            table_free(t);
            return TL_EPARSE;
        }
        if (t->nrow == t->cap) {
            size_t nc = t->cap ? 2 * t->cap : 4096;
            char **ncell = realloc(t->cell, nc * (size_t)t->ncol * sizeof *ncell);
            if (ncell == NULL)
                goto nomem;
            t->cell = ncell;
            t->cap = nc;
        }
        {
            /* One copy of the row; the cells point into it. */
            char *row = malloc(len + 1), *p;
            if (row == NULL)
                goto nomem;
            memcpy(row, buf, len + 1); /* buf now holds NULs where commas were */
            p = row;
            for (int c = 0; c < t->ncol; c++) {
                t->cell[t->nrow * (size_t)t->ncol + (size_t)c] = p;
                p += strlen(p) + 1;
            }
        }
        t->nrow++;
    }
    fclose(fp);
    if (ln == 0)
        goto bad;
    return TL_OK;
bad:
    if (diag != NULL) {
        diag->line = ln;
        snprintf(diag->message, sizeof diag->message, "not a CSV table with a header");
    }
    fclose(fp);
    table_free(t);
    return TL_EPARSE;
nomem:
    fclose(fp);
    table_free(t);
    return TL_ENOMEM;
}

static int col_of(const struct table *t, const char *name, struct tl_diag *diag)
{
    for (int c = 0; c < t->ncol; c++)
        if (strcmp(t->col[c], name) == 0)
            return c;
    if (diag != NULL) {
        diag->line = 1;
        snprintf(diag->message, sizeof diag->message, "no column '%s'", name);
    }
    return -1;
}

static double num(const struct table *t, size_t r, int c)
{
    double v;

    return tl__parse_num(t->cell[r * (size_t)t->ncol + (size_t)c], &v) == 0 ? v : NAN;
}

static const char *str(const struct table *t, size_t r, int c)
{
    return t->cell[r * (size_t)t->ncol + (size_t)c];
}

/* ---------------------------------------------------------------- scoring */

struct track_info {
    int id;
    int ever_confirmed;
    int assigned_to; /* object most recently assigned, -1 none */
    long votes[TL_SCORE_MAX_OBJECTS];
    size_t last_row;  /* latest confirmed/coasting row seen so far */
    int have_row;
};

static double dist3(const double *a, const double *b)
{
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                (a[2] - b[2]) * (a[2] - b[2]));
}

int tl_score_files(const struct tl_score_cfg *cfg, const char *truth_path, const char *tracks_path,
                   const char *assess_path, struct tl_score *out, struct tl_diag *diag)
{
    struct table tr, tk, as;
    struct tl_score s;
    struct track_info *ti = NULL;
    int nti = 0, rc;
    int tc[12], kc[9], ac[13];
    double launch[TL_SCORE_MAX_OBJECTS][2], impact[TL_SCORE_MAX_OBJECTS][2];
    double pos_se[TL_SCORE_MAX_OBJECTS], vel_se[TL_SCORE_MAX_OBJECTS];
    long pairs[TL_SCORE_MAX_OBJECTS];
    int last_track[TL_SCORE_MAX_OBJECTS];
    static const char *const TCOL[] = { "time_s", "object", "x_m", "y_m", "z_m", "vx_mps",
                                        "vy_mps", "vz_mps", "phase" };
    static const char *const KCOL[] = { "time_s", "track", "status", "x_m", "y_m", "z_m",
                                        "vx_mps", "vy_mps", "vz_mps" };
    static const char *const ACOL[] = { "time_s", "track", "launch_lat_deg", "launch_lon_deg",
                                        "impact_lat_deg", "impact_lon_deg", "impact_semi_major_m",
                                        "impact_semi_minor_m", "impact_major_azimuth_deg" };

    if (cfg == NULL || truth_path == NULL || tracks_path == NULL || assess_path == NULL ||
        out == NULL)
        return TL_EINVAL;
    memset(&s, 0, sizeof s);
    if ((rc = table_load(truth_path, &tr, diag)) != TL_OK)
        return rc;
    if ((rc = table_load(tracks_path, &tk, diag)) != TL_OK) {
        table_free(&tr);
        return rc;
    }
    if ((rc = table_load(assess_path, &as, diag)) != TL_OK) {
        table_free(&tr);
        table_free(&tk);
        return rc;
    }
    rc = TL_EPARSE;
    if (diag != NULL)
        snprintf(diag->file, sizeof diag->file, "%s", truth_path);
    for (int i = 0; i < 9; i++)
        if ((tc[i] = col_of(&tr, TCOL[i], diag)) < 0)
            goto done;
    if (diag != NULL)
        snprintf(diag->file, sizeof diag->file, "%s", tracks_path);
    for (int i = 0; i < 9; i++)
        if ((kc[i] = col_of(&tk, KCOL[i], diag)) < 0)
            goto done;
    if (diag != NULL)
        snprintf(diag->file, sizeof diag->file, "%s", assess_path);
    for (int i = 0; i < 9; i++)
        if ((ac[i] = col_of(&as, ACOL[i], diag)) < 0)
            goto done;
    rc = TL_OK;

    /* Objects, launch points (first row), burnout (last boost row), impact (last row carried
     * down to the ground along its velocity). */
    for (size_t r = 0; r < tr.nrow; r++) {
        const char *id = str(&tr, r, tc[1]);
        int k = -1;
        for (int i = 0; i < s.n_objects; i++)
            if (strcmp(s.obj[i].id, id) == 0)
                k = i;
        if (k < 0) {
            double p[3] = { num(&tr, r, tc[2]), num(&tr, r, tc[3]), num(&tr, r, tc[4]) };
            struct tl_lla l = tl_geo_ecef_to_lla(&TL_WGS84, p);
            if (s.n_objects == TL_SCORE_MAX_OBJECTS) {
                rc = TL_ERANGE;
                goto done;
            }
            k = s.n_objects++;
            snprintf(s.obj[k].id, sizeof s.obj[k].id, "%s", id);
            launch[k][0] = l.lat_rad;
            launch[k][1] = l.lon_rad;
            s.obj[k].first_seen_s = s.obj[k].confirmed_s = s.obj[k].launch_err_m = NAN;
            s.obj[k].burnout_s = NAN;
            for (int j = 0; j < 3; j++)
                s.obj[k].ipp_miss_m[j] = NAN;
            last_track[k] = -1;
            pos_se[k] = vel_se[k] = 0.0;
            pairs[k] = 0;
        }
        if (strcmp(str(&tr, r, tc[8]), "boost") == 0)
            s.obj[k].burnout_s = num(&tr, r, tc[0]);
        {
            double y[6], n[3], h, climb, dt;
            struct tl_lla l;
            for (int j = 0; j < 6; j++)
                y[j] = num(&tr, r, tc[2 + j]);
            h = tl_geo_height_normal(&TL_WGS84, y, n);
            climb = n[0] * y[3] + n[1] * y[4] + n[2] * y[5];
            dt = climb < 0.0 ? h / -climb : 0.0;
            for (int j = 0; j < 3; j++)
                y[j] += y[3 + j] * dt;
            l = tl_geo_ecef_to_lla(&TL_WGS84, y);
            impact[k][0] = l.lat_rad;
            impact[k][1] = l.lon_rad;
        }
    }

    /* Tracks: ids of tracks ever confirmed. */
    ti = calloc(tk.nrow + 1, sizeof *ti);
    if (ti == NULL) {
        rc = TL_ENOMEM;
        goto done;
    }
    for (size_t r = 0; r < tk.nrow; r++) {
        const int id = (int)num(&tk, r, kc[1]);
        const char *st = str(&tk, r, kc[2]);
        int k = -1;
        if (strcmp(st, "confirmed") != 0 && strcmp(st, "coasting") != 0)
            continue;
        for (int i = nti - 1; i >= 0; i--)
            if (ti[i].id == id) {
                k = i;
                break;
            }
        if (k < 0) {
            k = nti++;
            ti[k].id = id;
            ti[k].assigned_to = -1;
            ti[k].ever_confirmed = 1;
        }
    }
    s.confirmed_tracks = nti;

    /* Detection and confirmation times: the first track row (any status, then confirmed)
     * within the cutoff of the object's truth at the nearest earlier truth time. */
    {
        size_t tr_row = 0;
        for (size_t r = 0; r < tk.nrow; r++) {
            const double t = num(&tk, r, kc[0]);
            const double p[3] = { num(&tk, r, kc[3]), num(&tk, r, kc[4]), num(&tk, r, kc[5]) };
            const int confirmed = strcmp(str(&tk, r, kc[2]), "confirmed") == 0;
            /* Truth rows are in time order: advance to the last row at or before t. */
            while (tr_row + 1 < tr.nrow && num(&tr, tr_row + 1, tc[0]) <= t)
                tr_row++;
            for (size_t q = tr_row; q < tr.nrow && num(&tr, q, tc[0]) <= t + 1e-9; q--) {
                const double tt = num(&tr, q, tc[0]);
                double x[3];
                int k = -1;
                if (t - tt > 1.5)
                    break;
                for (int i = 0; i < s.n_objects; i++)
                    if (strcmp(s.obj[i].id, str(&tr, q, tc[1])) == 0)
                        k = i;
                for (int j = 0; j < 3; j++)
                    x[j] = num(&tr, q, tc[2 + j]) + num(&tr, q, tc[5 + j]) * (t - tt);
                if (k >= 0 && dist3(x, p) < cfg->cutoff_m) {
                    if (isnan(s.obj[k].first_seen_s))
                        s.obj[k].first_seen_s = t;
                    if (confirmed && isnan(s.obj[k].confirmed_s))
                        s.obj[k].confirmed_s = t;
                }
                if (q == 0)
                    break;
            }
        }
    }

    /* GOSPA/OSPA and track-to-truth assignment at each truth time. */
    {
        size_t r = 0, kr = 0, cap = 0;
        double c = cfg->cutoff_m, p = cfg->p;
        double *cost = malloc((size_t)(64 * (size_t)(nti + 64)) * sizeof *cost);
        int *asg = malloc(((size_t)nti + 64) * sizeof *asg);
        size_t *row_of = calloc((size_t)nti + 1, sizeof *row_of);
        char *have = calloc((size_t)nti + 1, 1);
        if (cost == NULL || asg == NULL || row_of == NULL || have == NULL) {
            free(cost);
            free(asg);
            free(row_of);
            free(have);
            rc = TL_ENOMEM;
            goto done;
        }
        while (r < tr.nrow) {
            const double t = num(&tr, r, tc[0]);
            double X[64][6], Y[512][6];
            int nx = 0, ny = 0, yid[512];
            size_t e = r;
            while (e < tr.nrow && num(&tr, e, tc[0]) == t)
                e++;
            for (size_t q = r; q < e && nx < 64; q++) {
                for (int j = 0; j < 6; j++)
                    X[nx][j] = num(&tr, q, tc[2 + j]);
                nx++;
            }
            /* Latest confirmed/coasting row of each track up to t. */
            while (kr < tk.nrow && num(&tk, kr, kc[0]) <= t) {
                const char *st = str(&tk, kr, kc[2]);
                const int id = (int)num(&tk, kr, kc[1]);
                for (int i = 0; i < nti; i++)
                    if (ti[i].id == id) {
                        if (strcmp(st, "deleted") == 0)
                            have[i] = 0;
                        else if (strcmp(st, "confirmed") == 0 || strcmp(st, "coasting") == 0) {
                            row_of[i] = kr;
                            have[i] = 1;
                        }
                        break;
                    }
                kr++;
            }
            for (int i = 0; i < nti && ny < 512; i++) {
                double dt;
                if (!have[i])
                    continue;
                dt = t - num(&tk, row_of[i], kc[0]);
                if (dt > cfg->stale_s)
                    continue;
                for (int j = 0; j < 6; j++)
                    Y[ny][j] = num(&tk, row_of[i], kc[3 + j]);
                for (int j = 0; j < 3; j++)
                    Y[ny][j] += Y[ny][3 + j] * dt;
                yid[ny++] = i;
            }
            {
                /* Assignment with the smaller set as rows; cost min(d, c)^p. */
                const int rows_are_x = nx <= ny;
                const int nr = rows_are_x ? nx : ny, nc = rows_are_x ? ny : nx;
                double total = 0.0, g, o;
                for (int a = 0; a < nr; a++)
                    for (int b = 0; b < nc; b++) {
                        const double *xa = rows_are_x ? X[a] : X[b], *yb = rows_are_x ? Y[b] : Y[a];
                        cost[(size_t)a * (size_t)nc + (size_t)b] = pow(fmin(dist3(xa, yb), c), p);
                    }
                if (nr > 0 && tl_assign(nr, nc, cost, asg, &total) != TL_OK) {
                    rc = TL_EINVAL;
                    break;
                }
                g = pow(total + pow(c, p) / 2.0 * abs(nx - ny), 1.0 / p);
                o = nc > 0 ? pow((total + pow(c, p) * (nc - nr)) / nc, 1.0 / p) : 0.0;
                if (s.n_steps == cap) {
                    size_t ncap = cap ? 2 * cap : 1024;
                    double *a1 = realloc(s.t_s, ncap * sizeof *a1), *a2, *a3;
                    if (a1 != NULL)
                        s.t_s = a1;
                    a2 = realloc(s.gospa_m, ncap * sizeof *a2);
                    if (a2 != NULL)
                        s.gospa_m = a2;
                    a3 = realloc(s.ospa_m, ncap * sizeof *a3);
                    if (a3 != NULL)
                        s.ospa_m = a3;
                    if (a1 == NULL || a2 == NULL || a3 == NULL) {
                        rc = TL_ENOMEM;
                        break;
                    }
                    cap = ncap;
                }
                s.t_s[s.n_steps] = t;
                s.gospa_m[s.n_steps] = g;
                s.ospa_m[s.n_steps] = o;
                s.n_steps++;
                s.gospa_mean_m += g;
                s.ospa_mean_m += o;
                for (int a = 0; a < nr; a++) {
                    const int xi = rows_are_x ? a : asg[a], yi = rows_are_x ? asg[a] : a;
                    int obj = -1, k;
                    double d = dist3(X[xi], Y[yi]);
                    if (d >= c)
                        continue;
                    /* Which object is row xi of this time step? */
                    for (int i = 0; i < s.n_objects; i++)
                        if (strcmp(s.obj[i].id, str(&tr, r + (size_t)xi, tc[1])) == 0)
                            obj = i;
                    if (obj < 0)
                        continue;
                    k = yid[yi];
                    ti[k].assigned_to = obj;
                    ti[k].votes[obj]++;
                    pos_se[obj] += d * d;
                    {
                        double dv[3] = { X[xi][3] - Y[yi][3], X[xi][4] - Y[yi][4],
                                         X[xi][5] - Y[yi][5] };
                        vel_se[obj] += dv[0] * dv[0] + dv[1] * dv[1] + dv[2] * dv[2];
                    }
                    pairs[obj]++;
                    if (last_track[obj] != ti[k].id) {
                        if (last_track[obj] >= 0)
                            s.obj[obj].swaps++;
                        last_track[obj] = ti[k].id;
                    }
                }
            }
            r = e;
        }
        free(cost);
        free(asg);
        free(row_of);
        free(have);
        if (rc != TL_OK)
            goto done;
    }
    if (s.n_steps > 0) {
        s.gospa_mean_m /= (double)s.n_steps;
        s.ospa_mean_m /= (double)s.n_steps;
    }
    for (int i = 0; i < s.n_objects; i++) {
        s.obj[i].launch_lat_rad = launch[i][0];
        s.obj[i].launch_lon_rad = launch[i][1];
        s.obj[i].impact_lat_rad = impact[i][0];
        s.obj[i].impact_lon_rad = impact[i][1];
        s.obj[i].pos_rmse_m = pairs[i] ? sqrt(pos_se[i] / (double)pairs[i]) : NAN;
        s.obj[i].vel_rmse_mps = pairs[i] ? sqrt(vel_se[i] / (double)pairs[i]) : NAN;
    }
    /* Each confirmed track belongs to the object it was most often assigned to. */
    for (int k = 0; k < nti; k++) {
        int best = -1;
        long bv = 0;
        for (int i = 0; i < s.n_objects; i++)
            if (ti[k].votes[i] > bv) {
                bv = ti[k].votes[i];
                best = i;
            }
        ti[k].assigned_to = best;
        if (best < 0)
            s.false_tracks++;
        else
            s.obj[best].tracks++;
    }

    /* Assessments: launch error (last one), impact misses and containment after burnout. */
    for (size_t r = 0; r < as.nrow; r++) {
        const int id = (int)num(&as, r, ac[1]);
        const double t = num(&as, r, ac[0]);
        int obj = -1;
        struct tl_score_object *o;
        double d, az, a, b, maz, xm, xn;
        for (int k = 0; k < nti; k++)
            if (ti[k].id == id)
                obj = ti[k].assigned_to;
        if (obj < 0)
            continue;
        o = &s.obj[obj];
        if (!isnan(num(&as, r, ac[2])))
            tl_geo_inverse(&TL_WGS84, launch[obj][0], launch[obj][1],
                           tl_deg2rad(num(&as, r, ac[2])), tl_deg2rad(num(&as, r, ac[3])),
                           &o->launch_err_m, NULL, NULL);
        if (isnan(o->burnout_s) || t <= o->burnout_s)
            continue;
        tl_geo_inverse(&TL_WGS84, tl_deg2rad(num(&as, r, ac[4])), tl_deg2rad(num(&as, r, ac[5])),
                       impact[obj][0], impact[obj][1], &d, &az, NULL);
        for (int j = 0; j < 3; j++) {
            static const double AFTER[3] = { 30.0, 60.0, 120.0 };
            if (t <= o->burnout_s + AFTER[j])
                o->ipp_miss_m[j] = d; /* the last assessment at or before that time */
        }
        /* Inside the ellipse: coordinates along its axes, scaled by the semi-axes. */
        a = num(&as, r, ac[6]);
        b = fmax(num(&as, r, ac[7]), 1e-6);
        maz = tl_deg2rad(num(&as, r, ac[8]));
        xm = d * cos(az - maz);
        xn = d * sin(az - maz);
        o->assessments++;
        s.assessments++;
        if ((xm / a) * (xm / a) + (xn / b) * (xn / b) <= 1.0) {
            o->contained++;
            s.contained++;
        }
    }
done:
    free(ti);
    table_free(&tr);
    table_free(&tk);
    table_free(&as);
    if (rc != TL_OK) {
        tl_score_free(&s);
        return rc;
    }
    *out = s;
    return TL_OK;
}
