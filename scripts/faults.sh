#!/usr/bin/env bash
# Fault tests (issue 7, item 3): `go test -tags faults -run Fault ./bot/`.
# bot/faults_test.go runs the real `bot serve` as two replicas on one
# PostgreSQL schema, against a fake Slack (or Discord):
#   TestFaultPostgresRestart   PostgreSQL stopped for a few seconds under load
#     on both replicas (/healthz, help-page buyer messages, Slack /desk, an open
#     console): clear `unavailable` answers without credentials, /healthz 503
#     then 200, recovery without restarts; then every accepted message drafted,
#     every outbox message in Slack once and in order (a burst of alerts was
#     being posted as it stopped), sweeps and reminders running again
#     (river_job, sellerdesk_jobs_total).
#   TestFaultKillDuringDelivery  the replica posting to Slack killed with
#     SIGKILL mid-post; the other takes over after the delivery lease (30 s)
#     and finds the post by the outbox id in its metadata: posted once, and a
#     later reply updates that post.
#   TestFaultKillDuringDiscordDelivery  the same with Discord: the replica
#     whose message create Discord holds (made there) killed with SIGKILL;
#     the other's create after the lease carries the same enforced nonce,
#     and Discord answers with the message made first: one message per
#     outbox id, in order, and a later reply's edit goes to it.
#   TestFaultGracefulDrain  SIGTERM to the replica delivering a backlog to a
#     slow Slack with requests under way: they are answered, it exits 0 within
#     jobs.shutdown_grace and a margin, the other finishes the backlog, once
#     and in order, also after the drained replica is started again.
#   TestFaultKillDuringMailSend  the replica sending a staff reply by SMTP
#     killed with SIGKILL mid-DATA (a proxy in the test holds its connection
#     after part of the message, then closes it: the server drops it); the
#     other takes the mail sink over after the lease, looks in Sent, sends
#     once: one copy with the reply's Message-ID in the buyers' mailbox and
#     one in Sent. Needs the mail servers (scripts/mailservers.sh); their
#     variables are read from /run/sellerdesk-mail/env when unset.
#   TestFaultKillDuringAmazonConfirm  the replica confirming a shipment on
#     Amazon (the fake SP-API, behind one proxy per replica) killed with
#     SIGKILL while the fake holds its confirmShipment (taken, answer not
#     sent); the other takes the amazon sink over after the lease, finds the
#     tracking number among the order's packages (getOrder) and confirms
#     nothing again: one confirmShipment, the shipment reads confirmed.
# -run Fault also runs bot/faults_platform_test.go (no PostgreSQL: a hanging
# model endpoint; Slack and Discord answering 500 and 429).
# The PostgreSQL tests stop and start the machine's cluster (pg_ctlcluster,
# as root): don't run them next to other tests that use that database.
# Extra arguments go to go test (e.g. -run FaultKill, -run FaultKillDuringDiscord).
set -euo pipefail
cd "$(dirname "$0")/.."

export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
export CI="${CI:-true}" # a missing database or pg_ctlcluster fails instead of skipping

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

# The mail servers' variables, when scripts/mailservers.sh has started them
# (CI starts them first); without them the mail test fails under CI.
if [[ -z "${TEST_SMTP_URL:-}" && -r /run/sellerdesk-mail/env ]]; then
  # shellcheck disable=SC1091
  source /run/sellerdesk-mail/env
fi

go test -tags faults -run Fault -v -count=1 "$@" ./bot/
