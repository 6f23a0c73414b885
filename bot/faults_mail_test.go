//go:build faults

package main

// The mail channel's fault test (issue 12): a replica killed with SIGKILL
// in the middle of sending a reply by SMTP (the server has part of the
// message, not the final dot); the other replica takes the mail sink over
// after the delivery lease, looks in Sent, and sends once. Real `bot
// serve` processes, PostgreSQL, Dovecot and Postfix (scripts/mailservers.sh).

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/sellerdesk/sellerdesk/adapters/mailapp"
	"github.com/sellerdesk/sellerdesk/core"
)

// faultMail is the test mail servers, read from scripts/mailservers.sh's
// variables (scripts/faults.sh sources /run/sellerdesk-mail/env).
type faultMail struct {
	seller, buyers mailapp.Server // IMAPS
	smtpAddr       string         // the submission server (STARTTLS)
	smtpUser       string
	caFile         string
}

func newFaultMail(t *testing.T) faultMail {
	t.Helper()
	if os.Getenv("TEST_SMTP_URL") == "" || os.Getenv("TEST_IMAPS_URL") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_SMTP_URL / TEST_IMAPS_URL are not set: start the mail servers (scripts/mailservers.sh) and source /run/sellerdesk-mail/env")
		}
		t.Skip("mail fault test skipped: the mail servers are not configured (scripts/mailservers.sh)")
	}
	ca := os.Getenv("TEST_MAIL_CA")
	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatalf("TEST_MAIL_CA: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	parse := func(env string) mailapp.Server {
		s, err := mailapp.ParseIMAPURL(env, os.Getenv(env), "")
		if err != nil {
			t.Fatal(err)
		}
		s.RootCAs = pool
		return s
	}
	smtp, err := mailapp.ParseSMTPURL("TEST_SMTP_URL", os.Getenv("TEST_SMTP_URL"), "")
	if err != nil {
		t.Fatal(err)
	}
	return faultMail{seller: parse("TEST_IMAPS_URL"), buyers: parse("TEST_IMAP_BUYERS_URL"),
		smtpAddr: smtp.Addr, smtpUser: smtp.User, caFile: ca}
}

// imap is a go-imap client logged in to srv, for set-up and checks.
func (f faultMail) imap(t *testing.T, srv mailapp.Server) *client.Client {
	t.Helper()
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

// folder creates a folder of the test's own on the seller's account.
func (f faultMail) folder(t *testing.T, prefix string) string {
	t.Helper()
	name := prefix + "-" + faultToken()
	if err := f.imap(t, f.seller).Create(name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := client.DialTLS(f.seller.Addr, f.seller.TLSConfig())
		if err == nil && c.Login(f.seller.User, f.seller.Password) == nil {
			c.Delete(name)
			c.Logout()
		}
	})
	return name
}

// count is how many mails in srv's folder have this Message-ID.
func (f faultMail) count(t *testing.T, srv mailapp.Server, folder, messageID string) int {
	t.Helper()
	c := f.imap(t, srv)
	if _, err := c.Select(folder, true); err != nil {
		t.Fatal(err)
	}
	crit := imap.NewSearchCriteria()
	crit.Header.Add("Message-Id", "<"+messageID+">")
	uids, err := c.UidSearch(crit)
	if err != nil {
		t.Fatal(err)
	}
	return len(uids)
}

func faultToken() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

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
	mail := newFaultMail(t)
	db := newFaultDB(t)
	inbox, sent := mail.folder(t, "Inbox-fault"), mail.folder(t, "Sent-fault")
	imapURL := url.URL{Scheme: "imaps", User: url.User(mail.seller.User), Host: mail.seller.Addr, Path: "/" + inbox}
	// A reply of about 3.9 KB: its DATA is well past holdAfter, which is
	// well past what a login check or the commands before DATA send.
	hold := newSMTPHold(t, mail.smtpAddr, 2, 2500)
	set := newReplicas(t, db, hold, "SELLERDESK_MAIL_IMAP_URL="+imapURL.String(), "SELLERDESK_MAIL_PASSWORD="+mail.seller.Password,
		"SELLERDESK_MAIL_FROM="+faultMailUser, "SELLERDESK_MAIL_SENT_FOLDER="+sent, "SELLERDESK_MAIL_CA_FILE="+mail.caFile)
	for i := range 2 {
		set.start(i)
	}
	if !await(20*time.Second, func() bool { return hold.started("smtp-a") && hold.started("smtp-b") }) {
		t.Fatal("the replicas did not both check their SMTP login in 20 s")
	}
	db.awaitSink(t, "mail")

	engine := db.engine(t)
	ctx := context.Background()
	tok := faultToken()
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
	if !await(60*time.Second, func() bool { return mail.count(t, mail.buyers, mail.buyers.Folder, replyID) > 0 }) {
		t.Fatalf("the reply %s never reached the buyers' mailbox", replyID)
	}
	// A probe sent after it has arrived: delivery in order, so a second
	// copy of the reply would be there by now.
	probe := "probe-" + tok + "@shop.test"
	probeMail := "Message-ID: <" + probe + ">\r\nFrom: " + faultMailUser + "\r\nTo: " + relay + "\r\nSubject: probe\r\n\r\nprobe\r\n"
	smtpSrv, _ := mailapp.ParseSMTPURL("TEST_SMTP_URL", os.Getenv("TEST_SMTP_URL"), "")
	smtpSrv.RootCAs = mail.seller.RootCAs
	if err := mailapp.NewSender(smtpSrv, mailapp.SMTPOptions{}).Send(ctx, faultMailUser, []string{relay}, []byte(probeMail)); err != nil {
		t.Fatal(err)
	}
	if !await(60*time.Second, func() bool { return mail.count(t, mail.buyers, mail.buyers.Folder, probe) > 0 }) {
		t.Fatal("the probe never arrived")
	}
	delivered, inSent := mail.count(t, mail.buyers, mail.buyers.Folder, replyID), mail.count(t, mail.seller, sent, replyID)
	t.Logf("copies of %s: %d in the buyers' mailbox, %d in %s", replyID, delivered, inSent, sent)
	if delivered != 1 || inSent != 1 {
		t.Errorf("the reply reached the buyer %d times and Sent %d times, want exactly once each", delivered, inSent)
	}
	if !strings.Contains(survivor.stderr.String(), "is not in the Sent folder; sending it") {
		t.Errorf("the surviving replica did not look in Sent before sending")
	}
	checkNoSecrets(t, set.all)
	for _, p := range set.all {
		if strings.Contains(p.stderr.String(), mail.seller.Password) {
			t.Errorf("the mail password reached a replica's log")
		}
	}
}
