package enginetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

func (f *Fixture) buyerSays(key, text string) *core.Conversation {
	f.T.Helper()
	c, err := f.Engine.BuyerMessage(context.Background(), core.BuyerMessageIn{Channel: "web", BuyerKey: key, BuyerName: "Emma", Text: text})
	if err != nil {
		f.T.Fatalf("buyer message %q: %v", text, err)
	}
	return c
}

func (f *Fixture) outboxKinds() []core.EventKind {
	var kinds []core.EventKind
	for _, ev := range f.snapshot().Outbox {
		kinds = append(kinds, ev.Kind)
	}
	return kinds
}

func testBuyerMessageStartsTheClock(f *Fixture) {
	c := f.buyerSays("buyer-1", "where is my package?")
	if c.Deadline == nil || !c.Deadline.Equal(f.Clock.Now().Add(24*time.Hour)) || len(c.Messages) != 1 || c.Messages[0].ID == 0 {
		f.T.Fatalf("conversation after the first message: %+v", c)
	}
	f.Clock.Advance(2 * time.Hour)
	again := f.buyerSays("buyer-1", "hello??")
	if again.ID != c.ID || !again.Deadline.Equal(*c.Deadline) || len(again.Messages) != 2 {
		t := again.Deadline
		f.T.Fatalf("a second message must keep the oldest deadline: %v vs %v, %d messages", t, c.Deadline, len(again.Messages))
	}
	other := f.buyerSays("buyer-2", "hi")
	if other.ID == c.ID {
		f.T.Fatal("two buyers share a conversation")
	}
	// A buyer can't write into someone else's conversation.
	_, err := f.Engine.BuyerMessage(context.Background(), core.BuyerMessageIn{Channel: "web", BuyerKey: "buyer-2", ConversationID: c.ID, Text: "let me in"})
	if core.ErrorCode(err) != core.NotFound {
		f.T.Fatalf("foreign conversation: %v", err)
	}
	mine, _ := f.Engine.BuyerConversations(context.Background(), "web", "buyer-2")
	if len(mine) != 1 || mine[0].ID != other.ID {
		f.T.Fatalf("buyer-2 sees %+v", mine)
	}
	if k := f.outboxKinds(); len(k) != 3 || k[0] != core.EventBuyerMessage {
		f.T.Fatalf("outbox %v", k)
	}
	inbox := f.MustRun(f.Viewer, "inbox").Conversations
	if len(inbox) != 2 || inbox[0].ID != c.ID {
		f.T.Fatalf("inbox: %+v", inbox)
	}
}

func testBuyerMessageRefusals(f *Fixture) {
	f.buyerSays("buyer-1", "first")
	before := f.snapshot()
	for _, text := range []string{"", "   \n\t ", strings.Repeat("好", 1400)} {
		_, err := f.Engine.BuyerMessage(context.Background(), core.BuyerMessageIn{Channel: "web", BuyerKey: "buyer-1", Text: text})
		if core.ErrorCode(err) != core.Invalid || core.ErrorField(err) != "text" {
			f.T.Fatalf("message of %d bytes: %v", len(text), err)
		}
	}
	if !equalSnapshots(before, f.snapshot()) {
		f.T.Fatal("a refused buyer message changed the store")
	}
}

func testRemindersAndBreach(f *Fixture) {
	ctx := context.Background()
	c := f.buyerSays("buyer-1", "where is my package?")
	step := func(to time.Duration, wantRem, wantBreach int) {
		f.T.Helper()
		f.Clock.Advance(to)
		res, err := f.Engine.Sweep(ctx)
		if err != nil || res.Reminded != wantRem || res.Breached != wantBreach {
			f.T.Fatalf("at +%v: %+v %v, want %d reminders %d breaches", f.Clock.Now().Sub(startTime()), res, err, wantRem, wantBreach)
		}
	}
	step(11*time.Hour, 0, 0) // 13 h left
	step(time.Hour, 1, 0)    // 12 h left: first reminder
	step(time.Minute, 0, 0)  // once only
	step(8*time.Hour, 1, 0)  // 4 h left (minus a minute)
	step(3*time.Hour, 1, 0)  // under 1 h left
	step(time.Hour, 0, 1)    // past the deadline
	step(time.Hour, 0, 0)    // breach alerts once
	overdue := f.MustRun(f.Viewer, "inbox overdue").Conversations
	if len(overdue) != 1 || overdue[0].ID != c.ID {
		f.T.Fatalf("overdue: %+v", overdue)
	}
	kinds := f.outboxKinds()
	want := []core.EventKind{core.EventBuyerMessage, core.EventReminder, core.EventReminder, core.EventReminder, core.EventBreach}
	if len(kinds) != len(want) {
		f.T.Fatalf("outbox %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			f.T.Fatalf("outbox %v, want %v", kinds, want)
		}
	}
	// Answering late clears the deadline; the rate counts it as late.
	f.MustRun(f.Agent, "reply "+c.ID+" Sorry for the wait — it ships today.")
	h := f.MustRun(f.Viewer, "health").Health
	if r := h.Metrics[3]; r.Name != "response_rate" || r.Denominator != 1 || r.Numerator != 0 || r.OK {
		f.T.Fatalf("response rate after a late answer: %+v", r)
	}
}

func testReplyAndNoReply(f *Fixture) {
	c := f.buyerSays("buyer-1", "where is my package?")
	f.refused(f.Viewer, "reply "+c.ID+" hi", core.Forbidden, "viewer")
	f.refused(f.Agent, "reply "+c.ID, core.Conflict, "no draft")
	f.refused(f.Agent, "reply C-404 hi", core.NotFound, "C-404")
	f.Clock.Advance(3 * time.Hour)
	res := f.MustRun(f.Agent, "reply "+c.ID+` It left today with UPS — "1Z999AA10123456784".`)
	conv := res.Conversation
	if conv.Deadline != nil || len(conv.Messages) != 2 || conv.Messages[1].From != core.FromStaff || conv.Messages[1].By != "alex" ||
		conv.Messages[0].AnsweredAt == nil || conv.Messages[1].Text != `It left today with UPS — "1Z999AA10123456784".` {
		f.T.Fatalf("after reply: %+v", conv)
	}
	evs := f.snapshot().Outbox
	last := evs[len(evs)-1]
	if last.Kind != core.EventReply || last.ConversationID != c.ID || last.Channel != "web" || last.Text != conv.Messages[1].Text {
		f.T.Fatalf("reply event %+v", last)
	}
	f.refused(f.Agent, "noreply "+c.ID, core.Conflict, "Nothing waits")
	// "thanks!" needs no answer: noreply clears it without a message.
	f.buyerSays("buyer-1", "thanks!")
	conv = f.MustRun(f.Agent, "noreply "+c.ID).Conversation
	if conv.Deadline != nil || len(conv.Messages) != 3 || !conv.Messages[2].NoReply {
		f.T.Fatalf("after noreply: %+v", conv)
	}
	if k := f.outboxKinds(); k[len(k)-1] == core.EventReply && len(k) > 3 && k[len(k)-2] == core.EventReply {
		f.T.Fatalf("noreply sent a message to the buyer: %v", k)
	}
	h := f.MustRun(f.Viewer, "health").Health
	if r := h.Metrics[3]; r.Denominator != 2 || r.Numerator != 2 || !r.OK {
		f.T.Fatalf("response rate: %+v", r)
	}
	if shown := f.MustRun(f.Viewer, "show "+c.ID).Conversation; len(shown.Messages) != 3 {
		f.T.Fatalf("show: %+v", shown)
	}
}

func testVerifyBuyer(f *Fixture) {
	o := order("111-0000013-0000001", time.Hour)
	o.ShipTo.PostalCode = "97201-1234"
	f.importOrders(o)
	ctx := context.Background()
	// Each check from its own client, so none runs into the limit on
	// tries (verify.go tests that).
	clients := 0
	verify := func(orderID, secret string) (*core.Order, error) {
		clients++
		return f.Engine.VerifyBuyer(ctx, fmt.Sprintf("test:%d", clients), orderID, secret)
	}
	for _, ok := range []string{"emma@example.com", "EMMA@Example.com ", "97201-1234", "972011234", "97201"} {
		if got, err := verify(o.ID, ok); err != nil || got.ID != o.ID {
			f.T.Errorf("verify with %q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "emma@example.org", "97202", "972", "' OR 1=1 --"} {
		if _, err := verify(o.ID, bad); core.ErrorCode(err) != core.NotFound {
			f.T.Errorf("verify with %q: %v", bad, err)
		}
	}
	c, err := f.Engine.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: "order:" + o.ID, OrderID: o.ID, Text: "hello"})
	if err != nil || c.BuyerName != "Emma Johnson" || c.OrderID != o.ID {
		f.T.Fatalf("a verified buyer's conversation: %+v %v", c, err)
	}
	_, err = verify("111-0000013-9999999", "emma@example.com")
	_, err2 := verify(o.ID, "someone@example.com")
	if core.ErrorMessage(err) != core.ErrorMessage(err2) {
		f.T.Errorf("a wrong order id and a wrong email must read the same: %q vs %q", err, err2)
	}
}

// A quick (offline) drafter drafts in the message's own transaction: the
// message and its draft commit together, announced in that order, and the
// drafting that follows every message finds nothing to do. Any other
// drafter drafts only when asked.
func testQuickDraft(f *Fixture) {
	ctx := context.Background()
	p := core.DefaultPolicy()
	offline := drafter.Offline{D: drafter.New(drafter.Shop{Name: "Acme Mugs", Policy: p})}
	ids := &SeqIDs{}
	rec := &preparing{Offline: offline}
	quick := core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: ids, Policy: &p, Drafter: rec})
	c, err := quick.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: "quick", Text: "  Where is my package?"})
	if err != nil {
		f.T.Fatal(err)
	}
	if !slices.Equal(rec.texts, []string{"Where is my package?"}) {
		f.T.Errorf("prepared %q; want the message's stored text, once, before the store is read", rec.texts)
	}
	if c.Draft == nil || c.NeedsDraft() || c.Draft.ForMessage != c.LastBuyerMessage() || c.Draft.Intent != "track_order" {
		f.T.Fatalf("after the message: draft %+v; want one for the message", c.Draft)
	}
	if got := f.outboxKinds(); !slices.Equal(got, []core.EventKind{core.EventBuyerMessage, core.EventDraftReady}) {
		f.T.Fatalf("outbox %v, want the message then its draft", got)
	}
	if did, err := quick.Draft(ctx, c.ID); did || err != nil {
		f.T.Errorf("Draft after a quick draft = %v, %v; want nothing to do", did, err)
	}
	if n, err := quick.DraftPending(ctx); n != 0 || err != nil {
		f.T.Errorf("DraftPending = %d, %v; want nothing to do", n, err)
	}

	slow := core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: ids, Policy: &p, Drafter: Later(offline)})
	c2, err := slow.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: "slow", Text: "Where is my package?"})
	if err != nil {
		f.T.Fatal(err)
	}
	if c2.Draft != nil {
		f.T.Fatalf("a drafter that is not quick drafted inside the message's transaction")
	}
	if did, err := slow.Draft(ctx, c2.ID); !did || err != nil {
		f.T.Fatalf("Draft = %v, %v", did, err)
	}
	if did, _ := slow.Draft(ctx, c2.ID); did {
		f.T.Errorf("a second Draft drafted again")
	}
	if n := len(f.outboxKinds()); n != 4 {
		f.T.Errorf("outbox holds %d messages, want 4: two messages, one draft notice each", n)
	}
}

// preparing is the offline drafter, noting what the engine asks it to
// prepare (core.Preparer).
type preparing struct {
	drafter.Offline
	texts []string
}

func (p *preparing) Prepare(text string) {
	p.texts = append(p.texts, text)
	p.Offline.Prepare(text)
}

// Buyer messages racing into one conversation (a double-clicked send, two
// tabs) are all kept, each drafted, none lost or doubled: on PostgreSQL
// they are written optimistically, and those that lose the race to the
// conversation's row are written again under its lock.
func testQuickDraftConcurrent(f *Fixture) {
	ctx := context.Background()
	p := core.DefaultPolicy()
	p.BuyerMessageLimit = 100
	offline := drafter.Offline{D: drafter.New(drafter.Shop{Name: "Acme Mugs", Policy: p})}
	ids := &SeqIDs{}
	o := order("111-0000000-0000042", 3*24*time.Hour)
	f.importOrders(o)
	quick := core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: ids, Policy: &p, Drafter: offline})
	in := core.BuyerMessageIn{Channel: "web", BuyerKey: "order:" + o.ID, OrderID: o.ID, Text: "Where is my package?"}
	first, err := quick.BuyerMessage(ctx, in)
	if err != nil {
		f.T.Fatal(err)
	}
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			in := in
			in.Text = fmt.Sprintf("Any news? (%d)", i)
			_, err := quick.BuyerMessage(ctx, in)
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			f.T.Fatalf("a racing buyer message: %v", err)
		}
	}
	var c *core.Conversation
	err = f.Store.View(ctx, func(tx core.Tx) error {
		var err error
		c, err = tx.Conversation(ctx, first.ID)
		return err
	})
	if err != nil {
		f.T.Fatal(err)
	}
	seen := map[int64]bool{}
	texts := map[string]bool{}
	for _, m := range c.Messages {
		if m.ID == 0 || seen[m.ID] {
			f.T.Fatalf("message ids %v: each message must have its own", c.Messages)
		}
		seen[m.ID], texts[m.Text] = true, true
	}
	if len(c.Messages) != n+1 || len(texts) != n+1 {
		f.T.Fatalf("conversation holds %d messages (%d texts), want %d", len(c.Messages), len(texts), n+1)
	}
	if c.Draft == nil || c.NeedsDraft() || c.Draft.ForMessage != c.LastBuyerMessage() {
		f.T.Errorf("draft %+v answers message %d; want the newest, %d", c.Draft, c.Draft.ForMessage, c.LastBuyerMessage())
	}
	if c.Version != n+1 {
		f.T.Errorf("conversation version %d, want %d: one save per message", c.Version, n+1)
	}
	kinds := f.outboxKinds()
	count := map[core.EventKind]int{}
	for _, k := range kinds {
		count[k]++
	}
	if count[core.EventBuyerMessage] != n+1 || count[core.EventDraftReady] != n+1 {
		f.T.Errorf("outbox %v: want %d buyer messages and %d drafts", count, n+1, n+1)
	}
	var rc core.ResponseCounts
	err = f.Store.View(ctx, func(tx core.Tx) error {
		var err error
		rc, err = tx.ResponseCounts(ctx, f.Clock.Now().Add(-time.Hour), f.Clock.Now().Add(core.ResponseWindow+time.Hour)) // all past their 24 hours
		return err
	})
	if err != nil {
		f.T.Fatal(err)
	}
	if rc.Due != n+1 {
		f.T.Errorf("response counts %+v: want %d unanswered buyer messages past their 24 hours, each counted once", rc, n+1)
	}
}
