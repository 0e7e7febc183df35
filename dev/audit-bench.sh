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
corpus=$("$top/dev/corpus")
mapfile -t src < <(ls "$corpus"/*.xml "$corpus"/lxcconf2xml/*.xml \
  "$top"/capvirt-core/src/test/resources/org/capvirt/audit/table/*.xml)
for ((i = 0; i < n; i++)); do
  cp "${src[i % ${#src[@]}]}" "$work/d$i.xml"
done
"$top/capvirt" --version >/dev/null # build and warm the class-data archive first
set +e
/usr/bin/time -f '%e %U %S' -o "$work/time.txt" "$top/capvirt" audit "$@" "$work"/d*.xml >"$work/out.txt"
code=$?
set -e
read -r wall user sys < <(tail -n 1 "$work/time.txt")
tail -n 1 "$work/out.txt"
# CPU seconds tell more than wall time on a loaded machine.
awk -v n="$n" -v w="$wall" -v u="$user" -v s="$sys" -v c="$code" -v l="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
  printf "exit %d; %d files: %.2f s wall = %.0f files/s; %.2f s CPU = %.0f files per CPU-second (load %s; one JVM, cold start included)\n",
    c, n, w, n / w, u + s, n / (u + s), l }'
