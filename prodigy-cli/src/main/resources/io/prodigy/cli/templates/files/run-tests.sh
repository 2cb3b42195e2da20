#!/bin/sh
# Runs the project's tests for the test-and-fix workflow. Edit it to run exactly what you want; as written it picks
# the test command of the build it finds. Its output (the end of it) is what the fixing agent sees.
set -e
if [ -f Makefile ] && grep -q '^test:' Makefile; then exec make test; fi
if [ -f mvnw ]; then exec ./mvnw -B -q test; fi
if [ -f pom.xml ]; then exec mvn -B -q test; fi
if [ -f gradlew ]; then exec ./gradlew test; fi
if [ -f package.json ]; then exec npm test; fi
if [ -f Cargo.toml ]; then exec cargo test; fi
if [ -f go.mod ]; then exec go test ./...; fi
if [ -f pyproject.toml ] || [ -f setup.py ] || [ -f pytest.ini ]; then exec python3 -m pytest -q; fi
echo "run-tests.sh: no build found (Makefile with a test target, pom.xml, gradlew, package.json, Cargo.toml," \
     "go.mod, pyproject.toml); edit .prodigy/run-tests.sh to run your tests" >&2
exit 2
