/* Small dense matrices of run-time size up to TL__MAT_MAX, stored row-major in caller arrays of
 * TL__MAT_MAX columns. The tracker's hot path: no allocation. Internal to libtrilink. */
#ifndef TL_UTIL_MAT_H
#define TL_UTIL_MAT_H

#define TL__MAT_MAX 10

typedef double tl__mat[TL__MAT_MAX][TL__MAT_MAX];

/** c = a b (a: n x k, b: k x m). c may not alias a or b. */
void tl__mat_mul(int n, int k, int m, const tl__mat a, const tl__mat b, tl__mat c);
/** c = a b^T (a: n x k, b: m x k). */
void tl__mat_mul_bt(int n, int k, int m, const tl__mat a, const tl__mat b, tl__mat c);
/** p = f p f^T + q, in place (n x n). */
void tl__mat_sandwich(int n, const tl__mat f, tl__mat p, const tl__mat q);
/** p = (p + p^T) / 2. */
void tl__mat_symmetrize(int n, tl__mat p);
/** Lower Cholesky factor l of the symmetric positive definite a (l l^T = a). Returns 0, or -1 if
 * a is not positive definite. */
int tl__mat_cholesky(int n, const tl__mat a, tl__mat l);
/** Inverse of a symmetric positive definite matrix via Cholesky; also its log-determinant.
 * Returns 0 or -1. */
int tl__mat_spd_inverse(int n, const tl__mat a, tl__mat inv, double *logdet);

#endif
