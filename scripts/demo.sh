#!/bin/sh
# The demonstration behind `make run`: the three-nation exercise. KR, US and JP nodes (trilinkd)
# start as separate processes on loopback with DDS Security (a fresh test PKI), Korea and Japan
# linked only through the US hub; the 2023-07-12-like ICBM scenario is replayed to each nation's
# node at 20x real time (SPEED=1 for real time); each node prints its picture every 2 s, and the
# summary per nation ends the run (also as JSON in out/demo-summary.json).
set -eu
tl=${1:-build/trilink}
mkdir -p out
exec "$tl" demo --speed "${SPEED:-20}" --workdir out/demo --summary out/demo-summary.json
