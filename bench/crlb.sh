#!/bin/sh
# The tracker's position error beside the Cramer-Rao lower bound over each class's coast, in a
# matched and in the mismatched world (issue 12, sec. 2): trilink_bench_crlb per case of
# bench/calibration (the scenario's sensors), and the lofted ICBM seen by one radar. One line per
# case and world: the worst tenth of the coast, the last quarter and the whole coast, as the
# RMS error over the RMS bound; the bound with the radars' biases known (zero in the matched
# world) and with them unknown (their drawn distribution as a prior). Goal: within 1.5x.
# usage: bench/crlb.sh BUILD_DIR [RUNS] [CASE...]   (RUNS default 20)
set -eu
build=$1
runs=${2:-20}
shift $(($# >= 2 ? 2 : 1))
dir=bench/calibration
cases=${*:-"srbm-min srbm-depressed mrbm-min mrbm-lofted irbm-min irbm-lofted icbm-min icbm-lofted icbm-depressed icbm-lofted:one-radar"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "Cramer-Rao bound over the coast: $runs Monte Carlo runs per row (bench/crlb.sh $build $runs)"
echo "| case | world | tracks per run | worst tenth, known / unknown biases | last quarter | whole coast |"
echo "|---|---|---|---|---|---|"
for c in $cases; do
    name=${c%%:*} opt=
    [ "$c" != "$name" ] && opt="--sensors $dir/sensors-${c#*:}.yaml"
    for w in matched mismatched; do
        mm=
        [ "$w" = mismatched ] && mm="--mismatch $dir/mismatch.yaml"
        # shellcheck disable=SC2086
        "$build/trilink_bench_crlb" "$dir/$name.yaml" $opt $mm --runs "$runs" --label "$c" \
            >"$tmp/out" 2>"$tmp/err" || { echo "| $c | $w | failed: $(head -c 200 "$tmp/err") |||"; continue; }
        awk -v c="$c" -v w="$w" '
            /tracks of the missile/ { for (i = 1; i <= NF; i++) if ($i == "tracks") t = $(i - 1) }
            /^crlb .*biases known:/ { split($0, a, ": error / bound "); k = a[2] }
            /^crlb .*biases unknown:/ { split($0, a, ": error / bound "); u = a[2] }
            END {
                n = split(k, kk, ", "); split(u, uu, ", ")
                for (i = 1; i <= n; i++) { sub(/^[a-z ]+ /, "", kk[i]); sub(/^[a-z ]+ /, "", uu[i]) }
                printf "| %s | %s | %s | %s / %s | %s / %s | %s / %s |\n", c, w, t, kk[1], uu[1], kk[2], uu[2], kk[3], uu[3]
            }' "$tmp/out"
    done
done
