#!/usr/bin/env bash
# Start/stop latency: `capvirt start`, `capvirt create` and `capvirt destroy` (each a new CLI
# process, cold JVM with the class-data archive) next to raw `runc run -d` / `runc delete -f` of
# the same bundle capvirt wrote. Prints the median of N runs (default 7) in milliseconds.
# Run as root from the repository: bench/start-stop.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-7}
root=$(mktemp -d /tmp/capvirt-bench.XXXXXX)
chmod 711 "$root"
name=bench-$$
raw=rawbench-$$
cleanup() {
  ./capvirt destroy --root "$root" "$name" >/dev/null 2>&1 || true
  ./capvirt undefine --root "$root" "$name" >/dev/null 2>&1 || true
  runc --root "$root/runc" delete -f "$raw" >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT

cat > "$root/bench.xml" <<XML
<domain type='lxc'>
  <name>$name</name>
  <memory unit='KiB'>65536</memory>
  <os><type>exe</type><init>/bin/sleep</init><initarg>3600</initarg></os>
  <features><capabilities policy='default'/></features>
  <devices><console type='pty'/></devices>
</domain>
XML

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

./capvirt --version >/dev/null  # build and warm the class-data archive
./capvirt define --root "$root" "$root/bench.xml" >/dev/null
versions=()
for i in $(seq "$n"); do
  t=$(date +%s%N); ./capvirt --version >/dev/null; versions+=("$(ms "$t")")
done
starts=() destroys=() creates=() destroys2=() rawruns=() rawdels=()
for i in $(seq "$n"); do
  t=$(date +%s%N); ./capvirt start --root "$root" "$name" >/dev/null; starts+=("$(ms "$t")")
  t=$(date +%s%N); ./capvirt destroy --root "$root" "$name" >/dev/null; destroys+=("$(ms "$t")")
done
./capvirt undefine --root "$root" "$name" >/dev/null
for i in $(seq "$n"); do
  t=$(date +%s%N); ./capvirt create --root "$root" "$root/bench.xml" >/dev/null; creates+=("$(ms "$t")")
  if [ "$i" = 1 ]; then
    mkdir -p "$root/raw/rootfs"
    sed "s#$root/run/lxc/$name/bundle/rootfs#$root/raw/rootfs#; s#/$name.capvirt#/$raw.capvirt#" \
      "$root/run/lxc/$name/bundle/config.json" > "$root/raw/config.json"
  fi
  t=$(date +%s%N); ./capvirt destroy --root "$root" "$name" >/dev/null; destroys2+=("$(ms "$t")")
done
for i in $(seq "$n"); do
  t=$(date +%s%N); runc --root "$root/runc" run -d --bundle "$root/raw" "$raw" </dev/null >/dev/null 2>&1
  rawruns+=("$(ms "$t")")
  t=$(date +%s%N); runc --root "$root/runc" delete -f "$raw"; rawdels+=("$(ms "$t")")
done
printf '%-34s %s ms\n' \
  "capvirt --version (JVM baseline)" "$(printf '%s\n' "${versions[@]}" | median)" \
  "capvirt start (median of $n)" "$(printf '%s\n' "${starts[@]}" | median)" \
  "capvirt destroy after start" "$(printf '%s\n' "${destroys[@]}" | median)" \
  "capvirt create (transient)" "$(printf '%s\n' "${creates[@]}" | median)" \
  "capvirt destroy after create" "$(printf '%s\n' "${destroys2[@]}" | median)" \
  "runc run -d (same bundle)" "$(printf '%s\n' "${rawruns[@]}" | median)" \
  "runc delete -f" "$(printf '%s\n' "${rawdels[@]}" | median)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
