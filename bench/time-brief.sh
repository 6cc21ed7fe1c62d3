#!/usr/bin/env bash
# Times whole `marketbrief generate` processes of the release binary: the real run file (from
# ../shared/data) and the demo. Usage: bench/time-brief.sh [runs]   (default 10)
# Prints min / median / max wall time per brief in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
cargo build --release --quiet
bin=target/release/marketbrief
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

time_it() {
  local label=$1; shift
  "$bin" "$@" >/dev/null 2>&1   # warm the file cache once
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    "$bin" "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  printf '%-34s runs=%s  min=%sms  median=%sms  max=%sms\n' "$label" "$runs" \
    "$(echo "$sorted" | head -1)" "$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")" "$(echo "$sorted" | tail -1)"
}

if [ -d ../shared/data ]; then
  time_it "real config, 2024-07-16, md+html+json" generate --config examples/real/marketbrief.yaml \
    --as-of 2024-07-16 --format md,html,json --out "$out"
fi
time_it "demo config, latest, md+html+json" generate --config examples/demo/marketbrief.yaml \
  --format md,html,json --out "$out"
