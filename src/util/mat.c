#include <math.h>
#include <string.h>

#include "mat.h"

void tl__mat_mul(int n, int k, int m, const tl__mat a, const tl__mat b, tl__mat c)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            double s = 0.0;
            for (int l = 0; l < k; l++)
                s += a[i][l] * b[l][j];
            c[i][j] = s;
        }
}

void tl__mat_mul_bt(int n, int k, int m, const tl__mat a, const tl__mat b, tl__mat c)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            double s = 0.0;
            for (int l = 0; l < k; l++)
                s += a[i][l] * b[j][l];
            c[i][j] = s;
        }
}

void tl__mat_sandwich(int n, const tl__mat f, tl__mat p, const tl__mat q)
{
    tl__mat fp;

    tl__mat_mul(n, n, n, f, (const double(*)[TL__MAT_MAX])p, fp);
    tl__mat_mul_bt(n, n, n, (const double(*)[TL__MAT_MAX])fp, f, p);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            p[i][j] += q != NULL ? q[i][j] : 0.0;
    tl__mat_symmetrize(n, p);
}

void tl__mat_symmetrize(int n, tl__mat p)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            p[i][j] = p[j][i] = 0.5 * (p[i][j] + p[j][i]);
}

int tl__mat_cholesky(int n, const tl__mat a, tl__mat l)
{
    memset(l, 0, sizeof(tl__mat));
    for (int j = 0; j < n; j++) {
        double d = a[j][j];
        for (int k = 0; k < j; k++)
            d -= l[j][k] * l[j][k];
        if (!(d > 0.0))
            return -1;
        l[j][j] = sqrt(d);
        for (int i = j + 1; i < n; i++) {
            double s = a[i][j];
            for (int k = 0; k < j; k++)
                s -= l[i][k] * l[j][k];
            l[i][j] = s / l[j][j];
        }
    }
    return 0;
}

int tl__mat_spd_inverse(int n, const tl__mat a, tl__mat inv, double *logdet)
{
    tl__mat l, linv;

    if (tl__mat_cholesky(n, a, l) != 0)
        return -1;
    /* inv(L) by forward substitution, then inv(A) = inv(L)^T inv(L). */
    memset(linv, 0, sizeof linv);
    for (int i = 0; i < n; i++) {
        linv[i][i] = 1.0 / l[i][i];
        for (int j = 0; j < i; j++) {
            double s = 0.0;
            for (int k = j; k < i; k++)
                s -= l[i][k] * linv[k][j];
            linv[i][j] = s / l[i][i];
        }
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int k = i > j ? i : j; k < n; k++)
                s += linv[k][i] * linv[k][j];
            inv[i][j] = s;
        }
    if (logdet != NULL) {
        double ld = 0.0;
        for (int i = 0; i < n; i++)
            ld += 2.0 * log(l[i][i]);
        *logdet = ld;
    }
    return 0;
}
