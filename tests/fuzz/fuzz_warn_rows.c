/* tl_warn_rows_read on a warnings.csv (what a restarted node reads back), then tl_warn_resume of
 * what it let through into a Japanese warner, its tick well after every event, and its end.
 * Oracle: a failed read leaves nothing allocated, names a line and a terminated message; every
 * row read is in range (system track > 0, probability in [0, 1], event time finite or unknown);
 * the warner never crashes, and every message it sends after taking up the rows references at
 * most TL_CAP_MAX_REFS earlier ones, an Update or Cancel at least one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/warn.h"
#include "fuzz_util.h"

static struct tl_fuzz_file file;
static struct tl_areas *areas;
static struct tl_warn_cfg cfg;

static int sink(void *ctx, const struct tl_cap_msg *m)
{
    (void)ctx;
    TL_FUZZ_CHECK(m->n_refs >= 0 && m->n_refs <= TL_CAP_MAX_REFS);
    TL_FUZZ_CHECK(m->type == TL_CAP_ALERT || m->n_refs > 0);
    TL_FUZZ_CHECK(m->n_areas >= 0 && m->n_areas <= TL_CAP_MAX_AREAS);
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct tl_diag d = { 0 };
    (void)argc;
    (void)argv;
    tl_fuzz_dir("warn_rows");
    tl_fuzz_file_open(&file, "warnings.csv");
    if (tl_areas_load(TL_SOURCE_DIR "/data/areas", &areas, &d) != TL_OK)
        abort();
    snprintf(cfg.nation, sizeof cfg.nation, "JP");
    snprintf(cfg.sender, sizeof cfg.sender, "fuzz");
    cfg.rules = tl_warn_rules_default();
    cfg.areas = areas;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tl_warn_row *rows = NULL;
    struct tl_warn *w = NULL;
    struct tl_diag d;
    size_t n = 0;
    double last_s = 0.0;
    int rc, n_open = -1;

    tl_fuzz_file_set(&file, data, size);
    memset(&d, 0, sizeof d);
    rc = tl_warn_rows_read(file.path, 0, &rows, &n, &d);
    if (rc != TL_OK) {
        TL_FUZZ_CHECK(rc < 0 && rows == NULL && n == 0);
        TL_FUZZ_CHECK(memchr(d.message, '\0', sizeof d.message) != NULL);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        TL_FUZZ_CHECK(rows[i].system_no > 0 && isfinite(rows[i].sent_s));
        TL_FUZZ_CHECK(rows[i].probability >= 0.0 && rows[i].probability <= 1.0);
        TL_FUZZ_CHECK(isnan(rows[i].event_t_s) || isfinite(rows[i].event_t_s));
        last_s = fmax(last_s, fmax(rows[i].sent_s, isfinite(rows[i].event_t_s)
                                                      ? fmin(rows[i].event_t_s, 1e12)
                                                      : 0.0));
    }
    if (tl_warn_create(&cfg, sink, NULL, &w, &d) == TL_OK) {
        if (tl_warn_resume(w, rows, n, &n_open, &d) == TL_OK)
            TL_FUZZ_CHECK(n_open >= 0);
        tl_warn_tick(w, last_s + 3600.0);
        tl_warn_finish(w, last_s + 7200.0);
        tl_warn_destroy(w);
    }
    free(rows);
    return 0;
}
