#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trilink/share.h"
#include "fuzz_util.h"

static char scratch[200];
static char made[16][256]; /* files to remove at exit */
static int n_made;
static char made_dir[8][256]; /* and directories, removed after them, newest first */
static int n_made_dir;

static void cleanup(void)
{
    for (int i = 0; i < n_made; i++)
        unlink(made[i]);
    for (int i = n_made_dir - 1; i >= 0; i--)
        rmdir(made_dir[i]);
    if (scratch[0] != '\0')
        rmdir(scratch);
}

__attribute__((noreturn)) static void die(const char *what, const char *path)
{
    fprintf(stderr, "fuzz: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

const char *tl_fuzz_dir(const char *tag)
{
    if (scratch[0] == '\0') {
        snprintf(scratch, sizeof scratch, "/dev/shm/tl-fuzz-%s-%ld", tag, (long)getpid());
        if (mkdir(scratch, 0700) != 0 && errno != EEXIST)
            die("cannot create", scratch);
        atexit(cleanup);
    }
    return scratch;
}

void tl_fuzz_mkdir(const char *name)
{
    char path[256];

    snprintf(path, sizeof path, "%s/%s", tl_fuzz_dir("x"), name);
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        die("cannot create", path);
    if (n_made_dir < 8)
        snprintf(made_dir[n_made_dir++], sizeof made_dir[0], "%s", path);
}

void tl_fuzz_file_open(struct tl_fuzz_file *f, const char *name)
{
    snprintf(f->path, sizeof f->path, "%s/%s", tl_fuzz_dir("x"), name);
    f->fd = open(f->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (f->fd < 0)
        die("cannot create", f->path);
    if (n_made < 16)
        snprintf(made[n_made++], sizeof made[0], "%s", f->path);
}

void tl_fuzz_file_set(struct tl_fuzz_file *f, const void *data, size_t size)
{
    const char *p = data;
    size_t done = 0;

    while (done < size) {
        ssize_t w = pwrite(f->fd, p + done, size - done, (off_t)done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            die("cannot write", f->path);
        }
        done += (size_t)w;
    }
    if (ftruncate(f->fd, (off_t)size) != 0)
        die("cannot truncate", f->path);
}

char *tl_fuzz_read_file(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long n;

    if (fp == NULL)
        die("cannot open", path);
    if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0)
        die("cannot seek", path);
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, fp) != (size_t)n)
        die("cannot read", path);
    buf[n] = '\0';
    fclose(fp);
    *size = (size_t)n;
    return buf;
}

int tl_fuzz_split(const uint8_t *data, size_t size, const uint8_t **part, size_t *len, int max)
{
    static const uint8_t empty[1];
    size_t start = 0, i = 0;
    int k = 0, seps = 0;

    for (int j = 0; j < max; j++) {
        part[j] = empty;
        len[j] = 0;
    }
    /* A separator is a line "===" (at the start, or after a newline), followed by a newline or
     * the end; the newline before it belongs to the part. */
    while (i + 3 <= size && k < max - 1) {
        if ((i == 0 || data[i - 1] == '\n') && memcmp(data + i, "===", 3) == 0 &&
            (i + 3 == size || data[i + 3] == '\n')) {
            part[k] = data + start;
            len[k] = i - start;
            k++;
            seps++;
            i += i + 3 < size ? 4 : 3;
            start = i;
            continue;
        }
        i++;
    }
    part[k] = data + start;
    len[k] = size - start;
    return seps;
}

int tl_fuzz_csv_safe(const char *s, size_t cap)
{
    const char *end = memchr(s, '\0', cap);

    if (end == NULL || end == s)
        return 0;
    for (const char *p = s; p < end; p++)
        if (*p == ',' || *p == '"' || (unsigned char)*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

void tl_fuzz_valid_track(struct tl_msg_track *m)
{
    static const double x[6] = { -3.1e6, 4.2e6, 4.1e6, -1500.0, 2100.0, 1800.0 };

    memset(m, 0, sizeof *m);
    snprintf(m->origin, sizeof m->origin, "KR");
    m->track_no = 7;
    m->status = 1; /* confirmed */
    m->phase = 0;  /* boost */
    m->t_ns = INT64_C(1689123600000000000);
    m->meas_ns = m->t_ns + 300000000;
    m->pub_ns = m->meas_ns + 1000000;
    memcpy(m->x, x, sizeof x);
    for (int i = 0; i < 6; i++)
        m->p[tl_ut6(i, i)] = i < 3 ? 250.0 * 250.0 : 20.0 * 20.0;
    m->p[tl_ut6(0, 1)] = 0.3 * 250.0 * 250.0;
    m->p[tl_ut6(0, 3)] = 0.1 * 250.0 * 20.0;
    m->accel[0] = -20.0;
    m->accel[1] = 30.0;
    m->accel[2] = 25.0;
    m->accel_sigma = 5.0;
    m->drag_k = 1e-4;
    m->drag_k_sigma = 1e-4;
    snprintf(m->sensors, sizeof m->sensors, "KR-R1,KR-R2");
    m->sensor_ecef[0] = -3.0e6;
    m->sensor_ecef[1] = 4.0e6;
    m->sensor_ecef[2] = 3.7e6;
}

void tl_fuzz_valid_assess(struct tl_msg_assess *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->origin, sizeof m->origin, "KR");
    m->track_no = 7;
    m->t_ns = INT64_C(1689123600000000000);
    m->meas_ns = m->t_ns + 300000000;
    m->pub_ns = m->meas_ns + 1000000;
    m->has_launch = 1;
    m->launch_ns = m->t_ns - INT64_C(120000000000);
    m->launch_lat_rad = 0.6812;
    m->launch_lon_rad = 2.1935;
    m->launch_err_m = 700.0;
    m->impact_ns = m->t_ns + INT64_C(4000000000000);
    m->impact_lat_rad = 0.7122;
    m->impact_lon_rad = 2.3941;
    m->semi_major_m = 13200.0;
    m->semi_minor_m = 5900.0;
    m->major_az_rad = 1.2;
    m->apogee_m = 6.6e6;
    m->cls = 3;
    m->loft = 1;
}

void tl_fuzz_check_released_track(const struct tl_release_policy *p, const struct tl_msg_track *in,
                                  const struct tl_msg_track *out)
{
    for (int i = 0; i < 6; i++)
        TL_FUZZ_CHECK(isfinite(out->x[i]) && out->x[i] == in->x[i]);
    for (int i = 0; i < TL_NP; i++)
        TL_FUZZ_CHECK(isfinite(out->p[i]));
    for (int i = 0; i < 6; i++) {
        const double floor = i < 3 ? p->coarsen_pos_m : p->coarsen_vel_mps;
        const double v = out->p[tl_ut6(i, i)];
        TL_FUZZ_CHECK(v >= in->p[tl_ut6(i, i)]);
        /* the floor is met, to rounding */
        TL_FUZZ_CHECK(!(floor > 0) || v >= floor * floor * (1 - 1e-12));
    }
    if (p->withhold_sensors)
        TL_FUZZ_CHECK(out->sensors[0] == '\0');
    if (p->withhold_sensor_position)
        TL_FUZZ_CHECK(out->sensor_ecef[0] == 0 && out->sensor_ecef[1] == 0 &&
                      out->sensor_ecef[2] == 0);
}

int tl_fuzz_same_msg(int k, const void *a, const void *b)
{
    static char ta[8192], tb[8192];

    tl_msg_canonical((enum tl_msg_kind)k, a, ta, sizeof ta);
    tl_msg_canonical((enum tl_msg_kind)k, b, tb, sizeof tb);
    return strcmp(ta, tb) == 0;
}
