/* A node's summary (trilink/summary.h): the figures, the JSON writer and the strict reader. Both
 * directions go through jansson, so the key names and nesting live in this file only. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/summary.h"

/* ---- the figures --------------------------------------------------------------------------- */

static int cmp_d(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void tl_summary_pcts(double *v, long n, struct tl_summary_pcts *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (n <= 0 || v == NULL)
        return;
    qsort(v, (size_t)n, sizeof v[0], cmp_d);
    out->samples = n;
    out->median = v[n / 2];
    out->p99 = v[(long)floor(0.99 * (double)(n - 1))];
    out->max = v[n - 1];
}

int tl_summary_gain(const double *ratio, size_t n, double best_single_semi_major_m,
                    double fused_semi_major_m, struct tl_summary_gain *out)
{
    double *v, sum = 0;
    size_t le1 = 0;

    if (out == NULL || (ratio == NULL && n > 0))
        return TL_EINVAL;
    memset(out, 0, sizeof *out);
    out->last_best_single_semi_major_m = best_single_semi_major_m;
    out->last_fused_semi_major_m = fused_semi_major_m;
    if (n == 0)
        return TL_OK;
    if ((v = malloc(n * sizeof *v)) == NULL)
        return TL_ENOMEM;
    /* the mean sums in the given order, as the node always did, so the figure is unchanged */
    for (size_t i = 0; i < n; i++) {
        v[i] = ratio[i];
        sum += ratio[i];
        le1 += ratio[i] <= 1.0 + 1e-9;
    }
    qsort(v, n, sizeof v[0], cmp_d);
    out->samples = (long)n;
    out->median_ratio = v[n / 2];
    out->mean_ratio = sum / (double)n;
    out->max_ratio = v[n - 1];
    out->fraction_at_least_as_good = (double)le1 / (double)n;
    free(v);
    return TL_OK;
}

/* ---- writing ------------------------------------------------------------------------------- */

/* The first failure of a build: the tree is built to the end (every call tolerates a NULL), then
 * its code, the field it concerns and why decide the result. */
struct wr {
    int rc;
    char field[64];
    char why[64];
};

static void wr_fail(struct wr *w, int rc, const char *field, const char *why)
{
    if (w->rc != TL_OK)
        return;
    w->rc = rc;
    snprintf(w->field, sizeof w->field, "%s", field);
    snprintf(w->why, sizeof w->why, "%s", why);
}

/* @p v rounded to @p decimals as "%.*f" rounds it (exactly, from the binary value): the value a
 * reader of the node's printf format got. From 1e15 up a double has no fraction to round. */
static double fixed(double v, int decimals)
{
    char buf[64];

    if (!(fabs(v) < 1e15))
        return v;
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return strtod(buf, NULL);
}

static void put(struct wr *w, json_t *o, const char *key, json_t *v)
{
    /* json_object_set_new takes @p v, and frees it when it cannot set it (NULL @p o) */
    if (json_object_set_new(o, key, v) != 0)
        wr_fail(w, TL_ENOMEM, key, "out of memory");
}

static void put_int(struct wr *w, json_t *o, const char *key, long long v)
{
    put(w, o, key, json_integer((json_int_t)v));
}

/* A real, rounded to @p decimals; a non-finite one is refused (JSON has no NaN) naming @p field,
 * the key's dotted path. */
static void put_real(struct wr *w, json_t *o, const char *key, const char *field, double v,
                     int decimals)
{
    if (!isfinite(v)) {
        char why[48];
        snprintf(why, sizeof why, "%g is not a finite number", v);
        wr_fail(w, TL_EINVAL, field, why);
        return;
    }
    put(w, o, key, json_real(fixed(v, decimals)));
}

static void put_str(struct wr *w, json_t *o, const char *key, const char *field, const char *v)
{
    json_t *s = json_string(v);
    if (s == NULL) {
        wr_fail(w, TL_EINVAL, field, "not a UTF-8 string");
        return;
    }
    put(w, o, key, s);
}

/* {samples, median, p99, max} (ms to 0.001), or null for no samples. */
static json_t *pcts_json(struct wr *w, const char *name, const struct tl_summary_pcts *p)
{
    char f[64];
    json_t *o;

    if (p->samples <= 0)
        return json_null();
    o = json_object();
    put_int(w, o, "samples", p->samples);
    snprintf(f, sizeof f, "%s.median", name);
    put_real(w, o, "median", f, p->median, 3);
    snprintf(f, sizeof f, "%s.p99", name);
    put_real(w, o, "p99", f, p->p99, 3);
    snprintf(f, sizeof f, "%s.max", name);
    put_real(w, o, "max", f, p->max, 3);
    return o;
}

static json_t *gain_json(struct wr *w, const struct tl_summary_gain *g)
{
    json_t *o = json_object();

    put_int(w, o, "samples", g->samples);
    put_real(w, o, "median_ratio", "fusion_gain.median_ratio", g->median_ratio, 4);
    put_real(w, o, "mean_ratio", "fusion_gain.mean_ratio", g->mean_ratio, 4);
    put_real(w, o, "max_ratio", "fusion_gain.max_ratio", g->max_ratio, 4);
    put_real(w, o, "fraction_at_least_as_good", "fusion_gain.fraction_at_least_as_good",
             g->fraction_at_least_as_good, 4);
    put_real(w, o, "last_best_single_semi_major_m", "fusion_gain.last_best_single_semi_major_m",
             g->last_best_single_semi_major_m, 1);
    put_real(w, o, "last_fused_semi_major_m", "fusion_gain.last_fused_semi_major_m",
             g->last_fused_semi_major_m, 1);
    return o;
}

static json_t *storage_json(struct wr *w, const struct tl_summary_storage *st)
{
    json_t *o = json_object();

    put_int(w, o, "queued", st->queued);
    put_int(w, o, "committed", st->committed);
    put_int(w, o, "dropped", st->dropped);
    put_int(w, o, "transactions", st->transactions);
    put_real(w, o, "max_commit_ms", "storage.max_commit_ms", st->max_commit_ms, 2);
    return o;
}

static json_t *system_json(struct wr *w, const struct tl_node_summary *s)
{
    const struct tl_summary_system *y = &s->system_track;
    json_t *o, *l;

    if (!s->has_system_track)
        return json_null();
    o = json_object();
    put_int(w, o, "number", y->number);
    put_str(w, o, "contributors", "system_track.contributors", y->contributors);
    if (y->has_launch) {
        l = json_object();
        put_real(w, l, "lat_deg", "system_track.launch.lat_deg", y->launch.lat_deg, 6);
        put_real(w, l, "lon_deg", "system_track.launch.lon_deg", y->launch.lon_deg, 6);
        put_real(w, l, "err_m", "system_track.launch.err_m", y->launch.err_m, 1);
        put_int(w, l, "t_ns", y->launch.t_ns);
        put(w, o, "launch", l);
    }
    return o;
}

static json_t *impact_json(struct wr *w, const struct tl_node_summary *s)
{
    const struct tl_summary_impact *im = &s->impact;
    json_t *o;

    if (!s->has_impact)
        return json_null();
    o = json_object();
    put_real(w, o, "lat_deg", "impact.lat_deg", im->lat_deg, 6);
    put_real(w, o, "lon_deg", "impact.lon_deg", im->lon_deg, 6);
    put_real(w, o, "semi_major_m", "impact.semi_major_m", im->semi_major_m, 1);
    put_real(w, o, "semi_minor_m", "impact.semi_minor_m", im->semi_minor_m, 1);
    put_int(w, o, "t_ns", im->t_ns);
    return o;
}

/* received, relayed or last_relayed_ns (@p which 0, 1, 2): one key per partner. */
static json_t *partners_json(struct wr *w, const struct tl_node_summary *s, int which)
{
    static const char *const name[3] = { "received", "relayed", "last_relayed_ns" };
    json_t *o = json_object();
    char f[64];

    for (int i = 0; i < s->n_partners; i++) {
        const struct tl_summary_partner *p = &s->partner[i];
        const long long v = which == 0 ? p->received : which == 1 ? p->relayed : p->last_relayed_ns;
        json_t *n = json_integer((json_int_t)v);
        snprintf(f, sizeof f, "%s.%s", name[which], p->nation);
        if (json_object_set_new(o, p->nation, n) != 0)
            wr_fail(w, TL_ENOMEM, f, "out of memory");
        else if (json_object_size(o) != (size_t)i + 1)
            wr_fail(w, TL_EINVAL, f, "the same nation twice");
    }
    return o;
}

/* The whole summary in the order of the format; NULL with w->rc set on failure. */
static json_t *summary_json(struct wr *w, const struct tl_node_summary *s)
{
    json_t *o = json_object(), *nums = json_array();

    put_str(w, o, "nation", "nation", s->nation);
    put_int(w, o, "system_tracks", s->system_tracks);
    put_int(w, o, "own_tracks", s->own_tracks);
    for (int i = 0; i < s->n_system_numbers; i++)
        if (json_array_append_new(nums, json_integer(s->system_numbers[i])) != 0)
            wr_fail(w, TL_ENOMEM, "system_numbers", "out of memory");
    put(w, o, "system_numbers", nums);
    put_int(w, o, "first_launch_point_ns", s->first_launch_point_ns);
    put_int(w, o, "first_impact_point_ns", s->first_impact_point_ns);
    put(w, o, "received", partners_json(w, s, 0));
    put(w, o, "relayed", partners_json(w, s, 1));
    put(w, o, "last_relayed_ns", partners_json(w, s, 2));
    put_int(w, o, "relayed_out", s->relayed_out);
    put_int(w, o, "sent", s->sent);
    put_int(w, o, "rejected", s->rejected);
    put_int(w, o, "measurements", s->measurements);
    put(w, o, "latency_ms", pcts_json(w, "latency_ms", &s->latency_ms));
    put(w, o, "share_latency_ms", pcts_json(w, "share_latency_ms", &s->share_latency_ms));
    put(w, o, "fusion_gain", gain_json(w, &s->fusion_gain));
    put(w, o, "storage", storage_json(w, &s->storage));
    put(w, o, "system_track", system_json(w, s));
    put(w, o, "impact", impact_json(w, s));
    if (w->rc != TL_OK) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int tl_node_summary_write(const struct tl_node_summary *s, const char *path, struct tl_diag *diag)
{
    struct wr w = { TL_OK, "", "" };
    json_t *root;
    FILE *f;
    int bad;

    if (s == NULL || path == NULL)
        return tl_diag_set(diag, TL_EINVAL, path, 0, "", "NULL argument");
    if (s->n_system_numbers < 0 || s->n_system_numbers > TL_SUMMARY_MAX_SYSTEMS)
        return tl_diag_set(diag, TL_EINVAL, path, 0, "system_numbers", "%d entries, not 0..%d",
                        s->n_system_numbers, TL_SUMMARY_MAX_SYSTEMS);
    if (s->n_partners < 0 || s->n_partners > TL_MAX_NATIONS)
        return tl_diag_set(diag, TL_EINVAL, path, 0, "received", "%d partners, not 0..%d",
                        s->n_partners, TL_MAX_NATIONS);
    if ((root = summary_json(&w, s)) == NULL)
        return tl_diag_set(diag, w.rc, path, 0, w.field, "%s", w.why);
    /* one line, as the node always wrote latency_ms (bench/share.sh reads it with sed) */
    f = fopen(path, "w");
    if (f == NULL) {
        json_decref(root);
        return tl_diag_set(diag, TL_EIO, path, 0, "", "cannot write: %s", strerror(errno));
    }
    errno = 0;
    bad = json_dumpf(root, f, JSON_REAL_PRECISION(15)) != 0;
    bad |= fputc('\n', f) == EOF;
    bad |= ferror(f) != 0;
    json_decref(root);
    if ((fclose(f) != 0) | bad)
        return tl_diag_set(diag, TL_EIO, path, 0, "", "write failed: %s",
                        strerror(errno != 0 ? errno : EIO));
    return TL_OK;
}

/* ---- reading ------------------------------------------------------------------------------- */

/* The first failure of a read: every getter returns a harmless value after it, so the reader runs
 * straight through and reports the first bad key. */
struct rd {
    const char *path;
    struct tl_diag *diag;
    int rc;
};

static void rd_fail(struct rd *r, int rc, const char *pfx, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void rd_fail(struct rd *r, int rc, const char *pfx, const char *key, const char *fmt, ...)
{
    char field[128], msg[200];
    va_list ap;

    if (r->rc != TL_OK)
        return;
    r->rc = rc;
    snprintf(field, sizeof field, "%s%s%s", pfx, pfx[0] && key[0] ? "." : "", key);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tl_diag_set(r->diag, rc, r->path, 0, field, "%s", msg);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "?";
}

/* The value of @p key in object @p o (prefix @p pfx names it), or NULL (and the failure). */
static json_t *get(struct rd *r, json_t *o, const char *pfx, const char *key)
{
    json_t *v = o != NULL ? json_object_get(o, key) : NULL;

    if (v == NULL && o != NULL)
        rd_fail(r, TL_EPARSE, pfx, key, "missing");
    return v;
}

/* An integer within [lo, hi]; 0 after a failure. */
static long long get_int(struct rd *r, json_t *o, const char *pfx, const char *key, long long lo,
                         long long hi)
{
    json_t *v = get(r, o, pfx, key);
    long long n;

    if (v == NULL)
        return 0;
    if (!json_is_integer(v)) {
        rd_fail(r, TL_EPARSE, pfx, key, "expected an integer, found %s", type_name(v));
        return 0;
    }
    n = (long long)json_integer_value(v);
    if (n < lo || n > hi) {
        rd_fail(r, TL_ERANGE, pfx, key, "%lld is outside %lld..%lld", n, lo, hi);
        return 0;
    }
    return n;
}

#define GET_INT(r, o, pfx, key) ((int)get_int(r, o, pfx, key, INT_MIN, INT_MAX))
#define GET_LONG(r, o, pfx, key) ((long)get_int(r, o, pfx, key, LONG_MIN, LONG_MAX))
#define GET_I64(r, o, pfx, key) ((int64_t)get_int(r, o, pfx, key, INT64_MIN, INT64_MAX))

/* A number (integer or real); 0 after a failure. */
static double get_num(struct rd *r, json_t *o, const char *pfx, const char *key)
{
    json_t *v = get(r, o, pfx, key);

    if (v == NULL)
        return 0;
    if (!json_is_number(v)) {
        rd_fail(r, TL_EPARSE, pfx, key, "expected a number, found %s", type_name(v));
        return 0;
    }
    return json_number_value(v);
}

/* A string into @p out of @p size bytes. */
static void get_str(struct rd *r, json_t *o, const char *pfx, const char *key, char *out,
                    size_t size)
{
    json_t *v = get(r, o, pfx, key);

    if (v == NULL)
        return;
    if (!json_is_string(v)) {
        rd_fail(r, TL_EPARSE, pfx, key, "expected a string, found %s", type_name(v));
        return;
    }
    if (json_string_length(v) >= size) {
        rd_fail(r, TL_ERANGE, pfx, key, "'%.40s' is longer than %zu characters",
                json_string_value(v), size - 1);
        return;
    }
    snprintf(out, size, "%s", json_string_value(v));
}

/* An object, or NULL: for a JSON null when @p nullable (*@p is_null then 1), else a failure. */
static json_t *get_obj(struct rd *r, json_t *o, const char *pfx, const char *key, int nullable,
                       int *is_null)
{
    json_t *v = get(r, o, pfx, key);

    if (is_null != NULL)
        *is_null = 0;
    if (v == NULL)
        return NULL;
    if (nullable && json_is_null(v)) {
        if (is_null != NULL)
            *is_null = 1;
        return NULL;
    }
    if (!json_is_object(v)) {
        rd_fail(r, TL_EPARSE, pfx, key, "expected an object%s, found %s",
                nullable ? " or null" : "", type_name(v));
        return NULL;
    }
    return v;
}

static void read_pcts(struct rd *r, json_t *root, const char *key, struct tl_summary_pcts *p)
{
    json_t *o = get_obj(r, root, "", key, 1, NULL);

    memset(p, 0, sizeof *p);
    if (o == NULL)
        return;
    p->samples = GET_LONG(r, o, key, "samples");
    p->median = get_num(r, o, key, "median");
    p->p99 = get_num(r, o, key, "p99");
    p->max = get_num(r, o, key, "max");
}

static void read_gain(struct rd *r, json_t *root, struct tl_summary_gain *g)
{
    static const char *const k = "fusion_gain";
    json_t *o = get_obj(r, root, "", k, 0, NULL);

    g->samples = GET_LONG(r, o, k, "samples");
    g->median_ratio = get_num(r, o, k, "median_ratio");
    g->mean_ratio = get_num(r, o, k, "mean_ratio");
    g->max_ratio = get_num(r, o, k, "max_ratio");
    g->fraction_at_least_as_good = get_num(r, o, k, "fraction_at_least_as_good");
    g->last_best_single_semi_major_m = get_num(r, o, k, "last_best_single_semi_major_m");
    g->last_fused_semi_major_m = get_num(r, o, k, "last_fused_semi_major_m");
}

static void read_storage(struct rd *r, json_t *root, struct tl_summary_storage *st)
{
    static const char *const k = "storage";
    json_t *o = get_obj(r, root, "", k, 0, NULL);

    st->queued = GET_LONG(r, o, k, "queued");
    st->committed = GET_LONG(r, o, k, "committed");
    st->dropped = GET_LONG(r, o, k, "dropped");
    st->transactions = GET_LONG(r, o, k, "transactions");
    st->max_commit_ms = get_num(r, o, k, "max_commit_ms");
}

static void read_system(struct rd *r, json_t *root, struct tl_node_summary *s)
{
    struct tl_summary_system *y = &s->system_track;
    json_t *o = get_obj(r, root, "", "system_track", 1, NULL), *l;

    s->has_system_track = o != NULL;
    if (o == NULL)
        return;
    y->number = GET_INT(r, o, "system_track", "number");
    get_str(r, o, "system_track", "contributors", y->contributors, sizeof y->contributors);
    if (json_object_get(o, "launch") == NULL)
        return; /* no launch point: the key is absent */
    l = get_obj(r, o, "system_track", "launch", 0, NULL);
    y->has_launch = l != NULL;
    y->launch.lat_deg = get_num(r, l, "system_track.launch", "lat_deg");
    y->launch.lon_deg = get_num(r, l, "system_track.launch", "lon_deg");
    y->launch.err_m = get_num(r, l, "system_track.launch", "err_m");
    y->launch.t_ns = GET_I64(r, l, "system_track.launch", "t_ns");
}

static void read_impact(struct rd *r, json_t *root, struct tl_node_summary *s)
{
    json_t *o = get_obj(r, root, "", "impact", 1, NULL);

    s->has_impact = o != NULL;
    s->impact.lat_deg = get_num(r, o, "impact", "lat_deg");
    s->impact.lon_deg = get_num(r, o, "impact", "lon_deg");
    s->impact.semi_major_m = get_num(r, o, "impact", "semi_major_m");
    s->impact.semi_minor_m = get_num(r, o, "impact", "semi_minor_m");
    s->impact.t_ns = GET_I64(r, o, "impact", "t_ns");
}

/* received gives the partners and their order; relayed and last_relayed_ns must name the same. */
static void read_partners(struct rd *r, json_t *root, struct tl_node_summary *s)
{
    json_t *rx = get_obj(r, root, "", "received", 0, NULL);
    json_t *rl = get_obj(r, root, "", "relayed", 0, NULL);
    json_t *lr = get_obj(r, root, "", "last_relayed_ns", 0, NULL);
    const char *key;
    json_t *v;

    if (rx == NULL || rl == NULL || lr == NULL)
        return;
    if (json_object_size(rx) > TL_MAX_NATIONS) {
        rd_fail(r, TL_ERANGE, "", "received", "%zu nations, more than %d",
                json_object_size(rx), TL_MAX_NATIONS);
        return;
    }
    json_object_foreach(rx, key, v) {
        struct tl_summary_partner *p = &s->partner[s->n_partners++];
        if (strlen(key) >= sizeof p->nation) {
            rd_fail(r, TL_ERANGE, "received", key, "not a nation code (longer than %zu)",
                    sizeof p->nation - 1);
            return;
        }
        snprintf(p->nation, sizeof p->nation, "%s", key);
        p->received = GET_LONG(r, rx, "received", key);
        p->relayed = GET_LONG(r, rl, "relayed", key);
        p->last_relayed_ns = GET_I64(r, lr, "last_relayed_ns", key);
    }
    if (json_object_size(rl) != json_object_size(rx))
        rd_fail(r, TL_EPARSE, "", "relayed", "%zu nations, received has %zu",
                json_object_size(rl), json_object_size(rx));
    if (json_object_size(lr) != json_object_size(rx))
        rd_fail(r, TL_EPARSE, "", "last_relayed_ns", "%zu nations, received has %zu",
                json_object_size(lr), json_object_size(rx));
}

static void read_numbers(struct rd *r, json_t *root, struct tl_node_summary *s)
{
    json_t *a = get(r, root, "", "system_numbers");
    size_t i;
    json_t *v;

    if (a == NULL)
        return;
    if (!json_is_array(a)) {
        rd_fail(r, TL_EPARSE, "", "system_numbers", "expected an array, found %s", type_name(a));
        return;
    }
    if (json_array_size(a) > TL_SUMMARY_MAX_SYSTEMS) {
        rd_fail(r, TL_ERANGE, "", "system_numbers", "%zu entries, more than %d",
                json_array_size(a), TL_SUMMARY_MAX_SYSTEMS);
        return;
    }
    json_array_foreach(a, i, v) {
        char key[40];
        if (!json_is_integer(v) || json_integer_value(v) < INT32_MIN ||
            json_integer_value(v) > INT32_MAX) {
            snprintf(key, sizeof key, "system_numbers[%zu]", i);
            rd_fail(r, json_is_integer(v) ? TL_ERANGE : TL_EPARSE, "", key,
                    "expected a system number (a 32-bit integer), found %s", type_name(v));
            return;
        }
        s->system_numbers[s->n_system_numbers++] = (int32_t)json_integer_value(v);
    }
}

int tl_node_summary_read(const char *path, struct tl_node_summary *out, struct tl_diag *diag)
{
    struct rd r = { path, diag, TL_OK };
    struct tl_node_summary *s;
    json_error_t err;
    json_t *root;

    if (path == NULL || out == NULL)
        return tl_diag_set(diag, TL_EINVAL, path, 0, "", "NULL argument");
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (root == NULL)
        return tl_diag_set(diag,
                        json_error_code(&err) == json_error_cannot_open_file ? TL_EIO : TL_EPARSE,
                        path, err.line > 0 ? err.line : 0, "", "%s", err.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return tl_diag_set(diag, TL_EPARSE, path, 0, "", "expected an object, found %s",
                        type_name(root));
    }
    if ((s = calloc(1, sizeof *s)) == NULL) {
        json_decref(root);
        return tl_diag_set(diag, TL_ENOMEM, path, 0, "", "out of memory");
    }
    get_str(&r, root, "", "nation", s->nation, sizeof s->nation);
    s->system_tracks = GET_INT(&r, root, "", "system_tracks");
    s->own_tracks = GET_INT(&r, root, "", "own_tracks");
    read_numbers(&r, root, s);
    s->first_launch_point_ns = GET_I64(&r, root, "", "first_launch_point_ns");
    s->first_impact_point_ns = GET_I64(&r, root, "", "first_impact_point_ns");
    read_partners(&r, root, s);
    s->relayed_out = GET_LONG(&r, root, "", "relayed_out");
    s->sent = GET_LONG(&r, root, "", "sent");
    s->rejected = GET_LONG(&r, root, "", "rejected");
    s->measurements = GET_LONG(&r, root, "", "measurements");
    read_pcts(&r, root, "latency_ms", &s->latency_ms);
    read_pcts(&r, root, "share_latency_ms", &s->share_latency_ms);
    read_gain(&r, root, &s->fusion_gain);
    read_storage(&r, root, &s->storage);
    read_system(&r, root, s);
    read_impact(&r, root, s);
    json_decref(root);
    if (r.rc == TL_OK)
        *out = *s; /* written only on success */
    free(s);
    return r.rc;
}
