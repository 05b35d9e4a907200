# trilink: the two commands of the README contract, plus bench and clean.
#   make run    install missing Debian packages, build, run the three-nation exercise (trilink demo)
#   make test   install missing Debian packages, build, run every test (and again under ASan+UBSan)
# Both first run scripts/install-deps, which changes nothing when all packages are present.

MAKEFLAGS += --no-print-directory

JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN  ?= build-asan
BENCH ?= build-bench

.PHONY: all deps build run test test-asan bench clean

all: build

deps:
	@sh scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTL_WERROR=ON >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@sh scripts/demo.sh $(BUILD)/trilink

test: build
	@cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DTL_WERROR=ON -DTL_SANITIZE=ON >/dev/null
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
	@cmake -S . -B $(BENCH) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BENCH) -j $(JOBS) --target trilink_bench trilink_bench_track trilink_bench_share trilink_cli trilinkd
	@echo "command: make bench ($(BENCH)/trilink_bench, $(BENCH)/trilink_bench_track, bench/share.sh)"
	@$(BENCH)/trilink_bench
	@echo
	@echo "## tracker"
	@echo
	@echo "| figure | value |"
	@echo "|---|---|"
	@$(BENCH)/trilink_bench_track scenarios/srbm-salvo-2022-06-05.yaml 240 24 100
	@echo
	@sh bench/share.sh $(BENCH)

clean:
	rm -rf $(BUILD) $(ASAN) $(BENCH) out
