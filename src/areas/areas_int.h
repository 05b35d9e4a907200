/* Internals of the areas layer: GeoJSON features read with jansson into GEOS geometries, shared
 * by the loader (areas.c) and the EEZ builder (eez.c). */
#ifndef TL_AREAS_INT_H
#define TL_AREAS_INT_H

#include <geos_c.h>

#include "trilink/areas.h"

/** One feature of a GeoJSON FeatureCollection: its properties and its polygonal geometry. */
struct tl__feature {
    char code[16], nation[4], kind[8], name[64], name_local[128];
    GEOSGeometry *geom; /**< Polygon or MultiPolygon, lon/lat degrees, valid (made valid) */
};

/**
 * Reads every feature of the FeatureCollection in @p path. @p need_kind: 1 requires a kind of
 * "land" or "eez" (the areas files), 0 accepts any kind (coasts). On error nothing is returned
 * and @p diag names the file, the feature index and the field.
 * @retval TL_OK, TL_EIO, TL_EPARSE, TL_ENOMEM.
 */
int tl__features_read(GEOSContextHandle_t ctx, const char *path, int need_kind,
                      struct tl__feature **out, int *n_out, struct tl_diag *diag);
void tl__features_free(GEOSContextHandle_t ctx, struct tl__feature *f, int n);

/** The polygons of @p g (itself when a Polygon), appended to @p v (resized as needed); the
 * entries borrow from @p g. @retval TL_OK, TL_ENOMEM. */
int tl__polygons_of(GEOSContextHandle_t ctx, const GEOSGeometry *g, const GEOSGeometry ***v,
                    int *n, int *cap);

int tl__diag_set(struct tl_diag *diag, int rc, const char *file, const char *field,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/** A GEOS context whose notices and errors are kept (not printed): the library never prints. */
GEOSContextHandle_t tl__geos_init(void);

#endif
