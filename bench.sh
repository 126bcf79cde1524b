#!/usr/bin/env bash
# The benchmark (issue 7): never part of ./test.sh or `mvn verify`. Builds the jar, then runs
# benchmarks/ (Maven profile `bench`): a production-mode Keycloak on the local PostgreSQL
# (database ocq_bench, dropped and recreated), Gatling load, ratios against the targets.
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres, as the tests do.
#
# Options are key=value, for example a quick run:
#   ./bench.sh sizes=200,2000 signin.warmup=20 signin.flows=40 rounds=1 reset.warmup=5 reset.flows=20 \
#     isolation.flows=40 isolation.rate=3 contention.clients=20 stock.users=100
# (all keys and defaults: DEFAULTS in benchmarks/src/main/java/com/ocq/keycloak/bench/Bench.java).
# Results: printed at the end and in benchmarks/target/bench/results.md; server log in benchmarks/target/bench/logs/.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B -ntp -Pbench -pl benchmarks -am verify -DskipTests -Dbench.options="$*"
