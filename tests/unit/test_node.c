/* The node's dispatch (src/node/node.c) with stub stages: start in order, stop in order, destroy
 * in reverse; a failed start destroys only what started; what a stage produces reaches every
 * stage with the hook, in order, nested dispatches included; the stage table's keys. */
#include <stdarg.h> /* cmocka.h needs these four first */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "tl_test.h"
#include "trilink/node.h"
#include "stage_int.h"

/* What the stubs did, in order: "A.start B.start ..." */
static char journal[2048];
static volatile sig_atomic_t stop_flag;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    va_list ap;
    size_t len = strlen(journal);

    if (len > 0 && len < sizeof journal - 1)
        journal[len++] = ' ';
    va_start(ap, fmt);
    vsnprintf(journal + len, sizeof journal - len, fmt, ap);
    va_end(ap);
}

struct stub {
    char name;
    struct tl__node *n;
    int fail_start, fail_stop;
    int polls, ticks;
};

/* Each stub's state is zeroed by the node; its name comes from the ops table. */
static struct stub *stub_of(void *self, const char *ops_name)
{
    struct stub *s = self;
    s->name = ops_name[0];
    return s;
}

#define STUB_HOOKS(L)                                                                             \
    static int L##_start(void *self, struct tl__node *n, struct tl_diag *diag)                    \
    {                                                                                             \
        struct stub *s = stub_of(self, #L);                                                       \
        s->n = n;                                                                                 \
        note("%c.start", s->name);                                                                \
        if (fail_start_of == s->name) {                                                           \
            snprintf(diag->message, sizeof diag->message, "stage %c refused", s->name);           \
            return TL_EIO;                                                                        \
        }                                                                                         \
        return TL_OK;                                                                             \
    }                                                                                             \
    static int L##_stop(void *self, struct tl_diag *diag)                                         \
    {                                                                                             \
        struct stub *s = self;                                                                    \
        note("%c.stop", s->name);                                                                 \
        if (fail_stop_of == s->name) {                                                            \
            snprintf(diag->message, sizeof diag->message, "stage %c: summary not written",        \
                     s->name);                                                                    \
            return TL_EIO;                                                                        \
        }                                                                                         \
        return TL_OK;                                                                             \
    }                                                                                             \
    static void L##_destroy(void *self)                                                           \
    {                                                                                             \
        note("%c.destroy", ((struct stub *)self)->name);                                          \
    }                                                                                             \
    static void L##_own_track(void *self, const struct tl_msg_track *m,                           \
                              const struct tl_release_where *w)                                   \
    {                                                                                             \
        note("%c.track(%d%s)", ((struct stub *)self)->name, (int)m->track_no, w ? ",w" : "");     \
    }                                                                                             \
    static void L##_system(void *self, const struct tl__system_update *u)                         \
    {                                                                                             \
        note("%c.system(%d)", ((struct stub *)self)->name, (int)u->msg->system_no);              \
    }

static char fail_start_of, fail_stop_of;

STUB_HOOKS(A)
STUB_HOOKS(B)
STUB_HOOKS(C)

/* A is the source: its first poll produces own track 7; its third tick ends the loop. */
static void A_poll(void *self)
{
    struct stub *s = self;
    struct tl_msg_track m;

    if (s->polls++ != 0)
        return;
    memset(&m, 0, sizeof m);
    m.track_no = 7;
    note("A.poll");
    tl__node_own_track(s->n, &m, NULL);
}

static void A_tick(void *self, int64_t wall_ns)
{
    struct stub *s = self;

    (void)wall_ns;
    if (++s->ticks == 3)
        stop_flag = 1;
}

/* C fuses: an own track makes system track 1, dispatched to everyone (a nested dispatch). */
static void C_own_track_fuse(void *self, const struct tl_msg_track *m, const struct tl_release_where *w)
{
    struct stub *s = self;
    struct tl_msg_system sys;
    struct tl_store_system_extra x;
    struct tl_fused f;
    struct tl__system_update u = { &f, &sys, &x };

    C_own_track(self, m, w);
    memset(&sys, 0, sizeof sys);
    memset(&x, 0, sizeof x);
    memset(&f, 0, sizeof f);
    sys.system_no = 1;
    tl__node_system(s->n, &u);
}

static const struct tl__stage_ops ops_a = {
    .name = "A", .size = sizeof(struct stub), .start = A_start, .poll = A_poll, .tick = A_tick,
    .own_track = A_own_track, .system = A_system, .stop = A_stop, .destroy = A_destroy,
};
/* B has no poll or tick: absent hooks are skipped */
static const struct tl__stage_ops ops_b = {
    .name = "B", .size = sizeof(struct stub), .start = B_start, .own_track = B_own_track,
    .system = B_system, .stop = B_stop, .destroy = B_destroy,
};
static const struct tl__stage_ops ops_c = {
    .name = "C", .size = sizeof(struct stub), .start = C_start, .own_track = C_own_track_fuse,
    .system = C_system, .stop = C_stop, .destroy = C_destroy,
};

static struct tl_node_cfg cfg;

static int setup(void **state)
{
    (void)state;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.nation, sizeof cfg.nation, "KR");
    assert_int_equal(tl_topology_make("KR,US,JP", "US", 200, &cfg.topo, NULL), TL_OK);
    journal[0] = '\0';
    stop_flag = 0;
    fail_start_of = fail_stop_of = 0;
    return 0;
}

static void expect_journal(const char *want)
{
    if (strcmp(journal, want) != 0)
        fail_msg("journal\n  got:  %s\n  want: %s", journal, want);
}

static void dispatch_in_order(void **state)
{
    static struct tl__node n;
    const struct tl__stage_ops *ops[] = { &ops_a, &ops_b, &ops_c };
    struct tl_diag d;

    (void)state;
    memset(&d, 0, sizeof d);
    assert_int_equal(tl__node_init(&n, &cfg, ops, 3), TL_OK);
    assert_int_equal(n.me, 0);
    assert_int_equal(tl__node_loop(&n, &stop_flag, &d), TL_OK);
    tl__node_fini(&n);
    /* the own track reaches A, B, C in order; C's system track then reaches A, B, C (nested,
     * before the own track's dispatch returns); stop in order, destroy in reverse */
    expect_journal("A.start B.start C.start A.poll A.track(7) B.track(7) C.track(7) A.system(1) "
                   "B.system(1) C.system(1) A.stop B.stop C.stop C.destroy B.destroy A.destroy");
}

static void failed_start_destroys_only_started(void **state)
{
    static struct tl__node n;
    const struct tl__stage_ops *ops[] = { &ops_a, &ops_b, &ops_c };
    struct tl_diag d;

    (void)state;
    memset(&d, 0, sizeof d);
    fail_start_of = 'B';
    assert_int_equal(tl__node_init(&n, &cfg, ops, 3), TL_OK);
    assert_int_equal(tl__node_loop(&n, &stop_flag, &d), TL_EIO);
    assert_string_equal(d.message, "stage B refused");
    tl__node_fini(&n);
    /* no poll, no stop; B cleaned up after its own failed start, C never started */
    expect_journal("A.start B.start A.destroy");
}

static void failed_stop_is_the_result(void **state)
{
    static struct tl__node n;
    const struct tl__stage_ops *ops[] = { &ops_a, &ops_b, &ops_c };
    struct tl_diag d;

    (void)state;
    memset(&d, 0, sizeof d);
    fail_stop_of = 'B';
    assert_int_equal(tl__node_init(&n, &cfg, ops, 3), TL_OK);
    assert_int_equal(tl__node_loop(&n, &stop_flag, &d), TL_EIO);
    assert_string_equal(d.message, "stage B: summary not written");
    tl__node_fini(&n);
    /* the stages after the failed one still stop */
    assert_non_null(strstr(journal, "A.stop B.stop C.stop C.destroy B.destroy A.destroy"));
}

static void too_many_stages(void **state)
{
    static struct tl__node n;
    const struct tl__stage_ops *ops[TL__NODE_MAX_STAGES + 1];

    (void)state;
    for (int i = 0; i <= TL__NODE_MAX_STAGES; i++)
        ops[i] = &ops_b;
    assert_int_equal(tl__node_init(&n, &cfg, ops, TL__NODE_MAX_STAGES + 1), TL_ERANGE);
}

/* The national node's stage table: every configuration key has one owner. */
static void stage_keys_have_one_owner(void **state)
{
    static const char *const core[] = { "nation", "coalition", "sensors", "security", "speed" };
    const char *seen[64];
    int n = 0;

    (void)state;
    for (size_t i = 0; i < sizeof core / sizeof core[0]; i++)
        seen[n++] = core[i];
    assert_true(tl__node_n_stages >= 9 && tl__node_n_stages <= TL__NODE_MAX_STAGES);
    for (int s = 0; s < tl__node_n_stages; s++) {
        const struct tl__stage_ops *o = tl__node_stages[s];
        assert_non_null(o->name);
        assert_true((o->keys == NULL) == (o->configure == NULL));
        for (int k = 0; o->keys != NULL && o->keys[k] != NULL; k++) {
            for (int j = 0; j < n; j++)
                if (strcmp(seen[j], o->keys[k]) == 0)
                    fail_msg("key '%s' of stage %s has another owner", o->keys[k], o->name);
            seen[n++] = o->keys[k];
        }
    }
    /* the keys of today's node files: storage, summary, partners, relay, lag_s, status_every_s,
     * warn */
    assert_int_equal(n, 12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(dispatch_in_order, setup),
        cmocka_unit_test_setup(failed_start_destroys_only_started, setup),
        cmocka_unit_test_setup(failed_stop_is_the_result, setup),
        cmocka_unit_test_setup(too_many_stages, setup),
        cmocka_unit_test_setup(stage_keys_have_one_owner, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
