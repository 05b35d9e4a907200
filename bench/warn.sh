#!/bin/sh
# Warning figures over Monte Carlo runs of the shipped IRBM and ICBM scenarios, with sharing (the
# tracker fed every nation's sensors: the fused picture) and without (Japan's sensors alone):
# per run, trilink sim -> trilink track -> trilink warn --truth for Japan; summed over the runs:
# areas missed (reached before any warning: must be 0), areas still warned after burnout + 120 s
# that the missile never reached (must be 0), warnings left open (must be 0), area-minutes
# warned in vain (the cost of caution), first alert after launch and lead times (min / median).
# usage: bench/warn.sh BUILD_DIR [RUNS]   (RUNS default 50)
set -eu
build=$1
runs=${2:-50}
tl=$build/trilink
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

one() { # scenario epoch mode(shared|alone)
    scen=scenarios/$1 epoch=$2 mode=$3 name=$(basename "$1" .yaml)
    "$tl" sim "$scen" --truth "$tmp/truth.csv" --measurements "$tmp/meas.csv" --runs "$runs" >/dev/null
    k=1
    : >"$tmp/rows"
    while [ "$k" -le "$runs" ]; do
        n=$(printf %04d "$k")
        m=$tmp/meas-$n.csv
        if [ "$mode" = alone ]; then
            awk -F, 'NR == 1 || $2 ~ /^JP-/' "$m" >"$tmp/own.csv"
            m=$tmp/own.csv
        fi
        "$tl" track --sensors "$scen" --measurements "$m" --tracks "$tmp/t.csv" \
            --assessments "$tmp/a.csv" >/dev/null
        rm -rf "$tmp/w"
        "$tl" warn --tracks "$tmp/t.csv" --assessments "$tmp/a.csv" --epoch "$epoch" --nation JP \
            --out "$tmp/w" --truth "$tmp/truth.csv" >"$tmp/score"
        awk -v run="$k" '/^score:/ { s = $0 } /^  JP/ { print run, $0 } END { print run, s }' \
            "$tmp/score" >>"$tmp/rows"
        k=$((k + 1))
    done
    awk -v name="$name" -v mode="$mode" -v runs="$runs" '
        / score: / {
            for (i = 1; i <= NF; i++) {
                if ($(i+1) == "missed,") missed += $i
                if ($(i+1) == "wrongly") wrong += $i
                if ($(i+1) == "of" && $(i+3) == "warnings") open += $i
                if ($(i+1) == "area-minutes") cost += $i
                if ($i == "alert") first[++nf] = $(i+1)
            }
            next
        }
        $3 == "overflown" || $3 == "impact" {
            key = $2 " " $3; lead[key, ++nl[key]] = $11; keys[key] = 1
        }
        function median(a, n, k,   i, j, t, v) {
            for (i = 1; i <= n; i++) v[i] = a[k, i] + 0
            for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
            return v[int((n + 1) / 2)] " (min " v[1] ")"
        }
        END {
            for (i = 1; i <= nf; i++) f[0, i] = first[i]
            printf "warn %-22s %-6s %d runs: missed %d, wrong after burnout+120 s %d, left open %d, area-min in vain %.1f (%.2f/run), first alert after launch median %s s\n",
                name, mode, runs, missed, wrong, open, cost, cost / runs, median(f, nf, 0)
            for (k in keys) printf "warn %-22s %-6s   %-18s lead median %s s over %d runs\n", name, mode, k, median(lead, nl[k], k), nl[k]
        }' "$tmp/rows"
}

irbm_epoch=$(sed -n 's/^epoch: *\([^ ]*\).*/\1/p' scenarios/irbm-2022-10-04.yaml)
icbm_epoch=$(sed -n 's/^epoch: *\([^ ]*\).*/\1/p' scenarios/icbm-2023-07-12.yaml)
echo "command: bench/warn.sh $build $runs"
for mode in shared alone; do
    one irbm-2022-10-04.yaml "$irbm_epoch" "$mode"
    one icbm-2023-07-12.yaml "$icbm_epoch" "$mode"
done
