// Package mailtest reaches the real test mail servers that
// scripts/mailservers.sh starts, for the tests of the desks that send
// replies by mail (Slack, Discord, the bot). It is imported by tests only.
package mailtest

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"io"
	"log/slog"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/sellerdesk/sellerdesk/adapters/mailapp"
	"github.com/sellerdesk/sellerdesk/core"
)

// Env is the test mail servers.
type Env struct {
	Seller, Buyers mailapp.Server // IMAPS: the shop's account; where relay addresses' mail lands
	SMTP           mailapp.Server // the seller's submission server (STARTTLS)
}

// Open reads the servers from TEST_* variables: skipped locally when they
// are unset, a failure under CI (as TEST_DATABASE_URL).
func Open(t testing.TB) Env {
	t.Helper()
	if os.Getenv("TEST_SMTP_URL") == "" || os.Getenv("TEST_IMAPS_URL") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_SMTP_URL / TEST_IMAPS_URL are not set: CI must start the mail servers (scripts/mailservers.sh)")
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
		pool.AppendCertsFromPEM(pem)
	}
	imapSrv := func(env string) mailapp.Server {
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
	smtp.RootCAs = pool
	return Env{Seller: imapSrv("TEST_IMAPS_URL"), Buyers: imapSrv("TEST_IMAP_BUYERS_URL"), SMTP: smtp}
}

// Token is a random word for unique addresses and folder names.
func Token() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// RelayAddress is a relay address no other test uses.
func RelayAddress(prefix string) string {
	return prefix + "-" + Token() + "@marketplace.amazon.com"
}

// Sink is a mail sink on the engine sending as seller@shop.test, with a
// Sent folder of the test's own (returned); its place in the outbox is
// started.
func (e Env) Sink(t testing.TB, engine *core.Engine) (*mailapp.Sink, string) {
	t.Helper()
	sent := e.Folder(t, "Sent")
	s, err := mailapp.NewSink(mailapp.SinkConfig{Engine: engine, Sender: mailapp.NewSender(e.SMTP, mailapp.SMTPOptions{}),
		IMAP: e.Seller, SentFolder: sent, From: "seller@shop.test", Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := engine.StartSink(t.Context(), s.Name()); err != nil {
		t.Fatal(err)
	}
	return s, sent
}

// Folder creates a folder of the test's own on the seller's account and
// deletes it when the test ends.
func (e Env) Folder(t testing.TB, prefix string) string {
	t.Helper()
	name := prefix + "-" + Token()
	if err := e.client(t, e.Seller).Create(name); err != nil {
		t.Fatalf("create folder %s: %v", name, err)
	}
	t.Cleanup(func() {
		if c, err := e.dial(e.Seller); err == nil {
			c.Delete(name)
			c.Logout()
		}
	})
	return name
}

func (e Env) dial(srv mailapp.Server) (*client.Client, error) {
	c, err := client.DialTLS(srv.Addr, srv.TLSConfig())
	if err != nil {
		return nil, err
	}
	if err := c.Login(srv.User, srv.Password); err != nil {
		c.Logout()
		return nil, err
	}
	return c, nil
}

func (e Env) client(t testing.TB, srv mailapp.Server) *client.Client {
	t.Helper()
	c, err := e.dial(srv)
	if err != nil {
		t.Fatalf("IMAP %s: %v", srv, err)
	}
	t.Cleanup(func() { c.Logout() })
	return c
}

// Mail is one mail found: its header and text.
type Mail struct {
	Header mail.Header
	Body   string
}

// To returns the mails in the buyers' mailbox addressed to addr.
func (e Env) To(t testing.TB, addr string) []Mail {
	t.Helper()
	crit := imap.NewSearchCriteria()
	crit.Header.Add("To", addr)
	return e.Search(t, e.Buyers, e.Buyers.Folder, crit)
}

// InFolder returns the mails in the seller's folder with this Message-ID.
func (e Env) InFolder(t testing.TB, folder, messageID string) []Mail {
	t.Helper()
	crit := imap.NewSearchCriteria()
	crit.Header.Add("Message-Id", "<"+messageID+">")
	return e.Search(t, e.Seller, folder, crit)
}

// Search returns the mails in srv's folder matching crit.
func (e Env) Search(t testing.TB, srv mailapp.Server, folder string, crit *imap.SearchCriteria) []Mail {
	t.Helper()
	c := e.client(t, srv)
	if _, err := c.Select(folder, true); err != nil {
		t.Fatal(err)
	}
	uids, err := c.UidSearch(crit)
	if err != nil {
		t.Fatal(err)
	}
	if len(uids) == 0 {
		return nil
	}
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	section := &imap.BodySectionName{Peek: true}
	ch := make(chan *imap.Message, len(uids))
	if err := c.UidFetch(set, []imap.FetchItem{section.FetchItem()}, ch); err != nil {
		t.Fatal(err)
	}
	var out []Mail
	for m := range ch {
		msg, err := mail.ReadMessage(m.GetBody(section))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(msg.Body)
		out = append(out, Mail{Header: msg.Header, Body: string(body)})
	}
	return out
}

// AwaitTo waits (a minute at most: SMTP delivery is asynchronous) until
// the buyers' mailbox holds a mail to addr, then sends a probe to addr
// and waits for it too, so that a second copy sent before it would be
// there; it returns every mail to addr but the probe.
func (e Env) AwaitTo(t testing.TB, addr string) []Mail {
	t.Helper()
	e.await(t, addr, 1)
	probe := "probe-" + Token() + "@shop.test"
	raw := "Message-ID: <" + probe + ">\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\nFrom: seller@shop.test\r\nTo: " + addr +
		"\r\nSubject: probe\r\n\r\nprobe\r\n"
	if err := mailapp.NewSender(e.SMTP, mailapp.SMTPOptions{}).Send(t.Context(), "seller@shop.test", []string{addr}, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	var out []Mail
	for _, m := range e.await(t, addr, 2) {
		if m.Header.Get("Message-Id") != "<"+probe+">" {
			out = append(out, m)
		}
	}
	return out
}

func (e Env) await(t testing.TB, addr string, n int) []Mail {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		if got := e.To(t, addr); len(got) >= n || time.Now().After(deadline) {
			if len(got) < n {
				t.Fatalf("%d mails to %s after a minute, want %d", len(got), addr, n)
			}
			return got
		}
	}
}

// Relay is an Amazon relay conversation a test opened, as the mail reader
// would: the buyer's relay address and the Message-ID of their mail.
type Relay struct {
	Conv    *core.Conversation
	Address string
	BuyerID string // Message-ID of the buyer's mail, without <>
}

// OpenRelay opens a relay conversation about orderID (a buyer asking where
// the package is) with a draft, from a relay address no other test uses.
func OpenRelay(t testing.TB, engine *core.Engine, prefix, orderID string) Relay {
	t.Helper()
	ctx := t.Context()
	r := Relay{Address: RelayAddress(prefix), BuyerID: "buyer-" + Token() + "@marketplace.amazon.com"}
	conv, _, err := engine.MailMessage(ctx, core.MailIn{MessageID: "<" + r.BuyerID + ">", From: r.Address, Relay: true, OrderID: orderID,
		Subject: "Where is my order?", Text: "Hello, where is my package?"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Draft(ctx, conv.ID); err != nil {
		t.Fatal(err)
	}
	r.Conv = conv
	return r
}

// DeliverAll runs a sink's delivery rounds until it is caught up and
// returns how many messages it sent.
func DeliverAll(t testing.TB, engine *core.Engine, s core.Sink) int {
	t.Helper()
	total := 0
	for {
		r, err := engine.DeliverRound(t.Context(), s)
		total += r.Sent
		if err != nil {
			t.Fatal(err)
		}
		if r.Left != core.More {
			return total
		}
	}
}

// CheckAnswered checks that staff answered the relay conversation with one
// reply (its second message) that reached the buyer's relay address once:
// plain text, threaded on the buyer's mail, holding want, with one copy
// in the sink's Sent folder.
func (e Env) CheckAnswered(t testing.TB, engine *core.Engine, r Relay, sent, want string) {
	t.Helper()
	got, _, err := engine.Conversation(t.Context(), r.Conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Deadline != nil || len(got.Messages) != 2 {
		t.Fatalf("after Send: deadline %v, %d messages", got.Deadline, len(got.Messages))
	}
	mails := e.AwaitTo(t, r.Address)
	if len(mails) != 1 {
		t.Fatalf("%d mails reached %s, want 1", len(mails), r.Address)
	}
	m := mails[0]
	replyID := mailapp.ReplyID(r.Conv.ID, got.Messages[1].ID, "shop.test")
	if m.Header.Get("Message-Id") != "<"+replyID+">" || m.Header.Get("In-Reply-To") != "<"+r.BuyerID+">" ||
		m.Header.Get("References") != "<"+r.BuyerID+">" || !strings.HasPrefix(m.Header.Get("Content-Type"), "text/plain") ||
		!strings.Contains(m.Body, want) {
		t.Errorf("mail %v\n%s", m.Header, m.Body)
	}
	if n := len(e.InFolder(t, sent, replyID)); n != 1 {
		t.Errorf("%d copies in Sent, want 1", n)
	}
}
