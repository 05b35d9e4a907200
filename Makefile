# trilink: the two commands of the README contract, plus bench and clean.
#   make run    install missing Debian packages, build, run the three-nation exercise (trilink demo)
#   make test   install missing Debian packages, build, run every test (and again under ASan+UBSan)
# Both first run scripts/install-deps, which changes nothing when all packages are present.

MAKEFLAGS += --no-print-directory

JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN  ?= build-asan
BENCH ?= build-bench
# Monte Carlo runs per scenario and mode of the warning figures (bench/warn.sh)
WARN_RUNS ?= 50
# Monte Carlo runs per row of the calibration figures (bench/calibration.sh)
CALIB_RUNS ?= 50
# Monte Carlo runs per row of the Cramer-Rao figures (bench/crlb.sh)
CRLB_RUNS ?= 20
FUZZ  ?= build-fuzz
TSAN  ?= build-tsan
FUZZ_SECONDS ?= 30

# Options per build tree. A tree is configured only when it has no cache yet or was configured
# with other options (recorded in TREE/.tl-options); otherwise cmake's own check at build time
# reruns cmake when a CMakeLists.txt changes. Reconfiguring on every make rewrote generated
# sources and relinked every target: now a second make with no change rebuilds nothing.
BUILD_OPTS = -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTL_WERROR=ON
ASAN_OPTS  = -DCMAKE_BUILD_TYPE=Debug -DTL_WERROR=ON -DTL_SANITIZE=ON
BENCH_OPTS = -DCMAKE_BUILD_TYPE=Release
TSAN_OPTS  = -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTL_WERROR=ON -DTL_TSAN=ON
configure = if [ ! -f $(1)/CMakeCache.txt ] || [ "$$(cat $(1)/.tl-options 2>/dev/null)" != "$(2)" ]; \
	then cmake -S . -B $(1) $(2) >/dev/null && echo "$(2)" > $(1)/.tl-options; fi

.PHONY: all deps build run test test-asan bench clean fuzz tsan

all: build

deps:
	@sh scripts/install-deps

build: deps
	@$(call configure,$(BUILD),$(BUILD_OPTS))
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@sh scripts/demo.sh $(BUILD)/trilink

test: build
	@$(call configure,$(ASAN),$(ASAN_OPTS))
	@cmake --build $(ASAN) -j $(JOBS)
	@status=0; \
	echo "== tests (RelWithDebInfo)"; \
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) || status=1; \
	echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer)"; \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN) --output-on-failure -j $(JOBS) || status=1; \
	if [ $$status -eq 0 ]; then echo "make test: PASS (all tests passed, plain and sanitized)"; \
	else echo "make test: FAIL"; fi; \
	exit $$status

bench: deps
	@$(call configure,$(BENCH),$(BENCH_OPTS))
	@cmake --build $(BENCH) -j $(JOBS) --target trilink_bench trilink_bench_track trilink_bench_share trilink_bench_areas trilink_bench_warn trilink_bench_crlb trilink_cli trilinkd
	@echo "command: make bench ($(BENCH)/trilink_bench, $(BENCH)/trilink_bench_track, bench/share.sh, $(BENCH)/trilink_bench_warn, bench/warn.sh, bench/calibration.sh, bench/crlb.sh)"
	@$(BENCH)/trilink_bench
	@echo
	@echo "## tracker"
	@echo
	@echo "| figure | value |"
	@echo "|---|---|"
	@$(BENCH)/trilink_bench_track scenarios/srbm-salvo-2022-06-05.yaml 240 24 100
	@$(BENCH)/trilink_bench_areas data/areas
	@echo
	@sh bench/share.sh $(BENCH)
	@echo
	@echo "## warnings"
	@echo
	@rm -rf $(BENCH)/warn-out && $(BENCH)/trilink_bench_warn scenarios/irbm-2022-10-04.yaml data/areas $(BENCH)/warn-out
	@sh bench/warn.sh $(BENCH) $(WARN_RUNS)
	@echo
	@echo "## calibration under model mismatch"
	@echo
	@sh bench/calibration.sh $(BENCH) $(CALIB_RUNS)
	@echo
	@sh bench/crlb.sh $(BENCH) $(CRLB_RUNS)

clean:
	rm -rf $(BUILD) $(ASAN) $(BENCH) $(FUZZ) $(TSAN) out

# The threaded tests under ThreadSanitizer: the exercise (three nodes, the feed, the demo's fault
# thread) and the bus tests. A report fails the run (halt_on_error); tests/tsan.supp skips only
# races inside Cyclone DDS, which is not instrumented.
tsan: deps
	@$(call configure,$(TSAN),$(TSAN_OPTS))
	@cmake --build $(TSAN) -j $(JOBS)
	@TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=1 exitcode=66 second_deadlock_stack=1" \
	  ctest --test-dir $(TSAN) --output-on-failure -j 1 -L 'net|unit' \
	  && echo "make tsan: PASS (no data race reported)" || { echo "make tsan: FAIL"; exit 1; }

# Every parser's libFuzzer harness (tests/fuzz) for FUZZ_SECONDS each, two at a time: clang 14
# with -fsanitize=fuzzer,address,undefined; fails on any crash, leak or timeout.
fuzz: deps
	@cmake -S . -B $(FUZZ) -DCMAKE_C_COMPILER=clang -DTL_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(FUZZ) -j $(JOBS) --target $(shell sed -n 's/^set(TL_FUZZ_HARNESSES \(.*\))$$/\1/p' tests/fuzz/CMakeLists.txt | sed 's/[^ ]*/fuzz_&/g')
	@FUZZ_JOBS=2 sh tests/fuzz/run.sh $(FUZZ) $(FUZZ_SECONDS)
