/* The measurement CSV: the tracker's public input. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/sensor.h"
#include "yamltree.h" /* tl__parse_num: one strict number grammar for every input */

#define HEADER "time_s,sensor,range_m,azimuth_deg,elevation_deg,range_rate_mps"
#define MAX_LINE 512

static int fail(struct tl_diag *diag, int line, const char *field, const char *fmt,
                const char *value)
{
    if (diag != NULL) {
        diag->line = line;
        snprintf(diag->field, sizeof diag->field, "%s", field);
        snprintf(diag->message, sizeof diag->message, fmt, value);
    }
    return TL_EPARSE;
}

int tl_meas_write_csv(const char *path, const struct tl_sensor_set *sensors,
                      const struct tl_meas *m, size_t n, struct tl_diag *diag)
{
    FILE *f;
    int bad;

    if (path == NULL || sensors == NULL || (m == NULL && n > 0))
        return TL_EINVAL;
    if (diag != NULL)
        snprintf(diag->file, sizeof diag->file, "%s", path);
    f = fopen(path, "w");
    if (f == NULL) {
        if (diag != NULL)
            snprintf(diag->message, sizeof diag->message, "cannot create: %s", strerror(errno));
        return TL_EIO;
    }
    fprintf(f, HEADER "\n");
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%.3f,%s,", m[i].t_s, sensors->s[m[i].sensor].id);
        if (!isnan(m[i].range_m))
            fprintf(f, "%.3f", m[i].range_m);
        fprintf(f, ",%.6f,%.6f,", tl_rad2deg(m[i].az_rad), tl_rad2deg(m[i].el_rad));
        if (!isnan(m[i].rr_mps))
            fprintf(f, "%.3f", m[i].rr_mps);
        fputc('\n', f);
    }
    bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        if (diag != NULL)
            snprintf(diag->message, sizeof diag->message, "write failed: %s", strerror(errno));
        return TL_EIO;
    }
    return TL_OK;
}

/* Splits @p line at commas into exactly 6 fields; returns the count found. */
static int split6(char *line, char *f[6])
{
    int n = 0;

    f[n++] = line;
    for (char *p = line; *p != '\0'; p++)
        if (*p == ',') {
            if (n == 6)
                return 7;
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

/* Parses an optional numeric cell: empty gives NaN. Returns 0 on success. */
static int cell(const char *text, double *v)
{
    if (text[0] == '\0') {
        *v = NAN;
        return 0;
    }
    return tl__parse_num(text, v);
}

static int parse_row(char *line, int ln, const struct tl_sensor_set *sensors, struct tl_meas *m,
                     struct tl_diag *diag)
{
    static const char *const NAMES[6] = { "time_s",        "sensor",        "range_m",
                                          "azimuth_deg",   "elevation_deg", "range_rate_mps" };
    char *f[6];
    double v[6];
    const struct tl_sensor *s;
    int nf = split6(line, f), si;

    if (nf != 6) {
        char count[16];
        snprintf(count, sizeof count, "%d", nf);
        return fail(diag, ln, "", "expected 6 comma-separated columns, found %s",
                    nf > 6 ? "more than 6" : count);
    }
    si = tl_sensor_find(sensors, f[1]);
    if (si < 0)
        return fail(diag, ln, "sensor", "unknown sensor id '%s'", f[1]);
    s = &sensors->s[si];
    for (int k = 0; k < 6; k++) {
        if (k == 1)
            continue;
        if (cell(f[k], &v[k]) != 0)
            return fail(diag, ln, NAMES[k], "'%s' is not a finite number", f[k]);
    }
    if (isnan(v[0]) || v[0] < 0.0 || v[0] > 1e7)
        return fail(diag, ln, "time_s", "'%s' is not a time in [0, 1e7] s", f[0]);
    if (isnan(v[3]) || v[3] < 0.0 || v[3] > 360.0)
        return fail(diag, ln, "azimuth_deg", "'%s' is not in [0, 360]", f[3]);
    if (isnan(v[4]) || v[4] < -90.0 || v[4] > 90.0)
        return fail(diag, ln, "elevation_deg", "'%s' is not in [-90, 90]", f[4]);
    if (s->kind == TL_SENSOR_RADAR) {
        /* 1e8 m is beyond any radar's reach (and keeps the geometry finite): 1e308 was accepted */
        if (isnan(v[2]) || !(v[2] > 0.0) || v[2] > 1e8)
            return fail(diag, ln, "range_m", "'%s' is not a range in (0, 1e8] m (radar)", f[2]);
        if (s->sigma_rr_mps > 0.0 && (isnan(v[5]) || fabs(v[5]) > 1e5))
            return fail(diag, ln, "range_rate_mps", "'%s' is not a range rate (this radar reports one)",
                        f[5]);
        if (!(s->sigma_rr_mps > 0.0) && !isnan(v[5]))
            return fail(diag, ln, "range_rate_mps", "'%s' given, but this radar has no range-rate "
                                                    "noise (sigma_range_rate_mps)", f[5]);
    } else if (!isnan(v[2]) || !isnan(v[5])) {
        return fail(diag, ln, isnan(v[2]) ? "range_rate_mps" : "range_m",
                    "'%s' given for an angles-only (ir) sensor", isnan(v[2]) ? f[5] : f[2]);
    }
    m->t_s = v[0];
    m->arrival_s = v[0] + s->latency_s;
    m->sensor = si;
    m->range_m = v[2];
    m->az_rad = tl_deg2rad(fmod(v[3], 360.0));
    m->el_rad = tl_deg2rad(v[4]);
    m->rr_mps = v[5];
    m->object = -1;
    return TL_OK;
}

/* One line of at most MAX_LINE characters into @p line (NUL-terminated, without its newline and
 * carriage return): its length, -1 at the end of the file, -2 for a longer line, -3 for a line
 * holding a NUL byte. */
static long read_line(FILE *f, char *line)
{
    size_t len = 0;
    int c, any = 0;

    while ((c = getc(f)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (c == '\0')
            return -3;
        if (len == MAX_LINE)
            return -2;
        line[len++] = (char)c;
    }
    if (!any)
        return -1;
    while (len > 0 && line[len - 1] == '\r')
        len--;
    line[len] = '\0';
    return (long)len;
}

int tl_meas_read_csv(const char *path, const struct tl_sensor_set *sensors, struct tl_meas **out,
                     size_t *n_out, struct tl_diag *diag)
{
    char line[MAX_LINE + 2];
    struct tl_meas *m = NULL;
    size_t n = 0, cap = 0;
    int ln = 0, rc = TL_OK;
    FILE *f;

    if (path == NULL || sensors == NULL || out == NULL || n_out == NULL)
        return TL_EINVAL;
    if (diag != NULL) {
        memset(diag, 0, sizeof *diag);
        snprintf(diag->file, sizeof diag->file, "%s", path);
    }
    f = tl__fopen_read(path, diag);
    if (f == NULL)
        return TL_EIO;
    for (;;) {
        const long got = read_line(f, line);
        size_t len;
        if (got == -1)
            break;
        ln++;
        if (got == -2) {
            rc = fail(diag, ln, "", "%s", "line longer than 512 characters");
            break;
        }
        if (got == -3) { /* fgets let it through: a NUL ended the C string early */
            rc = fail(diag, ln, "", "%s", "binary data (a NUL byte)");
            break;
        }
        len = (size_t)got;
        if (ln == 1) {
            if (strcmp(line, HEADER) != 0) {
                rc = fail(diag, 1, "", "expected the header '%s'", HEADER);
                break;
            }
            continue;
        }
        if (len == 0)
            continue; /* a trailing blank line */
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 4096;
            struct tl_meas *nm = realloc(m, nc * sizeof *nm);
            if (nm == NULL) {
                rc = TL_ENOMEM;
                break;
            }
            m = nm;
            cap = nc;
        }
        if ((rc = parse_row(line, ln, sensors, &m[n], diag)) != TL_OK)
            break;
        n++;
    }
    if (rc == TL_OK && ln == 0)
        rc = fail(diag, 1, "", "%s", "empty file (no header)");
    if (rc == TL_OK && ferror(f))
        rc = fail(diag, ln, "", "%s", "read error");
    fclose(f);
    if (rc != TL_OK) {
        free(m);
        return rc;
    }
    *out = m;
    *n_out = n;
    return TL_OK;
}
