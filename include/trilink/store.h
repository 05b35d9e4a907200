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
 */
#ifndef TRILINK_STORE_H
#define TRILINK_STORE_H

#include <stdint.h>

#include "trilink/api.h"
#include "trilink/err.h"
#include "trilink/share.h"

struct tl_store;

/** Opens (creating if needed) the node's database and starts its storage thread. */
TL_API int tl_store_open(const char *path, struct tl_store **out, struct tl_diag *diag);
/** Commits everything queued, stops the thread, closes. NULL allowed. */
TL_API void tl_store_close(struct tl_store *st);

/** Queues a track row: @p source is "own" or the nation it was received from. */
TL_API int tl_store_track(struct tl_store *st, const char *source, const struct tl_msg_track *m);
TL_API int tl_store_assess(struct tl_store *st, const char *source, const struct tl_msg_assess *m);
TL_API int tl_store_system(struct tl_store *st, const struct tl_msg_system *m);

/**
 * Appends an audit entry (the chain is extended at once; the row is committed by the storage
 * thread). @p dir: "sent", "received" or "rejected"; @p peer: the nation sent to / received
 * from; @p origin and @p key name the sample.
 */
TL_API int tl_store_audit(struct tl_store *st, const char *dir, const char *peer,
                          const char *partition, enum tl_msg_kind kind, const char *origin,
                          int32_t key, const void *msg);
/** Head of the audit chain: last sequence number and its hash. */
TL_API void tl_store_audit_head(const struct tl_store *st, int64_t *seq, unsigned char hash[32]);

struct tl_store_stats {
    long queued, committed, dropped, transactions;
    double max_commit_ms;
};
TL_API void tl_store_stats(struct tl_store *st, struct tl_store_stats *s);

/** Largest system track number stored (0 if none), and the last contributors of each. */
TL_API int tl_store_systems(struct tl_store *st, void (*each)(void *ctx, int32_t no,
                                                              const char *contributors),
                            void *ctx, int32_t *max_no);

/** Largest track number of @p origin stored as "own" (0 if none): a restarted node numbers its
 * new tracks after it, so partners never see a number reused for another object. */
TL_API int tl_store_max_own_track(struct tl_store *st, int32_t *max_no);

/** Rows committed in @p path: tracks, assessments, system tracks and audit entries together. */
TL_API int tl_store_count(const char *path, long *rows);

/** Verifies the audit chain of the database at @p path. *@p n gets the entries checked; on a
 * break, TL_EPARSE with *@p bad_seq the first bad entry and @p why the reason. */
TL_API int tl_audit_verify(const char *path, int64_t *n, int64_t *bad_seq, char *why,
                           size_t why_size);

#endif
