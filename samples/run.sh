#!/usr/bin/env bash
# Builds the library and the samples (tests skipped) and runs one sample with the JVM flags it needs.
# Usage: samples/run.sh CLASS [ARGS...]
#   CLASS  a class of org.stableloss.dl4j.samples (e.g. SaturationTable) or a fully qualified name.
# Environment: JAVA_OPTS (extra JVM options, default -Xmx4g), SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
cls=$1; shift
[[ $cls == *.* ]] || cls=org.stableloss.dl4j.samples.$cls
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -ntp -DskipTests install -pl samples -am >&2
  mvn -B -q -ntp -pl samples dependency:build-classpath -Dmdep.outputFile=target/runtime.cp \
    -Dmdep.includeScope=runtime >&2
fi
# --add-modules jdk.incubator.vector enables LossSkipGram's CPU fast path.
exec java ${JAVA_OPTS:--Xmx4g} --add-modules jdk.incubator.vector -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "samples/target/classes:dl4j-stable-loss/target/classes:$(cat samples/target/runtime.cp)" "$cls" "$@" 2> >(grep -v '^WARNING: Using incubator modules' >&2)
