/* The parser of canonical text (tl_msg_canonical in src/share/policy.c): what the store keeps in
 * each row's body, read back when a database of the first schema is migrated.
 *
 * The text is "Topic|v2|" (the wire version) and then every field in IDL order, each followed by
 * '|'; numbers are %.17g (which strtod reads back to the same double, NaN and infinities
 * included) and integers %d / %lld. Strings are written raw, so one that holds '|' splits into
 * several tokens; each kind has at most one such free string (sensor ids, contributors), and every
 * other field has a fixed token count, so the free string is whatever the fixed fields on both
 * sides leave over.
 *
 * A Warning's free string is its CAP document (cap_xml), held by pointer: the parse allocates it.
 *
 * Wire version 1 (the first schema's bodies) had the same fields except that SystemTrack ended at
 * semi_minor_m and there was no Clock: its text parses with the leading fields of each table. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

enum ftype {
    F_STR,   /* a string without '|' (nation codes) */
    F_FREE,  /* the one string per kind that may hold '|' */
    F_INT,   /* int */
    F_I32,   /* int32_t */
    F_I64,   /* int64_t */
    F_DBL,   /* n doubles */
    F_HEX32, /* 32 bytes as 64 hex digits */
    F_PFREE, /* the free string held by a pointer (a Warning's cap_xml), parsed into malloc'd */
};

struct field {
    enum ftype t;
    size_t off;
    size_t n; /* F_STR/F_FREE: capacity including the NUL; F_DBL: count */
};

#define FLD(t, s, m, n) { t, offsetof(struct s, m), n }
#define STR(s, m) FLD(F_STR, s, m, sizeof((struct s *)0)->m)
#define FREE(s, m) FLD(F_FREE, s, m, sizeof((struct s *)0)->m)
#define DBL(s, m, n) FLD(F_DBL, s, m, n)

static const struct field meas_fields[] = {
    STR(tl_msg_meas, nation),          FREE(tl_msg_meas, sensor),
    FLD(F_I64, tl_msg_meas, t_ns, 1),  FLD(F_I64, tl_msg_meas, arrival_ns, 1),
    FLD(F_I64, tl_msg_meas, sent_ns, 1), DBL(tl_msg_meas, range_m, 1),
    DBL(tl_msg_meas, az_rad, 1),       DBL(tl_msg_meas, el_rad, 1),
    DBL(tl_msg_meas, rr_mps, 1),
};

static const struct field track_fields[] = {
    STR(tl_msg_track, origin),           FLD(F_I32, tl_msg_track, track_no, 1),
    STR(tl_msg_track, relay),            FLD(F_INT, tl_msg_track, forward, 1),
    FLD(F_INT, tl_msg_track, status, 1), FLD(F_INT, tl_msg_track, phase, 1),
    FLD(F_I64, tl_msg_track, t_ns, 1),   FLD(F_I64, tl_msg_track, meas_ns, 1),
    FLD(F_I64, tl_msg_track, pub_ns, 1), DBL(tl_msg_track, x, 6),
    DBL(tl_msg_track, p, TL_NP),         DBL(tl_msg_track, accel, 3),
    DBL(tl_msg_track, accel_sigma, 1),   DBL(tl_msg_track, drag_k, 1),
    DBL(tl_msg_track, drag_k_sigma, 1),  FREE(tl_msg_track, sensors),
    DBL(tl_msg_track, sensor_ecef, 3),
};

static const struct field assess_fields[] = {
    STR(tl_msg_assess, origin),               FLD(F_I32, tl_msg_assess, track_no, 1),
    STR(tl_msg_assess, relay),                FLD(F_INT, tl_msg_assess, forward, 1),
    FLD(F_I64, tl_msg_assess, t_ns, 1),       FLD(F_I64, tl_msg_assess, meas_ns, 1),
    FLD(F_I64, tl_msg_assess, pub_ns, 1),     FLD(F_INT, tl_msg_assess, has_launch, 1),
    FLD(F_I64, tl_msg_assess, launch_ns, 1),  DBL(tl_msg_assess, launch_lat_rad, 1),
    DBL(tl_msg_assess, launch_lon_rad, 1),    DBL(tl_msg_assess, launch_err_m, 1),
    FLD(F_I64, tl_msg_assess, impact_ns, 1),  DBL(tl_msg_assess, impact_lat_rad, 1),
    DBL(tl_msg_assess, impact_lon_rad, 1),    DBL(tl_msg_assess, semi_major_m, 1),
    DBL(tl_msg_assess, semi_minor_m, 1),      DBL(tl_msg_assess, major_az_rad, 1),
    DBL(tl_msg_assess, apogee_m, 1),          FLD(F_INT, tl_msg_assess, cls, 1),
    FLD(F_INT, tl_msg_assess, loft, 1),
};

static const struct field system_fields[] = {
    STR(tl_msg_system, owner),             FLD(F_I32, tl_msg_system, system_no, 1),
    FLD(F_I64, tl_msg_system, t_ns, 1),    DBL(tl_msg_system, x, 6),
    DBL(tl_msg_system, p, TL_NP),          FREE(tl_msg_system, contributors),
    FLD(F_INT, tl_msg_system, has_impact, 1), DBL(tl_msg_system, impact_lat_rad, 1),
    DBL(tl_msg_system, impact_lon_rad, 1), DBL(tl_msg_system, semi_major_m, 1),
    DBL(tl_msg_system, semi_minor_m, 1),
    /* wire version 2 */
    FLD(F_I64, tl_msg_system, impact_ns, 1), DBL(tl_msg_system, major_az_rad, 1),
    FLD(F_INT, tl_msg_system, phase, 1),     FLD(F_INT, tl_msg_system, has_launch, 1),
    FLD(F_I64, tl_msg_system, launch_ns, 1), DBL(tl_msg_system, launch_lat_rad, 1),
    DBL(tl_msg_system, launch_lon_rad, 1),   DBL(tl_msg_system, launch_err_m, 1),
    FLD(F_INT, tl_msg_system, cls, 1),       FLD(F_INT, tl_msg_system, loft, 1),
    FLD(F_INT, tl_msg_system, ended, 1),     FLD(F_I32, tl_msg_system, merged_into, 1),
};
#define SYSTEM_FIELDS_V1 11

static const struct field status_fields[] = {
    STR(tl_msg_status, nation),              FLD(F_I64, tl_msg_status, wall_ns, 1),
    FLD(F_I64, tl_msg_status, scenario_ns, 1), FLD(F_I32, tl_msg_status, tracks, 1),
    FLD(F_I32, tl_msg_status, system_tracks, 1), FLD(F_I64, tl_msg_status, audit_seq, 1),
    FLD(F_HEX32, tl_msg_status, audit_head, 32), FLD(F_INT, tl_msg_status, stopping, 1),
};

static const struct field clock_fields[] = {
    STR(tl_msg_clock, nation),                 FLD(F_I64, tl_msg_clock, scenario_ns, 1),
    FLD(F_I64, tl_msg_clock, wall_ns, 1),      DBL(tl_msg_clock, speed, 1),
};

static const struct field warning_fields[] = {
    STR(tl_msg_warning, origin),               STR(tl_msg_warning, identifier),
    STR(tl_msg_warning, relay),                FLD(F_INT, tl_msg_warning, forward, 1),
    FLD(F_I64, tl_msg_warning, sent_ns, 1),    FLD(F_I64, tl_msg_warning, pub_ns, 1),
    FLD(F_I32, tl_msg_warning, system_no, 1),  FLD(F_INT, tl_msg_warning, msg_type, 1),
    FLD(F_INT, tl_msg_warning, all_clear, 1),  FLD(F_INT, tl_msg_warning, exercise, 1),
    STR(tl_msg_warning, areas),                FLD(F_I64, tl_msg_warning, first_onset_ns, 1),
    FLD(F_PFREE, tl_msg_warning, cap_xml, TL_WARNING_CAP_MAX + 1),
};

#undef FLD
#undef STR
#undef FREE
#undef DBL

struct kind_desc {
    const struct field *f;
    size_t nf, size;
    size_t nf_v1; /* leading fields that wire version 1 had (0: no such kind then) */
};

#define N_OF(a) (sizeof a / sizeof a[0])
static const struct kind_desc kinds[TL_N_MSG_KINDS] = {
    [TL_MSG_MEASUREMENT] = { meas_fields, N_OF(meas_fields), sizeof(struct tl_msg_meas),
                             N_OF(meas_fields) },
    [TL_MSG_TRACK] = { track_fields, N_OF(track_fields), sizeof(struct tl_msg_track),
                       N_OF(track_fields) },
    [TL_MSG_ASSESSMENT] = { assess_fields, N_OF(assess_fields), sizeof(struct tl_msg_assess),
                            N_OF(assess_fields) },
    [TL_MSG_SYSTEM_TRACK] = { system_fields, N_OF(system_fields), sizeof(struct tl_msg_system),
                              SYSTEM_FIELDS_V1 },
    [TL_MSG_STATUS] = { status_fields, N_OF(status_fields), sizeof(struct tl_msg_status),
                        N_OF(status_fields) },
    [TL_MSG_CLOCK] = { clock_fields, N_OF(clock_fields), sizeof(struct tl_msg_clock), 0 },
    [TL_MSG_WARNING] = { warning_fields, N_OF(warning_fields), sizeof(struct tl_msg_warning), 0 },
};
#undef N_OF

/* One token: [b, e) in the text. */
struct tok {
    size_t b, e;
};

static int parse_ll(const char *text, const struct tok *t, long long lo, long long hi,
                    long long *out)
{
    char buf[32], chk[32], *end;
    const size_t len = t->e - t->b;
    long long v;

    if (len == 0 || len >= sizeof buf)
        return TL_EPARSE;
    memcpy(buf, text + t->b, len);
    buf[len] = '\0';
    errno = 0;
    v = strtoll(buf, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return TL_EPARSE;
    /* canonical spelling only ("%lld": no "+1", "01"), so the text parsed is the text printed */
    snprintf(chk, sizeof chk, "%lld", v);
    if (strcmp(chk, buf) != 0)
        return TL_EPARSE;
    *out = v;
    return TL_OK;
}

static int parse_dbl(const char *text, const struct tok *t, double *out)
{
    char buf[48], chk[48], *end;
    const size_t len = t->e - t->b;

    if (len == 0 || len >= sizeof buf)
        return TL_EPARSE;
    memcpy(buf, text + t->b, len);
    buf[len] = '\0';
    /* ERANGE is not an error here: %.17g of a subnormal reads back as that subnormal. */
    *out = strtod(buf, &end);
    if (*end != '\0')
        return TL_EPARSE;
    /* canonical spelling only (%.17g): a 20-digit number also reads as a double, but prints back
     * otherwise, and the audit digest is of the printed text (found by fuzzing) */
    snprintf(chk, sizeof chk, "%.17g", *out);
    return strcmp(chk, buf) == 0 ? TL_OK : TL_EPARSE;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int put_field(const struct field *f, const char *text, const struct tok *t, size_t nt,
                     unsigned char *base)
{
    long long v;
    int rc;

    switch (f->t) {
    case F_STR:
    case F_FREE: {
        /* nt tokens joined by the '|' between them: the span from the first to the last */
        const size_t b = t[0].b, e = t[nt - 1].e;
        if (e - b >= f->n)
            return TL_EPARSE;
        memcpy(base + f->off, text + b, e - b);
        base[f->off + (e - b)] = '\0';
        return TL_OK;
    }
    case F_PFREE: {
        const size_t b = t[0].b, e = t[nt - 1].e;
        char *p;
        if (e - b >= f->n)
            return TL_EPARSE;
        if ((p = malloc(e - b + 1)) == NULL)
            return TL_ENOMEM;
        memcpy(p, text + b, e - b);
        p[e - b] = '\0';
        memcpy(base + f->off, &p, sizeof p); /* freed by parse_as if a later field fails */
        return TL_OK;
    }
    case F_INT:
        if ((rc = parse_ll(text, t, INT_MIN, INT_MAX, &v)) != TL_OK)
            return rc;
        {
            const int x = (int)v;
            memcpy(base + f->off, &x, sizeof x);
        }
        return TL_OK;
    case F_I32:
        if ((rc = parse_ll(text, t, INT32_MIN, INT32_MAX, &v)) != TL_OK)
            return rc;
        {
            const int32_t x = (int32_t)v;
            memcpy(base + f->off, &x, sizeof x);
        }
        return TL_OK;
    case F_I64:
        if ((rc = parse_ll(text, t, INT64_MIN, INT64_MAX, &v)) != TL_OK)
            return rc;
        {
            const int64_t x = (int64_t)v;
            memcpy(base + f->off, &x, sizeof x);
        }
        return TL_OK;
    case F_DBL:
        for (size_t i = 0; i < f->n; i++) {
            double d;
            if ((rc = parse_dbl(text, &t[i], &d)) != TL_OK)
                return rc;
            memcpy(base + f->off + i * sizeof d, &d, sizeof d);
        }
        return TL_OK;
    case F_HEX32:
        if (t->e - t->b != 64)
            return TL_EPARSE;
        for (size_t i = 0; i < 32; i++) {
            const int hi = hexval(text[t->b + 2 * i]), lo = hexval(text[t->b + 2 * i + 1]);
            if (hi < 0 || lo < 0)
                return TL_EPARSE;
            base[f->off + i] = (unsigned char)(hi * 16 + lo);
        }
        return TL_OK;
    }
    return TL_EPARSE;
}

/* Tokens a field takes when it is not the free string. */
static size_t fixed_tokens(const struct field *f)
{
    return f->t == F_DBL ? f->n : 1;
}

/* The text of wire version @p version (TL_WIRE_VERSION or 1). */
static int parse_as(enum tl_msg_kind k, int version, const char *text, void *msg)
{
    char head[32];
    const struct kind_desc *d;
    struct tok *t;
    size_t len, pos, nt = 0, cap = 1, fixed = 0, free_n, ti = 0, nf;
    int hl, rc = TL_OK, has_free = 0;
    union {
        struct tl_msg_meas meas;
        struct tl_msg_track track;
        struct tl_msg_assess assess;
        struct tl_msg_system system;
        struct tl_msg_status status;
        struct tl_msg_clock clock;
        struct tl_msg_warning warning;
    } u;
    unsigned char *base = (unsigned char *)&u;

    if (text == NULL || msg == NULL || (unsigned)k >= TL_N_MSG_KINDS)
        return TL_EINVAL;
    d = &kinds[k];
    nf = version == TL_WIRE_VERSION ? d->nf : d->nf_v1;
    if (nf == 0)
        return TL_EPARSE;
    hl = snprintf(head, sizeof head, "%s|v%d|", tl_msg_topic(k), version);
    len = strlen(text);
    if (hl <= 0 || len < (size_t)hl || memcmp(text, head, (size_t)hl) != 0 ||
        text[len - 1] != '|')
        return TL_EPARSE;
    for (pos = (size_t)hl; pos < len; pos++)
        cap += text[pos] == '|';
    if ((t = malloc(cap * sizeof *t)) == NULL)
        return TL_ENOMEM;
    /* every field ends with '|', so the text after the header is tokens each closed by '|' */
    for (pos = (size_t)hl; pos < len;) {
        const char *bar = memchr(text + pos, '|', len - pos);
        t[nt].b = pos;
        t[nt].e = (size_t)(bar - text);
        nt++;
        pos = t[nt - 1].e + 1;
    }
    for (size_t i = 0; i < nf; i++) {
        if (d->f[i].t == F_FREE || d->f[i].t == F_PFREE)
            has_free = 1;
        else
            fixed += fixed_tokens(&d->f[i]);
    }
    if (has_free ? nt < fixed + 1 : nt != fixed) {
        free(t);
        return TL_EPARSE;
    }
    free_n = nt - fixed;
    /* parsed into a local copy: @p msg is written only when the whole text parsed */
    memset(&u, 0, sizeof u);
    for (size_t i = 0; i < nf && rc == TL_OK; i++) {
        const int is_free = d->f[i].t == F_FREE || d->f[i].t == F_PFREE;
        const size_t n = is_free ? free_n : fixed_tokens(&d->f[i]);
        rc = put_field(&d->f[i], text, &t[ti], n, base);
        ti += n;
    }
    free(t);
    if (rc == TL_OK)
        memcpy(msg, &u, d->size);
    else
        for (size_t i = 0; i < nf; i++)
            if (d->f[i].t == F_PFREE) { /* NULL unless parsed before the failing field */
                char *p;
                memcpy(&p, base + d->f[i].off, sizeof p);
                free(p);
            }
    return rc;
}

int tl__store_parse_canonical(enum tl_msg_kind k, const char *text, void *msg)
{
    return parse_as(k, TL_WIRE_VERSION, text, msg);
}

int tl__store_parse_canonical_v1(enum tl_msg_kind k, const char *text, void *msg)
{
    return parse_as(k, 1, text, msg);
}
