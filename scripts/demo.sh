#!/bin/sh
# The demonstration behind `make run`: the 2023-07-12-like lofted ICBM flown from the scenario
# file, its truth written to out/, and the same flight reconstructed from its published figures.
set -eu
tl=${1:-build/trilink}
mkdir -p out
echo "== trilink sim scenarios/icbm-2023-07-12.yaml"
"$tl" sim scenarios/icbm-2023-07-12.yaml --truth out/icbm-2023-07-12-truth.csv \
    --events out/icbm-2023-07-12-events.csv
echo
echo "== trilink analyze --apogee 6648.4 --range 1001.2 (Hwasong-18, 2023-07-12; KCNA: 4,491 s)"
"$tl" analyze --apogee 6648.4 --range 1001.2
echo
echo "truth: out/icbm-2023-07-12-truth.csv ($(($(wc -l <out/icbm-2023-07-12-truth.csv) - 1)) rows), events: out/icbm-2023-07-12-events.csv"
