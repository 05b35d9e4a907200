/* The node database's schema (version 2, documented in README.md "The node database"), the typed
 * columns of each row, the read-only checks made before a file is opened for writing, and the
 * migration from the first schema. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trilink/assess.h"
#include "trilink/geo.h"
#include "trilink/track.h"
#include "trilink/trajectory.h"
#include "store_int.h"

/* The column lists are fixed by the README (users and the node code query them by name). */
const char tl__store_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS tracks(id INTEGER PRIMARY KEY, wall_ns INTEGER, source TEXT,"
    " origin TEXT, relay TEXT, track_no INTEGER, t_ns INTEGER, status TEXT, phase TEXT,"
    " x_m REAL, y_m REAL, z_m REAL, vx_mps REAL, vy_mps REAL, vz_mps REAL,"
    " lat_deg REAL, lon_deg REAL, alt_m REAL, pos_sigma_m REAL, vel_sigma_mps REAL, body TEXT);"
    "CREATE TABLE IF NOT EXISTS assessments(id INTEGER PRIMARY KEY, wall_ns INTEGER, source TEXT,"
    " origin TEXT, relay TEXT, track_no INTEGER, t_ns INTEGER, class TEXT, launch_ns INTEGER,"
    " launch_lat_deg REAL, launch_lon_deg REAL, launch_err_m REAL, impact_ns INTEGER,"
    " impact_lat_deg REAL, impact_lon_deg REAL, semi_major_m REAL, semi_minor_m REAL,"
    " major_az_deg REAL, apogee_m REAL, body TEXT);"
    "CREATE TABLE IF NOT EXISTS system_tracks(id INTEGER PRIMARY KEY, wall_ns INTEGER,"
    " scen_ns INTEGER, system_no INTEGER, t_ns INTEGER, status TEXT, phase TEXT,"
    " contributors TEXT, x_m REAL, y_m REAL, z_m REAL, vx_mps REAL, vy_mps REAL, vz_mps REAL,"
    " lat_deg REAL, lon_deg REAL, alt_m REAL, pos_sigma_m REAL, vel_sigma_mps REAL,"
    " class TEXT, launch_ns INTEGER, launch_lat_deg REAL, launch_lon_deg REAL, launch_err_m REAL,"
    " impact_ns INTEGER, impact_lat_deg REAL, impact_lon_deg REAL, semi_major_m REAL,"
    " semi_minor_m REAL, major_az_deg REAL, apogee_m REAL, body TEXT);"
    /* unchanged since the first schema: the chain digests these columns (store.h) */
    "CREATE TABLE IF NOT EXISTS audit(seq INTEGER PRIMARY KEY, wall_ns INTEGER, dir TEXT,"
    " peer TEXT, partition TEXT, topic TEXT, origin TEXT, key INTEGER, digest BLOB, prev BLOB,"
    " hash BLOB);"
    /* append-only: the database itself refuses to change or delete an audit entry */
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
    /* what users ask of a node: a time window, one track's history, one system track's */
    "CREATE INDEX IF NOT EXISTS tracks_time ON tracks(t_ns);"
    "CREATE INDEX IF NOT EXISTS tracks_track ON tracks(origin, track_no, t_ns);"
    "CREATE INDEX IF NOT EXISTS assessments_time ON assessments(t_ns);"
    "CREATE INDEX IF NOT EXISTS assessments_track ON assessments(origin, track_no, t_ns);"
    "CREATE INDEX IF NOT EXISTS system_tracks_time ON system_tracks(t_ns);"
    "CREATE INDEX IF NOT EXISTS system_tracks_no ON system_tracks(system_no, t_ns);";

const char tl__store_insert_track_sql[] =
    "INSERT INTO tracks(id,wall_ns,source,origin,relay,track_no,t_ns,status,phase,x_m,y_m,z_m,"
    "vx_mps,vy_mps,vz_mps,lat_deg,lon_deg,alt_m,pos_sigma_m,vel_sigma_mps,body)"
    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21)";
const char tl__store_insert_assess_sql[] =
    "INSERT INTO assessments(id,wall_ns,source,origin,relay,track_no,t_ns,class,launch_ns,"
    "launch_lat_deg,launch_lon_deg,launch_err_m,impact_ns,impact_lat_deg,impact_lon_deg,"
    "semi_major_m,semi_minor_m,major_az_deg,apogee_m,body)"
    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)";
const char tl__store_insert_system_sql[] =
    "INSERT INTO system_tracks(id,wall_ns,scen_ns,system_no,t_ns,status,phase,contributors,"
    "x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,lon_deg,alt_m,pos_sigma_m,vel_sigma_mps,class,"
    "launch_ns,launch_lat_deg,launch_lon_deg,launch_err_m,impact_ns,impact_lat_deg,"
    "impact_lon_deg,semi_major_m,semi_minor_m,major_az_deg,apogee_m,body)"
    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,"
    "?23,?24,?25,?26,?27,?28,?29,?30,?31,?32)";

#define DEG (180.0 / M_PI)

const char *tl__store_status_name(int status)
{
    return status >= TL_TRACK_TENTATIVE && status <= TL_TRACK_DELETED
               ? tl_track_status_name((enum tl_track_status)status)
               : NULL;
}

const char *tl__store_phase_name(int phase)
{
    return phase >= TL_PHASE_BOOST && phase <= TL_PHASE_REENTRY
               ? tl_phase_name((enum tl_phase)phase)
               : NULL;
}

const char *tl__store_class_name(int cls, int loft, char *buf, size_t size)
{
    if (cls < TL_CLASS_SRBM || cls > TL_CLASS_ICBM)
        return NULL;
    /* as assess.csv writes the class */
    snprintf(buf, size, "%s%s", tl_class_name((enum tl_class)cls), tl_msg_loft_suffix(loft));
    return buf;
}

/* NaN and the infinities are stored as NULL: "unknown" is what they mean in a query. */
static int bind_real(sqlite3_stmt *s, int i, double v)
{
    return isfinite(v) ? sqlite3_bind_double(s, i, v) : sqlite3_bind_null(s, i);
}

static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
    return v != NULL ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
}

/* Position and velocity, latitude, longitude and height, and the two sigma summaries, at
 * parameters i .. i + 10. tl_geo_ecef_to_lla is valid beyond ~43 km from the Earth's centre; a
 * zero state (a disposed system track) gets NULL geodetic columns. */
static int bind_state(sqlite3_stmt *s, int i, const double x[6], const double p[TL_NP])
{
    const double r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    const double pv = p[tl_ut6(0, 0)] + p[tl_ut6(1, 1)] + p[tl_ut6(2, 2)];
    const double vv = p[tl_ut6(3, 3)] + p[tl_ut6(4, 4)] + p[tl_ut6(5, 5)];
    int rc = SQLITE_OK;

    for (int k = 0; k < 6 && rc == SQLITE_OK; k++)
        rc = bind_real(s, i + k, x[k]);
    if (rc == SQLITE_OK && isfinite(r) && r > 1e5) {
        const struct tl_lla g = tl_geo_ecef_to_lla(&TL_WGS84, x);
        if ((rc = bind_real(s, i + 6, g.lat_rad * DEG)) == SQLITE_OK &&
            (rc = bind_real(s, i + 7, g.lon_rad * DEG)) == SQLITE_OK)
            rc = bind_real(s, i + 8, g.h_m);
    } else if (rc == SQLITE_OK) {
        sqlite3_bind_null(s, i + 6);
        sqlite3_bind_null(s, i + 7);
        sqlite3_bind_null(s, i + 8);
    }
    /* a negative trace (a broken covariance) has no square root: NULL, not NaN */
    if (rc == SQLITE_OK)
        rc = bind_real(s, i + 9, pv >= 0.0 ? sqrt(pv) : NAN);
    if (rc == SQLITE_OK)
        rc = bind_real(s, i + 10, vv >= 0.0 ? sqrt(vv) : NAN);
    return rc;
}

static int bind_body(sqlite3_stmt *s, int i, enum tl_msg_kind k, const void *m)
{
    char buf[4096];
    const size_t n = tl_msg_canonical(k, m, buf, sizeof buf);
    return sqlite3_bind_text(s, i, buf, (int)n, SQLITE_TRANSIENT);
}

static int done(int rc)
{
    return rc == SQLITE_OK ? TL_OK : rc == SQLITE_NOMEM ? TL_ENOMEM : TL_EIO;
}

int tl__store_bind_track(sqlite3_stmt *s, const struct tl_msg_track *m)
{
    int rc;
    if ((rc = bind_text(s, 4, m->origin)) != SQLITE_OK ||
        (rc = bind_text(s, 5, m->relay)) != SQLITE_OK ||
        (rc = sqlite3_bind_int64(s, 6, m->track_no)) != SQLITE_OK ||
        (rc = sqlite3_bind_int64(s, 7, m->t_ns)) != SQLITE_OK ||
        (rc = bind_text(s, 8, tl__store_status_name(m->status))) != SQLITE_OK ||
        (rc = bind_text(s, 9, tl__store_phase_name(m->phase))) != SQLITE_OK ||
        (rc = bind_state(s, 10, m->x, m->p)) != SQLITE_OK)
        return done(rc);
    return done(bind_body(s, 21, TL_MSG_TRACK, m));
}

int tl__store_bind_assess(sqlite3_stmt *s, const struct tl_msg_assess *m)
{
    char cls[32];
    int rc;
    if ((rc = bind_text(s, 4, m->origin)) != SQLITE_OK ||
        (rc = bind_text(s, 5, m->relay)) != SQLITE_OK ||
        (rc = sqlite3_bind_int64(s, 6, m->track_no)) != SQLITE_OK ||
        (rc = sqlite3_bind_int64(s, 7, m->t_ns)) != SQLITE_OK ||
        (rc = bind_text(s, 8, tl__store_class_name(m->cls, m->loft, cls, sizeof cls))) !=
            SQLITE_OK)
        return done(rc);
    if (m->has_launch) {
        if ((rc = sqlite3_bind_int64(s, 9, m->launch_ns)) != SQLITE_OK ||
            (rc = bind_real(s, 10, m->launch_lat_rad * DEG)) != SQLITE_OK ||
            (rc = bind_real(s, 11, m->launch_lon_rad * DEG)) != SQLITE_OK ||
            (rc = bind_real(s, 12, m->launch_err_m)) != SQLITE_OK)
            return done(rc);
    } else {
        for (int i = 9; i <= 12; i++)
            sqlite3_bind_null(s, i);
    }
    if ((rc = (m->impact_ns != 0 ? sqlite3_bind_int64(s, 13, m->impact_ns)
                                 : sqlite3_bind_null(s, 13))) != SQLITE_OK ||
        (rc = bind_real(s, 14, m->impact_lat_rad * DEG)) != SQLITE_OK ||
        (rc = bind_real(s, 15, m->impact_lon_rad * DEG)) != SQLITE_OK ||
        (rc = bind_real(s, 16, m->semi_major_m)) != SQLITE_OK ||
        (rc = bind_real(s, 17, m->semi_minor_m)) != SQLITE_OK ||
        (rc = bind_real(s, 18, m->major_az_rad * DEG)) != SQLITE_OK ||
        (rc = bind_real(s, 19, m->apogee_m)) != SQLITE_OK)
        return done(rc);
    return done(bind_body(s, 20, TL_MSG_ASSESSMENT, m));
}

/* The contributors column: the national tracks fused ("KR:3,US:1"), or, for a system track found
 * to be another's object, "merged into N" (read back by tl_store_systems). */
static const char *system_contributors(const struct tl_msg_system *m, char *buf, size_t size)
{
    if (m->merged_into == 0)
        return m->contributors;
    snprintf(buf, size, "merged into %d", (int)m->merged_into);
    return buf;
}

int tl__store_bind_system(sqlite3_stmt *s, const struct tl_msg_system *m,
                          const struct tl_store_system_extra *x)
{
    char cls[32], contributors[40];
    const int imp = m->has_impact != 0;
    int rc;

    if ((rc = (x != NULL && x->scen_ns != 0 ? sqlite3_bind_int64(s, 3, x->scen_ns)
                                            : sqlite3_bind_null(s, 3))) != SQLITE_OK ||
        (rc = sqlite3_bind_int64(s, 4, m->system_no)) != SQLITE_OK ||
        (rc = sqlite3_bind_int64(s, 5, m->t_ns)) != SQLITE_OK ||
        (rc = bind_text(s, 6, x != NULL ? tl__store_status_name(x->status) : NULL)) !=
            SQLITE_OK ||
        (rc = bind_text(s, 7, x != NULL ? tl__store_phase_name(x->phase) : NULL)) != SQLITE_OK ||
        (rc = bind_text(s, 8, system_contributors(m, contributors, sizeof contributors))) !=
            SQLITE_OK ||
        (rc = bind_state(s, 9, m->x, m->p)) != SQLITE_OK ||
        (rc = bind_text(s, 20, x != NULL ? tl__store_class_name(x->cls, x->loft, cls, sizeof cls)
                                         : NULL)) != SQLITE_OK)
        return done(rc);
    for (int i = 21; i <= 31; i++)
        sqlite3_bind_null(s, i);
    if (x != NULL && x->has_launch) {
        sqlite3_bind_int64(s, 21, x->launch_ns);
        bind_real(s, 22, x->launch_lat_rad * DEG);
        bind_real(s, 23, x->launch_lon_rad * DEG);
        bind_real(s, 24, x->launch_err_m);
    }
    if (imp) {
        if (x != NULL && x->impact_ns != 0)
            sqlite3_bind_int64(s, 25, x->impact_ns);
        bind_real(s, 26, m->impact_lat_rad * DEG);
        bind_real(s, 27, m->impact_lon_rad * DEG);
        bind_real(s, 28, m->semi_major_m);
        bind_real(s, 29, m->semi_minor_m);
        if (x != NULL) {
            bind_real(s, 30, x->major_az_rad * DEG);
            bind_real(s, 31, x->apogee_m);
        }
    }
    return done(bind_body(s, 32, TL_MSG_SYSTEM_TRACK, m));
}

/* ---- the read-only check ------------------------------------------------------------------ */

static int has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *s = NULL;
    int yes = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                           -1, &s, NULL) == SQLITE_OK &&
        sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC) == SQLITE_OK)
        yes = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return yes;
}

static int n_tables(sqlite3 *db, long *n)
{
    sqlite3_stmt *s = NULL;
    int rc = SQLITE_ERROR;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM sqlite_master", -1, &s, NULL) == SQLITE_OK &&
        (rc = sqlite3_step(s)) == SQLITE_ROW) {
        *n = (long)sqlite3_column_int64(s, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

/* The first failure a database reports, in the words of the issue: a file that is not SQLite is
 * "not a trilink node database", a damaged one "corrupted". */
static int db_error(sqlite3 *db, int code, char *why, size_t why_size)
{
    if (code == SQLITE_NOTADB)
        snprintf(why, why_size, "not a trilink node database (%s)",
                 sqlite3_errstr(code));
    else if (code == SQLITE_CORRUPT)
        snprintf(why, why_size, "database is corrupted (quick_check: %s)",
                 sqlite3_errmsg(db));
    else if (code == SQLITE_NOMEM)
        return TL_ENOMEM;
    else
        snprintf(why, why_size, "cannot read: %s", sqlite3_errmsg(db));
    return TL_EIO;
}

/* quick_check's first message as one line: it opens with "*** in database main ***" and a
 * newline before what is wrong ("Page 68: btreeInitPage() returns error code 11"). */
static void one_line(const char *msg, char *out, size_t size)
{
    static const char banner[] = "*** in database main ***";
    size_t n = 0;

    if (strncmp(msg, banner, sizeof banner - 1) == 0)
        msg += sizeof banner - 1;
    while (*msg == '\n' || *msg == ' ')
        msg++;
    for (; *msg != '\0' && n + 3 < size; msg++) {
        if (*msg == '\n') {
            out[n++] = ';';
            out[n++] = ' ';
        } else {
            out[n++] = *msg;
        }
    }
    out[n] = '\0';
}

int tl__store_probe(const char *path, int may_create, struct tl__store_probe *p, char *why,
                    size_t why_size)
{
    static const char *const tables[] = { "tracks", "assessments", "system_tracks", "audit" };
    struct stat sb;
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    long nt = 0;
    int rc, v;

    memset(p, 0, sizeof *p);
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT && may_create)
            return TL_OK; /* a new database */
        snprintf(why, why_size, "%s", strerror(errno));
        return TL_EIO;
    }
    if (S_ISDIR(sb.st_mode)) {
        snprintf(why, why_size, "is a directory");
        return TL_EIO;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(why, why_size, "not a regular file");
        return TL_EIO;
    }
    if (access(path, may_create ? R_OK | W_OK : R_OK) != 0) {
        snprintf(why, why_size, "%s", strerror(errno));
        return TL_EIO;
    }
    p->exists = 1;
    if ((rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL)) != SQLITE_OK) {
        rc = db_error(db, rc, why, why_size);
        sqlite3_close(db);
        return rc;
    }
    /* quick_check before anything else reads the tables: O(N) in the file's size, but it is the
     * only way to see a damaged page before an insert trips over it. It returns "ok" or up to
     * 100 lines; the first names the damage. */
    if ((rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &s, NULL)) != SQLITE_OK) {
        rc = db_error(db, sqlite3_errcode(db), why, why_size);
        goto out;
    }
    if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
        if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
            rc = db_error(db, rc, why, why_size);
        else
            rc = db_error(db, sqlite3_errcode(db), why, why_size);
        goto out;
    }
    {
        const char *msg = (const char *)sqlite3_column_text(s, 0);
        if (msg == NULL || strcmp(msg, "ok") != 0) {
            char one[200];
            one_line(msg != NULL ? msg : "no result", one, sizeof one);
            snprintf(why, why_size, "database is corrupted (quick_check: %s)", one);
            rc = TL_EIO;
            goto out;
        }
    }
    sqlite3_finalize(s);
    s = NULL;
    if ((rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL)) != SQLITE_OK ||
        (rc = sqlite3_step(s)) != SQLITE_ROW) {
        rc = db_error(db, sqlite3_errcode(db), why, why_size);
        goto out;
    }
    v = sqlite3_column_int(s, 0);
    if (v > TL_STORE_SCHEMA) {
        snprintf(why, why_size,
                 "schema version %d is newer than this trilink's %d (written by a later "
                 "release; refused, not changed)",
                 v, TL_STORE_SCHEMA);
        rc = TL_EIO;
        goto out;
    }
    if ((rc = n_tables(db, &nt)) != SQLITE_OK) {
        rc = db_error(db, sqlite3_errcode(db), why, why_size);
        goto out;
    }
    rc = TL_OK;
    if (v == 0 && nt == 0) {
        p->version = 0; /* an empty SQLite file: made a node database like a new one */
        goto out;
    }
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (!has_table(db, tables[i])) {
            snprintf(why, why_size, "not a trilink node database (no table '%s')",
                     tables[i]);
            rc = TL_EIO;
            goto out;
        }
    if (v == TL_STORE_SCHEMA && !has_table(db, "meta")) {
        snprintf(why, why_size, "not a trilink node database (no table 'meta')");
        rc = TL_EIO;
        goto out;
    }
    /* no user_version: the first schema (version 1), whose tables are checked by the
     * migration's own statements */
    p->version = v == TL_STORE_SCHEMA ? TL_STORE_SCHEMA : 1;
out:
    sqlite3_finalize(s);
    sqlite3_close(db);
    return rc;
}

/* ---- migration from the first schema ------------------------------------------------------ */

/* Copies one table of the first schema: every body parsed and inserted with its typed columns
 * under its old id. A body that does not parse (none should: the store wrote them all) keeps its
 * row with the columns the first schema had, by the fallback statement. */
static int copy_rows(sqlite3 *db, enum tl_msg_kind k, const char *select_sql,
                     const char *insert_sql, const char *fallback_sql, char *why, size_t why_size)
{
    sqlite3_stmt *sel = NULL, *ins = NULL;
    union {
        struct tl_msg_track t;
        struct tl_msg_assess a;
        struct tl_msg_system s;
    } m;
    int rc = TL_OK, step;

    if (sqlite3_prepare_v2(db, select_sql, -1, &sel, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, insert_sql, -1, &ins, NULL) != SQLITE_OK) {
        snprintf(why, why_size, "%s", sqlite3_errmsg(db));
        rc = TL_EIO;
        goto out;
    }
    while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
        const char *body = (const char *)sqlite3_column_text(sel, 3);
        /* the first schema's bodies are wire version 1 text */
        if (body == NULL || (tl__store_parse_canonical_v1(k, body, &m) != TL_OK &&
                             tl__store_parse_canonical(k, body, &m) != TL_OK))
            continue;
        sqlite3_reset(ins);
        sqlite3_clear_bindings(ins);
        sqlite3_bind_int64(ins, 1, sqlite3_column_int64(sel, 0));
        sqlite3_bind_int64(ins, 2, sqlite3_column_int64(sel, 1));
        if (k != TL_MSG_SYSTEM_TRACK)
            bind_text(ins, 3, (const char *)sqlite3_column_text(sel, 2));
        rc = k == TL_MSG_TRACK        ? tl__store_bind_track(ins, &m.t)
             : k == TL_MSG_ASSESSMENT ? tl__store_bind_assess(ins, &m.a)
                                      : tl__store_bind_system(ins, &m.s, NULL);
        /* the body stays the text that was stored (and audited), not its re-printing in this
         * wire version: the last parameter of each insert */
        if (rc == TL_OK &&
            sqlite3_bind_text(ins, sqlite3_bind_parameter_count(ins), body, -1, SQLITE_TRANSIENT) !=
                SQLITE_OK)
            rc = TL_EIO;
        if (rc != TL_OK || sqlite3_step(ins) != SQLITE_DONE) {
            snprintf(why, why_size, "%s", sqlite3_errmsg(db));
            rc = TL_EIO;
            goto out;
        }
    }
    if (step != SQLITE_DONE) {
        snprintf(why, why_size, "%s", sqlite3_errmsg(db));
        rc = TL_EIO;
        goto out;
    }
    if (sqlite3_exec(db, fallback_sql, NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(why, why_size, "%s", sqlite3_errmsg(db));
        rc = TL_EIO;
    }
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return rc;
}

/* The statements below write version 2 literally. */
_Static_assert(TL_STORE_SCHEMA == 2, "the migration writes schema version 2");

int tl__store_migrate(sqlite3 *db, char *why, size_t why_size)
{
    char msg[256] = "";
    int rc = TL_EIO;

    /* BEGIN IMMEDIATE: the write lock first, so no other writer interleaves with the copy. The
     * old tables are renamed (their index with them, then dropped so the new one can take its
     * name) and the new ones created from the same schema text as a new database's, so a
     * migrated database cannot differ from a new one. The audit table is neither read nor
     * written: its pages and its chain stay as they were. */
    if (sqlite3_exec(db,
                     "BEGIN IMMEDIATE;"
                     "ALTER TABLE tracks RENAME TO tracks_v1;"
                     "ALTER TABLE assessments RENAME TO assessments_v1;"
                     "ALTER TABLE system_tracks RENAME TO system_tracks_v1;"
                     "DROP INDEX IF EXISTS system_tracks_no;",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, tl__store_schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(db));
        goto fail;
    }
    if (copy_rows(db, TL_MSG_TRACK, "SELECT id, wall_ns, source, body FROM tracks_v1 ORDER BY id",
                  tl__store_insert_track_sql,
                  "INSERT INTO tracks(id,wall_ns,source,origin,relay,track_no,t_ns,status,body)"
                  " SELECT id,wall_ns,source,origin,relay,track_no,t_ns,"
                  " CASE status WHEN 0 THEN 'tentative' WHEN 1 THEN 'confirmed'"
                  " WHEN 2 THEN 'coasting' WHEN 3 THEN 'deleted' END, body FROM tracks_v1"
                  " WHERE id NOT IN (SELECT id FROM tracks)",
                  msg, sizeof msg) != TL_OK ||
        copy_rows(db, TL_MSG_ASSESSMENT,
                  "SELECT id, wall_ns, source, body FROM assessments_v1 ORDER BY id",
                  tl__store_insert_assess_sql,
                  "INSERT INTO assessments(id,wall_ns,source,origin,relay,track_no,t_ns,"
                  "impact_lat_deg,impact_lon_deg,semi_major_m,semi_minor_m,body)"
                  " SELECT id,wall_ns,source,origin,relay,track_no,t_ns,impact_lat_deg,"
                  "impact_lon_deg,semi_major_m,semi_minor_m,body FROM assessments_v1"
                  " WHERE id NOT IN (SELECT id FROM assessments)",
                  msg, sizeof msg) != TL_OK ||
        copy_rows(db, TL_MSG_SYSTEM_TRACK,
                  "SELECT id, wall_ns, NULL, body FROM system_tracks_v1 ORDER BY id",
                  tl__store_insert_system_sql,
                  "INSERT INTO system_tracks(id,wall_ns,system_no,t_ns,contributors,"
                  "impact_lat_deg,impact_lon_deg,semi_major_m,semi_minor_m,body)"
                  " SELECT id,wall_ns,system_no,t_ns,contributors,impact_lat_deg,impact_lon_deg,"
                  "semi_major_m,semi_minor_m,body FROM system_tracks_v1"
                  " WHERE id NOT IN (SELECT id FROM system_tracks)",
                  msg, sizeof msg) != TL_OK)
        goto fail;
    if (sqlite3_exec(db,
                     "DROP TABLE tracks_v1; DROP TABLE assessments_v1; DROP TABLE system_tracks_v1;"
                     "INSERT OR REPLACE INTO meta(key, value) VALUES('schema', '2');"
                     "PRAGMA user_version = 2;"
                     "COMMIT;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(db));
        goto fail;
    }
    return TL_OK;
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    snprintf(why, why_size, "migration from schema 1 to %d failed (rolled back): %s",
             TL_STORE_SCHEMA, msg);
    return rc;
}
