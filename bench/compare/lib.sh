# Shared by bench/compare-kafka.sh and bench/compare-cluster.sh (sourced, not run).
# Expects: root (the checkout), here (bench/compare), work (the run's directory), log (a function).

# Fetches Apache Kafka (broker + tools) $1 from Maven Central into $2/lib once; never a dependency of Sluice.
fetch_kafka() { # version cache-dir
  local version=$1 cache=$2
  if [ ! -f "$cache/lib/.complete" ]; then
    log "fetching Apache Kafka $version from Maven Central into $cache"
    mkdir -p "$cache"
    cp "$here/kafka-pom.xml" "$cache/pom.xml"
    rm -rf "$cache/lib"
    (cd "$cache" && mvn -B -q -Dkafka.version="$version" dependency:copy-dependencies \
        -DoutputDirectory=lib -DincludeScope=runtime)
    touch "$cache/lib/.complete"
  fi
}

# Builds Sluice if needed (./sluice builds itself) and copies its module path to $work/sluice-lib, so a
# concurrent rebuild cannot change the jars under a running broker; sets sluice_commit.
snapshot_sluice() {
  log "building Sluice if needed (./sluice)"
  local attempt
  for attempt in 1 2 3; do
    if "$root/sluice" --help > /dev/null 2> "$work/sluice-build.log"; then break; fi
    if [ "$attempt" = 3 ]; then cat "$work/sluice-build.log" >&2; exit 1; fi
    log "  build failed (someone's module mid-change?), retrying in 60 s"; sleep 60
  done
  cp -r "$root/tools/target/lib" "$work/sluice-lib"
  cp -r "$root/tools/target/lib-patch" "$work/sluice-lib-patch"
  [ -d "$root/tools/target/lib-cp" ] && cp -r "$root/tools/target/lib-cp" "$work/sluice-lib-cp"
  sluice_commit="$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- modules storage-file tools || echo '+dirty')"
}
