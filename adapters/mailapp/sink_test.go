package mailapp

import (
	"bytes"
	"io"
	"log/slog"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// sinkStores are the stores the sink tests run on; PostgreSQL is skipped
// without TEST_DATABASE_URL.
var sinkStores = []struct {
	name string
	open func(testing.TB) *sqlstore.DB
}{
	{"sqlite", storetest.OpenSQLite},
	{"postgres", storetest.OpenPostgres},
}

// sinkRig is an engine on a real store and a mail sink on the real test
// servers, with a Sent folder of the test's own.
type sinkRig struct {
	t      *testing.T
	env    netServers
	engine *core.Engine
	clock  *enginetest.Clock
	sink   *Sink
	sent   Server // the Sent folder
	logs   *bytes.Buffer
}

var sinkAgent = core.Actor{ID: "test:alex", Name: "alex", Role: core.Agent, Source: "test"}

func newSinkRig(t *testing.T, store core.Store) *sinkRig {
	t.Helper()
	env := netEnv(t)
	// Real time: the servers date and order mail by it.
	clock := enginetest.NewClock(time.Now().UTC().Truncate(time.Second))
	eng := core.NewEngine(store, core.Options{Clock: clock})
	r := &sinkRig{t: t, env: env, engine: eng, clock: clock, logs: &bytes.Buffer{}}
	r.sent = netFolder(t, env.IMAPS, "Sent-sink")
	s, err := NewSink(SinkConfig{Engine: eng, Sender: NewSender(env.SMTP, SMTPOptions{}), IMAP: env.IMAPS,
		SentFolder: r.sent.Folder, From: "seller@shop.test", Log: slog.New(slog.NewTextHandler(r.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r.sink = s
	if err := eng.StartSink(netCtx(t), s.Name()); err != nil {
		t.Fatal(err)
	}
	return r
}

// relay opens an Amazon relay conversation as the mail reader would,
// from a unique relay address; it returns the conversation and the
// buyer mail's Message-ID.
func (r *sinkRig) relay(subject, text string) (*core.Conversation, string) {
	r.t.Helper()
	tok := netToken()
	id := "buyer-" + tok + "@marketplace.amazon.com"
	conv, _, err := r.engine.MailMessage(netCtx(r.t), core.MailIn{MessageID: "<" + id + ">",
		From: strings.ToLower(r.t.Name()[:8]) + "-" + tok + "@marketplace.amazon.com", Subject: subject,
		Text: text, Relay: true, OrderID: "114-" + tok[:7] + "-1234567", Date: time.Now().Add(-time.Minute)})
	if err != nil {
		r.t.Fatal(err)
	}
	return conv, id
}

// deliver runs delivery rounds until the sink is caught up or fails.
func (r *sinkRig) deliver() core.Round {
	r.t.Helper()
	var round core.Round
	for range 10 {
		var err error
		round, err = r.engine.DeliverRound(netCtx(r.t), r.sink)
		if err != nil {
			r.t.Fatal(err)
		}
		if round.Left != core.More {
			return round
		}
	}
	return round
}

func (r *sinkRig) reply(convID, text string) (*core.Result, error) {
	return r.engine.RunLine(netCtx(r.t), sinkAgent, "reply "+convID+" "+text, false)
}

// sinkMails returns the mails in srv's folder matching crit, parsed.
func sinkMails(t *testing.T, srv Server, crit *imap.SearchCriteria) []*mail.Message {
	t.Helper()
	c := netAdmin(t, srv)
	if _, err := c.Select(srv.Folder, true); err != nil {
		t.Fatal(err)
	}
	uids, err := c.UidSearch(crit)
	if err != nil || len(uids) == 0 {
		if err != nil {
			t.Fatal(err)
		}
		return nil
	}
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	section := &imap.BodySectionName{Peek: true}
	ch := make(chan *imap.Message, len(uids))
	if err := c.UidFetch(set, []imap.FetchItem{section.FetchItem()}, ch); err != nil {
		t.Fatal(err)
	}
	var out []*mail.Message
	for m := range ch {
		msg, err := mail.ReadMessage(m.GetBody(section))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, msg)
	}
	return out
}

func byMessageID(id string) *imap.SearchCriteria {
	crit := imap.NewSearchCriteria()
	crit.Header.Add("Message-Id", "<"+id+">")
	return crit
}

func byTo(addr string) *imap.SearchCriteria {
	crit := imap.NewSearchCriteria()
	crit.Header.Add("To", addr)
	return crit
}

// A staff reply to a relay conversation reaches the buyer's relay address
// once, as plain text, threaded on the buyer's mail and the earlier
// reply, with a copy in Sent; a takeover that finds it in Sent does not
// send it again.
func TestSinkReplyReachesBuyerOnceThreaded(t *testing.T) {
	for _, st := range sinkStores {
		t.Run(st.name, func(t *testing.T) {
			r := newSinkRig(t, st.open(t))
			conv, buyerID := r.relay("Where is my mug?", "Hello, where is my order?")
			if _, err := r.reply(conv.ID, "It left today."); err != nil {
				t.Fatal(err)
			}
			// The buyer writes again; the second reply answers that mail.
			tok := netToken()
			second := "buyer2-" + tok + "@marketplace.amazon.com"
			if _, _, err := r.engine.MailMessage(netCtx(t), core.MailIn{MessageID: second, From: conv.BuyerKey, Relay: true,
				OrderID: conv.OrderID, Subject: "RE: Where is my mug?", Text: "Tracking number please?"}); err != nil {
				t.Fatal(err)
			}
			res, err := r.reply(conv.ID, "Your tracking number is 1Z999AA10123456784.")
			if err != nil {
				t.Fatal(err)
			}
			if round := r.deliver(); round.Left != core.CaughtUp {
				t.Fatalf("delivery ended %v: %s", round.Left, r.logs)
			}
			msgs := res.Conversation.Messages
			first, last := msgs[1], msgs[len(msgs)-1]
			firstID := ReplyID(conv.ID, first.ID, "shop.test")
			lastID := ReplyID(conv.ID, last.ID, "shop.test")
			netAwait(t, r.env.Buyers, lastID)
			got := sinkMails(t, r.env.Buyers, byMessageID(lastID))
			if len(got) != 1 {
				t.Fatalf("%d mails with %s in the buyers' mailbox, want 1", len(got), lastID)
			}
			h := got[0].Header
			wantAddr(t, h, "To", conv.BuyerKey)
			wantAddr(t, h, "From", "seller@shop.test")
			wantHeader(t, h, "Subject", "RE: Where is my mug?")
			wantHeader(t, h, "In-Reply-To", "<"+second+">")
			wantHeader(t, h, "References", "<"+buyerID+"> <"+firstID+"> <"+second+">")
			wantHeader(t, h, "Content-Type", "text/plain; charset=utf-8")
			body, _ := io.ReadAll(got[0].Body)
			if !strings.Contains(string(body), "1Z999AA10123456784") {
				t.Fatalf("body %q lacks the tracking number", body)
			}
			if n := len(sinkMails(t, r.sent, byMessageID(lastID))); n != 1 {
				t.Fatalf("%d copies in Sent, want 1", n)
			}
			// A takeover of the last reply (MaybeSent) finds it in Sent.
			ev := core.Event{ID: 999, Kind: core.EventReply, Channel: core.ChannelAmazon, ConversationID: conv.ID,
				MessageID: last.ID, Text: last.Text, At: last.At, MaybeSent: true}
			if err := r.sink.Deliver(netCtx(t), ev); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(r.logs.String(), "found in the Sent folder") {
				t.Fatalf("takeover did not find the reply in Sent: %s", r.logs)
			}
			// Both replies went to the relay address, each once.
			if n := len(sinkMails(t, r.env.Buyers, byTo(conv.BuyerKey))); n != 2 {
				t.Fatalf("%d mails to %s, want 2", n, conv.BuyerKey)
			}
		})
	}
}

func wantHeader(t *testing.T, h mail.Header, key, want string) {
	t.Helper()
	if got := h.Get(key); got != want {
		t.Errorf("%s: %q, want %q", key, got, want)
	}
}

func wantAddr(t *testing.T, h mail.Header, key, want string) {
	t.Helper()
	if a, err := mail.ParseAddress(h.Get(key)); err != nil || a.Address != want {
		t.Errorf("%s: %q, want %s", key, h.Get(key), want)
	}
}

// A reply breaking Amazon's rules is refused with the rule named, and
// nothing is queued or sent.
func TestSinkRefusedReplySendsNothing(t *testing.T) {
	r := newSinkRig(t, storetest.OpenSQLite(t))
	conv, _ := r.relay("Question", "Can I call you?")
	for _, c := range []struct{ text, rule string }{
		{"See https://shop.example/deal for more.", "link"},
		{"Write to me at help@shop.example.", "e-mail"},
		{"Call us on +1 415 555 0134.", "phone"},
	} {
		_, err := r.reply(conv.ID, c.text)
		if core.ErrorCode(err) != core.Invalid || !strings.Contains(err.Error(), c.rule) {
			t.Fatalf("reply %q: %v, want a refusal naming %q", c.text, err, c.rule)
		}
	}
	if round := r.deliver(); round.Sent != 0 {
		t.Fatalf("delivered %d after refusals", round.Sent)
	}
	got, _, err := r.engine.Conversation(netCtx(t), conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Messages) != 1 || got.Deadline == nil {
		t.Fatalf("conversation changed: %d messages, deadline %v", len(got.Messages), got.Deadline)
	}
	// Give a wrongly sent mail time to land, then make sure none did.
	probe := "probe-" + netToken() + "@shop.test"
	if err := NewSender(r.env.SMTP, SMTPOptions{}).Send(netCtx(t), "seller@shop.test", []string{"probe-" + netToken() + "@buyer.test"},
		netMessage(probe, "seller@shop.test", "probe@buyer.test", "probe", "probe")); err != nil {
		t.Fatal(err)
	}
	netAwait(t, r.env.Buyers, probe)
	if n := len(sinkMails(t, r.env.Buyers, byTo(conv.BuyerKey))); n != 0 {
		t.Fatalf("%d mails reached %s", n, conv.BuyerKey)
	}
}

// emailConv opens an email conversation from addr, answered by staff.
func (r *sinkRig) emailConv(addr string) (*core.Conversation, core.Message) {
	r.t.Helper()
	conv, _, err := r.engine.MailMessage(netCtx(r.t), core.MailIn{MessageID: "<q-" + netToken() + "@" + strings.SplitN(addr, "@", 2)[1] + ">",
		From: addr, Subject: "A question", Text: "Do you ship to Norway?", Date: time.Now().Add(-time.Minute)})
	if err != nil {
		r.t.Fatal(err)
	}
	res, err := r.reply(conv.ID, "Yes, we do.")
	if err != nil {
		r.t.Fatal(err)
	}
	return conv, res.Conversation.Messages[len(res.Conversation.Messages)-1]
}

// A recipient the server refuses for good (550) marks the reply not
// delivered with the server's reason and reopens the deadline; the outbox
// goes on.
func TestSinkRefusedRecipientMarksUndelivered(t *testing.T) {
	for _, st := range sinkStores {
		t.Run(st.name, func(t *testing.T) {
			r := newSinkRig(t, st.open(t))
			conv, reply := r.emailConv("gone-" + netToken() + "@refused.test")
			if round := r.deliver(); round.Left != core.CaughtUp {
				t.Fatalf("delivery ended %v (wait %s): %s", round.Left, round.Wait, r.logs)
			}
			got, _, err := r.engine.Conversation(netCtx(t), conv.ID)
			if err != nil {
				t.Fatal(err)
			}
			var m core.Message
			for _, x := range got.Messages {
				if x.ID == reply.ID {
					m = x
				}
			}
			if !strings.Contains(m.Undelivered, "550") || strings.Contains(m.Undelivered, "@refused.test") {
				t.Fatalf("undelivered reason %q: want the server's 550 without the address", m.Undelivered)
			}
			if strings.Contains(r.logs.String(), "@refused.test") {
				t.Errorf("the buyer's address reached the log:\n%s", r.logs)
			}
			if got.Deadline == nil || len(got.Waiting()) != 1 {
				t.Fatalf("deadline %v, %d waiting: the buyer should wait again", got.Deadline, len(got.Waiting()))
			}
		})
	}
}

// A recipient the server defers (450) is retried: the reply stays in the
// outbox, in the sink's place, not skipped and not marked undelivered.
func TestSinkDeferredRecipientIsRetried(t *testing.T) {
	r := newSinkRig(t, storetest.OpenSQLite(t))
	conv, reply := r.emailConv("later-" + netToken() + "@tempfail.test")
	for i := 1; i <= 2; i++ {
		round, err := r.engine.DeliverRound(netCtx(t), r.sink)
		if err != nil {
			t.Fatal(err)
		}
		if round.Left != core.Failed || round.Sent != 0 {
			t.Fatalf("round %d ended %v having sent %d; want Failed", i, round.Left, round.Sent)
		}
		st, err := r.engine.SinkStatus(netCtx(t), r.sink.Name())
		if err != nil {
			t.Fatal(err)
		}
		if st.Attempts != i || !strings.Contains(st.LastError, "450") {
			t.Fatalf("round %d: attempts %d, last error %q", i, st.Attempts, st.LastError)
		}
		// The recorded (and logged) error leaves the buyer's address out.
		if strings.Contains(st.LastError, "@tempfail.test") {
			t.Fatalf("round %d: the last error names the recipient: %q", i, st.LastError)
		}
		r.clock.Advance(round.Wait) // the retry is due
	}
	got, _, err := r.engine.Conversation(netCtx(t), conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m := got.Messages[len(got.Messages)-1]; m.ID != reply.ID || m.Undelivered != "" {
		t.Fatalf("deferred reply marked %q", m.Undelivered)
	}
}

// The Sent folder's connection is closed after IdleClose unused, and one
// the server dropped is replaced without failing the lookup.
func TestSinkSentConnectionIdleCloseAndRedial(t *testing.T) {
	r := newSinkRig(t, storetest.OpenSQLite(t))
	ctx := netCtx(t)
	r.sink.cfg.IdleClose = time.Millisecond
	if _, err := r.sink.inSent(ctx, "none@shop.test"); err != nil {
		t.Fatal(err)
	}
	open := func() bool { r.sink.mu.Lock(); defer r.sink.mu.Unlock(); return r.sink.box != nil }
	for deadline := time.Now().Add(time.Minute); open(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the idle connection was never closed")
		}
	}
	// A kept connection that the server has dropped.
	r.sink.cfg.IdleClose = time.Hour
	if _, err := r.sink.inSent(ctx, "none@shop.test"); err != nil {
		t.Fatal(err)
	}
	r.sink.mu.Lock()
	r.sink.box.c.Terminate()
	r.sink.mu.Unlock()
	if found, err := r.sink.inSent(ctx, "none@shop.test"); err != nil || found {
		t.Fatalf("lookup on a dropped connection: %v, %v; want a fresh connection's answer", found, err)
	}
}
