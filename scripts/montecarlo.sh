#!/bin/sh
# Monte Carlo of one scenario: N measurement sets (seeds 1..N), tracked, then scored together.
# usage: scripts/montecarlo.sh TRILINK SCENARIO RUNS OUTDIR [track options...]
# Prints the score summary (trilink score --runs N --json) and keeps the files in OUTDIR.
set -eu
tl=$1 scenario=$2 runs=$3 out=$4
shift 4
mkdir -p "$out"
"$tl" sim "$scenario" --truth "$out/truth.csv" --measurements "$out/meas.csv" --runs "$runs" >/dev/null
k=1
while [ "$k" -le "$runs" ]; do
    n=$(printf %04d "$k")
    "$tl" track --sensors "$scenario" --measurements "$out/meas-$n.csv" \
        --tracks "$out/tracks-$n.csv" --assessments "$out/assess-$n.csv" "$@" >/dev/null
    k=$((k + 1))
done
"$tl" score --truth "$out/truth.csv" --tracks "$out/tracks.csv" --assessments "$out/assess.csv" \
    --runs "$runs" --json
