#!/usr/bin/env bash
# UDP load benchmark: inkan vs NSD vs Knot (and the bare Node dgram ceiling) on loopback.
#
#   bash bench/load.sh                      # everything: sizes 10k 100k, all servers
#   SIZES=10k SERVERS="nsd knot" bash bench/load.sh
#   DURATION=15 CLIENTS=16 OUTSTANDING=1000 bash bench/load.sh
#
# Each server runs on 127.0.0.1 at a free run-time port, pinned to CPU $SERVER_CPU (0);
# dnsperf is pinned to CPU $CLIENT_CPU (1). Every run is bounded by `timeout`, every server
# is stopped at exit (trap), also on failure or Ctrl-C. Traffic goes to 127.0.0.1 only.
#
# Environment knobs (defaults in brackets):
#   SIZES [10k 100k]            zone sizes (names); data made by gen-zone.mjs into bench/data
#   SERVERS [bare nsd knot inkan]
#   WORKLOADS [mix flood]
#   DURATION [15]               dnsperf -l seconds per run
#   CLIENTS [16] OUTSTANDING [1000] THREADS [1]   dnsperf -c / -q / -T
#   REPEAT [1]                  runs per server and workload; the best q/s is kept
#                               (use 3 on a machine others are using)
#   HALF [1]                    also run inkan at 50% of its measured peak (dnsperf -Q)
#   INKAN_CACHE []              inkan's response-cache-entries (default: inkan's own, 500000)
#   READY_TIMEOUT [120]         seconds a server may take to load and answer
#   OUT [bench/results/load-<date>.txt]  where the summary is also written
#   BUILD [1]                   run `npm run build` before starting inkan
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=server-conf.sh
source "$HERE/server-conf.sh"
# shellcheck source=procs.sh
source "$HERE/procs.sh"
ROOT=$(cd "$HERE/.." && pwd)
SIZES=${SIZES:-"10k 100k"}
SERVERS=${SERVERS:-"bare nsd knot inkan"}
WORKLOADS=${WORKLOADS:-"mix flood"}
DURATION=${DURATION:-15}
CLIENTS=${CLIENTS:-16}
OUTSTANDING=${OUTSTANDING:-1000}
THREADS=${THREADS:-1}
HALF=${HALF:-1}
REPEAT=${REPEAT:-1}
READY_TIMEOUT=${READY_TIMEOUT:-120}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
BUILD=${BUILD:-1}
ADDR=127.0.0.1
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$HERE/results"
OUT=${OUT:-"$HERE/results/load-$STAMP.txt"}

TMP=$(mktemp -d /tmp/inkan-bench.XXXXXX)
SERVER_PID=""
declare -A QPS LOST AVG MAX RCODES SCPU CCPU OTHER


cleanup() {
  stop_server
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM


# CPU ticks (user+system) used so far by a process and its children (NSD forks workers).
cpu_ticks() {
  local pid=$1 total=0 p
  for p in $pid $(descendants "$pid"); do
    [ -r "/proc/$p/stat" ] || continue
    # fields after the ")" of comm: utime is the 12th, stime the 13th.
    total=$((total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}

# Busy ticks of the whole machine (all CPUs) so far, from /proc/stat.
machine_busy() { awk '/^cpu / {print $2 + $3 + $4 + $9}' /proc/stat; }  # user nice system steal

ensure_data() {
  local size=$1 n
  case $size in
    *k) n=$(( ${size%k} * 1000 ));;
    *m) n=$(( ${size%m} * 1000000 ));;
    *) n=$size;;
  esac
  if [ ! -s "$HERE/data/$size/queries-flood.txt" ]; then
    log "generating $size zone and query files"
    node "$HERE/gen-zone.mjs" --names "$n" --out "$HERE/data/$size" >/dev/null || return 1
  fi
}

# ---- servers: start_<name> ZONEFILE PORT; sets SERVER_PID -----------------------------
start_bare() {
  taskset -c "$SERVER_CPU" node "$HERE/bare-udp.mjs" --port "$2" --address "$ADDR" \
    >"$TMP/bare.log" 2>&1 &
  SERVER_PID=$!
}

start_nsd() {
  local zone=$1 port=$2 d="$TMP/nsd"
  rm -rf "$d"; mkdir -p "$d"
  write_nsd_conf "$d" "$ADDR" "$port" "$zone"
  taskset -c "$SERVER_CPU" nsd -d -c "$d/nsd.conf" >"$d/stdout.log" 2>&1 &
  SERVER_PID=$!
}

start_knot() {
  local zone=$1 port=$2 d="$TMP/knot"
  rm -rf "$d"; mkdir -p "$d/db"
  write_knot_conf "$d" "$ADDR" "$port" "$zone"
  taskset -c "$SERVER_CPU" knotd -c "$d/knot.conf" >"$d/stdout.log" 2>&1 &
  SERVER_PID=$!
}

start_inkan() {
  local zone=$1 port=$2 d="$TMP/inkan"
  rm -rf "$d"; mkdir -p "$d"
  cat >"$d/inkan.yaml" <<EOF
listen:
  - $ADDR:$port
zones:
  - name: bench.test
    file: $zone
log:
  level: warn
EOF
  # INKAN_CACHE=N sets response-cache-entries (0: no response cache, every query looked up).
  [ -n "${INKAN_CACHE:-}" ] && echo "response-cache-entries: $INKAN_CACHE" >>"$d/inkan.yaml"
  (cd "$ROOT" && exec taskset -c "$SERVER_CPU" node dist/cli/main.js serve --config "$d/inkan.yaml") \
    >"$d/stdout.log" 2>&1 &
  SERVER_PID=$!
}

server_log() {
  case $1 in
    bare) cat "$TMP/bare.log";;
    nsd) cat "$TMP/nsd/stdout.log" "$TMP/nsd/nsd.log" 2>/dev/null;;
    knot) cat "$TMP/knot/stdout.log";;
    inkan) cat "$TMP/inkan/stdout.log";;
  esac 2>/dev/null | tail -20
}

# Wait until the server answers the apex SOA (the bare loop answers anything with an A).
wait_ready() {
  local name=$1 port=$2 qtype=SOA deadline ans
  [ "$name" = bare ] && qtype=A
  deadline=$((SECONDS + READY_TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "$name exited before answering:"; server_log "$name" >&2; return 1
    fi
    ans=$(dig +short +time=1 +tries=1 -p "$port" @"$ADDR" bench.test "$qtype" 2>/dev/null)
    if [ -n "$ans" ] && ! grep -q 'timed out\|connection refused' <<<"$ans"; then return 0; fi
    sleep 0.3
  done
  log "$name did not answer bench.test $qtype within ${READY_TIMEOUT}s:"; server_log "$name" >&2
  return 1
}

# run_dnsperf KEY FILE PORT [extra dnsperf args...]
run_dnsperf() {
  local key=$1 file=$2 port=$3; shift 3
  local res="$TMP/dnsperf-${key//[\/@%]/_}.txt" t0 t1 m0 m1 clk
  clk=$(getconf CLK_TCK)
  t0=$(cpu_ticks "$SERVER_PID")
  m0=$(machine_busy)
  TIMEFORMAT='%U %S %R'
  { time timeout -k 5 $((DURATION + 30)) taskset -c "$CLIENT_CPU" \
      dnsperf -s "$ADDR" -p "$port" -d "$file" -l "$DURATION" \
              -c "$CLIENTS" -q "$OUTSTANDING" -T "$THREADS" -t 2 "$@" >"$res" 2>&1 ; } 2>"$res.time"
  t1=$(cpu_ticks "$SERVER_PID")
  m1=$(machine_busy)
  QPS[$key]=$(awk '/Queries per second:/ {printf "%.0f", $4}' "$res")
  LOST[$key]=$(awk '/Queries lost:/ {gsub(/[()%]/, "", $4); print $4}' "$res")
  AVG[$key]=$(awk '/Average Latency/ {printf "%.2f", $4 * 1000}' "$res")
  MAX[$key]=$(awk '/Average Latency/ {gsub(/[),]/, "", $8); printf "%.2f", $8 * 1000}' "$res")
  RCODES[$key]=$(awk -F': *' '/Response codes:/ {print $2}' "$res")
  # CPU use of the server over the run, and of dnsperf, as % of one core.
  SCPU[$key]=$(awk -v a="$t0" -v b="$t1" -v c="$clk" -v d="$DURATION" 'BEGIN {printf "%.0f", (b - a) / c / d * 100}')
  CCPU[$key]=$(awk -v d="$DURATION" '{printf "%.0f", ($1 + $2) / d * 100}' "$res.time")
  # Everything else the machine did meanwhile (other users, softirq not charged to us),
  # in % of one core: a large figure means the run shared its CPUs and is not clean.
  OTHER[$key]=$(awk -v a="$m0" -v b="$m1" -v c="$clk" -v d="$DURATION" -v s="${SCPU[$key]}" -v p="${CCPU[$key]}" \
    'BEGIN {o = (b - a) / c / d * 100 - s - p; if (o < 0) o = 0; printf "%.0f", o}')
  if [ -z "${QPS[$key]}" ]; then
    log "dnsperf gave no result for $key:"; tail -5 "$res" >&2
    QPS[$key]=0; LOST[$key]=100; AVG[$key]=-; MAX[$key]=-
  fi
  printf '%-26s %8s q/s  lost %6s%%  avg %6s ms  max %7s ms  CPU%% server %3s dnsperf %3s other %3s  [%s]\n' \
    "$key" "${QPS[$key]}" "${LOST[$key]}" "${AVG[$key]}" "${MAX[$key]}" "${SCPU[$key]}" "${CCPU[$key]}" "${OTHER[$key]}" "${RCODES[$key]}" \
    | tee -a "$OUT" >&2
}

# run_best KEY FILE PORT: REPEAT runs of run_dnsperf; KEY keeps the one with the most q/s.
run_best() {
  local key=$1 r best=""
  for r in $(seq 1 "$REPEAT"); do
    run_dnsperf "$key#$r" "$2" "$3"
    if [ -z "$best" ] || [ "${QPS[$key#$r]}" -gt "${QPS[$best]}" ]; then best="$key#$r"; fi
  done
  QPS[$key]=${QPS[$best]}; LOST[$key]=${LOST[$best]}; AVG[$key]=${AVG[$best]}; MAX[$key]=${MAX[$best]}
  OTHER[$key]=${OTHER[$best]}; SCPU[$key]=${SCPU[$best]}
}

# Queries answered per CPU-second the server used: less sensitive to sharing the CPU
# with other work than q/s (though dnsperf may still be starved).
per_cpu() { awk -v q="${QPS[$1]:-0}" -v c="${SCPU[$1]:-0}" 'BEGIN { if (c > 0) printf "%.0f", q * 100 / c; else printf "-" }'; }

bench_server() {
  local name=$1 size=$2 zone="$HERE/data/$size/bench.test.zone" port w
  port=$(free_port) || { log "no free port"; return 1; }
  log "starting $name on $ADDR:$port ($size zone)"
  "start_$name" "$zone" "$port"
  local t0=$SECONDS
  if ! wait_ready "$name" "$port"; then stop_server; return 1; fi
  log "$name answering after $((SECONDS - t0))s"
  for w in $WORKLOADS; do
    run_best "$name/$size/$w" "$HERE/data/$size/queries-$w.txt" "$port"
  done
  if [ "$name" = inkan ] && [ "$HALF" = 1 ]; then
    for w in $WORKLOADS; do
      local peak=${QPS[inkan/$size/$w]:-0} rate
      rate=$((peak / 2))
      [ "$rate" -gt 0 ] || continue
      run_dnsperf "inkan/$size/$w@50%" "$HERE/data/$size/queries-$w.txt" "$port" -Q "$rate"
    done
  fi
  stop_server
}

# ---- main -----------------------------------------------------------------------------
for tool in dnsperf dig taskset node; do
  command -v "$tool" >/dev/null || { log "missing $tool"; exit 1; }
done
{
  echo "# inkan load benchmark $STAMP"
  echo "# host: $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); node $(node --version)"
  echo "# $(nsd -v 2>&1 | head -1); $(knotd -V 2>&1 | head -1); $(dnsperf -h 2>&1 | grep Version)"
  echo "# dnsperf -l $DURATION -c $CLIENTS -q $OUTSTANDING -T $THREADS (CPU $CLIENT_CPU); servers on CPU $SERVER_CPU"
} | tee "$OUT" >&2

if [[ " $SERVERS " == *" inkan "* ]] && [ "$BUILD" = 1 ]; then
  log "building inkan"
  (cd "$ROOT" && timeout 300 npm run build --silent) >"$TMP/build.log" 2>&1 \
    || { log "inkan build failed:"; tail -20 "$TMP/build.log" >&2
         if [ -f "$ROOT/dist/cli/main.js" ]; then log "using the existing dist/ as it is"
         else log "no dist/: skipping inkan"; SERVERS=${SERVERS//inkan/}; fi; }
fi

for size in $SIZES; do
  ensure_data "$size" || { log "cannot make $size data"; exit 1; }
  for s in $SERVERS; do
    # The bare loop does not read a zone: run it once, against the first size's files.
    if [ "$s" = bare ] && [ "$size" != "${SIZES%% *}" ]; then continue; fi
    bench_server "$s" "$size" || log "$s on $size failed; continuing"
  done
done

# ---- summary --------------------------------------------------------------------------
ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
{
  echo
  echo "## summary (queries/s; lost %; avg/max latency ms)"
  printf '%-6s %-6s %-7s %10s %8s %9s %9s %7s %11s\n' size load server qps lost% avg_ms max_ms other% q/cpu-s
  for size in $SIZES; do
    for w in $WORKLOADS; do
      for s in $SERVERS; do
        k="$s/$size/$w"
        if [ "$s" = bare ]; then k="bare/${SIZES%% *}/$w"; fi
        [ -n "${QPS[$k]:-}" ] || continue
        printf '%-6s %-6s %-7s %10s %8s %9s %9s %7s %11s\n' "$size" "$w" "$s" "${QPS[$k]}" "${LOST[$k]}" "${AVG[$k]}" "${MAX[$k]}" "${OTHER[$k]}" "$(per_cpu "$k")"
      done
      k="inkan/$size/$w@50%"
      if [ -n "${QPS[$k]:-}" ]; then
        printf '%-6s %-6s %-7s %10s %8s %9s %9s %7s  <- inkan at 50%% of peak (target: 0 lost)\n' \
          "$size" "$w" "inkan50" "${QPS[$k]}" "${LOST[$k]}" "${AVG[$k]}" "${MAX[$k]}" "${OTHER[$k]}"
      fi
    done
  done
  if [[ " $SERVERS " == *" inkan "* ]]; then
    echo
    echo "## ratios (targets: mix >= 0.50x NSD, flood >= 0.25x NSD)"
    echo "(per-CPU: the same ratios of queries per server CPU-second)"
    printf '%-6s %-6s %10s %11s %11s %14s %15s\n' size load inkan/NSD inkan/Knot inkan/bare per-CPU/NSD per-CPU/Knot
    for size in $SIZES; do
      for w in $WORKLOADS; do
        printf '%-6s %-6s %10s %11s %11s %14s %15s\n' "$size" "$w" \
          "$(ratio "${QPS[inkan/$size/$w]:-0}" "${QPS[nsd/$size/$w]:-0}")" \
          "$(ratio "${QPS[inkan/$size/$w]:-0}" "${QPS[knot/$size/$w]:-0}")" \
          "$(ratio "${QPS[inkan/$size/$w]:-0}" "${QPS[bare/${SIZES%% *}/$w]:-0}")" \
          "$(ratio "$(per_cpu "inkan/$size/$w")" "$(per_cpu "nsd/$size/$w")")" \
          "$(ratio "$(per_cpu "inkan/$size/$w")" "$(per_cpu "knot/$size/$w")")"
      done
    done
  fi
} | tee -a "$OUT"
log "results written to $OUT"
