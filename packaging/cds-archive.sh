#!/usr/bin/env bash
# Writes ferry's class-data sharing archive: JAR.jsa next to JAR (agent/target/ferry.jsa for a build,
# /opt/ferry/ferry.jsa in the container image), which the ferry launcher passes to the JVM when it exists.
#
#   packaging/cds-archive.sh JAR
#
# It runs ferry once on a small erlmcp log (tail with a DB, so the spool is on; json parser; modify; es, loki
# and file outputs) with -XX:DumpLoadedClassList, then dumps the classes listed into a static archive
# (-Xshare:dump), so the archive holds the classes a real start loads: the JDK's, ferry's, Chronicle Queue's,
# Netty's, Jackson's, picocli's, and the lambdas they spin. A start that maps them from the archive instead of
# reading, verifying and linking them from the jar takes about 0.5 CPU-seconds less. A static archive, not the
# dynamic one -XX:ArchiveClassesAtExit writes: JDK 17's dynamic archive leaves out class files older than Java 6
# (all of picocli's) and every class implementing their interfaces; a static one takes them too (bench/e2e.sh
# --output es on 10 lines, 6 pairs: 0.81-1.11 CPU-s against 0.94-1.16, peak RSS 72-75 MB against 85-89; no
# archive: 1.27-1.55 CPU-s). The es and loki outputs point at a closed port with Retry_Limit 1, so the run ends
# by itself once their records are dead-lettered; nothing leaves the machine.
#
# The archive only fits the JDK that wrote it and the jar as it is (path, size, time). The JVM skips one that does
# not fit and starts as without it, so a stale archive costs start-up time, never correctness. Run this with the
# JDK that will run ferry (the container build does). It never fails the build: without an archive ferry starts
# as before, and this says why.
set -uo pipefail
jar="${1:?usage: cds-archive.sh JAR}"
archive="${jar%.jar}.jsa"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -f "$archive"

mkdir -p "$work/logs"
for i in $(seq 0 199); do
  level=info; [ $((i % 10)) = 0 ] && level=error
  printf '{"timestamp":"2024-01-01T10:00:%02d.%03dZ","level":"%s","logger":"erlmcp","message":"HTTP request processed","metadata":{"module":"erlmcp_server","function":"handle_call/3","line":%d,"pid":"<0.%d.0>","trace_id":"cd613e30d8f16adf91b7584a2265b1f5","span_id":"1027c4d1c386bbc4"},"fields":{"method":"POST","path":"/v3/tools/call","status":200,"duration_ms":%d,"seq":%d}}\n' \
    $((i / 100)) $((i % 1000)) "$level" $((100 + i)) "$i" $((i % 300)) "$i" >> "$work/logs/erlmcp.log"
done
printf 'not json: a line the parser keeps whole\n' >> "$work/logs/erlmcp.log"
cat > "$work/train.conf" <<CONF
[SERVICE]
    Flush     1
    Log_Level warn

[INPUT]
    Name           tail
    Path           $work/logs/*.log
    Parser         json
    Tag            erlmcp.*
    Read_from_Head On
    Exit_On_Eof    On
    DB             $work/tail.db

[FILTER]
    Name   modify
    Match  erlmcp.*
    Add    host cds-training
    Add    cluster cds-training

[OUTPUT]
    Name             es
    Match            erlmcp.*
    Host             127.0.0.1
    Port             9
    Logstash_Format  On
    Logstash_Prefix  erlmcp
    Retry_Limit      1
    dead_letter.path $work/dead-letter

[OUTPUT]
    Name             loki
    Match            erlmcp.*
    Host             127.0.0.1
    Port             9
    Labels           job=erlmcp, level=\$level
    Retry_Limit      1
    dead_letter.path $work/dead-letter

[OUTPUT]
    Name   file
    Match  erlmcp.*
    Path   $work/out
    Mkdir  On
CONF

# Through the launcher, so the archive is written with the JVM options it runs ferry with (an archive is only
# used with the collector it was written with): next to this script in the image, one folder up in the repository.
launcher="$here/ferry"; [ -x "$launcher" ] || launcher="$here/../ferry"
if FERRY_JAR="$jar" FERRY_CDS_CLASSLIST="$work/classes.lst" "$launcher" run -c "$work/train.conf" > "$work/run.log" 2>&1 \
    && FERRY_JAR="$jar" FERRY_CDS_CLASSLIST="$work/classes.lst" FERRY_CDS_DUMP="$archive" "$launcher" >> "$work/run.log" 2>&1 \
    && [ -s "$archive" ]; then
  echo "cds-archive: wrote $archive ($(( $(stat -c %s "$archive") / 1048576 )) MiB)"
else
  rm -f "$archive"
  echo "cds-archive: WARNING: no class-data sharing archive for $jar; ferry starts without one (slower)." >&2
  tail -5 "$work/run.log" >&2
fi
exit 0
