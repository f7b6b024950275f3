#!/usr/bin/env bash
# redis.sh runs a private Redis for sohoa on loopback, its data under var/.
# Usage: redis.sh start|stop|url [NAME]
#   NAME   instance name (default "dev"; the tests use "test"), so a test
#          Redis never touches the data of `make run`.
# start prints the redis:// URL as the last line of stdout.
set -euo pipefail
cmd=${1:-start}
name=${2:-dev}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$root/var/redis-$name"
case "$name" in
  dev) port=${SOHOA_DEV_REDIS_PORT:-6390} ;;
  test) port=${SOHOA_TEST_REDIS_PORT:-6391} ;;
  *) port=${SOHOA_REDIS_PORT:-6392} ;;
esac
pidfile="$dir/redis.pid"
url="redis://127.0.0.1:$port/0"

running() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case "$cmd" in
  start)
    mkdir -p "$dir"; chmod 700 "$dir"
    if ! running; then
      if redis-cli -p "$port" ping >/dev/null 2>&1; then
        echo "redis.sh: port $port is taken by another Redis; set SOHOA_${name^^}_REDIS_PORT or stop it" >&2
        exit 1
      fi
      command -v redis-server >/dev/null || { echo "redis.sh: redis-server not installed (apt-get install redis-server)" >&2; exit 1; }
      # AOF on: Redis holds work state; the blob store is the system of record.
      redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize yes \
        --pidfile "$pidfile" --logfile "$dir/redis.log" --appendonly yes \
        --save "" --protected-mode yes --databases 64 >/dev/null
      for _ in $(seq 1 50); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && break
        sleep 0.1
      done
      running && redis-cli -p "$port" ping >/dev/null || { echo "redis.sh: Redis did not start; see $dir/redis.log" >&2; tail -5 "$dir/redis.log" >&2; exit 1; }
      echo "redis.sh: started Redis $name on 127.0.0.1:$port" >&2
    fi
    echo "$url"
    ;;
  stop)
    if running; then
      redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$pidfile")"
      echo "redis.sh: stopped Redis $name" >&2
    fi
    rm -f "$pidfile"
    ;;
  url)
    running && echo "$url"
    ;;
  *)
    echo "usage: redis.sh start|stop|url [NAME]" >&2; exit 2 ;;
esac
