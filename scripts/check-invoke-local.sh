#!/usr/bin/env bash
# Proves the README's "Run the handlers locally": the bundled functions, run by
# `serverless invoke local --stage local`, reach local stand-ins through the SDK's own endpoint
# variables, record a FAILOVER, and reject a malformed event with one error and no write.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f .local-aws.env
log=$(mktemp -d)
npx tsx scripts/local-aws.ts --minutes 5 > "$log/local-aws.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$log"' EXIT
for _ in $(seq 1 60); do [ -s .local-aws.env ] && grep -q FAILWATCH_LOCAL_CONTROL .local-aws.env && break; sleep 0.5; done
# shellcheck disable=SC1091
source .local-aws.env
invoke() { npx serverless invoke local --stage local "$@" 2>"$log/stderr" | tee "$log/stdout"; }

invoke -f poll -p events/scheduled.json > /dev/null
grep -q '"transitionsRecorded": 0' "$log/stdout" || { echo "first sweep should only store state"; cat "$log/stdout"; exit 1; }
curl -fsS -X POST "$FAILWATCH_LOCAL_CONTROL/primary/unhealthy" > /dev/null
invoke -f poll -p events/scheduled.json > /dev/null
grep -q '"FAILOVER"' "$log/stdout" || { echo "second sweep should record FAILOVER"; cat "$log/stdout" "$log/stderr"; exit 1; }
grep -q '"notificationsSent": 1' "$log/stdout" || { echo "FAILOVER should be published"; cat "$log/stdout"; exit 1; }
if invoke -f alarm -p events/malformed.json > /dev/null; then echo "malformed event should fail the invocation"; exit 1; fi
grep -q '"errorType": "InvalidEventError"' "$log/stdout" || { echo "malformed event should end in InvalidEventError"; cat "$log/stdout"; exit 1; }
echo "invoke local: first sweep stored state, second recorded and published FAILOVER, malformed event rejected"
