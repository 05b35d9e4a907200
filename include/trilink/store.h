/* Storage and audit of a node, in SQLite (an embedded file, WAL mode).
 *
 * Everything the node sends, receives and fuses is queued by the real-time path and written by a
 * storage thread in batched transactions (every 100 ms or 1,000 rows), so storage never stalls
 * the real-time path. A committed record survives the process being killed (WAL).
 *
 * The audit log is append-only and hash-chained: entry n carries
 *   hash_n = SHA-256(hash_{n-1} || "seq|wall_ns|dir|peer|partition|topic|origin|key|digest")
 * where digest is the SHA-256 of the sample's canonical text (tl_msg_canonical) and hash_0 is 32
 * zero bytes. tl_audit_verify recomputes the chain: an altered, inserted or removed entry breaks it.
 * Removing entries from the end cannot be seen from the file alone; the node publishes its chain
 * head in its NodeStatus, and each partner records it in its own audit log every 10 s (entries
 * "anchor", whose digest covers the head's sequence number and hash): an outside anchor.
 *
 * Rows keep typed columns (times, track and system numbers, nation, position, velocity,
 * covariance summary, launch and impact points with their ellipses, class) beside the canonical
 * text of their message; the schema (version TL_STORE_SCHEMA) is documented in README.md, "The
 * node database". The storage thread derives the typed columns, off the real-time path.
 */
#ifndef TRILINK_STORE_H
#define TRILINK_STORE_H

#include <stdint.h>

#include "trilink/api.h"
#include "trilink/err.h"
#include "trilink/share.h"

struct tl_store;

/** The schema version this code writes (PRAGMA user_version; also meta 'schema'). */
#define TL_STORE_SCHEMA 2

/**
 * Opens (creating if needed) the node's database and starts its storage thread.
 *
 * An existing file is checked read-only first, so nothing is written to a file that is refused:
 * PRAGMA quick_check must pass, the schema must be a trilink node database's, and its version no
 * newer than TL_STORE_SCHEMA. A database of the first schema (no user_version, typed values only
 * in the canonical text of each row's body) is migrated in place to TL_STORE_SCHEMA in one
 * transaction: typed columns filled by parsing each body, indices created; the audit table and
 * its chain are not touched.
 * @param[in]  path  database file; borrowed.
 * @param[out] out   receives the store; unchanged on error.
 * @param[out] diag  on error, message "'<path>': why" (is a directory, database is corrupted
 *                   (quick_check: ...), not a trilink node database, schema version N is newer
 *                   than this trilink's 2, ...); NULL allowed.
 * @retval TL_OK      opened (and migrated if it was of the first schema).
 * @retval TL_EINVAL  NULL @p path or @p out.
 * @retval TL_EIO     cannot open or create, corrupted, not a node database, too new, or the
 *                    migration failed (then rolled back: the file is as it was).
 * @retval TL_ENOMEM  out of memory.
 */
TL_API int tl_store_open(const char *path, struct tl_store **out, struct tl_diag *diag);
/** Commits everything queued, stops the thread, closes. NULL allowed. */
TL_API void tl_store_close(struct tl_store *st);

/** Queues a track row: @p source is "own" or the nation it was received from. */
TL_API int tl_store_track(struct tl_store *st, const char *source, const struct tl_msg_track *m);
TL_API int tl_store_assess(struct tl_store *st, const char *source, const struct tl_msg_assess *m);

/** What the store keeps of a system track beyond its wire message (the fused picture's launch
 *  point, impact time and ellipse orientation, class, status). */
struct tl_store_system_extra {
    int64_t scen_ns;          /**< node's scenario clock at the update, UTC ns (0: unknown) */
    int status;               /**< enum tl_track_status (confirmed, coasting, deleted) */
    int phase;                /**< enum tl_phase of the newest contribution (0: unknown) */
    int has_launch;
    int64_t launch_ns;
    double launch_lat_rad, launch_lon_rad, launch_err_m;
    int64_t impact_ns;        /**< predicted impact time, UTC ns (0: none) */
    double major_az_rad, apogee_m;
    int cls, loft;            /**< as the Assessment wire type; cls < 0: unknown */
};
/** Queues a system track row; @p extra (borrowed; NULL: only the wire fields, the others NULL in
 * the row) adds what the wire message does not carry. */
TL_API int tl_store_system(struct tl_store *st, const struct tl_msg_system *m,
                           const struct tl_store_system_extra *extra);
/** Records a key of the meta table ("nation", "epoch": ISO-8601 of the sensors' epoch); queued
 * like the rows, replacing an earlier value of the key. @retval TL_OK, TL_EINVAL (NULL or empty
 * key, NULL value), TL_ENOMEM. */
TL_API int tl_store_set_meta(struct tl_store *st, const char *key, const char *value);

/**
 * Appends an audit entry (the chain is extended at once; the row is committed by the storage
 * thread). @p dir: "sent", "received" or "rejected"; @p peer: the nation sent to / received
 * from; @p origin and @p key name the sample. The digest covers the whole canonical text (a
 * Warning's CAP document included). @retval TL_OK, TL_ENOMEM.
 */
TL_API int tl_store_audit(struct tl_store *st, const char *dir, const char *peer,
                          const char *partition, enum tl_msg_kind kind, const char *origin,
                          int32_t key, const void *msg);
/** Head of the audit chain: last sequence number and its hash. */
TL_API void tl_store_audit_head(const struct tl_store *st, int64_t *seq, unsigned char hash[32]);

struct tl_store_stats {
    long queued, committed, dropped, transactions;
    long failed; /**< rows whose insert or commit failed (the first error is printed once) */
    double max_commit_ms;
};
TL_API void tl_store_stats(struct tl_store *st, struct tl_store_stats *s);

/** The last stored row of one system track, as tl_store_systems gives it. */
struct tl_store_system_last {
    int32_t no;
    const char *contributors; /**< "KR:3,US:1"; "" when merged */
    int32_t merged_into;      /**< the number it was merged into (0: not merged) */
    int64_t t_ns;             /**< validity of its state (0: none stored) */
    double y[6];              /**< its ECEF position and velocity, when t_ns != 0 */
    int phase;                /**< enum tl_phase of the stored row (0: unknown) */
};

/** Largest system track number stored (0 if none), and the last row of each (@p each may be
 * NULL; the row is valid during the call only). */
TL_API int tl_store_systems(struct tl_store *st,
                            void (*each)(void *ctx, const struct tl_store_system_last *row),
                            void *ctx, int32_t *max_no);

/** Largest track number of @p origin stored as "own" (0 if none): a restarted node numbers its
 * new tracks after it, so partners never see a number reused for another object. */
TL_API int tl_store_max_own_track(struct tl_store *st, int32_t *max_no);

/** Rows committed in @p path: tracks, assessments, system tracks and audit entries together. */
TL_API int tl_store_count(const char *path, long *rows);

/** Verifies the audit chain of the database at @p path (read-only; PRAGMA quick_check first, so
 * a file whose other pages are corrupted is not called intact). *@p n gets the entries checked;
 * on a break, TL_EPARSE with *@p bad_seq the first bad entry and @p why the reason. TL_EIO when
 * the file cannot be read, is corrupted or is not a node database, @p why saying which (without
 * the path, which the caller prints). */
TL_API int tl_audit_verify(const char *path, int64_t *n, int64_t *bad_seq, char *why,
                           size_t why_size);

/* ---- export ------------------------------------------------------------------------------- */

/** One row of a tracks CSV (the contract of trilink track --tracks). */
struct tl_store_track_row {
    double t_s;               /**< seconds after the export's epoch */
    int32_t track;            /**< track number; the system number for the fused picture */
    const char *status;       /**< tentative|confirmed|coasting|deleted; never NULL */
    const char *phase;        /**< boost|midcourse|reentry, "" when unknown; never NULL */
    double x[6];              /**< ECEF position (m) and velocity (m/s) */
    double pos_sigma_m;       /**< sqrt(trace of the position covariance); NaN when unknown */
};

/** One row of an assessments CSV (the contract of trilink track --assessments). Unknown numbers
 * are NaN (written as empty cells). */
struct tl_store_assess_row {
    double t_s;
    int32_t track;
    const char *cls;          /**< "icbm-lofted" and so on, "" when unknown; never NULL */
    int has_launch;           /**< 0: the four launch fields are not used */
    double launch_t_s, launch_lat_deg, launch_lon_deg, launch_err_m;
    double impact_t_s, impact_lat_deg, impact_lon_deg;
    double semi_major_m, semi_minor_m; /**< 95 % impact ellipse */
    double major_az_deg;      /**< major axis, clockwise from north */
    double apogee_km, range_km; /**< range: geodesic launch -> impact when both are known */
    /* Launch uncertainty (NaN: not known; a node database before issue 12 has none). */
    double launch_t_sigma_s;  /**< 1-sigma launch time */
    double launch_semi_major_m, launch_semi_minor_m, launch_major_az_deg; /**< 95 % ellipse */
    /* An object that will not come down (impact fields NaN): its orbit. NaN otherwise. */
    double orbit_perigee_km, orbit_apogee_km, orbit_incl_deg;
};

/** Receives one exported row (borrowed for the call); a non-zero return (a TL_E* code) stops the
 * export, which returns it. */
typedef int (*tl_store_track_fn)(void *ctx, const struct tl_store_track_row *row);
typedef int (*tl_store_assess_fn)(void *ctx, const struct tl_store_assess_row *row);

/**
 * Exports one picture of the database at @p path (read-only, checked as tl_store_open checks it)
 * as the rows of the CSV files of `trilink track`, in time order.
 * @param[in] source  "system": the fused picture (system_tracks; track = system number, and an
 *                    assessment row for every row with an impact point); "own": the node's own
 *                    tracks and assessments; a nation code ("US"): what that nation produced
 *                    (origin), however it arrived, each sample once.
 * @param[in] epoch_ns times are seconds after this (UTC ns); 0: the database's meta 'epoch'.
 * @param[out] n_tracks, n_assess  rows passed to the callbacks (NULL allowed).
 * @param[out] diag  on error, the message naming the file and why; NULL allowed.
 * @retval TL_OK, TL_EINVAL (NULL argument or unknown @p source), TL_EIO (unreadable, corrupted,
 *         not a node database, a schema this code does not export: older ones need tl_store_open
 *         to migrate them first), TL_ENOTFOUND (no epoch given and none recorded), or what a
 *         callback returned.
 */
TL_API int tl_store_export(const char *path, const char *source, int64_t epoch_ns,
                           tl_store_track_fn on_track, tl_store_assess_fn on_assess, void *ctx,
                           long *n_tracks, long *n_assess, struct tl_diag *diag);

#endif
