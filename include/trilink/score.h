/* Scoring a tracker's output against the truth: the figures tracking engineers compare. */
#ifndef TRILINK_SCORE_H
#define TRILINK_SCORE_H

#include <stddef.h>

#include "trilink/api.h"
#include "trilink/err.h"

#define TL_SCORE_MAX_OBJECTS 64

/** Per truth object. */
struct tl_score_object {
    char id[32];
    int tracks;               /**< distinct confirmed tracks assigned to it over time */
    int swaps;                /**< changes of the assigned track number */
    double pos_rmse_m, vel_rmse_mps;
    double first_seen_s;      /**< first track row (any status) within the cutoff, NaN if none */
    double confirmed_s;       /**< first confirmed row within the cutoff */
    double launch_err_m;      /**< last assessment's launch point against the pad, NaN if none */
    double burnout_s;         /**< truth: end of boost */
    double ipp_miss_m[3];     /**< impact-point miss at burnout + 30, 60, 120 s (NaN if none) */
    long assessments, contained; /**< after burnout: assessments, and those whose 95 % ellipse
                                      held the true impact point */
    double launch_lat_rad, launch_lon_rad; /**< truth: the pad */
    double impact_lat_rad, impact_lon_rad; /**< truth: the impact point */
};

/** A whole run. */
struct tl_score {
    int n_objects;
    struct tl_score_object obj[TL_SCORE_MAX_OBJECTS];
    double gospa_mean_m, ospa_mean_m; /**< means over the truth time steps */
    int false_tracks;                 /**< confirmed tracks never within the cutoff of a missile */
    int confirmed_tracks;
    long assessments, contained;      /**< totals after burnout */
    size_t n_steps;
    double *t_s, *gospa_m, *ospa_m;   /**< per time step; owned, freed by tl_score_free */
};

/** Parameters: cutoff c and order p of GOSPA/OSPA (Rahmathullah, Garcia-Fernandez & Svensson,
 * "Generalized optimal sub-pattern assignment metric", FUSION 2017; alpha = 2). */
struct tl_score_cfg {
    double cutoff_m; /**< 10 km by default */
    double p;        /**< 2 */
    double stale_s;  /**< a track without a row for this long is not counted at a time (10 s) */
};

TL_API struct tl_score_cfg tl_score_cfg_default(void);

/**
 * Score one run from its CSV files (the formats of trilink sim --truth, trilink track --tracks
 * and --assessments). Errors name file and line.
 * @retval TL_OK, TL_EINVAL, TL_EIO, TL_EPARSE, TL_ENOMEM, TL_ERANGE (too many objects).
 */
TL_API int tl_score_files(const struct tl_score_cfg *cfg, const char *truth, const char *tracks,
                          const char *assessments, struct tl_score *out, struct tl_diag *diag);

TL_API void tl_score_free(struct tl_score *s); /**< frees the per-step arrays; NULL allowed */

#endif
