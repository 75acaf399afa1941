#!/usr/bin/env bash
# Runs a Sluice Streams example against a running broker (./sluice server): builds on first use, then
#   examples/streams/run.sh wordcount|clicks|enrich [--bootstrap host:port] [--demo N]
# Each example creates its topics, feeds N demo records (default 20; 0: none, produce your own with
# ./sluice produce), and prints the results until Ctrl-C.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
case "${1:-}" in
  wordcount) main=WordCountExample ;;
  clicks) main=WindowedClicksExample ;;
  enrich) main=EnrichmentExample ;;
  -h|--help|"") sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "run.sh: unknown example '$1' (wordcount, clicks, enrich)" >&2; exit 2 ;;
esac
shift
stamp="$here/target/lib/.built"
if [ ! -f "$stamp" ] || [ -n "$(find "$root/modules" "$here/src" -name '*.java' -newer "$stamp" -print -quit)" ]; then
  echo "run.sh: building (mvn -B -q -DskipTests package -pl examples/streams -am)" >&2
  (cd "$root" && mvn -B -q -DskipTests package -pl examples/streams -am) >&2
  touch "$stamp"
fi
exec java -p "$here/target/lib" -cp "$here/target/lib-cp/*" --add-modules ALL-MODULE-PATH \
  --add-opens java.base/java.nio=lmdbjava --add-exports java.base/sun.nio.ch=lmdbjava \
  -m "dev.sluice.examples.streams/dev.sluice.examples.streams.$main" "$@"
