package mailapp

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

func TestIMAPLoginOverSTARTTLSAndTLS(t *testing.T) {
	env := netEnv(t)
	for _, srv := range []Server{env.IMAP, env.IMAPS} {
		t.Run(srv.Security.String(), func(t *testing.T) {
			m := netDial(t, srv, IMAPOptions{})
			if m.UIDValidity() == 0 || m.UIDNext() == 0 {
				t.Fatalf("UIDVALIDITY %d UIDNEXT %d: SELECT reported nothing", m.UIDValidity(), m.UIDNext())
			}
		})
	}
}

func TestIMAPWrongPasswordIsAClearPermanentError(t *testing.T) {
	env := netEnv(t)
	const wrong = "Wr0ng-pa55word"
	for _, srv := range []Server{env.IMAP, env.IMAPS} {
		real := srv.Password
		srv.Password = wrong
		_, err := DialIMAP(netCtx(t), srv, IMAPOptions{})
		if core.ErrorCode(err) != core.Forbidden {
			t.Fatalf("%s: code %s, want forbidden: %v", srv, core.ErrorCode(err), err)
		}
		msg := err.Error()
		for _, want := range []string{srv.Key, srv.Addr, srv.User, "refused the login"} {
			if !strings.Contains(msg, want) {
				t.Errorf("error %q does not say %q", msg, want)
			}
		}
		if strings.Contains(msg, wrong) || strings.Contains(msg, real) {
			t.Fatalf("error shows a password: %s", msg)
		}
		if Temporary(err) {
			t.Fatal("a refused login is reported as temporary: the caller would retry forever")
		}
	}
}

// A certificate the client cannot verify is refused: the test servers'
// own certificate is only trusted through TEST_MAIL_CA.
func TestIMAPUntrustedCertificateRefused(t *testing.T) {
	srv := netEnv(t).IMAPS
	srv.RootCAs = nil
	_, err := DialIMAP(netCtx(t), srv, IMAPOptions{})
	if err == nil || !strings.Contains(err.Error(), "TLS") || !Temporary(err) {
		t.Fatalf("untrusted certificate: %v", err)
	}
}

func TestIMAPUnreachableIsTemporary(t *testing.T) {
	srv, err := ParseIMAPURL("mail.imap_url", "imaps://u@127.0.0.1:1/INBOX", "pw")
	if err != nil {
		t.Fatal(err)
	}
	_, err = DialIMAP(netCtx(t), srv, IMAPOptions{})
	if !Temporary(err) || !strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("closed port: %v", err)
	}
}

func TestIMAPUnknownFolderNamed(t *testing.T) {
	srv := netEnv(t).IMAPS
	srv.Folder = "No-Such-Folder-" + netToken()
	_, err := DialIMAP(netCtx(t), srv, IMAPOptions{})
	if core.ErrorCode(err) != core.Invalid || !strings.Contains(err.Error(), srv.Folder) {
		t.Fatalf("unknown folder: %v", err)
	}
}

// The cursor is (UIDVALIDITY, last UID): Fetch after the UID returns only
// newer mail, and a folder deleted and re-created gets a new UIDVALIDITY,
// which tells the reader to start again from UID 0.
func TestIMAPFetchAfterUIDAndUIDValidity(t *testing.T) {
	env := netEnv(t)
	srv := netFolder(t, env.IMAPS, "t-cursor")
	for i := range 3 {
		netAppend(t, srv, netMessage(netToken()+"@buyer.test", "a@buyer.test", "seller@shop.test", "old "+string(rune('a'+i)), "hello"))
	}
	m := netDial(t, srv, IMAPOptions{BatchSize: 2}) // two batches for three mails
	validity := m.UIDValidity()
	got, err := m.Fetch(netCtx(t), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("fetched %d mails, want 3", len(got))
	}
	for i, f := range got {
		if i > 0 && f.UID <= got[i-1].UID {
			t.Fatalf("UIDs not ascending: %d after %d", f.UID, got[i-1].UID)
		}
		if !strings.Contains(string(f.Raw), "Subject: old "+string(rune('a'+i))) || f.Size != uint32(len(f.Raw)) {
			t.Fatalf("mail %d: size %d, %d bytes: %q", i, f.Size, len(f.Raw), f.Raw)
		}
	}
	cursor := got[2].UID

	if more, err := m.Fetch(netCtx(t), cursor, 100); err != nil || len(more) != 0 {
		t.Fatalf("fetch after the last UID: %d mails, %v (the n:* quirk must not return the last one again)", len(more), err)
	}
	if two, err := m.Fetch(netCtx(t), 0, 2); err != nil || len(two) != 2 || two[1].UID != got[1].UID {
		t.Fatalf("max 2: %d mails, %v", len(two), err)
	}

	netAppend(t, srv, netMessage(netToken()+"@buyer.test", "a@buyer.test", "seller@shop.test", "new", "hello"))
	newer, err := m.Fetch(netCtx(t), cursor, 100)
	if err != nil || len(newer) != 1 || !strings.Contains(string(newer[0].Raw), "Subject: new") {
		t.Fatalf("fetch after cursor: %d mails, %v; want only the new one", len(newer), err)
	}
	m.Close()

	// The folder is rebuilt on the server (deleted, created, one mail).
	admin := netAdmin(t, srv)
	if err := admin.Delete(srv.Folder); err != nil {
		t.Fatal(err)
	}
	if err := admin.Create(srv.Folder); err != nil {
		t.Fatal(err)
	}
	netAppend(t, srv, netMessage(netToken()+"@buyer.test", "a@buyer.test", "seller@shop.test", "rebuilt", "hello"))

	m2 := netDial(t, srv, IMAPOptions{})
	if m2.UIDValidity() == validity {
		t.Fatalf("UIDVALIDITY %d unchanged after the folder was rebuilt", validity)
	}
	// How the reader detects it: the stored UIDVALIDITY differs, so the
	// stored cursor means nothing and reading starts from 0.
	if m2.UIDValidity() != validity {
		cursor = 0
	}
	again, err := m2.Fetch(netCtx(t), cursor, 100)
	if err != nil || len(again) != 1 || !strings.Contains(string(again[0].Raw), "Subject: rebuilt") {
		t.Fatalf("after rebuild: %d mails, %v", len(again), err)
	}
}

// Mail sent by SMTP to a relay address wakes an IDLE on the buyers'
// mailbox (delivered by Postfix through LMTP into Dovecot).
func TestIMAPIdleWakesOnNewMail(t *testing.T) {
	env := netEnv(t)
	m := netDial(t, env.Buyers, IMAPOptions{})
	if !m.idle {
		t.Fatal("Dovecot offers IDLE but the mailbox does not use it")
	}
	if _, err := m.Fetch(netCtx(t), m.UIDNext()-1, 1); err != nil { // drains news from SELECT
		t.Fatal(err)
	}
	for {
		// Mail from other tests may wake it; drain until quiet.
		woke, err := m.Wait(netCtx(t), 200*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if !woke {
			break
		}
	}
	id := netToken() + "@shop.test"
	sent := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond) // after IDLE has started, most likely; either way it must wake
		sent <- NewSender(env.SMTP, SMTPOptions{}).Send(context.Background(), "seller@shop.test",
			[]string{"abc" + netToken() + "@marketplace.amazon.de"}, netMessage(id, "seller@shop.test", "buyer@marketplace.amazon.de", "idle", "hi"))
	}()
	start := time.Now()
	woke, err := m.Wait(netCtx(t), time.Minute)
	if serr := <-sent; serr != nil {
		t.Fatal(serr)
	}
	if err != nil || !woke {
		t.Fatalf("Wait under IDLE: woke=%v err=%v", woke, err)
	}
	t.Logf("IDLE woke %s after the send began", time.Since(start)-300*time.Millisecond)
}

// With NoIdle, Wait polls with NOOP and still returns when mail arrives.
func TestIMAPPollingFallbackWakes(t *testing.T) {
	env := netEnv(t)
	srv := netFolder(t, env.IMAPS, "t-poll")
	m := netDial(t, srv, IMAPOptions{NoIdle: true, PollInterval: 100 * time.Millisecond})
	if m.idle {
		t.Fatal("NoIdle set but the mailbox idles")
	}
	if woke, err := m.Wait(netCtx(t), 300*time.Millisecond); err != nil || woke {
		t.Fatalf("empty folder: woke=%v err=%v", woke, err)
	}
	netAppend(t, srv, netMessage(netToken()+"@buyer.test", "a@buyer.test", "seller@shop.test", "poll", "hi"))
	woke, err := m.Wait(netCtx(t), time.Minute)
	if err != nil || !woke {
		t.Fatalf("Wait when polling: woke=%v err=%v", woke, err)
	}
	if got, err := m.Fetch(netCtx(t), 0, 10); err != nil || len(got) != 1 {
		t.Fatalf("fetch after wake: %d, %v", len(got), err)
	}
}

func TestIMAPWaitCancelledByContext(t *testing.T) {
	env := netEnv(t)
	for _, noIdle := range []bool{false, true} {
		srv := netFolder(t, env.IMAPS, "t-cancel")
		m := netDial(t, srv, IMAPOptions{NoIdle: noIdle, PollInterval: time.Hour})
		ctx, cancel := context.WithCancel(netCtx(t))
		time.AfterFunc(200*time.Millisecond, cancel)
		woke, err := m.Wait(ctx, time.Hour)
		if woke || !errors.Is(err, context.Canceled) || !Temporary(err) {
			t.Fatalf("noIdle=%v: woke=%v err=%v, want context.Canceled", noIdle, woke, err)
		}
		// IDLE ended cleanly with DONE: the connection still works.
		if _, err := m.Fetch(netCtx(t), 0, 1); err != nil {
			t.Fatalf("noIdle=%v: fetch after a cancelled Wait: %v", noIdle, err)
		}
		if _, err := m.Fetch(ctx, 0, 1); !errors.Is(err, context.Canceled) {
			t.Fatalf("fetch with a cancelled context: %v", err)
		}
	}
}

// The takeover check: a reply appended to Sent is found by its
// Message-ID, a different id is not, and the reader's folder still works.
func TestIMAPAppendToSentAndHasMessageID(t *testing.T) {
	env := netEnv(t)
	m := netDial(t, env.IMAP, IMAPOptions{})
	id := "sd-reply.c" + netToken() + ".42@shop.test"
	raw := netMessage(id, "seller@shop.test", "x@marketplace.amazon.com", "Re: your order", "Thanks")
	if err := m.Append(netCtx(t), "Sent", raw, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id   string
		want bool
	}{{"<" + id + ">", true}, {id, true}, {"sd-reply.c" + netToken() + ".42@shop.test", false}} {
		got, err := m.HasMessageID(netCtx(t), "Sent", c.id)
		if err != nil || got != c.want {
			t.Fatalf("HasMessageID(Sent, %s) = %v, %v; want %v", c.id, got, err, c.want)
		}
	}
	if ok, err := m.HasMessageID(netCtx(t), "INBOX", id); err != nil || ok {
		t.Fatalf("found in INBOX: %v %v", ok, err)
	}
	if _, err := m.HasMessageID(netCtx(t), "No-Such-"+netToken(), id); core.ErrorCode(err) != core.Invalid {
		t.Fatalf("unknown folder: %v", err)
	}
	if _, err := m.Fetch(netCtx(t), m.UIDNext(), 1); err != nil {
		t.Fatalf("the reader's folder after the search: %v", err)
	}
	// The copy is marked read, so the seller's own client does not show
	// our reply as new mail.
	c := netAdmin(t, env.IMAPS)
	if _, err := c.Select("Sent", true); err != nil {
		t.Fatal(err)
	}
	crit := netSearchSeen(id)
	uids, err := c.UidSearch(crit)
	if err != nil || len(uids) != 1 {
		t.Fatalf("\\Seen copy of %s in Sent: %v %v", id, uids, err)
	}
}

// IDLE is re-issued (DONE, IDLE) before the server's 30-minute limit;
// across restarts Wait still ends at its deadline and still wakes.
func TestIMAPIdleReissued(t *testing.T) {
	env := netEnv(t)
	srv := netFolder(t, env.IMAPS, "t-reidle")
	m := netDial(t, srv, IMAPOptions{IdleRestart: 50 * time.Millisecond})
	if woke, err := m.Wait(netCtx(t), 400*time.Millisecond); err != nil || woke {
		t.Fatalf("quiet folder across several IDLEs: woke=%v err=%v", woke, err)
	}
	admin := netAdmin(t, srv)
	appended := make(chan error, 1)
	time.AfterFunc(300*time.Millisecond, func() {
		raw := netMessage(netToken()+"@buyer.test", "a@buyer.test", "seller@shop.test", "re-idle", "hi")
		appended <- admin.Append(srv.Folder, nil, time.Now(), bytes.NewReader(raw))
	})
	woke, err := m.Wait(netCtx(t), time.Minute)
	if aerr := <-appended; aerr != nil {
		t.Fatal(aerr)
	}
	if err != nil || !woke {
		t.Fatalf("new mail across several IDLEs: woke=%v err=%v", woke, err)
	}
}
