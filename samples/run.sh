#!/usr/bin/env bash
# Builds the library and the samples (tests skipped) and runs one sample with the JVM settings it needs.
# Usage: samples/run.sh CLASS [ARGS...]
#   CLASS  a class of org.stableloss.dl4j.samples (TagEmbeddings, DropInDemo, SaturationTable, ...) or a
#          fully qualified name.
# Environment: SKIP_BUILD=1 reuses the last build; JAVA_OPTS adds JVM options; OMP_NUM_THREADS sets ND4J's
# OpenMP threads (default 1 here: the samples' arrays are small, and spare OpenMP threads spinning on a busy
# machine slow each training step down, see docs/troubleshooting.md).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
[ $# -ge 1 ] || { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
cls=$1; shift
[[ $cls == *.* ]] || cls=org.stableloss.dl4j.samples.$cls
if [[ ${SKIP_BUILD:-0} != 1 || ! -s samples/target/classpath.txt ]]; then
  mvn -B -q -pl samples -am -DskipTests install dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime >&2
fi
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
# --add-modules jdk.incubator.vector enables LossSkipGram's CPU fast path.
# shellcheck disable=SC2086
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx2g --add-modules jdk.incubator.vector -Djava.awt.headless=true \
    ${JAVA_OPTS:-} -cp "samples/target/classes:$(cat samples/target/classpath.txt)" "$cls" "$@"
