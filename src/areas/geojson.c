/* GeoJSON FeatureCollections (RFC 7946) of polygons, read with jansson into GEOS geometries.
 * The coordinates are checked here (finite, in range, closed rings of at least 4 positions), so
 * GEOS only ever sees well-formed input; an invalid polygon (self-touching after the vendoring
 * script's simplification) is made valid with GEOSMakeValid and keeps only its polygonal part. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "areas_int.h"

int tl__diag_set(struct tl_diag *diag, int rc, const char *file, const char *field,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rc = tl_diag_vset(diag, rc, file, 0, field, fmt, ap);
    va_end(ap);
    return rc;
}

static void geos_quiet(const char *fmt, ...)
{
    (void)fmt; /* GEOS reports through return values too; the library never prints */
}

GEOSContextHandle_t tl__geos_init(void)
{
    GEOSContextHandle_t ctx = GEOS_init_r();

    if (ctx != NULL) {
        GEOSContext_setNoticeHandler_r(ctx, geos_quiet);
        GEOSContext_setErrorHandler_r(ctx, geos_quiet);
    }
    return ctx;
}

int tl__polygons_of(GEOSContextHandle_t ctx, const GEOSGeometry *g, const GEOSGeometry ***v,
                    int *n, int *cap)
{
    int type = GEOSGeomTypeId_r(ctx, g);

    if (type == GEOS_POLYGON) {
        if (*n == *cap) {
            int c = *cap > 0 ? 2 * *cap : 64;
            const GEOSGeometry **p = realloc((void *)*v, (size_t)c * sizeof *p);
            if (p == NULL)
                return TL_ENOMEM;
            *v = p;
            *cap = c;
        }
        (*v)[(*n)++] = g;
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < k; i++)
            if (tl__polygons_of(ctx, GEOSGetGeometryN_r(ctx, g, i), v, n, cap) != TL_OK)
                return TL_ENOMEM;
    }
    return TL_OK; /* points and lines (MakeValid's collapsed parts) are dropped */
}

/* What went wrong while reading one feature, for the diag. */
struct rd {
    GEOSContextHandle_t ctx;
    const char *file;
    int index;
    struct tl_diag *diag;
};

static int bad(const struct rd *r, const char *field, const char *msg)
{
    char f[128];

    snprintf(f, sizeof f, "features[%d].%s", r->index, field);
    return tl__diag_set(r->diag, TL_EPARSE, r->file, f, "%s", msg);
}

static GEOSGeometry *ring_of(const struct rd *r, json_t *ring, int *rc)
{
    size_t n = json_is_array(ring) ? json_array_size(ring) : 0;
    GEOSCoordSequence *cs;
    GEOSGeometry *g;

    if (n < 4) {
        *rc = bad(r, "geometry.coordinates", "a ring needs an array of at least 4 positions");
        return NULL;
    }
    if ((cs = GEOSCoordSeq_create_r(r->ctx, (unsigned)n, 2)) == NULL) {
        *rc = TL_ENOMEM;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(ring, i);
        json_t *x = json_array_get(p, 0), *y = json_array_get(p, 1);
        double lon = json_is_number(x) ? json_number_value(x) : NAN;
        double lat = json_is_number(y) ? json_number_value(y) : NAN;
        if (!(fabs(lon) <= 180.0 && fabs(lat) <= 90.0)) { /* also NaN and non-numbers */
            char msg[96];
            snprintf(msg, sizeof msg, "position %zu is not lon, lat degrees in range", i);
            GEOSCoordSeq_destroy_r(r->ctx, cs);
            *rc = bad(r, "geometry.coordinates", msg);
            return NULL;
        }
        GEOSCoordSeq_setXY_r(r->ctx, cs, (unsigned)i, lon, lat);
    }
    {
        json_t *a = json_array_get(ring, 0), *b = json_array_get(ring, n - 1);
        if (json_number_value(json_array_get(a, 0)) != json_number_value(json_array_get(b, 0)) ||
            json_number_value(json_array_get(a, 1)) != json_number_value(json_array_get(b, 1))) {
            GEOSCoordSeq_destroy_r(r->ctx, cs);
            *rc = bad(r, "geometry.coordinates", "ring not closed (first position != last)");
            return NULL;
        }
    }
    if ((g = GEOSGeom_createLinearRing_r(r->ctx, cs)) == NULL)
        *rc = TL_ENOMEM;
    return g;
}

static GEOSGeometry *polygon_of(const struct rd *r, json_t *rings, int *rc)
{
    size_t n = json_is_array(rings) ? json_array_size(rings) : 0;
    GEOSGeometry *shell, **holes;

    if (n == 0) {
        *rc = bad(r, "geometry.coordinates", "a polygon needs an array of rings");
        return NULL;
    }
    if ((shell = ring_of(r, json_array_get(rings, 0), rc)) == NULL)
        return NULL;
    holes = calloc(n, sizeof *holes);
    if (holes == NULL) {
        GEOSGeom_destroy_r(r->ctx, shell);
        *rc = TL_ENOMEM;
        return NULL;
    }
    for (size_t i = 1; i < n; i++)
        if ((holes[i - 1] = ring_of(r, json_array_get(rings, i), rc)) == NULL) {
            for (size_t k = 0; k + 1 < i; k++)
                GEOSGeom_destroy_r(r->ctx, holes[k]);
            GEOSGeom_destroy_r(r->ctx, shell);
            free(holes);
            return NULL;
        }
    {
        GEOSGeometry *p = GEOSGeom_createPolygon_r(r->ctx, shell, holes, (unsigned)(n - 1));
        free(holes);
        if (p == NULL)
            *rc = TL_ENOMEM;
        return p;
    }
}

/* The polygons of @p g as a new MultiPolygon, or NULL when it has none. */
static GEOSGeometry *polygonal(GEOSContextHandle_t ctx, const GEOSGeometry *g)
{
    const GEOSGeometry **v = NULL;
    GEOSGeometry **c, *m = NULL;
    int n = 0, cap = 0;

    if (tl__polygons_of(ctx, g, &v, &n, &cap) != TL_OK || n == 0 ||
        (c = calloc((size_t)n, sizeof *c)) == NULL) {
        free((void *)v);
        return NULL;
    }
    for (int i = 0; i < n; i++)
        c[i] = GEOSGeom_clone_r(ctx, v[i]);
    m = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, c, (unsigned)n);
    free(c);
    free((void *)v);
    return m;
}

/* The geometry object of a feature: a Polygon or a MultiPolygon, valid. */
static GEOSGeometry *geometry_of(const struct rd *r, json_t *geom, int *rc)
{
    const char *type = json_string_value(json_object_get(geom, "type"));
    json_t *coords = json_object_get(geom, "coordinates");
    GEOSGeometry *g = NULL;

    if (type != NULL && strcmp(type, "Polygon") == 0) {
        g = polygon_of(r, coords, rc);
    } else if (type != NULL && strcmp(type, "MultiPolygon") == 0) {
        size_t n = json_is_array(coords) ? json_array_size(coords) : 0;
        GEOSGeometry **parts = n > 0 ? calloc(n, sizeof *parts) : NULL;
        if (n == 0) {
            *rc = bad(r, "geometry.coordinates", "a MultiPolygon needs an array of polygons");
            return NULL;
        }
        if (parts == NULL) {
            *rc = TL_ENOMEM;
            return NULL;
        }
        for (size_t i = 0; i < n; i++)
            if ((parts[i] = polygon_of(r, json_array_get(coords, i), rc)) == NULL) {
                for (size_t k = 0; k < i; k++)
                    GEOSGeom_destroy_r(r->ctx, parts[k]);
                free(parts);
                return NULL;
            }
        g = GEOSGeom_createCollection_r(r->ctx, GEOS_MULTIPOLYGON, parts, (unsigned)n);
        free(parts);
        if (g == NULL)
            *rc = TL_ENOMEM;
    } else {
        *rc = bad(r, "geometry.type", "not a Polygon or MultiPolygon");
        return NULL;
    }
    if (g != NULL && GEOSisValid_r(r->ctx, g) != 1) {
        GEOSGeometry *v = GEOSMakeValid_r(r->ctx, g);
        GEOSGeom_destroy_r(r->ctx, g);
        g = v != NULL ? polygonal(r->ctx, v) : NULL;
        GEOSGeom_destroy_r(r->ctx, v);
        if (g == NULL) {
            *rc = bad(r, "geometry", "invalid polygon that GEOSMakeValid could not repair");
            return NULL;
        }
    }
    return g;
}

static int string_prop(const struct rd *r, json_t *props, const char *key, char *dst,
                       size_t size, int required)
{
    json_t *v = json_object_get(props, key);
    char field[64];

    snprintf(field, sizeof field, "properties.%s", key);
    if (v == NULL && !required) {
        dst[0] = '\0';
        return TL_OK;
    }
    if (!json_is_string(v))
        return bad(r, field, "missing or not a string");
    if (json_string_length(v) >= size || (required && json_string_length(v) == 0))
        return bad(r, field, required ? "empty or too long" : "too long");
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return TL_OK;
}

static int feature_of(const struct rd *r, json_t *f, int need_kind, struct tl__feature *out)
{
    json_t *props = json_object_get(f, "properties");
    int rc;

    if (!json_is_object(f) || !json_is_object(props))
        return bad(r, "properties", "a Feature needs a properties object");
    if ((rc = string_prop(r, props, "code", out->code, sizeof out->code, 1)) < 0 ||
        (rc = string_prop(r, props, "nation", out->nation, sizeof out->nation, 1)) < 0 ||
        (rc = string_prop(r, props, "kind", out->kind, sizeof out->kind, 1)) < 0 ||
        (rc = string_prop(r, props, "name", out->name, sizeof out->name, 0)) < 0 ||
        (rc = string_prop(r, props, "name_local", out->name_local, sizeof out->name_local, 0)) < 0)
        return rc;
    if (need_kind && strcmp(out->kind, "land") != 0 && strcmp(out->kind, "eez") != 0) {
        char msg[64];
        snprintf(msg, sizeof msg, "\"%s\" is not \"land\" or \"eez\"", out->kind);
        return bad(r, "properties.kind", msg);
    }
    rc = TL_OK;
    out->geom = geometry_of(r, json_object_get(f, "geometry"), &rc);
    return out->geom != NULL ? TL_OK : rc;
}

void tl__features_free(GEOSContextHandle_t ctx, struct tl__feature *f, int n)
{
    if (f == NULL)
        return;
    for (int i = 0; i < n; i++)
        GEOSGeom_destroy_r(ctx, f[i].geom);
    free(f);
}

int tl__features_read(GEOSContextHandle_t ctx, const char *path, int need_kind,
                      struct tl__feature **out, int *n_out, struct tl_diag *diag)
{
    struct rd r = { ctx, path, 0, diag };
    json_error_t jerr;
    FILE *fp = fopen(path, "rb");
    json_t *root, *feats;
    struct tl__feature *f;
    size_t n;
    int rc = TL_OK;

    if (fp == NULL)
        return tl__diag_set(diag, TL_EIO, path, "", "cannot open: %s", strerror(errno));
    root = json_loadf(fp, 0, &jerr);
    fclose(fp);
    if (root == NULL) {
        rc = tl__diag_set(diag, TL_EPARSE, path, "", "%s", jerr.text);
        if (diag != NULL)
            diag->line = jerr.line;
        return rc;
    }
    feats = json_object_get(root, "features");
    if (!json_is_array(feats) || json_array_size(feats) == 0 || json_array_size(feats) > 100000) {
        json_decref(root);
        return tl__diag_set(diag, TL_EPARSE, path, "features", "not a FeatureCollection with features");
    }
    n = json_array_size(feats);
    if ((f = calloc(n, sizeof *f)) == NULL) {
        json_decref(root);
        return TL_ENOMEM;
    }
    for (size_t i = 0; i < n && rc == TL_OK; i++) {
        r.index = (int)i;
        rc = feature_of(&r, json_array_get(feats, i), need_kind, &f[i]);
    }
    json_decref(root);
    if (rc != TL_OK) {
        tl__features_free(ctx, f, (int)n);
        return rc;
    }
    *out = f;
    *n_out = (int)n;
    return TL_OK;
}
