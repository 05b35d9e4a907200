/* Internal to src/store/: the schema, the typed columns of each row, the checks every opening of a
 * node database makes, the migration from the first schema, and the parser of canonical text. */
#ifndef TRILINK_STORE_INT_H
#define TRILINK_STORE_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "trilink/err.h"
#include "trilink/share.h"
#include "trilink/store.h"

/* The inverse of tl_msg_canonical for every message kind: fills @p msg (the struct of @p k; written
 * only on success, fields not in the text zero) from @p text. A string field that may hold '|'
 * (sensors, contributors, sensor ids) takes the tokens the fixed-width fields around it leave
 * over, so canonical -> parse -> canonical gives the same text. A Warning's cap_xml is returned
 * malloc'd (free it with tl_msg_warning_free). TL_OK, TL_EPARSE (another kind
 * or wire version, a bad number, a string too long for its field, the wrong field count),
 * TL_EINVAL (NULL), TL_ENOMEM. */
int tl__store_parse_canonical(enum tl_msg_kind k, const char *text, void *msg);
/* The same for the text of wire version 1 ("Topic|v1|", what the first schema's rows hold): the
 * fields version 2 added are zero. It prints back as version 2 text, not as the text parsed. */
int tl__store_parse_canonical_v1(enum tl_msg_kind k, const char *text, void *msg);

/* CREATE statements of TL_STORE_SCHEMA (tables, triggers, indices), for sqlite3_exec. */
extern const char tl__store_schema_sql[];

/* Row inserts shared by the storage thread and the migration. ?1 is the id (NULL: a new row), ?2
 * wall_ns, ?3 source (tracks, assessments) or scen_ns (system tracks); the rest are bound by
 * tl__store_bind_*. */
extern const char tl__store_insert_track_sql[];
extern const char tl__store_insert_assess_sql[];
extern const char tl__store_insert_system_sql[];

/* Binds the typed columns and the canonical body of one message to a prepared insert (after ?1..?3,
 * which the caller binds). Text is bound SQLITE_TRANSIENT, so the message may go after the call. */
int tl__store_bind_track(sqlite3_stmt *s, const struct tl_msg_track *m);
int tl__store_bind_assess(sqlite3_stmt *s, const struct tl_msg_assess *m);
int tl__store_bind_system(sqlite3_stmt *s, const struct tl_msg_system *m,
                          const struct tl_store_system_extra *extra);

/* What the read-only check of a file found. */
struct tl__store_probe {
    int exists;   /* 0: no such file (tl_store_open creates it) */
    int version;  /* TL_STORE_SCHEMA, 1 (the first schema), or 0 with exists: an empty database */
};

/* Checks @p path without writing to it: a regular, readable file (or, with @p may_create, none at
 * all), SQLite, PRAGMA quick_check "ok", the trilink tables, a version this code knows. On failure
 * writes why into @p why, without the path (callers word it: "'<path>': why"), and returns TL_EIO
 * (TL_ENOMEM). */
int tl__store_probe(const char *path, int may_create, struct tl__store_probe *p, char *why,
                    size_t why_size);

/* Migrates an open read-write database of the first schema to TL_STORE_SCHEMA in one transaction
 * (rolled back on any failure). The audit table is not touched. */
int tl__store_migrate(sqlite3 *db, char *why, size_t why_size);

/* Text names of the typed columns: NULL for values outside the enums. */
const char *tl__store_status_name(int status);
const char *tl__store_phase_name(int phase);
/* "icbm-lofted" etc. into @p buf; NULL when @p cls is not a class. */
const char *tl__store_class_name(int cls, int loft, char *buf, size_t size);

#endif
