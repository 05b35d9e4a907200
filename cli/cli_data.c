/* Where the programs find the data shipped with trilink (the scenarios and sensors files under
 * share/trilink/scenarios, the vehicle catalogue): $TRILINK_DATA, else a path relative to the
 * running executable. Nothing absolute is compiled in, so an installed tree can be moved (or
 * unpacked from the .deb anywhere) and still finds its data, and the build tree works the same
 * way without baking the source tree's path into the binaries. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* CMake compiles in both (cmake/TrilinkData.cmake): the relative path from the installed bin
 * folder to share/trilink (file(RELATIVE_PATH) of CMAKE_INSTALL_BINDIR and
 * CMAKE_INSTALL_DATADIR/trilink), and the one from the build tree's executables to the copy of
 * the data the build makes. The defaults are the usual layouts. */
#ifndef TL_DATA_REL_INSTALL
#define TL_DATA_REL_INSTALL "../share/trilink"
#endif
#ifndef TL_DATA_REL_BUILD
#define TL_DATA_REL_BUILD "share/trilink"
#endif

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Resolved once per process: $TRILINK_DATA is read at the first call and the executable does
 * not move while it runs. The CLI is single-threaded where it looks data up (before any feed or
 * node thread starts). */
static int resolved;                  /* 0 not yet, 1 found, -1 none */
static char data_dir[PATH_MAX];       /* absolute, no trailing '/' */
static char data_why[3 * PATH_MAX];   /* why there is none, for the error message */

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* Copies the canonical absolute form of @p path to @p out; 0, or -1 if it does not resolve. */
static int absolute(const char *path, char *out, size_t size)
{
    char buf[PATH_MAX];

    if (realpath(path, buf) == NULL || strlen(buf) >= size)
        return -1;
    memcpy(out, buf, strlen(buf) + 1);
    return 0;
}

static int resolve(void)
{
    const char *env = getenv("TRILINK_DATA");
    char exe[PATH_MAX], try1[PATH_MAX + 64], try2[PATH_MAX + 64], *slash;
    ssize_t n;

    if (env != NULL && env[0] != '\0') {
        /* An explicit choice is never second-guessed: a wrong one is an error, not a fallback
         * to data the user did not ask for. */
        if (!is_dir(env) || absolute(env, data_dir, sizeof data_dir) != 0) {
            snprintf(data_why, sizeof data_why, "TRILINK_DATA='%s' is not a directory", env);
            return -1;
        }
        return 1;
    }
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(data_why, sizeof data_why,
                 "cannot locate the program (/proc/self/exe: %s); set TRILINK_DATA",
                 n < 0 ? strerror(errno) : "empty");
        return -1;
    }
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash == NULL) {
        snprintf(data_why, sizeof data_why, "cannot locate the program ('%s'); set TRILINK_DATA",
                 exe);
        return -1;
    }
    *slash = '\0';
    snprintf(try1, sizeof try1, "%s/%s", exe, TL_DATA_REL_INSTALL);
    snprintf(try2, sizeof try2, "%s/%s", exe, TL_DATA_REL_BUILD);
    if ((is_dir(try1) && absolute(try1, data_dir, sizeof data_dir) == 0) ||
        (is_dir(try2) && absolute(try2, data_dir, sizeof data_dir) == 0))
        return 1;
    snprintf(data_why, sizeof data_why,
             "no data directory: neither %s nor %s exists (set TRILINK_DATA)", try1, try2);
    return -1;
}

const char *cli_data_dir(void)
{
    if (resolved == 0)
        resolved = resolve();
    return resolved > 0 ? data_dir : NULL;
}

int cli_data_file(const char *name, char *out, size_t size)
{
    const char *base = NULL, *dir;
    char cand[2 * PATH_MAX];

    if (out == NULL || size == 0)
        return -1;
    if (name == NULL || name[0] == '\0') {
        snprintf(out, size, "empty file name");
        return -1;
    }
    /* As given first: the user's own file wins, and keeps the user's spelling, so messages
     * about it ("bad.yaml:3: ...") name it as typed. */
    {
        /* anything that exists by that name is the user's (a directory too: its reader then
         * says "is a directory", which is clearer than "no such file") */
        struct stat st;
        if (stat(name, &st) == 0) {
            snprintf(out, size, "%s", name);
            return strlen(name) < size ? 0 : -1;
        }
    }
    if (strchr(name, '/') == NULL)
        base = name;
    else if (strncmp(name, "scenarios/", 10) == 0 && strchr(name + 10, '/') == NULL)
        base = name + 10; /* the spelling of the source tree, as in the README */
    if (base == NULL || base[0] == '\0') {
        snprintf(out, size, "%s: no such file", name);
        return -1;
    }
    dir = cli_data_dir();
    if (dir == NULL) {
        snprintf(out, size, "%s: no such file (tried %s; %s)", name, name, data_why);
        return -1;
    }
    snprintf(cand, sizeof cand, "%s/scenarios/%s", dir, base);
    if (is_file(cand)) {
        snprintf(out, size, "%s", cand);
        return strlen(cand) < size ? 0 : -1;
    }
    snprintf(out, size, "%s: no such file (tried %s and %s)", name, name, cand);
    return -1;
}

int cli_data_path(const char *rel, char *out, size_t size)
{
    const char *dir = cli_data_dir();
    struct stat st;

    if (dir == NULL) {
        snprintf(out, size, "%s: no data directory (%s)", rel, data_why);
        return -1;
    }
    snprintf(out, size, "%s/%s", dir, rel);
    if (stat(out, &st) != 0) {
        snprintf(out, size, "%s/%s: %s", dir, rel, strerror(errno));
        return -1;
    }
    return 0;
}
