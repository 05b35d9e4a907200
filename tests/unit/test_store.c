/* Storage: the hash-chained audit log catches an altered, a removed and an inserted entry; the
 * chain continues across a reopen; entries are append-only in the database itself. */
#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_test.h"
#include "trilink/store.h"

static char dir[64], db[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tl-store-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(db, sizeof db, "%s/node.db", dir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[160];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void fill(int n, int first_no)
{
    struct tl_store *st;
    assert_int_equal(tl_store_open(db, &st, NULL), TL_OK);
    for (int i = 0; i < n; i++) {
        struct tl_msg_track m;
        memset(&m, 0, sizeof m);
        strcpy(m.origin, "KR");
        m.track_no = first_no + i;
        m.t_ns = 1000 + i;
        m.x[0] = 6.5e6 + i;
        assert_int_equal(tl_store_audit(st, i % 2 ? "received" : "sent", "US", "KR.US",
                                        TL_MSG_TRACK, "KR", m.track_no, &m), TL_OK);
        assert_int_equal(tl_store_track(st, "own", &m), TL_OK);
    }
    tl_store_close(st); /* commits everything queued */
}

static void sql(const char *stmt, int expect_ok)
{
    sqlite3 *h;
    char *err = NULL;
    int rc;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    rc = sqlite3_exec(h, stmt, NULL, NULL, &err);
    if ((rc == SQLITE_OK) != expect_ok)
        fail_msg("%s: %s", stmt, err ? err : "succeeded");
    sqlite3_free(err);
    sqlite3_close(h);
}

static void verify_expect(int64_t n_ok, int64_t bad, const char *why_part)
{
    int64_t n = 0, b = 0;
    char why[300] = "";
    int rc = tl_audit_verify(db, &n, &b, why, sizeof why);
    if (bad == 0) {
        if (rc != TL_OK)
            fail_msg("chain should be intact: %s", why);
        assert_int_equal(n, n_ok);
        return;
    }
    assert_int_equal(rc, TL_EPARSE);
    assert_int_equal(b, bad);
    if (strstr(why, why_part) == NULL)
        fail_msg("'%s' does not say '%s'", why, why_part);
}

static void audit_chain_detects_tampering(void **state)
{
    long rows;
    int32_t max_no;
    struct tl_store *st;
    (void)state;
    fill(100, 1);
    verify_expect(100, 0, NULL);
    assert_int_equal(tl_store_count(db, &rows), TL_OK);
    assert_int_equal(rows, 200);
    /* reopen: the chain continues from the last entry */
    fill(10, 101);
    verify_expect(110, 0, NULL);
    assert_int_equal(tl_store_open(db, &st, NULL), TL_OK);
    tl_store_max_own_track(st, &max_no);
    assert_int_equal(max_no, 110);
    tl_store_close(st);
    /* the database refuses changes to the audit table */
    sql("UPDATE audit SET peer = 'XX' WHERE seq = 50", 0);
    sql("DELETE FROM audit WHERE seq = 30", 0);
    /* an insider who drops the guards: every kind of change is found */
    sql("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete", 1);
    sql("UPDATE audit SET peer = 'JP' WHERE seq = 50", 1);
    verify_expect(0, 50, "altered");
    sql("UPDATE audit SET peer = 'US' WHERE seq = 50", 1); /* put back: intact again */
    verify_expect(110, 0, NULL);
    sql("UPDATE audit SET digest = zeroblob(32) WHERE seq = 77", 1);
    verify_expect(0, 77, "altered");
}

static void audit_chain_detects_removal_and_insertion(void **state)
{
    (void)state;
    fill(40, 1);
    sql("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete", 1);
    sql("DELETE FROM audit WHERE seq = 30", 1);
    verify_expect(0, 30, "missing");
    /* renumbering the tail to hide the gap breaks the chain at the renumbered entry */
    sql("UPDATE audit SET seq = seq - 1 WHERE seq > 30", 1);
    verify_expect(0, 30, "chain");
}

static void not_a_database(void **state)
{
    int64_t n, b;
    char why[300];
    FILE *f;
    (void)state;
    f = fopen(db, "w");
    fputs("not sqlite", f);
    fclose(f);
    assert_int_equal(tl_audit_verify(db, &n, &b, why, sizeof why), TL_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(audit_chain_detects_tampering, setup, teardown),
        cmocka_unit_test_setup_teardown(audit_chain_detects_removal_and_insertion, setup, teardown),
        cmocka_unit_test_setup_teardown(not_a_database, setup, teardown),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
