#!/usr/bin/env bash
# run-notebooks.sh - execute the Java sample notebooks headlessly (for CI and users).
#
# Usage:
#   samples/notebooks/run-notebooks.sh --build [NOTEBOOK.ipynb ...]
#   samples/notebooks/run-notebooks.sh [CLASSPATH_DIR] [NOTEBOOK.ipynb ...]
#
#   --build        first builds the library and samples and fills samples/target/notebook-classpath
#                  (what CI and a fresh clone use).
#
#   CLASSPATH_DIR  directory of jars the notebooks run against; every *.jar in it
#                  goes on the kernel's classpath (RJK_CLASSPATH="<dir>/*").
#                  Default: $NOTEBOOK_CLASSPATH, else samples/target/notebook-classpath.
#                  Prepare it from the repo root (builds the library jar in the same reactor):
#                    mvn -B -q -pl samples -am -DskipTests package dependency:copy-dependencies \
#                        -DincludeScope=runtime -DoutputDirectory=target/notebook-classpath
#                  -> samples/target/notebook-classpath/ holds the library jar, DL4J/ND4J
#                  (native, linux-x86_64) and slf4j-simple; add the samples jar too if the
#                  notebooks use classes from samples/src.
#   NOTEBOOK       notebooks to run; default: every samples/notebooks/*.ipynb.
#
# What it does:
#   1. installs the Debian Jupyter client packages if missing (root or sudo; apt-get update
#      only when the install fails without it);
#   2. fetches the Java kernel jar (io.github.padreati:rapaio-jupyter-kernel, a fat jar,
#      JShell-based) with Maven into samples/target/notebook-kernel/;
#   3. writes a kernel spec "java-stableloss" into a private JUPYTER_PATH under
#      samples/target/notebook-jupyter/ (nothing is written to ~/.local or ~/.jupyter);
#   4. executes each notebook with `jupyter nbconvert --execute` into
#      samples/target/notebook-output/, retrying kernel start-up failures only (the kernel
#      has a start-up race, ~1 start in 6 fails), and fails on any cell error.
#   Last line of output: "notebooks: N passed, M failed"; exit status 1 if a notebook failed,
#   2 on a set-up failure (then every notebook counts as failed), 0 otherwise.
#
# Environment (all optional):
#   NOTEBOOK_CLASSPATH  classpath dir (see above)        NB_OUTPUT_DIR  executed notebooks
#   NB_TIMEOUT          per-cell timeout, s (600)        NB_TRIES       start-up tries (5)
#   NB_STARTUP_TIMEOUT  kernel start-up timeout, s (20)  NB_JAVA_OPTS   kernel JVM options
#   RJK_VERSION         kernel version (3.0.1)           MVN            maven command (mvn)
#   JAVA_HOME           JDK 17+ for the kernel (default: java on PATH)
#   NB_PYTHON           python with nbconvert (/usr/bin/python3; a pyenv python3 on PATH
#                       would not see the Debian packages)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SAMPLES_DIR=$(dirname "$SCRIPT_DIR")
TARGET_DIR="$SAMPLES_DIR/target"

case ${1:-} in -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
CP_DIR=${NOTEBOOK_CLASSPATH:-$TARGET_DIR/notebook-classpath}
if [[ ${1:-} == --build ]]; then
  shift
  rm -rf "$TARGET_DIR/notebook-classpath"
  (cd "$SAMPLES_DIR/.." && ${MVN:-mvn} -B -q -pl samples -am -DskipTests package dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory=target/notebook-classpath >&2)
  cp "$TARGET_DIR"/dl4j-stable-loss-samples-*.jar "$TARGET_DIR/notebook-classpath/"
  CP_DIR=$TARGET_DIR/notebook-classpath
fi
if [[ $# -gt 0 && $1 != *.ipynb ]]; then CP_DIR=$1; shift; fi
OUT_DIR=${NB_OUTPUT_DIR:-$TARGET_DIR/notebook-output}
NB_TIMEOUT=${NB_TIMEOUT:-600}
NB_TRIES=${NB_TRIES:-5}
NB_STARTUP_TIMEOUT=${NB_STARTUP_TIMEOUT:-20}
# The vector module enables LossSkipGram's CPU fast path in the kernel's JVM.
NB_JAVA_OPTS=${NB_JAVA_OPTS:--Djava.awt.headless=true --add-modules jdk.incubator.vector}
# One OpenMP thread per ND4J op: spare threads spinning on a busy 2-core machine slow small arrays ~10x.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
RJK_VERSION=${RJK_VERSION:-3.0.1}
MVN=${MVN:-mvn}
NB_PYTHON=${NB_PYTHON:-/usr/bin/python3}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
NOTEBOOKS=()
KERNEL_NAME=java-stableloss
KERNEL_DIR="$TARGET_DIR/notebook-kernel"
KERNEL_JAR="$KERNEL_DIR/rapaio-jupyter-kernel-$RJK_VERSION.jar"
JUPYTER_DIR="$TARGET_DIR/notebook-jupyter"

log() { echo "run-notebooks: $*" >&2; }
die() {  # infrastructure failure: every notebook counts as failed
  log "ERROR: $*"; echo "notebooks: 0 passed, ${#NOTEBOOKS[@]} failed"; exit 2
}

if [[ $# -gt 0 ]]; then NOTEBOOKS=("$@"); else
  shopt -s nullglob; NOTEBOOKS=("$SCRIPT_DIR"/*.ipynb); shopt -u nullglob
fi
if (( ${#NOTEBOOKS[@]} == 0 )); then
  log "no notebooks found in $SCRIPT_DIR"; echo "notebooks: 0 passed, 0 failed"; exit 0
fi

# ---- 1. Jupyter client (Debian packages) -----------------------------------------------
APT_PKGS=(jupyter-nbconvert python3-nbclient python3-nbformat jupyter-client)
have_jupyter() { "$NB_PYTHON" -c 'import nbconvert, nbclient, nbformat, jupyter_client' 2>/dev/null; }
if ! have_jupyter; then
  command -v apt-get >/dev/null || die "$NB_PYTHON lacks nbconvert/nbclient and apt-get is absent; install Jupyter nbconvert and set NB_PYTHON"
  SUDO=; if [[ $(id -u) -ne 0 ]]; then command -v sudo >/dev/null || die "need root or sudo to install: ${APT_PKGS[*]}"; SUDO="sudo -n"; fi
  log "installing ${APT_PKGS[*]}"
  mkdir -p "$TARGET_DIR"; APT_LOG="$TARGET_DIR/notebook-apt.log"
  apt_install() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${APT_PKGS[@]}" >"$APT_LOG" 2>&1 </dev/null; }
  if ! apt_install; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$APT_LOG" 2>&1 </dev/null || { cat "$APT_LOG" >&2; die "apt-get update failed"; }
    apt_install || { cat "$APT_LOG" >&2; die "apt-get install failed"; }
  fi
  have_jupyter || die "$NB_PYTHON still cannot import nbconvert/nbclient after the install"
fi

# ---- 2. Kernel jar ----------------------------------------------------------------------
if [[ ! -s $KERNEL_JAR ]]; then
  log "fetching io.github.padreati:rapaio-jupyter-kernel:$RJK_VERSION"
  mkdir -p "$KERNEL_DIR"
  # Run outside any pom.xml so Maven does not pick up (and run on) the project reactor.
  (cd "$KERNEL_DIR" && $MVN -B -q org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
      -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$RJK_VERSION" \
      -DoutputDirectory="$KERNEL_DIR" </dev/null >"$KERNEL_DIR/fetch.log" 2>&1) \
    || { cat "$KERNEL_DIR/fetch.log" >&2; die "could not fetch the kernel jar with Maven"; }
  [[ -s $KERNEL_JAR ]] || die "kernel jar missing after download: $KERNEL_JAR"
fi

# ---- 3. Private kernel spec ---------------------------------------------------------------
JAVA=$(command -v "$JAVA") || die "java not found (install a JDK 17+ or set JAVA_HOME)"
[[ -d $CP_DIR ]] || die "classpath dir not found: $CP_DIR (see the header of $0)"
CP_DIR=$(cd "$CP_DIR" && pwd)
compgen -G "$CP_DIR/*.jar" >/dev/null || log "warning: no jars in $CP_DIR"
SPEC_DIR="$JUPYTER_DIR/data/kernels/$KERNEL_NAME"
mkdir -p "$SPEC_DIR" "$JUPYTER_DIR/config" "$JUPYTER_DIR/runtime"
"$NB_PYTHON" - "$SPEC_DIR/kernel.json" "$KERNEL_JAR" "$CP_DIR/*" "$NB_JAVA_OPTS" "$JAVA" <<'PY'
import json, shlex, sys
spec_file, jar, cp, java_opts, java = sys.argv[1:6]
spec = {
    "argv": [java, *shlex.split(java_opts), "-cp", jar,
             "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"],
    "display_name": "Java (dl4j-stable-loss)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {"RJK_CLASSPATH": cp},
}
with open(spec_file, "w") as f:
    json.dump(spec, f, indent=2)
PY
export JUPYTER_PATH="$JUPYTER_DIR/data${JUPYTER_PATH:+:$JUPYTER_PATH}"
export JUPYTER_DATA_DIR="$JUPYTER_DIR/data"
export JUPYTER_CONFIG_DIR="$JUPYTER_DIR/config"
export JUPYTER_RUNTIME_DIR="$JUPYTER_DIR/runtime"
export JUPYTER_PLATFORM_DIRS=${JUPYTER_PLATFORM_DIRS:-0}

# ---- 4. Execute -------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
STARTUP_ERR="Kernel didn't respond|Kernel died before replying to kernel_info"
passed=0; failed=0; failed_names=()
for nb in "${NOTEBOOKS[@]}"; do
  [[ -f $nb ]] || { log "FAIL $nb: no such file"; failed=$((failed+1)); failed_names+=("$nb"); continue; }
  name=$(basename "$nb"); nblog="$OUT_DIR/${name%.ipynb}.log"
  ok=0; try=1; start=$SECONDS
  rm -f "${nblog%.log}".try*.log "$OUT_DIR/$name"
  while :; do
    if "$NB_PYTHON" -m nbconvert --to notebook --execute \
         --ExecutePreprocessor.kernel_name="$KERNEL_NAME" \
         --ExecutePreprocessor.timeout="$NB_TIMEOUT" \
         --ExecutePreprocessor.startup_timeout="$NB_STARTUP_TIMEOUT" \
         --output-dir "$OUT_DIR" "$nb" >"$nblog" 2>&1 </dev/null; then
      ok=1; break
    fi
    # Retry only kernel start-up failures, never cell errors.
    if grep -qE "$STARTUP_ERR" "$nblog" && ! grep -q CellExecutionError "$nblog" && (( try < NB_TRIES )); then
      log "$name: kernel start-up failed (try $try/$NB_TRIES: $(grep -oE "$STARTUP_ERR" "$nblog" | head -n1)), retrying"
      mv "$nblog" "${nblog%.log}.try$try.log"
      try=$((try+1)); continue
    fi
    break
  done
  if (( ok )); then
    log "PASS $name ($((SECONDS-start)) s, try $try) -> $OUT_DIR/$name"
    passed=$((passed+1))
  else
    log "FAIL $name (try $try, log: $nblog)"
    # Show the failing cell and its error (ANSI colours stripped), else the log's tail.
    { grep -q CellExecutionError "$nblog" && sed -n '/CellExecutionError:/,$p' "$nblog" || grep -vE '^[[:space:]]' "$nblog" | tail -n 30; } \
      | sed 's/\x1b\[[0-9;]*m//g' | head -n 60 >&2 || true
    failed=$((failed+1)); failed_names+=("$name")
  fi
done
(( failed == 0 )) || log "failed notebooks: ${failed_names[*]}"
echo "notebooks: $passed passed, $failed failed"
(( failed == 0 ))
