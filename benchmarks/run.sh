#!/usr/bin/env bash
# Runs the JMH benchmarks. Arguments go to JMH (e.g. a regex of benchmarks, -p elements=4194304, -rf json).
# Example: benchmarks/run.sh LossBenchmark -p elements=4194304
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install -pl benchmarks -am
exec mvn -B -q -pl benchmarks exec:exec -Djmh.args="$*"
