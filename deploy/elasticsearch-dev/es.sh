#!/usr/bin/env bash
# es.sh fetches a real Elasticsearch from Maven Central and runs it as a
# single-node development/test server bound to 127.0.0.1.
#
# Usage: es.sh start|stop|restart|url|status|logs [N]|with COMMAND [ARGS...]
#
#   start    fetch (first run only), lay out, start, wait for yellow health;
#            prints the URL as the LAST line of stdout, so callers can write
#            SOHOA_ELASTICSEARCH_URL=$(es.sh start | tail -1)
#   stop     stop the server by PID (TERM, wait, then KILL)
#   restart  stop, then start
#   url      print the URL of the running server (exit 1 if not running)
#   status   print pid, url, version, health and RSS (exit 1 if not running)
#   logs     print the last N (default 100) lines of the server log
#   with     run COMMAND with SOHOA_ELASTICSEARCH_URL set, starting the server
#            first if none is running and then stopping the one it started;
#            exits with COMMAND's status, e.g.
#            es.sh with go test ./internal/search/...
#
# Environment (all optional):
#   SOHOA_ES_VERSION        distribution version      (default 8.19.21)
#   SOHOA_ES_PORT           HTTP port                  (default: a free port)
#   SOHOA_ES_HEAP           JVM heap, -Xms and -Xmx    (default 512m)
#   SOHOA_ES_VAR            state directory            (default <repo>/var/es)
#   SOHOA_ES_USER           user the server runs as when es.sh runs as root
#                           (default sohoa-es; created if missing)
#   SOHOA_ES_JAVA_HOME      JDK to run it with (default: the first JDK from
#                           update-alternatives or /usr/lib/jvm that
#                           Elasticsearch accepts, the newest first)
#   SOHOA_ES_START_TIMEOUT  seconds to wait for health (default 180)
#   SOHOA_ES_FRESH=1        wipe the data directory before starting
#   SOHOA_ES_FULL_JIT=1     use the JVM's full tiered JIT (default: C1 only,
#                           which starts about twice as fast on this machine)
#   SOHOA_ES_JAVA_OPTS      extra JVM options
#   SOHOA_M2_REPO           Maven local repository (default ~/.m2/repository)
#   CI=true                 never install packages; fail on anything missing
#
# The distribution is org.elasticsearch.distribution.integ-test-zip, the
# build Elastic publishes for its own integration tests: a genuine
# bin/elasticsearch with the server, netty transport and x-pack security
# (disabled here), without the analysis-common module, so mappings may use
# only the standard analyzer. 9.x is not published under that coordinate on
# Maven Central (8.19.21 is the newest there), so 8.19.x is the default; it is
# also what github.com/elastic/go-elasticsearch/v8 v8.19 is built against.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT

readonly ES_VERSION="${SOHOA_ES_VERSION:-8.19.21}"
readonly ES_HEAP="${SOHOA_ES_HEAP:-512m}"
readonly VAR_DIR="${SOHOA_ES_VAR:-${REPO_ROOT}/var/es}"
readonly ES_USER="${SOHOA_ES_USER:-sohoa-es}"
readonly START_TIMEOUT="${SOHOA_ES_START_TIMEOUT:-180}"
readonly M2_REPO="${SOHOA_M2_REPO:-${HOME}/.m2/repository}"

readonly GROUP_ID="org.elasticsearch.distribution.integ-test-zip"
readonly ARTIFACT_ID="elasticsearch"
readonly ES_HOME="${VAR_DIR}/${ES_VERSION}"
readonly NODE_DIR="${VAR_DIR}/node"
readonly CONF_DIR="${NODE_DIR}/config"
readonly DATA_DIR="${NODE_DIR}/data-${ES_VERSION}"
readonly LOGS_DIR="${NODE_DIR}/logs"
readonly TMP_DIR="${NODE_DIR}/tmp"
readonly RUN_DIR="${NODE_DIR}/run"
readonly PID_FILE="${VAR_DIR}/es.pid"
readonly URL_FILE="${VAR_DIR}/url"
readonly LOCK_FILE="${VAR_DIR}/.lock"
readonly USERS_DIR="${VAR_DIR}/users"
readonly WITH_MARK="${VAR_DIR}/started-by-with"
readonly CLUSTER_NAME="sohoa-dev"

log() { printf 'es.sh: %s\n' "$*" >&2; }
die() { printf 'es.sh: error: %s\n' "$*" >&2; exit 1; }

is_root() { [[ "${EUID}" -eq 0 ]]; }
is_ci() { [[ "${CI:-}" == "true" ]]; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# apt_install installs Debian packages, or explains what is missing when it
# may not (not root, or CI=true where the Makefile must provide them).
apt_install() {
  if is_ci || ! is_root || ! command -v apt-get >/dev/null; then
    die "missing $* (install with: apt-get install -y $*)"
  fi
  log "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2 ||
    { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2; } ||
    die "apt-get install $* failed"
}

need_tools() {
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  command -v unzip >/dev/null || missing+=(unzip)
  command -v flock >/dev/null || missing+=(util-linux)
  command -v mvn >/dev/null || missing+=(maven)
  command -v java >/dev/null || missing+=(default-jdk-headless)
  if ((${#missing[@]} > 0)); then
    apt_install "${missing[@]}"
  fi
}

# java_ok reports whether the JDK at $1 exists and passes the distribution's
# own Java version check.
java_ok() {
  [[ -x "$1/bin/java" ]] &&
    "$1/bin/java" -cp "${ES_HOME}/lib/java-version-checker/*" \
      org.elasticsearch.tools.java_version_checker.JavaVersionChecker >/dev/null 2>&1
}

# java_major prints the feature version of the JDK at $1, from its release
# file when it has one (no JVM start), else by asking java.
java_major() {
  local v=""
  if [[ -r "$1/release" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")"
  fi
  if [[ -z "${v}" ]]; then
    v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
      awk -F'= ' '/java.specification.version/ { print $2; exit }')"
  fi
  printf '%s\n' "${v}"
}

# pick_java prints the JDK home to run Elasticsearch with: SOHOA_ES_JAVA_HOME,
# else the newest JDK from update-alternatives, /usr/lib/jvm and PATH that
# the distribution's own version check accepts. 8.19 bundles JDK 24 in its
# regular distributions, so the newest is closest to what Elastic tests it on
# (17 and 25 both start it in the same ~8 s here; see README.md).
pick_java() {
  if [[ -n "${SOHOA_ES_JAVA_HOME:-}" ]]; then
    java_ok "${SOHOA_ES_JAVA_HOME}" ||
      die "SOHOA_ES_JAVA_HOME=${SOHOA_ES_JAVA_HOME} is not a JDK Elasticsearch ${ES_VERSION} accepts"
    printf '%s\n' "${SOHOA_ES_JAVA_HOME}"
    return
  fi
  local bin home major
  local -A seen=()
  local ranked=()
  while IFS= read -r home; do
    [[ -x "${home}/bin/java" ]] || continue
    home="$(readlink -f "${home}")"
    [[ -z "${seen[${home}]:-}" ]] || continue
    seen[${home}]=1
    major="$(java_major "${home}")"
    [[ "${major}" =~ ^[0-9]+$ ]] && ranked+=("${major} ${home}")
  done < <(
    if command -v update-alternatives >/dev/null; then
      update-alternatives --list java 2>/dev/null | while IFS= read -r bin; do
        dirname "$(dirname "${bin}")"
      done
    fi
    for home in /usr/lib/jvm/*; do
      printf '%s\n' "${home}"
    done
    if command -v java >/dev/null; then
      dirname "$(dirname "$(readlink -f "$(command -v java)")")"
    fi
  )
  while read -r major home; do
    [[ -n "${home}" ]] || continue
    if java_ok "${home}"; then
      printf '%s\n' "${home}"
      return
    fi
    log "skipping ${home} (java ${major}): Elasticsearch ${ES_VERSION} does not accept it"
  done < <(printf '%s\n' "${ranked[@]}" | sort -rn)
  die "no JDK accepted by Elasticsearch ${ES_VERSION} (install default-jdk-headless)"
}

# fetch_distribution makes sure ${ES_HOME} holds the unpacked distribution,
# downloading the zip with Maven into the local repository the first time.
fetch_distribution() {
  if [[ -x "${ES_HOME}/bin/elasticsearch" ]]; then
    return
  fi
  local zip="${M2_REPO}/${GROUP_ID//.//}/${ARTIFACT_ID}/${ES_VERSION}/${ARTIFACT_ID}-${ES_VERSION}.zip"
  if [[ ! -s "${zip}" ]]; then
    local t0
    t0="$(now)"
    log "downloading ${GROUP_ID}:${ARTIFACT_ID}:${ES_VERSION}:zip from Maven Central"
    # Maven 3.8 prints colour resets even in batch mode; strip them.
    mvn -B -q -C -Dmaven.repo.local="${M2_REPO}" dependency:get \
      -Dartifact="${GROUP_ID}:${ARTIFACT_ID}:${ES_VERSION}:zip" -Dtransitive=false 2>&1 |
      sed 's/\x1b\[[0-9;]*m//g' >&2 ||
      die "maven could not fetch ${GROUP_ID}:${ARTIFACT_ID}:${ES_VERSION}:zip"
    [[ -s "${zip}" ]] || die "maven reported success but ${zip} is missing"
    log "downloaded $(du -h "${zip}" | cut -f1) in $(elapsed "${t0}")s"
  else
    log "using cached ${zip}"
  fi
  local t0 staging
  t0="$(now)"
  mkdir -p "${VAR_DIR}"
  staging="$(mktemp -d "${VAR_DIR}/.unpack.XXXXXX")"
  unzip -q "${zip}" -d "${staging}" || { rm -rf "${staging}"; die "unzip ${zip} failed"; }
  [[ -x "${staging}/elasticsearch-${ES_VERSION}/bin/elasticsearch" ]] ||
    { rm -rf "${staging}"; die "${zip} does not contain elasticsearch-${ES_VERSION}/bin/elasticsearch"; }
  chmod -R a+rX "${staging}"
  mv "${staging}/elasticsearch-${ES_VERSION}" "${ES_HOME}"
  rmdir "${staging}"
  log "unpacked into ${ES_HOME} in $(elapsed "${t0}")s"
}

# ensure_user creates the unprivileged user Elasticsearch runs as (it refuses
# to run as root), and makes the state directory reachable for it.
ensure_user() {
  is_root || return 0
  if ! id -u "${ES_USER}" >/dev/null 2>&1; then
    log "creating system user ${ES_USER}"
    useradd --system --user-group --no-create-home --home-dir "${NODE_DIR}" \
      --shell /usr/sbin/nologin "${ES_USER}" || die "useradd ${ES_USER} failed"
  fi
  # Every ancestor of the node directory must be traversable.
  local d="${NODE_DIR}"
  while [[ "${d}" != "/" ]]; do
    d="$(dirname "${d}")"
    [[ -x "${d}" ]] || die "${d} is not accessible"
    if ! runuser -u "${ES_USER}" -- test -x "${d}"; then
      log "granting o+x on ${d} so ${ES_USER} can reach ${NODE_DIR}"
      chmod o+x "${d}"
    fi
  done
}

as_es() {
  if is_root; then
    runuser -u "${ES_USER}" -- "$@"
  else
    "$@"
  fi
}

write_config() {
  local port="$1"
  mkdir -p "${CONF_DIR}" "${DATA_DIR}" "${LOGS_DIR}" "${TMP_DIR}" "${RUN_DIR}"
  if [[ "${SOHOA_ES_FRESH:-}" == "1" ]]; then
    log "SOHOA_ES_FRESH=1: wiping ${DATA_DIR}"
    find "${DATA_DIR}" -mindepth 1 -delete
  fi
  cp "${ES_HOME}/config/log4j2.properties" "${CONF_DIR}/log4j2.properties"
  # The shipped jvm.options writes gc.log and hs_err files relative to the
  # working directory; keep them in the logs directory.
  sed -e "s|file=gc.log|file=${LOGS_DIR}/gc.log|" \
    -e "s|ErrorFile=hs_err_pid|ErrorFile=${LOGS_DIR}/hs_err_pid|" \
    "${ES_HOME}/config/jvm.options" >"${CONF_DIR}/jvm.options"
  cat >"${CONF_DIR}/elasticsearch.yml" <<EOF
# Written by deploy/elasticsearch-dev/es.sh on every start; edits are lost.
cluster.name: ${CLUSTER_NAME}
node.name: ${CLUSTER_NAME}-1
discovery.type: single-node
network.host: 127.0.0.1
http.port: ${port}
transport.port: 0
# Writes logs/http.ports with the bound address (needed when http.port is 0).
node.portsfile: true
path.data: ${DATA_DIR}
path.logs: ${LOGS_DIR}
# A development/test instance: no TLS, no users.
xpack.security.enabled: false
# Keep accepting writes on a nearly full disk.
cluster.routing.allocation.disk.threshold_enabled: false
# Let tests delete indices by wildcard.
action.destructive_requires_name: false
EOF
  if is_root; then
    chown -R "${ES_USER}:" "${NODE_DIR}"
  fi
}

# pid_alive reports whether the PID file names a live Elasticsearch of this
# state directory (not a recycled PID).
pid_alive() {
  local pid
  [[ -s "${PID_FILE}" ]] || return 1
  pid="$(<"${PID_FILE}")"
  [[ "${pid}" =~ ^[0-9]+$ ]] && kill -0 "${pid}" 2>/dev/null &&
    tr '\0' '\n' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qxF -- "-Des.path.home=${ES_HOME}"
}

healthy() {
  curl -fsS --max-time 5 "$1/_cluster/health?wait_for_status=yellow&timeout=2s" >/dev/null 2>&1
}

# server_version prints the node's version. The integ-test distribution lacks
# the rest-root module, so GET / (client.Info) answers 405; ask _cat instead.
server_version() {
  curl -fsS --max-time 5 "$1/_cat/nodes?h=version" | head -1 | tr -d '[:space:]'
}

log_file() { printf '%s\n' "${LOGS_DIR}/${CLUSTER_NAME}.log"; }

log_tail() {
  local n="${1:-40}" f
  f="$(log_file)"
  if [[ -r "${f}" ]]; then
    tail -n "${n}" "${f}"
  else
    printf '(no log at %s)\n' "${f}"
  fi
}

# log_summary prints the last 20 entries of the server log without their
# stack traces.
log_summary() {
  local f
  f="$(log_file)"
  if [[ -r "${f}" ]]; then
    grep -E '^\[[0-9]' "${f}" | tail -n 20 | cut -c1-400 || true
  fi
}

rss_kib() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true
}

# lock takes the state directory's lock on fd 9 (held until exit or unlock).
lock() {
  mkdir -p "${VAR_DIR}"
  exec 9>"${LOCK_FILE}"
  flock 9
}

unlock() { flock -u 9; }

running() {
  pid_alive && [[ -s "${URL_FILE}" ]] && healthy "$(<"${URL_FILE}")"
}

cmd_start() {
  lock
  if running; then
    # Whoever starts by hand owns the server: "with" callers leave it running.
    rm -f "${WITH_MARK}"
    log "already running (pid $(<"${PID_FILE}"))"
    cat "${URL_FILE}"
    return
  fi
  start_locked
}

# start_locked starts the server; the caller holds the lock and has checked
# that it is not running.
start_locked() {
  if pid_alive; then
    log "pid $(<"${PID_FILE}") is alive but unhealthy; stopping it first"
    stop_locked
  fi
  rm -f "${PID_FILE}" "${URL_FILE}"

  need_tools
  fetch_distribution
  local java_home port url t0 pid
  java_home="$(pick_java)"
  ensure_user
  # Port 0 lets the kernel pick a free port (no probe-then-bind race); the
  # node reports it in logs/http.ports (node.portsfile).
  port="${SOHOA_ES_PORT:-0}"
  [[ "${port}" =~ ^[0-9]+$ ]] || die "SOHOA_ES_PORT=${port} is not a port number"
  write_config "${port}"

  # A short-lived test server on a small, shared machine spends much of its
  # start in the C2 JIT compiler; C1 only halves the start time under load
  # (README.md). SOHOA_ES_FULL_JIT=1 restores the normal tiered JIT.
  local jit_opts="-XX:TieredStopAtLevel=1"
  if [[ "${SOHOA_ES_FULL_JIT:-}" == "1" ]]; then
    jit_opts=""
  fi

  log "starting Elasticsearch ${ES_VERSION} (java $(java_major "${java_home}") at ${java_home}, heap ${ES_HEAP}, JIT ${jit_opts:-full})"
  t0="$(now)"
  rm -f "${RUN_DIR}/es.pid" "${LOGS_DIR}/http.ports"
  # -d: the launcher starts the server JVM, waits until the node has started
  # (or failed), then exits; -p: the server writes its own PID.
  if ! (cd "${NODE_DIR}" && as_es env -u JAVA_HOME -u JAVA_TOOL_OPTIONS -u _JAVA_OPTIONS \
    ES_JAVA_HOME="${java_home}" ES_PATH_CONF="${CONF_DIR}" ES_TMPDIR="${TMP_DIR}" \
    ES_JAVA_OPTS="-Xms${ES_HEAP} -Xmx${ES_HEAP} ${jit_opts} ${SOHOA_ES_JAVA_OPTS:-}" \
    "${ES_HOME}/bin/elasticsearch" -d -p "${RUN_DIR}/es.pid" \
    >"${RUN_DIR}/launcher.out" 2>&1 </dev/null); then
    log "Elasticsearch failed to start; launcher output (no stack frames):"
    grep -vE '^[[:space:]]+at ' "${RUN_DIR}/launcher.out" | tail -n 40 >&2 || true
    log "last server log entries (no stack traces):"
    log_summary >&2
    die "start failed (full log: $(log_file))"
  fi
  [[ -s "${RUN_DIR}/es.pid" ]] || die "launcher exited but wrote no pid file; log: $(log_file)"
  pid="$(<"${RUN_DIR}/es.pid")"
  printf '%s\n' "${pid}" >"${PID_FILE}"
  local ports_deadline=$((SECONDS + 30))
  until [[ -s "${LOGS_DIR}/http.ports" ]]; do
    if ! kill -0 "${pid}" 2>/dev/null || ((SECONDS >= ports_deadline)); then
      log_tail 60 >&2
      die "no ${LOGS_DIR}/http.ports from pid ${pid}"
    fi
    sleep 0.1
  done
  url="http://$(head -1 "${LOGS_DIR}/http.ports")"
  printf '%s\n' "${url}" >"${URL_FILE}"

  local deadline=$((SECONDS + START_TIMEOUT))
  until healthy "${url}"; do
    if ! kill -0 "${pid}" 2>/dev/null; then
      log "Elasticsearch (pid ${pid}) exited during start; last log lines:"
      log_tail 60 >&2
      rm -f "${PID_FILE}" "${URL_FILE}"
      die "start failed (full log: $(log_file))"
    fi
    if ((SECONDS >= deadline)); then
      log "no yellow health from ${url} within ${START_TIMEOUT}s; last log lines:"
      log_tail 60 >&2
      die "start timed out (server left running as pid ${pid}; es.sh stop to end it)"
    fi
    sleep 0.5
  done
  log "Elasticsearch $(server_version "${url}") up at ${url} (pid ${pid}) in $(elapsed "${t0}")s, RSS $(($(rss_kib "${pid}") / 1024)) MiB"
  printf '%s\n' "${url}"
}

# stop_locked stops the server; the caller holds the lock.
stop_locked() {
  if ! pid_alive; then
    rm -f "${PID_FILE}" "${URL_FILE}" "${WITH_MARK}"
    log "not running"
    return
  fi
  local pid
  pid="$(<"${PID_FILE}")"
  kill -TERM "${pid}" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "${pid}" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if kill -0 "${pid}" 2>/dev/null; then
    log "pid ${pid} ignored TERM for 30s; sending KILL"
    kill -KILL "${pid}" 2>/dev/null || true
    while kill -0 "${pid}" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "${PID_FILE}" "${URL_FILE}" "${WITH_MARK}"
  log "stopped pid ${pid}"
}

cmd_stop() {
  lock
  stop_locked
}

# cmd_with runs a command with SOHOA_ELASTICSEARCH_URL set to a running
# server, starting one if none runs, and exits with the command's status.
# Concurrent "with" callers share one server: each registers its PID under
# users/, and the last to finish stops the server if a "with" started it (a
# server started with "es.sh start" is left running).
cmd_with() {
  (($# > 0)) || die "usage: es.sh with COMMAND [ARGS...]"
  local url rc=0
  lock
  if running; then
    url="$(<"${URL_FILE}")"
    log "using running server ${url}"
  else
    url="$(start_locked | tail -1)"
    [[ "${url}" == http://* ]] || die "start failed"
    : >"${WITH_MARK}"
  fi
  mkdir -p "${USERS_DIR}"
  : >"${USERS_DIR}/$$"
  trap with_done EXIT
  unlock
  # The command runs in the background so that a TERM or INT to es.sh is
  # handled at once (bash defers traps while a foreground child runs): the
  # command gets TERM and the server is stopped on the way out.
  SOHOA_ELASTICSEARCH_URL="${url}" "$@" &
  WITH_CHILD=$!
  trap 'kill -TERM "${WITH_CHILD}" 2>/dev/null; exit 130' INT
  trap 'kill -TERM "${WITH_CHILD}" 2>/dev/null; exit 143' TERM
  wait "${WITH_CHILD}" || rc=$?
  exit "${rc}"
}

# with_done unregisters this "with" caller and stops the server if it was the
# last one and a "with" started the server.
with_done() {
  lock
  rm -f "${USERS_DIR}/$$"
  local f others=0
  for f in "${USERS_DIR}"/*; do
    [[ -e "${f}" ]] || continue
    if kill -0 "$(basename "${f}")" 2>/dev/null; then
      others=$((others + 1))
    else
      rm -f "${f}"
    fi
  done
  if ((others > 0)); then
    log "leaving the server running for ${others} other caller(s)"
  elif [[ -e "${WITH_MARK}" ]]; then
    stop_locked
  fi
}

cmd_url() {
  if ! pid_alive || [[ ! -s "${URL_FILE}" ]]; then
    die "not running"
  fi
  cat "${URL_FILE}"
}

cmd_status() {
  if ! pid_alive || [[ ! -s "${URL_FILE}" ]]; then
    echo "stopped"
    return 1
  fi
  local pid url health
  pid="$(<"${PID_FILE}")"
  url="$(<"${URL_FILE}")"
  health="$(curl -fsS --max-time 5 "${url}/_cluster/health" 2>/dev/null |
    sed -n 's/.*"status" *: *"\([^"]*\)".*/\1/p')"
  printf 'pid:     %s\nurl:     %s\nversion: %s\nhealth:  %s\nrss:     %s MiB\nlog:     %s\n' \
    "${pid}" "${url}" "$(server_version "${url}" 2>/dev/null || true)" "${health:-unreachable}" \
    "$(($(rss_kib "${pid}") / 1024))" "$(log_file)"
  [[ -n "${health}" ]]
}

main() {
  case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop && cmd_start ;;
    with)
      shift
      cmd_with "$@"
      ;;
    url) cmd_url ;;
    status) cmd_status ;;
    logs) log_tail "${2:-100}" ;;
    *)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

main "$@"
