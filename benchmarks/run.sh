#!/usr/bin/env bash
# Builds and runs the Switchboard benchmark: overhead against the raw RestClient and Spring Cloud LoadBalancer,
# one slow instance of three (round-robin vs p2c-ewma), one instance of three killed under load.
# Extra arguments go to the harness, e.g. --rounds=7 --seconds=3 --transports=http-components,simple
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -pl benchmarks -am package
mkdir -p benchmarks/target
java -Xms512m -Xmx512m -jar benchmarks/target/benchmarks.jar --out=benchmarks/target/results.md "$@" 2>&1 \
	| grep -v -e ' WARN ' -e ' INFO '
echo
echo "Results written to benchmarks/target/results.md"
