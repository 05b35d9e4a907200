/* Areas that warnings name: land (ISO 3166-2 admin-1 regions from Natural Earth 10m) and each
 * warning nation's exclusive economic zone (approximated by the law's own definition: sea
 * within 200 nautical miles of the nation's coast and nearer to it than to any other state's
 * coast). Geometry by GEOS; coordinates are WGS-84 geodetic, radians at this interface. */
#ifndef TRILINK_AREAS_H
#define TRILINK_AREAS_H

#include "trilink/api.h"
#include "trilink/err.h"

enum tl_area_kind { TL_AREA_LAND = 0, TL_AREA_EEZ = 1 };

/** One area. */
struct tl_area_info {
    char code[16];        /**< ISO 3166-2 ("JP-02") for land; ISO alpha-2 ("JP") for an EEZ */
    char nation[4];       /**< ISO alpha-2 of the state it belongs to ("JP", "KR", "KP", "US") */
    enum tl_area_kind kind;
    char name[64];        /**< English name ("Aomori"; "Japan" for Japan's EEZ) */
    char name_local[128]; /**< name in the nation's language, UTF-8 ("青森県", "서울특별시"); ""
                               when the data has none (US areas) */
    double lat_min_rad, lat_max_rad, lon_min_rad, lon_max_rad; /**< bounding box */
    double lat_c_rad, lon_c_rad; /**< a point inside the area (GEOSPointOnSurface), for text */
};

struct tl_areas; /* opaque: the areas with their prepared GEOS geometries */

/**
 * Loads the areas of @p dir: `land.geojson` and `eez.geojson` (as written by
 * scripts/vendor-areas). Every feature is checked (code, nation, kind, a valid polygon); a bad
 * file gives TL_EPARSE with the file, feature index and field in @p diag.
 * @retval TL_OK, TL_EINVAL, TL_EIO, TL_EPARSE, TL_ENOMEM.
 */
TL_API int tl_areas_load(const char *dir, struct tl_areas **out, struct tl_diag *diag);
TL_API void tl_areas_destroy(struct tl_areas *a);

TL_API int tl_areas_count(const struct tl_areas *a);
TL_API const struct tl_area_info *tl_areas_get(const struct tl_areas *a, int i);
/** Index of the area with @p code and @p kind, or -1. */
TL_API int tl_areas_find(const struct tl_areas *a, const char *code, enum tl_area_kind kind);

/** Indices of the areas containing the point, at most @p max of them written to @p idx;
 * returns how many contain it (land and EEZ areas do not overlap: an EEZ is sea only). */
TL_API int tl_areas_at(const struct tl_areas *a, double lat_rad, double lon_rad, int *idx, int max);

/**
 * For @p n points, adds to @p hits[i] (an array of tl_areas_count() ints, not cleared) the number
 * of points inside area i. Only areas whose bounding box meets the points' are tested.
 * @retval TL_OK, TL_EINVAL (NaN coordinates), TL_ENOMEM.
 */
TL_API int tl_areas_count_inside(const struct tl_areas *a, int n, const double *lat_rad,
                                 const double *lon_rad, int *hits);

/**
 * Marks in @p hit[i] (tl_areas_count() bytes, not cleared: set to 1 on a hit) each area that the
 * polyline of @p n vertices crosses or touches. The line is split where it crosses the
 * antimeridian. @retval TL_OK, TL_EINVAL, TL_ENOMEM.
 */
TL_API int tl_areas_line_hits(const struct tl_areas *a, int n, const double *lat_rad,
                              const double *lon_rad, unsigned char *hit);

/**
 * The area's outline simplified (GEOS topology-preserving simplification, tolerance
 * @p tol_m metres) for a CAP `polygon`: its largest polygon's exterior ring, closed (first
 * vertex = last), as latitude, longitude pairs in degrees, at most @p max_points pairs (the
 * tolerance is doubled until it fits). Returns the number of pairs (>= 4), or -1.
 */
TL_API int tl_areas_outline(const struct tl_areas *a, int i, double tol_m, double *latlon_deg,
                            int max_points);

/**
 * The nearest area of @p kind belonging to @p nation ("" any) to the point: its index (-1 when
 * none), with the geodesic distance from the point to the area in @p dist_m (0 inside) and the
 * azimuth from the area's nearest point to the point in @p az_rad (for "250 km west of Aomori").
 */
TL_API int tl_areas_nearest(const struct tl_areas *a, double lat_rad, double lon_rad,
                            const char *nation, enum tl_area_kind kind, double *dist_m,
                            double *az_rad);

/**
 * Builds exclusive economic zones by the definition of UNCLOS art. 57 and 15, approximated:
 * for each nation of the comma-separated @p nations ("JP,KR,US"), the sea within 200 nautical
 * miles (370,400 m) of its land (every feature of @p land_geojson with that iso_a2 / nation) and
 * nearer to it than to any other state's land (every other feature of @p land_geojson and of
 * @p other_coasts_geojson: the neighbours' coasts, one feature per state), i.e. inside the
 * equidistance line. Writes one Feature per nation to @p eez_geojson (properties code, nation,
 * kind "eez", name).
 * @retval TL_OK, TL_EINVAL, TL_EIO, TL_EPARSE, TL_ENOMEM.
 */
TL_API int tl_areas_eez_build(const char *land_geojson, const char *other_coasts_geojson,
                              const char *nations, const char *eez_geojson,
                              struct tl_diag *diag);

#endif
