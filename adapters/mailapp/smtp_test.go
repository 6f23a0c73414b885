package mailapp

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/core"
)

// A reply sent by SMTP (STARTTLS and implicit TLS) to a relay address
// lands in the buyers' mailbox, where IMAP finds it.
func TestSMTPSendReachesRelayMailbox(t *testing.T) {
	env := netEnv(t)
	for _, c := range []struct {
		srv Server
		to  string
	}{
		{env.SMTP, "a1b2" + netToken() + "@marketplace.amazon.com"},
		{env.SMTPS, "x9" + netToken() + "@marketplace.amazon.co.jp"},
	} {
		t.Run(c.srv.Security.String(), func(t *testing.T) {
			id := "sd-reply.c" + netToken() + ".7@shop.test"
			raw := netMessage(id, "seller@shop.test", c.to, "Re: order 123-4567890-1234567", "Your parcel left today.")
			if err := NewSender(c.srv, SMTPOptions{}).Send(netCtx(t), "seller@shop.test", []string{c.to}, raw); err != nil {
				t.Fatal(err)
			}
			netAwait(t, env.Buyers, id)
		})
	}
}

func TestSMTPCheckLogsIn(t *testing.T) {
	env := netEnv(t)
	if err := NewSender(env.SMTPS, SMTPOptions{}).Check(netCtx(t)); err != nil {
		t.Fatal(err)
	}
}

func TestSMTPWrongPasswordIsAClearPermanentError(t *testing.T) {
	env := netEnv(t)
	const wrong = "Wr0ng-pa55word"
	for _, srv := range []Server{env.SMTP, env.SMTPS} {
		real := srv.Password
		srv.Password = wrong
		err := NewSender(srv, SMTPOptions{}).Check(netCtx(t))
		if core.ErrorCode(err) != core.Forbidden || Temporary(err) {
			t.Fatalf("%s: code %s: %v", srv, core.ErrorCode(err), err)
		}
		msg := err.Error()
		for _, want := range []string{srv.Key, srv.Addr, srv.User, "refused the login", "535"} {
			if !strings.Contains(msg, want) {
				t.Errorf("error %q does not say %q", msg, want)
			}
		}
		if strings.Contains(msg, wrong) || strings.Contains(msg, real) {
			t.Fatalf("error shows a password: %s", msg)
		}
	}
}

// A 5xx is permanent (the outbox must stop and tell staff), a 4xx or an
// unreachable server temporary; the server's words are in the error.
func TestSMTPErrorsClassified(t *testing.T) {
	env := netEnv(t)
	s := NewSender(env.SMTP, SMTPOptions{})
	send := func(to ...string) error {
		return s.Send(netCtx(t), "seller@shop.test", to, netMessage(netToken()+"@shop.test", "seller@shop.test", to[0], "x", "y"))
	}
	err := send("someone@refused.test")
	if core.ErrorCode(err) != core.Invalid || Temporary(err) || !strings.Contains(err.Error(), "550 ") ||
		!strings.Contains(err.Error(), "Recipient refused (test server)") || !strings.Contains(err.Error(), "someone@refused.test") {
		t.Fatalf("refused recipient: %v", err)
	}
	if err := send("nobody-" + netToken() + "@shop.test"); core.ErrorCode(err) != core.Invalid {
		t.Fatalf("unknown local user: %v", err)
	}
	err = send("someone@tempfail.test")
	if !Temporary(err) || !strings.Contains(err.Error(), "450 ") || !strings.Contains(err.Error(), "try again later") {
		t.Fatalf("4xx: %v", err)
	}
	// One refused recipient stops the whole mail: none is delivered.
	id := netToken() + "@shop.test"
	ok := "ok" + netToken() + "@marketplace.amazon.com"
	err = s.Send(netCtx(t), "seller@shop.test", []string{ok, "x@refused.test"}, netMessage(id, "seller@shop.test", ok, "x", "y"))
	if Temporary(err) || err == nil {
		t.Fatalf("mixed recipients: %v", err)
	}
	if err := s.Send(netCtx(t), "seller@shop.test", nil, nil); core.ErrorCode(err) != core.Invalid {
		t.Fatalf("no recipient: %v", err)
	}

	down, err := ParseSMTPURL("mail.smtp_url", "smtps://u@127.0.0.1:1", "pw")
	if err != nil {
		t.Fatal(err)
	}
	err = NewSender(down, SMTPOptions{}).Send(netCtx(t), "seller@shop.test", []string{"a@b.test"}, []byte("x"))
	if !Temporary(err) || !strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("closed port: %v", err)
	}
}

func TestSMTPCancelledContext(t *testing.T) {
	env := netEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := NewSender(env.SMTP, SMTPOptions{}).Send(ctx, "seller@shop.test", []string{"a@buyer.test"}, []byte("x"))
	if !errors.Is(err, context.Canceled) || !Temporary(err) {
		t.Fatalf("cancelled: %v", err)
	}
}
