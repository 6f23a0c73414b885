package enginetest

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

// The email channel: Amazon relay mail and the shop's own mailbox.

const relayAddr = "x7k2m9abc3@marketplace.amazon.com"

// mailEngine is an engine on the fixture's store with the offline drafter,
// as the bot runs it. Engines made with the same ids are replicas: they
// never hand out the same id.
func (f *Fixture) mailEngine(ids ...*SeqIDs) *core.Engine {
	p := core.DefaultPolicy()
	offline := drafter.Offline{D: drafter.New(drafter.Shop{Name: "Acme Mugs", Policy: p})}
	id := &SeqIDs{}
	if len(ids) > 0 {
		id = ids[0]
	}
	return core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: id, Policy: &p, Drafter: offline})
}

func relayMail(id, orderID, text string) core.MailIn {
	return core.MailIn{MessageID: "<" + id + "@amazon.com>", From: "X7K2M9ABC3@Marketplace.Amazon.com", FromName: "Emma - Amazon Marketplace",
		Subject: "Question about order " + orderID, Text: text, Relay: true, OrderID: orderID, Marketplace: "amazon.com"}
}

func (f *Fixture) mail(e *core.Engine, in core.MailIn) *core.Conversation {
	f.T.Helper()
	c, dup, err := e.MailMessage(context.Background(), in)
	if err != nil || dup {
		f.T.Fatalf("mail %s: dup %v, %v", in.MessageID, dup, err)
	}
	return c
}

// Relay mail opens its order's amazon conversation, or joins it, with a
// draft grounded in the order; an order sellerdesk doesn't have yet still
// opens one, and staff are told.
func testRelayMailJoinsOrder(f *Fixture) {
	o := order("111-0000021-0000001", time.Hour)
	f.importOrders(o)
	e := f.mailEngine()
	c := f.mail(e, relayMail("m1", o.ID, "Where is my package?"))
	if c.Channel != core.ChannelAmazon || c.OrderID != o.ID || c.BuyerKey != relayAddr || c.BuyerName != "Emma - Amazon Marketplace" ||
		c.Subject != "Question about order "+o.ID || len(c.Messages) != 1 || c.Messages[0].ExtID != "m1@amazon.com" {
		f.T.Fatalf("relay conversation: %+v", c)
	}
	if c.Deadline == nil || !c.Deadline.Equal(f.Clock.Now().Add(core.ResponseWindow)) {
		f.T.Fatalf("deadline %v", c.Deadline)
	}
	// Grounded in the order: the offline drafter answers from its facts
	// (not yet shipped, ships by …) instead of asking for the order.
	if c.Draft == nil || c.Draft.Intent != "track_order" || !strings.Contains(c.Draft.Text, "Mug") && !strings.Contains(c.Draft.Text, "ship") {
		f.T.Fatalf("draft %+v", c.Draft)
	}
	withoutOrder := f.mail(e, core.MailIn{MessageID: "plain-1@shop", From: "emma@example.com", Text: "Where is my package?"})
	if withoutOrder.Draft == nil || withoutOrder.Draft.Text == c.Draft.Text {
		f.T.Fatalf("the relay draft is not grounded in the order: %q", c.Draft.Text)
	}
	f.Clock.Advance(time.Hour)
	in := relayMail("m2", o.ID, "Hello again?")
	in.Subject = "Another subject"
	again := f.mail(e, in)
	if again.ID != c.ID || len(again.Messages) != 2 || again.Subject != c.Subject || !again.Deadline.Equal(*c.Deadline) {
		f.T.Fatalf("second relay mail: %+v", again)
	}
	unknown := f.mail(e, relayMail("m3", "111-0000099-0000009", "Hi"))
	if unknown.ID == c.ID || unknown.OrderID != "111-0000099-0000009" || unknown.Channel != core.ChannelAmazon {
		f.T.Fatalf("relay mail about an unknown order: %+v", unknown)
	}
	evs := f.snapshot().Outbox
	found := false
	for _, ev := range evs {
		if ev.Kind == core.EventBuyerMessage && ev.ConversationID == unknown.ID {
			found = strings.Contains(ev.Text, "not in sellerdesk")
		}
	}
	if !found {
		f.T.Fatalf("staff are not told the order is unknown: %+v", evs)
	}
	inbox := f.MustRun(f.Viewer, "inbox").Conversations
	if len(inbox) != 3 {
		f.T.Fatalf("inbox holds %d conversations, want the relay ones and the email one", len(inbox))
	}
	if shown := f.MustRun(f.Viewer, "show "+c.ID); shown.Order == nil || shown.Order.ID != o.ID || len(shown.Conversation.Messages) != 2 {
		f.T.Fatalf("show: %+v", shown)
	}
}

// A mail is stored once by its Message-ID (or, without one, by what it
// says): read again, or by two replicas at once.
func testMailDuplicateStoredOnce(f *Fixture) {
	ctx := context.Background()
	ids := &SeqIDs{}
	e := f.mailEngine(ids)
	in := relayMail("dup", "111-0000022-0000001", "Where is it?")
	first := f.mail(e, in)
	before := f.snapshot()
	c, dup, err := e.MailMessage(ctx, in)
	if err != nil || !dup || c == nil || c.ID != first.ID {
		f.T.Fatalf("repeat: %v %v %+v", dup, err, c)
	}
	if !reflect.DeepEqual(before, f.snapshot()) {
		f.T.Fatal("a repeated mail changed the store")
	}
	// Without a Message-ID: the same sender, date, subject and text again.
	noID := core.MailIn{From: "bob@example.com", Subject: "hello", Date: f.Clock.Now().Add(-time.Minute), Text: "Do you ship to Canada?"}
	f.mail(e, noID)
	before = f.snapshot()
	if _, dup, err := e.MailMessage(ctx, noID); err != nil || !dup {
		f.T.Fatalf("a mail without Message-ID read twice: dup %v, %v", dup, err)
	}
	if !reflect.DeepEqual(before, f.snapshot()) {
		f.T.Fatal("a repeated mail without Message-ID changed the store")
	}
	other := noID
	other.Text = "And to Mexico?"
	if _, dup, err := e.MailMessage(ctx, other); err != nil || dup {
		f.T.Fatalf("another mail without Message-ID: dup %v, %v", dup, err)
	}

	// Two replicas read the same new mail at the same moment.
	e2 := f.mailEngine(ids)
	var wg sync.WaitGroup
	dups := make([]bool, 8)
	errs := make([]error, 8)
	race := relayMail("race", "111-0000023-0000001", "Where is it?")
	for i := range dups {
		eng := e
		if i%2 == 1 {
			eng = e2
		}
		wg.Go(func() { _, dups[i], errs[i] = eng.MailMessage(ctx, race) })
	}
	wg.Wait()
	stored := 0
	for i := range dups {
		switch {
		case errs[i] != nil && core.ErrorCode(errs[i]) != core.Conflict && core.ErrorCode(errs[i]) != core.Unavailable:
			f.T.Fatalf("racing mail: %v", errs[i])
		case errs[i] == nil && !dups[i]:
			stored++
		}
	}
	n := 0
	for _, c := range f.snapshot().Convs {
		if c.OrderID == race.OrderID {
			n += len(c.Messages)
		}
	}
	if stored != 1 || n != 1 {
		f.T.Fatalf("the same mail from two replicas: stored %d times, %d messages", stored, n)
	}

	// Different mails about one new order, at once: one conversation.
	convIDs := make([]string, 8)
	for i := range convIDs {
		eng := e
		if i%2 == 1 {
			eng = e2
		}
		wg.Go(func() {
			c, _, err := eng.MailMessage(ctx, relayMail(fmt.Sprintf("new-%d", i), "111-0000030-0000001", "Hello?"))
			if errs[i] = err; err == nil {
				convIDs[i] = c.ID
			}
		})
	}
	wg.Wait()
	for i := range convIDs {
		if errs[i] != nil || convIDs[i] != convIDs[0] {
			f.T.Fatalf("mails about one new order from two replicas: conversations %v, errors %v", convIDs, errs)
		}
	}
}

// Mail from anyone else threads by In-Reply-To and References, only into
// the sender's own email conversation.
func testMailThreadByReferences(f *Fixture) {
	e := f.mailEngine()
	m1 := f.mail(e, core.MailIn{MessageID: "<t1@shop.example>", From: "Support@Shop.example", Subject: "Wholesale", Text: "Do you sell wholesale?"})
	m2 := f.mail(e, core.MailIn{MessageID: "<t2@shop.example>", InReplyTo: "<t1@shop.example>", From: "support@shop.example", Subject: "Re: Wholesale", Text: "Hello?"})
	m3 := f.mail(e, core.MailIn{MessageID: "<t3@shop.example>", References: []string{"<t1@shop.example>", "<t2@shop.example>"}, From: "support@shop.example",
		Subject: "Re: Re: Wholesale", Text: "Anyone?"})
	if m1.Channel != core.ChannelEmail || m2.ID != m1.ID || m3.ID != m1.ID || len(m3.Messages) != 3 || m3.Subject != "Wholesale" || m3.BuyerKey != "support@shop.example" {
		f.T.Fatalf("thread of three: %s %s %s, %+v", m1.ID, m2.ID, m3.ID, m3)
	}
	// Someone else naming the thread opens their own conversation.
	stranger := f.mail(e, core.MailIn{MessageID: "<s1@evil.example>", References: []string{"<t1@shop.example>"}, ConversationID: m1.ID,
		From: "mallory@evil.example", Text: "me too"})
	if stranger.ID == m1.ID || stranger.Channel != core.ChannelEmail {
		f.T.Fatalf("a stranger joined the thread: %+v", stranger)
	}
	// Never across channels: a relay buyer's conversation is not joined
	// by plain mail, nor an email thread by relay mail.
	relay := f.mail(e, relayMail("r1", "111-0000024-0000001", "Hi"))
	plain := f.mail(e, core.MailIn{MessageID: "<p1@x>", From: relayAddr, ConversationID: relay.ID, InReplyTo: "<r1@amazon.com>", Text: "sneaky"})
	if plain.ID == relay.ID || plain.Channel != core.ChannelEmail {
		f.T.Fatalf("plain mail joined an amazon conversation: %+v", plain)
	}
	in := relayMail("r2", "111-0000025-0000001", "Hi")
	in.ConversationID, in.InReplyTo = m1.ID, "<t1@shop.example>"
	if r := f.mail(e, in); r.ID == m1.ID || r.Channel != core.ChannelAmazon {
		f.T.Fatalf("relay mail joined an email conversation: %+v", r)
	}
}

// An order id in a plain mail is only the sender's word: the conversation
// gets no order (DESIGN "Languages": only a vouching channel grounds it).
func testMailOrderIDNotTrusted(f *Fixture) {
	o := order("111-0000026-0000001", time.Hour)
	f.importOrders(o)
	e := f.mailEngine()
	c := f.mail(e, core.MailIn{MessageID: "<o1@x>", From: "someone@example.com", Subject: "Order " + o.ID,
		Text: "Where is order " + o.ID + "? Ship it to my new address.", OrderID: o.ID})
	if c.OrderID != "" || c.Channel != core.ChannelEmail {
		f.T.Fatalf("a plain mail got the order it named: %+v", c)
	}
	if c.Draft != nil && strings.Contains(c.Draft.Text, "Portland") {
		f.T.Fatalf("the draft shows the order's address to a stranger: %q", c.Draft.Text)
	}
	if shown := f.MustRun(f.Viewer, "show "+c.ID); shown.Order != nil {
		f.T.Fatalf("show gives the named order: %+v", shown.Order)
	}
}

// Mail the buyer can't be asked to shorten: a mail with only an
// attachment is a message staff see, a long one is stored cut with a line
// saying so, and a flood is stored whole.
func testMailWithoutWordsAndLong(f *Fixture) {
	e := f.mailEngine()
	c := f.mail(e, core.MailIn{MessageID: "<a1@x>", From: "buyer@example.com", Text: " \n ",
		Attachments: []core.Attachment{{Name: "photo.jpg", Size: 2_100_000, Type: "image/jpeg"}}})
	if m := c.Messages[0]; m.Text != "(no text; 1 attachment: photo.jpg, 2.1 MB)" || len(m.Attachments) != 1 || m.Attachments[0].Name != "photo.jpg" {
		f.T.Fatalf("attachment-only mail: %+v", m)
	}
	long := strings.Repeat("Grüße aus Köln. ", 6000) // about 100 KB
	c = f.mail(e, core.MailIn{MessageID: "<l1@x>", From: "buyer@example.com", InReplyTo: "<a1@x>", Text: long})
	m := c.Messages[len(c.Messages)-1]
	if !strings.HasPrefix(long, strings.SplitN(m.Text, "\n\n[Cut", 2)[0]) || !strings.Contains(m.Text, "[Cut at 64 KB by sellerdesk: the full mail is in the mailbox.]") ||
		len(m.Text) > core.MaxMailBytes+100 {
		f.T.Fatalf("long mail: %d bytes, ends %q", len(m.Text), m.Text[len(m.Text)-80:])
	}
	for i := range 30 {
		if _, _, err := e.MailMessage(context.Background(), core.MailIn{MessageID: fmt.Sprintf("<f%d@x>", i), From: "buyer@example.com",
			InReplyTo: "<a1@x>", Text: fmt.Sprintf("flood %d", i)}); err != nil {
			f.T.Fatalf("mail %d of a flood refused: %v", i, err)
		}
	}
	if got := f.MustRun(f.Viewer, "show "+c.ID).Conversation; len(got.Messages) != 32 {
		f.T.Fatalf("flood: %d messages stored, want 32", len(got.Messages))
	}
}

// A reply to an Amazon buyer that breaks Amazon's rules is refused naming
// the rule and changes nothing; a good one is queued with its message id;
// an email conversation is not held to Amazon's rules.
func testAmazonReplyRules(f *Fixture) {
	o := order("111-0000027-0000001", time.Hour)
	f.importOrders(o)
	f.MustRun(f.Agent, "ship "+o.ID+" ups "+upsOK)
	e := f.mailEngine()
	c := f.mail(e, relayMail("q1", o.ID, "Where is my package?"))
	for _, tc := range []struct{ text, want string }{
		{"Track it at https://evil.example/track", "forbid links other than the order's carrier tracking page: remove 'evil.example'"},
		{"Write to help@shop.example any time.", "forbid e-mail addresses: remove 'help@shop.example'"},
		{"Call us on +49 30 1234 5678.", "forbid phone numbers"},
		{"Call ０３−１２３４−５６７８ please", "forbid phone numbers"},
		{"Please leave a positive review!", "requests for reviews"},
		{"Bitte geben Sie uns 5 Sterne.", "requests for reviews"},
		{"高評価をお願いします。", "requests for reviews"},
		{"<p>It shipped.</p>", "forbid HTML"},
		{"To unsubscribe reply STOP.", "opt-out"},
	} {
		f.refused(f.Agent, "reply "+c.ID+" "+tc.text, core.Invalid, tc.want)
	}
	// The draft may be sent as it is: the offline drafter keeps the rules.
	res := f.MustRun(f.Agent, "reply "+c.ID+" Your order "+o.ID+" shipped with UPS, tracking "+upsOK+": https://www.ups.com/track?tracknum="+upsOK)
	conv := res.Conversation
	staff := conv.Messages[len(conv.Messages)-1]
	evs := f.snapshot().Outbox
	last := evs[len(evs)-1]
	if last.Kind != core.EventReply || last.Channel != core.ChannelAmazon || last.MessageID == 0 || last.MessageID != staff.ID || staff.From != core.FromStaff {
		f.T.Fatalf("reply event %+v for staff message %+v", last, staff)
	}
	plain := f.mail(e, core.MailIn{MessageID: "<w1@x>", From: "wholesale@example.com", Text: "Price list?"})
	f.MustRun(f.Agent, "reply "+plain.ID+" See https://acme.example/prices or write to sales@acme.example.")
}

// A bounce marks the reply not delivered, reopens what it answered with
// the deadline of the oldest buyer message (already past here), and
// alerts staff; a repeat changes nothing.
func testMailBounce(f *Fixture) {
	ctx := context.Background()
	e := f.mailEngine()
	c := f.mail(e, relayMail("b1", "111-0000028-0000001", "Where is my package?"))
	wrote := f.Clock.Now()
	f.Clock.Advance(time.Hour)
	f.mail(e, relayMail("b2", "111-0000028-0000001", "Hello?"))
	f.Clock.Advance(time.Hour)
	conv := f.MustRun(f.Agent, "reply "+c.ID+" It ships today.").Conversation
	reply := conv.Messages[2]
	f.Clock.Advance(30 * time.Hour)
	in := core.BounceIn{NoticeID: "<bounce-1@amazon.com>", ConversationID: c.ID, MessageID: reply.ID,
		Reason: "The buyer x7k2m9abc3@marketplace.amazon.com has opted out of messages."}
	if err := e.MailBounced(ctx, in); err != nil {
		f.T.Fatal(err)
	}
	got := f.MustRun(f.Viewer, "show "+c.ID).Conversation
	if got.Messages[2].Undelivered == "" || strings.Contains(got.Messages[2].Undelivered, "@") ||
		got.Messages[0].AnsweredAt != nil || got.Messages[1].AnsweredAt != nil {
		f.T.Fatalf("after the bounce: %+v", got.Messages)
	}
	if got.Deadline == nil || !got.Deadline.Equal(wrote.Add(core.ResponseWindow)) || got.Breached {
		f.T.Fatalf("deadline after the bounce: %v (breached %v), want %v", got.Deadline, got.Breached, wrote.Add(core.ResponseWindow))
	}
	snap := f.snapshot()
	last := snap.Outbox[len(snap.Outbox)-1]
	if last.Kind != core.EventUndelivered || last.ConversationID != c.ID || last.MessageID != reply.ID ||
		!strings.Contains(last.Text, "opted out") || strings.Contains(last.Text, "@") || !last.Kind.ForConversation() {
		f.T.Fatalf("undelivered event %+v", last)
	}
	if a := snap.Audit[0]; a.Command != "reply undelivered" || a.Source != "system" || !strings.Contains(a.Detail, c.ID) {
		f.T.Fatalf("audit %+v", a)
	}
	// The same notice again, or another notice for the same reply.
	if err := e.MailBounced(ctx, in); err != nil {
		f.T.Fatal(err)
	}
	in.NoticeID = "<bounce-2@amazon.com>"
	if err := e.MailBounced(ctx, in); err != nil {
		f.T.Fatal(err)
	}
	if !reflect.DeepEqual(snap, f.snapshot()) {
		f.T.Fatal("a repeat bounce changed the store")
	}
	// The deadline is past: the sweep tells staff it is breached.
	if _, breached, err := e.SweepConversations(ctx); err != nil || breached != 1 {
		f.T.Fatalf("sweep after the bounce: %d breached, %v", breached, err)
	}
	// A bounce about nothing we sent is refused and changes nothing.
	snap = f.snapshot()
	for _, bad := range []core.BounceIn{{ConversationID: c.ID, MessageID: conv.Messages[0].ID}, {ConversationID: "C-404", MessageID: 1}, {ConversationID: c.ID}} {
		if err := e.MailBounced(ctx, bad); err == nil {
			f.T.Fatalf("bounce %+v accepted", bad)
		}
	}
	if !reflect.DeepEqual(snap, f.snapshot()) {
		f.T.Fatal("a refused bounce changed the store")
	}
}

// ruleBreaker is a drafter (a model, say) whose drafts break Amazon's
// rules.
type ruleBreaker struct{}

func (ruleBreaker) Draft(context.Context, core.DraftRequest) (core.Draft, error) {
	return core.Draft{Text: "Call us on +1 555 123 4567!", Language: "en", Intent: "other", NeedsResponse: true, Drafter: "llm"}, nil
}

// A draft for an Amazon buyer that Send would refuse tells staff so when
// it is made, not only when they press Send.
func testAmazonDraftBreakingRulesNoted(f *Fixture) {
	ctx := context.Background()
	p := core.DefaultPolicy()
	e := core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{}, Policy: &p, Drafter: ruleBreaker{}})
	c := f.mail(e, relayMail("d1", "111-0000029-0000001", "Hi"))
	plain := f.mail(e, core.MailIn{MessageID: "<d2@x>", From: "b@example.com", Text: "Hi"})
	if n, err := e.DraftPending(ctx); err != nil || n != 2 {

		f.T.Fatalf("DraftPending = %d, %v", n, err)
	}
	got := f.MustRun(f.Viewer, "show "+c.ID).Conversation
	if got.Draft == nil || !strings.Contains(got.Draft.Note, "Edit before sending: Amazon's rules for buyer messages forbid phone numbers") {
		f.T.Fatalf("draft %+v", got.Draft)
	}
	if d := f.MustRun(f.Viewer, "show "+plain.ID).Conversation.Draft; d == nil || d.Note != "" {
		f.T.Fatalf("an email conversation's draft got Amazon's note: %+v", d)
	}
	f.refused(f.Agent, "reply "+c.ID, core.Invalid, "phone numbers")
}

// testMailCursor: a cursor reads "" before its first save, and SaveCursor
// hands the stored value to the reader's choice in one transaction, so a
// reader behind another keeps the further place; no name is refused.
func testMailCursor(f *Fixture) {
	ctx := context.Background()
	const name = "imap:seller@imap.example.com/INBOX"
	if v, err := f.Engine.Cursor(ctx, name); err != nil || v != "" {
		f.T.Fatalf("fresh cursor %q, %v", v, err)
	}
	further := func(v string) func(string) string {
		return func(old string) string {
			if old > v { // the same UIDVALIDITY and width in this test
				return old
			}
			return v
		}
	}
	for _, v := range []string{"7:0005", "7:0009", "7:0006"} {
		if err := f.Engine.SaveCursor(ctx, name, further(v)); err != nil {
			f.T.Fatal(err)
		}
	}
	if v, err := f.Engine.Cursor(ctx, name); err != nil || v != "7:0009" {
		f.T.Fatalf("cursor %q, %v; want the further place 7:0009", v, err)
	}
	if err := f.Engine.SaveCursor(ctx, "", further("1:1")); core.ErrorCode(err) != core.Invalid {
		f.T.Fatalf("a cursor without a name: %v", err)
	}
	// Two readers moving one cursor at once (two replicas' watchers
	// overlapping) lose no step: each save sees the value the other saved.
	const count = "count"
	if err := f.Engine.SaveCursor(ctx, count, func(string) string { return "0" }); err != nil {
		f.T.Fatal(err)
	}
	const steps = 40
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			for range steps {
				err := f.Engine.SaveCursor(ctx, count, func(old string) string {
					n, _ := strconv.Atoi(old)
					return strconv.Itoa(n + 1)
				})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			f.T.Fatal(err)
		}
	}
	if v, err := f.Engine.Cursor(ctx, count); err != nil || v != strconv.Itoa(2*steps) {
		f.T.Fatalf("cursor moved by two readers at once: %q, %v; want %d", v, err, 2*steps)
	}
}
