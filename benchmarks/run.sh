#!/usr/bin/env bash
# Builds the modules (tests skipped) and runs the JMH benchmarks or the accuracy report.
#   benchmarks/run.sh [JMH ARGS...]            JMH, e.g. LossBenchmark -p elements=4194304 -p dtype=FLOAT
#                                              (add -prof org.stableloss.dl4j.benchmarks.FreshPagesProfiler
#                                               for off-heap bytes per op, -prof gc for heap bytes per op)
#   benchmarks/run.sh --accuracy-report [DIR]  the accuracy report (default DIR benchmarks/target/accuracy-report)
#   benchmarks/run.sh --fit-step [OPTIONS...]  fit-step ratios, interleaved best of N (FitStepReport), e.g.
#                                              --jvm /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --vector false
#   benchmarks/run.sh --scale [OPTIONS...]     training cost and quality against table size on planted data, every
#                                              trainer and peer in its own process (ScaleReport; --help)
# JMH forks get no JVM flags beyond -Xmx4g: add -jvmArgsAppend --add-modules=jdk.incubator.vector for the vector path.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install -pl benchmarks -am >&2
if [ "${1:-}" = --accuracy-report ]; then
  out=$(realpath -m "${2:-benchmarks/target/accuracy-report}")
  exec mvn -B -q -pl benchmarks exec:exec -Dbench.main=org.stableloss.dl4j.benchmarks.AccuracyReport \
    -Djmh.args="$out"
fi
if [ "${1:-}" = --fit-step ]; then
  shift
  exec mvn -B -q -pl benchmarks exec:exec -Dbench.main=org.stableloss.dl4j.benchmarks.FitStepReport -Djmh.args="$*"
fi
if [ "${1:-}" = --scale ]; then
  shift
  exec mvn -B -q -pl benchmarks exec:exec -Dbench.main=org.stableloss.dl4j.benchmarks.scale.ScaleReport \
    -Djmh.args="$*"
fi
exec mvn -B -q -pl benchmarks exec:exec -Djmh.args="$*"
