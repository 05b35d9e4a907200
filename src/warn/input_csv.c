/* Estimates for the offline warner from trilink track's CSV files: each assessment row with the
 * state of its track at that time, and the end of each track that is deleted. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/assess.h"
#include "trilink/geo.h"
#include "trilink/parse.h"
#include "trilink/trajectory.h"
#include "warn_int.h"

#define MAX_CELLS 24
#define LINE_MAX_LEN 1024

static const char TRACK_HEADER[] = "time_s,track,status,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,"
                                   "lon_deg,alt_m,phase,pos_sigma_m";
static const char ASSESS_HEADER[] =
    "time_s,track,class,launch_time_s,launch_lat_deg,launch_lon_deg,launch_err_m,impact_time_s,"
    "impact_lat_deg,impact_lon_deg,impact_semi_major_m,impact_semi_minor_m,"
    "impact_major_azimuth_deg,apogee_km,range_km";
/* The columns issue 12 added after those: the launch's uncertainty, an orbit instead of an impact. */
static const char ASSESS_MORE[] = ",launch_time_sigma_s,launch_semi_major_m,launch_semi_minor_m,"
                                  "launch_major_azimuth_deg,orbit_perigee_km,orbit_apogee_km,"
                                  "orbit_inclination_deg";
#define ASSESS_CELLS 15
#define ASSESS_MORE_CELLS 22

struct trow {
    double t_s;
    int track, deleted, phase;
    double x[6];
};

struct reader {
    const char *path;
    FILE *f;
    int line;
    char buf[LINE_MAX_LEN];
    char *cell[MAX_CELLS];
    int n;
    const char *const *names;
    struct tl_diag *diag;
};

static int fail(struct reader *r, int col, const char *fmt, const char *value)
{
    if (r->diag != NULL) {
        snprintf(r->diag->file, sizeof r->diag->file, "%s", r->path);
        r->diag->line = r->line;
    }
    return tl__warn_diag(r->diag, TL_EPARSE, col >= 0 ? r->names[col] : "row", fmt, value);
}

/* Next data row split into cells; 0 at the end of the file, 1 a row, < 0 an error. */
static int next_row(struct reader *r, int want)
{
    char *p;
    if (fgets(r->buf, sizeof r->buf, r->f) == NULL)
        return ferror(r->f) ? fail(r, -1, "read error: %s", strerror(errno)) : 0;
    r->line++;
    p = strchr(r->buf, '\n');
    if (p == NULL && !feof(r->f))
        return fail(r, -1, "line longer than %s characters", "1023");
    if (p != NULL)
        *p = '\0';
    if ((p = strchr(r->buf, '\r')) != NULL)
        *p = '\0';
    r->n = 0;
    for (p = r->buf; r->n < MAX_CELLS;) {
        r->cell[r->n++] = p;
        p = strchr(p, ',');
        if (p == NULL)
            break;
        *p++ = '\0';
    }
    if (r->n != want)
        return fail(r, -1, "'%s': wrong number of cells", r->buf);
    return 1;
}

static int num(struct reader *r, int col, double *out)
{
    if (tl_parse_number(r->cell[col], out) != TL_OK || !isfinite(*out))
        return fail(r, col, "'%s': not a finite number", r->cell[col]);
    return TL_OK;
}

static int line_end(char c)
{
    return c == '\n' || c == '\r' || c == '\0';
}

/* Opens @p path and checks its header: @p header, or @p header followed by @p more (NULL: none).
 * @p names_buf holds both. *@p with_more says which one the file has. */
static int open_reader(struct reader *r, const char *path, const char *header, const char *more,
                       char *names_buf, const char **names, int *with_more, struct tl_diag *diag)
{
    const size_t hl = strlen(header), ml = more != NULL ? strlen(more) : 0;
    char *p = names_buf;
    int k = 0;
    memset(r, 0, sizeof *r);
    r->path = path;
    r->diag = diag;
    r->names = names;
    strcpy(names_buf, header);
    if (more != NULL)
        strcat(names_buf, more);
    for (names[k++] = p; (p = strchr(p, ',')) != NULL && k < MAX_CELLS; names[k++] = ++p)
        *p = '\0';
    if ((r->f = fopen(path, "r")) == NULL)
        return tl__warn_diag(diag, TL_EIO, path, "cannot open: %s", strerror(errno));
    r->line = 1;
    if (fgets(r->buf, sizeof r->buf, r->f) == NULL || strncmp(r->buf, header, hl) != 0)
        return fail(r, -1, "the header is not '%s'", header);
    *with_more = more != NULL && strncmp(r->buf + hl, more, ml) == 0 && line_end(r->buf[hl + ml]);
    if (!*with_more && !line_end(r->buf[hl]))
        return fail(r, -1, "the header is not '%s'", header);
    return TL_OK;
}

static int read_tracks(const char *path, struct trow **rows, size_t *n, struct tl_diag *diag)
{
    char nb[sizeof TRACK_HEADER];
    const char *names[MAX_CELLS];
    struct reader r;
    size_t cap = 0;
    int with_more, rc = open_reader(&r, path, TRACK_HEADER, NULL, nb, names, &with_more, diag), got;

    *rows = NULL;
    *n = 0;
    while (rc == TL_OK && (got = next_row(&r, 14)) > 0) {
        struct trow t;
        double v;
        if ((rc = num(&r, 0, &t.t_s)) != TL_OK || (rc = num(&r, 1, &v)) != TL_OK)
            break;
        if (v != floor(v) || v < 1 || v > 2e9) { /* checked before the cast: (int)1e122 is UB */
            rc = fail(&r, 1, "'%s': not a track number", r.cell[1]);
            break;
        }
        t.track = (int)v;
        t.deleted = strcmp(r.cell[2], "deleted") == 0;
        if (t.deleted) { /* a deleted track's row has no state */
            memset(t.x, 0, sizeof t.x);
        } else {
            for (int i = 0; rc == TL_OK && i < 6; i++)
                rc = num(&r, 3 + i, &t.x[i]);
        }
        if (rc == TL_OK && (t.phase = tl_phase_from_name(r.cell[12])) < 0)
            rc = fail(&r, 12, "'%s': not a phase", r.cell[12]);
        if (rc == TL_OK && *n == cap) {
            struct trow *p = realloc(*rows, (cap = cap ? 2 * cap : 1024) * sizeof *p);
            if (p == NULL)
                rc = TL_ENOMEM;
            else
                *rows = p;
        }
        if (rc == TL_OK)
            (*rows)[(*n)++] = t;
    }
    if (rc == TL_OK && got < 0)
        rc = got;
    fclose(r.f);
    return rc;
}

static int cmp_trow(const void *a, const void *b)
{
    const struct trow *x = a, *y = b;
    if (x->track != y->track)
        return x->track < y->track ? -1 : 1;
    return x->t_s < y->t_s ? -1 : x->t_s > y->t_s ? 1 : x->deleted - y->deleted;
}

/* The newest track row of @p track at or before @p t_s with a state, or NULL. */
static const struct trow *state_at(const struct trow *rows, size_t n, int track, double t_s)
{
    size_t lo = 0, hi = n;
    const struct trow *best = NULL;
    while (lo < hi) { /* first row with (track, t) > (track, t_s) */
        const size_t mid = (lo + hi) / 2;
        if (rows[mid].track < track || (rows[mid].track == track && rows[mid].t_s <= t_s + 1e-6))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i-- > 0 && rows[i].track == track;)
        if (!rows[i].deleted) {
            best = &rows[i];
            break;
        }
    return best;
}

static int class_of(const char *s, int *cls, int *loft)
{
    for (int c = TL_CLASS_SRBM; c <= TL_CLASS_ICBM; c++) {
        const char *name = tl_class_name((enum tl_class)c);
        const size_t k = strlen(name);
        if (strncmp(s, name, k) != 0)
            continue;
        *cls = c;
        *loft = strcmp(s + k, "") == 0 ? 0 : strcmp(s + k, "-lofted") == 0 ? 1
                                         : strcmp(s + k, "-depressed") == 0 ? 2 : -1;
        if (*loft >= 0)
            return 0;
    }
    return -1;
}

static int push(struct tl_warn_obs **out, size_t *n, size_t *cap, const struct tl_warn_obs *o)
{
    if (*n == *cap) {
        struct tl_warn_obs *p = realloc(*out, (*cap = *cap ? 2 * *cap : 256) * sizeof *p);
        if (p == NULL)
            return TL_ENOMEM;
        *out = p;
    }
    (*out)[(*n)++] = *o;
    return TL_OK;
}

/* assess_row: a valid row of an object in orbit (impact cells empty, orbit given). */
#define ORBIT_ROW 1

static int assess_row(struct reader *r, const struct trow *rows, size_t nrows, int with_more,
                      struct tl_warn_obs *o)
{
    double v[ASSESS_MORE_CELLS];
    const struct trow *s;
    int rc;

    memset(o, 0, sizeof *o);
    if (with_more) {
        /* The launch's uncertainty with the launch, or none; an orbit all given, and then no
         * impact. */
        for (int c = ASSESS_CELLS; c < ASSESS_MORE_CELLS; c++) {
            if (*r->cell[c] == '\0')
                continue;
            if ((rc = num(r, c, &v[c])) != TL_OK)
                return rc;
            if (c < 19 && r->cell[3][0] == '\0')
                return fail(r, c, "'%s': a launch uncertainty without a launch", r->cell[c]);
            if (c < 19 && v[c] < 0.0)
                return fail(r, c, "'%s': negative", r->cell[c]);
        }
        if (*r->cell[19] != '\0' || *r->cell[20] != '\0' || *r->cell[21] != '\0') {
            for (int c = 19; c < 22; c++)
                if (*r->cell[c] == '\0')
                    return fail(r, c, "'%s': the orbit columns must be all set or all empty",
                                r->cell[c]);
            for (int c = 7; c <= 13; c++)
                if (*r->cell[c] != '\0')
                    return fail(r, c, "'%s': an impact for an object in orbit", r->cell[c]);
            if ((rc = num(r, 0, &v[0])) != TL_OK || (rc = num(r, 1, &v[1])) != TL_OK)
                return rc;
            return ORBIT_ROW;
        }
    }
    for (int c = 0; c < 15; c++) {
        if (c == 2 || (c >= 3 && c <= 6 && r->cell[3][0] == '\0') || (c == 14 && !*r->cell[14]))
            continue;
        if ((rc = num(r, c, &v[c])) != TL_OK)
            return rc;
    }
    if (v[1] != floor(v[1]) || v[1] < 1 || v[1] > 2e9)
        return fail(r, 1, "'%s': not a track number", r->cell[1]);
    if (class_of(r->cell[2], &o->cls, &o->loft) != 0)
        return fail(r, 2, "'%s': not a class (srbm ... icbm, -lofted or -depressed)", r->cell[2]);
    for (int c = 4; c <= 6 && r->cell[3][0] == '\0'; c++)
        if (r->cell[c][0] != '\0')
            return fail(r, c, "'%s': launch columns must be all set or all empty", r->cell[c]);
    o->system_no = (int32_t)v[1];
    o->t_s = v[0];
    if ((s = state_at(rows, nrows, o->system_no, o->t_s)) == NULL)
        return fail(r, 1, "track %s has no state at or before this assessment", r->cell[1]);
    memcpy(o->x, s->x, sizeof o->x);
    o->phase = s->phase;
    o->has_launch = r->cell[3][0] != '\0';
    if (o->has_launch) {
        o->launch_t_s = v[3];
        o->launch_lat_rad = tl_deg2rad(v[4]);
        o->launch_lon_rad = tl_deg2rad(v[5]);
        o->launch_err_m = v[6];
    }
    o->has_impact = 1;
    o->impact_t_s = v[7];
    o->impact_lat_rad = tl_deg2rad(v[8]);
    o->impact_lon_rad = tl_deg2rad(v[9]);
    o->semi_major_m = v[10];
    o->semi_minor_m = v[11];
    o->major_az_rad = tl_deg2rad(v[12]);
    o->apogee_m = v[13] * 1000.0;
    if ((rc = tl__warn_obs_check(o, r->diag)) != TL_OK) {
        char what[256];
        snprintf(what, sizeof what, "%s", r->diag != NULL ? r->diag->message : "");
        return fail(r, 10, "rejected: %s", what);
    }
    return TL_OK;
}

static int cmp_obs(const void *a, const void *b)
{
    const struct tl_warn_obs *x = a, *y = b;
    if (x->t_s != y->t_s)
        return x->t_s < y->t_s ? -1 : 1;
    if (x->ended != y->ended)
        return x->ended - y->ended;
    return x->system_no - y->system_no;
}

int tl_warn_obs_read(const char *tracks_csv, const char *assess_csv, struct tl_warn_obs **out,
                     size_t *n, struct tl_diag *diag)
{
    char nb[sizeof ASSESS_HEADER + sizeof ASSESS_MORE];
    const char *names[MAX_CELLS];
    struct trow *rows = NULL;
    size_t nrows = 0, cap = 0;
    struct reader r;
    int rc, got = 0, with_more = 0;

    *out = NULL;
    *n = 0;
    if ((rc = read_tracks(tracks_csv, &rows, &nrows, diag)) != TL_OK) {
        free(rows);
        return rc;
    }
    if (nrows > 0) /* qsort's array may not be NULL, even for no rows */
        qsort(rows, nrows, sizeof *rows, cmp_trow);
    rc = open_reader(&r, assess_csv, ASSESS_HEADER, ASSESS_MORE, nb, names, &with_more, diag);
    while (rc == TL_OK &&
           (got = next_row(&r, with_more ? ASSESS_MORE_CELLS : ASSESS_CELLS)) > 0) {
        struct tl_warn_obs o;
        if ((rc = assess_row(&r, rows, nrows, with_more, &o)) == TL_OK)
            rc = push(out, n, &cap, &o);
        else if (rc == ORBIT_ROW)
            rc = TL_OK; /* a satellite threatens nobody: not an observation */
    }
    if (rc == TL_OK && got < 0)
        rc = got;
    if (r.f != NULL)
        fclose(r.f);
    for (size_t i = 0; rc == TL_OK && i < nrows; i++) { /* the end of each deleted track */
        if (!rows[i].deleted)
            continue;
        const struct trow *s = state_at(rows, nrows, rows[i].track, rows[i].t_s);
        struct tl_warn_obs o;
        memset(&o, 0, sizeof o);
        if (s == NULL)
            continue;
        o.system_no = rows[i].track;
        o.t_s = rows[i].t_s;
        memcpy(o.x, s->x, sizeof o.x);
        o.phase = s->phase;
        o.cls = -1;
        o.apogee_m = NAN;
        o.ended = 1;
        rc = push(out, n, &cap, &o);
    }
    free(rows);
    if (rc != TL_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc;
    }
    if (*n > 0)
        qsort(*out, *n, sizeof **out, cmp_obs);
    return TL_OK;
}
