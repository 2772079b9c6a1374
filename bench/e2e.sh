#!/usr/bin/env bash
# End-to-end harness: runs the whole agent (./ferry) on the reference workload and prints lines/s,
# lines per CPU-second and peak RSS.
#
#   bench/e2e.sh [--files 4] [--lines 500000] [--output null|file|es|loki] [--workers 1] [--spool]
#
# --spool puts the Chronicle Queue disk spool between the ring and the output (storage.path in a
# temporary folder, storage.sync normal).
#
# --output es starts bench's BulkSinkServer (a loopback _bulk receiver that answers 201 per action,
# from bench/target/benchmarks.jar) on a free port, sends to it with the es output's defaults
# (Workers 2, bulk_max_size 5MiB), checks the sink received every document, and reports docs/s,
# docs per CPU-second (ferry's JVM only; the sink runs in its own process) and ferry's peak RSS.
#
# --output loki likewise starts bench's LokiPushSinkServer (a loopback Loki push receiver that decodes
# the snappy + protobuf push, counts entries and answers 204) and sends to it with the loki output's
# defaults (Workers 2, batch_max_size 1MiB, protobuf + snappy) but rate_limit off (its 3MiB/s default
# paces a live agent under a default Loki tenant's 4 MB/s; the benchmark measures the sender), labels
# job and level as in conf/erlmcp-to-loki.conf; it checks the sink received every entry.
#
# Workload: ../shared/bench/gen_erlmcp.py, FILES files x LINES numbered erlmcp lines (~425 bytes each),
# generated once into bench/target/workload-FILESxLINES. Pipeline (the issue's reference, the same one
# Fluent Bit 5.1.1 was measured with): tail (Read_from_Head, Exit_On_Eof) -> json parser ->
# modify (Add host, Add cluster) -> OUTPUT. CPU is user+sys of the whole JVM, from /usr/bin/time.
# The run fails unless ferry's summary says every line was delivered.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
files=4; lines=500000; output=null; workers=1; spool=off
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2;;
    --lines) lines=$2; shift 2;;
    --output) output=$2; shift 2;;
    --workers) workers=$2; shift 2;;
    --spool) spool=on; shift;;
    *) echo "usage: $0 [--files N] [--lines N] [--output null|file|es|loki] [--workers N] [--spool]" >&2; exit 2;;
  esac
done
gen="$root/../shared/bench/gen_erlmcp.py"
# In a git worktree (/work/wt/NAME) the shared folder is one level further up.
[ -f "$gen" ] || gen="$root/../../shared/bench/gen_erlmcp.py"
[ -f "$gen" ] || { echo "e2e: $gen not found" >&2; exit 2; }
[ -f "$root/agent/target/ferry.jar" ] || (cd "$root" && mvn -q -B package -DskipTests)

work="$root/bench/target/workload-${files}x${lines}"
if [ ! -f "$work/.complete" ]; then
  rm -rf "$work"; mkdir -p "$work"
  for i in $(seq 0 $((files - 1))); do
    python3 "$gen" --lines "$lines" --out "$work/app$i.log" --first-seq $((i * lines)) --seed $((7 + i))
  done
  touch "$work/.complete"
fi
run="$(mktemp -d)"
sink_pid=
cleanup() { if [ -n "$sink_pid" ]; then kill "$sink_pid" 2>/dev/null || true; fi; rm -rf "$run"; }
trap cleanup EXIT
# Starts one of bench's loopback sinks (class $1 of benchmarks.jar, in its own process so its CPU is not
# ferry's) on a free port; each answers GET /_sink/count with what it received.
start_sink() {
  [ -f "$root/bench/target/benchmarks.jar" ] || (cd "$root" && mvn -q -B package -DskipTests -pl bench -am)
  sink_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  java -Xmx256m -cp "$root/bench/target/benchmarks.jar" "$1" "$sink_port" > "$run/sink.log" 2>&1 &
  sink_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$sink_port/_sink/count" > /dev/null 2>&1 && break
    sleep 0.1
  done
}
case "$output" in
  es) start_sink dev.ferry.bench.outputs.BulkSinkServer;;
  loki) start_sink dev.ferry.bench.outputs.LokiPushSinkServer;;
esac
mkdir -p "$run/out"
cat > "$run/bench.conf" <<CONF
[SERVICE]
    Flush        1
    Log_Level    info
    ring.workers $workers
$( [ "$spool" = on ] && printf '    storage.path %s\n' "$run/spool" )

[INPUT]
    Name           tail
    Path           $work/*.log
    Parser         json
    Tag            erlmcp.*
    Read_from_Head On
    Exit_On_Eof    On
    Buffer_Chunk_Size 256k
    Buffer_Max_Size   1M

[FILTER]
    Name   modify
    Match  erlmcp.*
    Add    host bench-host
    Add    cluster erlmcp-prod

[OUTPUT]
    Name   $output
    Match  erlmcp.*
CONF
if [ "$output" = file ]; then
  printf '    Path   %s\n    Format plain\n' "$run/out" >> "$run/bench.conf"
fi
if [ "$output" = es ]; then
  printf '    Host   127.0.0.1\n    Port   %s\n    Logstash_Format On\n    Logstash_Prefix erlmcp\n    dead_letter.path %s\n' \
    "$sink_port" "$run/dlq" >> "$run/bench.conf"
fi
if [ "$output" = loki ]; then
  printf '    Host   127.0.0.1\n    Port   %s\n    Labels job=erlmcp, level=$level\n    Line_Format json\n    rate_limit off\n    dead_letter.path %s\n' \
    "$sink_port" "$run/dlq" >> "$run/bench.conf"
fi
total=$((files * lines))
/usr/bin/time -f '%e %U %S %M' -o "$run/time" "$root/ferry" -c "$run/bench.conf" 2> "$run/log" || {
  cat "$run/log" >&2; exit 1; }
read -r wall user sys rss_kb < "$run/time"
delivered=$(grep -o 'delivered=[0-9]*' "$run/log" | tail -1 | cut -d= -f2)
if [ "$delivered" != "$total" ]; then
  echo "e2e: expected $total lines delivered, ferry reported '${delivered:-nothing}'" >&2
  tail -20 "$run/log" >&2
  exit 1
fi
if [ -n "$sink_pid" ]; then
  received=$(curl -sf "http://127.0.0.1:$sink_port/_sink/count")
  if [ "$received" != "$total" ]; then
    echo "e2e: expected $total documents at the $output sink, it received '${received:-nothing}'" >&2
    exit 1
  fi
  if [ -e "$run/dlq" ]; then
    echo "e2e: records were dead-lettered:" >&2; head -3 "$run"/dlq/* >&2; exit 1
  fi
fi
awk -v n="$total" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss_kb" -v o="$output"  -v k="$workers" -v sp="$spool" 'BEGIN {
  cpu = u + s;
  printf "e2e: %d lines to %s (ring.workers=%d, spool=%s): wall %.2fs, cpu %.2fs (user %.2f, sys %.2f)\n", n, o, k, sp, w, cpu, u, s;
  printf "e2e: %.0f lines/s, %.0f lines per CPU-second, peak RSS %.1f MB\n", n / w, n / cpu, r / 1024 }'
