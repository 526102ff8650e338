# Thin front end over CMake/CTest. The two quick-start commands:
#   make demo   install what is missing, build, run the NPK audit example (and name the
#               second, the Nemotron-USA audit on real rows, with its command)
#   make test   install, build, run every test (normal build, then ASan+UBSan
#               with the fuzz smoke); the last lines are CTest's summary
# Also: make build, make asan, make fuzz (FUZZ_SECONDS=300), make faults (every injection
#       point, hours), make bench, make format,
#       make install PREFIX=/usr/local (DESTDIR is honoured; no package is installed).

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 300
IAF        := $(BUILD)/iaf
PREFIX     ?= /usr/local

.PHONY: all deps deps-browser build asan demo test test-fast test-asan fuzz faults bench bench-scale format clean install

all: build

deps:
	@sh scripts/install-deps.sh

# The tests also drive a real browser over the HTML report (Chromium, CJK fonts,
# playwright-core and html-validate from npm).
deps-browser:
	@sh scripts/install-deps.sh --browser

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt:
	CC=clang cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DIAF_SANITIZE=ON -DIAF_FUZZ=ON

asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# The tool, libiaf.a and libiaf.so.N, the headers, iaf.1, iaf.pc and the CMake package
# under PREFIX (iaf.pc and the CMake package find the rest relative to themselves).
install: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	cmake --install $(BUILD) --prefix $(PREFIX)

demo: build
	@sh examples/npk/run.sh $(IAF) out/npk
	@echo
	@echo "Second audit, on real rows (Nemotron-Personas-USA against the BLS CPS and ACS;"
	@echo "results in docs/replication.md, section 6):"
	@echo "    sh examples/usa-nemotron/run.sh $(IAF) out/usa"
	@echo "All locales and generators side by side (docs/replication.md, section 7):"
	@echo "    cd examples && ../$(IAF) replicate npk/audit.yaml jp/audit.yaml usa-nemotron/audit.yaml \\"
	@echo "        us/synthpop_cart.yaml us/sdv_ctgan.yaml us/mostlyai.yaml us/private_gsd.yaml -o ../out/replication"

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

test: deps-browser test-fast test-asan

# Long fuzzing in its own build tree, so the test build keeps its 10-second smoke.
fuzz: deps
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DIAF_SANITIZE=ON -DIAF_FUZZ=ON \
	  -DIAF_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	cmake --build build-fuzz -j $(JOBS)
	cd build-fuzz && ctest --output-on-failure -R '^fuzz\.'

bench: build
	sh bench/run.sh $(IAF)

# docs/scale.md's three routes (one scan, Dask shards, DuckDB plan); 50M rows by default
bench-scale: build
	sh bench/scale.sh $(IAF)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz

# Every fault-injection point (tests/faults/sweep.sh): each allocation and each
# file-layer system call of every command's run failed in turn, in the ASan+UBSan
# build. Hours, not minutes: CTest (faults.*) runs a sample of the same sweeps.
faults: asan
	for kind in oom io; do \
	  IAF=$(CURDIR)/$(ASAN_BUILD)/iaf IAF_SRC=$(CURDIR) IAF_FAULTS=$(CURDIR)/$(ASAN_BUILD)/tests/iaf_faults \
	  IAF_FAULTS_FULL=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 bash tests/faults/sweep.sh $$kind || exit 1; \
	done
