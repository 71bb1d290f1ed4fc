#!/usr/bin/env bash
# Proves docs/local-development.md, "Run the functions on your machine": the bundled functions, run by
# `serverless invoke local --stage local`, reach local stand-ins through the SDK's own endpoint
# variables, record a FAILOVER, and reject a malformed event with one error and no write.
# First, its malformed-event command exactly as written (default stage, no --stage): it
# must reach the handler with no AWS account and no network, so the function environment may hold
# no CloudFormation Ref for invoke local to resolve.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f .local-aws.env
log=$(mktemp -d)

if env -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_DYNAMODB -u AWS_ENDPOINT_URL_ROUTE_53 -u AWS_ENDPOINT_URL_CLOUDWATCH -u AWS_ENDPOINT_URL_SNS \
  -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=dummy AWS_SECRET_ACCESS_KEY=dummy \
  npx serverless invoke local -f alarm -p events/malformed.json > "$log/default-stage" 2>&1; then
  echo "malformed event (default stage) should fail the invocation"; cat "$log/default-stage"; rm -rf "$log"; exit 1
fi
grep -q '"errorType": "InvalidEventError"' "$log/default-stage" || { echo "malformed event (default stage) should end in InvalidEventError"; cat "$log/default-stage"; rm -rf "$log"; exit 1; }

# In a process group of its own (job control on for this one job): npx does not pass a signal on to
# tsx and the node process serving the ports, so the whole group is stopped, not npx alone.
set -m
npx tsx scripts/local-aws.ts --minutes 5 > "$log/local-aws.log" 2>&1 &
server=$!
set +m
trap 'kill -- -"$server" 2>/dev/null || true; rm -rf "$log"' EXIT
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
# The failwatch command reads what the functions recorded (its table and topic are in .local-aws.env).
npx failwatch status > "$log/status" 2>&1 || { echo "failwatch status failed"; cat "$log/status"; exit 1; }
grep -q 'DNS serves  secondary 10.0.1.1' "$log/status" || { echo "failwatch status should show the secondary serving"; cat "$log/status"; exit 1; }
npx failwatch history > "$log/history" 2>&1 || { echo "failwatch history failed"; cat "$log/history"; exit 1; }
grep -q 'FAILOVER' "$log/history" || { echo "failwatch history should list the FAILOVER"; cat "$log/history"; exit 1; }
if invoke -f alarm -p events/malformed.json > /dev/null; then echo "malformed event should fail the invocation"; exit 1; fi
grep -q '"errorType": "InvalidEventError"' "$log/stdout" || { echo "malformed event should end in InvalidEventError"; cat "$log/stdout"; exit 1; }
echo "invoke local: first sweep stored state, second recorded and published FAILOVER (failwatch status and history show it), malformed event rejected (default stage and --stage local)"
