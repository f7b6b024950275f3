# sohoa: make run | make test | make bench | make build
SHELL := /bin/bash
.DEFAULT_GOAL := run
GO ?= go
BIN := bin/sohoa
export OMP_THREAD_LIMIT ?= 1
export CGO_ENABLED := 1

.PHONY: accuracy run test test-unit test-es run-es bench soak build deps deps-test clean vet fuzz ocrmypdf-corpus

deps:
	@deploy/dev/deps.sh run
	@$(GO) mod download

deps-test:
	@deploy/dev/deps.sh test
	@$(GO) mod download

build: deps
	$(GO) build -o $(BIN) ./cmd/sohoa

# make run: private Redis (unless SOHOA_REDIS_URL is set), then sohoa serve
# with the embedded index and file store under var/. Ctrl-C stops both.
run: build
	@set -uo pipefail; \
	if [[ -z "$${SOHOA_REDIS_URL:-}" ]]; then \
	  SOHOA_REDIS_URL=$$(deploy/dev/redis.sh start dev | tail -1) || exit 1; \
	  export SOHOA_REDIS_URL; \
	  trap 'deploy/dev/redis.sh stop dev' EXIT; \
	fi; \
	echo "sohoa: http://$${SOHOA_LISTEN:-127.0.0.1:8080}  (Redis $$SOHOA_REDIS_URL, data $${SOHOA_DATA_DIR:-var/}; Ctrl-C stops)"; \
	$(BIN) serve & pid=$$!; \
	trap 'kill -INT $$pid 2>/dev/null || true' INT TERM; \
	wait $$pid; status=$$?; \
	if kill -0 $$pid 2>/dev/null; then wait $$pid; status=$$?; fi; \
	exit $$status

# make test: every test (unit, integration, end to end) with -race against
# real Redis, Tesseract and Elasticsearch. Services are started here and
# stopped on exit; under CI=true a missing service fails the tests.
test: deps-test
	@mkdir -p var; set -euo pipefail; \
	redis_url=$$(deploy/dev/redis.sh start test | tail -1); export SOHOA_TEST_REDIS_URL=$$redis_url; \
	trap 'deploy/dev/redis.sh stop test; deploy/elasticsearch-dev/es.sh stop >/dev/null 2>&1 || true' EXIT; \
	SOHOA_OCRMYPDF_CORPUS=$$(deploy/dev/ocrmypdf-corpus.sh | tail -1) || SOHOA_OCRMYPDF_CORPUS=; \
	export SOHOA_OCRMYPDF_CORPUS; \
	if [[ -z "$${SOHOA_ELASTICSEARCH_URL:-}" ]]; then \
	  export SOHOA_ELASTICSEARCH_URL=$$(deploy/elasticsearch-dev/es.sh start | tail -1); \
	fi; \
	echo "test services: Redis $$SOHOA_TEST_REDIS_URL, Elasticsearch $$SOHOA_ELASTICSEARCH_URL (version $$(curl -s "$$SOHOA_ELASTICSEARCH_URL/_cat/nodes?h=version" | head -1))"; \
	$(GO) vet ./...; \
	status=0; $(GO) test -race -count=1 -timeout 30m -v ./... > var/test.log 2>&1 || status=$$?; \
	echo "=== extraction accuracy (60 documents per set), the hostile batch and the personal-data grep, without -race" >> var/test.log; \
	$(GO) test -count=1 -timeout 20m -v -run 'TestAccuracyOCR' ./internal/extract >> var/test.log 2>&1 || status=$$?; \
	$(GO) test -count=1 -timeout 20m -v -run 'TestHostileBatch|TestPersonalDataGrep' ./internal/app >> var/test.log 2>&1 || status=$$?; \
	echo "=== fuzz targets, $${FUZZTIME:-10s} each (make fuzz)" | tee -a var/test.log; \
	if ! FUZZTIME=$${FUZZTIME:-10s} deploy/dev/fuzz.sh >> var/test.log 2>&1; then status=1; fi; \
	grep -E '^(FAIL|fuzz:) ' var/test.log || true; \
	deploy/dev/test-summary.sh var/test.log; \
	echo "full test output: var/test.log"; \
	exit $$status

# make ocrmypdf-corpus: OCRmyPDF 16.10.4's test files (tests/resources/ of
# its source distribution) fetched once into a cache outside the repository
# (SOHOA_OCRMYPDF_CACHE overrides it); the hostile-input test reads them from
# SOHOA_OCRMYPDF_CORPUS, which make test sets.
ocrmypdf-corpus:
	@deploy/dev/ocrmypdf-corpus.sh

# make accuracy: field precision, recall and F1 per field of the extractor
# over generated clean and degraded documents read by the pipeline's OCR
# (issue 4's targets). SOHOA_ACCURACY_DOCS, SOHOA_ACCURACY_SEED and
# SOHOA_ACCURACY_DEGRADE=heavy measure other corpora. It also scores the
# independent evaluation corpus (internal/evalcorpus, TestAccuracyEval: dev
# and test halves, issue 14's targets judged on the test half); see
# docs/accuracy.md.
accuracy: deps
	@set -o pipefail; SOHOA_EVAL_JUDGE=1 $(GO) test -count=1 -timeout 60m -v -run 'TestAccuracy' ./internal/extract | grep -vE '^=== RUN'

test-unit:
	$(GO) test -race -count=1 -short ./...

test-es: deps-test
	@set -euo pipefail; \
	export SOHOA_ELASTICSEARCH_URL=$$(deploy/elasticsearch-dev/es.sh start | tail -1); \
	trap 'deploy/elasticsearch-dev/es.sh stop' EXIT; \
	echo "Elasticsearch $$SOHOA_ELASTICSEARCH_URL, version $$(curl -sf "$$SOHOA_ELASTICSEARCH_URL/_cat/nodes?h=version" | head -1)"; \
	$(GO) test -race -count=1 -v ./internal/search/es/... ./deploy/elasticsearch-dev/... 2>&1 | tail -40

# make bench: end-to-end pages/s against the raw tesseract CLI on the same
# pages, OCRmyPDF side by side, peak memory, 1 vs 2 workers, the hostile
# batch (issue 16: bad files, a 500 MiB upload and OCRmyPDF's test corpus,
# fetched and cached first, against the api/worker memory targets), search
# latency; writes docs/BENCHMARKS.md. Last line: "throughput ratio vs raw
# tesseract: R". BENCH_FLAGS="-skip hostile" leaves the hostile batch out.
bench: deps
	@deploy/dev/deps.sh bench
	$(GO) build -o bin/sohoa ./cmd/sohoa
	$(GO) build -o bin/sohoa-bench ./cmd/sohoa-bench
	@set -euo pipefail; \
	corpus=$$(deploy/dev/ocrmypdf-corpus.sh | tail -1) || { corpus=; echo "make bench: OCRmyPDF's test corpus could not be fetched; the hostile batch runs without it" >&2; }; \
	url=$$(deploy/dev/redis.sh start bench | tail -1); \
	trap 'deploy/dev/redis.sh stop bench' EXIT; \
	bin/sohoa-bench -bin bin/sohoa -redis "$$url" -ocrmypdf-corpus "$$corpus" -out docs/BENCHMARKS.md $(BENCH_FLAGS)

# make soak: the fault soak (TestFaultSoak: Redis restarted and losing its
# state, Elasticsearch unreachable, the data directory full, workers SIGKILLed
# at random points) and the crash test, on SOAK_PAGES pages each (make test
# runs a short fault soak and the crash test at 20), and the hostile batch
# with a 500 MiB upload (make test uploads 8 MiB + 1 byte). Figures: grep
# soak: in var/soak.log.
SOAK_PAGES ?= 200
soak: deps-test
	@mkdir -p var; set -euo pipefail; \
	export SOHOA_TEST_REDIS_URL=$$(deploy/dev/redis.sh start test | tail -1); \
	trap 'deploy/dev/redis.sh stop test; deploy/elasticsearch-dev/es.sh stop >/dev/null 2>&1 || true' EXIT; \
	if [[ -z "$${SOHOA_ELASTICSEARCH_URL:-}" ]]; then \
	  export SOHOA_ELASTICSEARCH_URL=$$(deploy/elasticsearch-dev/es.sh start | tail -1); \
	fi; \
	export SOHOA_OCRMYPDF_CORPUS=$$(deploy/dev/ocrmypdf-corpus.sh | tail -1); \
	status=0; SOHOA_SOAK=1 SOHOA_SOAK_PAGES=$(SOAK_PAGES) $(GO) test -race -count=1 -timeout 240m -v \
	  -run '^(TestFaultSoak|TestWorkerKilledMidBatch|TestHostileBatch)$$' ./internal/app/ > var/soak.log 2>&1 || status=$$?; \
	grep -E '^\s*--- |soak:' var/soak.log || true; \
	echo "full soak output: var/soak.log"; \
	exit $$status

# make run-es: sohoa with a local Elasticsearch from Maven Central.
run-es: build
	@set -euo pipefail; \
	export SOHOA_ELASTICSEARCH_URL=$$(deploy/elasticsearch-dev/es.sh start | tail -1); \
	trap 'deploy/elasticsearch-dev/es.sh stop' EXIT; \
	$(MAKE) run

# make fuzz: every go test -fuzz target for FUZZTIME each (default 10s).
fuzz:
	@deploy/dev/fuzz.sh

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l cmd internal pipelines deploy)" || { gofmt -l cmd internal pipelines deploy; exit 1; }

clean:
	rm -rf bin var/test.log
