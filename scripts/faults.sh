#!/usr/bin/env bash
# Fault tests (issue 7, item 3): PostgreSQL restarted under a running
# `bot serve`; and two replicas on one PostgreSQL, the one posting to Slack
# killed with SIGKILL mid-post, the other taking over: Slack must get the
# message exactly once (it finds the post by its outbox id in the message
# metadata). The takeover waits out the delivery lease (30 s by default).
# They stop and start the machine's PostgreSQL cluster (pg_ctlcluster, as
# root): don't run them next to other tests that use that database.
# Extra arguments go to go test (e.g. -run FaultKill).
set -euo pipefail
cd "$(dirname "$0")/.."

export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
export CI="${CI:-true}" # a missing database or pg_ctlcluster fails instead of skipping

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

go test -tags faults -run Fault -v -count=1 "$@" ./bot/
