/* tl_score_files on three files cut from the input at lines "===": the truth (trilink sim
 * --truth), the tracks and the assessments (trilink track). Beyond "no crash, no leak, no hang",
 * an oracle: when the score succeeds, every cell of the numeric columns it reads from the truth
 * and the tracks was a finite number (nan, inf, abc were accepted and gave nonsense figures), and
 * every figure it returns is finite (or NaN where the header says "NaN if none"). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trilink/score.h"
#include "fuzz_util.h"

static struct tl_fuzz_file file[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    tl_fuzz_dir("score_csv");
    tl_fuzz_file_open(&file[0], "truth.csv");
    tl_fuzz_file_open(&file[1], "tracks.csv");
    tl_fuzz_file_open(&file[2], "assess.csv");
    return 0;
}

/* The number grammar of every trilink input: decimal, finite, surrounding blanks allowed. */
static int finite_number(const char *s)
{
    char *end;
    double v;

    for (const char *q = s; *q != '\0'; q++)
        if (!(isdigit((unsigned char)*q) || strchr(".-+eE", *q) != NULL ||
              isspace((unsigned char)*q)))
            return 0;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || errno == ERANGE)
        return 0;
    while (isspace((unsigned char)*end))
        end++;
    return *end == '\0' && isfinite(v);
}

/* Whether every row of the CSV text @p p (@p n bytes) has a finite number in each column named
 * in @p cols. Returns -1 when the text is not one this oracle can judge (no header, a line longer
 * than the scorer's 4 KiB buffer, a NUL byte, a row of the wrong width: the scorer must refuse
 * those or not, for its own reasons), else 1 (all finite) or 0. */
static int numeric_columns_ok(const uint8_t *p, size_t n, const char *const *cols, int ncols)
{
    char *text, *line, *save = NULL;
    int idx[16], width = -1, result = 1, first = 1;

    if (memchr(p, '\0', n) != NULL)
        return -1;
    text = malloc(n + 1);
    if (text == NULL)
        return -1;
    memcpy(text, p, n);
    text[n] = '\0';
    for (int k = 0; k < ncols; k++)
        idx[k] = -1;
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *cell[33];
        size_t len = strlen(line);
        int nc = 0;

        if (len >= 4000) {
            result = -1;
            break;
        }
        while (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len == 0)
            continue;
        cell[nc++] = line;
        for (char *q = line; *q != '\0' && nc <= 32; q++)
            if (*q == ',') {
                *q = '\0';
                cell[nc++] = q + 1;
            }
        if (first) {
            first = 0;
            width = nc;
            for (int k = 0; k < ncols; k++)
                for (int c = 0; c < nc; c++)
                    if (strcmp(cell[c], cols[k]) == 0)
                        idx[k] = c;
            for (int k = 0; k < ncols; k++)
                if (idx[k] < 0)
                    result = -1;
            if (result < 0)
                break;
            continue;
        }
        if (nc != width) {
            result = -1;
            break;
        }
        for (int k = 0; k < ncols; k++)
            if (!finite_number(cell[idx[k]]))
                result = 0;
    }
    free(text);
    return first ? -1 : result;
}

static int finite_or_nan(double v)
{
    return isfinite(v) || isnan(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const truth_num[] = { "time_s", "x_m",    "y_m",   "z_m",
                                             "vx_mps", "vy_mps", "vz_mps" };
    static const char *const track_num[] = { "time_s", "track",  "x_m",   "y_m",  "z_m",
                                             "vx_mps", "vy_mps", "vz_mps" };
    static struct tl_score s; /* 20 kB: not on the stack */
    const struct tl_score_cfg cfg = tl_score_cfg_default();
    const uint8_t *part[3];
    size_t len[3];
    struct tl_diag diag;
    int rc;

    tl_fuzz_split(data, size, part, len, 3);
    for (int i = 0; i < 3; i++)
        tl_fuzz_file_set(&file[i], part[i], len[i]);
    memset(&diag, 0, sizeof diag);
    memset(&s, 0, sizeof s);
    rc = tl_score_files(&cfg, file[0].path, file[1].path, file[2].path, &s, &diag);
    if (rc != TL_OK) {
        TL_FUZZ_CHECK(rc < 0 && s.t_s == NULL && s.n_steps == 0);
        TL_FUZZ_CHECK(memchr(diag.message, '\0', sizeof diag.message) != NULL);
        return 0;
    }
    TL_FUZZ_CHECK(numeric_columns_ok(part[0], len[0], truth_num, 7) != 0);
    TL_FUZZ_CHECK(numeric_columns_ok(part[1], len[1], track_num, 8) != 0);
    TL_FUZZ_CHECK(s.n_objects >= 0 && s.n_objects <= TL_SCORE_MAX_OBJECTS);
    TL_FUZZ_CHECK(s.false_tracks >= 0 && s.false_tracks <= s.confirmed_tracks);
    TL_FUZZ_CHECK(s.contained >= 0 && s.contained <= s.assessments);
    TL_FUZZ_CHECK(s.n_steps == 0 || (s.t_s != NULL && s.gospa_m != NULL && s.ospa_m != NULL));
    TL_FUZZ_CHECK(isfinite(s.gospa_mean_m) && s.gospa_mean_m >= 0);
    TL_FUZZ_CHECK(isfinite(s.ospa_mean_m) && s.ospa_mean_m >= 0);
    for (size_t i = 0; i < s.n_steps; i++) {
        TL_FUZZ_CHECK(isfinite(s.t_s[i]));
        TL_FUZZ_CHECK(isfinite(s.gospa_m[i]) && s.gospa_m[i] >= 0);
        /* OSPA is at most the cutoff (rounding aside). */
        TL_FUZZ_CHECK(isfinite(s.ospa_m[i]) && s.ospa_m[i] >= 0 &&
                      s.ospa_m[i] <= cfg.cutoff_m * (1 + 1e-12));
    }
    for (int i = 0; i < s.n_objects; i++) {
        const struct tl_score_object *o = &s.obj[i];
        TL_FUZZ_CHECK(memchr(o->id, '\0', sizeof o->id) != NULL);
        TL_FUZZ_CHECK(o->tracks >= 0 && o->swaps >= 0 && o->contained <= o->assessments);
        TL_FUZZ_CHECK(isfinite(o->launch_lat_rad) && isfinite(o->launch_lon_rad));
        TL_FUZZ_CHECK(isfinite(o->impact_lat_rad) && isfinite(o->impact_lon_rad));
        TL_FUZZ_CHECK(finite_or_nan(o->pos_rmse_m) && finite_or_nan(o->vel_rmse_mps));
        TL_FUZZ_CHECK(finite_or_nan(o->first_seen_s) && finite_or_nan(o->confirmed_s));
        TL_FUZZ_CHECK(finite_or_nan(o->burnout_s) && finite_or_nan(o->launch_err_m));
    }
    tl_score_free(&s);
    return 0;
}
