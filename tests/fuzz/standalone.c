/* Runs a fuzz harness over files, without libFuzzer: the normal and sanitizer builds use it to
 * replay every seed and every regression input (ctest fuzz_<name>). Arguments are files or
 * directories (whose regular files are replayed in name order, so runs are reproducible). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_util.h"

/* Optional in a harness: weak, so a harness without it links. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;

    if (f == NULL) {
        fprintf(stderr, "standalone: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    for (;;) {
        size_t got;
        if (cap - len < 4096) {
            unsigned char *nb = realloc(buf, cap ? 2 * cap : 65536);
            if (nb == NULL) {
                fprintf(stderr, "standalone: out of memory for %s\n", path);
                free(buf);
                fclose(f);
                return 1;
            }
            buf = nb;
            cap = cap ? 2 * cap : 65536;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    /* A copy of exactly len bytes, so ASan sees a read past the end of the input. */
    {
        unsigned char *exact = malloc(len ? len : 1);
        if (exact == NULL) {
            free(buf);
            return 1;
        }
        memcpy(exact, buf, len);
        free(buf);
        fprintf(stderr, "standalone: %s (%zu bytes)\n", path, len);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
    }
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, int *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int status = 0;

    if (d == NULL) {
        fprintf(stderr, "standalone: cannot open %s: %s\n", dir, strerror(errno));
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || strcmp(e->d_name, "README.md") == 0)
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *nn);
            if (nn == NULL)
                break;
            names = nn;
        }
        names[n++] = strdup(path);
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        if (names[i] != NULL) {
            status |= run_file(names[i]);
            (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return status;
}

int main(int argc, char **argv)
{
    int status = 0, count = 0;

    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "standalone: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        } else if (S_ISDIR(st.st_mode)) {
            status |= run_dir(argv[i], &count);
        } else {
            status |= run_file(argv[i]);
            count++;
        }
    }
    fprintf(stderr, "standalone: %d inputs, %s\n", count, status ? "errors" : "no crash");
    return status;
}
