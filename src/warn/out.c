/* A warning folder: one CAP file per message, named so that `ls` sorts them in the order sent,
 * and warnings.csv with one row per message and area. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "warn_int.h"

struct tl_warn_out {
    char dir[1024];
    FILE *csv;
    int64_t epoch_ns;
    long seq;
};

int tl_warn_out_open(const char *dir, int64_t epoch_ns, struct tl_warn_out **out,
                     struct tl_diag *diag)
{
    char path[1100];
    struct stat st;

    *out = NULL;
    snprintf(path, sizeof path, "%s/warnings.csv", dir);
    /* never overwrite an earlier run's warnings: they are a record */
    if (strlen(dir) < sizeof path - 32 && stat(path, &st) == 0)
        return tl__warn_diag(diag, TL_EINVAL, "out",
                             "'%s' already holds warnings (warnings.csv): choose an empty folder",
                             dir);
    return tl_warn_out_resume(dir, epoch_ns, out, diag);
}

int tl_warn_out_resume(const char *dir, int64_t epoch_ns, struct tl_warn_out **out,
                       struct tl_diag *diag)
{
    struct tl_warn_out *o;
    char path[1100];
    struct stat st;
    struct dirent *e;
    DIR *d;
    int fresh;

    *out = NULL;
    if (strlen(dir) >= sizeof o->dir - 32)
        return tl__warn_diag(diag, TL_EINVAL, "out", "'%s': path too long", dir);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return tl__warn_diag(diag, TL_EIO, "out", "cannot create '%s': %s", dir, strerror(errno));
    if ((d = opendir(dir)) == NULL)
        return tl__warn_diag(diag, TL_EIO, "out", "cannot read '%s': %s", dir, strerror(errno));
    if ((o = calloc(1, sizeof *o)) == NULL) {
        closedir(d);
        return TL_ENOMEM;
    }
    while ((e = readdir(d)) != NULL) { /* number on from the last file written */
        char *end;
        const long seq = strtol(e->d_name, &end, 10);
        if (end == e->d_name + 6 && *end == '-' && seq > o->seq)
            o->seq = seq;
    }
    closedir(d);
    snprintf(o->dir, sizeof o->dir, "%s", dir);
    o->epoch_ns = epoch_ns;
    snprintf(path, sizeof path, "%s/warnings.csv", dir);
    fresh = stat(path, &st) != 0 || st.st_size == 0;
    if ((o->csv = fopen(path, "a")) == NULL) {
        const int err = errno;
        free(o);
        return tl__warn_diag(diag, TL_EIO, "out", "cannot write '%s': %s", path, strerror(err));
    }
    if (fresh)
        fputs("sent,identifier,msg_type,threat,area,probability,event_time_s\n", o->csv);
    fflush(o->csv);
    *out = o;
    return TL_OK;
}

int tl_warn_out_write(struct tl_warn_out *o, const struct tl_cap_msg *m, char *path,
                      size_t path_size, struct tl_diag *diag)
{
    char file[1200], sent[40];
    int rc;

    snprintf(file, sizeof file, "%s/%06ld-%s.xml", o->dir, ++o->seq, m->identifier);
    if ((rc = tl_cap_write(m, file, diag)) != TL_OK)
        return rc;
    if (path != NULL)
        snprintf(path, path_size, "%s", file);
    tl_cap_time(m->sent_ns, m->utc_offset_min, sent, sizeof sent);
    for (int i = 0; i < m->n_areas; i++) {
        const struct tl_cap_area *a = &m->areas[i];
        fprintf(o->csv, "%s,%s,%s,%s,%s,%.4f,", sent, m->identifier,
                tl_warn_msg_type_name(m->type),
                m->all_clear ? "allclear" : tl_warn_threat_name(a->threat), a->code,
                a->probability);
        if (a->onset_ns != 0)
            fprintf(o->csv, "%.3f", (double)(a->onset_ns - o->epoch_ns) / 1e9);
        fputc('\n', o->csv);
    }
    if (m->n_areas == 0)
        fprintf(o->csv, "%s,%s,%s,none,,0.0000,\n", sent, m->identifier,
                tl_warn_msg_type_name(m->type));
    if (fflush(o->csv) != 0 || ferror(o->csv))
        return tl__warn_diag(diag, TL_EIO, "out", "cannot write %s/warnings.csv: %s", o->dir,
                             strerror(errno));
    return TL_OK;
}

int tl_warn_out_close(struct tl_warn_out *o, struct tl_diag *diag)
{
    int rc = TL_OK;
    if (o == NULL)
        return TL_OK;
    if (fclose(o->csv) != 0)
        rc = tl__warn_diag(diag, TL_EIO, "out", "cannot close %s/warnings.csv: %s", o->dir,
                           strerror(errno));
    free(o);
    return rc;
}
