#!/usr/bin/env bash
# run-spark-tag-embeddings.sh - build what it needs and run SparkTagEmbeddings in a local Spark (options: --help).
#   scale-out/run-spark-tag-embeddings.sh [--data FILE] [--epochs N] [--master local[N]] [--serializer kryo|java] ...
# Builds the library, samples and scale-out modules (tests skipped), writes the classpath (Spark included: here
# the driver and the executors run in this JVM) to scale-out/target/classpath.txt and runs the job on a JVM with
# the flags Java 17 needs. SKIP_BUILD=1 reuses the last build; JAVA_OPTS adds JVM options; OMP_NUM_THREADS sets
# ND4J's OpenMP threads (default here: 1). For a cluster use spark-submit and the -Papp-jar jar
# (docs/training-at-scale.md).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
if [[ ${SKIP_BUILD:-0} != 1 || ! -s scale-out/target/classpath.txt ]]; then
  # includeScope=test: compile + runtime + provided (Spark, Scala, log4j2); JUnit comes along, unused.
  mvn -B -q -pl scale-out -am -DskipTests package dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt -DincludeScope=test >&2
fi
# One OpenMP thread per JVM: the arrays are small and Spark runs one task thread per core already; spare OpenMP
# threads oversubscribe the cores (see docs/troubleshooting.md).
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
# The local driver and executors bind to loopback whatever the hostname resolves to.
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
# Module opens for an embedded Spark driver + executors on Java 17: the same list as scaleout.jvm.opens in
# scale-out/pom.xml (why each one: see there). spark-submit adds them itself.
OPENS=(--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
       --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
       --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED)
# --add-modules jdk.incubator.vector: LossSkipGram's CPU fast path. Logging: warnings only (log4j2-local.properties).
# shellcheck disable=SC2086
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx2g --add-modules jdk.incubator.vector "${OPENS[@]}" \
    -Dspark.ui.enabled=false -Dlog4j.configurationFile=scale-out/log4j2-local.properties \
    ${JAVA_OPTS:-} -cp "scale-out/target/classes:$(cat scale-out/target/classpath.txt)" \
    org.stableloss.dl4j.scaleout.SparkTagEmbeddings "$@" 2> >(grep -v '^WARNING: Using incubator modules' >&2)
