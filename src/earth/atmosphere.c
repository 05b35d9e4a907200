/* US Standard Atmosphere 1976 (NOAA-S/T 76-1562). */
#include <math.h>
#include <stddef.h>

#include "trilink/earth.h"

#define R_EARTH_GEOPOT 6356766.0 /* m, the standard's effective radius for geopotential height */
#define R_AIR 287.05287          /* J/(kg K), R* / M0 */
#define GAMMA_AIR 1.4
#define G0_STD 9.80665

/* Base of each layer below 86 km geometric (84.852 km geopotential): geopotential height (m),
 * temperature (K), lapse rate (K/m) and pressure (Pa). Table 4 of the standard. */
static const struct {
    double hb, tb, lapse, pb;
} LAYERS[] = {
    { 0.0, 288.15, -0.0065, 101325.0 },   { 11000.0, 216.65, 0.0, 22632.06 },
    { 20000.0, 216.65, 0.001, 5474.889 }, { 32000.0, 228.65, 0.0028, 868.0187 },
    { 47000.0, 270.65, 0.0, 110.9063 },   { 51000.0, 270.65, -0.0028, 66.93887 },
    { 71000.0, 214.65, -0.002, 3.956420 },
};

/* Densities tabulated by the standard above 86 km (Table I), geometric height (m) and kg/m^3;
 * between nodes log-density is interpolated linearly (a piecewise exponential fit). */
static const struct {
    double h, rho;
} UPPER[] = {
    { 86000.0, 6.958e-6 },   { 90000.0, 3.416e-6 },   { 100000.0, 5.604e-7 },
    { 110000.0, 9.708e-8 },  { 120000.0, 2.222e-8 },  { 130000.0, 8.152e-9 },
    { 150000.0, 2.076e-9 },  { 200000.0, 2.541e-10 }, { 250000.0, 6.073e-11 },
    { 300000.0, 1.916e-11 }, { 400000.0, 2.803e-12 }, { 500000.0, 5.215e-13 },
    { 600000.0, 1.137e-13 }, { 700000.0, 3.070e-14 }, { 800000.0, 1.136e-14 },
    { 900000.0, 5.759e-15 }, { 1000000.0, 3.561e-15 },
};

#define N_LAYERS (sizeof LAYERS / sizeof LAYERS[0])
#define N_UPPER (sizeof UPPER / sizeof UPPER[0])

struct tl_atmos tl_earth_atmosphere(double h_m)
{
    struct tl_atmos a;

    if (isnan(h_m)) {
        a.rho_kgpm3 = a.p_pa = a.t_k = a.sound_mps = NAN;
        return a;
    }
    if (h_m < -5000.0)
        h_m = -5000.0;
    if (h_m < 86000.0) {
        const double hg = R_EARTH_GEOPOT * h_m / (R_EARTH_GEOPOT + h_m); /* geopotential height */
        size_t i = N_LAYERS - 1;
        double dt;

        while (i > 0 && hg < LAYERS[i].hb)
            i--;
        dt = hg - LAYERS[i].hb;
        a.t_k = LAYERS[i].tb + LAYERS[i].lapse * dt;
        if (LAYERS[i].lapse == 0.0)
            a.p_pa = LAYERS[i].pb * exp(-G0_STD * dt / (R_AIR * LAYERS[i].tb));
        else
            a.p_pa = LAYERS[i].pb *
                     pow(LAYERS[i].tb / a.t_k, G0_STD / (R_AIR * LAYERS[i].lapse));
        a.rho_kgpm3 = a.p_pa / (R_AIR * a.t_k);
        a.sound_mps = sqrt(GAMMA_AIR * R_AIR * a.t_k);
        return a;
    }
    /* Above 86 km drag is what matters; temperature is held at the 86 km value (186.87 K) for the
     * speed of sound, and pressure follows from the ideal gas law (a small error, irrelevant to
     * flight at these densities). */
    a.t_k = 186.8673;
    a.sound_mps = sqrt(GAMMA_AIR * R_AIR * a.t_k);
    if (h_m >= UPPER[N_UPPER - 1].h) {
        a.rho_kgpm3 = 0.0;
    } else {
        size_t i = 0;
        double w;

        while (h_m >= UPPER[i + 1].h)
            i++;
        w = (h_m - UPPER[i].h) / (UPPER[i + 1].h - UPPER[i].h);
        a.rho_kgpm3 = exp((1.0 - w) * log(UPPER[i].rho) + w * log(UPPER[i + 1].rho));
    }
    a.p_pa = a.rho_kgpm3 * R_AIR * a.t_k;
    return a;
}
