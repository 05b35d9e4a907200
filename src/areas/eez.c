/* Exclusive economic zones by UNCLOS art. 57 (200 nautical miles) and the equidistance line of
 * art. 15 / 74, approximated from land polygons (tl_areas_eez_build in trilink/areas.h).
 *
 * The nation's land is cut into CELL_DEG cells; each cell is worked in its own azimuthal
 * equidistant projection on the ellipsoid, centred on the cell (x = s sin az, y = s cos az from
 * PROJ's geodesic inverse, back by the direct problem), so within the ~800 km of a cell and its
 * buffer distances are true to a few tenths of a percent (the transverse scale of an azimuthal
 * equidistant projection is (s/R)/sin(s/R), 1.003 at 800 km). In that plane:
 *   zone  = buffer(cell land, 370,400 m)
 *         ∩ Voronoi cells of the nation's land vertices (sites: every vertex of every state's land
 *           within 750 km of the cell, densified to SITE_DEG), i.e. nearer to its land than to
 *           any other state's, the equidistance line to within half the site spacing;
 * unprojected (densified first, so the straight edges stay near-geodesic), split at the
 * antimeridian, united over the cells, then all land subtracted. No baselines: distances are
 * from the low-water line as the land polygons draw it. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "areas_int.h"
#include "trilink/geo.h"

#define CELL_DEG 6.0       /* cells of the nation's land, each with its own projection */
#define SITE_DEG 0.05      /* Voronoi site spacing along coasts (about 5.5 km) */
#define EEZ_M 370400.0     /* 200 international nautical miles */
#define REACH_M 750000.0   /* land beyond 2 x EEZ_M of the cell cannot bound its zone */

static const double DEG = 3.14159265358979323846 / 180.0;

struct site {
    double x, y; /* projected (m) */
    int own;     /* 1: the nation's land */
};

struct sites_ll {
    double *lon, *lat;
    int *nat; /* index into the nation table of the build */
    int n, cap;
};

struct proj {
    double lat0, lon0; /* degrees */
};

static int fwd(double *x, double *y, void *ud)
{
    const struct proj *p = ud;
    double s, az;

    tl_geo_inverse(&TL_WGS84, p->lat0 * DEG, p->lon0 * DEG, *y * DEG, *x * DEG, &s, &az, NULL);
    *x = s * sin(az);
    *y = s * cos(az);
    return 1;
}

static int inv(double *x, double *y, void *ud)
{
    const struct proj *p = ud;
    double lat, lon;

    tl_geo_direct(&TL_WGS84, p->lat0 * DEG, p->lon0 * DEG, atan2(*x, *y), hypot(*x, *y), &lat,
                  &lon, NULL);
    /* continuous longitudes around the centre; split at the antimeridian afterwards */
    *x = p->lon0 + remainder(lon / DEG - p->lon0, 360.0);
    *y = lat / DEG;
    return 1;
}

static int sites_push(struct sites_ll *s, double lon, double lat, int nat)
{
    if (s->n == s->cap) {
        int c = s->cap > 0 ? 2 * s->cap : 4096;
        double *a = realloc(s->lon, (size_t)c * sizeof *a), *b;
        int *k;
        if (a == NULL)
            return TL_ENOMEM;
        s->lon = a;
        if ((b = realloc(s->lat, (size_t)c * sizeof *b)) == NULL)
            return TL_ENOMEM;
        s->lat = b;
        if ((k = realloc(s->nat, (size_t)c * sizeof *k)) == NULL)
            return TL_ENOMEM;
        s->nat = k;
        s->cap = c;
    }
    s->lon[s->n] = lon;
    s->lat[s->n] = lat;
    s->nat[s->n++] = nat;
    return TL_OK;
}

static int ring_sites(GEOSContextHandle_t ctx, const GEOSGeometry *ring, int nat,
                      struct sites_ll *s)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx, ring);
    unsigned n = 0;
    int rc = TL_OK;

    if (cs == NULL || GEOSCoordSeq_getSize_r(ctx, cs, &n) != 1)
        return TL_ENOMEM;
    for (unsigned i = 0; i + 1 < n && rc == TL_OK; i++) { /* the last repeats the first */
        double x, y;
        GEOSCoordSeq_getXY_r(ctx, cs, i, &x, &y);
        rc = sites_push(s, x, y, nat);
    }
    return rc;
}

/* Every ring vertex of @p g, densified to SITE_DEG, as a site of nation @p nat. */
static int sites_add(GEOSContextHandle_t ctx, const GEOSGeometry *g, int nat, struct sites_ll *s)
{
    GEOSGeometry *d = GEOSDensify_r(ctx, g, SITE_DEG);
    const GEOSGeometry **v = NULL;
    int n = 0, cap = 0, rc;

    if (d == NULL)
        return TL_ENOMEM;
    rc = tl__polygons_of(ctx, d, &v, &n, &cap);
    for (int k = 0; k < n && rc == TL_OK; k++) {
        int holes = GEOSGetNumInteriorRings_r(ctx, v[k]);
        rc = ring_sites(ctx, GEOSGetExteriorRing_r(ctx, v[k]), nat, s);
        for (int h = 0; h < holes && rc == TL_OK; h++)
            rc = ring_sites(ctx, GEOSGetInteriorRingN_r(ctx, v[k], h), nat, s);
    }
    free((void *)v);
    GEOSGeom_destroy_r(ctx, d);
    return rc;
}

static int site_dist(const void *a, const void *b, double *d, void *ud)
{
    const struct site *p = a, *q = b;

    (void)ud;
    *d = hypot(p->x - q->x, p->y - q->y);
    return 1;
}

/* The union of the Voronoi cells of the own sites (own = 1) or of the others' (own = 0) that
 * meet @p env, in the projected plane. */
static GEOSGeometry *voronoi_side(GEOSContextHandle_t ctx, const struct site *st, int n,
                                  const GEOSGeometry *env, int own)
{
    GEOSGeometry **pts = malloc((size_t)n * sizeof *pts), *mp, *vor, *u = NULL, **keep;
    GEOSSTRtree *tree = GEOSSTRtree_create_r(ctx, 10);
    int nk = 0, ncell;

    if (pts == NULL || tree == NULL)
        goto out_pts;
    for (int i = 0; i < n; i++) {
        pts[i] = GEOSGeom_createPointFromXY_r(ctx, st[i].x, st[i].y);
        GEOSSTRtree_insert_r(ctx, tree, pts[i], (void *)&st[i]);
    }
    mp = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOINT, pts, (unsigned)n);
    vor = mp != NULL ? GEOSVoronoiDiagram_r(ctx, mp, env, 0.0, 0) : NULL;
    ncell = vor != NULL ? GEOSGetNumGeometries_r(ctx, vor) : 0;
    keep = malloc((size_t)(ncell > 0 ? ncell : 1) * sizeof *keep);
    for (int c = 0; keep != NULL && c < ncell; c++) {
        const GEOSGeometry *cell = GEOSGetGeometryN_r(ctx, vor, c);
        GEOSGeometry *ip = GEOSPointOnSurface_r(ctx, cell);
        struct site q = { 0, 0, 0 };
        const struct site *near;
        if (ip == NULL)
            continue;
        GEOSGeomGetX_r(ctx, ip, &q.x);
        GEOSGeomGetY_r(ctx, ip, &q.y);
        near = GEOSSTRtree_nearest_generic_r(ctx, tree, &q, ip, site_dist, NULL);
        GEOSGeom_destroy_r(ctx, ip);
        if (near != NULL && near->own == own)
            keep[nk++] = GEOSGeom_clone_r(ctx, cell);
    }
    if (keep != NULL) {
        GEOSGeometry *coll = GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, keep,
                                                         (unsigned)nk);
        u = coll != NULL ? GEOSUnaryUnion_r(ctx, coll) : NULL;
        GEOSGeom_destroy_r(ctx, coll);
        free(keep);
    }
    GEOSGeom_destroy_r(ctx, vor);
    GEOSSTRtree_destroy_r(ctx, tree);
    GEOSGeom_destroy_r(ctx, mp); /* owns the points */
    free(pts);
    return u;

out_pts:
    if (tree != NULL)
        GEOSSTRtree_destroy_r(ctx, tree);
    free(pts);
    return NULL;
}

/* Projected sites within REACH_M of the cell (by a box test with margin). */
static struct site *cell_sites(const struct sites_ll *s, int own_nat, const struct proj *pj,
                               double half_deg, int *n_out, int *n_other)
{
    struct site *st = malloc((size_t)(s->n > 0 ? s->n : 1) * sizeof *st);
    double dlat = half_deg + REACH_M / 111e3 + 0.5;
    double coslat = cos(fmin(89.0, fabs(pj->lat0) + dlat) * DEG);
    double dlon = fmin(180.0, half_deg / cos(fmin(89.0, fabs(pj->lat0) + half_deg) * DEG) +
                                  (REACH_M / 111e3 + 0.5) / fmax(coslat, 0.02));
    int n = 0, no = 0;

    if (st == NULL)
        return NULL;
    for (int i = 0; i < s->n; i++) {
        double x = s->lon[i], y = s->lat[i];
        if (fabs(y - pj->lat0) > dlat || fabs(remainder(x - pj->lon0, 360.0)) > dlon)
            continue;
        fwd(&x, &y, (void *)pj);
        if (hypot(x, y) > REACH_M + half_deg * 1.5 * 111e3)
            continue;
        st[n].x = x;
        st[n].y = y;
        st[n].own = s->nat[i] == own_nat;
        no += !st[n].own;
        n++;
    }
    *n_out = n;
    *n_other = no;
    return st;
}

static int shift_x(double *x, double *y, void *ud)
{
    (void)y;
    *x += *(const double *)ud;
    return 1;
}

/* Moves @p g (lon/lat with continuous longitudes) into [-180, 180], appending the pieces to
 * @p v. @p g is borrowed. */
static int split_antimeridian(GEOSContextHandle_t ctx, const GEOSGeometry *g, GEOSGeometry ***v,
                              int *n, int *cap)
{
    for (int k = -1; k <= 1; k++) {
        double off = 360.0 * k, back = -off;
        GEOSGeometry *c = GEOSClipByRect_r(ctx, g, -180.0 + off, -90.0, 180.0 + off, 90.0), *m;
        if (c == NULL)
            return TL_ENOMEM;
        if (GEOSisEmpty_r(ctx, c) == 1 || GEOSGeomTypeId_r(ctx, c) == GEOS_POINT ||
            GEOSGeomTypeId_r(ctx, c) == GEOS_LINESTRING) {
            GEOSGeom_destroy_r(ctx, c);
            continue;
        }
        m = c;
        if (k != 0) {
            m = GEOSGeom_transformXY_r(ctx, c, shift_x, &back);
            GEOSGeom_destroy_r(ctx, c);
        }
        if (m == NULL)
            return TL_ENOMEM;
        if (*n == *cap) {
            int nc = *cap > 0 ? 2 * *cap : 64;
            GEOSGeometry **p = realloc(*v, (size_t)nc * sizeof *p);
            if (p == NULL) {
                GEOSGeom_destroy_r(ctx, m);
                return TL_ENOMEM;
            }
            *v = p;
            *cap = nc;
        }
        (*v)[(*n)++] = m;
    }
    return TL_OK;
}

struct build {
    GEOSContextHandle_t ctx;
    struct tl__feature *f; /* land features, then the coasts' */
    int nf;
    int *nat; /* per feature: index into nations */
    char (*nations)[4];
    int nn;
    struct sites_ll s;
};

/* The own land of the cell [x0, x0 + CELL_DEG) x [y0, y0 + CELL_DEG), projected, or NULL. */
static GEOSGeometry *cell_land(const struct build *b, int own, double x0, double y0,
                               const struct proj *pj)
{
    GEOSContextHandle_t ctx = b->ctx;
    GEOSGeometry **v = malloc((size_t)b->nf * sizeof *v), *coll, *proj, *u;
    int n = 0;

    if (v == NULL)
        return NULL;
    for (int i = 0; i < b->nf; i++) {
        double a0, a1, c0, c1;
        GEOSGeometry *c;
        if (b->nat[i] != own)
            continue;
        GEOSGeom_getXMin_r(ctx, b->f[i].geom, &a0);
        GEOSGeom_getXMax_r(ctx, b->f[i].geom, &a1);
        GEOSGeom_getYMin_r(ctx, b->f[i].geom, &c0);
        GEOSGeom_getYMax_r(ctx, b->f[i].geom, &c1);
        if (a1 < x0 || a0 > x0 + CELL_DEG || c1 < y0 || c0 > y0 + CELL_DEG)
            continue;
        c = GEOSClipByRect_r(ctx, b->f[i].geom, x0, y0, x0 + CELL_DEG, y0 + CELL_DEG);
        if (c != NULL && GEOSisEmpty_r(ctx, c) == 0 && GEOSArea_r(ctx, c, &a0) == 1 && a0 > 0)
            v[n++] = c;
        else
            GEOSGeom_destroy_r(ctx, c);
    }
    if (n == 0) {
        free(v);
        return NULL;
    }
    coll = GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, v, (unsigned)n);
    free(v);
    proj = coll != NULL ? GEOSGeom_transformXY_r(ctx, coll, fwd, (void *)pj) : NULL;
    GEOSGeom_destroy_r(ctx, coll);
    u = proj != NULL ? GEOSUnaryUnion_r(ctx, proj) : NULL;
    GEOSGeom_destroy_r(ctx, proj);
    return u;
}

/* The zone of one cell, appended (in lon/lat, split at the antimeridian) to @p v. */
static int cell_zone(const struct build *b, int own, double x0, double y0, GEOSGeometry ***v,
                     int *n, int *cap)
{
    GEOSContextHandle_t ctx = b->ctx;
    struct proj pj = { y0 + CELL_DEG / 2, x0 + CELL_DEG / 2 };
    GEOSGeometry *land = cell_land(b, own, x0, y0, &pj), *buf, *zone, *dense, *ll;
    struct site *st;
    int ns, no, rc;

    if (land == NULL)
        return TL_OK; /* no own land here (or out of memory: the zone is then smaller) */
    buf = GEOSBuffer_r(ctx, land, EEZ_M, 16);
    GEOSGeom_destroy_r(ctx, land);
    if (buf == NULL)
        return TL_ENOMEM;
    if ((st = cell_sites(&b->s, own, &pj, CELL_DEG / 2, &ns, &no)) == NULL) {
        GEOSGeom_destroy_r(ctx, buf);
        return TL_ENOMEM;
    }
    zone = buf;
    if (no > 0) {
        GEOSGeometry *env = GEOSEnvelope_r(ctx, buf);
        /* The smaller side of the diagram is united: others subtracted, or own intersected. */
        int keep_own = ns - no < no;
        GEOSGeometry *side = env != NULL ? voronoi_side(ctx, st, ns, env, keep_own) : NULL;
        GEOSGeom_destroy_r(ctx, env);
        zone = side == NULL ? NULL
               : keep_own   ? GEOSIntersection_r(ctx, buf, side)
                            : GEOSDifference_r(ctx, buf, side);
        GEOSGeom_destroy_r(ctx, side);
        GEOSGeom_destroy_r(ctx, buf);
    }
    free(st);
    if (zone == NULL)
        return TL_ENOMEM;
    dense = GEOSDensify_r(ctx, zone, 10000.0); /* 10 km edges: near-geodesic once unprojected */
    GEOSGeom_destroy_r(ctx, zone);
    ll = dense != NULL ? GEOSGeom_transformXY_r(ctx, dense, inv, &pj) : NULL;
    GEOSGeom_destroy_r(ctx, dense);
    if (ll == NULL)
        return TL_ENOMEM;
    rc = split_antimeridian(ctx, ll, v, n, cap);
    GEOSGeom_destroy_r(ctx, ll);
    return rc;
}

/* All land meeting @p zone's box, united, lon/lat. */
static GEOSGeometry *land_near(const struct build *b, const GEOSGeometry *zone)
{
    GEOSContextHandle_t ctx = b->ctx;
    GEOSGeometry **v = malloc((size_t)b->nf * sizeof *v), *coll, *u;
    double x0, x1, y0, y1;
    int n = 0;

    if (v == NULL)
        return NULL;
    GEOSGeom_getXMin_r(ctx, zone, &x0);
    GEOSGeom_getXMax_r(ctx, zone, &x1);
    GEOSGeom_getYMin_r(ctx, zone, &y0);
    GEOSGeom_getYMax_r(ctx, zone, &y1);
    for (int i = 0; i < b->nf; i++) {
        GEOSGeometry *c = GEOSClipByRect_r(ctx, b->f[i].geom, x0, y0, x1, y1);
        if (c != NULL && GEOSisEmpty_r(ctx, c) == 0)
            v[n++] = c;
        else
            GEOSGeom_destroy_r(ctx, c);
    }
    coll = GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, v, (unsigned)n);
    free(v);
    u = coll != NULL ? GEOSUnaryUnion_r(ctx, coll) : NULL;
    GEOSGeom_destroy_r(ctx, coll);
    return u;
}

/* The polygons of @p g of at least 10 km^2: what remains of the gaps between adjacent land
 * polygons (the vendoring simplified each region's border on its own) is not sea. */
static GEOSGeometry *drop_slivers(GEOSContextHandle_t ctx, const GEOSGeometry *g)
{
    const GEOSGeometry **v = NULL;
    GEOSGeometry **keep, *m = NULL;
    int n = 0, cap = 0, nk = 0;

    if (tl__polygons_of(ctx, g, &v, &n, &cap) != TL_OK ||
        (keep = malloc((size_t)(n > 0 ? n : 1) * sizeof *keep)) == NULL) {
        free((void *)v);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        double a = 0, y0 = 0, y1 = 0;
        GEOSArea_r(ctx, v[i], &a);
        GEOSGeom_getYMin_r(ctx, v[i], &y0);
        GEOSGeom_getYMax_r(ctx, v[i], &y1);
        if (a * cos(0.5 * (y0 + y1) * DEG) * 111.32 * 111.32 >= 10.0)
            keep[nk++] = GEOSGeom_clone_r(ctx, v[i]);
    }
    m = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, keep, (unsigned)nk);
    free(keep);
    free((void *)v);
    return m;
}

/* The EEZ of nation index @p own: the cells' zones united, land subtracted, on a 1e-4 degree
 * grid (as the land files), valid. */
static GEOSGeometry *nation_zone(const struct build *b, int own)
{
    GEOSContextHandle_t ctx = b->ctx;
    GEOSGeometry **v = NULL, *coll, *u, *land, *sea, *out;
    int n = 0, cap = 0, rc = TL_OK;

    for (double y0 = -90.0; y0 < 90.0 && rc == TL_OK; y0 += CELL_DEG)
        for (double x0 = -180.0; x0 < 180.0 && rc == TL_OK; x0 += CELL_DEG)
            rc = cell_zone(b, own, x0, y0, &v, &n, &cap);
    if (rc != TL_OK || n == 0) {
        for (int i = 0; i < n; i++)
            GEOSGeom_destroy_r(ctx, v[i]);
        free(v);
        return NULL;
    }
    coll = GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, v, (unsigned)n);
    free(v);
    u = coll != NULL ? GEOSUnaryUnion_r(ctx, coll) : NULL;
    GEOSGeom_destroy_r(ctx, coll);
    if (u == NULL)
        return NULL;
    land = land_near(b, u);
    sea = land != NULL ? GEOSDifference_r(ctx, u, land) : NULL;
    GEOSGeom_destroy_r(ctx, land);
    GEOSGeom_destroy_r(ctx, u);
    u = sea != NULL ? GEOSGeom_setPrecision_r(ctx, sea, 1e-4, 0) : NULL;
    GEOSGeom_destroy_r(ctx, sea);
    out = u != NULL ? drop_slivers(ctx, u) : NULL;
    GEOSGeom_destroy_r(ctx, u);
    return out;
}

static const char *nation_name(const char *code)
{
    static const char *const names[][2] = { { "JP", "Japan" },
                                            { "KR", "South Korea" },
                                            { "KP", "North Korea" },
                                            { "US", "United States" } };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], code) == 0)
            return names[i][1];
    return code;
}

static int nation_index(struct build *b, const char *code)
{
    for (int i = 0; i < b->nn; i++)
        if (strcmp(b->nations[i], code) == 0)
            return i;
    memcpy(b->nations[b->nn], code, sizeof b->nations[0]);
    return b->nn++;
}

/* One Feature for the zone @p g of nation @p code. */
static json_t *zone_feature(GEOSContextHandle_t ctx, const GEOSGeometry *g, const char *code)
{
    GEOSGeoJSONWriter *w = GEOSGeoJSONWriter_create_r(ctx);
    char *text = w != NULL ? GEOSGeoJSONWriter_writeGeometry_r(ctx, w, g, -1) : NULL;
    json_t *geom = text != NULL ? json_loads(text, 0, NULL) : NULL;
    json_t *f = geom != NULL ? json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s}, s:o}", "type",
                                         "Feature", "properties", "code", code, "nation", code,
                                         "kind", "eez", "name", nation_name(code), "name_local",
                                         "", "geometry", geom)
                                : NULL;

    if (text != NULL)
        GEOSFree_r(ctx, text);
    if (w != NULL)
        GEOSGeoJSONWriter_destroy_r(ctx, w);
    return f;
}

static int build_read(struct build *b, const char *land_path, const char *coasts_path,
                      struct tl_diag *diag)
{
    struct tl__feature *l = NULL, *c = NULL;
    int nl = 0, nc = 0, rc;

    if ((rc = tl__features_read(b->ctx, land_path, 1, &l, &nl, diag)) != TL_OK)
        return rc;
    if ((rc = tl__features_read(b->ctx, coasts_path, 0, &c, &nc, diag)) != TL_OK) {
        tl__features_free(b->ctx, l, nl);
        return rc;
    }
    b->f = realloc(l, (size_t)(nl + nc) * sizeof *b->f);
    b->nat = malloc((size_t)(nl + nc) * sizeof *b->nat);
    b->nations = malloc((size_t)(nl + nc) * sizeof *b->nations);
    if (b->f == NULL || b->nat == NULL || b->nations == NULL) {
        if (b->f == NULL)
            b->f = l, b->nf = nl;
        tl__features_free(b->ctx, c, nc);
        return TL_ENOMEM;
    }
    memcpy(b->f + nl, c, (size_t)nc * sizeof *c); /* geometries move */
    free(c);
    b->nf = nl + nc;
    for (int i = 0; i < b->nf && rc == TL_OK; i++) {
        b->nat[i] = nation_index(b, b->f[i].nation);
        rc = sites_add(b->ctx, b->f[i].geom, b->nat[i], &b->s);
    }
    return rc;
}

static int build_write(struct build *b, const char *nations, const char *path,
                       struct tl_diag *diag)
{
    json_t *root = json_pack("{s:s, s:[]}", "type", "FeatureCollection", "features");
    json_t *feats = json_object_get(root, "features");
    const char *p = nations;
    int rc = TL_OK;

    if (root == NULL)
        return TL_ENOMEM;
    while (*p != '\0' && rc == TL_OK) {
        char code[4] = "";
        size_t len = strcspn(p, ",");
        int own = -1;
        GEOSGeometry *z;
        if (len == 0 || len >= sizeof code) {
            rc = tl__diag_set(diag, TL_EINVAL, "", "nations", "bad nation list \"%s\"", nations);
            break;
        }
        memcpy(code, p, len);
        p += len + (p[len] == ',');
        for (int i = 0; i < b->nn; i++)
            if (strcmp(b->nations[i], code) == 0)
                own = i;
        if (own < 0) {
            rc = tl__diag_set(diag, TL_EINVAL, "", "nations", "no land of nation \"%s\"", code);
            break;
        }
        if ((z = nation_zone(b, own)) == NULL) {
            rc = TL_ENOMEM;
            break;
        }
        if (json_array_append_new(feats, zone_feature(b->ctx, z, code)) != 0)
            rc = TL_ENOMEM;
        GEOSGeom_destroy_r(b->ctx, z);
    }
    if (rc == TL_OK && json_dump_file(root, path, JSON_COMPACT | JSON_REAL_PRECISION(9)) != 0)
        rc = tl__diag_set(diag, TL_EIO, path, "", "cannot write");
    json_decref(root);
    return rc;
}

int tl_areas_eez_build(const char *land_geojson, const char *other_coasts_geojson,
                       const char *nations, const char *eez_geojson, struct tl_diag *diag)
{
    struct build b;
    int rc;

    if (land_geojson == NULL || other_coasts_geojson == NULL || nations == NULL ||
        eez_geojson == NULL || nations[0] == '\0')
        return TL_EINVAL;
    memset(&b, 0, sizeof b);
    if ((b.ctx = tl__geos_init()) == NULL)
        return TL_ENOMEM;
    rc = build_read(&b, land_geojson, other_coasts_geojson, diag);
    if (rc == TL_OK)
        rc = build_write(&b, nations, eez_geojson, diag);
    tl__features_free(b.ctx, b.f, b.nf);
    free(b.nat);
    free(b.nations);
    free(b.s.lon);
    free(b.s.lat);
    free(b.s.nat);
    GEOS_finish_r(b.ctx);
    return rc;
}
