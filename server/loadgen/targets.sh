#!/usr/bin/env bash
# Runs every performance target of docs/benchmarks.md against fresh nodes
# on this machine and writes each report to $OUT (default
# test-artifacts/bench), as text and JSON, then summary.md: every target,
# its figure and whether it is met. Usage: server/loadgen/targets.sh [embedded|redis|all] [scenario ...]
# Needs bin/huddle (make build) and, for "redis", redis-server. PROFILE=1
# also keeps a CPU profile of each node over the measured part of the vote,
# rooms, broadcast and cards runs, in $OUT/MODE-NAME.prof/node-N.pprof
# (go tool pprof -top bin/huddle FILE).
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=${1:-all}
shift || true
ONLY=" ${*:-} "
OUT=${OUT:-test-artifacts/bench}
BIN=${BIN:-bin/huddle}
mkdir -p "$OUT"
ulimit -n 20000 || true

# Loopback's input queue: every message to a phone and every
# acknowledgement back passes through the receiving CPU's input queue,
# net.core.netdev_max_backlog packets long (1000 by default). A fan-out to
# thousands of phones fills it faster than the kernel empties it, the
# packets past its end are dropped, and TCP sends each again only after
# its loss probe, 200 ms or more later: late deliveries in the tail of
# every figure that phones on devices of their own would not have (each
# report's "network" line counts them). BACKLOG (default 20000) raises it
# for the runs where this may (root), and puts it back after; BACKLOG=
# keeps the machine's. docs/benchmarks-history.md, "Packets the machine
# dropped".
BACKLOG=${BACKLOG-20000}
backlog_file=/proc/sys/net/core/netdev_max_backlog
if [[ -n $BACKLOG && -r $backlog_file ]]; then
  was_backlog=$(cat "$backlog_file")
  if ((was_backlog < BACKLOG)); then
    if echo "$BACKLOG" 2>/dev/null >"$backlog_file"; then
      trap 'echo "$was_backlog" >"$backlog_file"' EXIT
      echo "net.core.netdev_max_backlog $was_backlog -> $BACKLOG for these runs (BACKLOG= keeps it)"
    else
      echo "net.core.netdev_max_backlog is $was_backlog and cannot be raised here: expect dropped packets in the reports' network lines"
    fi
  fi
fi

BIG=(HUDDLE_LOG_LEVEL=warn HUDDLE_CONNECT_RATE=5000 HUDDLE_CONNECT_BURST=5000 HUDDLE_HTTP_RATE=5000
  HUDDLE_HTTP_BURST=5000 HUDDLE_MAX_ROOMS=5000 HUDDLE_MAX_CONNECTIONS=20000)
# NODE_ENV="GOGC=200 ..." gives the nodes (not the tool) more variables,
# to compare a setting in alternating runs.
read -r -a extra <<<"${NODE_ENV:-}"
BIG+=(${extra[@]+"${extra[@]}"}) # (bash before 4.4 calls an empty array unbound under set -u)

# The targets: name, then huddle load flags.
TARGETS=(
  "idle-10000|-scenario idle -participants 10000 -join-rate 1000 -hold 30s"
  "broadcast-10000|-scenario broadcast -participants 10000 -join-rate 1000 -events 20 -interval 500ms"
  # The same, the phones reading each broadcast only 200 ms after it is
  # sent: real phones read on their own processors, these on the node's.
  "broadcast-10000-held|-scenario broadcast -participants 10000 -join-rate 1000 -events 20 -interval 500ms -hold-reads 200ms"
  "vote-10000|-scenario vote -participants 10000 -join-rate 1000 -burst 5s"
  "cards-1000-1s|-scenario cards -participants 1000 -join-rate 1000 -rate 1 -duration 30s"
  "cards-1000-10s|-scenario cards -participants 1000 -join-rate 1000 -rate 10 -duration 30s"
  "join-1000|-scenario join -participants 1000 -join-rate 500"
  "rooms-1000x10|-scenario rooms -rooms 1000 -participants 10 -join-rate 2000 -burst 2s"
  "reconnect-10000|-scenario reconnect -participants 10000 -join-rate 1000 -interval 100ms -window 2s"
  # The big-room scenarios at 2,000, where Redis with two nodes compares
  # with the embedded store (see docs/benchmarks.md on joins with Redis).
  "broadcast-2000|-scenario broadcast -participants 2000 -join-rate 500 -events 20 -interval 500ms"
  "vote-2000|-scenario vote -participants 2000 -join-rate 500 -burst 1s"
  "reconnect-2000|-scenario reconnect -participants 2000 -join-rate 500 -interval 100ms -window 2s"
)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() {
  for _ in $(seq 100); do
    curl -fsS "$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "node $1 did not start" >&2
  return 1
}

run() { # mode name flags...
  local mode=$1 name=$2
  shift 2
  [[ "$ONLY" == "  " || "$ONLY" == *" $name "* ]] || return 0
  local pids=() urls=() redis_pid="" profs=()
  local prof=()
  pprof_env() { # the next node's profiler, when PROFILE is set
    prof=()
    if [[ -n ${PROFILE:-} ]]; then
      local pp
      pp=$(free_port)
      prof=(HUDDLE_PPROF_ADDR=127.0.0.1:$pp)
      profs+=("127.0.0.1:$pp")
    fi
  }
  if [[ $mode == redis ]]; then
    local rport rdir
    rport=$(free_port)
    rdir=$(mktemp -d)
    redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$rdir" --daemonize no >"$rdir/log" 2>&1 &
    redis_pid=$!
    sleep 0.3
    for _ in 1 2; do
      local p
      p=$(free_port)
      pprof_env
      env "${BIG[@]}" ${prof[@]+"${prof[@]}"} HUDDLE_ADDR=127.0.0.1:$p HUDDLE_REDIS_URL=redis://127.0.0.1:$rport/0 "$BIN" serve >"$OUT/$mode-$name.node$p.log" 2>&1 &
      pids+=($!)
      urls+=("http://127.0.0.1:$p")
    done
  else
    local p
    p=$(free_port)
    pprof_env
    env "${BIG[@]}" ${prof[@]+"${prof[@]}"} HUDDLE_ADDR=127.0.0.1:$p "$BIN" serve >"$OUT/$mode-$name.node.log" 2>&1 &
    pids+=($!)
    urls+=("http://127.0.0.1:$p")
  fi
  for u in "${urls[@]}"; do wait_ready "$u"; done
  local joined
  joined=$(IFS=,; echo "${urls[*]}")
  echo "== $mode $name: huddle load -url $joined $*" | tee "$OUT/$mode-$name.txt"
  # The first node's RSS and CPU, and the CPU of the other node and Redis.
  local also
  also=$(IFS=,; echo "${pids[*]:1}${redis_pid:+,$redis_pid}")
  also=${also#,}
  local profile=()
  if [[ ${#profs[@]} -gt 0 ]]; then
    mkdir -p "$OUT/$mode-$name.prof"
    profile=(-profile "$(IFS=,; echo "${profs[*]}")" -profile-dir "$OUT/$mode-$name.prof")
  fi
  "$BIN" load -url "$joined" -pid "${pids[0]}" ${also:+-also "$also"} -timeout 5m -report "$OUT/$mode-$name.json" ${profile[@]+"${profile[@]}"} "$@" 2>&1 | tee -a "$OUT/$mode-$name.txt" || true
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  if [[ -n $redis_pid ]]; then
    # Where Redis spent its time over the run (joins included): calls and
    # microseconds per command, the scripts' redis.call()s counted apart.
    redis-cli -p "$rport" INFO commandstats >"$OUT/$mode-$name.redis.txt" 2>&1 || true
  fi
  if [[ -n $redis_pid ]]; then kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; fi
  sleep 2
}

# The machine's floor first (docs/benchmarks.md, "The machine"):
# one frame written to 9,900 loopback sockets with no server at all, read
# on the same cores and unread. Machines of one kind differ by 2×; the
# summary opens with it and sets each broadcast against it.
if [[ "$ONLY" == "  " || "$ONLY" == *" broadcast-10000 "* || "$ONLY" == *" broadcast-10000-held "* ]] && command -v "${GO:-go}" >/dev/null; then
  echo "== floor: go test -run '^\$' -bench BenchmarkWriteFloor -benchtime 20x -count 3 ./server/" | tee "$OUT/floor.txt"
  "${GO:-go}" test -run '^$' -bench BenchmarkWriteFloor -benchtime 20x -count 3 ./server/ >>"$OUT/floor.txt" 2>&1 || true
  grep 'ms/broadcast' "$OUT/floor.txt" || echo "(no floor measured: see $OUT/floor.txt)"
fi

for t in "${TARGETS[@]}"; do
  name=${t%%|*}
  read -r -a flags <<<"${t#*|}"
  [[ $MODE == embedded || $MODE == all ]] && run embedded "$name" "${flags[@]}"
  [[ $MODE == redis || $MODE == all ]] && run redis "$name" "${flags[@]}"
done
echo
"$BIN" load -summarize "$OUT" | tee "$OUT/summary.md" || true
echo "reports in $OUT (summary.md: every target, its figure and whether it is met)"
