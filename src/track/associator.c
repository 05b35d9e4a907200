/* Associator: global nearest neighbour by optimal assignment. Replacing GNN (by JPDA, say) is
 * replacing tl__associate(). */
#include <math.h>
#include <stdlib.h>

#include "track_int.h"

/* Hungarian algorithm with potentials, by shortest augmenting paths (Kuhn-Munkres in the
 * Jonker-Volgenant formulation): O(n^2 m) for n rows <= m columns. 1-based internally. */
int tl_assign(int n, int m, const double *cost, int *row_to_col, double *total)
{
    double *u = NULL, *v = NULL, *minv = NULL;
    int *p = NULL, *way = NULL, rc = TL_OK;
    char *used = NULL;

    if (n < 0 || m < n || (n > 0 && (cost == NULL || row_to_col == NULL)))
        return TL_EINVAL;
    for (long k = 0; k < (long)n * m; k++)
        if (!isfinite(cost[k]))
            return TL_EINVAL;
    if (n == 0) {
        if (total != NULL)
            *total = 0.0;
        return TL_OK;
    }
    u = calloc((size_t)n + 1, sizeof *u);
    v = calloc((size_t)m + 1, sizeof *v);
    minv = calloc((size_t)m + 1, sizeof *minv);
    p = calloc((size_t)m + 1, sizeof *p);
    way = calloc((size_t)m + 1, sizeof *way);
    used = calloc((size_t)m + 1, 1);
    if (!u || !v || !minv || !p || !way || !used) {
        rc = TL_ENOMEM;
        goto done;
    }
    for (int i = 1; i <= n; i++) {
        int j0 = 0;
        p[0] = i;
        for (int j = 0; j <= m; j++) {
            minv[j] = INFINITY;
            used[j] = 0;
        }
        do { /* grow the alternating tree from row i until a free column is reached */
            const int i0 = p[j0];
            double delta = INFINITY;
            int j1 = 0;
            used[j0] = 1;
            for (int j = 1; j <= m; j++)
                if (!used[j]) {
                    const double cur = cost[(long)(i0 - 1) * m + (j - 1)] - u[i0] - v[j];
                    if (cur < minv[j]) {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if (minv[j] < delta) {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            for (int j = 0; j <= m; j++)
                if (used[j]) {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            j0 = j1;
        } while (p[j0] != 0);
        do { /* augment along the path */
            const int j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0 != 0);
    }
    {
        double sum = 0.0;
        for (int j = 1; j <= m; j++)
            if (p[j] != 0) {
                row_to_col[p[j] - 1] = j - 1;
                sum += cost[(long)(p[j] - 1) * m + (j - 1)];
            }
        if (total != NULL)
            *total = sum;
    }
done:
    free(u);
    free(v);
    free(minv);
    free(p);
    free(way);
    free(used);
    return rc;
}

/* Costs standing in for "impossible" in the assignment: large but finite. */
#define NO_PAIR 1e12

/* Global nearest neighbour: the optimal assignment of a compact matrix whose rows are the tracks
 * that gate something and whose columns are the detections they gate plus one miss column per
 * track; tracks that gate nothing simply miss. */
int tl__associate(const struct tl__hyp *h, int nh, int nz, double miss_cost, int *assign)
{
    int *rows = NULL, *cols = NULL, *col_of = NULL, *a = NULL, nr = 0, nc = 0, rc = TL_OK;
    double *cost = NULL;

    if (nh == 0)
        return TL_OK;
    rows = malloc((size_t)nh * sizeof *rows);
    cols = malloc((size_t)nh * sizeof *cols);
    col_of = malloc(((size_t)nz + 1) * sizeof *col_of);
    if (rows == NULL || cols == NULL || col_of == NULL) {
        rc = TL_ENOMEM;
        goto out;
    }
    for (int j = 0; j < nz; j++)
        col_of[j] = -1;
    for (int q = 0; q < nh; q++) {
        if (nr == 0 || rows[nr - 1] != h[q].track)
            rows[nr++] = h[q].track;
        if (col_of[h[q].meas] < 0) {
            col_of[h[q].meas] = nc;
            cols[nc++] = h[q].meas;
        }
    }
    {
        const int width = nc + nr;
        cost = malloc((size_t)nr * (size_t)width * sizeof *cost);
        a = malloc((size_t)nr * sizeof *a);
        if (cost == NULL || a == NULL) {
            rc = TL_ENOMEM;
            goto out;
        }
        for (long q = 0; q < (long)nr * width; q++)
            cost[q] = NO_PAIR;
        for (int q = 0, r = -1; q < nh; q++) {
            if (r < 0 || rows[r] != h[q].track)
                r++;
            cost[(size_t)r * (size_t)width + (size_t)col_of[h[q].meas]] = h[q].cost;
        }
        for (int r = 0; r < nr; r++)
            cost[(size_t)r * (size_t)width + (size_t)(nc + r)] = miss_cost;
        if ((rc = tl_assign(nr, width, cost, a, NULL)) != TL_OK)
            goto out;
        for (int r = 0; r < nr; r++)
            if (a[r] < nc && cost[(size_t)r * (size_t)width + (size_t)a[r]] < NO_PAIR)
                assign[rows[r]] = cols[a[r]];
    }
out:
    free(rows);
    free(cols);
    free(col_of);
    free(cost);
    free(a);
    return rc;
}
