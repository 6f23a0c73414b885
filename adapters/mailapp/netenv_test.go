package mailapp

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// netServers are the real test mail servers started by
// scripts/mailservers.sh, read from its env variables.
type netServers struct {
	IMAP, IMAPS, Buyers Server // seller over STARTTLS and TLS; the relay addresses' mailbox
	SMTP, SMTPS         Server
	Maildir             string // where Dovecot keeps shop.test's mail, when on this machine
}

// netEnv skips the test when the servers are not configured, and fails it
// under CI, where .ci/run must have started them (as TEST_DATABASE_URL).
func netEnv(t testing.TB) netServers {
	t.Helper()
	if os.Getenv("TEST_IMAP_URL") == "" || os.Getenv("TEST_SMTP_URL") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_IMAP_URL / TEST_SMTP_URL are not set: CI must start the mail servers (scripts/mailservers.sh)")
		}
		t.Skip(`mail servers not configured: run eval "$(sudo bash scripts/mailservers.sh)"`)
	}
	var pool *x509.CertPool
	if ca := os.Getenv("TEST_MAIL_CA"); ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			t.Fatalf("TEST_MAIL_CA: %v", err)
		}
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			t.Fatalf("TEST_MAIL_CA %s holds no PEM certificate", ca)
		}
	}
	parse := func(env string, smtp bool) Server {
		raw := os.Getenv(env)
		if raw == "" {
			t.Fatalf("%s is not set (scripts/mailservers.sh sets it with TEST_IMAP_URL)", env)
		}
		var s Server
		var err error
		if smtp {
			s, err = ParseSMTPURL(env, raw, "")
		} else {
			s, err = ParseIMAPURL(env, raw, "")
		}
		if err != nil {
			t.Fatal(err)
		}
		s.RootCAs = pool
		return s
	}
	return netServers{
		IMAP: parse("TEST_IMAP_URL", false), IMAPS: parse("TEST_IMAPS_URL", false),
		Buyers: parse("TEST_IMAP_BUYERS_URL", false),
		SMTP:   parse("TEST_SMTP_URL", true), SMTPS: parse("TEST_SMTPS_URL", true),
		Maildir: os.Getenv("TEST_MAIL_MAILDIR"),
	}
}

func netCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func netToken() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// netMessage is a small plain-text mail with a unique Message-ID.
func netMessage(id, from, to, subject, body string) []byte {
	return []byte(strings.ReplaceAll(fmt.Sprintf(`Message-ID: <%s>
Date: Sun, 06 Dec 2026 05:00:00 +0000
From: %s
To: %s
Subject: %s
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

%s
`, id, from, to, subject, body), "\n", "\r\n"))
}

// netDial opens a Mailbox and closes it when the test ends.
func netDial(t testing.TB, srv Server, opt IMAPOptions) *Mailbox {
	t.Helper()
	m, err := DialIMAP(netCtx(t), srv, opt)
	if err != nil {
		t.Fatalf("DialIMAP %s: %v", srv, err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// netFolder creates a fresh folder for one test (the shared INBOX gets
// mail from other tests) and deletes it afterwards; it returns srv
// pointed at it.
func netFolder(t testing.TB, srv Server, prefix string) Server {
	t.Helper()
	name := prefix + "-" + netToken()
	c := netAdmin(t, srv)
	if err := c.Create(name); err != nil {
		t.Fatalf("create folder %s: %v", name, err)
	}
	t.Cleanup(func() {
		c := netAdmin(t, srv)
		c.Delete(name)
	})
	srv.Folder = name
	return srv
}

// netAdmin is a plain go-imap client for test set-up (creating folders,
// appending mail as another party would), logged in to srv.
func netAdmin(t testing.TB, srv Server) *client.Client {
	t.Helper()
	c, err := client.DialTLS(netImplicit(srv).Addr, srv.TLSConfig())
	if err != nil {
		t.Fatalf("dial %s: %v", srv, err)
	}
	if err := c.Login(srv.User, srv.Password); err != nil {
		t.Fatalf("login %s: %v", srv, err)
	}
	t.Cleanup(func() { c.Logout() })
	return c
}

// netImplicit is srv on the IMAPS port the script opens beside STARTTLS.
func netImplicit(srv Server) Server {
	if srv.Security == ImplicitTLS {
		return srv
	}
	s, _ := ParseIMAPURL("TEST_IMAPS_URL", os.Getenv("TEST_IMAPS_URL"), "")
	srv.Addr, srv.Security = s.Addr, s.Security
	return srv
}

// netAppend stores raw in srv's folder as another party would deliver it.
func netAppend(t testing.TB, srv Server, raw []byte) {
	t.Helper()
	if err := netAdmin(t, srv).Append(srv.Folder, nil, time.Now(), strings.NewReader(string(raw))); err != nil {
		t.Fatalf("append to %s: %v", srv.Folder, err)
	}
}

// netAwait polls srv's folder until a message with this Message-ID is
// there: SMTP delivery is asynchronous. It fails after a minute.
func netAwait(t testing.TB, srv Server, id string) {
	t.Helper()
	m := netDial(t, srv, IMAPOptions{})
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		ok, err := m.HasMessageID(netCtx(t), srv.Folder, id)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
	}
	t.Fatalf("%s never arrived in %s", id, srv)
}

// netSearchSeen matches the message with this Message-ID if it is \Seen.
func netSearchSeen(id string) *imap.SearchCriteria {
	crit := imap.NewSearchCriteria()
	crit.Header.Add("Message-Id", "<"+id+">")
	crit.WithFlags = []string{imap.SeenFlag}
	return crit
}
