/* The warn stage: from the fused estimate of each missile, which of the nation's land and sea
 * areas are threatened (by the impact, or by an overflight above 100 km), and the CAP 1.2
 * messages of each warning's life: Alert, Update (areas added, areas released, the ellipse
 * shrinking), the all-clear (Update, responseType AllClear) and Cancel. */
#ifndef TRILINK_WARN_H
#define TRILINK_WARN_H

#include <stdint.h>

#include "trilink/api.h"
#include "trilink/areas.h"
#include "trilink/cap.h"
#include "trilink/err.h"

/** When one kind of threat warns an area, and the CAP tokens it is warned with. */
struct tl_warn_rule {
    double on_probability;  /**< warn when the probability reaches this */
    double off_probability; /**< a warned area stays warned until the probability falls below
                                 this (hysteresis: off <= on) for release_after_s */
    char urgency[12], severity[12], certainty[12]; /**< CAP 1.2 tokens */
};

enum tl_warn_rule_kind {
    TL_WARN_LAND_IMPACT,     /**< the impact in a land area */
    TL_WARN_EEZ_IMPACT,      /**< the impact in the nation's EEZ */
    TL_WARN_LAND_OVERFLIGHT, /**< the ground track under the missile above the overflight height */
    TL_WARN_N_RULES
};

struct tl_warn_rules {
    struct tl_warn_rule rule[TL_WARN_N_RULES];
    double release_after_s;      /**< below off_probability this long: the area is released */
    double expires_s;            /**< a message expires this long after it is sent */
    double overflight_height_m;  /**< overflight counts above this height (100 km) */
    double min_update_s;         /**< Updates for a changed ellipse no more often than this */
    double ellipse_change;       /**< relative change of the ellipse's major axis that is news */
    double stale_s;              /**< no estimate for this long, and this long past the predicted
                                      impact (when there is one): the track is taken as ended */
    int impact_samples;          /**< samples of the impact distribution per assessment */
    int corridor_samples;        /**< perturbed ground tracks per trajectory for overflight */
};

/** The defaults (the same as data/warn-rules.yaml, which a test compares). */
TL_API struct tl_warn_rules tl_warn_rules_default(void);
/** Rules from a YAML file (a map with the keys of data/warn-rules.yaml; missing keys keep
 * @p r's values). @retval TL_OK, TL_EIO, TL_EPARSE (field named in @p diag). */
TL_API int tl_warn_rules_load(const char *path, struct tl_warn_rules *r, struct tl_diag *diag);
/** Checks a rule set (probabilities in (0, 1], off <= on, CAP tokens, positive times). */
TL_API int tl_warn_rules_check(const struct tl_warn_rules *r, struct tl_diag *diag);

/** One fused estimate of one missile, as the picture has it. Times in seconds after the
 * warner's epoch; angles in radians. */
struct tl_warn_obs {
    int32_t system_no;
    double t_s;              /**< validity time of the state */
    double x[6];             /**< ECEF position (m) and velocity (m/s) */
    int phase;               /**< enum tl_phase (0 unknown) */
    int has_impact;
    double impact_t_s, impact_lat_rad, impact_lon_rad;
    double semi_major_m, semi_minor_m, major_az_rad; /**< 95 % ellipse */
    int has_launch;
    double launch_t_s, launch_lat_rad, launch_lon_rad, launch_err_m;
    int cls;                 /**< enum tl_class, -1 unknown */
    int loft;                /**< enum tl_msg_loft */
    double apogee_m;         /**< NaN unknown */
    int ended;               /**< the last estimate: the track is gone (fell, lost, merged) */
    int32_t merged_into;     /**< with ended: the system track that continues it (0 none) */
};

/** The threat to one area from one estimate. */
struct tl_warn_threat {
    int area;                /**< index in the tl_areas */
    double p_impact;         /**< probability that the impact falls in the area */
    double p_overflight;     /**< probability that the ground track above the overflight height
                                  crosses it (land areas) */
    double impact_t_s;       /**< predicted impact time */
    double overflight_t_s;   /**< predicted time the missile is first over it (NaN none) */
};

struct tl_warn_cfg {
    char nation[4];          /**< the warning nation: its areas are warned */
    int64_t epoch_ns;        /**< UTC of t = 0 */
    int exercise;            /**< every message has status Exercise */
    int utc_offset_min;      /**< the times in the messages (+540 for JP and KR) */
    char sender[64];         /**< CAP sender (no spaces or commas) */
    char sender_name[96];
    struct tl_warn_rules rules;
    const struct tl_areas *areas; /**< borrowed; outlives the warner */
};

/** The offset a nation's messages are written in: +540 (JST, KST), US -600 (HST). */
TL_API int tl_warn_utc_offset(const char *nation);

/** Receives each message as it is decided; a non-zero return is reported by the call that
 * decided it (the message counts as sent: the warner does not retry). */
typedef int (*tl_warn_sink)(void *ctx, const struct tl_cap_msg *m);

struct tl_warn;

/** @retval TL_OK, TL_EINVAL (bad configuration, named in @p diag), TL_ENOMEM. */
TL_API int tl_warn_create(const struct tl_warn_cfg *cfg, tl_warn_sink sink, void *ctx,
                          struct tl_warn **out, struct tl_diag *diag);
TL_API void tl_warn_destroy(struct tl_warn *w); /**< NULL allowed; sends nothing */

/**
 * Checks an estimate, then the threats it poses to the nation's areas, and sends what follows
 * from them at time @p now_s. A bad estimate (NaN, a position off the Earth, an ellipse that is
 * not positive definite) is refused with TL_EINVAL naming the field in @p diag, counted, and
 * changes nothing: no message is ever sent from it.
 * @retval TL_OK, TL_EINVAL, TL_ENOMEM, TL_EIO (the sink failed).
 */
TL_API int tl_warn_observe(struct tl_warn *w, const struct tl_warn_obs *o, double now_s,
                           struct tl_diag *diag);
/** Time passes: warnings whose track went silent (stale_s without an estimate, and stale_s past
 * its predicted impact) are closed. @retval as tl_warn_observe. */
TL_API int tl_warn_tick(struct tl_warn *w, double now_s);
/** Closes every warning still open (all-clear when the threat's time has passed, else Cancel).
 * Called at the end of the input or as the node stops. */
TL_API int tl_warn_finish(struct tl_warn *w, double now_s);

/** The threats of @p o to the nation's areas with a probability above zero (at most @p max,
 * the count in @p n), without changing any warning. @retval TL_OK, TL_EINVAL, TL_ENOMEM. */
TL_API int tl_warn_threats(struct tl_warn *w, const struct tl_warn_obs *o,
                           struct tl_warn_threat *out, int max, int *n, struct tl_diag *diag);

struct tl_warn_stats {
    long observed, rejected;
    long messages, alerts, updates, all_clears, cancels;
    long open;               /**< warnings opened and not yet closed */
};
TL_API void tl_warn_stats(const struct tl_warn *w, struct tl_warn_stats *s);

/**
 * Estimates from the CSV files of `trilink track` (--tracks, --assessments): one per assessment
 * row, with the state of its track's newest row at that time (the track number is the system
 * number), and an ended estimate where a track's row says deleted; in time order, into @p *out
 * (malloc'd, @p n of them). Every cell used is parsed strictly; a bad cell, a NaN or an impact
 * ellipse that is not positive definite gives TL_EPARSE naming the file, line and column.
 * @retval TL_OK, TL_EIO, TL_EPARSE, TL_ENOMEM.
 */
TL_API int tl_warn_obs_read(const char *tracks_csv, const char *assess_csv,
                            struct tl_warn_obs **out, size_t *n, struct tl_diag *diag);

/** A warning folder: `NNNNNN-<identifier>.xml` per message (in the order sent) and
 * `warnings.csv` (sent,identifier,msg_type,threat,area,probability,event_time_s: one row per
 * message and area; event_time_s is the area's impact or overflight time in seconds after
 * @p epoch_ns, empty when unknown; threat is impact or overflight while warned, none for an area
 * released (or in a Cancel), allclear in an all-clear). A folder that
 * already holds a warnings.csv is refused (TL_EINVAL): an earlier record is never overwritten. */
struct tl_warn_out;
TL_API int tl_warn_out_open(const char *dir, int64_t epoch_ns, struct tl_warn_out **out,
                            struct tl_diag *diag);
/** Writes @p m (its file's path into @p path, may be NULL). @retval TL_OK, TL_EINVAL, TL_EIO. */
TL_API int tl_warn_out_write(struct tl_warn_out *o, const struct tl_cap_msg *m, char *path,
                             size_t path_size, struct tl_diag *diag);
TL_API int tl_warn_out_close(struct tl_warn_out *o, struct tl_diag *diag); /**< NULL allowed */
/** Opens a folder an earlier run of the same warner left (after a restart): warnings.csv is
 * appended to (created with its header if absent) and the files are numbered on from the
 * highest `NNNNNN-` already there. @retval TL_OK, TL_EINVAL, TL_EIO. */
TL_API int tl_warn_out_resume(const char *dir, int64_t epoch_ns, struct tl_warn_out **out,
                              struct tl_diag *diag);

/* ---- scoring warnings against what the missile did (tests, benchmarks, trilink warn --truth) */

/** An area the missile truly reached: its ground track above the overflight height crossed it
 * (impact 0), or it fell in it (impact 1: land, or the nation's EEZ), first at t_s. */
struct tl_warn_truth_area {
    int area;
    int impact;
    double t_s;
};
/** The nation's areas reached by the flight sampled at @p n points (the last one is the
 * impact). At most @p max written, the count in @p n_out. @retval TL_OK, TL_EINVAL (NaN). */
TL_API int tl_warn_truth_areas(const struct tl_areas *a, const char *nation,
                               double overflight_h_m, size_t n, const double *t_s,
                               const double *lat_rad, const double *lon_rad, const double *h_m,
                               struct tl_warn_truth_area *out, int max, int *n_out);

/** One row of a warnings.csv. */
struct tl_warn_row {
    double sent_s;           /**< seconds after the epoch */
    char identifier[96];
    int32_t system_no;       /**< from the identifier's "-S<n>-" */
    char msg_type[8];        /**< Alert, Update, Cancel */
    char threat[12];         /**< impact, overflight, none, allclear */
    char area[16];
    double probability, event_t_s;
};
/** Reads a warnings.csv (times relative to @p epoch_ns). @retval TL_OK, TL_EIO, TL_EPARSE. */
TL_API int tl_warn_rows_read(const char *csv, int64_t epoch_ns, struct tl_warn_row **rows,
                             size_t *n, struct tl_diag *diag);
/** Takes up the warnings an earlier run of this warner sent (@p rows, from its warnings.csv,
 * times on the warner's epoch), before any observation: each system track's chain of references
 * and message count, the areas it last warned, open or closed. The next message for such a
 * track is an Update (or the all-clear) referencing the earlier ones, never a second Alert;
 * an open one no estimate reaches again is closed once what it warned of has passed. The number
 * still open in @p n_open (may be NULL). @retval TL_OK, TL_EINVAL (already started), TL_EPARSE
 * (a row not of this nation's warner, or an area it does not have; names the row), TL_ENOMEM. */
TL_API int tl_warn_resume(struct tl_warn *w, const struct tl_warn_row *rows, size_t n,
                          int *n_open, struct tl_diag *diag);

struct tl_warn_area_score {
    int area;                /**< index in the tl_areas */
    int needed, impact;      /**< the missile reached it (by its impact) */
    double arrive_s;         /**< when it got there; NaN: never */
    double first_alert_s;    /**< first message naming it with a threat; NaN: never */
    double lead_s;           /**< arrive_s - first_alert_s when warned in time; NaN otherwise */
    double warned_s;         /**< time in force */
    double warned_after_s;   /**< time in force after the settle time */
    char closed[12];         /**< how its warning ended: all-clear, released, cancel, open */
};
struct tl_warn_score {
    int n;                   /**< areas needed or warned */
    struct tl_warn_area_score *area; /**< malloc'd; tl_warn_score_free */
    int needed, missed;      /**< missed: needed and not warned before the missile got there */
    int wrong_after;         /**< not needed and still in force after the settle time */
    int chains, open_chains; /**< warnings (system tracks), and those not closed */
    double unneeded_area_min; /**< area-minutes in force where nothing came: caution's cost */
    double first_alert_s;
};
/** Scores @p rows (in the order sent) against @p truth; @p settle_s: burnout + 120 s; @p end_s:
 * where a warning still open is counted to. @retval TL_OK, TL_ENOMEM. */
TL_API int tl_warn_score(const struct tl_areas *a, const char *nation,
                         const struct tl_warn_truth_area *truth, int n_truth,
                         const struct tl_warn_row *rows, size_t n_rows, double settle_s,
                         double end_s, struct tl_warn_score *out);
TL_API void tl_warn_score_free(struct tl_warn_score *s);

/** "impact", "overflight" or "none". */
TL_API const char *tl_warn_threat_name(enum tl_cap_threat t);
/** CAP msgType text: "Alert", "Update", "Cancel". */
TL_API const char *tl_warn_msg_type_name(enum tl_cap_type t);

#endif
