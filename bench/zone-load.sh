#!/usr/bin/env bash
# Zone load time: the 1M-record zone through named-checkzone (and nsd-checkzone) vs inkan's
# loader. Targets: inkan <= 3x named-checkzone's time, and < 1 GiB RSS.
#
#   bash bench/zone-load.sh                 # generates bench/data/1m if missing
#   REPEAT=3 RECORDS=1000000 BUILD=1 bash bench/zone-load.sh
#   CHECK=1 CHECK_LIMIT=600 bash bench/zone-load.sh   # also time the whole `inkan check`
#
# Every tool runs pinned to CPU 0, REPEAT times; the best (lowest) wall time is reported,
# with its peak RSS. named-checkzone runs with `-i local`: its default (`-i full`) looks up
# out-of-zone and below-cut names through the system resolver, which is slow, sends
# traffic off the machine and is not zone loading.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
REPEAT=${REPEAT:-3}
RECORDS=${RECORDS:-1000000}
BUILD=${BUILD:-1}
CPU=${CPU:-0}
LIMIT=${LIMIT:-600}              # seconds any one load may take
DATA="$HERE/data/1m"
ZONE="$DATA/bench.test.zone"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$HERE/results"
OUT=${OUT:-"$HERE/results/zone-load-$STAMP.txt"}
TMP=$(mktemp -d /tmp/inkan-zoneload.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

if [ ! -s "$ZONE" ]; then
  log "generating $RECORDS-record zone"
  node "$HERE/gen-zone.mjs" --records "$RECORDS" --out "$DATA" --no-queries >/dev/null || exit 1
fi
if [ "$BUILD" = 1 ]; then
  log "building inkan"
  (cd "$ROOT" && timeout 300 npm run build --silent) >"$TMP/build.log" 2>&1 \
    || { log "build failed:"; tail -20 "$TMP/build.log" >&2; exit 1; }
fi

# best NAME CMD...: run REPEAT times under /usr/bin/time, keep the fastest; sets BEST_S,
# BEST_KB and BEST_CPU (user+system seconds: steadier than wall time on a shared machine).
best() {
  local name=$1; shift
  BEST_S=""; BEST_KB=""; BEST_CPU=""
  local i s kb u sy rc
  for i in $(seq 1 "$REPEAT"); do
    timeout -k 5 "$LIMIT" /usr/bin/time -o "$TMP/time" -f '%e %M %U %S' taskset -c "$CPU" "$@" >"$TMP/out" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then
      log "$name failed (exit $rc):"; tail -5 "$TMP/out" >&2; return 1
    fi
    read -r s kb u sy < <(tail -1 "$TMP/time")
    log "$name run $i: ${s}s (CPU $(awk -v u="$u" -v s="$sy" 'BEGIN {print u + s}')s), peak RSS $((kb / 1024)) MiB $(grep -o '"ms":[0-9]*' "$TMP/out")"
    if [ -z "$BEST_S" ] || awk -v a="$s" -v b="$BEST_S" 'BEGIN {exit !(a < b)}'; then
      BEST_S=$s; BEST_KB=$kb; BEST_CPU=$(awk -v u="$u" -v s="$sy" 'BEGIN {printf "%.2f", u + s}'); cp "$TMP/out" "$TMP/best-$name"
    fi
  done
}

{
  echo "# zone load $STAMP: $(wc -l <"$ZONE") lines, $(du -h "$ZONE" | cut -f1), $(grep -o "\"records\": *[0-9]*" "$DATA/stats.json")"
  echo "# host: $(nproc) CPUs; node $(node --version); $(named -v); pinned to CPU $CPU; best of $REPEAT"
} | tee "$OUT" >&2

declare -A S KB CPUS
if best named named-checkzone -i local -q bench.test "$ZONE"; then S[named]=$BEST_S; KB[named]=$BEST_KB; CPUS[named]=$BEST_CPU; fi
if command -v nsd-checkzone >/dev/null && best nsd nsd-checkzone bench.test "$ZONE"; then
  S[nsd]=$BEST_S; KB[nsd]=$BEST_KB; CPUS[nsd]=$BEST_CPU
fi
# inkan: the library loader alone (load-zone.mjs), and the whole `inkan check` command.
if best inkan node "$HERE/load-zone.mjs" "$ZONE" bench.test.; then
  S[inkan]=$BEST_S; KB[inkan]=$BEST_KB; CPUS[inkan]=$BEST_CPU
  INKAN_MS=$(grep -o '"ms":[0-9]*' "$TMP/best-inkan" | cut -d: -f2)
  INKAN_RSS=$(grep -o '"rssMiB":[0-9]*' "$TMP/best-inkan" | cut -d: -f2)
fi
# `inkan check` also measures every answer's size, unsigned and signed (it signs the whole
# zone in memory): minutes for 1M records, so off by default; bounded by CHECK_LIMIT, once.
if [ "${CHECK:-0}" = 1 ]; then
  if REPEAT=1 LIMIT=${CHECK_LIMIT:-120} best inkan-check node "$ROOT/dist/cli/main.js" check "$ZONE" --origin bench.test; then
    S[inkan-check]=$BEST_S; KB[inkan-check]=$BEST_KB; CPUS[inkan-check]=$BEST_CPU
  else
    CHECK_NOTE="inkan check did not finish within ${CHECK_LIMIT:-120}s (exit 124 = timeout)"
  fi
fi

{
  echo
  printf '%-34s %9s %8s %14s\n' tool wall_s cpu_s peak_RSS_MiB
  for k in named nsd inkan inkan-check; do
    [ -n "${S[$k]:-}" ] || continue
    case $k in
      named) label="named-checkzone -i local";;
      nsd) label="nsd-checkzone";;
      inkan) label="inkan loadZoneFile (load-zone.mjs)";;
      inkan-check) label="inkan check (+ sizes, trial sign)";;
    esac
    printf '%-34s %9s %8s %14s\n' "$label" "${S[$k]}" "${CPUS[$k]}" "$(( ${KB[$k]} / 1024 ))"
  done
  [ -n "${CHECK_NOTE:-}" ] && echo "$CHECK_NOTE"
  if [ -n "${S[inkan]:-}" ] && [ -n "${S[named]:-}" ]; then
    echo
    echo "inkan loader alone: ${INKAN_MS:-?} ms, RSS after load ${INKAN_RSS:-?} MiB"
    r=$(awk -v a="${S[inkan]}" -v b="${S[named]}" 'BEGIN {printf "%.2f", a / b}')
    echo "inkan/named-checkzone time: ${r}x (target <= 3x): $(awk -v r="$r" 'BEGIN {print (r <= 3 ? "PASS" : "FAIL")}')"
    echo "inkan/named-checkzone CPU time: $(awk -v a="${CPUS[inkan]}" -v b="${CPUS[named]}" 'BEGIN {printf "%.2f", a / b}')x"
    echo "inkan peak RSS: $(( ${KB[inkan]} / 1024 )) MiB (target < 1024): $([ "${KB[inkan]}" -lt 1048576 ] && echo PASS || echo FAIL)"
  fi
} | tee -a "$OUT"
log "results written to $OUT"
