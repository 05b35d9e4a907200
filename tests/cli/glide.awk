# The manoeuvring SRBM, one run (issue 12): when the warhead pulled up, when the tracker's
# assessments saw it, how far the impact moved, and how often the 95 % ellipse held the truth
# once the glide was seen.
# usage: awk -F, -f glide.awk EVENTS.csv TRUTH.csv ASSESSMENTS.csv
# prints: pull_s seen_s impact_s shift_m held after   (seconds after launch; -1 when not found)
function rad(d) { return d * 3.14159265358979 / 180 }
function dist(la1, lo1, la2, lo2,   c) { # great circle, spherical Earth (a yardstick, not geodesy)
    c = sin(rad(la1)) * sin(rad(la2)) + cos(rad(la1)) * cos(rad(la2)) * cos(rad(lo1 - lo2))
    if (c > 1) c = 1
    return 6371000 * atan2(sqrt(1 - c * c), c)
}
FNR == 1 { file++; next }
file == 1 && $2 == "launch" { t_launch = $3 }
file == 1 && $2 == "apogee" { t_apo = $3 }
file == 1 && $2 == "impact" { t_imp = $3; ilat = $4; ilon = $5 }
# truth: the pull-up is where the height's second difference rises above -4 m/s^2 (a ballistic
# descent has about -8.5) below 50 km, after the apogee
file == 2 { n++; tt[n] = $1; hh[n] = $11 }
file == 3 && $9 != "" { m++; at[m] = $1; alat[m] = $9; alon[m] = $10; asemi[m] = $11; aminor[m] = $12; aaz[m] = $13 }
END {
    pull = -1
    for (i = 2; i < n; i++)
        if (tt[i] > t_apo + 2 && hh[i] < 50000 && hh[i + 1] - 2 * hh[i] + hh[i - 1] > -4) { pull = tt[i]; break }
    pre = 0
    for (j = 1; j <= m; j++) if (at[j] <= pull) pre = j
    if (pull < 0 || pre == 0) { print -1, -1, t_imp - t_launch, -1, 0, 0; exit }
    shift = dist(alat[pre], alon[pre], ilat, ilon)
    seen = -1
    for (j = pre + 1; j <= m; j++)
        if (asemi[j] > 2 * asemi[j - 1] || dist(alat[j], alon[j], alat[j - 1], alon[j - 1]) > 10000) { seen = at[j]; break }
    held = after = 0
    if (seen >= 0)
        for (j = 1; j <= m; j++) {
            if (at[j] < seen) continue
            after++
            dn = (ilat - alat[j]) * 111195; de = (ilon - alon[j]) * 111195 * cos(rad(alat[j]))
            u = de * sin(rad(aaz[j])) + dn * cos(rad(aaz[j])); v = de * cos(rad(aaz[j])) - dn * sin(rad(aaz[j]))
            if ((u / asemi[j]) ^ 2 + (v / aminor[j]) ^ 2 <= 1) held++
        }
    printf "%.1f %.1f %.1f %.0f %d %d\n", pull - t_launch, seen < 0 ? -1 : seen - t_launch, t_imp - t_launch, shift, held, after
}
