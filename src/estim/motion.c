/* The motion models' dynamics (estim.h): what the predictor integrates and the assessment's
 * launch point search runs backwards. */
#include <math.h>

#include "estim.h"
#include "trilink/propagate.h"

void tl__motion_rate(const struct tl_earth *e, enum tl_motion m, double tau, const double *x,
                     double *dx)
{
    double extra[3] = { 0.0, 0.0, 0.0 };

    if (m == TL_MOTION_BOOST) {
        extra[0] = x[6];
        extra[1] = x[7];
        extra[2] = x[8];
    } else if (m == TL_MOTION_REENTRY || m == TL_MOTION_MANEUVER) {
        const double h = tl_geo_height(&e->shape, x);
        if (h < 1.0e6) {
            const double rho = tl_earth_atmosphere(h).rho_kgpm3;
            const double sp = sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5]);
            for (int i = 0; i < 3; i++)
                extra[i] = -0.5 * rho * sp * fmax(x[9], 0.0) * x[3 + i];
        }
        if (m == TL_MOTION_MANEUVER)
            for (int i = 0; i < 3; i++)
                extra[i] += x[6 + i];
    }
    dx[0] = x[3];
    dx[1] = x[4];
    dx[2] = x[5];
    tl_propagate_accel(e, x, x + 3, 0.0, extra, dx + 3);
    for (int i = 6; i < 9; i++)
        dx[i] = m == TL_MOTION_BOOST ? 0.0 : -x[i] / tau;
    dx[9] = 0.0;
}
