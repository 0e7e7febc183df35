#!/usr/bin/env bash
# Measures `capvirt audit` throughput: copies libvirt's LXC corpus and the audit table into N
# files (default 5000) in a temporary directory, audits them all in one run, prints files/s.
# Usage: dev/audit-bench.sh [N] [extra audit options, e.g. --json --host]
set -euo pipefail
top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
n=${1:-5000}
shift || true
work=$(mktemp -d "${TMPDIR:-/tmp}/capvirt-audit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
shared=${CAPVIRT_SHARED:-$(cd "$top/../.." && pwd)/shared}
[ -d "$shared/corpus/libvirt" ] || shared=/work/shared
mapfile -t src < <(ls "$shared"/corpus/libvirt/*.xml "$shared"/corpus/libvirt/lxcconf2xml/*.xml \
  "$top"/capvirt-core/src/test/resources/org/capvirt/audit/table/*.xml)
for ((i = 0; i < n; i++)); do
  cp "${src[i % ${#src[@]}]}" "$work/d$i.xml"
done
"$top/capvirt" --version >/dev/null # build and warm the class-data archive first
start=$(date +%s%N)
set +e
"$top/capvirt" audit "$@" "$work"/d*.xml >"$work/out.txt"
code=$?
set -e
end=$(date +%s%N)
ms=$(((end - start) / 1000000))
tail -n 1 "$work/out.txt"
echo "exit $code; $n files in ${ms} ms: $((n * 1000 / (ms > 0 ? ms : 1))) files/s (one JVM, cold start included)"
