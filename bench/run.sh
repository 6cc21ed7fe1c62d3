#!/usr/bin/env bash
# Times whole processes of the release binary beside the pandas + Jinja2 baseline
# (../shared/bench/peer_pandas.py) on the same real data, runs alternating, after one warm-up
# each, and reports min / median / max wall time and peak memory (max RSS, GNU time).
# Usage: bench/run.sh [runs]   (default 7). Needs ../shared; installs pandas, jinja2 and
# markdown from PyPI into target/bench-python when they are missing.
#   - one brief, real run file, 2023-06-06, md+html: warm cache, and cold (--no-cache)
#   - every trading day 2010-01-04..2025-04-29 written as md+html to tmpfs (/dev/shm)
# Set MARKETBRIEF_PROFILE=1 on one run of the binary to see the time by phase.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
cargo build --release --quiet
bin=target/release/marketbrief
real=examples/real/marketbrief.yaml
peer=../shared/bench/peer_pandas.py
data=../shared/data
py=target/bench-python
if ! PYTHONPATH=$py python3 -c 'import pandas, jinja2, markdown' 2>/dev/null; then
  pip install --quiet --target "$py" pandas jinja2 markdown
fi
export PYTHONPATH=$py
tmp=/dev/shm/marketbrief-bench
[ -d /dev/shm ] || tmp=$(mktemp -d)
out=$(mktemp -d)
trap 'rm -rf "$out" "$tmp"' EXIT

ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
peak() { /usr/bin/time -f '%M' -o "$out/rss" "$@" >/dev/null 2>&1; echo $(( $(cat "$out/rss") / 1024 )); }
stats() { sort -n | awk '{a[NR]=$1} END {printf "min=%sms median=%sms max=%sms", a[1], a[int((NR+1)/2)], a[NR]}'; }

# Runs the two commands (ours, then the script's) alternately; prints one line each.
pair() {
  local label=$1 ours=$2 theirs=$3
  eval "$ours" >/dev/null 2>&1; eval "$theirs" >/dev/null 2>&1   # warm-up
  : >"$out/a"; : >"$out/b"
  for _ in $(seq "$runs"); do
    rm -rf "$tmp"; mkdir -p "$tmp"; sync; ms bash -c "$ours" >>"$out/a"
    rm -rf "$tmp"; mkdir -p "$tmp"; sync; ms bash -c "$theirs" >>"$out/b"
  done
  rm -rf "$tmp"; mkdir -p "$tmp"
  local pa pb ma mb
  pa=$(peak bash -c "$ours"); rm -rf "$tmp"; mkdir -p "$tmp"; pb=$(peak bash -c "$theirs")
  ma=$(stats <"$out/a"); mb=$(stats <"$out/b")
  printf '%-34s marketbrief %s peak=%sMB | pandas %s peak=%sMB | %s\n' "$label" "$ma" "$pa" "$mb" "$pb" \
    "$(awk -v a="$(sort -n "$out/a" | sed -n "$(( (runs + 1) / 2 ))p")" -v b="$(sort -n "$out/b" | sed -n "$(( (runs + 1) / 2 ))p")" 'BEGIN {printf "%.1fx faster", b / a}')"
}

echo "$(date -u +%F) $(nproc) cores, runs=$runs, $(uname -m)"
brief="$bin generate --config $real --as-of 2023-06-06 --format md,html --out $tmp"
script_brief="python3 $peer $data brief 2023-06-06"
pair "one brief, warm cache" "$brief" "$script_brief"
pair "one brief, cold (--no-cache)" "$bin --no-cache generate --config $real --as-of 2023-06-06 --format md,html --out $tmp" "$script_brief"
pair "every day 2010-2025, md+html" \
  "$bin backtest --config $real --from 2010-01-04 --to 2025-04-29 --write-briefs $tmp/b --brief-format md,html" \
  "python3 $peer $data backtest 2010-01-04 2025-04-29 $tmp/p"
