/* SQLite storage with a writer thread, and the SHA-256 audit chain. The schema, the typed
 * columns and the checks at open are in schema.c; the export in export.c. */
#include <math.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trilink/store.h"
#include "trilink/trajectory.h"
#include "store_int.h"

#define QUEUE_MAX 200000
#define BATCH_ROWS 1000
#define BATCH_MS 100

enum row_kind { ROW_TRACK, ROW_ASSESS, ROW_SYSTEM, ROW_AUDIT, ROW_META, N_ROW_KINDS };

/* A system track row's payload: the wire message and what the store keeps beside it. */
struct system_payload {
    struct tl_msg_system m;
    struct tl_store_system_extra x;
    int has_extra;
};

struct row {
    enum row_kind kind;
    int64_t wall_ns;
    char source[16];
    /* Owned copy of what the row stores: the message struct (track, assessment), a struct
     * system_payload, or "key\0value" (meta). The canonical text and the typed columns are
     * computed by the storage thread, off the real-time path. */
    void *payload;
    /* audit */
    int64_t seq;
    char dir[12], peer[TL_NATION_LEN], partition[24], topic[16], origin[TL_NATION_LEN];
    int32_t key;
    unsigned char digest[32], prev[32], hash[32];
};

struct tl_store {
    sqlite3 *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct row *q;
    size_t head, count;
    int stop;
    int64_t seq;
    unsigned char last_hash[32];
    struct tl_store_stats st;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sha256(const void *a, size_t na, const void *b, size_t nb, unsigned char out[32])
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned int n = 32;
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    if (na)
        EVP_DigestUpdate(c, a, na);
    if (nb)
        EVP_DigestUpdate(c, b, nb);
    EVP_DigestFinal_ex(c, out, &n);
    EVP_MD_CTX_free(c);
}

static void hex(const unsigned char *h, int n, char *out)
{
    for (int i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", h[i]);
}

/* The chained hash of one entry (see store.h). */
static void entry_hash(const unsigned char prev[32], int64_t seq, int64_t wall_ns, const char *dir,
                       const char *peer, const char *partition, const char *topic,
                       const char *origin, int64_t key, const unsigned char digest[32],
                       unsigned char out[32])
{
    char text[512], dh[65];
    int n;
    hex(digest, 32, dh);
    n = snprintf(text, sizeof text, "%lld|%lld|%s|%s|%s|%s|%s|%lld|%s", (long long)seq,
                 (long long)wall_ns, dir, peer, partition, topic, origin, (long long)key, dh);
    sha256(prev, 32, text, (size_t)(n > 0 ? n : 0), out);
}

/* ---- writer thread ------------------------------------------------------------------------ */

static int insert(sqlite3 *db, sqlite3_stmt **stmt, const struct row *r)
{
    static const char *const sql[N_ROW_KINDS] = {
        [ROW_TRACK] = tl__store_insert_track_sql,
        [ROW_ASSESS] = tl__store_insert_assess_sql,
        [ROW_SYSTEM] = tl__store_insert_system_sql,
        [ROW_AUDIT] = "INSERT INTO audit(seq,wall_ns,dir,peer,partition,topic,origin,key,digest,"
                      "prev,hash) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
        [ROW_META] = "INSERT INTO meta(key, value) VALUES(?1, ?2)"
                     " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    };
    sqlite3_stmt *s;
    int rc = TL_OK;

    if (stmt[r->kind] == NULL &&
        sqlite3_prepare_v2(db, sql[r->kind], -1, &stmt[r->kind], NULL) != SQLITE_OK)
        return -1;
    s = stmt[r->kind];
    sqlite3_reset(s);
    sqlite3_clear_bindings(s); /* ?1, the id of a new row, stays NULL */
    switch (r->kind) {
    case ROW_TRACK:
    case ROW_ASSESS:
        sqlite3_bind_int64(s, 2, r->wall_ns);
        sqlite3_bind_text(s, 3, r->source, -1, SQLITE_STATIC);
        rc = r->kind == ROW_TRACK ? tl__store_bind_track(s, r->payload)
                                  : tl__store_bind_assess(s, r->payload);
        break;
    case ROW_SYSTEM: {
        const struct system_payload *p = r->payload;
        sqlite3_bind_int64(s, 2, r->wall_ns);
        rc = tl__store_bind_system(s, &p->m, p->has_extra ? &p->x : NULL);
        break;
    }
    case ROW_AUDIT:
        sqlite3_bind_int64(s, 1, r->seq);
        sqlite3_bind_int64(s, 2, r->wall_ns);
        sqlite3_bind_text(s, 3, r->dir, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, r->peer, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, r->partition, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 6, r->topic, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 7, r->origin, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 8, r->key);
        sqlite3_bind_blob(s, 9, r->digest, 32, SQLITE_STATIC);
        sqlite3_bind_blob(s, 10, r->prev, 32, SQLITE_STATIC);
        sqlite3_bind_blob(s, 11, r->hash, 32, SQLITE_STATIC);
        break;
    case ROW_META: {
        const char *k = r->payload;
        sqlite3_bind_text(s, 1, k, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, k + strlen(k) + 1, -1, SQLITE_STATIC);
        break;
    }
    case N_ROW_KINDS:
        return -1;
    }
    if (rc != TL_OK)
        return -1;
    return sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
}

/* The library does not print, except here: a node whose storage fails must say so, and the
 * storage thread has no caller to return to. Once per store, so a broken disk does not flood
 * the log; the count is in tl_store_stats. */
static void report_failure(struct tl_store *st, const char *what, int *reported)
{
    if (!*reported)
        fprintf(stderr, "store: %s failed: %s (further failures are counted, not printed)\n",
                what, sqlite3_errmsg(st->db));
    *reported = 1;
}

static void *writer(void *arg)
{
    struct tl_store *st = arg;
    sqlite3_stmt *stmt[N_ROW_KINDS] = { 0 };
    struct row *batch = malloc(BATCH_ROWS * sizeof *batch);
    int reported = 0;

    for (;;) {
        size_t n = 0;
        int stop;
        pthread_mutex_lock(&st->mu);
        if (st->count == 0 && !st->stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += BATCH_MS * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&st->cv, &st->mu, &ts);
        }
        while (st->count > 0 && n < BATCH_ROWS && batch != NULL) {
            batch[n++] = st->q[st->head];
            st->head = (st->head + 1) % QUEUE_MAX;
            st->count--;
        }
        stop = st->stop && st->count == 0;
        pthread_mutex_unlock(&st->mu);
        if (n > 0) {
            const int64_t t0 = now_ns();
            long ok = 0;
            sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL);
            for (size_t i = 0; i < n; i++) {
                if (insert(st->db, stmt, &batch[i]) == 0)
                    ok++;
                else
                    report_failure(st, "insert", &reported);
                free(batch[i].payload);
            }
            if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
                report_failure(st, "commit", &reported);
                sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
                ok = 0;
            }
            pthread_mutex_lock(&st->mu);
            st->st.committed += ok;
            st->st.failed += (long)n - ok;
            st->st.transactions++;
            {
                double ms = (double)(now_ns() - t0) / 1e6;
                if (ms > st->st.max_commit_ms)
                    st->st.max_commit_ms = ms;
            }
            pthread_mutex_unlock(&st->mu);
        }
        if (stop)
            break;
    }
    for (int i = 0; i < N_ROW_KINDS; i++)
        sqlite3_finalize(stmt[i]);
    free(batch);
    return NULL;
}

static int enqueue(struct tl_store *st, struct row *r)
{
    int rc = TL_OK;
    pthread_mutex_lock(&st->mu);
    if (st->count == QUEUE_MAX) {
        st->st.dropped++;
        free(r->payload);
        rc = TL_ENOMEM;
    } else {
        st->q[(st->head + st->count) % QUEUE_MAX] = *r;
        st->count++;
        st->st.queued++;
        if (st->count >= BATCH_ROWS)
            pthread_cond_signal(&st->cv);
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

/* ---- open / close ------------------------------------------------------------------------- */

static int open_fail(struct tl_diag *diag, const char *path, const char *why, int rc)
{
    if (diag != NULL)
        snprintf(diag->message, sizeof diag->message, "'%s': %s", path, why);
    return rc;
}

/* Opens the checked file for writing and brings it to TL_STORE_SCHEMA: a new or empty file gets
 * the schema, one of the first schema is migrated. */
static int open_rw(const char *path, const struct tl__store_probe *p, sqlite3 **out, char *why,
                   size_t why_size)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);

    if (rc != SQLITE_OK) {
        const int e = db != NULL ? sqlite3_system_errno(db) : 0;
        snprintf(why, why_size, "cannot %s: %s", p->exists ? "open" : "create",
                 e != 0 ? strerror(e) : db != NULL ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return rc == SQLITE_NOMEM ? TL_ENOMEM : TL_EIO;
    }
    sqlite3_busy_timeout(db, 2000);
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL,
                     NULL) != SQLITE_OK) {
        snprintf(why, why_size, "%s", sqlite3_errmsg(db));
        sqlite3_close(db);
        return TL_EIO;
    }
    if (p->version == 1) {
        if ((rc = tl__store_migrate(db, why, why_size)) != TL_OK) {
            sqlite3_close(db);
            return rc;
        }
    } else if (p->version == 0) {
        /* one transaction: a database has all of the schema or none of it */
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(db, tl__store_schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(db,
                         "INSERT OR REPLACE INTO meta(key, value) VALUES('schema', '2');"
                         "PRAGMA user_version = 2; COMMIT;",
                         NULL, NULL, NULL) != SQLITE_OK) {
            snprintf(why, why_size, "cannot create the schema: %s", sqlite3_errmsg(db));
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            sqlite3_close(db);
            return TL_EIO;
        }
    }
    *out = db;
    return TL_OK;
}

_Static_assert(TL_STORE_SCHEMA == 2, "a new database is written as schema version 2");

int tl_store_open(const char *path, struct tl_store **out, struct tl_diag *diag)
{
    struct tl__store_probe p;
    struct tl_store *st;
    sqlite3_stmt *s = NULL;
    char why[512] = "";
    int rc;

    if (path == NULL || out == NULL)
        return TL_EINVAL;
    /* read-only first: nothing is written to a file that is then refused */
    if ((rc = tl__store_probe(path, 1, &p, why, sizeof why)) != TL_OK)
        return open_fail(diag, path, why, rc);
    st = calloc(1, sizeof *st);
    if (st == NULL || (st->q = calloc(QUEUE_MAX, sizeof *st->q)) == NULL) {
        free(st);
        return open_fail(diag, path, "out of memory", TL_ENOMEM);
    }
    if ((rc = open_rw(path, &p, &st->db, why, sizeof why)) != TL_OK) {
        free(st->q);
        free(st);
        return open_fail(diag, path, why, rc);
    }
    /* continue the audit chain from the last committed entry */
    if (sqlite3_prepare_v2(st->db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", -1, &s,
                           NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 1) == 32) {
        st->seq = sqlite3_column_int64(s, 0);
        memcpy(st->last_hash, sqlite3_column_blob(s, 1), 32);
    }
    sqlite3_finalize(s);
    pthread_mutex_init(&st->mu, NULL);
    pthread_cond_init(&st->cv, NULL);
    if (pthread_create(&st->thread, NULL, writer, st) != 0) {
        sqlite3_close(st->db);
        pthread_mutex_destroy(&st->mu);
        pthread_cond_destroy(&st->cv);
        free(st->q);
        free(st);
        return open_fail(diag, path, "cannot start the storage thread", TL_EIO);
    }
    *out = st;
    return TL_OK;
}

void tl_store_close(struct tl_store *st)
{
    if (st == NULL)
        return;
    pthread_mutex_lock(&st->mu);
    st->stop = 1;
    pthread_cond_signal(&st->cv);
    pthread_mutex_unlock(&st->mu);
    pthread_join(st->thread, NULL);
    sqlite3_close(st->db);
    pthread_mutex_destroy(&st->mu);
    pthread_cond_destroy(&st->cv);
    free(st->q);
    free(st);
}

void tl_store_stats(struct tl_store *st, struct tl_store_stats *s)
{
    pthread_mutex_lock(&st->mu);
    *s = st->st;
    pthread_mutex_unlock(&st->mu);
}

/* ---- rows --------------------------------------------------------------------------------- */

static void *copy_of(const void *m, size_t n)
{
    void *p = malloc(n);
    if (p != NULL)
        memcpy(p, m, n);
    return p;
}

/* A national row: the message is copied; the storage thread derives the rest. */
static int national(struct tl_store *st, enum row_kind kind, const char *source, const void *m,
                    size_t size)
{
    struct row r;

    if (st == NULL || source == NULL || m == NULL)
        return TL_EINVAL;
    memset(&r, 0, sizeof r);
    r.kind = kind;
    r.wall_ns = now_ns();
    snprintf(r.source, sizeof r.source, "%s", source);
    if ((r.payload = copy_of(m, size)) == NULL)
        return TL_ENOMEM;
    return enqueue(st, &r);
}

int tl_store_track(struct tl_store *st, const char *source, const struct tl_msg_track *m)
{
    return national(st, ROW_TRACK, source, m, sizeof *m);
}

int tl_store_assess(struct tl_store *st, const char *source, const struct tl_msg_assess *m)
{
    return national(st, ROW_ASSESS, source, m, sizeof *m);
}

int tl_store_system(struct tl_store *st, const struct tl_msg_system *m,
                    const struct tl_store_system_extra *extra)
{
    struct system_payload *p;
    struct row r;

    if (st == NULL || m == NULL)
        return TL_EINVAL;
    if ((p = calloc(1, sizeof *p)) == NULL)
        return TL_ENOMEM;
    p->m = *m;
    if (extra != NULL) {
        p->x = *extra;
        p->has_extra = 1;
    }
    memset(&r, 0, sizeof r);
    r.kind = ROW_SYSTEM;
    r.wall_ns = now_ns();
    r.payload = p;
    return enqueue(st, &r);
}

int tl_store_set_meta(struct tl_store *st, const char *key, const char *value)
{
    struct row r;
    size_t nk, nv;
    char *p;

    if (st == NULL || key == NULL || key[0] == '\0' || value == NULL)
        return TL_EINVAL;
    nk = strlen(key);
    nv = strlen(value);
    if ((p = malloc(nk + nv + 2)) == NULL)
        return TL_ENOMEM;
    memcpy(p, key, nk + 1);
    memcpy(p + nk + 1, value, nv + 1);
    memset(&r, 0, sizeof r);
    r.kind = ROW_META;
    r.wall_ns = now_ns();
    r.payload = p;
    return enqueue(st, &r);
}

int tl_store_audit(struct tl_store *st, const char *dir, const char *peer, const char *partition,
                   enum tl_msg_kind kind, const char *origin, int32_t key, const void *msg)
{
    struct row r;
    char stack[4096], *text = stack;
    size_t n = tl_msg_canonical(kind, msg, stack, sizeof stack);

    /* A Warning's text holds its CAP document (up to 64 kB): the digest must cover all of it,
     * not the 4 kB that fit. Other kinds fit, so their digests are as before. */
    if (n == sizeof stack - 1) {
        const size_t need = tl_msg_canonical_size(kind, msg);
        if (need > sizeof stack) {
            if ((text = malloc(need)) == NULL)
                return TL_ENOMEM;
            n = tl_msg_canonical(kind, msg, text, need);
        }
    }
    memset(&r, 0, sizeof r);
    r.kind = ROW_AUDIT;
    r.wall_ns = now_ns();
    snprintf(r.dir, sizeof r.dir, "%s", dir);
    snprintf(r.peer, sizeof r.peer, "%s", peer);
    snprintf(r.partition, sizeof r.partition, "%s", partition);
    snprintf(r.topic, sizeof r.topic, "%s", tl_msg_topic(kind));
    snprintf(r.origin, sizeof r.origin, "%s", origin);
    r.key = key;
    sha256(text, n, NULL, 0, r.digest);
    if (text != stack)
        free(text);
    pthread_mutex_lock(&st->mu);
    r.seq = ++st->seq;
    memcpy(r.prev, st->last_hash, 32);
    entry_hash(r.prev, r.seq, r.wall_ns, r.dir, r.peer, r.partition, r.topic, r.origin, r.key,
               r.digest, r.hash);
    memcpy(st->last_hash, r.hash, 32);
    pthread_mutex_unlock(&st->mu);
    return enqueue(st, &r);
}

void tl_store_audit_head(const struct tl_store *st, int64_t *seq, unsigned char hash[32])
{
    pthread_mutex_lock((pthread_mutex_t *)&st->mu);
    *seq = st->seq;
    memcpy(hash, st->last_hash, 32);
    pthread_mutex_unlock((pthread_mutex_t *)&st->mu);
}

int tl_store_systems(struct tl_store *st,
                     void (*each)(void *, const struct tl_store_system_last *), void *ctx,
                     int32_t *max_no)
{
    sqlite3 *db;
    sqlite3_stmt *s = NULL;
    int rc = TL_OK;

    *max_no = 0;
    /* a connection of its own: the storage thread owns st->db */
    if (sqlite3_open_v2(sqlite3_db_filename(st->db, "main"), &db, SQLITE_OPEN_READONLY, NULL) !=
        SQLITE_OK)
        return TL_EIO;
    if (sqlite3_prepare_v2(db,
                           "SELECT system_no, contributors, t_ns, x_m, y_m, z_m, vx_mps, vy_mps,"
                           " vz_mps, phase FROM system_tracks WHERE id IN"
                           " (SELECT MAX(id) FROM system_tracks GROUP BY system_no)",
                           -1, &s, NULL) != SQLITE_OK)
        rc = TL_EIO;
    while (rc == TL_OK && sqlite3_step(s) == SQLITE_ROW) {
        struct tl_store_system_last row;
        const char *c = (const char *)sqlite3_column_text(s, 1);
        int merged_into = 0;
        memset(&row, 0, sizeof row);
        row.no = (int32_t)sqlite3_column_int64(s, 0);
        if (row.no > *max_no)
            *max_no = row.no;
        if (c != NULL && sscanf(c, "merged into %d", &merged_into) == 1)
            c = "";
        row.contributors = c ? c : "";
        row.merged_into = merged_into;
        if (sqlite3_column_type(s, 2) == SQLITE_INTEGER) {
            int have = 1;
            for (int k = 0; k < 6; k++)
                have &= sqlite3_column_type(s, 3 + k) == SQLITE_FLOAT;
            if (have) {
                const int ph = tl_phase_from_name((const char *)sqlite3_column_text(s, 9));
                row.t_ns = sqlite3_column_int64(s, 2);
                for (int k = 0; k < 6; k++)
                    row.y[k] = sqlite3_column_double(s, 3 + k);
                row.phase = ph >= TL_PHASE_BOOST && ph <= TL_PHASE_REENTRY ? ph : 0;
            }
        }
        if (each)
            each(ctx, &row);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return rc;
}

int tl_audit_verify(const char *path, int64_t *n, int64_t *bad_seq, char *why, size_t why_size)
{
    sqlite3 *db;
    sqlite3_stmt *s = NULL;
    unsigned char prev[32] = { 0 }, h[32];
    int64_t expect = 1;
    int rc = TL_OK, step = SQLITE_DONE;
    struct tl__store_probe pr;


    if (path == NULL || n == NULL || bad_seq == NULL || why == NULL)
        return TL_EINVAL;
    *n = 0;
    *bad_seq = 0;
    /* A chain can be intact in a file whose other pages are damaged: say so rather than
     * "intact" (quick_check in the probe). */
    if ((rc = tl__store_probe(path, 0, &pr, why, why_size)) != TL_OK)
        return rc;
    if (pr.version == 0) {
        snprintf(why, why_size, "not a trilink node database (an empty SQLite file)");
        return TL_EIO;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT seq,wall_ns,dir,peer,partition,topic,origin,key,digest,prev,hash"
                           " FROM audit ORDER BY seq",
                           -1, &s, NULL) != SQLITE_OK) {
        snprintf(why, why_size, "not a trilink node database: %s", sqlite3_errmsg(db));
        sqlite3_close(db);
        return TL_EIO;
    }
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const int64_t seq = sqlite3_column_int64(s, 0);
        const unsigned char *digest = sqlite3_column_blob(s, 8);
        const unsigned char *p = sqlite3_column_blob(s, 9), *hh = sqlite3_column_blob(s, 10);
#define TXT(i) ((const char *)sqlite3_column_text(s, i) ? (const char *)sqlite3_column_text(s, i) : "")
        if (seq != expect) {
            snprintf(why, why_size, "entry %lld missing (next present is %lld)",
                     (long long)expect, (long long)seq);
            *bad_seq = expect;
            rc = TL_EPARSE;
            break;
        }
        if (sqlite3_column_bytes(s, 8) != 32 || sqlite3_column_bytes(s, 9) != 32 ||
            sqlite3_column_bytes(s, 10) != 32 || memcmp(p, prev, 32) != 0) {
            snprintf(why, why_size, "entry %lld does not chain to entry %lld", (long long)seq,
                     (long long)(seq - 1));
            *bad_seq = seq;
            rc = TL_EPARSE;
            break;
        }
        entry_hash(prev, seq, sqlite3_column_int64(s, 1), TXT(2), TXT(3), TXT(4), TXT(5), TXT(6),
                   sqlite3_column_int64(s, 7), digest, h);
#undef TXT
        if (memcmp(h, hh, 32) != 0) {
            snprintf(why, why_size, "entry %lld was altered (its hash does not match its content)",
                     (long long)seq);
            *bad_seq = seq;
            rc = TL_EPARSE;
            break;
        }
        memcpy(prev, h, 32);
        expect++;
        (*n)++;
    }
    /* a read error part way must not pass for the end of an intact chain */
    if (rc == TL_OK && step != SQLITE_DONE) {
        snprintf(why, why_size, "cannot read the audit table after entry %lld: %s",
                 (long long)(expect - 1), sqlite3_errmsg(db));
        rc = TL_EIO;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return rc;
}

static int query_long(sqlite3 *db, const char *sql, long *out)
{
    sqlite3_stmt *s = NULL;
    int rc = TL_EIO;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
        *out = (long)sqlite3_column_int64(s, 0);
        rc = TL_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

int tl_store_max_own_track(struct tl_store *st, int32_t *max_no)
{
    sqlite3 *db;
    long v = 0;
    int rc;
    *max_no = 0;
    if (sqlite3_open_v2(sqlite3_db_filename(st->db, "main"), &db, SQLITE_OPEN_READONLY, NULL) !=
        SQLITE_OK)
        return TL_EIO;
    rc = query_long(db, "SELECT COALESCE(MAX(track_no), 0) FROM tracks WHERE source = 'own'", &v);
    sqlite3_close(db);
    *max_no = (int32_t)v;
    return rc;
}

int tl_store_count(const char *path, long *rows)
{
    sqlite3 *db;
    long a = 0, b = 0, c = 0, d = 0;
    int rc = TL_EIO;
    *rows = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        query_long(db, "SELECT COUNT(*) FROM tracks", &a) == TL_OK &&
        query_long(db, "SELECT COUNT(*) FROM assessments", &b) == TL_OK &&
        query_long(db, "SELECT COUNT(*) FROM system_tracks", &c) == TL_OK &&
        query_long(db, "SELECT COUNT(*) FROM audit", &d) == TL_OK) {
        *rows = a + b + c + d;
        rc = TL_OK;
    }
    sqlite3_close(db);
    return rc;
}
