#!/usr/bin/env bash
# Builds the modules (tests skipped) and runs the JMH benchmarks or the accuracy report.
#   benchmarks/run.sh [JMH ARGS...]            JMH, e.g. LossBenchmark -p elements=4194304 -p dtype=FLOAT
#                                              (add -prof org.stableloss.dl4j.benchmarks.FreshPagesProfiler
#                                               for off-heap bytes per op, -prof gc for heap bytes per op)
#   benchmarks/run.sh --accuracy-report [DIR]  the accuracy report (default DIR benchmarks/target/accuracy-report)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install -pl benchmarks -am >&2
if [ "${1:-}" = --accuracy-report ]; then
  out=$(realpath -m "${2:-benchmarks/target/accuracy-report}")
  exec mvn -B -q -pl benchmarks exec:exec -Dbench.main=org.stableloss.dl4j.benchmarks.AccuracyReport \
    -Djmh.args="$out"
fi
exec mvn -B -q -pl benchmarks exec:exec -Djmh.args="$*"
