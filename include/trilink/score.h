/* Scoring a tracker's output against the truth: the figures tracking engineers compare.
 *
 * Inputs are the CSV files of trilink sim --truth (and optionally --events), trilink track
 * --tracks and --assessments. Every cell that scoring uses is parsed strictly (finite decimals
 * only: no "nan", "inf", hex or trailing text) and range-checked where it has a range; a bad cell,
 * a missing column, a row out of time order, an empty file or a directory is refused with a
 * tl_diag naming file, line, column and value. Times are seconds since the scenario epoch. */
#ifndef TRILINK_SCORE_H
#define TRILINK_SCORE_H

#include <stddef.h>

#include "trilink/api.h"
#include "trilink/err.h"

#define TL_SCORE_MAX_OBJECTS 64

/** Per truth object. NaN marks a figure that could not be formed (no assessment, no track). */
struct tl_score_object {
    char id[32];              /**< truth object id: letters, digits and - _ . : only */
    int tracks;               /**< distinct confirmed tracks assigned to it over time */
    int swaps;                /**< changes of the assigned track number */
    double pos_rmse_m, vel_rmse_mps;
    double first_seen_s;      /**< first track row (any status) within the cutoff, NaN if none */
    double confirmed_s;       /**< first confirmed row within the cutoff */
    double launch_err_m;      /**< last assessment's launch point against the pad, NaN if none */
    double ipp_miss_m[3];     /**< impact-point miss at burnout + 30, 60, 120 s (NaN if none) */
    double ipp_miss_last_m;   /**< impact-point miss of the last assessment */
    /** Of the same assessments, at burnout + 30, 60, 120 s and the last (index 3): the 95 %
     * ellipse's semi-major axis (NaN if none) and whether it held the impact (-1 if none). */
    double at_semi_major_m[4];
    int at_contained[4];
    /** Launch-time error (assessed launch_time_s minus the truth launch time, s): of the last
     * assessment, and the median over the assessments after burnout. */
    double launch_time_err_s, launch_time_err_median_s;
    /** Apogee error (assessed apogee_km minus the truth apogee, km), last and median after
     * burnout, as above. */
    double apogee_err_km, apogee_err_median_km;
    long assessments, contained; /**< after burnout: assessments, and those whose 95 % ellipse
                                      held the true impact point */
    /** From burnout + 30 s to impact (the calibration window of issue 12): assessments, those
     * whose ellipse held the impact, and the medians of their semi-major axis and miss. */
    long assessments_bo30, contained_bo30;
    double semi_major_median_bo30_m, miss_median_bo30_m;
    /** Assessments with a launch ellipse, and those whose 95 % launch ellipse held the pad;
     * launch-time error over the launch-time sigma of the last one (NaN without). */
    long launch_assessments, launch_contained;
    double launch_time_z;
    /* The truth, from the events file when one is given, else from the truth rows: launch = the
     * object's first row (a time the truth step rounds up to a multiple of the step), burnout =
     * its last boost row, reentry = its first reentry row, apogee = its highest altitude, impact
     * = its last row carried down to the ground along its velocity. */
    double launch_s;          /**< truth: launch time */
    double burnout_s;         /**< truth: end of boost, NaN if no boost row */
    double reentry_s;         /**< truth: start of reentry, NaN if none */
    double impact_s;          /**< truth: impact time (events), else the last row's time */
    double apogee_km;         /**< truth: apogee height above the ellipsoid */
    double launch_lat_rad, launch_lon_rad; /**< truth: the pad */
    double impact_lat_rad, impact_lon_rad; /**< truth: the impact point */
};

/** One assessment, scored against the truth object its track was assigned to. */
struct tl_score_assessment {
    double t_s;
    int object;                /**< index into tl_score.obj */
    int track;                 /**< track number */
    double miss_m;             /**< predicted against true impact point */
    double semi_major_m, semi_minor_m; /**< its 95 % ellipse */
    double launch_time_err_s;  /**< NaN when the assessment has no launch estimate */
    double apogee_err_km;
    int after_burnout;         /**< 1 if later than the object's burnout (counted in medians) */
    int contained;             /**< 1 if after burnout and the ellipse held the true impact point */
};

/** One point of a flight profile: a truth row (track -1) or a confirmed/coasting track row of a
 * track assigned to the object. */
struct tl_score_point {
    double t_s;
    int object;                /**< index into tl_score.obj */
    int track;                 /**< track number, -1 for the truth */
    double range_km;           /**< ground range from the object's true pad (geodesic) */
    double alt_km;             /**< height above the ellipsoid */
};

/** A whole run. */
struct tl_score {
    int n_objects;
    struct tl_score_object obj[TL_SCORE_MAX_OBJECTS];
    double gospa_mean_m, ospa_mean_m; /**< means over the truth time steps */
    int false_tracks;                 /**< confirmed tracks never within the cutoff of a missile */
    int confirmed_tracks;
    long assessments, contained;      /**< totals after burnout */
    long assessments_bo30, contained_bo30; /**< totals from burnout + 30 s to impact */
    long launch_assessments, launch_contained; /**< totals of the launch ellipse */
    size_t n_steps;
    double *t_s, *gospa_m, *ospa_m;   /**< per time step; owned, freed by tl_score_free */
    size_t n_assess;                  /**< assessments of tracks assigned to an object */
    struct tl_score_assessment *assess; /**< in file order; owned, freed by tl_score_free */
    size_t n_points;
    struct tl_score_point *points;    /**< truth rows, then track rows; owned */
};

/** Parameters: cutoff c and order p of GOSPA/OSPA (Rahmathullah, Garcia-Fernandez & Svensson,
 * "Generalized optimal sub-pattern assignment metric", FUSION 2017; alpha = 2). */
struct tl_score_cfg {
    double cutoff_m; /**< 10 km by default */
    double p;        /**< 2 */
    double stale_s;  /**< a track without a row for this long is not counted at a time (10 s) */
};

TL_API struct tl_score_cfg tl_score_cfg_default(void);

/** One row of a truth file: an object's ECEF state at a time. */
struct tl_truth_row {
    double t_s;
    int object;      /**< index into the objects of tl_score_truth_read */
    double y[6];
    int boost;       /**< phase boost */
};

/**
 * Read a truth file (trilink sim --truth), validated as tl_score_files validates it: @p objects
 * gets n_objects and, per object, its id and truth figures (launch_s, burnout_s, reentry_s,
 * impact_s, apogee_km, the pad and the impact point, from the rows as tl_score_files takes them);
 * *@p rows its rows in file order (owned: free()).
 * @retval as tl_score_files.
 */
TL_API int tl_score_truth_read(const char *path, struct tl_score *objects,
                               struct tl_truth_row **rows, size_t *n_rows, struct tl_diag *diag);

/**
 * Score one run from its CSV files (the formats of trilink sim --truth, trilink track --tracks
 * and --assessments). A pure function of the three files: nothing else is read.
 *
 * Rows of each file must be in non-decreasing time_s (as trilink writes them): a row earlier than
 * the one before is refused, since the scoring walks the files in time order. The truth must not
 * give one object twice at one time. Empty cells are allowed only where trilink writes them (the
 * launch estimate and range_km of an assessment, all or none of the launch columns).
 *
 * @param[in]  cfg   cutoff (> 0 m), order (>= 1) and staleness (>= 0 s).
 * @param[out] out   filled on success only; free its arrays with tl_score_free.
 * @param[out] diag  on error: file, line, column and a message naming the value; NULL allowed.
 * @retval TL_OK      success.
 * @retval TL_EINVAL  NULL argument or a bad @p cfg.
 * @retval TL_EIO     a file cannot be opened or read, or is a directory.
 * @retval TL_EPARSE  an empty file, a missing column, a bad cell, rows out of time order.
 * @retval TL_ENOMEM  out of memory.
 * @retval TL_ERANGE  more than TL_SCORE_MAX_OBJECTS truth objects.
 */
TL_API int tl_score_files(const struct tl_score_cfg *cfg, const char *truth, const char *tracks,
                          const char *assessments, struct tl_score *out, struct tl_diag *diag);

/**
 * As tl_score_files, with the exact event times of trilink sim --events
 * (object,event,time_s,lat_deg,lon_deg,alt_m; events launch, burnout, apogee, reentry, impact):
 * the truth launch, burnout and reentry times, the apogee height and the impact point come from
 * it instead of from the truth rows. @p events may be NULL (then it is tl_score_files). Every
 * object of the events file must be in the truth; a truth object without events keeps the
 * figures from its rows.
 */
TL_API int tl_score_files_events(const struct tl_score_cfg *cfg, const char *truth,
                                 const char *tracks, const char *assessments, const char *events,
                                 struct tl_score *out, struct tl_diag *diag);

TL_API void tl_score_free(struct tl_score *s); /**< frees the owned arrays; NULL allowed */

#endif
