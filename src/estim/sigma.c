/* Sigma points of the scaled unscented transform (estim.h). */
#include <string.h>

#include "estim.h"
#include "mat.h"

int tl__sigma_points(int n, const double *x, const double P[TL_NX][TL_NX], struct tl__sigma *s)
{
    const double lambda = TL__UT_ALPHA * TL__UT_ALPHA * (n + TL__UT_KAPPA) - n;
    tl__mat a, l;

    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            a[i][j] = (n + lambda) * P[i][j];
    if (tl__mat_cholesky(n, (const double(*)[TL__MAT_MAX])a, l) != 0)
        return -1;
    s->n = n;
    memcpy(s->x[0], x, (size_t)n * sizeof *x);
    s->wm[0] = lambda / (n + lambda);
    s->wc[0] = s->wm[0] + (1.0 - TL__UT_ALPHA * TL__UT_ALPHA + TL__UT_BETA);
    for (int k = 0; k < n; k++) {
        for (int i = 0; i < n; i++) {
            s->x[1 + k][i] = x[i] + l[i][k];
            s->x[1 + n + k][i] = x[i] - l[i][k];
        }
        s->wm[1 + k] = s->wm[1 + n + k] = s->wc[1 + k] = s->wc[1 + n + k] = 0.5 / (n + lambda);
    }
    return 0;
}
