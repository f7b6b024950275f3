# sohoa: make run | make test | make bench | make build
SHELL := /bin/bash
.DEFAULT_GOAL := run
GO ?= go
BIN := bin/sohoa
export OMP_THREAD_LIMIT ?= 1
export CGO_ENABLED := 1

.PHONY: run test test-unit test-es bench build deps deps-test redis es-start es-stop clean vet

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
	@set -euo pipefail; \
	if [[ -z "$${SOHOA_REDIS_URL:-}" ]]; then \
	  export SOHOA_REDIS_URL=$$(deploy/dev/redis.sh start dev | tail -1); \
	  trap 'deploy/dev/redis.sh stop dev' EXIT; \
	fi; \
	echo "sohoa: http://$${SOHOA_LISTEN:-127.0.0.1:8080}  (Redis $$SOHOA_REDIS_URL, data $${SOHOA_DATA_DIR:-var/})"; \
	$(BIN) serve & pid=$$!; \
	trap 'kill -INT $$pid 2>/dev/null; wait $$pid; deploy/dev/redis.sh stop dev' INT TERM EXIT; \
	wait $$pid

# make test: every test (unit, integration, end to end) with -race against
# real Redis, Tesseract and Elasticsearch. Services are started here and
# stopped on exit; under CI=true a missing service fails the tests.
test: deps-test
	@mkdir -p var; set -euo pipefail; \
	export SOHOA_TEST_REDIS_URL=$$(deploy/dev/redis.sh start test | tail -1); \
	trap 'deploy/dev/redis.sh stop test; deploy/elasticsearch-dev/es.sh stop >/dev/null 2>&1 || true' EXIT; \
	if [[ -z "$${SOHOA_ELASTICSEARCH_URL:-}" ]]; then \
	  export SOHOA_ELASTICSEARCH_URL=$$(deploy/elasticsearch-dev/es.sh start | tail -1); \
	fi; \
	echo "test services: Redis $$SOHOA_TEST_REDIS_URL, Elasticsearch $$SOHOA_ELASTICSEARCH_URL"; \
	$(GO) vet ./...; \
	$(GO) test -race -count=1 -timeout 30m ./... 2>&1 | tee var/test.log; \
	echo "Elasticsearch tests run: $$(grep -cE '^(=== RUN|--- PASS).*(ES|Elasticsearch)' var/test.log || true)"

test-unit:
	$(GO) test -race -count=1 -short ./...

test-es: deps-test
	@set -euo pipefail; \
	export SOHOA_ELASTICSEARCH_URL=$$(deploy/elasticsearch-dev/es.sh start | tail -1); \
	trap 'deploy/elasticsearch-dev/es.sh stop' EXIT; \
	curl -s "$$SOHOA_ELASTICSEARCH_URL" | grep '"number"'; \
	$(GO) test -race -count=1 -v ./internal/search/es/... ./deploy/elasticsearch-dev/... 2>&1 | tail -40

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l cmd internal pipelines deploy)" || { gofmt -l cmd internal pipelines deploy; exit 1; }

clean:
	rm -rf bin var/test.log
