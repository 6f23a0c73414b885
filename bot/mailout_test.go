package main

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/mailapp"
	"github.com/sellerdesk/sellerdesk/adapters/mailapp/mailtest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// openMailBot opens the bot with mail configured against the test
// servers (password as given) and returns it with its log.
func openMailBot(t *testing.T, mail mailtest.Env, password string) (*Main, *enginetest.LogBuffer) {
	t.Helper()
	t.Chdir(t.TempDir())
	imapURL := url.URL{Scheme: "imaps", User: url.User(mail.Seller.User), Host: mail.Seller.Addr, Path: "/" + mail.Folder(t, "Inbox")}
	smtpURL := url.URL{Scheme: "smtp", User: url.User(mail.SMTP.User), Host: mail.SMTP.Addr}
	m, err := NewMain("", []string{"SELLERDESK_DATABASE_URL=sqlite:shop.db", "SELLERDESK_HTTP_ADDR=127.0.0.1:0", "SELLERDESK_HTTP_METRICS_ADDR=127.0.0.1:0",
		"SELLERDESK_MAIL_IMAP_URL=" + imapURL.String(), "SELLERDESK_MAIL_SMTP_URL=" + smtpURL.String(), "SELLERDESK_MAIL_PASSWORD=" + password,
		"SELLERDESK_MAIL_FROM=seller@shop.test", "SELLERDESK_MAIL_SENT_FOLDER=" + mail.Folder(t, "Sent"), "SELLERDESK_MAIL_CA_FILE=" + os.Getenv("TEST_MAIL_CA")})
	if err != nil {
		t.Fatal(err)
	}
	logs := &enginetest.LogBuffer{}
	m.Log = slog.New(slog.NewTextHandler(logs, nil))
	m.Stdout, m.Stderr = io.Discard, io.Discard
	if err := m.Open(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, logs
}

func mailSink(t *testing.T, m *Main) core.Sink {
	t.Helper()
	for _, s := range m.sinks {
		if s.Name() == "mail" {
			return s
		}
	}
	t.Fatalf("no mail sink wired (%d sinks)", len(m.sinks))
	return nil
}

// With mail configured the bot checks the SMTP login at start, and a
// console reply to a relay conversation reaches the buyer's mailbox once.
func TestMailSinkWiredFromConfig(t *testing.T) {
	mail := mailtest.Open(t)
	m, logs := openMailBot(t, mail, mail.SMTP.Password)
	logs.Await(t, "SMTP login checked", time.Minute)
	sink := mailSink(t, m)
	ctx := context.Background()
	if err := m.Engine.StartSink(ctx, sink.Name()); err != nil { // as the job queue does in Run
		t.Fatal(err)
	}
	relay := mailtest.RelayAddress("botconsole")
	conv, _, err := m.Engine.MailMessage(ctx, core.MailIn{MessageID: "<b-" + mailtest.Token() + "@marketplace.amazon.com>", From: relay, Relay: true,
		OrderID: "114-" + mailtest.Token()[:7] + "-1111111", Subject: "Gift wrap?", Text: "Can you gift wrap it?"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Engine.RunLine(ctx, core.Actor{ID: "console:t", Name: "t", Role: core.Owner, Source: "console"}, "reply "+conv.ID+" Yes, it will be gift wrapped.", false)
	if err != nil {
		t.Fatal(err)
	}
	if sent, _, err := m.Engine.Deliver(ctx, sink); err != nil || sent != 1 {
		t.Fatalf("mail sink sent %d: %v", sent, err)
	}
	got := mail.AwaitTo(t, relay)
	want := "<" + mailapp.ReplyID(conv.ID, res.Conversation.Messages[1].ID, "shop.test") + ">"
	if len(got) != 1 || got[0].Header.Get("Message-Id") != want || !strings.Contains(got[0].Body, "gift wrapped") {
		t.Fatalf("mails to %s: %+v, want one %s", relay, got, want)
	}
}

// A refused SMTP login is logged clearly at start (without the password)
// and the bot opens and serves anyway.
func TestMailSMTPLoginFailureLoggedAndBotServes(t *testing.T) {
	mail := mailtest.Open(t)
	const wrong = "Wr0ng-mail-pa55"
	m, logs := openMailBot(t, mail, wrong)
	logs.Await(t, "SMTP login failed", time.Minute)
	if s := logs.String(); strings.Contains(s, wrong) || !strings.Contains(s, "535") {
		t.Fatalf("log shows the password or lacks the server's answer:\n%s", s)
	}
	mailSink(t, m)
	if _, err := m.Engine.RunLine(context.Background(), core.Actor{ID: "console:t", Role: core.Owner, Source: "console"}, "inbox", false); err != nil {
		t.Fatalf("the desk does not serve: %v", err)
	}
}
