/* Export of one picture of a node database as the rows of trilink track's CSV files, so that
 * trilink score runs on what a node saw. Read-only: the database is opened SQLITE_OPEN_READONLY
 * after the same checks as tl_store_open. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trilink/geo.h"
#include "trilink/time.h"
#include "store_int.h"

/* The two pictures differ only in their table and filter; the column order is the same so one
 * row reader serves both. A sample that reached the node twice (directly and through the relay,
 * in a mesh with forwarding) is one row: MIN(id) picks the first copy's columns (SQLite's bare
 * columns follow the row of a MIN aggregate). */
#define TRACK_COLS                                                                                 \
    "track_no, t_ns, status, phase, x_m, y_m, z_m, vx_mps, vy_mps, vz_mps, pos_sigma_m"
#define ASSESS_COLS                                                                                \
    "track_no, t_ns, class, launch_ns, launch_lat_deg, launch_lon_deg, launch_err_m, impact_ns,"  \
    " impact_lat_deg, impact_lon_deg, semi_major_m, semi_minor_m, major_az_deg, apogee_m"

static const char system_tracks_sql[] =
    "SELECT system_no, t_ns, status, phase, x_m, y_m, z_m, vx_mps, vy_mps, vz_mps, pos_sigma_m"
    " FROM system_tracks ORDER BY t_ns, id";
static const char system_assess_sql[] =
    "SELECT system_no, t_ns, class, launch_ns, launch_lat_deg, launch_lon_deg, launch_err_m,"
    " impact_ns, impact_lat_deg, impact_lon_deg, semi_major_m, semi_minor_m, major_az_deg,"
    " apogee_m FROM system_tracks WHERE impact_lat_deg IS NOT NULL ORDER BY t_ns, id";
static const char own_tracks_sql[] = "SELECT " TRACK_COLS ", MIN(id) AS first FROM tracks"
                                     " WHERE source = 'own' GROUP BY track_no, t_ns"
                                     " ORDER BY t_ns, first";
static const char own_assess_sql[] = "SELECT " ASSESS_COLS ", MIN(id) AS first FROM assessments"
                                     " WHERE source = 'own' GROUP BY track_no, t_ns"
                                     " ORDER BY t_ns, first";
static const char nation_tracks_sql[] = "SELECT " TRACK_COLS ", MIN(id) AS first FROM tracks"
                                        " WHERE origin = ?1 GROUP BY track_no, t_ns"
                                        " ORDER BY t_ns, first";
static const char nation_assess_sql[] = "SELECT " ASSESS_COLS ", MIN(id) AS first FROM assessments"
                                        " WHERE origin = ?1 GROUP BY track_no, t_ns"
                                        " ORDER BY t_ns, first";

static double col_real(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);
    return t != NULL ? t : "";
}

static double secs(int64_t t_ns, int64_t epoch_ns)
{
    return (double)(t_ns - epoch_ns) / 1e9;
}

static int fail(struct tl_diag *diag, int rc, const char *path, const char *fmt, const char *arg)
{
    if (diag != NULL) {
        char m[sizeof diag->message];
        snprintf(m, sizeof m, fmt, arg);
        /* a long path truncates the message: still one line naming the file first */
        if (snprintf(diag->message, sizeof diag->message, "'%s': %s", path, m) >=
            (int)sizeof diag->message)
            memcpy(diag->message + sizeof diag->message - 4, "...", 4);
    }
    return rc;
}

static int valid_nation(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n >= TL_NATION_LEN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isupper((unsigned char)s[i]))
            return 0;
    return 1;
}

static int read_epoch(sqlite3 *db, const char *path, int64_t *epoch_ns, struct tl_diag *diag)
{
    sqlite3_stmt *s = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'epoch'", -1, &s, NULL) !=
        SQLITE_OK)
        return fail(diag, TL_EIO, path, "%s", sqlite3_errmsg(db));
    if (sqlite3_step(s) != SQLITE_ROW || sqlite3_column_type(s, 0) == SQLITE_NULL)
        rc = fail(diag, TL_ENOTFOUND, path, "%s",
                  "no sensors epoch recorded (meta 'epoch'); the caller must give one");
    else if (tl_time_parse_iso8601(col_text(s, 0), epoch_ns) != TL_OK)
        rc = fail(diag, TL_EIO, path, "meta 'epoch': '%s' is not an ISO-8601 UTC time",
                  col_text(s, 0));
    else
        rc = TL_OK;
    sqlite3_finalize(s);
    return rc;
}

/* A status the node did not record (a database of the first schema, or a system row stored
 * without its extra) is "confirmed": only confirmed tracks reach fusion and storage; a disposed
 * system track (zero state) is "deleted". */
static const char *status_of(sqlite3_stmt *s, const double x[6])
{
    if (sqlite3_column_type(s, 2) != SQLITE_NULL)
        return col_text(s, 2);
    return x[0] == 0.0 && x[1] == 0.0 && x[2] == 0.0 ? "deleted" : "confirmed";
}

static int tracks_pass(sqlite3 *db, const char *sql, const char *nation, int64_t epoch_ns,
                       tl_store_track_fn fn, void *ctx, long *count, int *db_failed)
{
    sqlite3_stmt *s = NULL;
    int rc = TL_OK, step;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        *db_failed = 1;
        return TL_EIO;
    }
    if (nation != NULL)
        sqlite3_bind_text(s, 1, nation, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct tl_store_track_row r;
        memset(&r, 0, sizeof r);
        r.track = (int32_t)sqlite3_column_int64(s, 0);
        r.t_s = secs(sqlite3_column_int64(s, 1), epoch_ns);
        for (int k = 0; k < 6; k++)
            r.x[k] = col_real(s, 4 + k);
        r.status = status_of(s, r.x);
        r.phase = col_text(s, 3);
        r.pos_sigma_m = col_real(s, 10);
        if (fn != NULL && (rc = fn(ctx, &r)) != 0)
            break;
        (*count)++;
    }
    if (rc == TL_OK && step != SQLITE_DONE) {
        *db_failed = 1;
        rc = TL_EIO;
    }
    sqlite3_finalize(s);
    return rc;
}

static int assess_pass(sqlite3 *db, const char *sql, const char *nation, int64_t epoch_ns,
                       tl_store_assess_fn fn, void *ctx, long *count, int *db_failed)
{
    sqlite3_stmt *s = NULL;
    int rc = TL_OK, step;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        *db_failed = 1;
        return TL_EIO;
    }
    if (nation != NULL)
        sqlite3_bind_text(s, 1, nation, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct tl_store_assess_row r;
        memset(&r, 0, sizeof r);
        r.track = (int32_t)sqlite3_column_int64(s, 0);
        r.t_s = secs(sqlite3_column_int64(s, 1), epoch_ns);
        r.cls = col_text(s, 2);
        r.has_launch = sqlite3_column_type(s, 3) != SQLITE_NULL;
        r.launch_t_s = r.has_launch ? secs(sqlite3_column_int64(s, 3), epoch_ns) : NAN;
        r.launch_lat_deg = col_real(s, 4);
        r.launch_lon_deg = col_real(s, 5);
        r.launch_err_m = col_real(s, 6);
        r.impact_t_s =
            sqlite3_column_type(s, 7) != SQLITE_NULL ? secs(sqlite3_column_int64(s, 7), epoch_ns)
                                                     : NAN;
        r.impact_lat_deg = col_real(s, 8);
        r.impact_lon_deg = col_real(s, 9);
        r.semi_major_m = col_real(s, 10);
        r.semi_minor_m = col_real(s, 11);
        r.major_az_deg = col_real(s, 12);
        r.apogee_km = col_real(s, 13) / 1000.0;
        r.range_km = NAN;
        r.launch_t_sigma_s = r.launch_semi_major_m = r.launch_semi_minor_m = NAN;
        r.launch_major_az_deg = r.orbit_perigee_km = r.orbit_apogee_km = r.orbit_incl_deg = NAN;
        /* as trilink track computes it: the geodesic from the launch to the impact point */
        if (r.has_launch && isfinite(r.launch_lat_deg) && isfinite(r.launch_lon_deg) &&
            isfinite(r.impact_lat_deg) && isfinite(r.impact_lon_deg)) {
            double m = NAN;
            tl_geo_inverse(&TL_WGS84, tl_deg2rad(r.launch_lat_deg), tl_deg2rad(r.launch_lon_deg),
                           tl_deg2rad(r.impact_lat_deg), tl_deg2rad(r.impact_lon_deg), &m, NULL,
                           NULL);
            r.range_km = m / 1000.0;
        }
        if (fn != NULL && (rc = fn(ctx, &r)) != 0)
            break;
        (*count)++;
    }
    if (rc == TL_OK && step != SQLITE_DONE) {
        *db_failed = 1;
        rc = TL_EIO;
    }
    sqlite3_finalize(s);
    return rc;
}

int tl_store_export(const char *path, const char *source, int64_t epoch_ns,
                    tl_store_track_fn on_track, tl_store_assess_fn on_assess, void *ctx,
                    long *n_tracks, long *n_assess, struct tl_diag *diag)
{
    struct tl__store_probe p;
    sqlite3 *db = NULL;
    const char *tsql, *asql, *nation = NULL;
    char why[512] = "";
    long nt = 0, na = 0;
    int rc, db_failed = 0;

    if (path == NULL || source == NULL)
        return TL_EINVAL;
    if (strcmp(source, "system") == 0) {
        tsql = system_tracks_sql;
        asql = system_assess_sql;
    } else if (strcmp(source, "own") == 0) {
        tsql = own_tracks_sql;
        asql = own_assess_sql;
    } else if (valid_nation(source)) {
        tsql = nation_tracks_sql;
        asql = nation_assess_sql;
        nation = source;
    } else {
        if (diag != NULL)
            snprintf(diag->message, sizeof diag->message,
                     "source: '%s' is not system, own or a nation code (2 to 4 capitals)", source);
        return TL_EINVAL;
    }
    if ((rc = tl__store_probe(path, 0, &p, why, sizeof why)) != TL_OK)
        return fail(diag, rc, path, "%s", why);
    if (p.version == 0)
        return fail(diag, TL_EIO, path, "%s", "not a trilink node database (an empty SQLite file)");
    if (p.version != TL_STORE_SCHEMA)
        return fail(diag, TL_EIO, path, "%s",
                    "schema version 1 (before typed columns): migrate it first (trilink store "
                    "migrate --db, or start its node once)");
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = fail(diag, TL_EIO, path, "cannot open: %s", sqlite3_errmsg(db));
        sqlite3_close(db);
        return rc;
    }
    if (epoch_ns == 0 && (rc = read_epoch(db, path, &epoch_ns, diag)) != TL_OK)
        goto out;
    if ((rc = tracks_pass(db, tsql, nation, epoch_ns, on_track, ctx, &nt, &db_failed)) == TL_OK)
        rc = assess_pass(db, asql, nation, epoch_ns, on_assess, ctx, &na, &db_failed);
    if (rc != TL_OK) {
        if (db_failed)
            fail(diag, rc, path, "cannot read: %s", sqlite3_errmsg(db));
        goto out; /* else a callback's code: the caller knows why */
    }
    if (n_tracks != NULL)
        *n_tracks = nt;
    if (n_assess != NULL)
        *n_assess = na;
out:
    sqlite3_close(db);
    return rc;
}
