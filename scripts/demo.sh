#!/bin/sh
# The demonstration behind `make run`: the three-nation exercise. KR, US and JP nodes (trilinkd)
# start as separate processes on loopback with DDS Security (a fresh test PKI), Korea and Japan
# linked only through the US hub; the 2023-07-12-like ICBM scenario is replayed to each nation's
# node at 20x real time (SPEED=1 for real time), the quiet hour of midcourse (nothing but clutter)
# at full speed (SKIP_QUIET= to replay it at 20x too); the nodes' events print one line each,
# and the summary per nation and per missile ends the run (also as JSON in
# out/demo-summary.json). The nodes' logs are in out/demo/.
set -eu
tl=${1:-build/trilink}
mkdir -p out
exec "$tl" demo --speed "${SPEED:-20}" ${SKIP_QUIET---skip-quiet} --workdir out/demo \
    --summary out/demo-summary.json
