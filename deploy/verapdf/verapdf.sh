#!/usr/bin/env bash
# verapdf.sh validates PDF files against PDF/A with veraPDF, the reference
# open-source PDF/A validator, fetched from Maven Central on first use.
#
# Usage: verapdf.sh [--flavour F] [--format text|xml|json|mrr] FILE...
#        verapdf.sh classpath     print the resolved Java class path
#        verapdf.sh version       print the veraPDF version
#
# Exit status: 0 when every FILE is compliant, 1 when one is not (or is
# not a PDF veraPDF can parse), 2 on a usage or set-up error (no Java, no
# Maven, fetch failed, validator crashed).
#
# The CLI is org.verapdf.apps:greenfield-apps (the "greenfield" PDF parser
# and validation model, the one the veraPDF installer ships) with its
# transitive dependencies, resolved by Maven into the local repository and
# run with java -cp ... org.verapdf.apps.GreenfieldCliWrapper. The class
# path is cached under the state directory, keyed by version.
#
# Environment (all optional):
#   SOHOA_VERAPDF_VERSION  greenfield-apps version   (default 1.28.2)
#   SOHOA_VERAPDF_VAR      state directory           (default <repo>/var/verapdf)
#   SOHOA_M2_REPO          Maven local repository    (default ~/.m2/repository)
#   SOHOA_VERAPDF_JAVA     java binary               (default: java on PATH)
#   CI=true                never install packages; fail on anything missing
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT

readonly VERSION="${SOHOA_VERAPDF_VERSION:-1.28.2}"
readonly VAR_DIR="${SOHOA_VERAPDF_VAR:-${REPO_ROOT}/var/verapdf}"
readonly M2_REPO="${SOHOA_M2_REPO:-${HOME}/.m2/repository}"
readonly CP_FILE="${VAR_DIR}/classpath-${VERSION}.txt"
JAVA="${SOHOA_VERAPDF_JAVA:-java}"

log() { printf 'verapdf.sh: %s\n' "$*" >&2; }
die() { printf 'verapdf.sh: error: %s\n' "$*" >&2; exit 2; }
is_ci() { [[ "${CI:-}" == "true" ]]; }

need() {
	local cmd="$1" pkg="$2"
	command -v "${cmd}" >/dev/null 2>&1 && return 0
	if is_ci || [[ "${EUID}" -ne 0 ]]; then
		die "${cmd} not found: install the Debian package ${pkg}"
	fi
	log "installing ${pkg}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkg}" >&2 ||
		die "apt-get install ${pkg} failed"
}

# fetch resolves greenfield-apps and its dependencies with Maven and writes
# the class path to CP_FILE (atomically, so a failed fetch leaves none).
fetch() {
	[[ -s "${CP_FILE}" ]] && return 0
	need "${JAVA}" default-jre-headless
	need mvn maven
	mkdir -p "${VAR_DIR}"
	local work
	work="$(mktemp -d "${VAR_DIR}/.fetch-XXXXXX")"
	# shellcheck disable=SC2064
	trap "rm -rf '${work}'" EXIT
	cat >"${work}/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.sohoa</groupId>
  <artifactId>verapdf-runner</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.verapdf.apps</groupId>
      <artifactId>greenfield-apps</artifactId>
      <version>${VERSION}</version>
    </dependency>
  </dependencies>
</project>
POM
	log "resolving org.verapdf.apps:greenfield-apps:${VERSION} into ${M2_REPO}"
	if ! mvn -B -q -f "${work}/pom.xml" -Dmaven.repo.local="${M2_REPO}" \
		dependency:build-classpath -Dmdep.outputFile="${work}/cp.txt" >&2; then
		die "maven could not resolve greenfield-apps ${VERSION}"
	fi
	local jar="${M2_REPO}/org/verapdf/apps/greenfield-apps/${VERSION}/greenfield-apps-${VERSION}.jar"
	[[ -f "${jar}" ]] || die "missing ${jar} after resolution"
	printf '%s:%s' "${jar}" "$(cat "${work}/cp.txt")" >"${work}/full.txt"
	mv "${work}/full.txt" "${CP_FILE}"
}

run() {
	fetch
	"${JAVA}" -Xss4m -Dfile.encoding=UTF-8 -cp "$(cat "${CP_FILE}")" \
		org.verapdf.apps.GreenfieldCliWrapper "$@"
}

main() {
	[[ $# -ge 1 ]] || die "usage: verapdf.sh [--flavour F] [--format F] FILE... | classpath | version"
	case "$1" in
	classpath) fetch; cat "${CP_FILE}"; echo ;;
	version) run --version ;;
	*)
		local flavour=2b format=text args=()
		while [[ $# -gt 0 ]]; do
			case "$1" in
			--flavour) flavour="$2"; shift 2 ;;
			--format) format="$2"; shift 2 ;;
			*) args+=("$1"); shift ;;
			esac
		done
		[[ ${#args[@]} -gt 0 ]] || die "no FILE given"
		local f
		for f in "${args[@]}"; do [[ -f "${f}" ]] || die "no such file: ${f}"; done
		# veraPDF exits 0 when all comply, 1 when one does not, more on
		# errors; but a file it cannot parse at all still exits 0 with
		# no verdict, so compliance is decided per file from the report.
		local out rc=0
		out="$(run --flavour "${flavour}" --format "${format}" "${args[@]}")" || rc=$?
		printf '%s\n' "${out}"
		[[ ${rc} -le 1 ]] || die "veraPDF failed to run (exit ${rc})"
		local ok=0
		case "${format}" in
		text)
			for f in "${args[@]}"; do
				grep -qF "PASS ${f} " <<<"${out}" || grep -qF "PASS $(realpath "${f}") " <<<"${out}" || {
					log "not compliant (or not parsed): ${f}"
					ok=1
				}
			done
			;;
		xml)
			[[ "$(grep -o 'isCompliant="true"' <<<"${out}" | wc -l)" -eq ${#args[@]} ]] || ok=1
			;;
		*) ok=${rc} ;;
		esac
		return ${ok}
		;;
	esac
}

main "$@"
