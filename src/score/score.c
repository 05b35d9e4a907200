/* Scoring: GOSPA/OSPA, RMSE, continuity, false tracks, and the assessment figures.
 *
 * The three (or four) CSV files are read whole, every cell the scoring uses is parsed strictly
 * and range-checked into typed rows, and only then is anything computed: a bad file never yields
 * a figure. Fuzzing found what the old reader let through (a double fclose on an empty file, an
 * endless loop on a NaN time, a 3,830 km "miss" from an "inf" cell); the regression tests are in
 * tests/cli/test_score.sh. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trilink/geo.h"
#include "trilink/score.h"
#include "trilink/track.h"
#include "yamltree.h" /* tl__parse_num: one strict number grammar for every input */

/* Limits that keep a hostile file from exhausting memory or the arithmetic: the largest file
 * read, the most columns, and the value ranges below. */
#define MAX_FILE_BYTES (1u << 30)
#define MAX_COLS 64
#define TIME_MAX_S 1e7 /* as the measurement file: about 116 days after the epoch */

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
    free(s->assess);
    free(s->points);
    s->t_s = s->gospa_m = s->ospa_m = NULL;
    s->assess = NULL;
    s->points = NULL;
    s->n_steps = s->n_assess = s->n_points = 0;
}

__attribute__((format(printf, 5, 6))) static int fail(struct tl_diag *diag, const char *file,
                                                      int line, const char *field,
                                                      const char *fmt, ...)
{
    va_list ap;

    if (diag != NULL) {
        snprintf(diag->file, sizeof diag->file, "%s", file);
        diag->line = line;
        snprintf(diag->field, sizeof diag->field, "%s", field);
        va_start(ap, fmt);
        vsnprintf(diag->message, sizeof diag->message, fmt, ap);
        va_end(ap);
    }
    return TL_EPARSE;
}

/* ---------------------------------------------------------------- a small CSV table */

struct table {
    const char *path;
    char *buf;          /* the whole file; NULs replace the commas and line ends */
    int ncol;
    char *col[MAX_COLS];
    size_t nrow, cap;
    char **cell;        /* nrow * ncol pointers into buf */
    int *line;          /* file line of each row, for messages */
};

static void table_free(struct table *t)
{
    free(t->buf);
    free(t->cell);
    free(t->line);
    memset(t, 0, sizeof *t);
}

/* Reads @p path whole into a NUL-terminated buffer. A directory, a NUL byte (a binary file, or
 * /dev/zero, which would otherwise be read for ever) and a file over MAX_FILE_BYTES are refused. */
static int read_all(const char *path, char **out, size_t *len, struct tl_diag *diag)
{
    struct stat sb;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    FILE *fp = fopen(path, "rb");
    int rc = TL_OK;

    if (fp == NULL) {
        fail(diag, path, 0, "", "cannot open: %s", strerror(errno));
        return TL_EIO;
    }
    if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(fp);
        fail(diag, path, 0, "", "is a directory, not a CSV file");
        return TL_EIO;
    }
    for (;;) {
        size_t got;
        if (cap - n < 65536 + 1) {
            size_t nc = cap ? 2 * cap : 65536 * 2;
            char *nb;
            if (nc > (size_t)MAX_FILE_BYTES + 65536 * 2) {
                rc = fail(diag, path, 0, "", "larger than %u bytes", MAX_FILE_BYTES);
                break;
            }
            if ((nb = realloc(buf, nc)) == NULL) {
                rc = TL_ENOMEM;
                break;
            }
            buf = nb;
            cap = nc;
        }
        got = fread(buf + n, 1, cap - n - 1, fp);
        if (got > 0 && memchr(buf + n, '\0', got) != NULL) {
            rc = fail(diag, path, 0, "", "binary data (a NUL byte), not a CSV file");
            break;
        }
        n += got;
        if (got == 0) {
            if (ferror(fp)) {
                rc = TL_EIO;
                fail(diag, path, 0, "", "read failed: %s", strerror(errno));
            }
            break;
        }
    }
    fclose(fp); /* once, on every path: the old reader closed an empty file twice */
    if (rc != TL_OK) {
        free(buf);
        return rc;
    }
    if (buf == NULL && (buf = malloc(1)) == NULL)
        return TL_ENOMEM;
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return TL_OK;
}

/* Splits @p line in place at commas into at most @p max fields; returns the count, or max + 1
 * when there are more. */
static int split(char *line, char **f, int max)
{
    int n = 0;

    f[n++] = line;
    for (char *p = line; *p != '\0'; p++)
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
    char *f[MAX_COLS + 1], *p, *end;
    size_t len;
    int ln = 0, rc;

    memset(t, 0, sizeof *t);
    t->path = path;
    if ((rc = read_all(path, &t->buf, &len, diag)) != TL_OK)
        return rc;
    end = t->buf + len;
    for (p = t->buf; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p)), *line = p;
        size_t ll;
        int n;
        if (nl == NULL)
            nl = end;
        *nl = '\0';
        p = nl + 1;
        ln++;
        ll = (size_t)(nl - line);
        while (ll > 0 && line[ll - 1] == '\r')
            line[--ll] = '\0';
        if (ll == 0)
            continue; /* blank lines (a trailing one, say) carry nothing */
        n = split(line, f, MAX_COLS);
        if (t->ncol == 0) {
            if (n > MAX_COLS) {
                rc = fail(diag, path, ln, "", "header has more than %d columns", MAX_COLS);
                goto bad;
            }
            for (int c = 0; c < n; c++) {
                if (f[c][0] == '\0') {
                    rc = fail(diag, path, ln, "", "header column %d has no name", c + 1);
                    goto bad;
                }
                for (int d = 0; d < c; d++)
                    if (strcmp(f[c], f[d]) == 0) {
                        rc = fail(diag, path, ln, "", "column '%s' appears twice", f[c]);
                        goto bad;
                    }
                t->col[c] = f[c];
            }
            t->ncol = n;
            continue;
        }
        if (n != t->ncol) {
            if (n > MAX_COLS)
                rc = fail(diag, path, ln, "", "expected %d columns, found more than %d", t->ncol,
                          MAX_COLS);
            else
                rc = fail(diag, path, ln, "", "expected %d columns, found %d", t->ncol, n);
            goto bad;
        }
        if (t->nrow == t->cap) {
            size_t nc = t->cap ? 2 * t->cap : 1024;
            char **ncell = realloc(t->cell, nc * (size_t)t->ncol * sizeof *ncell);
            int *nline;
            if (ncell == NULL)
                goto nomem;
            t->cell = ncell;
            if ((nline = realloc(t->line, nc * sizeof *nline)) == NULL)
                goto nomem;
            t->line = nline;
            t->cap = nc;
        }
        memcpy(&t->cell[t->nrow * (size_t)t->ncol], f, (size_t)n * sizeof *f);
        t->line[t->nrow++] = ln;
    }
    if (t->ncol == 0) {
        rc = fail(diag, path, 0, "", "empty file (no header)");
        goto bad;
    }
    return TL_OK;
nomem:
    rc = TL_ENOMEM;
bad:
    table_free(t);
    return rc;
}

/* Column @p name, or -1; @p required makes its absence an error naming it. */
static int col_of(const struct table *t, const char *name, int required, int *out,
                  struct tl_diag *diag)
{
    for (int c = 0; c < t->ncol; c++)
        if (strcmp(t->col[c], name) == 0) {
            *out = c;
            return TL_OK;
        }
    *out = -1;
    return required ? fail(diag, t->path, 1, "", "no column '%s'", name) : TL_OK;
}

static const char *cell(const struct table *t, size_t r, int c)
{
    return t->cell[r * (size_t)t->ncol + (size_t)c];
}

/* A numeric cell in [lo, hi]; @p what completes "'value' is not ..." for a value out of range.
 * Column -1 (optional, absent) and, with @p optional, an empty cell give NaN. */
static int get_num(const struct table *t, size_t r, int c, int optional, double lo, double hi,
                   const char *what, double *out, struct tl_diag *diag)
{
    const char *s;
    double v;

    *out = NAN;
    if (c < 0)
        return TL_OK;
    s = cell(t, r, c);
    if (s[0] == '\0' && optional)
        return TL_OK;
    if (tl__parse_num(s, &v) != 0)
        return fail(diag, t->path, t->line[r], t->col[c], "'%s' is not a finite number", s);
    if (!(v >= lo && v <= hi))
        return fail(diag, t->path, t->line[r], t->col[c], "'%s' is not %s", s, what);
    *out = v;
    return TL_OK;
}

/* Index of @p s in the NULL-terminated list @p names, or a parse error. */
static int get_name(const struct table *t, size_t r, int c, const char *const *names,
                    const char *what, int *out, struct tl_diag *diag)
{
    const char *s = cell(t, r, c);

    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return TL_OK;
        }
    return fail(diag, t->path, t->line[r], t->col[c], "'%s' is not %s", s, what);
}

/* An integer cell in [0, 2^31 - 1] (track numbers). */
static int get_int(const struct table *t, size_t r, int c, int *out, struct tl_diag *diag)
{
    double v;
    int rc = get_num(t, r, c, 0, 0.0, 2147483647.0, "a track number (an integer in [0, 2147483647])",
                     &v, diag);

    if (rc != TL_OK)
        return rc;
    if (v != floor(v))
        return fail(diag, t->path, t->line[r], t->col[c],
                    "'%s' is not a track number (an integer in [0, 2147483647])", cell(t, r, c));
    *out = (int)v;
    return TL_OK;
}

/* Rows are scored in time order: one earlier than the row before is refused, not re-sorted, since
 * trilink writes every file in time order and a shuffled one is a broken file. */
static int check_order(const struct table *t, size_t r, int c, double tnow, double tprev,
                       struct tl_diag *diag)
{
    if (r > 0 && tnow < tprev)
        return fail(diag, t->path, t->line[r], t->col[c],
                    "'%s' is earlier than line %d (%s): rows must be in time order", cell(t, r, c),
                    t->line[r - 1], cell(t, r - 1, c));
    return TL_OK;
}

/* Object ids become directory names of the per-missile charts (trilink score --plot DIR/<id>/),
 * so only a safe alphabet is accepted, starting with a letter or digit (no "..", no "/"). */
static int valid_id(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= sizeof ((struct tl_score_object *)0)->id)
        return 0;
    if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
        return 0;
    for (size_t i = 0; i < n; i++) {
        const char ch = s[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_' || ch == '.' || ch == ':'))
            return 0;
    }
    return 1;
}

static const char *const ID_RULE =
    "an object id (1 to 31 letters, digits, '-', '_', '.' or ':', starting with a letter or "
    "digit)";

/* ---------------------------------------------------------------- typed rows */

enum { PH_BOOST, PH_MIDCOURSE, PH_REENTRY };
enum { ST_TENTATIVE, ST_CONFIRMED, ST_COASTING, ST_DELETED };
static const char *const PHASES[] = { "boost", "midcourse", "reentry", NULL };
static const char *const STATUSES[] = { "tentative", "confirmed", "coasting", "deleted", NULL };

struct trow {
    double t, y[6], alt_m;
    int obj, phase;
};

struct krow {
    double t, y[6];
    int id, status, slot;
};

struct arow {
    double t, lt, llat, llon, ilat, ilon, a, b, az, apo;
    double lt_sigma, la, lb, laz; /* launch time 1-sigma and 95 % ellipse; NaN when not given */
    int id, slot;
};

/* Position and velocity bounds: wide enough for any missile or satellite, narrow enough that
 * squares and sums of them stay finite. */
#define POS_LIM 1e9
#define VEL_LIM 1e6
static const char *const POS_RULE = "a coordinate within +-1e9 m";
static const char *const VEL_RULE = "a velocity within +-1e6 m/s";
static const char *const TIME_RULE = "a time in [0, 1e7] s";
static const char *const LAT_RULE = "a latitude in [-90, 90]";
static const char *const LON_RULE = "a longitude in [-180, 180]";
static const char *const ALT_RULE = "a height in [-1e6, 1e9] m";

static int get_state(const struct table *t, size_t r, const int *c, double y[6],
                     struct tl_diag *diag)
{
    int rc;

    for (int j = 0; j < 6; j++)
        if ((rc = get_num(t, r, c[j], 0, j < 3 ? -POS_LIM : -VEL_LIM, j < 3 ? POS_LIM : VEL_LIM,
                          j < 3 ? POS_RULE : VEL_RULE, &y[j], diag)) != TL_OK)
            return rc;
    return TL_OK;
}

/* Truth: every cell used or given is checked, objects are numbered in order of appearance. */
static int load_truth(const struct table *t, struct tl_score *s, struct trow **out,
                      struct tl_diag *diag)
{
    static const char *const NAMES[] = { "time_s", "object", "x_m",    "y_m",     "z_m",
                                         "vx_mps", "vy_mps", "vz_mps", "phase",   "lat_deg",
                                         "lon_deg", "alt_m" };
    int c[12], rc;
    struct trow *rows;
    size_t step0 = 0; /* first row of the current time step */

    for (int i = 0; i < 12; i++)
        if ((rc = col_of(t, NAMES[i], i < 9, &c[i], diag)) != TL_OK)
            return rc;
    if (t->nrow == 0)
        return fail(diag, t->path, 0, "", "no truth rows after the header");
    if ((rows = malloc(t->nrow * sizeof *rows)) == NULL)
        return TL_ENOMEM;
    for (size_t r = 0; r < t->nrow; r++) {
        struct trow *w = &rows[r];
        const char *id = cell(t, r, c[1]);
        double lat, lon, rad;
        int k = -1;
        if ((rc = get_num(t, r, c[0], 0, 0.0, TIME_MAX_S, TIME_RULE, &w->t, diag)) != TL_OK ||
            (rc = check_order(t, r, c[0], w->t, r > 0 ? rows[r - 1].t : 0.0, diag)) != TL_OK ||
            (rc = get_state(t, r, c + 2, w->y, diag)) != TL_OK ||
            (rc = get_name(t, r, c[8], PHASES, "a phase (boost, midcourse or reentry)", &w->phase,
                           diag)) != TL_OK ||
            (rc = get_num(t, r, c[9], 0, -90.0, 90.0, LAT_RULE, &lat, diag)) != TL_OK ||
            (rc = get_num(t, r, c[10], 0, -180.0, 180.0, LON_RULE, &lon, diag)) != TL_OK ||
            (rc = get_num(t, r, c[11], 0, -1e6, 1e9, ALT_RULE, &w->alt_m, diag)) != TL_OK)
            goto bad;
        /* A truth point is near the Earth: the launch and impact points are derived from it. */
        rad = sqrt(w->y[0] * w->y[0] + w->y[1] * w->y[1] + w->y[2] * w->y[2]);
        if (!(rad >= 6.0e6)) {
            rc = fail(diag, t->path, t->line[r], t->col[c[2]],
                      "position (%s, %s, %s) is %.0f m from the Earth's centre, below 6e6 m",
                      cell(t, r, c[2]), cell(t, r, c[3]), cell(t, r, c[4]), rad);
            goto bad;
        }
        if (!valid_id(id)) {
            rc = fail(diag, t->path, t->line[r], t->col[c[1]], "'%s' is not %s", id, ID_RULE);
            goto bad;
        }
        for (int i = 0; i < s->n_objects; i++)
            if (strcmp(s->obj[i].id, id) == 0)
                k = i;
        if (k < 0) {
            if (s->n_objects == TL_SCORE_MAX_OBJECTS) {
                fail(diag, t->path, t->line[r], t->col[c[1]],
                     "'%s' is object %d; at most %d objects are scored", id, s->n_objects + 1,
                     TL_SCORE_MAX_OBJECTS);
                rc = TL_ERANGE;
                goto bad;
            }
            k = s->n_objects++;
            snprintf(s->obj[k].id, sizeof s->obj[k].id, "%s", id);
        }
        w->obj = k;
        if (r == 0 || w->t != rows[r - 1].t)
            step0 = r;
        for (size_t q = step0; q < r; q++)
            if (rows[q].obj == k) {
                rc = fail(diag, t->path, t->line[r], t->col[c[1]],
                          "'%s' appears twice at time_s %s (line %d)", id, cell(t, r, c[0]),
                          t->line[q]);
                goto bad;
            }
        if (isnan(w->alt_m))
            w->alt_m = tl_geo_height(&TL_WGS84, w->y);
    }
    *out = rows;
    return TL_OK;
bad:
    free(rows);
    return rc;
}

static int load_tracks(const struct table *t, struct krow **out, struct tl_diag *diag)
{
    static const char *const NAMES[] = { "time_s",  "track",   "status",  "x_m",    "y_m",
                                         "z_m",     "vx_mps",  "vy_mps",  "vz_mps", "lat_deg",
                                         "lon_deg", "alt_m",   "phase",   "pos_sigma_m" };
    int c[14], rc, ph = 0;
    double v;
    struct krow *rows;

    for (int i = 0; i < 14; i++)
        if ((rc = col_of(t, NAMES[i], i < 9, &c[i], diag)) != TL_OK)
            return rc;
    if ((rows = malloc((t->nrow + 1) * sizeof *rows)) == NULL)
        return TL_ENOMEM;
    for (size_t r = 0; r < t->nrow; r++) {
        struct krow *w = &rows[r];
        if ((rc = get_num(t, r, c[0], 0, 0.0, TIME_MAX_S, TIME_RULE, &w->t, diag)) != TL_OK ||
            (rc = check_order(t, r, c[0], w->t, r > 0 ? rows[r - 1].t : 0.0, diag)) != TL_OK ||
            (rc = get_int(t, r, c[1], &w->id, diag)) != TL_OK ||
            (rc = get_name(t, r, c[2], STATUSES,
                           "a status (tentative, confirmed, coasting or deleted)", &w->status,
                           diag)) != TL_OK ||
            (rc = get_state(t, r, c + 3, w->y, diag)) != TL_OK ||
            (rc = get_num(t, r, c[9], 0, -90.0, 90.0, LAT_RULE, &v, diag)) != TL_OK ||
            (rc = get_num(t, r, c[10], 0, -180.0, 180.0, LON_RULE, &v, diag)) != TL_OK ||
            (rc = get_num(t, r, c[11], 0, -1e9, 1e9, "a height within +-1e9 m", &v, diag)) !=
                TL_OK ||
            (rc = get_num(t, r, c[13], 0, 0.0, 1e9, "a sigma in [0, 1e9] m", &v, diag)) != TL_OK)
            goto bad;
        if (c[12] >= 0 && (rc = get_name(t, r, c[12], PHASES,
                                         "a phase (boost, midcourse or reentry)", &ph, diag)) != TL_OK)
            goto bad;
        w->slot = -1;
    }
    *out = rows;
    return TL_OK;
bad:
    free(rows);
    return rc;
}

/* The class column, when present: srbm, mrbm, irbm or icbm, optionally -lofted or -depressed. */
static int valid_class(const char *s)
{
    static const char *const BASE[] = { "srbm", "mrbm", "irbm", "icbm" };

    for (int i = 0; i < 4; i++)
        if (strncmp(s, BASE[i], 4) == 0)
            return s[4] == '\0' || strcmp(s + 4, "-lofted") == 0 ||
                   strcmp(s + 4, "-depressed") == 0;
    return 0;
}

/* The assessments of @p t, except those of an object in orbit (no impact to score): *@p n_out. */
static int load_assess(const struct table *t, struct arow **out, size_t *n_out,
                       struct tl_diag *diag)
{
    static const char *const NAMES[] = {
        "time_s",         "track",          "launch_time_s",       "launch_lat_deg",
        "launch_lon_deg", "impact_lat_deg", "impact_lon_deg",      "impact_semi_major_m",
        "impact_semi_minor_m", "impact_major_azimuth_deg", "apogee_km", "class",
        "launch_err_m",   "impact_time_s",  "range_km", "launch_time_sigma_s",
        "launch_semi_major_m", "launch_semi_minor_m", "launch_major_azimuth_deg",
        "orbit_perigee_km", "orbit_apogee_km", "orbit_inclination_deg"
    };
    enum { N_NAMES = sizeof NAMES / sizeof NAMES[0] };
    int c[N_NAMES], rc;
    double v;
    struct arow *rows;
    size_t n = 0;

    for (int i = 0; i < N_NAMES; i++)
        if ((rc = col_of(t, NAMES[i], i < 11, &c[i], diag)) != TL_OK)
            return rc;
    if ((rows = malloc((t->nrow + 1) * sizeof *rows)) == NULL)
        return TL_ENOMEM;
    for (size_t r = 0; r < t->nrow; r++) {
        struct arow *w = &rows[n];
        int given = 0, empty = 0, first_given = -1, first_empty = -1, orbit = 0;
        for (int i = 19; i < 22; i++)
            orbit |= c[i] >= 0 && cell(t, r, c[i])[0] != '\0';
        if ((rc = get_num(t, r, c[0], 0, 0.0, TIME_MAX_S, TIME_RULE, &w->t, diag)) != TL_OK ||
            (rc = check_order(t, r, c[0], w->t, n > 0 ? rows[n - 1].t : 0.0, diag)) != TL_OK)
            goto bad;
        if (orbit) {
            /* An object that will not come down: the orbit all given, the impact cells empty. */
            for (int i = 19; i < 22; i++)
                if ((rc = get_num(t, r, c[i], 0, i == 21 ? 0.0 : -6400.0, i == 21 ? 180.0 : 1e9,
                                  i == 21 ? "an inclination in [0, 180] deg"
                                          : "a height in [-6400, 1e9] km",
                                  &v, diag)) != TL_OK)
                    goto bad;
            for (int i = 5; i <= 10; i++)
                if (cell(t, r, c[i])[0] != '\0') {
                    rc = fail(diag, t->path, t->line[r], t->col[c[i]],
                              "given for an object in orbit (%s is set)", t->col[c[19]]);
                    goto bad;
                }
            continue;
        }
        if (
            (rc = get_int(t, r, c[1], &w->id, diag)) != TL_OK ||
            /* an estimate may put the launch before the epoch (a scenario's time zero) */
            (rc = get_num(t, r, c[2], 1, -TIME_MAX_S, TIME_MAX_S, "a time in [-1e7, 1e7] s",
                          &w->lt, diag)) != TL_OK ||
            (rc = get_num(t, r, c[3], 1, -90.0, 90.0, LAT_RULE, &w->llat, diag)) != TL_OK ||
            (rc = get_num(t, r, c[4], 1, -180.0, 180.0, LON_RULE, &w->llon, diag)) != TL_OK ||
            (rc = get_num(t, r, c[5], 0, -90.0, 90.0, LAT_RULE, &w->ilat, diag)) != TL_OK ||
            (rc = get_num(t, r, c[6], 0, -180.0, 180.0, LON_RULE, &w->ilon, diag)) != TL_OK ||
            (rc = get_num(t, r, c[7], 0, 0.0, 1e9, "a semi-axis in [0, 1e9] m", &w->a, diag)) !=
                TL_OK ||
            (rc = get_num(t, r, c[8], 0, 0.0, 1e9, "a semi-axis in [0, 1e9] m", &w->b, diag)) !=
                TL_OK ||
            (rc = get_num(t, r, c[9], 0, 0.0, 360.0, "an azimuth in [0, 360]", &w->az, diag)) !=
                TL_OK ||
            (rc = get_num(t, r, c[10], 0, -6400.0, 1e6, "an apogee height in [-6400, 1e6] km",
                          &w->apo, diag)) != TL_OK ||
            (rc = get_num(t, r, c[12], 1, 0.0, 1e9, "a distance in [0, 1e9] m", &v, diag)) !=
                TL_OK ||
            (rc = get_num(t, r, c[13], 0, 0.0, TIME_MAX_S + 1e5, "a time in [0, 1.01e7] s", &v,
                          diag)) != TL_OK ||
            (rc = get_num(t, r, c[14], 1, 0.0, 1e6, "a range in [0, 1e6] km", &v, diag)) != TL_OK ||
            (rc = get_num(t, r, c[15], 1, 0.0, 1e9, "a sigma in [0, 1e9] s", &w->lt_sigma,
                          diag)) != TL_OK ||
            (rc = get_num(t, r, c[16], 1, 0.0, 1e9, "a semi-axis in [0, 1e9] m", &w->la, diag)) !=
                TL_OK ||
            (rc = get_num(t, r, c[17], 1, 0.0, 1e9, "a semi-axis in [0, 1e9] m", &w->lb, diag)) !=
                TL_OK ||
            (rc = get_num(t, r, c[18], 1, 0.0, 360.0, "an azimuth in [0, 360]", &w->laz, diag)) !=
                TL_OK)
            goto bad;
        if (c[11] >= 0 && !valid_class(cell(t, r, c[11]))) {
            rc = fail(diag, t->path, t->line[r], t->col[c[11]],
                      "'%s' is not a class (srbm, mrbm, irbm or icbm, optionally -lofted or "
                      "-depressed)", cell(t, r, c[11]));
            goto bad;
        }
        /* The launch estimate is all there or all absent (trilink writes four empty cells
         * until a track has one). */
        for (int i = 2; i <= 12; i = i == 4 ? 12 : i + 1) {
            if (c[i] < 0)
                continue;
            if (cell(t, r, c[i])[0] == '\0') {
                empty++;
                if (first_empty < 0)
                    first_empty = i;
            } else {
                given++;
                if (first_given < 0)
                    first_given = i;
            }
        }
        if (given > 0 && empty > 0) {
            rc = fail(diag, t->path, t->line[r], t->col[c[first_empty]],
                      "empty while %s is given (the launch estimate is all or nothing)",
                      t->col[c[first_given]]);
            goto bad;
        }
        w->slot = -1;
        n++;
    }
    *out = rows;
    *n_out = n;
    return TL_OK;
bad:
    free(rows);
    return rc;
}

/* Events of trilink sim --events refine the truth figures of objects already in the truth. */
static int load_events(const struct table *t, struct tl_score *s, struct tl_diag *diag)
{
    static const char *const EVENTS[] = { "launch", "burnout", "apogee", "reentry", "impact",
                                          NULL };
    static const char *const NAMES[] = { "object", "event", "time_s", "lat_deg", "lon_deg",
                                         "alt_m" };
    int c[6], rc;
    int seen[TL_SCORE_MAX_OBJECTS][5];

    memset(seen, 0, sizeof seen);
    for (int i = 0; i < 6; i++)
        if ((rc = col_of(t, NAMES[i], i < 3, &c[i], diag)) != TL_OK)
            return rc;
    for (size_t r = 0; r < t->nrow; r++) {
        const char *id = cell(t, r, c[0]);
        struct tl_score_object *o = NULL;
        double tt, lat, lon, alt;
        int ev = 0, k = -1;
        for (int i = 0; i < s->n_objects; i++)
            if (strcmp(s->obj[i].id, id) == 0)
                k = i;
        if (k < 0)
            return fail(diag, t->path, t->line[r], t->col[c[0]],
                        "'%s' is not an object of the truth file", id);
        o = &s->obj[k];
        if ((rc = get_name(t, r, c[1], EVENTS,
                           "an event (launch, burnout, apogee, reentry or impact)", &ev, diag)) !=
                TL_OK ||
            (rc = get_num(t, r, c[2], 0, 0.0, TIME_MAX_S + 1e5, "a time in [0, 1.01e7] s", &tt,
                          diag)) != TL_OK ||
            (rc = get_num(t, r, c[3], 0, -90.0, 90.0, LAT_RULE, &lat, diag)) != TL_OK ||
            (rc = get_num(t, r, c[4], 0, -180.0, 180.0, LON_RULE, &lon, diag)) != TL_OK ||
            (rc = get_num(t, r, c[5], 0, -1e6, 1e9, ALT_RULE, &alt, diag)) != TL_OK)
            return rc;
        if (seen[k][ev]++)
            return fail(diag, t->path, t->line[r], t->col[c[1]], "'%s' given twice for %s",
                        EVENTS[ev], id);
        switch (ev) {
        case 0:
            o->launch_s = tt;
            if (!isnan(lat) && !isnan(lon)) {
                o->launch_lat_rad = tl_deg2rad(lat);
                o->launch_lon_rad = tl_deg2rad(lon);
            }
            break;
        case 1:
            o->burnout_s = tt;
            break;
        case 2:
            if (!isnan(alt))
                o->apogee_km = alt / 1000.0;
            break;
        case 3:
            o->reentry_s = tt;
            break;
        default:
            o->impact_s = tt;
            if (!isnan(lat) && !isnan(lon)) {
                o->impact_lat_rad = tl_deg2rad(lat);
                o->impact_lon_rad = tl_deg2rad(lon);
            }
            break;
        }
    }
    return TL_OK;
}

/* ---------------------------------------------------------------- scoring */

struct track_info {
    int id;
    int ever_confirmed;
    int assigned_to; /* object by votes, -1 none */
    long votes[TL_SCORE_MAX_OBJECTS];
};

static double dist3(const double *a, const double *b)
{
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                (a[2] - b[2]) * (a[2] - b[2]));
}

/* Geodesic distance and azimuth; NaN for a non-finite point (an ECEF point at the centre). */
static double geo_dist(double lat1, double lon1, double lat2, double lon2, double *az)
{
    double d = NAN, a = NAN;

    if (isfinite(lat1) && isfinite(lon1) && isfinite(lat2) && isfinite(lon2))
        tl_geo_inverse(&TL_WGS84, lat1, lon1, lat2, lon2, &d, &a, NULL);
    if (az != NULL)
        *az = a;
    return d;
}

static int cmp_int(const void *a, const void *b)
{
    const int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Median of the finite values in v[0..n) (reordered); NaN if none. */
static double median(double *v, size_t n)
{
    size_t m = 0;

    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            v[m++] = v[i];
    if (m == 0)
        return NAN;
    qsort(v, m, sizeof *v, cmp_double);
    return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

/* Truth figures from the rows: pad (first row), launch time, burnout (last boost row), reentry
 * (first reentry row), apogee (highest row) and impact (the last row carried down to the ground
 * along its velocity: a straight line over the last step, metres at 1 s steps). */
static void truth_figures(struct tl_score *s, const struct trow *tr, size_t n)
{
    for (int k = 0; k < s->n_objects; k++) {
        struct tl_score_object *o = &s->obj[k];
        o->launch_s = o->burnout_s = o->reentry_s = o->impact_s = o->apogee_km = NAN;
    }
    for (size_t r = 0; r < n; r++) {
        struct tl_score_object *o = &s->obj[tr[r].obj];
        double y[6], nrm[3], h, climb, dt;
        struct tl_lla l;
        if (isnan(o->launch_s)) {
            l = tl_geo_ecef_to_lla(&TL_WGS84, tr[r].y);
            o->launch_s = tr[r].t;
            o->launch_lat_rad = l.lat_rad;
            o->launch_lon_rad = l.lon_rad;
        }
        if (tr[r].phase == PH_BOOST)
            o->burnout_s = tr[r].t;
        if (tr[r].phase == PH_REENTRY && isnan(o->reentry_s))
            o->reentry_s = tr[r].t;
        if (isnan(o->apogee_km) || tr[r].alt_m / 1000.0 > o->apogee_km)
            o->apogee_km = tr[r].alt_m / 1000.0;
        memcpy(y, tr[r].y, sizeof y);
        h = tl_geo_height_normal(&TL_WGS84, y, nrm);
        climb = nrm[0] * y[3] + nrm[1] * y[4] + nrm[2] * y[5];
        /* Only a descending last row is carried down, and never for more than an hour (a near
         * level state would be carried round the world). */
        dt = climb < -1e-3 && h > 0.0 ? fmin(h / -climb, 3600.0) : 0.0;
        for (int j = 0; j < 3; j++)
            y[j] += y[3 + j] * dt;
        l = tl_geo_ecef_to_lla(&TL_WGS84, y);
        o->impact_lat_rad = l.lat_rad;
        o->impact_lon_rad = l.lon_rad;
        o->impact_s = tr[r].t + dt;
    }
}

static int slot_of(const struct track_info *ti, int nti, int id)
{
    int lo = 0, hi = nti - 1;

    while (lo <= hi) {
        const int mid = lo + (hi - lo) / 2;
        if (ti[mid].id == id)
            return mid;
        if (ti[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* GOSPA/OSPA and the track-to-truth assignment at each truth time (time steps of the truth). */
static int gospa_steps(const struct tl_score_cfg *cfg, struct tl_score *s, const struct trow *tr,
                       size_t ntr, const struct krow *tk, size_t ntk, struct track_info *ti,
                       int nti, double *pos_se, double *vel_se, long *pairs, int *last_track)
{
    const double c = cfg->cutoff_m, p = cfg->p;
    size_t r = 0, kr = 0, cap = 0;
    int rc = TL_OK;
    double X[TL_SCORE_MAX_OBJECTS][6], (*Y)[6] = malloc(((size_t)nti + 1) * sizeof *Y);
    double *cost = malloc((size_t)TL_SCORE_MAX_OBJECTS * ((size_t)nti + TL_SCORE_MAX_OBJECTS) *
                          sizeof *cost);
    int *asg = malloc(((size_t)nti + TL_SCORE_MAX_OBJECTS) * sizeof *asg);
    int *yid = malloc(((size_t)nti + 1) * sizeof *yid);
    size_t *row_of = calloc((size_t)nti + 1, sizeof *row_of);
    char *have = calloc((size_t)nti + 1, 1);
    int xobj[TL_SCORE_MAX_OBJECTS];

    if (Y == NULL || cost == NULL || asg == NULL || yid == NULL || row_of == NULL || have == NULL) {
        rc = TL_ENOMEM;
        goto out;
    }
    while (r < ntr) {
        const double t = tr[r].t;
        int nx = 0, ny = 0;
        size_t e = r;
        /* The validated truth has finite times, at most one row per object per time and at most
         * TL_SCORE_MAX_OBJECTS objects, so a step ends and holds at most that many rows. */
        while (e < ntr && tr[e].t == t)
            e++;
        for (size_t q = r; q < e; q++) {
            memcpy(X[nx], tr[q].y, sizeof X[nx]);
            xobj[nx++] = tr[q].obj;
        }
        /* Latest confirmed/coasting row of each track up to t. */
        for (; kr < ntk && tk[kr].t <= t; kr++) {
            const int i = tk[kr].slot;
            if (i < 0 || !ti[i].ever_confirmed)
                continue;
            if (tk[kr].status == ST_DELETED)
                have[i] = 0;
            else if (tk[kr].status == ST_CONFIRMED || tk[kr].status == ST_COASTING) {
                row_of[i] = kr;
                have[i] = 1;
            }
        }
        for (int i = 0; i < nti; i++) {
            double dt;
            if (!have[i])
                continue;
            dt = t - tk[row_of[i]].t;
            if (dt > cfg->stale_s)
                continue;
            for (int j = 0; j < 6; j++)
                Y[ny][j] = tk[row_of[i]].y[j];
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
            if (nr > 0 && (rc = tl_assign(nr, nc, cost, asg, &total)) != TL_OK)
                goto out;
            /* Each missed or false target costs c^p / 2: one missile no sensor sees adds
             * c / 2^(1/p) on its own (7.07 km at c = 10 km, p = 2). */
            g = pow(total + pow(c, p) / 2.0 * abs(nx - ny), 1.0 / p);
            o = nc > 0 ? pow((total + pow(c, p) * (nc - nr)) / nc, 1.0 / p) : 0.0;
            if (s->n_steps == cap) {
                size_t ncap = cap ? 2 * cap : 1024;
                double *a1 = realloc(s->t_s, ncap * sizeof *a1), *a2, *a3;
                if (a1 != NULL)
                    s->t_s = a1;
                a2 = realloc(s->gospa_m, ncap * sizeof *a2);
                if (a2 != NULL)
                    s->gospa_m = a2;
                a3 = realloc(s->ospa_m, ncap * sizeof *a3);
                if (a3 != NULL)
                    s->ospa_m = a3;
                if (a1 == NULL || a2 == NULL || a3 == NULL) {
                    rc = TL_ENOMEM;
                    goto out;
                }
                cap = ncap;
            }
            s->t_s[s->n_steps] = t;
            s->gospa_m[s->n_steps] = g;
            s->ospa_m[s->n_steps] = o;
            s->n_steps++;
            s->gospa_mean_m += g;
            s->ospa_mean_m += o;
            for (int a = 0; a < nr; a++) {
                const int xi = rows_are_x ? a : asg[a], yi = rows_are_x ? asg[a] : a;
                const int obj = xobj[xi], k = yid[yi];
                const double d = dist3(X[xi], Y[yi]);
                const double dv[3] = { X[xi][3] - Y[yi][3], X[xi][4] - Y[yi][4],
                                       X[xi][5] - Y[yi][5] };
                if (d >= c)
                    continue;
                ti[k].votes[obj]++;
                pos_se[obj] += d * d;
                vel_se[obj] += dv[0] * dv[0] + dv[1] * dv[1] + dv[2] * dv[2];
                pairs[obj]++;
                if (last_track[obj] != ti[k].id) {
                    if (last_track[obj] >= 0)
                        s->obj[obj].swaps++;
                    last_track[obj] = ti[k].id;
                }
            }
        }
        r = e;
    }
out:
    free(Y);
    free(cost);
    free(asg);
    free(yid);
    free(row_of);
    free(have);
    return rc;
}

/* Detection and confirmation times: the first track row (any status, then confirmed) within the
 * cutoff of an object's truth, carried from the nearest earlier truth row (at most 1.5 s). */
static void detection_times(const struct tl_score_cfg *cfg, struct tl_score *s,
                            const struct trow *tr, size_t ntr, const struct krow *tk, size_t ntk)
{
    size_t tr_row = 0;

    for (size_t r = 0; r < ntk; r++) {
        const double t = tk[r].t;
        /* Both files are in time order: advance to the last truth row at or before t. */
        while (tr_row + 1 < ntr && tr[tr_row + 1].t <= t)
            tr_row++;
        if (tr[tr_row].t > t + 1e-9)
            continue;
        for (size_t q = tr_row + 1; q-- > 0;) {
            const double tt = tr[q].t;
            struct tl_score_object *o = &s->obj[tr[q].obj];
            double x[3];
            if (t - tt > 1.5)
                break;
            for (int j = 0; j < 3; j++)
                x[j] = tr[q].y[j] + tr[q].y[3 + j] * (t - tt);
            if (dist3(x, tk[r].y) < cfg->cutoff_m) {
                if (isnan(o->first_seen_s))
                    o->first_seen_s = t;
                if (tk[r].status == ST_CONFIRMED && isnan(o->confirmed_s))
                    o->confirmed_s = t;
            }
        }
    }
}

static int add_point(struct tl_score *s, size_t *cap, double t, int obj, int track,
                     const double ecef[3])
{
    const struct tl_score_object *o = &s->obj[obj];
    const struct tl_lla l = tl_geo_ecef_to_lla(&TL_WGS84, ecef);
    struct tl_score_point *pt;
    double d = geo_dist(o->launch_lat_rad, o->launch_lon_rad, l.lat_rad, l.lon_rad, NULL);

    if (!isfinite(d) || !isfinite(l.h_m))
        return TL_OK; /* a track state at the Earth's centre has no place on a profile */
    if (s->n_points == *cap) {
        size_t nc = *cap ? 2 * *cap : 4096;
        struct tl_score_point *np = realloc(s->points, nc * sizeof *np);
        if (np == NULL)
            return TL_ENOMEM;
        s->points = np;
        *cap = nc;
    }
    pt = &s->points[s->n_points++];
    pt->t_s = t;
    pt->object = obj;
    pt->track = track;
    pt->range_km = d / 1000.0;
    pt->alt_km = l.h_m / 1000.0;
    return TL_OK;
}

/* Whether a point @p d metres from an ellipse's centre at azimuth @p az (rad) is inside the
 * ellipse of semi-axes @p a, @p b (m) whose major axis lies at @p maz_deg: coordinates along its
 * axes scaled by the semi-axes (a zero axis is taken as a micrometre, so a point off it is
 * outside, not a division by zero). */
static int inside_ellipse(double d, double az, double a, double b, double maz_deg)
{
    const double maz = tl_deg2rad(maz_deg);
    const double xm = d * cos(az - maz) / fmax(a, 1e-6), xn = d * sin(az - maz) / fmax(b, 1e-6);

    return xm * xm + xn * xn <= 1.0;
}

enum assess_field { F_LAUNCH_TIME, F_APOGEE, F_SEMI_MAJOR, F_MISS };

/* Median of one figure over object @p k's assessments after burnout, or (@p bo30) from burnout
 * + 30 s to impact; @p v has room for every assessment. */
static double median_of_field(const struct tl_score *s, int k, enum assess_field f, int bo30,
                              double *v)
{
    const struct tl_score_object *o = &s->obj[k];
    size_t n = 0;

    for (size_t i = 0; i < s->n_assess; i++) {
        const struct tl_score_assessment *a = &s->assess[i];
        if (a->object != k || !a->after_burnout ||
            (bo30 && (a->t_s < o->burnout_s + 30.0 || a->t_s > o->impact_s)))
            continue;
        v[n++] = f == F_LAUNCH_TIME ? a->launch_time_err_s
                 : f == F_APOGEE    ? a->apogee_err_km
                 : f == F_SEMI_MAJOR ? a->semi_major_m
                                     : a->miss_m;
    }
    return median(v, n);
}

/* The assessment figures: per assessment of an assigned track, miss, ellipse containment,
 * launch-time and apogee errors; per object the last of each and medians after burnout. */
static int assessment_figures(struct tl_score *s, const struct arow *as, size_t nas,
                              const struct track_info *ti)
{
    static const double AFTER[3] = { 30.0, 60.0, 120.0 };
    double *v;

    if ((s->assess = malloc((nas + 1) * sizeof *s->assess)) == NULL)
        return TL_ENOMEM;
    for (size_t r = 0; r < nas; r++) {
        const int obj = as[r].slot >= 0 ? ti[as[r].slot].assigned_to : -1;
        struct tl_score_object *o;
        struct tl_score_assessment *w;
        double d, az;
        if (obj < 0)
            continue;
        o = &s->obj[obj];
        w = &s->assess[s->n_assess++];
        d = geo_dist(tl_deg2rad(as[r].ilat), tl_deg2rad(as[r].ilon), o->impact_lat_rad,
                     o->impact_lon_rad, &az);
        w->t_s = as[r].t;
        w->object = obj;
        w->track = as[r].id;
        w->miss_m = d;
        w->semi_major_m = as[r].a;
        w->semi_minor_m = as[r].b;
        w->launch_time_err_s = as[r].lt - o->launch_s;
        w->apogee_err_km = as[r].apo - o->apogee_km;
        w->after_burnout = !isnan(o->burnout_s) && as[r].t > o->burnout_s;
        w->contained = inside_ellipse(d, az, as[r].a, as[r].b, as[r].az);
        o->ipp_miss_last_m = d;
        o->at_semi_major_m[3] = w->semi_major_m;
        o->at_contained[3] = w->contained;
        o->apogee_err_km = w->apogee_err_km;
        if (!isnan(w->launch_time_err_s))
            o->launch_time_err_s = w->launch_time_err_s;
        if (!isnan(as[r].llat)) {
            double laz;
            /* from the estimate to the pad, as the impact's miss is from the prediction */
            const double ld = geo_dist(tl_deg2rad(as[r].llat), tl_deg2rad(as[r].llon),
                                       o->launch_lat_rad, o->launch_lon_rad, &laz);
            o->launch_err_m = ld;
            if (!isnan(as[r].la)) {
                o->launch_assessments++;
                s->launch_assessments++;
                if (inside_ellipse(ld, laz, as[r].la, as[r].lb, as[r].laz)) {
                    o->launch_contained++;
                    s->launch_contained++;
                }
            }
            if (!isnan(as[r].lt_sigma))
                o->launch_time_z = w->launch_time_err_s / fmax(as[r].lt_sigma, 1e-3);
        }
        if (!w->after_burnout) {
            w->contained = 0; /* the containment figures count from burnout */
            continue;
        }
        for (int j = 0; j < 3; j++)
            if (as[r].t <= o->burnout_s + AFTER[j]) { /* the last assessment at or before then */
                o->ipp_miss_m[j] = d;
                o->at_semi_major_m[j] = w->semi_major_m;
                o->at_contained[j] = w->contained;
            }
        o->assessments++;
        s->assessments++;
        o->contained += w->contained;
        s->contained += w->contained;
        if (as[r].t >= o->burnout_s + 30.0 && as[r].t <= o->impact_s) {
            o->assessments_bo30++;
            s->assessments_bo30++;
            o->contained_bo30 += w->contained;
            s->contained_bo30 += w->contained;
        }
    }
    /* Medians after burnout; O(objects x assessments), both small. */
    if ((v = malloc((s->n_assess + 1) * sizeof *v)) == NULL)
        return TL_ENOMEM;
    for (int k = 0; k < s->n_objects; k++) {
        struct tl_score_object *o = &s->obj[k];
        o->launch_time_err_median_s = median_of_field(s, k, F_LAUNCH_TIME, 0, v);
        o->apogee_err_median_km = median_of_field(s, k, F_APOGEE, 0, v);
        o->semi_major_median_bo30_m = median_of_field(s, k, F_SEMI_MAJOR, 1, v);
        o->miss_median_bo30_m = median_of_field(s, k, F_MISS, 1, v);
    }
    free(v);
    return TL_OK;
}

/* An object's figures before any row: NaN (not formed) and -1 (no assessment). */
static void no_figures_yet(struct tl_score_object *o)
{
    o->first_seen_s = o->confirmed_s = o->launch_err_m = o->ipp_miss_last_m = NAN;
    o->launch_time_err_s = o->launch_time_err_median_s = NAN;
    o->apogee_err_km = o->apogee_err_median_km = NAN;
    o->semi_major_median_bo30_m = o->miss_median_bo30_m = o->launch_time_z = NAN;
    for (int j = 0; j < 3; j++)
        o->ipp_miss_m[j] = NAN;
    for (int j = 0; j < 4; j++) {
        o->at_semi_major_m[j] = NAN;
        o->at_contained[j] = -1;
    }
}

int tl_score_truth_read(const char *path, struct tl_score *objects, struct tl_truth_row **rows,
                        size_t *n_rows, struct tl_diag *diag)
{
    struct table tab;
    struct trow *tr = NULL;
    struct tl_truth_row *out;
    int rc;

    if (path == NULL || objects == NULL || rows == NULL || n_rows == NULL)
        return TL_EINVAL;
    memset(objects, 0, sizeof *objects);
    if ((rc = table_load(path, &tab, diag)) != TL_OK)
        return rc;
    rc = load_truth(&tab, objects, &tr, diag);
    *n_rows = tab.nrow;
    table_free(&tab);
    if (rc != TL_OK)
        return rc;
    truth_figures(objects, tr, *n_rows);
    if ((out = malloc((*n_rows + 1) * sizeof *out)) == NULL) {
        free(tr);
        return TL_ENOMEM;
    }
    for (size_t r = 0; r < *n_rows; r++) {
        out[r].t_s = tr[r].t;
        out[r].object = tr[r].obj;
        memcpy(out[r].y, tr[r].y, sizeof out[r].y);
        out[r].boost = tr[r].phase == PH_BOOST;
    }
    free(tr);
    *rows = out;
    return TL_OK;
}

int tl_score_files_events(const struct tl_score_cfg *cfg, const char *truth_path,
                          const char *tracks_path, const char *assess_path,
                          const char *events_path, struct tl_score *out, struct tl_diag *diag)
{
    struct table tab;
    struct tl_score s;
    struct trow *tr = NULL;
    struct krow *tk = NULL;
    struct arow *as = NULL;
    struct track_info *ti = NULL;
    int *ids = NULL;
    size_t ntr = 0, ntk = 0, nas = 0, pcap = 0;
    int nti = 0, rc;
    double pos_se[TL_SCORE_MAX_OBJECTS], vel_se[TL_SCORE_MAX_OBJECTS];
    long pairs[TL_SCORE_MAX_OBJECTS];
    int last_track[TL_SCORE_MAX_OBJECTS];

    if (cfg == NULL || truth_path == NULL || tracks_path == NULL || assess_path == NULL ||
        out == NULL || !(cfg->cutoff_m > 0.0 && cfg->cutoff_m <= 1e9) ||
        !(cfg->p >= 1.0 && cfg->p <= 100.0) || !(cfg->stale_s >= 0.0 && cfg->stale_s <= 1e7))
        return TL_EINVAL;
    if (diag != NULL)
        memset(diag, 0, sizeof *diag);
    memset(&s, 0, sizeof s);

    /* Parse and check everything before computing anything. */
    if ((rc = table_load(truth_path, &tab, diag)) != TL_OK)
        return rc;
    rc = load_truth(&tab, &s, &tr, diag);
    ntr = tab.nrow;
    table_free(&tab);
    if (rc != TL_OK)
        return rc;
    truth_figures(&s, tr, ntr);
    if ((rc = table_load(tracks_path, &tab, diag)) != TL_OK)
        goto done;
    rc = load_tracks(&tab, &tk, diag);
    ntk = tab.nrow;
    table_free(&tab);
    if (rc != TL_OK)
        goto done;
    if ((rc = table_load(assess_path, &tab, diag)) != TL_OK)
        goto done;
    rc = load_assess(&tab, &as, &nas, diag);
    table_free(&tab);
    if (rc != TL_OK)
        goto done;
    if (events_path != NULL) {
        if ((rc = table_load(events_path, &tab, diag)) != TL_OK)
            goto done;
        rc = load_events(&tab, &s, diag);
        table_free(&tab);
        if (rc != TL_OK)
            goto done;
    }
    if (diag != NULL)
        memset(diag, 0, sizeof *diag);

    for (int k = 0; k < s.n_objects; k++) {
        no_figures_yet(&s.obj[k]);
        last_track[k] = -1;
        pos_se[k] = vel_se[k] = 0.0;
        pairs[k] = 0;
    }

    /* Track numbers, sorted and unique, index the per-track state (a binary search per row). */
    if ((ids = malloc((ntk + 1) * sizeof *ids)) == NULL) {
        rc = TL_ENOMEM;
        goto done;
    }
    for (size_t r = 0; r < ntk; r++)
        ids[r] = tk[r].id;
    qsort(ids, ntk, sizeof *ids, cmp_int);
    if ((ti = calloc(ntk + 1, sizeof *ti)) == NULL) {
        rc = TL_ENOMEM;
        goto done;
    }
    for (size_t r = 0; r < ntk; r++)
        if (nti == 0 || ids[r] != ti[nti - 1].id) {
            ti[nti].id = ids[r];
            ti[nti++].assigned_to = -1;
        }
    for (size_t r = 0; r < ntk; r++) {
        tk[r].slot = slot_of(ti, nti, tk[r].id);
        if (tk[r].status == ST_CONFIRMED || tk[r].status == ST_COASTING)
            ti[tk[r].slot].ever_confirmed = 1;
    }
    for (int i = 0; i < nti; i++)
        s.confirmed_tracks += ti[i].ever_confirmed;
    for (size_t r = 0; r < nas; r++)
        as[r].slot = slot_of(ti, nti, as[r].id);

    detection_times(cfg, &s, tr, ntr, tk, ntk);
    if ((rc = gospa_steps(cfg, &s, tr, ntr, tk, ntk, ti, nti, pos_se, vel_se, pairs,
                          last_track)) != TL_OK)
        goto done;
    if (s.n_steps > 0) {
        s.gospa_mean_m /= (double)s.n_steps;
        s.ospa_mean_m /= (double)s.n_steps;
    }
    for (int i = 0; i < s.n_objects; i++) {
        s.obj[i].pos_rmse_m = pairs[i] ? sqrt(pos_se[i] / (double)pairs[i]) : NAN;
        s.obj[i].vel_rmse_mps = pairs[i] ? sqrt(vel_se[i] / (double)pairs[i]) : NAN;
    }
    /* Each confirmed track belongs to the object it was most often assigned to. */
    for (int k = 0; k < nti; k++) {
        int best = -1;
        long bv = 0;
        if (!ti[k].ever_confirmed)
            continue;
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
    if ((rc = assessment_figures(&s, as, nas, ti)) != TL_OK)
        goto done;
    /* Profiles: the truth, then the confirmed and coasting rows of the assigned tracks. */
    for (size_t r = 0; r < ntr && rc == TL_OK; r++)
        rc = add_point(&s, &pcap, tr[r].t, tr[r].obj, -1, tr[r].y);
    for (size_t r = 0; r < ntk && rc == TL_OK; r++) {
        const int obj = ti[tk[r].slot].assigned_to;
        if (obj >= 0 && (tk[r].status == ST_CONFIRMED || tk[r].status == ST_COASTING))
            rc = add_point(&s, &pcap, tk[r].t, obj, tk[r].id, tk[r].y);
    }
done:
    free(ids);
    free(ti);
    free(tr);
    free(tk);
    free(as);
    if (rc != TL_OK) {
        tl_score_free(&s);
        return rc;
    }
    *out = s;
    return TL_OK;
}

int tl_score_files(const struct tl_score_cfg *cfg, const char *truth_path, const char *tracks_path,
                   const char *assess_path, struct tl_score *out, struct tl_diag *diag)
{
    return tl_score_files_events(cfg, truth_path, tracks_path, assess_path, NULL, out, diag);
}
