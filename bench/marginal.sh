#!/usr/bin/env bash
# What a line costs at steady state: runs bench/e2e.sh with two workload sizes, alternated, ROUNDS times, and
# prints the CPU of the extra lines divided by their number. Start-up, JIT compilation and warm-up cost about the
# same in both runs, so they drop out: this is the per-line figure of an agent that runs for days, where a whole
# e2e.sh run also carries its fixed cost (about 1.8 CPU-s of a 2M-line es run on these machines, 2026-12-05).
#
#   bench/marginal.sh [--rounds 5] [--small 500000] [--large 1500000] [other bench/e2e.sh options]
#
# --small and --large are lines per file (e2e.sh's --lines; 4 files unless --files says otherwise); the other
# options go to both runs (default --output es). Alternating pairs keep this VM's slow and fast phases out of the
# difference; each pair is printed, then the mean, the spread and the peak RSS of all runs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rounds=5; small=500000; large=1500000; files=4; pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2;;
    --small) small=$2; shift 2;;
    --large) large=$2; shift 2;;
    --files) files=$2; pass+=(--files "$2"); shift 2;;
    --lines) echo "marginal: use --small and --large instead of --lines" >&2; exit 2;;
    *) pass+=("$1"); shift;;
  esac
done
case " ${pass[*]-} " in *" --output "*) ;; *) pass+=(--output es);; esac
[ "$large" -gt "$small" ] || { echo "marginal: --large ($large) must be more than --small ($small)" >&2; exit 2; }
extra=$(( (large - small) * files ))
# One e2e.sh run; prints "CPU_SECONDS RSS_MB".
run() {
  local out
  out=$("$here/e2e.sh" --lines "$1" "${pass[@]}") || { echo "$out" >&2; exit 1; }
  echo "$out" | awk '/ cpu [0-9.]+s/ { for (i = 1; i <= NF; i++) if ($i == "cpu") { c = $(i + 1); sub(/s,?$/, "", c) } }
    /peak RSS/ { for (i = 1; i <= NF; i++) if ($i == "RSS") r = $(i + 1) } END { print c, r }'
}
# The workloads are read once first (e2e.sh makes one that is missing): a large one not in the page cache made the
# first pair's large run pay for reading 2.5 GB from disk (12.9 CPU-s against 9.4-10.3 for the others).
for lines in "$small" "$large"; do
  work="$here/target/workload-${files}x${lines}"
  if [ -f "$work/.complete" ]; then cat "$work"/*.log > /dev/null; fi
done
results=()
for r in $(seq 1 "$rounds"); do
  read -r cs rs < <(run "$small")
  read -r cl rl < <(run "$large")
  results+=("$cs $cl $rs $rl")
  awk -v r="$r" -v cs="$cs" -v cl="$cl" -v n="$extra" 'BEGIN {
    printf "marginal: pair %d: %.2f and %.2f CPU-s: %.3f us per line, %.0f lines per CPU-second\n", r, cs, cl,
      (cl - cs) / n * 1e6, n / (cl - cs) }'
done
printf '%s\n' "${results[@]}" | awk -v n="$extra" -v s="$small" -v l="$large" -v f="$files" '{
    d = $2 - $1; sum += d; sq += d * d; cs += $1; cl += $2; k++
    if ($3 > rss) rss = $3; if ($4 > rss) rss = $4 }
  END { m = sum / k; sd = sqrt(sq / k - m * m)
    printf "marginal: %d pairs of %dx%d and %dx%d lines: %.3f us per line (sd of the pairs %.3f), %.0f lines per CPU-second at steady state\n",
      k, f, s, f, l, m / n * 1e6, sd / n * 1e6, n / m
    printf "marginal: whole runs %.2f and %.2f CPU-s on average (%.0f and %.0f lines per CPU-second); fixed cost %.2f CPU-s; peak RSS %.1f MB\n",
      cs / k, cl / k, f * s / (cs / k), f * l / (cl / k), cs / k - f * s * m / n, rss }'
