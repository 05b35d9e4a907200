/* The warning areas (trilink/areas.h): land regions and EEZs as prepared GEOS geometries.
 * Each area is split into its polygons ("parts"), each with its bounding box and prepared
 * geometry, and a 1-degree grid lists the parts whose box meets each cell: a point is tested
 * only against the parts of its cell, so Tokyo's far islands or Alaska's Aleutians cost nothing
 * for a point off Aomori. A tl_areas owns one GEOS context and is not to be used by two threads
 * at once (GEOS contexts are not thread-safe; prepared geometries build their index lazily). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "areas_int.h"
#include "trilink/geo.h"

#define GRID_W 360 /* 1-degree cells, lon -180..180 */
#define GRID_H 180

struct part {
    double x0, y0, x1, y1; /* bounding box, degrees */
    int area;
    const GEOSGeometry *g; /* borrowed from the area's geometry */
    const GEOSPreparedGeometry *pg;
};

struct tl_areas {
    GEOSContextHandle_t ctx;
    int n;
    struct tl_area_info *info;
    GEOSGeometry **geom; /* one (Multi)Polygon per area, lon/lat degrees */
    int nparts;
    struct part *parts;
    int *cell_start; /* GRID_W * GRID_H + 1 offsets into cell_parts (CSR) */
    int *cell_parts;
    int *stamp; /* per area: the last point that hit it (count_inside's dedup) */
};

static const double DEG = 3.14159265358979323846 / 180.0;

static int cell_x(double lon_deg)
{
    int x = (int)floor(lon_deg + 180.0);
    return x < 0 ? 0 : x >= GRID_W ? GRID_W - 1 : x;
}

static int cell_y(double lat_deg)
{
    int y = (int)floor(lat_deg + 90.0);
    return y < 0 ? 0 : y >= GRID_H ? GRID_H - 1 : y;
}

static int build_grid(struct tl_areas *a)
{
    size_t ncell = (size_t)GRID_W * GRID_H, total = 0;
    int *fill;

    a->cell_start = calloc(ncell + 1, sizeof *a->cell_start);
    if (a->cell_start == NULL)
        return TL_ENOMEM;
    for (int pass = 0; pass < 2; pass++) {
        for (int p = 0; p < a->nparts; p++) {
            const struct part *q = &a->parts[p];
            for (int y = cell_y(q->y0); y <= cell_y(q->y1); y++)
                for (int x = cell_x(q->x0); x <= cell_x(q->x1); x++) {
                    size_t c = (size_t)y * GRID_W + (size_t)x;
                    if (pass == 0)
                        a->cell_start[c + 1]++;
                    else
                        a->cell_parts[a->cell_start[c] + fill[c]++] = p;
                }
        }
        if (pass == 0) {
            for (size_t c = 0; c < ncell; c++)
                a->cell_start[c + 1] += a->cell_start[c];
            total = (size_t)a->cell_start[ncell];
            a->cell_parts = malloc((total > 0 ? total : 1) * sizeof *a->cell_parts);
            fill = calloc(ncell, sizeof *fill);
            if (a->cell_parts == NULL || fill == NULL) {
                free(fill);
                return TL_ENOMEM;
            }
        }
    }
    free(fill);
    return TL_OK;
}

/* The area's description and its parts, from its geometry. */
static int add_parts(struct tl_areas *a, int i, int *cap)
{
    GEOSContextHandle_t ctx = a->ctx;
    const GEOSGeometry **v = NULL;
    int n = 0, vcap = 0;
    struct tl_area_info *d = &a->info[i];
    double x0, y0, x1, y1, cx = 0, cy = 0;
    GEOSGeometry *pos;

    if (tl__polygons_of(ctx, a->geom[i], &v, &n, &vcap) != TL_OK)
        return TL_ENOMEM;
    if (a->nparts + n > *cap) {
        int c = 2 * (a->nparts + n);
        struct part *p = realloc(a->parts, (size_t)c * sizeof *p);
        if (p == NULL) {
            free((void *)v);
            return TL_ENOMEM;
        }
        a->parts = p;
        *cap = c;
    }
    for (int k = 0; k < n; k++) {
        struct part *q = &a->parts[a->nparts];
        GEOSGeom_getXMin_r(ctx, v[k], &q->x0);
        GEOSGeom_getYMin_r(ctx, v[k], &q->y0);
        GEOSGeom_getXMax_r(ctx, v[k], &q->x1);
        GEOSGeom_getYMax_r(ctx, v[k], &q->y1);
        q->area = i;
        q->g = v[k];
        if ((q->pg = GEOSPrepare_r(ctx, v[k])) == NULL) {
            free((void *)v);
            return TL_ENOMEM;
        }
        a->nparts++;
    }
    free((void *)v);
    GEOSGeom_getXMin_r(ctx, a->geom[i], &x0);
    GEOSGeom_getYMin_r(ctx, a->geom[i], &y0);
    GEOSGeom_getXMax_r(ctx, a->geom[i], &x1);
    GEOSGeom_getYMax_r(ctx, a->geom[i], &y1);
    d->lat_min_rad = y0 * DEG;
    d->lat_max_rad = y1 * DEG;
    d->lon_min_rad = x0 * DEG;
    d->lon_max_rad = x1 * DEG;
    if ((pos = GEOSPointOnSurface_r(ctx, a->geom[i])) != NULL) {
        GEOSGeomGetX_r(ctx, pos, &cx);
        GEOSGeomGetY_r(ctx, pos, &cy);
        GEOSGeom_destroy_r(ctx, pos);
    }
    d->lat_c_rad = cy * DEG;
    d->lon_c_rad = cx * DEG;
    return TL_OK;
}

/* Moves the features of one file into @p a (their geometries change owner). */
static int take_features(struct tl_areas *a, struct tl__feature *f, int n, const char *path,
                         const char *kind, struct tl_diag *diag)
{
    struct tl_area_info *info = realloc(a->info, (size_t)(a->n + n) * sizeof *info);
    GEOSGeometry **geom = realloc(a->geom, (size_t)(a->n + n) * sizeof *geom);

    if (info != NULL)
        a->info = info;
    if (geom != NULL)
        a->geom = geom;
    if (info == NULL || geom == NULL)
        return TL_ENOMEM;
    for (int k = 0; k < n; k++)
        if (strcmp(f[k].kind, kind) != 0) {
            char field[64];
            snprintf(field, sizeof field, "features[%d].properties.kind", k);
            return tl__diag_set(diag, TL_EPARSE, path, field, "\"%s\" in a file of \"%s\" areas",
                                f[k].kind, kind);
        }
    for (int k = 0; k < n; k++) {
        struct tl_area_info *d = &a->info[a->n];
        memset(d, 0, sizeof *d);
        memcpy(d->code, f[k].code, sizeof d->code);
        memcpy(d->nation, f[k].nation, sizeof d->nation);
        memcpy(d->name, f[k].name, sizeof d->name);
        memcpy(d->name_local, f[k].name_local, sizeof d->name_local);
        d->kind = strcmp(kind, "eez") == 0 ? TL_AREA_EEZ : TL_AREA_LAND;
        a->geom[a->n++] = f[k].geom;
        f[k].geom = NULL;
    }
    return TL_OK;
}

static int load_file(struct tl_areas *a, const char *dir, const char *file, const char *kind,
                     struct tl_diag *diag)
{
    char path[4096];
    struct tl__feature *f = NULL;
    int n = 0, rc;

    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
        return tl__diag_set(diag, TL_EINVAL, dir, "dir", "path too long");
    if ((rc = tl__features_read(a->ctx, path, 1, &f, &n, diag)) != TL_OK)
        return rc;
    rc = take_features(a, f, n, path, kind, diag);
    tl__features_free(a->ctx, f, n);
    return rc;
}

int tl_areas_load(const char *dir, struct tl_areas **out, struct tl_diag *diag)
{
    struct tl_areas *a;
    int rc, cap = 0;

    if (dir == NULL || out == NULL)
        return TL_EINVAL;
    if ((a = calloc(1, sizeof *a)) == NULL)
        return TL_ENOMEM;
    if ((a->ctx = tl__geos_init()) == NULL) {
        free(a);
        return TL_ENOMEM;
    }
    if ((rc = load_file(a, dir, "land.geojson", "land", diag)) != TL_OK ||
        (rc = load_file(a, dir, "eez.geojson", "eez", diag)) != TL_OK)
        goto fail;
    for (int i = 0; i < a->n; i++)
        if ((rc = add_parts(a, i, &cap)) != TL_OK)
            goto fail;
    if ((rc = build_grid(a)) != TL_OK)
        goto fail;
    if ((a->stamp = malloc((size_t)a->n * sizeof *a->stamp)) == NULL) {
        rc = TL_ENOMEM;
        goto fail;
    }
    *out = a;
    return TL_OK;

fail:
    tl_areas_destroy(a);
    return rc;
}

void tl_areas_destroy(struct tl_areas *a)
{
    if (a == NULL)
        return;
    for (int p = 0; p < a->nparts; p++)
        GEOSPreparedGeom_destroy_r(a->ctx, a->parts[p].pg);
    for (int i = 0; i < a->n; i++)
        GEOSGeom_destroy_r(a->ctx, a->geom[i]);
    free(a->parts);
    free(a->geom);
    free(a->info);
    free(a->cell_start);
    free(a->cell_parts);
    free(a->stamp);
    GEOS_finish_r(a->ctx);
    free(a);
}

int tl_areas_count(const struct tl_areas *a)
{
    return a != NULL ? a->n : 0;
}

const struct tl_area_info *tl_areas_get(const struct tl_areas *a, int i)
{
    return a != NULL && i >= 0 && i < a->n ? &a->info[i] : NULL;
}

int tl_areas_find(const struct tl_areas *a, const char *code, enum tl_area_kind kind)
{
    if (a == NULL || code == NULL)
        return -1;
    for (int i = 0; i < a->n; i++)
        if (a->info[i].kind == kind && strcmp(a->info[i].code, code) == 0)
            return i;
    return -1;
}

/* Calls @p hit for each area containing (lon, lat) degrees, at most once per area; returns the
 * number of areas, or TL_ENOMEM. @p seen is an area stamp array and @p tag this point's tag. */
static int point_areas(const struct tl_areas *a, double lon, double lat, int *seen, int tag,
                       void (*hit)(void *, int), void *ud)
{
    const size_t c = (size_t)cell_y(lat) * GRID_W + (size_t)cell_x(lon);
    GEOSGeometry *pt = NULL;
    int count = 0;

    for (int k = a->cell_start[c]; k < a->cell_start[c + 1]; k++) {
        const struct part *q = &a->parts[a->cell_parts[k]];
        if (lon < q->x0 || lon > q->x1 || lat < q->y0 || lat > q->y1 || seen[q->area] == tag)
            continue;
        if (pt == NULL && (pt = GEOSGeom_createPointFromXY_r(a->ctx, lon, lat)) == NULL)
            return TL_ENOMEM;
        if (GEOSPreparedContains_r(a->ctx, q->pg, pt) == 1) {
            seen[q->area] = tag;
            hit(ud, q->area);
            count++;
        }
    }
    GEOSGeom_destroy_r(a->ctx, pt);
    return count;
}

struct at_list {
    int *idx, max, n;
};

static void at_hit(void *ud, int area)
{
    struct at_list *l = ud;

    if (l->n < l->max)
        l->idx[l->n++] = area;
}

int tl_areas_at(const struct tl_areas *a, double lat_rad, double lon_rad, int *idx, int max)
{
    struct at_list l = { idx, idx != NULL ? max : 0, 0 };
    struct tl_areas *m = (struct tl_areas *)a; /* the stamp array is scratch, not state */

    if (a == NULL || !isfinite(lat_rad) || !isfinite(lon_rad))
        return 0;
    for (int i = 0; i < a->n; i++)
        m->stamp[i] = -1;
    {
        double lon = remainder(lon_rad / DEG, 360.0);
        int rc = point_areas(a, lon, lat_rad / DEG, m->stamp, 0, at_hit, &l);
        return rc < 0 ? 0 : rc;
    }
}

static void count_hit(void *ud, int area)
{
    ((int *)ud)[area]++;
}

int tl_areas_count_inside(const struct tl_areas *a, int n, const double *lat_rad,
                          const double *lon_rad, int *hits)
{
    struct tl_areas *m = (struct tl_areas *)a;

    if (a == NULL || n < 0 || (n > 0 && (lat_rad == NULL || lon_rad == NULL || hits == NULL)))
        return TL_EINVAL;
    for (int k = 0; k < n; k++)
        if (!isfinite(lat_rad[k]) || !isfinite(lon_rad[k]))
            return TL_EINVAL; /* checked first: hits is untouched on error */
    for (int i = 0; i < a->n; i++)
        m->stamp[i] = -1;
    for (int k = 0; k < n; k++) {
        double lon = remainder(lon_rad[k] / DEG, 360.0);
        if (point_areas(a, lon, lat_rad[k] / DEG, m->stamp, k, count_hit, hits) < 0)
            return TL_ENOMEM;
    }
    return TL_OK;
}

/* Tests one piece of the line (lon/lat degrees, not crossing the antimeridian) against the
 * parts whose box meets the piece's. */
static int piece_hits(const struct tl_areas *a, const double *xy, int n, unsigned char *hit)
{
    double x0 = xy[0], x1 = xy[0], y0 = xy[1], y1 = xy[1];
    GEOSCoordSequence *cs;
    GEOSGeometry *line;

    for (int k = 1; k < n; k++) {
        x0 = fmin(x0, xy[2 * k]);
        x1 = fmax(x1, xy[2 * k]);
        y0 = fmin(y0, xy[2 * k + 1]);
        y1 = fmax(y1, xy[2 * k + 1]);
    }
    if ((cs = GEOSCoordSeq_copyFromBuffer_r(a->ctx, xy, (unsigned)n, 0, 0)) == NULL)
        return TL_ENOMEM;
    if ((line = n == 1 ? GEOSGeom_createPoint_r(a->ctx, cs)
                       : GEOSGeom_createLineString_r(a->ctx, cs)) == NULL)
        return TL_ENOMEM;
    /* O(parts): a trajectory's box is large, so the grid would not save much here. */
    for (int p = 0; p < a->nparts; p++) {
        const struct part *q = &a->parts[p];
        if (hit[q->area] || q->x1 < x0 || q->x0 > x1 || q->y1 < y0 || q->y0 > y1)
            continue;
        if (GEOSPreparedIntersects_r(a->ctx, q->pg, line) == 1)
            hit[q->area] = 1;
    }
    GEOSGeom_destroy_r(a->ctx, line);
    return TL_OK;
}

int tl_areas_line_hits(const struct tl_areas *a, int n, const double *lat_rad,
                       const double *lon_rad, unsigned char *hit)
{
    double *xy;
    int m = 0, rc = TL_OK;

    if (a == NULL || n < 1 || lat_rad == NULL || lon_rad == NULL || hit == NULL)
        return TL_EINVAL;
    for (int k = 0; k < n; k++)
        if (!isfinite(lat_rad[k]) || !isfinite(lon_rad[k]) || fabs(lat_rad[k]) > 90.0 * DEG)
            return TL_EINVAL;
    if ((xy = malloc((size_t)(2 * n + 2) * sizeof *xy)) == NULL)
        return TL_ENOMEM;
    for (int k = 0; k < n && rc == TL_OK; k++) {
        double lon = remainder(lon_rad[k] / DEG, 360.0), lat = lat_rad[k] / DEG;
        if (m > 0) {
            double plon = xy[2 * m - 2], plat = xy[2 * m - 1], d = remainder(lon - plon, 360.0);
            if (fabs(plon + d) > 180.0) { /* crosses the antimeridian: end here, restart */
                double edge = plon + d > 0 ? 180.0 : -180.0;
                double lat_x = plat + (lat - plat) * (edge - plon) / d; /* linear in lon/lat */
                xy[2 * m] = edge;
                xy[2 * m + 1] = lat_x;
                rc = piece_hits(a, xy, m + 1, hit);
                xy[0] = -edge;
                xy[1] = lat_x;
                m = 1;
            }
        }
        xy[2 * m] = lon;
        xy[2 * m + 1] = lat;
        m++;
    }
    if (rc == TL_OK)
        rc = piece_hits(a, xy, m, hit);
    free(xy);
    return rc;
}

/* Nearest points are found by GEOS in the lon/lat plane, part by part, and each candidate's
 * distance is then the geodesic one: exact for the point found, which may differ from the true
 * geodesic nearest point where the plane's metric (lon not scaled by cos lat) misjudges which of
 * two nearly equidistant coasts is nearer; the distance is then overestimated slightly. */
int tl_areas_nearest(const struct tl_areas *a, double lat_rad, double lon_rad,
                     const char *nation, enum tl_area_kind kind, double *dist_m, double *az_rad)
{
    double best = INFINITY, best_az = 0, lon, lat;
    int best_i = -1;
    GEOSGeometry *pt;

    if (a == NULL || !isfinite(lat_rad) || !isfinite(lon_rad))
        return -1;
    lon = remainder(lon_rad / DEG, 360.0);
    lat = lat_rad / DEG;
    if ((pt = GEOSGeom_createPointFromXY_r(a->ctx, lon, lat)) == NULL)
        return -1;
    for (int p = 0; p < a->nparts; p++) {
        const struct part *q = &a->parts[p];
        const struct tl_area_info *d = &a->info[q->area];
        GEOSCoordSequence *np;
        double nx, ny, s, az;
        if (d->kind != kind || (nation != NULL && nation[0] != '\0' && strcmp(d->nation, nation) != 0))
            continue;
        if (GEOSPreparedContains_r(a->ctx, q->pg, pt) == 1) {
            best = 0;
            best_az = 0;
            best_i = q->area;
            break;
        }
        if ((np = GEOSPreparedNearestPoints_r(a->ctx, q->pg, pt)) == NULL)
            continue;
        GEOSCoordSeq_getXY_r(a->ctx, np, 0, &nx, &ny);
        GEOSCoordSeq_destroy_r(a->ctx, np);
        tl_geo_inverse(&TL_WGS84, ny * DEG, nx * DEG, lat_rad, lon_rad, &s, &az, NULL);
        if (s < best) {
            best = s;
            best_az = az;
            best_i = q->area;
        }
    }
    GEOSGeom_destroy_r(a->ctx, pt);
    if (best_i >= 0) {
        if (dist_m != NULL)
            *dist_m = best;
        if (az_rad != NULL)
            *az_rad = best_az;
    }
    return best_i;
}

/* x = lon cos(lat0), y = lat: locally isotropic degrees, for the simplification tolerance. */
static int scale_x(double *x, double *y, void *ud)
{
    (void)y;
    *x *= *(const double *)ud;
    return 1;
}

int tl_areas_outline(const struct tl_areas *a, int i, double tol_m, double *latlon_deg,
                     int max_points)
{
    const GEOSGeometry *largest = NULL;
    double best = -1, k, kinv, tol;
    GEOSGeometry *local;
    int n = -1;

    if (a == NULL || i < 0 || i >= a->n || latlon_deg == NULL || max_points < 4 ||
        !(tol_m >= 0.0))
        return -1;
    for (int p = 0; p < a->nparts; p++) {
        double ar;
        if (a->parts[p].area == i && GEOSArea_r(a->ctx, a->parts[p].g, &ar) == 1 && ar > best) {
            best = ar;
            largest = a->parts[p].g;
        }
    }
    if (largest == NULL)
        return -1;
    k = cos(a->info[i].lat_c_rad);
    kinv = 1.0 / k;
    if ((local = GEOSGeom_transformXY_r(a->ctx, GEOSGetExteriorRing_r(a->ctx, largest), scale_x,
                                        &k)) == NULL)
        return -1;
    tol = tol_m / (TL_WGS84.a * DEG); /* metres to degrees of latitude (about 111.3 km) */
    for (int iter = 0; iter < 40 && n < 0; iter++, tol = tol > 0 ? 2 * tol : 1e-6) {
        GEOSGeometry *s = GEOSTopologyPreserveSimplify_r(a->ctx, local, tol), *back;
        const GEOSCoordSequence *cs;
        unsigned size = 0;
        if (s == NULL)
            break;
        back = GEOSGeom_transformXY_r(a->ctx, s, scale_x, &kinv);
        GEOSGeom_destroy_r(a->ctx, s);
        if (back == NULL)
            break;
        cs = GEOSGeom_getCoordSeq_r(a->ctx, back);
        if (cs != NULL && GEOSCoordSeq_getSize_r(a->ctx, cs, &size) == 1 && size >= 4 &&
            size <= (unsigned)max_points) {
            for (unsigned v = 0; v < size; v++)
                GEOSCoordSeq_getXY_r(a->ctx, cs, v, &latlon_deg[2 * v + 1], &latlon_deg[2 * v]);
            n = (int)size;
        }
        GEOSGeom_destroy_r(a->ctx, back);
    }
    GEOSGeom_destroy_r(a->ctx, local);
    return n;
}
