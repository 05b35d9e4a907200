/* The summary a node writes at shutdown (trilinkd's `summary:` file) as one typed struct, with its
 * one serialiser and its one reader. `trilink demo` and the exercise test read it back.
 *
 * The file is one JSON object with these keys, in this order (units as in the names; times in ns
 * are the node's scenario clock, UTC ns since 1970, 0 when never reached):
 *   nation, system_tracks, own_tracks, system_numbers [..], first_launch_point_ns,
 *   first_impact_point_ns, received {NN: n}, relayed {NN: n}, last_relayed_ns {NN: ns},
 *   relayed_out, sent, rejected, measurements,
 *   latency_ms and share_latency_ms {samples, median, p99, max} or null,
 *   fusion_gain {samples, median_ratio, mean_ratio, max_ratio, fraction_at_least_as_good,
 *                last_best_single_semi_major_m, last_fused_semi_major_m},
 *   storage {queued, committed, dropped, transactions, max_commit_ms},
 *   system_track {number, contributors, launch {lat_deg, lon_deg, err_m, t_ns} (absent when
 *                 none)} or null,
 *   impact {lat_deg, lon_deg, semi_major_m, semi_minor_m, t_ns} or null.
 * received, relayed and last_relayed_ns hold one key per partner nation, in topology order.
 */
#ifndef TRILINK_SUMMARY_H
#define TRILINK_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "trilink/api.h"
#include "trilink/err.h"
#include "trilink/share.h"

/** System numbers a summary holds; a reader refuses a file with more. */
#define TL_SUMMARY_MAX_SYSTEMS 512
/** Room for a system track's contributors, "KR:3,US:1,JP:2" (as tl_fuse_contributors). */
#define TL_SUMMARY_CONTRIB_LEN 128

/** Percentiles of a set of samples (milliseconds in the node's summary). samples 0: none (the
 *  file says null; the other fields are then 0). */
struct tl_summary_pcts {
    long samples;
    double median; /**< v[n / 2] of the sorted samples */
    double p99;    /**< v[floor(0.99 (n - 1))] */
    double max;    /**< v[n - 1] */
};

/** The fusion gain (tl_fuse_gain): ratios of the fused impact ellipse to the best single
 *  nation's. samples 0: no ratio (the ratio fields are then 0). */
struct tl_summary_gain {
    long samples;
    double median_ratio, mean_ratio, max_ratio;
    double fraction_at_least_as_good;      /**< share of ratios <= 1 + 1e-9 */
    double last_best_single_semi_major_m;  /**< 0 when fewer than two nations' ellipses */
    double last_fused_semi_major_m;        /**< 0 likewise */
};

/** tl_store_stats at shutdown. */
struct tl_summary_storage {
    long queued, committed, dropped, transactions;
    double max_commit_ms;
};

/** What the node received from one partner nation. */
struct tl_summary_partner {
    char nation[TL_NATION_LEN];  /**< its code, "KR" */
    long received;               /**< samples received from it, directly or relayed */
    long relayed;                /**< of those, through the hub */
    int64_t last_relayed_ns;     /**< scenario clock at the last relayed receipt (0: none) */
};

/** The main system track: the one with most contributors (the newest among equals). */
struct tl_summary_system {
    int32_t number;
    char contributors[TL_SUMMARY_CONTRIB_LEN];
    int has_launch;              /**< 0: no launch point (the file has no "launch") */
    struct {
        double lat_deg, lon_deg; /**< geodetic, WGS-84 */
        double err_m;            /**< 95 % radius of the launch point */
        int64_t t_ns;            /**< estimated launch time, UTC ns */
    } launch;
};

/** The main system track's predicted impact point. */
struct tl_summary_impact {
    double lat_deg, lon_deg;             /**< geodetic, WGS-84 */
    double semi_major_m, semi_minor_m;   /**< 95 % ellipse */
    int64_t t_ns;                        /**< predicted impact time, UTC ns */
};

/** A node's summary. Plain value: copy freely, no destructor (about 3 kB). */
struct tl_node_summary {
    char nation[TL_NATION_LEN];
    int system_tracks;           /**< system tracks held at shutdown */
    int own_tracks;
    int n_system_numbers;        /**< entries of system_numbers, 0..TL_SUMMARY_MAX_SYSTEMS */
    int32_t system_numbers[TL_SUMMARY_MAX_SYSTEMS];
    int64_t first_launch_point_ns, first_impact_point_ns; /**< 0: never */
    int n_partners;              /**< entries of partner, 0..TL_MAX_NATIONS */
    struct tl_summary_partner partner[TL_MAX_NATIONS];
    long relayed_out, sent, rejected, measurements;
    struct tl_summary_pcts latency_ms;        /**< end to end, measurement to fused picture */
    struct tl_summary_pcts share_latency_ms;  /**< partner's send to this node's receipt */
    struct tl_summary_gain fusion_gain;
    struct tl_summary_storage storage;
    int has_system_track;        /**< 0: "system_track": null */
    struct tl_summary_system system_track;
    int has_impact;              /**< 0: "impact": null */
    struct tl_summary_impact impact;
};

/**
 * Fills @p out from @p n samples @p v, which it sorts in place (ascending): median v[n / 2],
 * p99 v[floor(0.99 (n - 1))], max v[n - 1]. n = 0 gives samples 0 and zeros.
 * @param[in,out] v    the samples; NULL allowed when @p n is 0.
 * @param[in]     n    how many, >= 0 (a negative n counts as 0).
 * @param[out]    out  receives the figures.
 */
TL_API void tl_summary_pcts(double *v, long n, struct tl_summary_pcts *out);

/**
 * Fills @p out from the fusion gain ratios @p ratio (tl_fuse_gain; borrowed, not modified):
 * median and max of a sorted copy, mean in the given order, the fraction <= 1 + 1e-9, and the
 * two semi-major axes as given (the caller passes 0 when the main system track has fewer than
 * two single-nation ellipses).
 * @retval TL_OK      filled.
 * @retval TL_ENOMEM  no memory for the copy: @p out has samples 0 and zero ratios (and the two
 *                    axes), as the node wrote when it could not sort.
 * @retval TL_EINVAL  NULL @p out, or NULL @p ratio with @p n > 0.
 */
TL_API int tl_summary_gain(const double *ratio, size_t n, double best_single_semi_major_m,
                           double fused_semi_major_m, struct tl_summary_gain *out);

/**
 * Writes @p s to @p path as the JSON described at the top of this header, on one line with a
 * newline at the end (numbers formatted by jansson, reals to 15 significant digits). Each real is
 * first rounded to the decimals the node always printed: ms 3, ratios 4, metres 1, degrees 6,
 * max_commit_ms 2; so a reader gets those values back exactly. A file in the way is replaced.
 * @param[in]  s     the summary; borrowed. n_system_numbers and n_partners within their caps.
 * @param[in]  path  the file; borrowed.
 * @param[out] diag  on error, file @p path and the reason (field and value for TL_EINVAL);
 *                   NULL allowed.
 * @retval TL_OK      written.
 * @retval TL_EINVAL  NULL argument, a count outside its cap, a non-finite number, a string that
 *                    is not UTF-8 or a partner nation twice (nothing is written).
 * @retval TL_ENOMEM  out of memory (nothing is written).
 * @retval TL_EIO     the file cannot be created or written (diag: "cannot write: <errno text>").
 */
TL_API int tl_node_summary_write(const struct tl_node_summary *s, const char *path,
                                 struct tl_diag *diag);

/**
 * Reads a summary written by tl_node_summary_write (or by a node before it: the same keys).
 * Every key above must be there with its type: integers for counts, numbers and ns; a string for
 * nation and contributors; an object or null where shown. Keys it does not know are ignored.
 * relayed and last_relayed_ns must name the same nations as received.
 * @param[in]  path  the file; borrowed.
 * @param[out] s     receives the summary; unchanged on error.
 * @param[out] diag  on error: file @p path, the line for a JSON syntax error, the dotted key
 *                   ("latency_ms.median", "received.KR") and what is wrong ("missing",
 *                   "expected an integer, found a string"); NULL allowed.
 * @retval TL_OK      read.
 * @retval TL_EINVAL  NULL @p path or @p s.
 * @retval TL_EIO     the file cannot be opened.
 * @retval TL_EPARSE  not JSON, or a key missing or of the wrong type.
 * @retval TL_ERANGE  an integer outside its type, more than TL_SUMMARY_MAX_SYSTEMS system numbers
 *                    or TL_MAX_NATIONS partners, or a string longer than its field.
 * @retval TL_ENOMEM  out of memory.
 */
TL_API int tl_node_summary_read(const char *path, struct tl_node_summary *s, struct tl_diag *diag);

#endif
