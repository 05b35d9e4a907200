#!/bin/sh
# usage: test_install.sh BUILD_DIR SOURCE_DIR
# The installation as a user gets it: cmake --install into a scratch prefix, then, from an
# unrelated empty folder with a clean environment (PATH=PREFIX/bin:/usr/bin:/bin and nothing
# else pointing into the source or build tree): the programs' RPATH to the installed
# libtrilink.so.0, versions, a flight, a scenario found in the data folder, TRILINK_DATA, the
# installed tree moved elsewhere (relocatable), the three manual pages, a program built with
# pkg-config against the shared and the static library, the bash completion, the three-nation
# exercise (trilink demo, DDS domains 170-175: nothing else uses them), and the .deb built by
# cpack, unpacked into a scratch root and run from there.
set -eu

build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[ -n "$version" ] || { echo "test_install: no project version in $build/CMakeCache.txt" >&2; exit 1; }
# the tools, found before the environment is cleared
cmake=$(command -v cmake)
cpack=$(command -v cpack)

scratch=$(mktemp -d /tmp/trilink-install.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix
work=$scratch/work
mkdir -p "$work"

fail() {
    echo "test_install: FAIL: $*" >&2
    exit 1
}
step() { echo "== $*"; }
# Runs a command from the unrelated folder with a clean environment; extra VAR=value first.
run() {
    (cd "$work" && env -i PATH="$prefix/bin:/usr/bin:/bin" HOME="$work" LC_ALL=C.UTF-8 "$@")
}
# expect STATUS COMMAND...: runs it with run(); its output in $work/out and $work/err.
expect() {
    expect_status=$1
    shift
    set +e
    run "$@" >"$work/out" 2>"$work/err"
    expect_got=$?
    set -e
    [ "$expect_got" -eq "$expect_status" ] ||
        fail "$* exited $expect_got, expected $expect_status: $(cat "$work/err")"
}
# contains FILE TEXT: FILE has the fixed string TEXT.
contains() {
    grep -qF -- "$2" "$1" || fail "$1 lacks '$2': $(head -c 600 "$1")"
}

step "cmake --install into $prefix"
"$cmake" --install "$build" --prefix "$prefix" >/dev/null
for f in bin/trilink bin/trilinkd include/trilink/geo.h include/trilink/version.h \
         share/trilink/vehicles.yaml share/trilink/scenarios/icbm-2023-07-12.yaml \
         share/trilink/scenarios/sensors-trilateral.yaml share/man/man1/trilink.1 \
         share/man/man8/trilinkd.8 share/man/man5/trilink-scenario.5 \
         share/bash-completion/completions/trilink share/bash-completion/completions/trilinkd \
         share/doc/trilink/README.md share/doc/trilink/LICENSE share/doc/trilink/CHANGELOG.md; do
    [ -f "$prefix/$f" ] || fail "not installed: $f"
done
pc=$(find "$prefix" -name trilink.pc)
[ -n "$pc" ] || fail "no trilink.pc installed"
libdir=$(dirname "$(dirname "$pc")")
for f in libtrilink.a libtrilink.so libtrilink.so.0; do
    [ -e "$libdir/$f" ] || fail "not installed: $libdir/$f"
done
# The programs use the installed libtrilink.so.0, found by their RPATH relative to themselves
# ($ORIGIN/../LIBDIR), not by a path into the build tree.
for prog in trilink trilinkd; do
    readelf -d "$prefix/bin/$prog" >"$work/dynamic"
    grep -q 'NEEDED.*\[libtrilink\.so\.0\]' "$work/dynamic" || fail "bin/$prog does not use libtrilink.so.0"
    grep -qF '[$ORIGIN/' "$work/dynamic" ||
        fail "bin/$prog has no \$ORIGIN RPATH: $(grep -E 'RPATH|RUNPATH' "$work/dynamic")"
    if grep -E 'RPATH|RUNPATH' "$work/dynamic" | grep -qF "$build"; then
        fail "bin/$prog's RPATH names the build tree"
    fi
    echo "bin/$prog: $(sed -n 's/.*(RUNPATH) *//p; s/.*(RPATH) *//p' "$work/dynamic")"
done
# The data are found relative to the program, not by a path of this build compiled in.
if grep -qF "$build/share" "$prefix/bin/trilink"; then
    fail "bin/trilink has the build tree's data path compiled in"
fi

step "versions"
for cmd in "trilink --version" "trilink version" "trilink sim --version" "trilink demo --version"; do
    # shellcheck disable=SC2086 # the words of cmd are the arguments
    expect 0 $cmd
    [ "$(cat "$work/out")" = "trilink $version" ] || fail "$cmd printed '$(cat "$work/out")'"
done
expect 0 trilinkd --version
[ "$(cat "$work/out")" = "trilinkd (trilink) $version" ] ||
    fail "trilinkd --version printed '$(cat "$work/out")'"

step "trilink analyze --apogee 4475 --range 950 (Hwasong-15, 2017-11-29: 53 min reported)"
expect 0 trilink analyze --apogee 4475 --range 950
contains "$work/out" "apogee 4475.0 km, range 950.0 km"
ft=$(sed -n 's/^flight time  *\([0-9.]*\) s.*/\1/p' "$work/out")
awk -v t="$ft" 'BEGIN { exit !(t >= 3100 && t <= 3350) }' ||
    fail "flight time '$ft' s is not within [3100, 3350] s"
echo "flight time $ft s"

step "trilink sim icbm-2023-07-12.yaml (from the data folder)"
expect 0 trilink sim icbm-2023-07-12.yaml --truth t.csv
# first row: the launch site, 39.03 N 125.68 E 30 m, in ECEF (GeographicLib CartConvert)
sed -n 2p "$work/t.csv" | grep -q '^60\.000,ICBM-1,-2893689\.641,4029963\.005,3994923\.629,' ||
    fail "first truth row is '$(sed -n 2p "$work/t.csv")'"
rows=$(wc -l <"$work/t.csv")
[ "$rows" -gt 4400 ] || fail "truth has $rows lines"
echo "truth: $rows lines, first at the launch site"
# the README's spelling from the source tree works too
expect 0 trilink sim scenarios/irbm-2022-10-04.yaml --truth t2.csv

step "TRILINK_DATA"
rm -f "$work/t3.csv"
expect 2 env TRILINK_DATA=/nonexistent trilink sim icbm-2023-07-12.yaml --truth t3.csv
contains "$work/err" "/nonexistent"
contains "$work/err" "not a directory"
[ ! -e "$work/t3.csv" ] || fail "a failed run wrote t3.csv"
echo "$(cat "$work/err")"
mkdir -p "$work/mydata/scenarios"
sed 's/range_km: 1001.2/range_km: 900/' "$prefix/share/trilink/scenarios/icbm-2023-07-12.yaml" \
    >"$work/mydata/scenarios/mine.yaml"
cp "$prefix/share/trilink/scenarios/sensors-trilateral.yaml" "$work/mydata/scenarios/"
expect 0 env TRILINK_DATA="$work/mydata" trilink sim mine.yaml --truth t4.csv
contains "$work/out" "range 900.0 km"
expect 2 trilink sim mine.yaml --truth t5.csv
contains "$work/err" "mine.yaml"

step "relocatable: the installed tree moved"
mv "$prefix" "$scratch/moved"
prefix=$scratch/moved
pc=$(find "$prefix" -name trilink.pc)
libdir=$(dirname "$(dirname "$pc")")
expect 0 trilink sim icbm-2023-07-12.yaml --truth t6.csv
cmp -s "$work/t.csv" "$work/t6.csv" || fail "the moved tree's truth differs"

step "manual pages"
for page in man1/trilink.1:trilink man8/trilinkd.8:trilinkd man5/trilink-scenario.5:trilink-scenario; do
    file=$prefix/share/man/${page%%:*}
    name=${page#*:}
    expect 0 env MANPAGER=cat MANWIDTH=80 man -l "$file"
    grep -A1 '^NAME' "$work/out" | grep -qE "^ *$name +- " || fail "$file: NAME is not '$name - ...'"
    grep -A1 '^NAME' "$work/out" | sed -n 2p
    expect 0 env MANWIDTH=80 man --warnings -E UTF-8 -l "$file"
    [ ! -s "$work/err" ] || fail "$file: groff warnings: $(cat "$work/err")"
done
expect 0 env MANPAGER=cat MANWIDTH=80 man -l "$prefix/share/man/man1/trilink.1"
contains "$work/out" "trilink sim"
contains "$work/out" "--truth FILE"
expect 0 env MANPAGER=cat MANWIDTH=80 man -l "$prefix/share/man/man5/trilink-scenario.5"
contains "$work/out" "azimuth_limits_deg"

step "a program built with pkg-config (shared, then static)"
cat >"$work/geo.c" <<'EOF'
#include <stdio.h>
#include <trilink/geo.h>
#include <trilink/version.h>

int main(void)
{
    struct tl_lla site = { tl_deg2rad(39.03), tl_deg2rad(125.68), 30.0 };
    double x[3];

    tl_geo_lla_to_ecef(&TL_WGS84, &site, x);
    printf("%s %.3f %.3f %.3f\n", TL_VERSION_STRING, x[0], x[1], x[2]);
    return 0;
}
EOF
pcdir=$(dirname "$pc")
geo_want="$version -2893689.641 4029963.005 3994923.629"
expect 0 sh -c "cc -o geo-shared geo.c \$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs trilink)"
expect 0 env LD_LIBRARY_PATH="$libdir" ./geo-shared
[ "$(cat "$work/out")" = "$geo_want" ] ||
    fail "geo-shared printed '$(cat "$work/out")', not '$geo_want'"
readelf -d "$work/geo-shared" | grep -q 'NEEDED.*libtrilink\.so\.0' ||
    fail "geo-shared does not use libtrilink.so.0"
echo "shared: $(cat "$work/out")"
expect 0 sh -c "cc -o geo-static geo.c \$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags trilink) \
    \$(PKG_CONFIG_PATH=$pcdir pkg-config --static --libs trilink |
      sed 's/-ltrilink/-Wl,-Bstatic -ltrilink -Wl,-Bdynamic/')"
expect 0 ./geo-static
[ "$(cat "$work/out")" = "$geo_want" ] ||
    fail "geo-static printed '$(cat "$work/out")', not '$geo_want'"
if readelf -d "$work/geo-static" | grep -q 'NEEDED.*libtrilink'; then
    fail "geo-static needs libtrilink.so"
fi
echo "static: $(cat "$work/out")"

step "bash completion"
cat >"$work/complete.bash" <<'EOF'
. "$1"
reply() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); "$fn"; echo "${COMPREPLY[*]}"; }
fn=_trilink
echo "sim --t: $(reply trilink sim --t)"
echo "s: $(reply trilink s)"
echo "demo --sp: $(reply trilink demo --sp)"
echo "help scen: $(reply trilink help scen)"
mkdir -p cdir && : >cdir/kr.yaml && : >cdir/notes.txt
echo "track --sensors cdir/: $(reply trilink track --sensors cdir/)"
fn=_trilinkd
echo "trilinkd --c: $(reply trilinkd --c)"
echo "trilinkd --config cdir/: $(reply trilinkd --config cdir/)"
EOF
expect 0 bash "$work/complete.bash" "$prefix/share/bash-completion/completions/trilink"
cat "$work/out"
contains "$work/out" "sim --t: --truth"
grep -q '^s: .*\bsim\b.*\bscore\b' "$work/out" || fail "'trilink s' does not complete sim and score"
contains "$work/out" "demo --sp: --speed"
contains "$work/out" "help scen: scenario"
grep '^track --sensors cdir/: ' "$work/out" | grep -q 'cdir/kr\.yaml' &&
    grep '^track --sensors cdir/: ' "$work/out" | grep -q 'cdir/notes\.txt' ||
    fail "track --sensors does not complete file names"
contains "$work/out" "trilinkd --c: --config"
grep -q '^trilinkd --config cdir/: cdir/kr.yaml$' "$work/out" ||
    fail "trilinkd --config does not offer just the YAML file"

step "trilink demo --speed 100 (no --scenario: the default one from the data folder)"
expect 0 trilink demo --speed 100 --workdir ./w --summary s.json --domain-base 170
tail -n 12 "$work/out"
perl -MJSON::PP -e '
    local $/;
    open my $f, "<", $ARGV[0] or die "$ARGV[0]: $!\n";
    my $s = decode_json(<$f>);
    my @n = sort keys %{ $s->{nations} };
    die "nations @n, expected JP KR US\n" unless "@n" eq "JP KR US";
    for (@n) {
        my $st = $s->{nations}{$_}{system_tracks};
        die "$_ has $st system tracks, expected 1\n" unless defined $st && $st == 1;
        my $w = $s->{nations}{$_}{warnings};
        die "$_: no warnings in the summary\n" unless ref $w eq "HASH";
        die "$_: $w->{left_open} warnings left open\n" if $w->{left_open};
        printf "%s: %d system track, %d warning messages\n", $_, $st, $w->{messages};
    }
    die "JP sent no warning of the EEZ impact\n" unless $s->{nations}{JP}{warnings}{messages} > 0;
    ' "$work/s.json" || fail "demo summary s.json"

step "cpack -G DEB, installed into a scratch root"
mkdir -p "$scratch/pack"
(cd "$scratch/pack" && "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/pack" \
    >cpack.log 2>&1) || fail "cpack: $(tail -n 20 "$scratch/pack/cpack.log")"
deb=$scratch/pack/trilink_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || fail "no $(basename "$deb"): $(ls "$scratch/pack")"
dpkg-deb -I "$deb" >"$work/info"
depends=$(sed -n 's/^ Depends: //p' "$work/info")
echo "Depends: $depends"
for lib in libc6 libddsc0debian libgeos-c1v5 libjansson4 libproj25 libsqlite3-0 libssl3 libxml2 libyaml-0-2; do
    echo "$depends" | grep -q "\b$lib\b" || fail "Depends lacks $lib: $depends"
done
# dpkg into a scratch root with its own database. --unpack, not -i: configuring would run the
# postinst (ldconfig) chrooted into a root that has no shell; the files are what is tested.
root=$scratch/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: >"$root/var/lib/dpkg/status"
dpkg --root="$root" --force-depends --force-not-root --log=/dev/null \
    --unpack "$deb" >"$work/dpkg.log" 2>&1 || fail "dpkg --unpack: $(cat "$work/dpkg.log")"
status=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status} ${Version}' trilink)
[ "$status" = "install ok unpacked $version" ] || fail "dpkg status of trilink: '$status'"
expect 0 "$root/usr/bin/trilink" --version
[ "$(cat "$work/out")" = "trilink $version" ] || fail "packaged trilink printed '$(cat "$work/out")'"
expect 0 "$root/usr/bin/trilink" sim icbm-2023-07-12.yaml --truth t7.csv
cmp -s "$work/t.csv" "$work/t7.csv" || fail "the packaged trilink's truth differs"
echo "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB, installs and runs from $root"

echo "test_install: PASS"
