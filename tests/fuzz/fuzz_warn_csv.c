/* tl_warn_obs_read on two files cut from the input at lines "===": the tracks and the
 * assessments of trilink track, then the first estimates through a warner over the shipped
 * areas. Oracle: when the read succeeds, every estimate is finite, its ellipse positive definite
 * (major >= minor > 0), and they come in time order; a failed read leaves nothing allocated and
 * a terminated message; a warner never crashes on what the reader let through. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/warn.h"
#include "fuzz_util.h"

static struct tl_fuzz_file file[2];
static struct tl_areas *areas;
static struct tl_warn_cfg cfg;

static int sink(void *ctx, const struct tl_cap_msg *m)
{
    (void)ctx;
    TL_FUZZ_CHECK(m->n_areas >= 0 && m->n_areas <= TL_CAP_MAX_AREAS);
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct tl_diag d = { 0 };
    (void)argc;
    (void)argv;
    tl_fuzz_dir("warn_csv");
    tl_fuzz_file_open(&file[0], "tracks.csv");
    tl_fuzz_file_open(&file[1], "assess.csv");
    if (tl_areas_load(TL_SOURCE_DIR "/data/areas", &areas, &d) != TL_OK)
        abort();
    snprintf(cfg.nation, sizeof cfg.nation, "JP");
    snprintf(cfg.sender, sizeof cfg.sender, "fuzz");
    cfg.rules = tl_warn_rules_default();
    cfg.rules.impact_samples = 200;
    cfg.rules.corridor_samples = 4;
    cfg.areas = areas;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *part[2];
    size_t len[2], n = 0;
    struct tl_warn_obs *o = NULL;
    struct tl_warn *w = NULL;
    struct tl_diag d;
    int rc;

    tl_fuzz_split(data, size, part, len, 2);
    for (int i = 0; i < 2; i++)
        tl_fuzz_file_set(&file[i], part[i], len[i]);
    memset(&d, 0, sizeof d);
    rc = tl_warn_obs_read(file[0].path, file[1].path, &o, &n, &d);
    if (rc != TL_OK) {
        TL_FUZZ_CHECK(rc < 0 && o == NULL && n == 0);
        TL_FUZZ_CHECK(memchr(d.message, '\0', sizeof d.message) != NULL);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        TL_FUZZ_CHECK(isfinite(o[i].t_s) && o[i].system_no > 0);
        for (int k = 0; k < 6; k++)
            TL_FUZZ_CHECK(isfinite(o[i].x[k]));
        if (o[i].has_impact)
            TL_FUZZ_CHECK(o[i].semi_minor_m > 0 && o[i].semi_major_m >= o[i].semi_minor_m);
        TL_FUZZ_CHECK(i == 0 || o[i - 1].t_s <= o[i].t_s);
    }
    if (tl_warn_create(&cfg, sink, NULL, &w, &d) == TL_OK) {
        for (size_t i = 0; i < n && i < 4; i++)
            tl_warn_observe(w, &o[i], o[i].t_s, &d);
        tl_warn_finish(w, n > 0 ? o[n - 1].t_s : 0.0);
        tl_warn_destroy(w);
    }
    free(o);
    return 0;
}
