#!/usr/bin/env bash
# End-to-end benchmarks: Prodigy against xargs -P and a bash git-worktree script.
# Usage: prodigy-benchmarks/run.sh [--quick | --smoke] [--only name,name] [--no-build]
# Writes prodigy-benchmarks/target/results.json. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
args=()
for a in "$@"; do
  if [ "$a" = "--no-build" ]; then build=0; else args+=("$a"); fi
done
if [ "$build" = 1 ]; then
  mvn -B -q ${MVN_OPTS_EXTRA:-} -pl prodigy-benchmarks -am package -DskipTests
fi
exec java -cp prodigy-benchmarks/target/benchmarks.jar io.prodigy.benchmarks.e2e.Harness \
  --out prodigy-benchmarks/target/results.json "${args[@]}"
