/* Run-numbered file names for Monte Carlo: "meas.csv" and run 7 give "meas-0007.csv". */
#ifndef TRILINK_RUN_NAME_H
#define TRILINK_RUN_NAME_H

#include <stdio.h>
#include <string.h>

static inline void run_name(const char *path, int run, char *out, size_t size)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

    if (run <= 0) {
        snprintf(out, size, "%s", path);
        return;
    }
    if (dot == NULL || (slash != NULL && dot < slash))
        snprintf(out, size, "%s-%04d", path, run);
    else
        snprintf(out, size, "%.*s-%04d%s", (int)(dot - path), path, run, dot);
}

#endif
