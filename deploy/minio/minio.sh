#!/usr/bin/env bash
# minio.sh runs a private MinIO server on loopback for the S3 blob-store
# tests (internal/blob, TestS3*), its data and credentials under var/.
#
# Usage: minio.sh install|start|env|stop|status
#   install  build the MinIO server from the Go module proxy into
#            var/tools/bin/minio (go install; once per machine, ~10-25 min
#            on 2 cores; skipped when the binary is there)
#   start    install if needed, start on 127.0.0.1:$SOHOA_MINIO_PORT
#            (default 9010); prints the URL as the last line of stdout
#   env      print the test settings as shell assignments:
#              eval "$(deploy/minio/minio.sh env)"
#            sets SOHOA_TEST_S3_URL, SOHOA_TEST_S3_ACCESS_KEY,
#            SOHOA_TEST_S3_SECRET_KEY and SOHOA_TEST_S3_BUCKET
#   stop     stop the server (data is kept until `rm -rf var/minio`)
#
# MinIO is AGPL-3.0: it runs here as a separate, unmodified test server
# process; no MinIO server code is linked into sohoa (sohoa links only the
# Apache-2.0 client, minio-go).
set -euo pipefail
cmd=${1:-start}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version=${SOHOA_MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}
bin="$root/var/tools/bin/minio"
dir="$root/var/minio"
port=${SOHOA_MINIO_PORT:-9010}
cport=$((port + 1))
pidfile="$dir/minio.pid"
credfile="$dir/credentials"
url="http://127.0.0.1:$port"

running() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

install() {
  [[ -x "$bin" ]] && return 0
  command -v go >/dev/null || { echo "minio.sh: go is not installed" >&2; exit 1; }
  echo "minio.sh: building MinIO $version from the Go module proxy (once; takes a while)" >&2
  mkdir -p "$(dirname "$bin")"
  GOBIN="$(dirname "$bin")" CGO_ENABLED=0 GOFLAGS=-mod=mod go install "github.com/minio/minio@$version" >&2
}

credentials() {
  mkdir -p "$dir"; chmod 700 "$dir"
  if [[ ! -s "$credfile" ]]; then
    umask 077
    printf 'sohoa-test-%s\n%s\n' "$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
      "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$credfile"
  fi
  access=$(sed -n 1p "$credfile"); secret=$(sed -n 2p "$credfile")
}

case "$cmd" in
  install)
    install
    ;;
  start)
    install
    credentials
    if ! running; then
      mkdir -p "$dir/data"
      MINIO_ROOT_USER="$access" MINIO_ROOT_PASSWORD="$secret" MINIO_BROWSER=off \
        MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off \
        nohup "$bin" server "$dir/data" --address "127.0.0.1:$port" --console-address "127.0.0.1:$cport" --quiet \
        >"$dir/minio.log" 2>&1 &
      echo $! >"$pidfile"
      for _ in $(seq 1 100); do
        curl -fsS "$url/minio/health/live" >/dev/null 2>&1 && break
        running || break
        sleep 0.1
      done
      curl -fsS "$url/minio/health/live" >/dev/null 2>&1 || {
        echo "minio.sh: MinIO did not start; see $dir/minio.log" >&2; tail -5 "$dir/minio.log" >&2; exit 1; }
      echo "minio.sh: started MinIO on 127.0.0.1:$port" >&2
    fi
    echo "$url"
    ;;
  env)
    running || { echo "minio.sh: not running (minio.sh start)" >&2; exit 1; }
    credentials
    printf 'export SOHOA_TEST_S3_URL=%q SOHOA_TEST_S3_ACCESS_KEY=%q SOHOA_TEST_S3_SECRET_KEY=%q SOHOA_TEST_S3_BUCKET=sohoa-test\n' \
      "$url" "$access" "$secret"
    ;;
  stop)
    if running; then
      kill "$(cat "$pidfile")"
      for _ in $(seq 1 50); do running || break; sleep 0.1; done
      running && kill -9 "$(cat "$pidfile")"
      echo "minio.sh: stopped MinIO" >&2
    fi
    rm -f "$pidfile"
    ;;
  status)
    if running; then echo "$url"; else echo "minio.sh: not running" >&2; exit 1; fi
    ;;
  *)
    echo "usage: minio.sh install|start|env|stop|status" >&2; exit 2 ;;
esac
