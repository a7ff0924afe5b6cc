#!/usr/bin/env bash
# Builds what the sample needs and runs TagEmbeddings (options: --help), e.g.
#   samples/run-tag-embeddings.sh [--data FILE] [--out DIR] [--epochs N] ...
# The same as samples/run.sh TagEmbeddings; see that script for SKIP_BUILD, JAVA_OPTS and OMP_NUM_THREADS.
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" TagEmbeddings "$@"
