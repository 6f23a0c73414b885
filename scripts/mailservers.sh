#!/usr/bin/env bash
# Starts throw-away mail servers for the email channel's tests: Dovecot (IMAP,
# LMTP, SASL) and Postfix (submission), from Debian's packages, configured only
# from files under $MAILSERVERS_DIR (default /run/sellerdesk-mail), so the
# machine's own mail setup does not matter. Run as root. Running it again stops
# the servers it started, wipes their mail and starts them fresh.
#
# stdout is only `export …` lines for the tests, so callers do:
#   eval "$(sudo bash scripts/mailservers.sh)"
# Everything else goes to stderr.
#
#   127.0.0.1:10143  IMAP, STARTTLS        127.0.0.1:10993  IMAPS (implicit TLS)
#   127.0.0.1:10587  SMTP submission, STARTTLS + AUTH required
#   127.0.0.1:10465  SMTPS (implicit TLS) + AUTH required
# Users (passwd-file): seller@shop.test and buyers@shop.test, password below.
# Mail to any address at marketplace.amazon.<tld> (the relay addresses) and at
# buyer.test lands in buyers@shop.test's INBOX. Mail to any other outside
# domain (e.g. x@bounce.test) is accepted and bounces back to the sender at
# once (a real DSN in the seller's INBOX). RCPT to any @tempfail.test gets
# 450, to any @refused.test 550, and to an unknown @shop.test user 550.
set -euo pipefail

base=${MAILSERVERS_DIR:-/run/sellerdesk-mail}
password=${MAILSERVERS_PASSWORD:-sd-test-Mail-pw7}
imap_port=10143 imaps_port=10993 submission_port=10587 smtps_port=10465

log() { echo "mailservers: $*" >&2; }

if [ "$(id -u)" != 0 ]; then
  log "run as root (sudo bash scripts/mailservers.sh): Postfix and Dovecot start as root and drop privileges"
  exit 1
fi

case "$base" in
  /?*/*|/run/?*|/tmp/?*) ;;
  *) log "MAILSERVERS_DIR=$base: give a directory of its own (it is wiped on every run)"; exit 1 ;;
esac

if ! command -v dovecot >/dev/null 2>&1 || ! command -v postfix >/dev/null 2>&1 ||
  ! command -v openssl >/dev/null 2>&1 ||
  [ ! -x /usr/lib/dovecot/lmtp ] || [ ! -x /usr/lib/dovecot/imap ]; then
  log "installing dovecot-imapd, dovecot-lmtpd and postfix"
  export DEBIAN_FRONTEND=noninteractive
  # "No configuration": the package must not ask, and must not set up the
  # machine's own mail; this script configures its own instance.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  pkgs="dovecot-imapd dovecot-lmtpd postfix openssl"
  apt-get install -y -qq --no-install-recommends $pkgs >&2 ||
    { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $pkgs >&2; }
fi

# Stop what an earlier run started (idempotent: a second run restarts).
if [ -f "$base/postfix/main.cf" ]; then
  postfix -c "$base/postfix" stop >/dev/null 2>&1 || true
fi
if [ -f "$base/dovecot.conf" ]; then
  doveadm -c "$base/dovecot.conf" stop >/dev/null 2>&1 || true
fi
for _ in $(seq 1 50); do
  busy=0
  for p in $imap_port $imaps_port $submission_port $smtps_port; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then busy=1; fi
  done
  [ $busy = 0 ] && break
  sleep 0.2
done
if [ "$busy" = 1 ]; then
  log "a port of $imap_port $imaps_port $submission_port $smtps_port is still in use by another program"
  exit 1
fi

rm -rf "$base"
mkdir -p "$base/postfix" "$base/mail" "$base/run" "$base/postfix-queue" "$base/postfix-data"
chown postfix "$base/postfix-data"
chmod 755 "$base" "$base/run"
chown mail:mail "$base/mail"
chmod 700 "$base/mail"

# A self-signed certificate for 127.0.0.1/localhost; tests trust it through
# TEST_MAIL_CA, so TLS is verified as in production.
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=sellerdesk test mail" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$base/key.pem" -out "$base/cert.pem" >/dev/null 2>&1
chmod 644 "$base/cert.pem"
chmod 600 "$base/key.pem"

printf '%s\n' \
  "seller@shop.test:{PLAIN}$password" \
  "buyers@shop.test:{PLAIN}$password" >"$base/users"
chown root:dovecot "$base/users"
chmod 640 "$base/users"

dh=/usr/share/dovecot/dh.pem
cat >"$base/dovecot.conf" <<EOF
# Throw-away test instance (scripts/mailservers.sh).
instance_name = sellerdesk-test
base_dir = $base/dovecot-run
state_dir = $base/dovecot-state
log_path = $base/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = required
ssl_cert = <$base/cert.pem
ssl_key = <$base/key.pem
$( [ -f $dh ] && echo "ssl_dh = <$dh" )
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login
# Tests try wrong passwords on purpose: no delay for them, and no
# brute-force penalty slowing every later login from 127.0.0.1 (anvil below).
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = username_format=%u $base/users
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$base/mail/%d/%n
}
first_valid_uid = 8
first_valid_gid = 8
mail_location = maildir:~/Maildir
mail_max_userip_connections = 200
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imaps_port
    ssl = yes
  }
  process_min_avail = 1
}
service lmtp {
  unix_listener $base/run/lmtp {
    mode = 0666
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener $base/run/auth {
    mode = 0666
  }
}
protocol lmtp {
  postmaster_address = postmaster@shop.test
}
EOF

pf=$base/postfix
cat >"$pf/main.cf" <<EOF
# Throw-away test instance (scripts/mailservers.sh).
compatibility_level = 3.6
queue_directory = $base/postfix-queue
data_directory = $base/postfix-data
maillog_file = $base/postfix.log
maillog_file_prefixes = $base
maillog_file_prefixes = $base
myhostname = mail.shop.test
mydomain = shop.test
myorigin = shop.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
biff = no
virtual_mailbox_domains = shop.test
virtual_mailbox_maps = inline:{ seller@shop.test=seller, buyers@shop.test=buyers }
virtual_transport = lmtp:unix:$base/run/lmtp
virtual_alias_domains = regexp:$pf/alias-domains
virtual_alias_maps = regexp:$pf/aliases
# No mail leaves this machine: any other domain bounces to the sender now.
default_transport = error:the test mail server delivers only to shop.test and relay addresses
relay_transport = \$default_transport
smtpd_sasl_type = dovecot
smtpd_sasl_path = $base/run/auth
smtpd_tls_cert_file = $base/cert.pem
smtpd_tls_key_file = $base/key.pem
smtpd_tls_auth_only = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access regexp:$pf/recipient-access, permit_sasl_authenticated, reject
lmtp_destination_recipient_limit = 1
EOF
printf '%s\n' '/^marketplace\.amazon\.[a-z.]+$/ OK' '/^buyer\.test$/ OK' >"$pf/alias-domains"
printf '%s\n' '/@marketplace\.amazon\.[a-z.]+$/ buyers@shop.test' '/@buyer\.test$/ buyers@shop.test' >"$pf/aliases"
# Fixed answers for the error-handling tests.
printf '%s\n' '/@tempfail\.test$/ 450 4.2.0 Mailbox busy, try again later (test server)' \
  '/@refused\.test$/ 550 5.7.1 Recipient refused (test server)' >"$pf/recipient-access"
sub="-o smtpd_sasl_auth_enable=yes -o smtpd_client_restrictions=permit_sasl_authenticated,reject"
cat >"$pf/master.cf" <<EOF
$submission_port inet n - n - - smtpd -o smtpd_tls_security_level=encrypt $sub
$smtps_port inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt $sub
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 1 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF

log "starting Dovecot"
# The daemons must not inherit this script's stdout or stderr: a caller
# reading them ($(...), a CI log pipe) would wait for them forever.
if ! dovecot -c "$base/dovecot.conf" </dev/null >"$base/dovecot-start.log" 2>&1; then
  cat "$base/dovecot-start.log" >&2
  exit 1
fi
log "starting Postfix"
if ! postfix -c "$pf" start </dev/null >"$base/postfix-start.log" 2>&1; then
  cat "$base/postfix-start.log" >&2
  # Postfix reports a bad setting only to syslog or a terminal.
  script -qc "postfix -c $pf check" /dev/null >&2 || true
  cat "$base/postfix.log" >&2 2>/dev/null || true
  exit 1
fi

for p in $imap_port $imaps_port $submission_port $smtps_port; do
  up=0
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then up=1; break; fi
    sleep 0.1
  done
  if [ $up = 0 ]; then
    log "port $p did not open; logs: $base/dovecot.log $base/postfix.log"
    exit 1
  fi
done

user=seller%40shop.test buyers=buyers%40shop.test
cat <<EOF | tee "$base/env"
export TEST_IMAP_URL='imap://$user:$password@127.0.0.1:$imap_port/INBOX'
export TEST_IMAPS_URL='imaps://$user:$password@127.0.0.1:$imaps_port/INBOX'
export TEST_IMAP_BUYERS_URL='imaps://$buyers:$password@127.0.0.1:$imaps_port/INBOX'
export TEST_SMTP_URL='smtp://$user:$password@127.0.0.1:$submission_port'
export TEST_SMTPS_URL='smtps://$user:$password@127.0.0.1:$smtps_port'
export TEST_MAIL_CA='$base/cert.pem'
export TEST_MAIL_MAILDIR='$base/mail/shop.test'
EOF
log "up: IMAP $imap_port (STARTTLS), IMAPS $imaps_port, submission $submission_port (STARTTLS), SMTPS $smtps_port; env also in $base/env"
