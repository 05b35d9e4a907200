/* Coalition topology, release groups, release policies and the checks on received messages.
 * Plain C: nothing here touches the bus. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/share.h"

static const char *const topic_names[TL_N_MSG_KINDS] = {
    "Measurement", "Track", "Assessment", "SystemTrack", "NodeStatus", "Clock", "Warning",
};

const char *tl_msg_topic(enum tl_msg_kind k)
{
    return (unsigned)k < TL_N_MSG_KINDS ? topic_names[k] : "?";
}

/* ---- topology ---------------------------------------------------------------------------- */

static int nation_code_ok(const char *s)
{
    size_t n = strlen(s);

    if (n < 2 || n > 4)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isupper((unsigned char)s[i]))
            return 0;
    return 1;
}

int tl_topology_make(const char *nations, const char *hub, int domain_base, struct tl_topology *t,
                     struct tl_diag *diag)
{
    struct tl_topology r;
    const char *p = nations;

    memset(&r, 0, sizeof r);
    r.hub = -1;
    if (nations == NULL || t == NULL)
        return TL_EINVAL;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char code[16];

        if (n >= sizeof code || r.n == TL_MAX_NATIONS) {
            if (diag)
                snprintf(diag->message, sizeof diag->message,
                         "nations '%s': at most %d codes of 2-4 letters", nations, TL_MAX_NATIONS);
            return TL_ERANGE;
        }
        memcpy(code, p, n);
        code[n] = '\0';
        if (!nation_code_ok(code) || tl_topology_index(&r, code) >= 0) {
            if (diag)
                snprintf(diag->message, sizeof diag->message,
                         "nation '%s': not a distinct code of 2-4 upper-case letters", code);
            return TL_ERANGE;
        }
        strcpy(r.nation[r.n++], code);
        p += n + (e ? 1 : 0);
    }
    if (r.n < 2) {
        if (diag)
            snprintf(diag->message, sizeof diag->message, "nations '%s': need at least two",
                     nations);
        return TL_ERANGE;
    }
    if (hub != NULL && hub[0] != '\0') {
        r.hub = tl_topology_index(&r, hub);
        if (r.hub < 0) {
            if (diag)
                snprintf(diag->message, sizeof diag->message, "hub '%s': not one of '%s'", hub,
                         nations);
            return TL_ERANGE;
        }
    }
    /* DDS domain ids run to 232 with the default port mapping; the governance parser takes up to 230. */
    if (domain_base < 0 || domain_base + r.n + r.n * (r.n - 1) / 2 > 230) {
        if (diag)
            snprintf(diag->message, sizeof diag->message,
                     "domain base %d: the coalition's domains must fit in 0..230", domain_base);
        return TL_ERANGE;
    }
    r.domain_base = domain_base;
    *t = r;
    return TL_OK;
}

int tl_topology_index(const struct tl_topology *t, const char *nation)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->nation[i], nation) == 0)
            return i;
    return -1;
}

int tl_topology_linked(const struct tl_topology *t, int i, int j)
{
    if (i < 0 || j < 0 || i >= t->n || j >= t->n || i == j)
        return 0;
    return t->hub < 0 || i == t->hub || j == t->hub;
}

int tl_topology_national_domain(const struct tl_topology *t, int i)
{
    return t->domain_base + i;
}

int tl_topology_link_domain(const struct tl_topology *t, int i, int j)
{
    int k = 0;

    if (!tl_topology_linked(t, i, j))
        return -1;
    if (i > j) {
        int s = i;
        i = j;
        j = s;
    }
    for (int a = 0; a < t->n; a++)
        for (int b = a + 1; b < t->n; b++) {
            if (a == i && b == j)
                return t->domain_base + t->n + k;
            k++;
        }
    return -1;
}

void tl_partition_name(char *buf, size_t size, const char *origin, const char *next,
                       const char *third)
{
    if (third != NULL && third[0] != '\0')
        snprintf(buf, size, "%s.%s.%s", origin, next, third);
    else
        snprintf(buf, size, "%s.%s", origin, next);
}

/* ---- areas and release -------------------------------------------------------------------- */

static double wrap_pi(double a)
{
    a = fmod(a + M_PI, 2.0 * M_PI);
    if (a < 0)
        a += 2.0 * M_PI;
    return a - M_PI;
}

int tl_area_contains(const struct tl_area *a, double lat, double lon)
{
    int inside = 0;
    const double lon0 = a->n > 0 ? a->lon_rad[0] : 0.0;
    const double x = wrap_pi(lon - lon0);

    if (!isfinite(lat) || !isfinite(lon))
        return 0;
    for (int i = 0, j = a->n - 1; i < a->n; j = i++) {
        const double xi = wrap_pi(a->lon_rad[i] - lon0), yi = a->lat_rad[i];
        const double xj = wrap_pi(a->lon_rad[j] - lon0), yj = a->lat_rad[j];

        if ((yi > lat) != (yj > lat) && x < (xj - xi) * (lat - yi) / (yj - yi) + xi)
            inside = !inside;
    }
    return inside;
}

int tl_release_may_forward(const struct tl_release_policy *p, const char *third)
{
    for (int i = 0; i < p->n_forward; i++)
        if (strcmp(p->forward[i], third) == 0)
            return 1;
    return 0;
}

static int area_pass(const struct tl_release_policy *p, const struct tl_release_where *w)
{
    if (p->n_areas == 0)
        return 1;
    if (w == NULL)
        return 0;
    for (int i = 0; i < p->n_areas; i++)
        if (tl_area_contains(&p->area[i], w->launch_lat_rad, w->launch_lon_rad) ||
            tl_area_contains(&p->area[i], w->impact_lat_rad, w->impact_lon_rad))
            return 1;
    return 0;
}

/* Raises the variance of axes [k0, k0+3) to at least floor^2, scaling the rows and columns so
 * correlations stay: P' = D P D with D = diag(max(1, floor/sigma)). Congruence keeps P positive
 * definite and only ever enlarges it (D >= I). */
static void coarsen(double p[TL_NP], int k0, double floor)
{
    double d[6] = { 1, 1, 1, 1, 1, 1 };

    if (!(floor > 0))
        return;
    for (int k = k0; k < k0 + 3; k++) {
        const double s = sqrt(fmax(p[tl_ut6(k, k)], 0.0));
        d[k] = s < floor ? (s > 0 ? floor / s : 1.0) : 1.0;
        if (!(s > 0))
            p[tl_ut6(k, k)] = floor * floor;
    }
    /* (p d_i) d_j, not p (d_i d_j): for a tiny variance d_i d_j alone overflows, while each step
     * stays below floor^2 (issue 9, found by fuzzing: a 1e-300 m^2 variance gave inf) */
    for (int i = 0; i < 6; i++)
        for (int j = i; j < 6; j++)
            p[tl_ut6(i, j)] = p[tl_ut6(i, j)] * d[i] * d[j];
}

int tl_release_track(const struct tl_release_policy *p, const struct tl_msg_track *in,
                     const struct tl_release_where *where, struct tl_msg_track *out)
{
    if (!(p->kinds & TL_RELEASE_TRACKS) || !area_pass(p, where))
        return 0;
    if (out != in)
        *out = *in;
    if (p->withhold_sensors)
        memset(out->sensors, 0, sizeof out->sensors);
    if (p->withhold_sensor_position)
        memset(out->sensor_ecef, 0, sizeof out->sensor_ecef);
    coarsen(out->p, 0, p->coarsen_pos_m);
    coarsen(out->p, 3, p->coarsen_vel_mps);
    return 1;
}

int tl_release_assess(const struct tl_release_policy *p, const struct tl_msg_assess *in,
                      const struct tl_release_where *where, struct tl_msg_assess *out)
{
    if (!(p->kinds & TL_RELEASE_ASSESSMENTS) || !area_pass(p, where))
        return 0;
    if (out != in)
        *out = *in;
    return 1;
}

static const struct tl_release_policy *policy_of(const struct tl_release_policy *p, int n,
                                                const char *nation)
{
    for (int i = 0; i < n; i++)
        if (strcmp(p[i].partner, nation) == 0)
            return &p[i];
    return NULL;
}

int tl_release_groups(const struct tl_topology *t, int me, const struct tl_release_policy *policies,
                      int n_policies, struct tl_release_group *out, int max)
{
    int n = 0;

    for (int j = 0; j < t->n; j++) {
        const struct tl_release_policy *pj = policy_of(policies, n_policies, t->nation[j]);
        if (!tl_topology_linked(t, me, j) || pj == NULL)
            continue; /* no link, or no policy: nothing is released to that partner */
        if (n < max) {
            memset(&out[n], 0, sizeof out[n]);
            tl_partition_name(out[n].partition, sizeof out[n].partition, t->nation[me],
                              t->nation[j], NULL);
            out[n].next = j;
            out[n].pol[0] = pj;
            n++;
        }
        if (j != t->hub)
            continue;
        for (int k = 0; k < t->n; k++) {
            const struct tl_release_policy *pk = policy_of(policies, n_policies, t->nation[k]);
            if (k == me || k == j || pk == NULL || !tl_release_may_forward(pj, t->nation[k]) ||
                n == max)
                continue;
            memset(&out[n], 0, sizeof out[n]);
            tl_partition_name(out[n].partition, sizeof out[n].partition, t->nation[me],
                              t->nation[j], t->nation[k]);
            out[n].next = j;
            out[n].pol[0] = pj;
            out[n].pol[1] = pk;
            out[n].forward = 1;
            n++;
        }
    }
    return n;
}

int tl_release_group_track(const struct tl_release_group *g, const struct tl_msg_track *in,
                           const struct tl_release_where *where, struct tl_msg_track *out)
{
    if (!tl_release_track(g->pol[0], in, where, out))
        return 0;
    if (g->pol[1] != NULL && !tl_release_track(g->pol[1], out, where, out))
        return 0;
    out->forward = g->forward;
    return 1;
}

int tl_release_group_assess(const struct tl_release_group *g, const struct tl_msg_assess *in,
                            const struct tl_release_where *where, struct tl_msg_assess *out)
{
    if (!tl_release_assess(g->pol[0], in, where, out))
        return 0;
    if (g->pol[1] != NULL && !tl_release_assess(g->pol[1], out, where, out))
        return 0;
    out->forward = g->forward;
    return 1;
}

/* A warning is public information (what a nation told its public): every linked partner gets it,
 * whatever its policy, and the hub relays it onward as it relays assessments. */
int tl_release_warning_groups(const struct tl_topology *t, int me, struct tl_release_group *out,
                              int max)
{
    int n = 0;

    if (t == NULL || out == NULL || me < 0 || me >= t->n)
        return 0;
    for (int j = 0; j < t->n; j++) {
        if (!tl_topology_linked(t, me, j))
            continue;
        if (n < max) {
            memset(&out[n], 0, sizeof out[n]);
            tl_partition_name(out[n].partition, sizeof out[n].partition, t->nation[me],
                              t->nation[j], NULL);
            out[n].next = j;
            n++;
        }
        if (j != t->hub)
            continue;
        for (int k = 0; k < t->n && n < max; k++) {
            if (k == me || k == j)
                continue;
            memset(&out[n], 0, sizeof out[n]);
            tl_partition_name(out[n].partition, sizeof out[n].partition, t->nation[me],
                              t->nation[j], t->nation[k]);
            out[n].next = j;
            out[n].forward = 1;
            n++;
        }
    }
    return n;
}

int tl_release_group_warning(const struct tl_release_group *g, const struct tl_msg_warning *in,
                             struct tl_msg_warning *out)
{
    if (g == NULL || in == NULL || out == NULL)
        return 0;
    if (out != in)
        *out = *in;
    out->forward = g->forward;
    return 1;
}

void tl_msg_warning_free(struct tl_msg_warning *m)
{
    if (m == NULL)
        return;
    free((void *)(uintptr_t)m->cap_xml); /* owned when filled by tl_bus_take (share.h) */
    m->cap_xml = NULL;
}

/* ---- checks on what partners send --------------------------------------------------------- */

#define WHY(...) (why != NULL ? (void)snprintf(why, why_size, __VA_ARGS__) : (void)0, TL_ERANGE)

/* A state and covariance on the wire: every number finite. */
static int state_check(const double x[6], const double p[TL_NP], char *why, size_t why_size)
{
    for (int i = 0; i < 6; i++)
        if (!isfinite(x[i]))
            return WHY("x[%d]: %g is not finite", i, x[i]);
    for (int i = 0; i < TL_NP; i++)
        if (!isfinite(p[i]))
            return WHY("p[%d]: %g is not finite", i, p[i]);
    return TL_OK;
}

static int code_field_ok(const char *s, size_t cap, int may_be_empty)
{
    if (memchr(s, '\0', cap) == NULL)
        return 0;
    return (may_be_empty && s[0] == '\0') || nation_code_ok(s);
}

int tl_msg_track_check(const struct tl_msg_track *m, char *why, size_t why_size)
{
    double r, v;

    if (!code_field_ok(m->origin, sizeof m->origin, 0))
        return WHY("origin: not a nation code");
    if (!code_field_ok(m->relay, sizeof m->relay, 1))
        return WHY("relay: not a nation code");
    if (m->track_no <= 0)
        return WHY("track_no: %d is not positive", (int)m->track_no);
    if (m->status < 0 || m->status > TL_MSG_TRACK_STATUS_MAX)
        return WHY("status: %d is not a track status", m->status);
    if (m->phase < 0 || m->phase > TL_MSG_PHASE_MAX)
        return WHY("phase: %d is not a flight phase", m->phase);
    if (state_check(m->x, m->p, why, why_size) != TL_OK)
        return TL_ERANGE;
    for (int i = 0; i < 6; i++)
        if (!(m->p[tl_ut6(i, i)] > 0))
            return WHY("p[%d][%d]: variance %g is not positive", i, i, m->p[tl_ut6(i, i)]);
    /* Cauchy-Schwarz, which every covariance meets: a correlation above 1 is not one (and
     * scaled by the coarsening it overflowed; issue 9, found by fuzzing) */
    for (int i = 0; i < 6; i++)
        for (int j = i + 1; j < 6; j++)
            if (!(fabs(m->p[tl_ut6(i, j)]) <=
                  sqrt(m->p[tl_ut6(i, i)]) * sqrt(m->p[tl_ut6(j, j)]) * (1.0 + 1e-9)))
                return WHY("p: correlation of %d and %d beyond 1 (%g against variances %g, %g)", i,
                           j, m->p[tl_ut6(i, j)], m->p[tl_ut6(i, i)], m->p[tl_ut6(j, j)]);
    for (int i = 0; i < 3; i++)
        if (!(fabs(m->accel[i]) < 1000.0))
            return WHY("accel[%d]: %g m/s^2 is not a thrust acceleration", i, m->accel[i]);
    if (!(m->accel_sigma >= 0 && m->accel_sigma < 1000.0) || !(m->drag_k >= 0 && m->drag_k < 1.0) ||
        !(m->drag_k_sigma >= 0 && m->drag_k_sigma < 1.0))
        return WHY("accel_sigma, drag_k, drag_k_sigma: %g, %g, %g out of range", m->accel_sigma,
                   m->drag_k, m->drag_k_sigma);
    r = sqrt(m->x[0] * m->x[0] + m->x[1] * m->x[1] + m->x[2] * m->x[2]);
    v = sqrt(m->x[3] * m->x[3] + m->x[4] * m->x[4] + m->x[5] * m->x[5]);
    if (r < 6.0e6 || r > 5.0e7)
        return WHY("x: %.0f m from the Earth's centre is outside 6,000-50,000 km", r);
    if (v > 12000.0)
        return WHY("x: speed %.0f m/s is above 12 km/s", v);
    if (m->t_ns <= 0)
        return WHY("t_ns: %lld is not a time", (long long)m->t_ns);
    return TL_OK;
}

int tl_msg_assess_check(const struct tl_msg_assess *m, char *why, size_t why_size)
{
    if (!code_field_ok(m->origin, sizeof m->origin, 0))
        return WHY("origin: not a nation code");
    if (!code_field_ok(m->relay, sizeof m->relay, 1))
        return WHY("relay: not a nation code");
    if (m->track_no <= 0)
        return WHY("track_no: %d is not positive", (int)m->track_no);
    if (!(fabs(m->impact_lat_rad) <= M_PI / 2) || !(fabs(m->impact_lon_rad) <= 2 * M_PI))
        return WHY("impact: (%g, %g) rad is not a position", m->impact_lat_rad,
                   m->impact_lon_rad);
    if (!(m->semi_major_m >= 0 && m->semi_major_m < 2.0e7) ||
        !(m->semi_minor_m >= 0 && m->semi_minor_m <= m->semi_major_m))
        return WHY("ellipse: axes %g, %g m out of range", m->semi_major_m, m->semi_minor_m);
    if (m->has_launch && (!(fabs(m->launch_lat_rad) <= M_PI / 2) ||
                          !(fabs(m->launch_lon_rad) <= 2 * M_PI) ||
                          !(m->launch_err_m >= 0 && m->launch_err_m < 2.0e7) || m->launch_ns <= 0))
        return WHY("launch: (%g, %g) rad, error %g m at %lld ns is not a launch point",
                   m->launch_lat_rad, m->launch_lon_rad, m->launch_err_m, (long long)m->launch_ns);
    /* issue 9 (fuzzing): an infinite apogee or azimuth was accepted and went into the picture */
    if (!(fabs(m->major_az_rad) <= 2 * M_PI))
        return WHY("major_az_rad: %g is not an azimuth", m->major_az_rad);
    if (!(m->apogee_m >= 0 && m->apogee_m < 5.0e7))
        return WHY("apogee_m: %g is not a height in [0, 50,000 km)", m->apogee_m);
    if (m->cls < 0 || m->cls > TL_MSG_CLASS_MAX)
        return WHY("cls: %d is not a class", m->cls);
    if (m->loft < 0 || m->loft > TL_MSG_LOFT_MAX)
        return WHY("loft: %d is not 0, 1 or 2", m->loft);
    if (m->t_ns <= 0 || m->impact_ns <= 0)
        return WHY("t_ns: not a time");
    return TL_OK;
}

/* The impact and launch parts of a system track (the fields wire version 2 added, and the
 * ellipse they go with). */
static int system_points_check(const struct tl_msg_system *m, char *why, size_t why_size)
{
    if (m->has_impact != 0 && m->has_impact != 1)
        return WHY("has_impact: %d is not 0 or 1", m->has_impact);
    if (m->has_impact &&
        (!(fabs(m->impact_lat_rad) <= M_PI / 2) || !(fabs(m->impact_lon_rad) <= 2 * M_PI)))
        return WHY("impact: (%g, %g) rad is not a position", m->impact_lat_rad,
                   m->impact_lon_rad);
    if (m->has_impact && (!(m->semi_major_m >= 0 && m->semi_major_m < 2.0e7) ||
                          !(m->semi_minor_m >= 0 && m->semi_minor_m <= m->semi_major_m)))
        return WHY("ellipse: axes %g, %g m out of range", m->semi_major_m, m->semi_minor_m);
    if (m->impact_ns < 0)
        return WHY("impact_ns: %lld is not a time or 0", (long long)m->impact_ns);
    /* NaN says "no azimuth"; an infinity says nothing */
    if (!isnan(m->major_az_rad) && !(fabs(m->major_az_rad) <= 2 * M_PI))
        return WHY("major_az_rad: %g is not an azimuth", m->major_az_rad);
    if (m->has_launch != 0 && m->has_launch != 1)
        return WHY("has_launch: %d is not 0 or 1", m->has_launch);
    if (m->has_launch && (!(fabs(m->launch_lat_rad) <= M_PI / 2) ||
                          !(fabs(m->launch_lon_rad) <= 2 * M_PI) ||
                          !(m->launch_err_m >= 0 && m->launch_err_m < 2.0e7) || m->launch_ns <= 0))
        return WHY("launch: (%g, %g) rad, error %g m at %lld ns is not a launch point",
                   m->launch_lat_rad, m->launch_lon_rad, m->launch_err_m, (long long)m->launch_ns);
    return TL_OK;
}

int tl_msg_system_check(const struct tl_msg_system *m, char *why, size_t why_size)
{
    if (!code_field_ok(m->owner, sizeof m->owner, 0))
        return WHY("owner: not a nation code");
    if (m->system_no <= 0)
        return WHY("system_no: %d is not positive", (int)m->system_no);
    if (memchr(m->contributors, '\0', sizeof m->contributors) == NULL)
        return WHY("contributors: not terminated");
    if (state_check(m->x, m->p, why, why_size) != TL_OK)
        return TL_ERANGE;
    if (system_points_check(m, why, why_size) != TL_OK)
        return TL_ERANGE;
    if (m->phase < 0 || m->phase > TL_MSG_PHASE_MAX)
        return WHY("phase: %d is not a flight phase", m->phase);
    if (m->cls < -1 || m->cls > TL_MSG_CLASS_MAX)
        return WHY("cls: %d is not a class or -1", m->cls);
    if (m->loft < 0 || m->loft > TL_MSG_LOFT_MAX)
        return WHY("loft: %d is not 0, 1 or 2", m->loft);
    if (m->ended != 0 && m->ended != 1)
        return WHY("ended: %d is not 0 or 1", m->ended);
    if (m->merged_into < 0 || m->merged_into == m->system_no)
        return WHY("merged_into: %d is not another system track", (int)m->merged_into);
    if (m->t_ns <= 0)
        return WHY("t_ns: %lld is not a time", (long long)m->t_ns);
    return TL_OK;
}

/* An area code as the areas layer writes them: ISO 3166-2 ("JP-02") or alpha-2 ("JP"). */
static int area_code_ok(const char *s, size_t n)
{
    if (n < 2 || n > 15 || !isupper((unsigned char)s[0]) || !isupper((unsigned char)s[1]))
        return 0;
    for (size_t i = 2; i < n; i++)
        if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-')
            return 0;
    return 1;
}

/* "code:threat:prob" tokens separated by single spaces (an empty list allowed). */
static int areas_check(const char *areas, char *why, size_t why_size)
{
    static const char *const threats[] = { "impact", "overflight", "none" };
    const char *p = areas;

    if (memchr(areas, '\0', TL_WARNING_AREAS_LEN) == NULL)
        return WHY("areas: not terminated");
    while (*p != '\0') {
        const size_t len = strcspn(p, " ");
        const char *c1 = memchr(p, ':', len);
        const char *c2 = c1 != NULL ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - p)) : NULL;
        char num[32], *end;
        size_t tn, pn;
        int known = 0;
        double prob;

        if (len == 0)
            return WHY("areas: empty token at offset %d of '%s'", (int)(p - areas), areas);
        if (c2 == NULL)
            return WHY("areas: '%.*s' is not code:threat:probability", (int)len, p);
        if (!area_code_ok(p, (size_t)(c1 - p)))
            return WHY("areas: code '%.*s' is not an ISO 3166 code", (int)(c1 - p), p);
        tn = (size_t)(c2 - c1 - 1);
        for (int i = 0; i < 3; i++)
            known |= strlen(threats[i]) == tn && memcmp(c1 + 1, threats[i], tn) == 0;
        if (!known)
            return WHY("areas: threat '%.*s' is not impact, overflight or none", (int)tn, c1 + 1);
        pn = len - (size_t)(c2 + 1 - p);
        if (pn == 0 || pn >= sizeof num)
            return WHY("areas: probability '%.*s' is not a number", (int)pn, c2 + 1);
        memcpy(num, c2 + 1, pn);
        num[pn] = '\0';
        prob = strtod(num, &end);
        if (*end != '\0' || !(prob >= 0.0 && prob <= 1.0))
            return WHY("areas: probability '%s' is not in [0, 1]", num);
        p += len;
        if (*p == ' ' && *++p == '\0')
            return WHY("areas: trailing space in '%s'", areas);
    }
    return TL_OK;
}

/* CAP 1.2 section 3.2.1: identifier "MUST NOT include spaces, commas or restricted characters
 * (< and &)"; '|' separates the canonical text's fields, and no control character is text. */
static int identifier_ok(const char *s)
{
    if (memchr(s, '\0', TL_WARNING_ID_LEN) == NULL || s[0] == '\0')
        return 0;
    for (; *s; s++)
        if (*s == ' ' || *s == ',' || *s == '<' || *s == '&' || *s == '|' ||
            (unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

int tl_msg_warning_check(const struct tl_msg_warning *m, char *why, size_t why_size)
{
    static const char cap_ns[] = "urn:oasis:names:tc:emergency:cap:1.2";

    if (m == NULL)
        return WHY("warning: NULL");
    if (!code_field_ok(m->origin, sizeof m->origin, 0))
        return WHY("origin: not a nation code");
    if (!identifier_ok(m->identifier))
        return WHY("identifier: '%.80s' is empty or holds a space, ',', '<', '&', '|' or a "
                   "control character", m->identifier);
    if (!code_field_ok(m->relay, sizeof m->relay, 1))
        return WHY("relay: not a nation code");
    if (m->forward != 0 && m->forward != 1)
        return WHY("forward: %d is not 0 or 1", m->forward);
    if (m->sent_ns <= 0)
        return WHY("sent_ns: %lld is not a time", (long long)m->sent_ns);
    if (m->system_no <= 0)
        return WHY("system_no: %d is not positive", (int)m->system_no);
    if (m->msg_type < TL_WARN_ALERT || m->msg_type > TL_WARN_CANCEL)
        return WHY("msg_type: %d is not 0 (Alert), 1 (Update) or 2 (Cancel)", m->msg_type);
    if (m->all_clear != 0 && m->all_clear != 1)
        return WHY("all_clear: %d is not 0 or 1", m->all_clear);
    if (m->exercise != 0 && m->exercise != 1)
        return WHY("exercise: %d is not 0 or 1", m->exercise);
    if (areas_check(m->areas, why, why_size) != TL_OK)
        return TL_ERANGE;
    if (m->first_onset_ns < 0)
        return WHY("first_onset_ns: %lld is not a time or 0", (long long)m->first_onset_ns);
    if (m->cap_xml == NULL || m->cap_xml[0] == '\0')
        return WHY("cap_xml: empty");
    if (strnlen(m->cap_xml, TL_WARNING_CAP_MAX + 1) > TL_WARNING_CAP_MAX)
        return WHY("cap_xml: longer than %d bytes", TL_WARNING_CAP_MAX);
    if (strncmp(m->cap_xml, "<?xml", 5) != 0)
        return WHY("cap_xml: starts with '%.8s', not '<?xml'", m->cap_xml);
    if (strstr(m->cap_xml, cap_ns) == NULL)
        return WHY("cap_xml: no CAP 1.2 namespace %s", cap_ns);
    return TL_OK;
}

/* ---- canonical text ---------------------------------------------------------------------- */

struct cbuf {
    char *p;
    size_t size, len;
};

static void cadd(struct cbuf *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cadd(struct cbuf *c, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(c->len < c->size ? c->p + c->len : NULL, c->len < c->size ? c->size - c->len : 0,
                  fmt, ap);
    va_end(ap);
    if (n > 0)
        c->len += (size_t)n;
}

static void cnum(struct cbuf *c, const double *v, int n)
{
    for (int i = 0; i < n; i++)
        cadd(c, "%.17g|", v[i]);
}

/* The whole text's length, of which the first size - 1 bytes go into buf. */
static size_t canonical_(enum tl_msg_kind k, const void *msg, char *buf, size_t size)
{
    struct cbuf c = { buf, size, 0 };

    if (size > 0)
        buf[0] = '\0';
    cadd(&c, "%s|v%d|", tl_msg_topic(k), TL_WIRE_VERSION);
    switch (k) {
    case TL_MSG_MEASUREMENT: {
        const struct tl_msg_meas *m = msg;
        cadd(&c, "%s|%s|%lld|%lld|%lld|", m->nation, m->sensor, (long long)m->t_ns,
             (long long)m->arrival_ns, (long long)m->sent_ns);
        cnum(&c, &m->range_m, 1); cnum(&c, &m->az_rad, 1); cnum(&c, &m->el_rad, 1);
        cnum(&c, &m->rr_mps, 1);
        break;
    }
    case TL_MSG_TRACK: {
        const struct tl_msg_track *m = msg;
        cadd(&c, "%s|%d|%s|%d|%d|%d|%lld|%lld|%lld|", m->origin, (int)m->track_no, m->relay,
             m->forward, m->status, m->phase, (long long)m->t_ns, (long long)m->meas_ns,
             (long long)m->pub_ns);
        cnum(&c, m->x, 6);
        cnum(&c, m->p, TL_NP);
        cnum(&c, m->accel, 3);
        cnum(&c, &m->accel_sigma, 1);
        cnum(&c, &m->drag_k, 1);
        cnum(&c, &m->drag_k_sigma, 1);
        cadd(&c, "%s|", m->sensors);
        cnum(&c, m->sensor_ecef, 3);
        break;
    }
    case TL_MSG_ASSESSMENT: {
        const struct tl_msg_assess *m = msg;
        cadd(&c, "%s|%d|%s|%d|%lld|%lld|%lld|%d|%lld|", m->origin, (int)m->track_no, m->relay,
             m->forward, (long long)m->t_ns, (long long)m->meas_ns, (long long)m->pub_ns,
             m->has_launch, (long long)m->launch_ns);
        cnum(&c, &m->launch_lat_rad, 1); cnum(&c, &m->launch_lon_rad, 1);
        cnum(&c, &m->launch_err_m, 1);
        cadd(&c, "%lld|", (long long)m->impact_ns);
        cnum(&c, &m->impact_lat_rad, 1); cnum(&c, &m->impact_lon_rad, 1);
        cnum(&c, &m->semi_major_m, 1); cnum(&c, &m->semi_minor_m, 1);
        cnum(&c, &m->major_az_rad, 1); cnum(&c, &m->apogee_m, 1);
        cadd(&c, "%d|%d|", m->cls, m->loft);
        break;
    }
    case TL_MSG_SYSTEM_TRACK: {
        const struct tl_msg_system *m = msg;
        cadd(&c, "%s|%d|%lld|", m->owner, (int)m->system_no, (long long)m->t_ns);
        cnum(&c, m->x, 6);
        cnum(&c, m->p, TL_NP);
        cadd(&c, "%s|%d|", m->contributors, m->has_impact);
        cnum(&c, &m->impact_lat_rad, 1); cnum(&c, &m->impact_lon_rad, 1);
        cnum(&c, &m->semi_major_m, 1); cnum(&c, &m->semi_minor_m, 1);
        cadd(&c, "%lld|", (long long)m->impact_ns);
        cnum(&c, &m->major_az_rad, 1);
        cadd(&c, "%d|%d|%lld|", m->phase, m->has_launch, (long long)m->launch_ns);
        cnum(&c, &m->launch_lat_rad, 1); cnum(&c, &m->launch_lon_rad, 1);
        cnum(&c, &m->launch_err_m, 1);
        cadd(&c, "%d|%d|%d|%d|", m->cls, m->loft, m->ended, (int)m->merged_into);
        break;
    }
    case TL_MSG_STATUS: {
        const struct tl_msg_status *m = msg;
        cadd(&c, "%s|%lld|%lld|%d|%d|%lld|", m->nation, (long long)m->wall_ns,
             (long long)m->scenario_ns, (int)m->tracks, (int)m->system_tracks,
             (long long)m->audit_seq);
        for (int i = 0; i < 32; i++)
            cadd(&c, "%02x", m->audit_head[i]);
        cadd(&c, "|%d|", m->stopping);
        break;
    }
    case TL_MSG_CLOCK: {
        const struct tl_msg_clock *m = msg;
        cadd(&c, "%s|%lld|%lld|", m->nation, (long long)m->scenario_ns, (long long)m->wall_ns);
        cnum(&c, &m->speed, 1);
        break;
    }
    case TL_MSG_WARNING: {
        const struct tl_msg_warning *m = msg;
        cadd(&c, "%s|%s|%s|%d|%lld|%lld|%d|%d|%d|%d|%s|%lld|", m->origin, m->identifier,
             m->relay, m->forward, (long long)m->sent_ns, (long long)m->pub_ns, (int)m->system_no,
             m->msg_type, m->all_clear, m->exercise, m->areas, (long long)m->first_onset_ns);
        /* the document itself, raw (it may hold '|'): the audit digest covers what was said */
        cadd(&c, "%s|", m->cap_xml != NULL ? m->cap_xml : "");
        break;
    }
    default:
        break;
    }
    return c.len;
}

size_t tl_msg_canonical(enum tl_msg_kind k, const void *msg, char *buf, size_t size)
{
    const size_t n = canonical_(k, msg, buf, size);
    return n < size ? n : (size ? size - 1 : 0);
}

size_t tl_msg_canonical_size(enum tl_msg_kind k, const void *msg)
{
    return canonical_(k, msg, NULL, 0) + 1;
}
