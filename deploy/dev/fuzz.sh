#!/usr/bin/env bash
# fuzz.sh runs every Go fuzz target of the module for FUZZTIME each
# (default 10s), one target at a time, and prints one line per target.
# It fails when any target fails. A failing input is written by go test to
# <package>/testdata/fuzz/<FuzzName>/<hash>; the line names that file:
# commit it, and it runs as a regression case in every plain `go test`.
#
# Targets are found in the source (func FuzzXxx(f *testing.F) in *_test.go),
# so a new target runs without editing this script. Usage, from anywhere:
#   FUZZTIME=30s deploy/dev/fuzz.sh            every target
#   deploy/dev/fuzz.sh ./internal/pages        the targets under a directory
set -uo pipefail
cd "$(dirname "$0")/../.."
fuzztime=${FUZZTIME:-10s}
GO=${GO:-go}
roots=("${@:-./}")

mapfile -t targets < <(grep -rE --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' "${roots[@]}" |
  sed -E 's#^(\./)?(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*).*#./\2 \3#' | sort -u)
if ((${#targets[@]} == 0)); then
  echo "fuzz: no fuzz targets under ${roots[*]}" >&2
  exit 1
fi

# Minimising a new interesting input may take up to a minute by default,
# long past a 10 s run, and go test then reports the run's deadline as a
# failure (seen on FuzzNormalizeDate): minimisation is bounded by runs.
failed=0
start=$SECONDS
for t in "${targets[@]}"; do
  pkg=${t% *} name=${t#* }
  log=$(mktemp)
  t0=$SECONDS
  run() { "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 200x "$pkg" >"$log" 2>&1; }
  # go test sometimes reports the end of -fuzztime itself as a failure
  # ("context deadline exceeded", no input written) when a worker is busy
  # at that moment; such a run is tried once more, and fails if it happens
  # again.
  if run || { grep -q 'context deadline exceeded' "$log" && ! grep -q 'testdata/fuzz/' "$log" && run; }; then
    printf 'ok    %-22s %-22s %3ds\n' "$name" "$pkg" $((SECONDS - t0))
  else
    failed=$((failed + 1))
    input=$(grep -oE 'testdata/fuzz/[^ ]+' "$log" | head -1)
    if [[ -n "$input" ]]; then
      where="failing input: ${pkg#./}/$input (commit it as a regression case)"
    else
      where="no failing input written (build error or crash of the fuzzer itself)"
    fi
    printf 'FAIL  %-22s %-22s %3ds  %s\n' "$name" "$pkg" $((SECONDS - t0)) "$where"
    sed 's/^/      /' "$log" | tail -40
  fi
  rm -f "$log"
done
echo "fuzz: ${#targets[@]} targets, $failed failed, $((SECONDS - start))s (FUZZTIME=$fuzztime each)"
((failed == 0))
