#!/usr/bin/env bash
# Times whole processes of the release binary, after one warm-up run each, and reports the
# peak memory (max RSS) of each kind of run. Usage: bench/run.sh [runs]   (default 10)
#   - one brief, real run file (../shared/data), md+html+json
#   - one brief, demo run file
#   - the backtest of every trading day of the real data, counts only
#   - the same backtest writing every day's brief (md+html+json) to a fresh folder on disk,
#     and (where /dev/shm exists) in memory, which separates our time from the file system's
# Prints min / median / max wall time in milliseconds and max RSS in MB.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
cargo build --release --quiet
bin=target/release/marketbrief
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Peak RSS in MB of one run, from GNU time if it is installed.
peak_mb() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$out/rss" "$@" >/dev/null 2>&1
    echo $(( $(cat "$out/rss") / 1024 ))
  else
    echo "?"
  fi
}

time_it() {
  local label=$1; shift
  rm -rf "$out/briefs" /dev/shm/marketbrief-bench
  "$@" >/dev/null 2>&1   # warm the file cache once
  local times=()
  for _ in $(seq "$runs"); do
    rm -rf "$out/briefs" /dev/shm/marketbrief-bench
    sync   # earlier runs' files are on disk before this one starts
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  rm -rf "$out/briefs" /dev/shm/marketbrief-bench
  local sorted peak
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  peak=$(peak_mb "$@")
  rm -rf "$out/briefs" /dev/shm/marketbrief-bench
  printf '%-44s runs=%s  min=%sms  median=%sms  max=%sms  peak=%sMB\n' "$label" "$runs" \
    "$(echo "$sorted" | head -1)" "$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")" \
    "$(echo "$sorted" | tail -1)" "$peak"
}

real=examples/real/marketbrief.yaml
if [ -d ../shared/data ]; then
  time_it "brief, real config, 2024-07-16, md+html+json" \
    "$bin" generate --config "$real" --as-of 2024-07-16 --format md,html,json --out "$out"
fi
time_it "brief, demo config, latest, md+html+json" \
  "$bin" generate --config examples/demo/marketbrief.yaml --format md,html,json --out "$out"
if [ -d ../shared/data ]; then
  time_it "backtest, real config, every day, counts" "$bin" backtest --config "$real"
  time_it "backtest, real config, every brief to disk" \
    "$bin" backtest --config "$real" --write-briefs "$out/briefs"
  if [ -d /dev/shm ]; then
    time_it "backtest, real config, every brief to tmpfs" \
      "$bin" backtest --config "$real" --write-briefs /dev/shm/marketbrief-bench
  fi
fi
