#!/usr/bin/env bash
# Builds what the sample needs and runs ExtendExistingModel (options: --help), e.g.
#   samples/run-extend-existing-model.sh [--data FILE] [--out DIR] [--model FILE] [--epochs N] [--seed N]
# The same as samples/run.sh ExtendExistingModel; see that script for SKIP_BUILD, JAVA_OPTS and OMP_NUM_THREADS.
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" ExtendExistingModel "$@"
