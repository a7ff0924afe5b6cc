#!/usr/bin/env bash
# run-tag-embeddings.sh - build what the sample needs and run TagEmbeddings (options: --help).
#   samples/run-tag-embeddings.sh [--data FILE] [--out DIR] [--epochs N] ...
# Builds the library and samples modules (tests skipped), writes the runtime classpath to
# samples/target/classpath.txt, then runs the job on a JVM with the vector module (LossSkipGram's CPU
# fast path). Set SKIP_BUILD=1 to reuse the last build, MAIN=<class> to run another sample
# (e.g. org.stableloss.dl4j.samples.DropInDemo), JAVA_OPTS for extra JVM options,
# OMP_NUM_THREADS for ND4J's threads (default here: 1).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
if [[ ${SKIP_BUILD:-0} != 1 || ! -s samples/target/classpath.txt ]]; then
  mvn -B -q -pl samples -am -DskipTests package dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
fi
# One OpenMP thread: the arrays are small, and spare OpenMP threads spinning on a busy machine made every
# step ~10x slower in our runs (2 shared cores). Override with OMP_NUM_THREADS=n.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
MAIN=${MAIN:-org.stableloss.dl4j.samples.TagEmbeddings}
# shellcheck disable=SC2086
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx2g --add-modules jdk.incubator.vector -Djava.awt.headless=true \
    ${JAVA_OPTS:-} -cp "samples/target/classes:$(cat samples/target/classpath.txt)" "$MAIN" "$@"
