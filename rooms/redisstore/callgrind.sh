#!/usr/bin/env bash
# Counts the instructions Redis runs per operation of one of this
# package's benchmarks, under valgrind's callgrind: a count, not a time, so
# it is the same run after run whatever else the machine is doing, and
# tells a change to a script apart from the machine's noise (see
# docs/benchmarks-history.md, "What a vote costs Redis").
#
#   rooms/redisstore/callgrind.sh [BenchmarkApplyVote] [N]
#
# It runs the benchmark twice, for N/5 and for N operations, each against a
# fresh redis-server under callgrind (HUDDLE_BENCH_REDIS_URL), and prints
# the difference over the difference in operations: the setup both runs
# share cancels out. TOP=40 also prints the larger run's functions by
# their inclusive count. Needs valgrind and redis-server (Debian's
# packages valgrind and redis-server).
set -euo pipefail
BENCH=${1:-BenchmarkApplyVote}
N=${2:-2500}
small=$((N / 5))
cd "$(dirname "$0")"
for cmd in valgrind callgrind_annotate redis-server redis-cli; do
  command -v "$cmd" >/dev/null || { echo "callgrind.sh: $cmd is not installed" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/redisstore.test" .

# run N TAG: the benchmark for N operations; prints Redis's instructions.
run() {
  local sock=$tmp/$2.sock
  valgrind --tool=callgrind --callgrind-out-file="$tmp/$2.out" \
    redis-server --port 0 --unixsocket "$sock" --save "" --appendonly no --logfile "$tmp/$2.log" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 200); do
    redis-cli -s "$sock" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  HUDDLE_BENCH_REDIS_URL="unix://$sock" "$tmp/redisstore.test" -test.run '^$' \
    -test.bench "^$BENCH\$" -test.benchtime "${1}x" >"$tmp/$2.bench" 2>&1 || { cat "$tmp/$2.bench" >&2; exit 1; }
  redis-cli -s "$sock" shutdown nosave >/dev/null 2>&1 || true
  wait "$pid" || true
  callgrind_annotate "$tmp/$2.out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}

a=$(run "$small" small)
b=$(run "$N" big)
echo "$BENCH: $(((b - a) / (N - small))) instructions in Redis per op ($small and $N ops: $a and $b)"
if [[ -n ${TOP:-} ]]; then
  callgrind_annotate --inclusive=yes "$tmp/big.out" 2>/dev/null | sed -n '/^Ir/,$p' | head -n "$((TOP + 3))"
fi
