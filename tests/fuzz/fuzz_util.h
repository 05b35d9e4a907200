/* Shared by the fuzz harnesses: the libFuzzer entry points and a per-process scratch directory
 * in /dev/shm, so parsers that read files by path can be fed from memory at little cost. */
#ifndef TL_FUZZ_UTIL_H
#define TL_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points (also called by standalone.c in the normal builds). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A harness's invariant broke: a crash libFuzzer reports (and the standalone driver too). */
#define TL_FUZZ_CHECK(cond)                                                                       \
    do {                                                                                          \
        if (!(cond))                                                                              \
            __builtin_trap();                                                                     \
    } while (0)

/* Creates /dev/shm/tl-fuzz-<tag>-<pid>/ once and returns its path (exits on failure: nothing
 * can be fuzzed without it). Removed at exit. */
const char *tl_fuzz_dir(const char *tag);

/* Creates the directory @p name (relative to the scratch directory); removed at exit. */
void tl_fuzz_mkdir(const char *name);

/* An open file in that directory, rewritten in place for every input. */
struct tl_fuzz_file {
    int fd;
    char path[256];
};

/* Opens (creating) @p name in the scratch directory; exits on failure. */
void tl_fuzz_file_open(struct tl_fuzz_file *f, const char *name);
/* Replaces the file's content with @p size bytes of @p data (pwrite, then ftruncate). */
void tl_fuzz_file_set(struct tl_fuzz_file *f, const void *data, size_t size);

/* Reads a whole file (for initialisation only: a seed's sensors file from the source tree).
 * Returns malloc'ed text with a NUL appended, *size without it; exits on failure. */
char *tl_fuzz_read_file(const char *path, size_t *size);

/* Splits @p data at lines reading exactly "===" into at most @p max parts; a missing part is
 * empty. Returns the number of separators found. */
int tl_fuzz_split(const uint8_t *data, size_t size, const uint8_t **part, size_t *len, int max);

/* Whether @p s (an array of @p cap bytes) is a NUL-terminated, non-empty string that can be a CSV
 * cell as written, unquoted: no comma, quote or control character (a launch or sensor id goes
 * into truth.csv and the measurement CSV that way). */
int tl_fuzz_csv_safe(const char *s, size_t cap);

struct tl_msg_track;
struct tl_msg_assess;
struct tl_release_policy;

/* A valid track (Korean track 7 over the East Sea, 200 km up, boosting) and its assessment. */
void tl_fuzz_valid_track(struct tl_msg_track *m);
void tl_fuzz_valid_assess(struct tl_msg_assess *m);

/* Checks what a release policy gave: every number finite, the covariance diagonal no smaller
 * than the input's (coarsening only enlarges), sensor fields withheld when the policy says so.
 * Traps on a violation. */
void tl_fuzz_check_released_track(const struct tl_release_policy *p, const struct tl_msg_track *in,
                                  const struct tl_msg_track *out);

/* Whether two messages of kind @p k have the same canonical text (every field; struct padding,
 * which a struct assignment need not copy, aside). */
int tl_fuzz_same_msg(int k, const void *a, const void *b);

#endif
