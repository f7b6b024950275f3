#!/usr/bin/env bash
# test-summary.sh LOG: prints what `go test -v` wrote that a person needs
# (package results, failures and the figures tests log), then how many
# Elasticsearch tests ran and passed.
set -uo pipefail
log=$1
grep -E '^(ok|FAIL|PASS|panic:|---|    --- FAIL|\s+[A-Za-z0-9_]+_test\.go:[0-9]+:)' "$log" | grep -vE '^\s*--- (PASS|SKIP)'
awk '
  /^=== RUN/ { next }
  /^--- PASS|^    --- PASS/ { pass[++n] = $0 }
  /^(ok|FAIL)[ \t]/ {
    es = ($2 ~ /search\/es$|elasticsearch-dev$/)
    for (i = 1; i <= n; i++) if (es || pass[i] ~ /Elasticsearch/) count++
    n = 0
  }
  END { printf "Elasticsearch tests passed: %d\n", count }
' "$log"
