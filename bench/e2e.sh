#!/usr/bin/env bash
# End-to-end harness: runs the whole agent (./ferry) on the reference workload and prints lines/s,
# lines per CPU-second and peak RSS.
#
#   bench/e2e.sh [--files 4] [--lines 500000] [--output null|file|es|loki] [--workers 1] [--no-spool]
#                [--spool-compress zstd|off] [--write-behind SIZE] [--replay gz|zst] [--threads]
#
# The tail input has a DB (in a temporary folder), so the Chronicle Queue disk spool is on between the
# ring and the output, as users get it: storage.path defaults to ferry-spool next to the DB, storage.sync
# normal, storage.compress zstd (--spool-compress off writes the spool's records as they are). --no-spool sets
# storage.path off (records wait in memory; --spool is accepted and is the default). --write-behind SIZE sets
# storage.write_behind (what the spool holds in memory before it writes; default 32MiB, 0: write every batch); the
# run prints how many spool documents were written and how many the output had from memory.
#
# --replay gz|zst measures `ferry replay` instead of the tail: the workload's files are put in one tar
# compressed with gzip (level 6) or zstd (level 3), made once next to the workload
# (bench/target/workload-FILESxLINES.tar.gz|.tar.zst), and replayed with the same pipeline; the run
# fails unless the replay summary says every line was read and handed on (result=complete).
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
# --threads also prints the CPU of each of ferry's threads (bench/thread-cpu.py samples /proc every 50 ms):
# where the CPU goes, by part (ring, tail, output consumer, HTTP workers, JIT compilers, GC, start-up on main).
#
# Workload: ../shared/bench/gen_erlmcp.py, FILES files x LINES numbered erlmcp lines (~425 bytes each),
# generated once into bench/target/workload-FILESxLINES. Pipeline (the issue's reference, the same one
# Fluent Bit 5.1.1 was measured with): tail (Read_from_Head, Exit_On_Eof) -> json parser ->
# modify (Add host, Add cluster) -> OUTPUT. CPU is user+sys of the whole JVM, from /usr/bin/time, which
# also gives the minor page faults (the spool's memory map takes one per new 4 KiB page; on this kind's VM
# each costs much more than on bare metal) and context switches.
# The run fails unless ferry's summary says every line was delivered.
# ferry starts as users get it: through the launcher, so with the class-data sharing archive next to the jar
# when there is one (agent/target/ferry.jsa after mvn package; FERRY_JAR=X uses X's .jsa; FERRY_CDS=off none).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
files=4; lines=500000; output=null; workers=1; spool=on; compress=zstd; replay=; threads=; write_behind=
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2;;
    --lines) lines=$2; shift 2;;
    --output) output=$2; shift 2;;
    --workers) workers=$2; shift 2;;
    --spool) spool=on; shift;;
    --no-spool) spool=off; shift;;
    --spool-compress) compress=$2; shift 2;;
    --write-behind) write_behind=$2; shift 2;;
    --replay) replay=$2; shift 2;;
    --threads) threads=on; shift;;
    *) echo "usage: $0 [--files N] [--lines N] [--output null|file|es|loki] [--workers N] [--no-spool] [--spool-compress zstd|off] [--write-behind SIZE] [--replay gz|zst] [--threads]" >&2; exit 2;;
  esac
done
# ferry replay keeps no positions, so it gets no default spool.
[ -n "$replay" ] && spool=off
case "$compress" in zstd|off) ;; *) echo "e2e: --spool-compress takes zstd or off, not '$compress'" >&2; exit 2;; esac
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
case "$replay" in
  '') ;;
  gz) compress=(gzip -6);;
  zst) compress=(zstd -3 -q -T1);;
  *) echo "e2e: --replay takes gz or zst, not '$replay'" >&2; exit 2;;
esac
archive=
if [ -n "$replay" ]; then
  archive="$work.tar.$replay"
  if [ ! -f "$archive" ]; then
    (cd "$work" && tar -cf - -- *.log) | "${compress[@]}" > "$archive.tmp"
    mv "$archive.tmp" "$archive"
  fi
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
$( [ "$spool" = off ] && printf '    storage.path off\n' || printf '    storage.compress %s\n' "$compress" )
$( [ -n "$write_behind" ] && printf '    storage.write_behind %s\n' "$write_behind" || true )

[INPUT]
    Name           tail
    Path           $work/*.log
    Parser         json
    Tag            erlmcp.*
    Read_from_Head On
    Exit_On_Eof    On
    DB             $run/tail.db
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
if [ -n "$replay" ]; then
  command=(replay -c "$run/bench.conf" "$archive")
else
  command=(-c "$run/bench.conf")
fi
if [ -z "$threads" ]; then
  /usr/bin/time -f '%e %U %S %M %R %c %w' -o "$run/time" "$root/ferry" "${command[@]}" 2> "$run/log" || {
    cat "$run/log" >&2; exit 1; }
else
  /usr/bin/time -f '%e %U %S %M %R %c %w' -o "$run/time" "$root/ferry" "${command[@]}" 2> "$run/log" &
  time_pid=$!
  jvm_pid=  # /usr/bin/time's child: the launcher, which execs the JVM in its own process
  for _ in $(seq 1 200); do jvm_pid=$(pgrep -P "$time_pid" || true); [ -n "$jvm_pid" ] && break; sleep 0.01; done
  [ -n "$jvm_pid" ] || { echo "e2e: ferry's process did not start" >&2; cat "$run/log" >&2; exit 1; }
  python3 "$here/thread-cpu.py" "$jvm_pid" "$run/threads" &
  sampler_pid=$!
  wait "$time_pid" || { cat "$run/log" >&2; exit 1; }
  wait "$sampler_pid"
fi
if [ -n "$replay" ] && ! grep -q "replay summary: files=$files records_read=$total delivered=$total dead_lettered=0 .*result=complete" "$run/log"; then
  echo "e2e: the replay summary does not say all $total lines were read and handed on" >&2
  grep 'replay summary' "$run/log" >&2 || tail -20 "$run/log" >&2
  exit 1
fi
read -r wall user sys rss_kb minor_faults invol_cs vol_cs < "$run/time"
if [ -z "$replay" ] && [ "$spool" = on ] && ! grep -q 'Spool opened' "$run/log"; then
  echo "e2e: the spool should be on (tail DB set), but ferry did not open one" >&2; exit 1
fi
if [ -z "$replay" ] && [ "$spool" = on ]; then
  # How many of the spool's documents had to be written to disk, and how many the outputs had before that.
  grep -o 'documents_written=[0-9]* documents_delivered_from_memory=[0-9]*' "$run/log" | sed 's/^/e2e: spool: /' || true
fi
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
  if [ "$output" = es ]; then
    requests=$(curl -sf "http://127.0.0.1:$sink_port/_sink/requests")
    echo "e2e: the bulk sink received $received documents in $requests bulk requests"
  fi
  if [ -e "$run/dlq" ]; then
    echo "e2e: records were dead-lettered:" >&2; head -3 "$run"/dlq/* >&2; exit 1
  fi
fi
awk -v n="$total" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss_kb" -v mf="$minor_faults" -v vc="$vol_cs" -v ic="$invol_cs" -v o="$output"  -v k="$workers" -v sp="$spool$( [ "$spool" = on ] && echo "/$compress" || true)" -v rp="$replay" -v as="$( [ -n "$archive" ] && stat -c %s "$archive" || echo 0)" 'BEGIN {
  how = rp == "" ? "" : sprintf(" replayed from a tar.%s of %.1f MB", rp, as / 1048576);
  cpu = u + s;
  printf "e2e: %d lines%s to %s (ring.workers=%d, spool=%s): wall %.2fs, cpu %.2fs (user %.2f, sys %.2f)\n", n, how, o, k, sp, w, cpu, u, s;
  printf "e2e: %.0f lines/s, %.0f lines per CPU-second, peak RSS %.1f MB\n", n / w, n / cpu, r / 1024;
  printf "e2e: %d minor page faults, %d voluntary and %d involuntary context switches\n", mf, vc, ic }'
if [ -n "$threads" ]; then
  echo "e2e: CPU per thread, seconds (trailing digits folded into #):"
  awk -v u="$user" -v s="$sys" '{ seen += $1; printf "  %6.2f (user %5.2f, sys %5.2f) %s\n", $1, $2, $3, substr($0, index($0, $4)) }
    END { printf "  %6.2f not seen by the sampler (threads shorter than 50 ms, the last 50 ms of each)\n", u + s - seen }' "$run/threads"
fi
