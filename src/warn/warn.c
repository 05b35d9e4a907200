/* The warnings' lifecycle: one warning per system track; its areas warned with hysteresis;
 * Alert, Update, all-clear and Cancel, each carrying references to every message before it. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/assess.h"
#include "trilink/geo.h"
#include "trilink/trajectory.h"
#include "warn_int.h"

int tl__warn_diag(struct tl_diag *diag, int rc, const char *field, const char *fmt, ...)
{
    va_list ap;
    if (diag == NULL)
        return rc;
    snprintf(diag->field, sizeof diag->field, "%s", field != NULL ? field : "");
    va_start(ap, fmt);
    vsnprintf(diag->message, sizeof diag->message, fmt, ap);
    va_end(ap);
    return rc;
}

int tl_warn_utc_offset(const char *nation)
{
    if (nation != NULL && (strcmp(nation, "JP") == 0 || strcmp(nation, "KR") == 0))
        return 540;
    if (nation != NULL && strcmp(nation, "US") == 0)
        return -600;
    return 0;
}

const char *tl_warn_threat_name(enum tl_cap_threat t)
{
    return t == TL_CAP_IMPACT ? "impact" : t == TL_CAP_OVERFLIGHT ? "overflight" : "none";
}

const char *tl_warn_msg_type_name(enum tl_cap_type t)
{
    return t == TL_CAP_ALERT ? "Alert" : t == TL_CAP_UPDATE ? "Update" : "Cancel";
}

/* Van der Corput radical inverse: the Halton sequence's coordinates. */
static double halton(unsigned i, unsigned base)
{
    double f = 1.0, r = 0.0;
    for (; i > 0; i /= base) {
        f /= base;
        r += f * (double)(i % base);
    }
    return r;
}

/* Standard normal pairs by Box-Muller on Halton points (bases 2, 3): evenly spread, and the
 * same every run. */
static void normal_table(double *z, int n)
{
    for (int i = 0; i < n; i++) {
        const double u1 = halton((unsigned)i + 1, 2), u2 = halton((unsigned)i + 1, 3);
        const double r = sqrt(-2.0 * log(u1));
        z[2 * i] = r * cos(2.0 * M_PI * u2);
        z[2 * i + 1] = r * sin(2.0 * M_PI * u2);
    }
}

static int valid_id(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (isspace((unsigned char)*s) || *s == ',' || *s == '<' || *s == '&' || *s == '"')
            return 0;
    return 1;
}

static int check_cfg(const struct tl_warn_cfg *c, struct tl_diag *diag)
{
    if (c->areas == NULL)
        return tl__warn_diag(diag, TL_EINVAL, "areas", "no areas loaded");
    if (strlen(c->nation) != 2 || !isupper((unsigned char)c->nation[0]) ||
        !isupper((unsigned char)c->nation[1]))
        return tl__warn_diag(diag, TL_EINVAL, "nation", "'%s': not an ISO 3166 alpha-2 code",
                             c->nation);
    if (!valid_id(c->sender))
        return tl__warn_diag(diag, TL_EINVAL, "sender",
                             "'%s': empty, or a space, comma, '<', '&' or '\"' in it", c->sender);
    if (c->utc_offset_min < -720 || c->utc_offset_min > 840)
        return tl__warn_diag(diag, TL_EINVAL, "utc_offset", "%d min: not a UTC offset",
                             c->utc_offset_min);
    return tl_warn_rules_check(&c->rules, diag);
}

static int alloc_buffers(struct tl_warn *w)
{
    const size_t na = (size_t)w->n_areas, pts = 2 * TL__WARN_MAX_SAMPLES;
    w->own = calloc(na, sizeof *w->own);
    w->own_of = calloc(na, sizeof *w->own_of);
    w->lat = calloc(pts, sizeof *w->lat);
    w->lon = calloc(pts, sizeof *w->lon);
    w->hits = calloc(na, sizeof *w->hits);
    w->hit_line = calloc(na, 1);
    w->p_imp = calloc(na, sizeof *w->p_imp);
    w->p_ovf = calloc(na, sizeof *w->p_ovf);
    w->t_ovf = calloc(na, sizeof *w->t_ovf);
    w->n_outline = calloc(na, sizeof *w->n_outline);
    w->outline = calloc(na * 2 * TL_CAP_MAX_OUTLINE, sizeof *w->outline);
    return w->own && w->own_of && w->lat && w->lon && w->hits && w->hit_line && w->p_imp &&
                   w->p_ovf && w->t_ovf && w->n_outline && w->outline
               ? TL_OK
               : TL_ENOMEM;
}

int tl_warn_create(const struct tl_warn_cfg *cfg, tl_warn_sink sink, void *ctx,
                   struct tl_warn **out, struct tl_diag *diag)
{
    struct tl_warn *w;
    int rc;

    if (cfg == NULL || out == NULL || sink == NULL)
        return tl__warn_diag(diag, TL_EINVAL, "warn", "NULL configuration, sink or output");
    if ((rc = check_cfg(cfg, diag)) != TL_OK)
        return rc;
    if ((w = calloc(1, sizeof *w)) == NULL)
        return TL_ENOMEM;
    w->cfg = *cfg;
    w->sink = sink;
    w->ctx = ctx;
    w->earth = tl_earth_wgs84();
    w->n_areas = tl_areas_count(cfg->areas);
    normal_table(w->z, TL__WARN_MAX_SAMPLES);
    if ((rc = tl_boost_catalog_default(&w->vehicles, diag)) != TL_OK ||
        (rc = alloc_buffers(w)) != TL_OK) {
        tl_warn_destroy(w);
        return rc;
    }
    for (int i = 0; i < w->n_areas; i++) {
        w->own_of[i] = -1;
        w->n_outline[i] = -1;
        if (strcmp(tl_areas_get(cfg->areas, i)->nation, cfg->nation) == 0) {
            w->own_of[i] = w->n_own;
            w->own[w->n_own++] = i;
        }
    }
    if (w->n_own == 0) {
        tl_warn_destroy(w);
        return tl__warn_diag(diag, TL_EINVAL, "nation", "'%s': no areas of this nation in the data",
                             cfg->nation);
    }
    *out = w;
    return TL_OK;
}

void tl_warn_destroy(struct tl_warn *w)
{
    if (w == NULL)
        return;
    for (int i = 0; i < w->n_ev; i++)
        free(w->ev[i].area);
    free(w->ev);
    for (int m = 0; m < TL__WARN_MAX_MEMBERS; m++)
        tl__warn_track_free(&w->member[m]);
    free(w->own);
    free(w->own_of);
    free(w->lat);
    free(w->lon);
    free(w->hits);
    free(w->hit_line);
    free(w->p_imp);
    free(w->p_ovf);
    free(w->t_ovf);
    free(w->n_outline);
    free(w->outline);
    free(w);
}

void tl_warn_stats(const struct tl_warn *w, struct tl_warn_stats *s)
{
    *s = w->st;
}

struct tl__warn_event *tl__warn_find_event(struct tl_warn *w, int32_t no)
{
    for (int i = 0; i < w->n_ev; i++)
        if (w->ev[i].system_no == no)
            return &w->ev[i];
    return NULL;
}

struct tl__warn_event *tl__warn_new_event(struct tl_warn *w, int32_t no, double t_s)
{
    struct tl__warn_event *e;
    if (w->n_ev == w->cap_ev) {
        const int cap = w->cap_ev ? 2 * w->cap_ev : 8;
        struct tl__warn_event *p = realloc(w->ev, (size_t)cap * sizeof *p);
        if (p == NULL)
            return NULL;
        w->ev = p;
        w->cap_ev = cap;
    }
    e = &w->ev[w->n_ev];
    memset(e, 0, sizeof *e);
    if ((e->area = calloc((size_t)w->n_own, sizeof *e->area)) == NULL)
        return NULL;
    for (int q = 0; q < w->n_own; q++)
        e->area[q].onset_s = e->area[q].below_since_s = e->area[q].released_s = NAN;
    e->system_no = no;
    e->first_seen_s = t_s;
    w->n_ev++;
    return e;
}

int tl_warn_threats(struct tl_warn *w, const struct tl_warn_obs *o, struct tl_warn_threat *out,
                    int max, int *n, struct tl_diag *diag)
{
    const struct tl__warn_event *e;
    int rc;
    *n = 0;
    if ((rc = tl__warn_obs_check(o, diag)) != TL_OK)
        return rc;
    e = tl__warn_find_event(w, o->system_no);
    if ((rc = tl__warn_evaluate(w, o, e != NULL ? e->first_seen_s : o->t_s)) != TL_OK)
        return tl__warn_diag(diag, rc, "trajectory", "the estimate cannot be flown: %s",
                             tl_strerror(rc));
    for (int q = 0; q < w->n_own && *n < max; q++) {
        const int i = w->own[q];
        if (w->p_imp[i] <= 0.0 && w->p_ovf[i] <= 0.0)
            continue;
        out[*n].area = i;
        out[*n].p_impact = w->p_imp[i];
        out[*n].p_overflight = w->p_ovf[i];
        out[*n].impact_t_s = w->member[0].has_impact ? w->member[0].impact_t_s : NAN;
        out[*n].overflight_t_s = w->t_ovf[i];
        (*n)++;
    }
    return TL_OK;
}
