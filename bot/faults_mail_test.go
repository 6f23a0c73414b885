//go:build faults

package main

// The mail channel's fault test (issue 12): a replica killed with SIGKILL
// in the middle of sending a reply by SMTP (the server has part of the
// message, not the final dot); the other replica takes the mail sink over
// after the delivery lease, looks in Sent, and sends once. Real `bot
// serve` processes, PostgreSQL, Dovecot and Postfix (scripts/mailservers.sh).

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/mailapp"
	"github.com/sellerdesk/sellerdesk/adapters/mailapp/mailtest"
	"github.com/sellerdesk/sellerdesk/core"
)

// smtpHold is a TCP proxy in front of the SMTP server, one listener per
// replica (so it knows who sent what). The first connection whose client
// sends more than holdAfter bytes (a message's DATA: the start-up login
// check sends far less) is held there: the rest is not passed on, so the
// server has part of the message and no final dot, until release closes
// both ends. It is the mail sink's chatFake.
type smtpHold struct {
	t         *testing.T
	upstream  string
	holdAfter int
	lns       []net.Listener

	mu      sync.Mutex
	seen    map[int]bool // listeners that had a connection
	held    int          // listener of the held connection; -1: none yet
	heldCon []net.Conn
	arrive  chan struct{}
}

func newSMTPHold(t *testing.T, upstream string, replicas, holdAfter int) *smtpHold {
	h := &smtpHold{t: t, upstream: upstream, holdAfter: holdAfter, seen: map[int]bool{}, held: -1, arrive: make(chan struct{})}
	for i := range replicas {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		h.lns = append(h.lns, ln)
		go h.serve(i, ln)
	}
	t.Cleanup(func() {
		for _, ln := range h.lns {
			ln.Close()
		}
		h.release()
	})
	return h
}

func (h *smtpHold) serve(i int, ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go h.proxy(i, c)
	}
}

func (h *smtpHold) proxy(i int, c net.Conn) {
	h.mu.Lock()
	h.seen[i] = true
	h.mu.Unlock()
	up, err := net.Dial("tcp", h.upstream)
	if err != nil {
		c.Close()
		return
	}
	go func() { io.Copy(c, up); c.Close() }()
	buf := make([]byte, 4096)
	sent := 0
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if sent+n > h.holdAfter && h.hold(i, c, up) {
				up.Write(buf[:h.holdAfter-sent])
				return // the rest never reaches the server
			}
			up.Write(buf[:n])
			sent += n
		}
		if err != nil {
			up.Close()
			return
		}
	}
}

// hold makes connection c of listener i the held one if none is yet.
func (h *smtpHold) hold(i int, c, up net.Conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held >= 0 {
		return false
	}
	h.held, h.heldCon = i, []net.Conn{c, up}
	close(h.arrive)
	return true
}

// release closes the held connection's two ends: the server drops the
// unfinished message.
func (h *smtpHold) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.heldCon {
		c.Close()
	}
	h.heldCon = nil
}

func (h *smtpHold) replicaEnv(i int) (string, []string) {
	u := url.URL{Scheme: "smtp", User: url.User(faultMailUser), Host: h.lns[i].Addr().String()}
	return "smtp-" + string(rune('a'+i)), []string{"SELLERDESK_MAIL_SMTP_URL=" + u.String()}
}

func (h *smtpHold) started(name string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen[int(name[len(name)-1]-'a')]
}

func (h *smtpHold) heldBy() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held < 0 {
		return ""
	}
	return "smtp-" + string(rune('a'+h.held))
}

func (h *smtpHold) arrived() <-chan struct{} { return h.arrive }

// faultMailUser is the seller's login on the test servers.
const faultMailUser = "seller@shop.test"

// TestFaultKillDuringMailSend: the replica sending a staff reply by SMTP is
// killed with SIGKILL mid-DATA; the other takes the mail sink over after
// the delivery lease, finds nothing in Sent, and sends: the buyer's
// mailbox and Sent have the reply exactly once.
func TestFaultKillDuringMailSend(t *testing.T) {
	mail := mailtest.Open(t)
	db := newFaultDB(t)
	inbox, sent := mail.Folder(t, "Inbox-fault"), mail.Folder(t, "Sent-fault")
	imapURL := url.URL{Scheme: "imaps", User: url.User(mail.Seller.User), Host: mail.Seller.Addr, Path: "/" + inbox}
	// A reply of about 3.9 KB: its DATA is well past holdAfter, which is
	// well past what a login check or the commands before DATA send.
	hold := newSMTPHold(t, mail.SMTP.Addr, 2, 2500)
	set := newReplicas(t, db, hold, "SELLERDESK_MAIL_IMAP_URL="+imapURL.String(), "SELLERDESK_MAIL_PASSWORD="+mail.Seller.Password,
		"SELLERDESK_MAIL_FROM="+faultMailUser, "SELLERDESK_MAIL_SENT_FOLDER="+sent, "SELLERDESK_MAIL_CA_FILE="+os.Getenv("TEST_MAIL_CA"))
	for i := range 2 {
		set.start(i)
	}
	if !await(20*time.Second, func() bool { return hold.started("smtp-a") && hold.started("smtp-b") }) {
		t.Fatal("the replicas did not both check their SMTP login in 20 s")
	}
	db.awaitSink(t, "mail")

	engine := db.engine(t)
	ctx := context.Background()
	tok := mailtest.Token()
	relay := "faultkill-" + tok + "@marketplace.amazon.com"
	buyerID := "buyer-" + tok + "@marketplace.amazon.com"
	conv, _, err := engine.MailMessage(ctx, core.MailIn{MessageID: "<" + buyerID + ">", From: relay, Relay: true,
		OrderID: "114-" + tok[:7] + "-7654321", Subject: "Where is my parcel?", Text: "Hello, has it shipped?"})
	if err != nil {
		t.Fatal(err)
	}
	text := "Your parcel left our warehouse today." + strings.Repeat(" It is on its way to you.", 150)
	res, err := engine.RunLine(ctx, core.Actor{ID: "console:t", Name: "t", Role: core.Owner, Source: "console"}, "reply "+conv.ID+" "+text, false)
	if err != nil {
		t.Fatal(err)
	}
	reply := res.Conversation.Messages[len(res.Conversation.Messages)-1]
	replyID := mailapp.ReplyID(conv.ID, reply.ID, faultMailUser)
	outboxID := db.count(t, `SELECT max(id) FROM $schema.outbox WHERE conversation_id = $1`, conv.ID)

	select {
	case <-hold.arrived():
	case <-time.After(60 * time.Second):
		t.Fatal("no replica sent the reply")
	}
	victimIdx := int(hold.heldBy()[len("smtp-")] - 'a')
	victim, survivor := set.procs[victimIdx], set.procs[1-victimIdx]
	if err := victim.cmd.Process.Kill(); err != nil { // kill -9
		t.Fatal(err)
	}
	<-victim.done
	hold.release() // the server drops the unfinished message
	t.Logf("replica %d (pid %d) killed mid-DATA of %s (outbox id %d)", victimIdx, victim.cmd.Process.Pid, replyID, outboxID)
	if after, next, _ := db.sinkState(t, "mail"); after >= outboxID || !next.Valid {
		t.Fatalf("after the kill: after_id %d (reply %d), lease %v; want the reply in flight, leased", after, outboxID, next)
	}

	db.awaitDelivered(t, "mail", 90*time.Second, survivor)
	got := mail.AwaitTo(t, relay) // waits for a probe sent after the reply arrived too
	delivered := 0
	for _, m := range got {
		if m.Header.Get("Message-Id") == "<"+replyID+">" {
			delivered++
		}
	}
	inSent := len(mail.InFolder(t, sent, replyID))
	t.Logf("copies of %s: %d in the buyers' mailbox (%d mails to the relay address), %d in %s", replyID, delivered, len(got), inSent, sent)
	if delivered != 1 || len(got) != 1 || inSent != 1 {
		t.Errorf("the reply reached the buyer %d times and Sent %d times, want exactly once each", delivered, inSent)
	}
	if !strings.Contains(survivor.stderr.String(), "is not in the Sent folder; sending it") {
		t.Errorf("the surviving replica did not look in Sent before sending")
	}
	checkNoSecrets(t, set.all)
	for _, p := range set.all {
		if strings.Contains(p.stderr.String(), mail.Seller.Password) {
			t.Errorf("the mail password reached a replica's log")
		}
	}
}
