/* OASIS CAP 1.2 (OASIS Standard, 1 July 2010) documents of a missile warning, written with
 * libxml2's xmlTextWriter in the element order of the schema's xs:sequence: alert (identifier,
 * sender, sent, status, msgType, scope, note?, references?, info*), info (language, category,
 * event, responseType, urgency, severity, certainty, onset?, expires?, senderName, headline,
 * description, instruction, parameter*, area*), area (areaDesc, polygon*, circle*, geocode*). */
#include <errno.h>
#include <libxml/xmlstring.h>
#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cap_int.h"
#include "trilink/geo.h"

#define CAP_NS "urn:oasis:names:tc:emergency:cap:1.2"
/* The ellipse polygon: this many vertices, then the first again to close it. */
#define ELLIPSE_VERTICES 24
/* xs:dateTime allows offsets from -14:00 to +14:00 (XML Schema 1.1 part 2, 3.3.7). */
#define MAX_OFFSET_MIN 840

/* ---- times ---------------------------------------------------------------------------------- */

/* Civil date of day @p z since 1970-01-01 (H. Hinnant, "chrono-Compatible Low-Level Date
 * Algorithms", civil_from_days), valid for every day of the int64 ns range. */
static void civil_from_days(int64_t z, int64_t *y, int *mo, int *d)
{
    const int64_t zz = z + 719468;
    const int64_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
    const int64_t doe = zz - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;

    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *mo = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*mo <= 2);
}

int tl_cap_time(int64_t utc_ns, int utc_offset_min, char *out, size_t out_size)
{
    int64_t s, days, sod, y;
    int mo, d, off;

    if (out == NULL || out_size < 26 || utc_ns < 0 || utc_offset_min < -MAX_OFFSET_MIN ||
        utc_offset_min > MAX_OFFSET_MIN)
        return TL_EINVAL;
    /* ns >= 0, so the division rounds down to the second */
    s = utc_ns / 1000000000 + (int64_t)utc_offset_min * 60;
    days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
    sod = s - days * 86400;
    civil_from_days(days, &y, &mo, &d);
    off = utc_offset_min < 0 ? -utc_offset_min : utc_offset_min;
    snprintf(out, out_size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", (int)y, mo, d,
             (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60),
             utc_offset_min < 0 ? '-' : '+', off / 60, off % 60);
    return TL_OK;
}

/* ---- checking the message ------------------------------------------------------------------- */

static int bad(struct tl_diag *diag, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(struct tl_diag *diag, const char *field, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = tl_diag_vset(diag, TL_EINVAL, NULL, 0, field, fmt, ap);
    va_end(ap);
    return rc;
}

/* A text field of @p cap bytes: NUL-terminated inside its array, UTF-8, no control characters
 * (XML 1.0 forbids most of them); @p token also forbids what CAP forbids in identifiers and
 * senders (space, comma, '<', '&') and requires a non-empty value. */
static int check_str(const char *s, size_t cap, int token, const char *field,
                     struct tl_diag *diag)
{
    if (memchr(s, '\0', cap) == NULL)
        return bad(diag, field, "not NUL-terminated within its %zu bytes", cap);
    if (!xmlCheckUTF8((const xmlChar *)s))
        return bad(diag, field, "not valid UTF-8");
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return bad(diag, field, "control character 0x%02x", *p);
        if (token && (*p == ' ' || *p == ',' || *p == '<' || *p == '&'))
            return bad(diag, field, "'%s' holds '%c' (CAP forbids space, comma, '<', '&')", s,
                       *p);
    }
    if (token && s[0] == '\0')
        return bad(diag, field, "empty");
    return TL_OK;
}

static int is_token(const char *s, const char *const *set)
{
    if (s == NULL)
        return 0;
    for (; *set != NULL; set++)
        if (strcmp(s, *set) == 0)
            return 1;
    return 0;
}

static int check_lat_lon(double lat, double lon, const char *field, struct tl_diag *diag)
{
    if (!(isfinite(lat) && fabs(lat) <= 90.0 && isfinite(lon) && fabs(lon) <= 180.0))
        return bad(diag, field, "lat %g, lon %g not finite degrees in [-90, 90], [-180, 180]",
                   lat, lon);
    return TL_OK;
}

static int check_area(const struct tl_cap_area *a, int i, struct tl_diag *diag)
{
    static const char *const URG[] = { "Immediate", "Expected", "Future", "Past", "Unknown", NULL };
    static const char *const SEV[] = { "Extreme", "Severe", "Moderate", "Minor", "Unknown", NULL };
    static const char *const CER[] = { "Observed", "Likely", "Possible", "Unlikely", "Unknown",
                                       NULL };
    char f[64];
    int rc;

#define FIELD(name) (snprintf(f, sizeof f, "areas[%d]." name, i), f)
    if ((rc = check_str(a->code, sizeof a->code, 1, FIELD("code"), diag)) < 0 ||
        (rc = check_str(a->name, sizeof a->name, 0, FIELD("name"), diag)) < 0 ||
        (rc = check_str(a->name_local, sizeof a->name_local, 0, FIELD("name_local"), diag)) < 0)
        return rc;
    if (a->name[0] == '\0')
        return bad(diag, FIELD("name"), "empty");
    if (a->threat != TL_CAP_IMPACT && a->threat != TL_CAP_OVERFLIGHT && a->threat != TL_CAP_NONE)
        return bad(diag, FIELD("threat"), "%d is not a tl_cap_threat", (int)a->threat);
    if (!(a->probability >= 0.0 && a->probability <= 1.0))
        return bad(diag, FIELD("probability"), "%g not in [0, 1]", a->probability);
    if (a->onset_ns < 0)
        return bad(diag, FIELD("onset_ns"), "%lld before 1970", (long long)a->onset_ns);
    if (!is_token(a->urgency, URG))
        return bad(diag, FIELD("urgency"), "'%s' is not a CAP urgency", a->urgency ? a->urgency : "(null)");
    if (!is_token(a->severity, SEV))
        return bad(diag, FIELD("severity"), "'%s' is not a CAP severity", a->severity ? a->severity : "(null)");
    if (!is_token(a->certainty, CER))
        return bad(diag, FIELD("certainty"), "'%s' is not a CAP certainty", a->certainty ? a->certainty : "(null)");
    if (a->n_outline != 0) {
        const double *o = a->outline_deg;
        const int n = a->n_outline;
        if (n < 4 || n > TL_CAP_MAX_OUTLINE)
            return bad(diag, FIELD("n_outline"), "%d not 0 or in [4, %d]", n, TL_CAP_MAX_OUTLINE);
        for (int k = 0; k < n; k++)
            if ((rc = check_lat_lon(o[2 * k], o[2 * k + 1], FIELD("outline_deg"), diag)) < 0)
                return rc;
        if (o[0] != o[2 * n - 2] || o[1] != o[2 * n - 1])
            return bad(diag, FIELD("outline_deg"), "not closed: first %g,%g, last %g,%g", o[0],
                       o[1], o[2 * n - 2], o[2 * n - 1]);
    }
    if (!(isfinite(a->circle_radius_km) && a->circle_radius_km >= 0.0))
        return bad(diag, FIELD("circle_radius_km"), "%g not finite and >= 0", a->circle_radius_km);
    if (a->circle_radius_km > 0 &&
        (rc = check_lat_lon(a->circle_lat_deg, a->circle_lon_deg, FIELD("circle_lat_deg"), diag)) < 0)
        return rc;
#undef FIELD
    return TL_OK;
}

/* The head of the message: who, when, what kind, what it follows. */
static int check_head(const struct tl_cap_msg *m, struct tl_diag *diag)
{
    int rc;

    if (memchr(m->nation, '\0', sizeof m->nation) == NULL ||
        (strcmp(m->nation, "JP") != 0 && strcmp(m->nation, "KR") != 0 &&
         strcmp(m->nation, "US") != 0))
        return bad(diag, "nation", "not JP, KR or US");
    if ((rc = check_str(m->identifier, sizeof m->identifier, 1, "identifier", diag)) < 0 ||
        (rc = check_str(m->sender, sizeof m->sender, 1, "sender", diag)) < 0 ||
        (rc = check_str(m->sender_name, sizeof m->sender_name, 0, "sender_name", diag)) < 0)
        return rc;
    if (m->sent_ns < 0)
        return bad(diag, "sent_ns", "%lld before 1970", (long long)m->sent_ns);
    if (m->expires_ns < 0)
        return bad(diag, "expires_ns", "%lld before 1970", (long long)m->expires_ns);
    if (m->utc_offset_min < -MAX_OFFSET_MIN || m->utc_offset_min > MAX_OFFSET_MIN)
        return bad(diag, "utc_offset_min", "%d outside [-840, 840]", m->utc_offset_min);
    if (m->type != TL_CAP_ALERT && m->type != TL_CAP_UPDATE && m->type != TL_CAP_CANCEL)
        return bad(diag, "type", "%d is not a tl_cap_type", (int)m->type);
    if (m->all_clear && m->type != TL_CAP_UPDATE)
        return bad(diag, "all_clear", "an all-clear is an Update (type is %d)", (int)m->type);
    if (m->n_refs < 0 || m->n_refs > TL_CAP_MAX_REFS)
        return bad(diag, "n_refs", "%d not in [0, %d]", m->n_refs, TL_CAP_MAX_REFS);
    if (m->type != TL_CAP_ALERT && m->n_refs == 0)
        return bad(diag, "n_refs", "an Update or Cancel needs the references of what it follows");
    for (int i = 0; i < m->n_refs; i++) {
        char f[48];
        snprintf(f, sizeof f, "refs[%d].sender", i);
        if ((rc = check_str(m->refs[i].sender, sizeof m->refs[i].sender, 1, f, diag)) < 0)
            return rc;
        snprintf(f, sizeof f, "refs[%d].identifier", i);
        if ((rc = check_str(m->refs[i].identifier, sizeof m->refs[i].identifier, 1, f, diag)) < 0)
            return rc;
        snprintf(f, sizeof f, "refs[%d].sent_ns", i);
        if (m->refs[i].sent_ns < 0)
            return bad(diag, f, "%lld before 1970", (long long)m->refs[i].sent_ns);
    }
    return TL_OK;
}

/* The missile: launch, class, impact, and the free texts about it. */
static int check_missile(const struct tl_cap_msg *m, struct tl_diag *diag)
{
    static const char *const CLS[] = { "", "srbm", "mrbm", "irbm", "icbm", "slbm", NULL };
    int rc;

#define STR(name) check_str(m->name, sizeof m->name, 0, #name, diag)
    if ((rc = STR(launch_area)) < 0 || (rc = STR(launch_area_local)) < 0 ||
        (rc = STR(launch_state)) < 0 || (rc = STR(cls)) < 0 || (rc = STR(impact_where)) < 0 ||
        (rc = STR(impact_where_local)) < 0 || (rc = STR(cancel_reason)) < 0 ||
        (rc = STR(cancel_reason_local)) < 0)
        return rc;
#undef STR
    if (!is_token(m->cls, CLS))
        return bad(diag, "cls", "'%s' is not srbm, mrbm, irbm, icbm, slbm or empty", m->cls);
    if (m->loft < 0 || m->loft > 2)
        return bad(diag, "loft", "%d not 0, 1 or 2", m->loft);
    if (m->has_launch) {
        if ((rc = check_lat_lon(m->launch_lat_deg, m->launch_lon_deg, "launch_lat_deg", diag)) < 0)
            return rc;
        if (m->launch_ns < 0)
            return bad(diag, "launch_ns", "%lld before 1970", (long long)m->launch_ns);
    }
    if (m->has_impact) {
        if ((rc = check_lat_lon(m->impact_lat_deg, m->impact_lon_deg, "impact_lat_deg", diag)) < 0)
            return rc;
        if (m->impact_ns < 0)
            return bad(diag, "impact_ns", "%lld before 1970", (long long)m->impact_ns);
        if (!(isfinite(m->semi_major_m) && isfinite(m->semi_minor_m) && m->semi_minor_m > 0 &&
              m->semi_major_m >= m->semi_minor_m && m->semi_major_m < 5e6))
            return bad(diag, "semi_major_m", "semi-axes %g, %g m not 0 < minor <= major < 5e6",
                       m->semi_major_m, m->semi_minor_m);
        if (!isfinite(m->major_az_deg))
            return bad(diag, "major_az_deg", "%g not finite", m->major_az_deg);
    }
    return TL_OK;
}

static int check_msg(const struct tl_cap_msg *m, struct tl_diag *diag)
{
    int rc;

    if ((rc = check_head(m, diag)) < 0 || (rc = check_missile(m, diag)) < 0)
        return rc;
    if (m->n_areas < 0 || m->n_areas > TL_CAP_MAX_AREAS)
        return bad(diag, "n_areas", "%d not in [0, %d]", m->n_areas, TL_CAP_MAX_AREAS);
    if (m->n_areas == 0 && m->type != TL_CAP_CANCEL)
        return bad(diag, "n_areas", "an Alert or Update warns at least one area");
    for (int i = 0; i < m->n_areas; i++)
        if ((rc = check_area(&m->areas[i], i, diag)) < 0)
            return rc;
    return TL_OK;
}

/* ---- grouping the areas --------------------------------------------------------------------- */

/* Groups by (threat, urgency, severity, certainty), impact first, then overflight, then released,
 * each in the message's order. A Cancel is one group of all the areas, with the tokens of a
 * withdrawn threat: Past (no action), Minor, Unlikely (CAP 1.2, 3.2.2: "not expected to occur").
 * Returns the number of groups in @p g (room for TL_CAP_MAX_AREAS). */
static int make_groups(const struct tl_cap_msg *m, struct tl__cap_group *g)
{
    int ng = 0;

    if (m->type == TL_CAP_CANCEL) {
        g[0] = (struct tl__cap_group){ .kind = TL__CAP_K_CANCEL, .threat = TL_CAP_NONE,
                                       .urgency = "Past", .severity = "Minor",
                                       .certainty = "Unlikely", .n = m->n_areas };
        for (int i = 0; i < m->n_areas; i++)
            g[0].idx[i] = i;
        return 1;
    }
    for (int th = TL_CAP_IMPACT; th <= TL_CAP_NONE; th++) {
        for (int i = 0; i < m->n_areas; i++) {
            const struct tl_cap_area *a = &m->areas[i];
            int k;
            if ((int)a->threat != th)
                continue;
            for (k = 0; k < ng; k++)
                if (g[k].threat == a->threat && strcmp(g[k].urgency, a->urgency) == 0 &&
                    strcmp(g[k].severity, a->severity) == 0 &&
                    strcmp(g[k].certainty, a->certainty) == 0)
                    break;
            if (k == ng) {
                g[ng++] = (struct tl__cap_group){ .threat = a->threat, .urgency = a->urgency,
                                                  .severity = a->severity,
                                                  .certainty = a->certainty };
                /* all-clear: the areas it passed over (certainty Observed) are told it passed;
                 * the others only that their warning is lifted */
                if (m->all_clear)
                    g[k].kind = m->fallen                              ? TL__CAP_K_FALLEN
                                : strcmp(a->certainty, "Observed") == 0 ? TL__CAP_K_PASSED
                                                                        : TL__CAP_K_RELEASED;
                else
                    g[k].kind = a->threat == TL_CAP_IMPACT       ? TL__CAP_K_IMPACT
                                : a->threat == TL_CAP_OVERFLIGHT ? TL__CAP_K_OVERFLIGHT
                                                                 : TL__CAP_K_RELEASED;
            }
            g[k].idx[g[k].n++] = i;
        }
    }
    return ng;
}

/* ---- writing -------------------------------------------------------------------------------- */

/* The writer and its first failure: every call after one does nothing. */
struct xw {
    xmlTextWriterPtr w;
    int err;
};

static void x_start(struct xw *x, const char *name)
{
    if (!x->err && xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
        x->err = 1;
}

static void x_end(struct xw *x)
{
    if (!x->err && xmlTextWriterEndElement(x->w) < 0)
        x->err = 1;
}

static void x_el(struct xw *x, const char *name, const char *text)
{
    if (!x->err && xmlTextWriterWriteElement(x->w, BAD_CAST name, BAD_CAST(text ? text : "")) < 0)
        x->err = 1;
}

static void x_time(struct xw *x, const char *name, int64_t t_ns, int utc_offset_min)
{
    char buf[32];
    if (tl_cap_time(t_ns, utc_offset_min, buf, sizeof buf) != TL_OK)
        x->err = 1;
    else
        x_el(x, name, buf);
}

/* A valueName/value pair (parameter, geocode). */
static void x_pair(struct xw *x, const char *el, const char *name, const char *value)
{
    x_start(x, el);
    x_el(x, "valueName", name);
    x_el(x, "value", value);
    x_end(x);
}

/* One CAP point "lat,lon" with no "-0.0000". */
static void add_point(struct tl__cap_sb *sb, double lat_deg, double lon_deg)
{
    if (fabs(lat_deg) < 5e-5)
        lat_deg = 0.0;
    if (fabs(lon_deg) < 5e-5)
        lon_deg = 0.0;
    tl__cap_sb_addf(sb, "%s%.4f,%.4f", sb->n > 0 ? " " : "", lat_deg, lon_deg);
}

/* The 95 % impact ellipse as a closed polygon of ELLIPSE_VERTICES vertices. Each vertex is the
 * point of the ellipse at parametric angle t (a cos t along the major axis, b sin t along the
 * minor axis, 90 degrees clockwise from it), reached from the centre by a geodesic direct
 * problem (PROJ's geod_direct through tl_geo_direct) with that distance and azimuth, so the axes
 * have their true lengths on the ellipsoid. Vertex 0 is the end of the major axis at major_az. */
static void ellipse_polygon(const struct tl_cap_msg *m, struct tl__cap_sb *sb)
{
    const double a = m->semi_major_m, b = m->semi_minor_m;
    const double lat0 = tl_deg2rad(m->impact_lat_deg), lon0 = tl_deg2rad(m->impact_lon_deg);
    const double az0 = tl_deg2rad(m->major_az_deg);
    double lat_first = 0, lon_first = 0;

    for (int k = 0; k < ELLIPSE_VERTICES; k++) {
        const double t = 2.0 * M_PI * (double)k / ELLIPSE_VERTICES;
        const double u = a * cos(t), v = b * sin(t);
        double lat, lon;
        tl_geo_direct(&TL_WGS84, lat0, lon0, az0 + atan2(v, u), hypot(u, v), &lat, &lon, NULL);
        lat = tl_rad2deg(lat);
        lon = tl_rad2deg(lon);
        if (lon > 180.0)
            lon -= 360.0;
        else if (lon < -180.0)
            lon += 360.0;
        if (k == 0) {
            lat_first = lat;
            lon_first = lon;
        }
        add_point(sb, lat, lon);
    }
    add_point(sb, lat_first, lon_first); /* closed: the same text as the first pair */
}

static void write_area(struct xw *x, const struct tl_cap_msg *m, const struct tl__cap_lang *L,
                       const struct tl__cap_group *g, const struct tl_cap_area *a)
{
    struct tl__cap_sb s = { 0 };

    x_start(x, "area");
    tl__cap_area_desc(a, g->kind, L, &s);
    x_el(x, "areaDesc", s.p);
    s.n = 0;
    if (m->has_impact && a->threat == TL_CAP_IMPACT && g->kind != TL__CAP_K_CANCEL) {
        ellipse_polygon(m, &s);
        x_el(x, "polygon", s.p);
        s.n = 0;
    }
    if (a->n_outline >= 4) {
        for (int k = 0; k < a->n_outline; k++)
            add_point(&s, a->outline_deg[2 * k], a->outline_deg[2 * k + 1]);
        x_el(x, "polygon", s.p);
    } else if (a->circle_radius_km > 0) {
        add_point(&s, a->circle_lat_deg, a->circle_lon_deg);
        tl__cap_sb_addf(&s, " %.1f", a->circle_radius_km);
        x_el(x, "circle", s.p);
    }
    x_pair(x, "geocode", a->is_eez ? "EEZ" : "ISO3166-2", a->code);
    x_end(x);
    x->err |= s.oom;
    tl__cap_sb_free(&s);
}

static void write_info(struct xw *x, const struct tl_cap_msg *m, const struct tl__cap_lang *L,
                       const struct tl__cap_group *g)
{
    static const char *const THREAT[] = { "impact", "overflight", "none" };
    struct tl__cap_sb hl = { 0 }, desc = { 0 }, ins = { 0 };
    int64_t onset = 0;
    double pmax = 0;
    char buf[32];

    x_start(x, "info");
    x_el(x, "language", tl__cap_lang_code(L));
    x_el(x, "category", "Security");
    x_el(x, "event", tl__cap_lang_event(L));
    x_el(x, "responseType", g->kind == TL__CAP_K_CANCEL                                 ? "None"
                            : g->kind == TL__CAP_K_IMPACT || g->kind == TL__CAP_K_OVERFLIGHT ? "Shelter"
                                                                                           : "AllClear");
    x_el(x, "urgency", g->urgency);
    x_el(x, "severity", g->severity);
    x_el(x, "certainty", g->certainty);
    for (int i = 0; i < g->n; i++) {
        const struct tl_cap_area *a = &m->areas[g->idx[i]];
        if (a->onset_ns > 0 && (onset == 0 || a->onset_ns < onset))
            onset = a->onset_ns;
        pmax = fmax(pmax, a->probability);
    }
    if (onset > 0 && g->kind != TL__CAP_K_CANCEL)
        x_time(x, "onset", onset, m->utc_offset_min);
    if (m->expires_ns > 0)
        x_time(x, "expires", m->expires_ns, m->utc_offset_min);
    if (m->sender_name[0] != '\0')
        x_el(x, "senderName", m->sender_name);
    tl__cap_text(m, L, g, &hl, &desc, &ins);
    x->err |= hl.oom | desc.oom | ins.oom;
    x_el(x, "headline", hl.p);
    x_el(x, "description", desc.p);
    x_el(x, "instruction", ins.p);
    if (g->kind != TL__CAP_K_CANCEL)
        x_pair(x, "parameter", "threat", THREAT[g->threat]);
    snprintf(buf, sizeof buf, "%ld", (long)m->system_no);
    x_pair(x, "parameter", "systemTrack", buf);
    if (g->n > 0) {
        snprintf(buf, sizeof buf, "%.2f", pmax);
        x_pair(x, "parameter", "probability", buf);
    }
    for (int i = 0; i < g->n; i++)
        write_area(x, m, L, g, &m->areas[g->idx[i]]);
    x_end(x);
    tl__cap_sb_free(&hl);
    tl__cap_sb_free(&desc);
    tl__cap_sb_free(&ins);
}

static void write_alert(struct xw *x, const struct tl_cap_msg *m, const struct tl__cap_group *g,
                        int ng)
{
    static const char *const TYPE[] = { "Alert", "Update", "Cancel" };
    const struct tl__cap_lang *langs[2];
    const int nl = tl__cap_langs(m->nation, langs);

    if (!x->err && (xmlTextWriterSetIndent(x->w, 1) < 0 ||
                    xmlTextWriterSetIndentString(x->w, BAD_CAST "  ") < 0 ||
                    xmlTextWriterStartDocument(x->w, NULL, "UTF-8", NULL) < 0 ||
                    xmlTextWriterStartElementNS(x->w, NULL, BAD_CAST "alert", BAD_CAST CAP_NS) < 0))
        x->err = 1;
    x_el(x, "identifier", m->identifier);
    x_el(x, "sender", m->sender);
    x_time(x, "sent", m->sent_ns, m->utc_offset_min);
    /* an exercise can never be Actual: the one place status is chosen */
    x_el(x, "status", m->exercise ? "Exercise" : "Actual");
    x_el(x, "msgType", TYPE[m->type]);
    x_el(x, "scope", "Public");
    if (m->type == TL_CAP_CANCEL && m->cancel_reason[0] != '\0')
        x_el(x, "note", m->cancel_reason);
    if (m->n_refs > 0) {
        struct tl__cap_sb r = { 0 };
        for (int i = 0; i < m->n_refs; i++) {
            char t[32];
            if (tl_cap_time(m->refs[i].sent_ns, m->utc_offset_min, t, sizeof t) != TL_OK)
                x->err = 1;
            tl__cap_sb_add(&r, i > 0 ? " " : "");
            tl__cap_sb_add(&r, m->refs[i].sender);
            tl__cap_sb_add(&r, ",");
            tl__cap_sb_add(&r, m->refs[i].identifier);
            tl__cap_sb_add(&r, ",");
            tl__cap_sb_add(&r, t);
        }
        x->err |= r.oom;
        x_el(x, "references", r.p);
        tl__cap_sb_free(&r);
    }
    for (int k = 0; k < ng; k++)
        for (int l = 0; l < nl; l++)
            write_info(x, m, langs[l], &g[k]);
    if (!x->err && xmlTextWriterEndDocument(x->w) < 0)
        x->err = 1;
}

int tl_cap_xml(const struct tl_cap_msg *m, char **xml, size_t *len, struct tl_diag *diag)
{
    struct tl__cap_group *g;
    struct xw x = { 0 };
    xmlBufferPtr buf;
    char *out = NULL;
    int rc, ng;

    if (m == NULL || xml == NULL || len == NULL)
        return bad(diag, m == NULL ? "m" : xml == NULL ? "xml" : "len", "NULL");
    if ((rc = check_msg(m, diag)) < 0)
        return rc;
    if ((g = calloc(TL_CAP_MAX_AREAS, sizeof *g)) == NULL)
        return TL_ENOMEM;
    ng = make_groups(m, g);
    if ((buf = xmlBufferCreate()) == NULL) {
        free(g);
        return TL_ENOMEM;
    }
    if ((x.w = xmlNewTextWriterMemory(buf, 0)) == NULL)
        x.err = 1;
    write_alert(&x, m, g, ng);
    xmlFreeTextWriter(x.w); /* flushes into buf */
    free(g);
    if (!x.err && (out = malloc((size_t)xmlBufferLength(buf) + 1)) != NULL) {
        memcpy(out, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
        out[xmlBufferLength(buf)] = '\0';
        *xml = out;
        *len = (size_t)xmlBufferLength(buf);
    }
    xmlBufferFree(buf);
    /* every input was checked above: the writer fails only when memory runs out */
    return out != NULL ? TL_OK : TL_ENOMEM;
}

int tl_cap_write(const struct tl_cap_msg *m, const char *path, struct tl_diag *diag)
{
    char *xml, *tmp;
    size_t len, plen;
    int rc, fd, err = 0;

    if (path == NULL || path[0] == '\0')
        return bad(diag, "path", "NULL or empty");
    if ((rc = tl_cap_xml(m, &xml, &len, diag)) < 0)
        return rc;
    plen = strlen(path);
    if ((tmp = malloc(plen + 8)) == NULL) {
        free(xml);
        return TL_ENOMEM;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".XXXXXX", 8);
    rc = TL_EIO;
    if ((fd = mkstemp(tmp)) >= 0) {
        FILE *f = fdopen(fd, "wb");
        int ok = f != NULL && fwrite(xml, 1, len, f) == len && fflush(f) == 0 && fsync(fd) == 0;
        if (f != NULL)
            ok = (fclose(f) == 0) && ok;
        else
            close(fd);
        if (ok && rename(tmp, path) == 0) {
            rc = TL_OK;
        } else {
            err = errno;
            remove(tmp);
        }
    } else {
        err = errno;
    }
    if (rc != TL_OK && diag != NULL) {
        memset(diag, 0, sizeof *diag);
        snprintf(diag->file, sizeof diag->file, "%s", path);
        snprintf(diag->message, sizeof diag->message, "cannot write: %s", strerror(err));
    }
    free(tmp);
    free(xml);
    return rc;
}
