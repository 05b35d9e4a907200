#!/bin/sh
# Sharing benchmarks (make bench): the raw DDS round trip (ddsperf, same loopback configuration
# as the nodes), the sharing path KR -> US -> JP with and without DDS Security and its throughput
# (bench_share.c), and the exercise end to end with and without security (trilink demo).
# usage: bench/share.sh BUILD_DIR
set -eu
b=${1:-build-bench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/dds.xml" <<'X'
<CycloneDDS xmlns="https://cdds.io/config"><Domain id="any">
<General><Interfaces><NetworkInterface name="lo"/></Interfaces><AllowMulticast>false</AllowMulticast></General>
<Discovery><Peers><Peer address="127.0.0.1"/></Peers><ParticipantIndex>auto</ParticipantIndex>
<MaxAutoParticipantIndex>40</MaxAutoParticipantIndex></Discovery></Domain></CycloneDDS>
X
echo "## sharing"
echo
echo "### raw DDS round trip (ddsperf ping/pong, 256-byte samples, no security, loopback, 10 s)"
echo
echo '```'
CYCLONEDDS_URI="file://$tmp/dds.xml" ddsperf -i 50 -D 12 pong >/dev/null 2>&1 &
pong=$!
sleep 1
# ddsperf prints one-way (half round-trip) latency: mean, min, 50/90/99 % and max in microseconds
CYCLONEDDS_URI="file://$tmp/dds.xml" ddsperf -i 50 -D 10 ping size 256 2>&1 | tail -3
wait $pong || true
echo '```'
echo
echo "### the sharing path (bench/bench_share.c)"
echo
"$b/trilink_bench_share"
echo
echo "### the exercise end to end (trilink demo, ICBM scenario at 50x, measurement arrival at the"
echo "### owning node -> fused update at each partner; publication -> fused update)"
echo
echo "| run | nation | end to end ms median / p99 / max | publication -> fused ms median / p99 / max |"
echo "|---|---|---|---|"
for mode in security no-security; do
    flag=""
    [ "$mode" = no-security ] && flag="--no-security"
    "$b/trilink" demo --speed 50 --workdir "$tmp/w-$mode" --domain-base 60 --summary "$tmp/$mode.json" $flag >/dev/null 2>&1
    for n in KR US JP; do
        e=$(sed -n 's/.*"latency_ms": {"samples": [0-9]*, "median": \([0-9.]*\), "p99": \([0-9.]*\), "max": \([0-9.]*\)}.*/\1 \/ \2 \/ \3/p' "$tmp/w-$mode/$n-summary.json")
        s=$(sed -n 's/.*"share_latency_ms": {"samples": [0-9]*, "median": \([0-9.]*\), "p99": \([0-9.]*\), "max": \([0-9.]*\)}.*/\1 \/ \2 \/ \3/p' "$tmp/w-$mode/$n-summary.json")
        echo "| $mode | $n | $e | $s |"
    done
done
