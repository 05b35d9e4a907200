/* Scoring warnings against what the missile did: which of the nation's areas it flew over (above
 * the overflight height) or fell in, when it got there, and for each area the first warning,
 * the lead time, the time warned in vain, and whether every warning was closed. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/time.h"
#include "warn_int.h"

int tl_warn_truth_areas(const struct tl_areas *a, const char *nation, double overflight_h_m,
                        size_t n, const double *t_s, const double *lat_rad, const double *lon_rad,
                        const double *h_m, struct tl_warn_truth_area *out, int max, int *n_out)
{
    int idx[16];
    *n_out = 0;
    for (size_t j = 0; j < n; j++) {
        const int last = j + 1 == n;
        int k;
        if (!isfinite(lat_rad[j]) || !isfinite(lon_rad[j]))
            return TL_EINVAL;
        if (h_m[j] < overflight_h_m && !last)
            continue;
        k = tl_areas_at(a, lat_rad[j], lon_rad[j], idx, 16);
        for (int q = 0; q < k && q < 16; q++) {
            const struct tl_area_info *ar = tl_areas_get(a, idx[q]);
            int seen = 0;
            if (strcmp(ar->nation, nation) != 0 || (ar->kind == TL_AREA_EEZ && !last))
                continue;
            for (int i = 0; i < *n_out; i++)
                if (out[i].area == idx[q] && out[i].impact == last)
                    seen = 1;
            if (seen || *n_out >= max)
                continue;
            out[*n_out].area = idx[q];
            out[*n_out].impact = last;
            out[*n_out].t_s = t_s[j];
            (*n_out)++;
        }
    }
    return TL_OK;
}

/* "2022-10-04T07:27:00+09:00" to UTC ns. */
static int parse_cap_time(const char *s, int64_t *ns)
{
    char z[32];
    int oh, om;
    if (strlen(s) != 25 || (s[19] != '+' && s[19] != '-') ||
        sscanf(s + 20, "%2d:%2d", &oh, &om) != 2)
        return TL_EPARSE;
    snprintf(z, sizeof z, "%.19sZ", s);
    if (tl_time_parse_iso8601(z, ns) != TL_OK)
        return TL_EPARSE;
    *ns -= (s[19] == '+' ? 1 : -1) * (int64_t)(oh * 60 + om) * 60 * TL_NS_PER_S;
    return TL_OK;
}

static const char *const ROW_HEADER = "sent,identifier,msg_type,threat,area,probability,event_time_s";

static int one_of(const char *v, const char *const *set)
{
    for (; *set != NULL; set++)
        if (strcmp(v, *set) == 0)
            return 1;
    return 0;
}

/* One row of warnings.csv into @p r; on a bad cell its column name in *field and why in why. */
static int row_of(char *line, int64_t epoch_ns, struct tl_warn_row *r, const char **field,
                  char *why, size_t why_n)
{
    static const char *const TYPES[] = { "Alert", "Update", "Cancel", NULL };
    static const char *const THREATS[] = { "impact", "overflight", "none", "allclear", NULL };
    char *cell[8], *end;
    int n = 0;
    int64_t ns;
    const char *sp;
    for (char *p = line; n < 8;) {
        cell[n++] = p;
        if ((p = strchr(p, ',')) == NULL)
            break;
        *p++ = '\0';
    }
#define BAD(f, ...) return *field = (f), snprintf(why, why_n, __VA_ARGS__), TL_EPARSE
    if (n != 7)
        BAD("row", "%d cells, expected 7", n);
    if (parse_cap_time(cell[0], &ns) != TL_OK)
        BAD("sent", "'%.40s' is not a CAP time", cell[0]);
    memset(r, 0, sizeof *r);
    r->sent_s = (double)(ns - epoch_ns) * 1e-9;
    sp = strstr(cell[1], "-S");
    if (cell[1][0] == '\0' || strlen(cell[1]) >= sizeof r->identifier || sp == NULL ||
        (r->system_no = (int32_t)strtol(sp + 2, &end, 10)) <= 0 || *end != '-')
        BAD("identifier", "'%.96s' is not NN-<time>-S<system track>-<n>", cell[1]);
    snprintf(r->identifier, sizeof r->identifier, "%s", cell[1]);
    if (!one_of(cell[2], TYPES))
        BAD("msg_type", "'%.20s' is not Alert, Update or Cancel", cell[2]);
    snprintf(r->msg_type, sizeof r->msg_type, "%s", cell[2]);
    if (!one_of(cell[3], THREATS))
        BAD("threat", "'%.20s' is not impact, overflight, none or allclear", cell[3]);
    snprintf(r->threat, sizeof r->threat, "%s", cell[3]);
    if (strlen(cell[4]) >= sizeof r->area)
        BAD("area", "'%.40s' is too long", cell[4]);
    snprintf(r->area, sizeof r->area, "%s", cell[4]);
    r->probability = strtod(cell[5], &end);
    if (end == cell[5] || *end != '\0' || !(r->probability >= 0.0 && r->probability <= 1.0))
        BAD("probability", "'%.40s' is not a number in [0, 1]", cell[5]);
    r->event_t_s = NAN;
    if (cell[6][0] != '\0' &&
        ((r->event_t_s = strtod(cell[6], &end)), end == cell[6] || *end != '\0' ||
                                                     !isfinite(r->event_t_s)))
        BAD("event_time_s", "'%.40s' is not a finite number of seconds", cell[6]);
#undef BAD
    return TL_OK;
}

int tl_warn_rows_read(const char *csv, int64_t epoch_ns, struct tl_warn_row **rows, size_t *n,
                      struct tl_diag *diag)
{
    FILE *f = fopen(csv, "r");
    char line[512], why[160];
    size_t cap = 0;
    int ln = 0, rc = TL_OK;

    *rows = NULL;
    *n = 0;
    if (f == NULL)
        return tl_diag_set(diag, TL_EIO, csv, 0, "", "cannot open: %s", strerror(errno));
    while (rc == TL_OK && fgets(line, sizeof line, f) != NULL) {
        struct tl_warn_row r;
        const char *field = "";
        ln++;
        if (strchr(line, '\n') == NULL && !feof(f)) {
            rc = tl_diag_set(diag, TL_EPARSE, csv, ln, "row", "longer than %zu bytes",
                             sizeof line - 2);
            break;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (ln == 1) {
            if (strcmp(line, ROW_HEADER) != 0)
                rc = tl_diag_set(diag, TL_EPARSE, csv, ln, "header", "'%.80s', expected '%s'",
                                 line, ROW_HEADER);
            continue;
        }
        if (row_of(line, epoch_ns, &r, &field, why, sizeof why) != TL_OK) {
            rc = tl_diag_set(diag, TL_EPARSE, csv, ln, field, "%s", why);
            break;
        }
        if (*n == cap) {
            struct tl_warn_row *p = realloc(*rows, (cap = cap ? 2 * cap : 256) * sizeof *p);
            if (p == NULL) {
                rc = TL_ENOMEM;
                break;
            }
            *rows = p;
        }
        (*rows)[(*n)++] = r;
    }
    if (rc == TL_OK && ln == 0)
        rc = tl_diag_set(diag, TL_EPARSE, csv, 0, "header", "empty file");
    fclose(f);
    if (rc != TL_OK) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return rc;
}

static int active(const struct tl_warn_row *r)
{
    return strcmp(r->threat, "impact") == 0 || strcmp(r->threat, "overflight") == 0;
}

/* In force of area @p code: walks the rows of each chain (system track), an interval opening at
 * a row with a threat and closing at the chain's next row naming the area without one (or a
 * Cancel, or the end: left open). */
static void area_intervals(const struct tl_warn_row *rows, size_t n, const char *code,
                           double settle_s, double end_s, struct tl_warn_area_score *s)
{
    int32_t chains[64];
    int nc = 0;
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (int c = 0; c < nc; c++)
            seen |= chains[c] == rows[i].system_no;
        if (!seen && nc < 64)
            chains[nc++] = rows[i].system_no;
    }
    for (int c = 0; c < nc; c++) {
        double since = NAN;
        const char *how = NULL;
        for (size_t i = 0; i < n; i++) {
            const struct tl_warn_row *r = &rows[i];
            if (r->system_no != chains[c] || strcmp(r->area, code) != 0)
                continue;
            if (active(r) && strcmp(r->msg_type, "Cancel") != 0) {
                if (isnan(s->first_alert_s) || r->sent_s < s->first_alert_s)
                    s->first_alert_s = r->sent_s;
                if (isnan(since))
                    since = r->sent_s;
                how = "open";
                continue;
            }
            if (!isnan(since)) {
                s->warned_s += r->sent_s - since;
                s->warned_after_s += fmax(0.0, r->sent_s - fmax(since, settle_s));
                since = NAN;
            }
            how = strcmp(r->msg_type, "Cancel") == 0    ? "cancel"
                  : strcmp(r->threat, "allclear") == 0 ? "all-clear"
                                                       : "released";
        }
        if (!isnan(since)) {
            s->warned_s += end_s - since;
            s->warned_after_s += fmax(0.0, end_s - fmax(since, settle_s));
        }
        if (how != NULL && (s->closed[0] == '\0' || strcmp(how, "open") == 0))
            snprintf(s->closed, sizeof s->closed, "%s", how);
    }
}

int tl_warn_score(const struct tl_areas *a, const char *nation,
                  const struct tl_warn_truth_area *truth, int n_truth,
                  const struct tl_warn_row *rows, size_t n_rows, double settle_s, double end_s,
                  struct tl_warn_score *out)
{
    const int na = tl_areas_count(a);
    memset(out, 0, sizeof *out);
    out->first_alert_s = NAN;
    if ((out->area = calloc((size_t)na, sizeof *out->area)) == NULL)
        return TL_ENOMEM;
    for (int i = 0; i < na; i++) {
        const struct tl_area_info *ar = tl_areas_get(a, i);
        struct tl_warn_area_score *s = &out->area[out->n];
        if (strcmp(ar->nation, nation) != 0)
            continue;
        memset(s, 0, sizeof *s);
        s->area = i;
        s->arrive_s = s->first_alert_s = s->lead_s = NAN;
        for (int k = 0; k < n_truth; k++)
            if (truth[k].area == i && (isnan(s->arrive_s) || truth[k].t_s < s->arrive_s)) {
                s->needed = 1;
                s->impact = truth[k].impact;
                s->arrive_s = truth[k].t_s;
            }
        area_intervals(rows, n_rows, ar->code, settle_s, end_s, s);
        if (!s->needed && isnan(s->first_alert_s))
            continue;
        if (s->needed) {
            out->needed++;
            if (!isnan(s->first_alert_s) && s->first_alert_s <= s->arrive_s)
                s->lead_s = s->arrive_s - s->first_alert_s;
            else
                out->missed++;
        } else {
            out->unneeded_area_min += s->warned_s / 60.0;
            if (s->warned_after_s > 0.0)
                out->wrong_after++;
        }
        if (!isnan(s->first_alert_s) && (isnan(out->first_alert_s) ||
                                         s->first_alert_s < out->first_alert_s))
            out->first_alert_s = s->first_alert_s;
        out->n++;
    }
    /* chains left open: their last message is neither an all-clear nor a Cancel */
    for (size_t i = 0; i < n_rows; i++) {
        int last = 1, first = 1;
        for (size_t j = i + 1; j < n_rows; j++)
            if (rows[j].system_no == rows[i].system_no)
                last = 0;
        for (size_t j = 0; j < i; j++)
            if (rows[j].system_no == rows[i].system_no)
                first = 0;
        out->chains += first;
        if (last && strcmp(rows[i].msg_type, "Cancel") != 0 &&
            strcmp(rows[i].threat, "allclear") != 0)
            out->open_chains++;
    }
    return TL_OK;
}

void tl_warn_score_free(struct tl_warn_score *s)
{
    if (s != NULL)
        free(s->area);
}
