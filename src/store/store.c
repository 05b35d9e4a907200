/* SQLite storage with a writer thread, and the SHA-256 audit chain. */
#include <math.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trilink/store.h"

#define QUEUE_MAX 200000
#define BATCH_ROWS 1000
#define BATCH_MS 100

enum row_kind { ROW_TRACK, ROW_ASSESS, ROW_SYSTEM, ROW_AUDIT };

struct row {
    enum row_kind kind;
    int64_t wall_ns;
    char source[16], origin[TL_NATION_LEN], relay[TL_NATION_LEN];
    int32_t key;
    int64_t t_ns;
    int status;
    double a, b, c, d; /* impact lat, lon (deg), semi-axes (m) where it applies */
    char *body;        /* canonical text (owned) */
    /* audit */
    int64_t seq;
    char dir[12], peer[TL_NATION_LEN], partition[24], topic[16];
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

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS tracks(id INTEGER PRIMARY KEY, wall_ns INTEGER, source TEXT,"
    " origin TEXT, relay TEXT, track_no INTEGER, t_ns INTEGER, status INTEGER, body TEXT);"
    "CREATE TABLE IF NOT EXISTS assessments(id INTEGER PRIMARY KEY, wall_ns INTEGER, source TEXT,"
    " origin TEXT, relay TEXT, track_no INTEGER, t_ns INTEGER, impact_lat_deg REAL,"
    " impact_lon_deg REAL, semi_major_m REAL, semi_minor_m REAL, body TEXT);"
    "CREATE TABLE IF NOT EXISTS system_tracks(id INTEGER PRIMARY KEY, wall_ns INTEGER,"
    " system_no INTEGER, t_ns INTEGER, contributors TEXT, impact_lat_deg REAL,"
    " impact_lon_deg REAL, semi_major_m REAL, semi_minor_m REAL, body TEXT);"
    "CREATE INDEX IF NOT EXISTS system_tracks_no ON system_tracks(system_no);"
    "CREATE TABLE IF NOT EXISTS audit(seq INTEGER PRIMARY KEY, wall_ns INTEGER, dir TEXT,"
    " peer TEXT, partition TEXT, topic TEXT, origin TEXT, key INTEGER, digest BLOB, prev BLOB,"
    " hash BLOB);"
    /* append-only: the database itself refuses to change or delete an audit entry */
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;";

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
    static const char *const sql[] = {
        "INSERT INTO tracks(wall_ns,source,origin,relay,track_no,t_ns,status,body)"
        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
        "INSERT INTO assessments(wall_ns,source,origin,relay,track_no,t_ns,impact_lat_deg,"
        "impact_lon_deg,semi_major_m,semi_minor_m,body) VALUES(?1,?2,?3,?4,?5,?6,?9,?10,?11,?12,?8)",
        "INSERT INTO system_tracks(wall_ns,system_no,t_ns,contributors,impact_lat_deg,"
        "impact_lon_deg,semi_major_m,semi_minor_m,body) VALUES(?1,?5,?6,?2,?9,?10,?11,?12,?8)",
        "INSERT INTO audit(seq,wall_ns,dir,peer,partition,topic,origin,key,digest,prev,hash)"
        " VALUES(?13,?1,?14,?15,?16,?17,?3,?5,?18,?19,?20)",
    };
    sqlite3_stmt *s = stmt[r->kind];
    int rc;

    if (s == NULL && sqlite3_prepare_v2(db, sql[r->kind], -1, &stmt[r->kind], NULL) != SQLITE_OK)
        return -1;
    s = stmt[r->kind];
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    sqlite3_bind_int64(s, 1, r->wall_ns);
    sqlite3_bind_text(s, 2, r->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, r->origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, r->relay, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, r->key);
    sqlite3_bind_int64(s, 6, r->t_ns);
    if (r->kind == ROW_TRACK)
        sqlite3_bind_int(s, 7, r->status);
    if (r->body)
        sqlite3_bind_text(s, 8, r->body, -1, SQLITE_STATIC);
    if (r->kind == ROW_ASSESS || r->kind == ROW_SYSTEM) {
        sqlite3_bind_double(s, 9, r->a);
        sqlite3_bind_double(s, 10, r->b);
        sqlite3_bind_double(s, 11, r->c);
        sqlite3_bind_double(s, 12, r->d);
    }
    if (r->kind == ROW_AUDIT) {
        sqlite3_bind_int64(s, 13, r->seq);
        sqlite3_bind_text(s, 14, r->dir, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 15, r->peer, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 16, r->partition, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 17, r->topic, -1, SQLITE_STATIC);
        sqlite3_bind_blob(s, 18, r->digest, 32, SQLITE_STATIC);
        sqlite3_bind_blob(s, 19, r->prev, 32, SQLITE_STATIC);
        sqlite3_bind_blob(s, 20, r->hash, 32, SQLITE_STATIC);
    }
    rc = sqlite3_step(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void *writer(void *arg)
{
    struct tl_store *st = arg;
    sqlite3_stmt *stmt[4] = { 0 };
    struct row *batch = malloc(BATCH_ROWS * sizeof *batch);

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
                    fprintf(stderr, "store: insert failed: %s\n", sqlite3_errmsg(st->db));
                free(batch[i].body);
            }
            if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
                fprintf(stderr, "store: commit failed: %s\n", sqlite3_errmsg(st->db));
                ok = 0;
            }
            pthread_mutex_lock(&st->mu);
            st->st.committed += ok;
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
    for (int i = 0; i < 4; i++)
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
        free(r->body);
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

int tl_store_open(const char *path, struct tl_store **out, struct tl_diag *diag)
{
    struct tl_store *st = calloc(1, sizeof *st);
    sqlite3_stmt *s = NULL;

    if (st == NULL)
        return TL_ENOMEM;
    st->q = calloc(QUEUE_MAX, sizeof *st->q);
    if (st->q == NULL || sqlite3_open(path, &st->db) != SQLITE_OK ||
        sqlite3_exec(st->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        if (diag)
            snprintf(diag->message, sizeof diag->message, "storage '%s': %s", path,
                     st->db ? sqlite3_errmsg(st->db) : "out of memory");
        sqlite3_close(st->db);
        free(st->q);
        free(st);
        return TL_EIO;
    }
    sqlite3_busy_timeout(st->db, 2000);
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
        free(st->q);
        free(st);
        return TL_EIO;
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

static char *canon(enum tl_msg_kind k, const void *m)
{
    char buf[4096];
    size_t n = tl_msg_canonical(k, m, buf, sizeof buf);
    char *p = malloc(n + 1);
    if (p != NULL)
        memcpy(p, buf, n + 1);
    return p;
}

/* The columns a track and an assessment row share. */
static void national_row(struct row *r, enum row_kind kind, const char *source, const char *origin,
                         const char *relay, int32_t key, int64_t t_ns)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->wall_ns = now_ns();
    snprintf(r->source, sizeof r->source, "%s", source);
    snprintf(r->origin, sizeof r->origin, "%s", origin);
    snprintf(r->relay, sizeof r->relay, "%s", relay);
    r->key = key;
    r->t_ns = t_ns;
}

int tl_store_track(struct tl_store *st, const char *source, const struct tl_msg_track *m)
{
    struct row r;
    national_row(&r, ROW_TRACK, source, m->origin, m->relay, m->track_no, m->t_ns);
    r.status = m->status;
    r.body = canon(TL_MSG_TRACK, m);
    return enqueue(st, &r);
}

int tl_store_assess(struct tl_store *st, const char *source, const struct tl_msg_assess *m)
{
    struct row r;
    national_row(&r, ROW_ASSESS, source, m->origin, m->relay, m->track_no, m->t_ns);
    r.a = m->impact_lat_rad * 180.0 / M_PI;
    r.b = m->impact_lon_rad * 180.0 / M_PI;
    r.c = m->semi_major_m;
    r.d = m->semi_minor_m;
    r.body = canon(TL_MSG_ASSESSMENT, m);
    return enqueue(st, &r);
}

int tl_store_system(struct tl_store *st, const struct tl_msg_system *m)
{
    struct row r;
    memset(&r, 0, sizeof r);
    r.kind = ROW_SYSTEM;
    r.wall_ns = now_ns();
    snprintf(r.source, sizeof r.source, "%.15s", m->contributors);
    r.key = m->system_no;
    r.t_ns = m->t_ns;
    r.a = m->has_impact ? m->impact_lat_rad * 180.0 / M_PI : 0.0;
    r.b = m->has_impact ? m->impact_lon_rad * 180.0 / M_PI : 0.0;
    r.c = m->semi_major_m;
    r.d = m->semi_minor_m;
    r.body = canon(TL_MSG_SYSTEM_TRACK, m);
    return enqueue(st, &r);
}

int tl_store_audit(struct tl_store *st, const char *dir, const char *peer, const char *partition,
                   enum tl_msg_kind kind, const char *origin, int32_t key, const void *msg)
{
    struct row r;
    char text[4096];
    size_t n = tl_msg_canonical(kind, msg, text, sizeof text);

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

int tl_store_systems(struct tl_store *st, void (*each)(void *, int32_t, const char *), void *ctx,
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
                           "SELECT system_no, contributors FROM system_tracks WHERE id IN"
                           " (SELECT MAX(id) FROM system_tracks GROUP BY system_no)",
                           -1, &s, NULL) != SQLITE_OK)
        rc = TL_EIO;
    while (rc == TL_OK && sqlite3_step(s) == SQLITE_ROW) {
        int32_t no = (int32_t)sqlite3_column_int64(s, 0);
        const char *c = (const char *)sqlite3_column_text(s, 1);
        if (no > *max_no)
            *max_no = no;
        if (each)
            each(ctx, no, c ? c : "");
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
    int rc = TL_OK;

    *n = 0;
    *bad_seq = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT seq,wall_ns,dir,peer,partition,topic,origin,key,digest,prev,hash"
                           " FROM audit ORDER BY seq",
                           -1, &s, NULL) != SQLITE_OK) {
        snprintf(why, why_size, "%s: not a trilink node database: %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return TL_EIO;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
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
