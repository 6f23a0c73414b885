package main

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/client"

	"github.com/sellerdesk/sellerdesk/adapters/mailapp"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// mailinServer is the real seller mailbox of scripts/mailservers.sh with a
// folder of the test's own; skipped without TEST_IMAP_URL, failing under
// CI. It returns the settings (password in SELLERDESK_MAIL_PASSWORD) and
// the password.
func mailinServer(t *testing.T) (env []string, srv mailapp.Server) {
	t.Helper()
	raw := os.Getenv("TEST_IMAPS_URL")
	if raw == "" || os.Getenv("TEST_SMTP_URL") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_IMAPS_URL / TEST_SMTP_URL are not set: CI must start the mail servers (scripts/mailservers.sh)")
		}
		t.Skip(`mail servers not configured: run eval "$(sudo bash scripts/mailservers.sh)"`)
	}
	srv, err := mailapp.ParseIMAPURL("TEST_IMAPS_URL", raw, "")
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	folder := "bot-mailin-" + hex.EncodeToString(b)
	c := mailinAdmin(t, srv)
	if err := c.Create(folder); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mailinAdmin(t, srv).Delete(folder) })
	srv.Folder = folder
	u, _ := url.Parse(raw)
	u.User, u.Path = url.User(srv.User), "/"+folder
	smtp, _ := url.Parse(os.Getenv("TEST_SMTP_URL"))
	smtp.User = url.User(srv.User)
	return []string{"SELLERDESK_MAIL_IMAP_URL=" + u.String(), "SELLERDESK_MAIL_SMTP_URL=" + smtp.String(),
		"SELLERDESK_MAIL_PASSWORD=" + srv.Password, "SELLERDESK_MAIL_FROM=seller@shop.test",
		"SELLERDESK_MAIL_CA_FILE=" + os.Getenv("TEST_MAIL_CA")}, srv
}

func mailinAdmin(t *testing.T, srv mailapp.Server) *client.Client {
	t.Helper()
	pem, err := os.ReadFile(os.Getenv("TEST_MAIL_CA"))
	if err != nil {
		t.Fatal(err)
	}
	srv.RootCAs = x509.NewCertPool()
	srv.RootCAs.AppendCertsFromPEM(pem)
	c, err := client.DialTLS(srv.Addr, srv.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(srv.User, srv.Password); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Logout() })
	return c
}

// mailinServe opens a non-demo Main with env on a fresh SQLite file,
// logging into logs, and runs it until the test ends.
func mailinServe(t *testing.T, logs *enginetest.LogBuffer, env ...string) *Main {
	t.Helper()
	t.Chdir(t.TempDir())
	m, err := NewMain("", append(env, "SELLERDESK_DATABASE_URL=sqlite:serve.db", "SELLERDESK_HTTP_ADDR=127.0.0.1:0", "SELLERDESK_HTTP_METRICS_ADDR=127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if err := m.Open(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		m.Close()
	})
	return m
}

func mailinEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting until %s", what)
}

// A wrong mailbox password is logged and shown in /healthz naming server
// and user, never the password, and the desk keeps serving (200).
func TestMailWrongPasswordInHealthz(t *testing.T) {
	env, srv := mailinServer(t)
	wrong := "wrong-pw-" + srv.Folder
	for i, kv := range env {
		if strings.HasPrefix(kv, "SELLERDESK_MAIL_PASSWORD=") {
			env[i] = "SELLERDESK_MAIL_PASSWORD=" + wrong
		}
	}
	var logs enginetest.LogBuffer
	m := mailinServe(t, &logs, env...)
	var body string
	mailinEventually(t, "/healthz shows the mail failure", func() bool {
		rec := httpGet(t, m.Handler(), "/healthz")
		body = rec.body
		return rec.code == http.StatusOK && strings.Contains(body, "mail: failing")
	})
	if !strings.HasPrefix(body, "ok\n") || !strings.Contains(body, srv.User) || !strings.Contains(body, "last read never") {
		t.Errorf("/healthz: %q", body)
	}
	mailinEventually(t, "the login failure is logged", func() bool {
		return strings.Contains(logs.String(), "can't log in to the mailbox")
	})
	for _, secret := range []string{wrong, srv.Password} {
		if strings.Contains(logs.String(), secret) || strings.Contains(body, secret) {
			t.Errorf("a password reached the log or /healthz")
		}
	}
}

// With mail configured, bot serve's watcher job reads the mailbox: a relay
// mail arriving becomes a drafted conversation, and /healthz says mail is
// ok with the time it was last read.
func TestMailServeReadsTheMailbox(t *testing.T) {
	env, srv := mailinServer(t)
	raw, err := os.ReadFile(filepath.Join("..", "adapters", "mailapp", "testdata", "amazon-de.eml"))
	if err != nil {
		t.Fatal(err)
	}
	var logs enginetest.LogBuffer
	m := mailinServe(t, &logs, env...)
	if err := mailinAdmin(t, srv).Append(srv.Folder, nil, time.Now(), strings.NewReader(string(raw))); err != nil {
		t.Fatal(err)
	}
	var conv *core.Conversation
	mailinEventually(t, "the relay mail is drafted", func() bool {
		var list []core.Conversation
		m.Store.View(context.Background(), func(tx core.Tx) (err error) {
			list, err = tx.Conversations(context.Background(), core.ConversationQuery{Limit: 10})
			return err
		})
		if len(list) != 1 {
			return false
		}
		c, _, err := m.Engine.Conversation(context.Background(), list[0].ID)
		if err == nil && c.Draft != nil {
			conv = c
		}
		return conv != nil
	})
	if conv.Channel != core.ChannelAmazon || conv.OrderID != "302-1234567-7654321" || !strings.HasPrefix(conv.Messages[0].Text, "Guten Tag,") {
		t.Errorf("conversation %+v", conv)
	}
	// The pass that stored the mail records its read when it reaches the
	// mailbox's end, a moment after the conversation is there.
	var rec response
	mailinEventually(t, "/healthz says when the mailbox was read", func() bool {
		rec = httpGet(t, m.Handler(), "/healthz")
		return strings.Contains(rec.body, "mail: ok; last read 20")
	})
	if rec.code != http.StatusOK {
		t.Errorf("/healthz %d %q", rec.code, rec.body)
	}
	if strings.Contains(logs.String(), srv.Password) {
		t.Error("the mailbox password is in the log")
	}
}

// A mail setting that does not make a server (no TLS scheme) leaves the
// desk serving, with the reason in /healthz and the log, and no password.
func TestMailBadURLInHealthz(t *testing.T) {
	var logs enginetest.LogBuffer
	m := openServeMain(t, &logs)
	m.Config.Mail = MailConfig{IMAPURL: "ftp://seller%40shop.example:pw-in-url-secret@imap.example.com/INBOX",
		SMTPURL: "smtps://seller%40shop.example@smtp.example.com", Password: "app-pw-secret", From: "seller@shop.example", FirstReadDays: 3}
	m.openMailSource(context.Background())
	if m.mailWatch() != nil {
		t.Error("a watcher job without a mailbox")
	}
	rec := httpGet(t, m.Handler(), "/healthz")
	if rec.code != http.StatusOK || !strings.HasPrefix(rec.body, "ok\nmail: not read: ") || !strings.Contains(rec.body, "mail.imap_url") {
		t.Errorf("/healthz %d %q", rec.code, rec.body)
	}
	for _, s := range []string{rec.body, logs.String()} {
		if strings.Contains(s, "pw-in-url-secret") || strings.Contains(s, "app-pw-secret") {
			t.Errorf("a password leaked: %q", s)
		}
	}
	if !strings.Contains(logs.String(), "the mailbox can't be read") {
		t.Errorf("not logged:\n%s", logs.String())
	}
}
