package enginetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// groupSink is a recordingSink that takes groups (core.GroupSink), as the
// Slack and Discord sinks do.
type groupSink struct{ *recordingSink }

func (groupSink) TakesGroups() bool { return true }

// posts returns the outbox ids each delivered post stood for.
func (s groupSink) posts() [][]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out [][]int64
	for _, ev := range s.got {
		out = append(out, members(ev))
	}
	return out
}

// members are the outbox ids a delivered message stands for.
func members(ev core.Event) []int64 {
	if ev.Group == nil {
		return []int64{ev.ID}
	}
	var ids []int64
	for _, m := range ev.Group.Events {
		ids = append(ids, m.ID)
	}
	return ids
}

// DigestWindow is the alert digest window of DigestEngine (bot's default).
const DigestWindow = time.Minute

const digestWindow = DigestWindow

// DigestEngine is an engine with alert digests on, as bot configures it,
// for tests that deliver through it beside their own engine on the same
// store and clock.
func DigestEngine(store core.Store, clock *Clock) *core.Engine {
	p := core.DefaultPolicy()
	return core.NewEngine(store, core.Options{Clock: clock, IDs: &SeqIDs{}, Policy: &p, DigestWindow: DigestWindow})
}

// DeliverAll runs delivery rounds for s until a round does not ask to go
// on at once.
func DeliverAll(t testing.TB, e *core.Engine, s core.Sink) {
	t.Helper()
	for range 100 {
		r, err := e.DeliverRound(context.Background(), s)
		if err != nil {
			t.Fatalf("deliver: %v", err)
		}
		if r.Left != core.More {
			return
		}
	}
	t.Fatal("delivery never caught up")
}

func (f *Fixture) digestEngine() *core.Engine { return DigestEngine(f.Store, f.Clock) }

func (f *Fixture) round(e *core.Engine, s core.Sink) core.Round {
	f.T.Helper()
	r, err := e.DeliverRound(context.Background(), s)
	if err != nil {
		f.T.Fatalf("DeliverRound: %v", err)
	}
	return r
}

// oldOrders makes n merchant orders bought ago before now.
func oldOrders(n int, batch string, ago time.Duration) []core.Order {
	out := make([]core.Order, n)
	for i := range out {
		out[i] = order(fmt.Sprintf("111-%07s-%07d", batch, i), ago)
	}
	return out
}

// An old Unshipped report imported: sellerdesk first sees hundreds of
// orders already past the 30-day limit (and some pending past the 21-day
// one). The sweep cancels none of them, staff get one alert per limit, and
// a re-import keeps when sellerdesk first saw them.
func testHistoricImportNotCancelled(f *Fixture) {
	ctx := context.Background()
	old := oldOrders(497, "0000020", 40*24*time.Hour)
	pending := oldOrders(3, "0000021", 25*24*time.Hour)
	for i := range pending {
		pending[i].PaymentsDate = nil
	}
	fresh := order("111-0000022-0000001", 2*24*time.Hour)
	stats, err := f.Engine.Import(ctx, append(append(slices.Clone(old), pending...), fresh))
	if err != nil || stats.New != 501 || stats.PastLimit != 500 {
		f.T.Fatalf("import: %+v %v", stats, err)
	}
	var alerts []core.Event
	for _, ev := range f.snapshot().Outbox {
		if ev.Kind != core.EventPastLimit {
			f.T.Fatalf("the import queued a %s alert: %q", ev.Kind, ev.Text)
		}
		alerts = append(alerts, ev)
	}
	if len(alerts) != 2 ||
		!strings.Contains(alerts[0].Text, "497 imported orders were already past the marketplace's 30-day limit to ship") ||
		!strings.Contains(alerts[0].Text, "and 487 more") || !strings.Contains(alerts[0].Text, "cancel <order-id> <reason>") ||
		!strings.Contains(alerts[1].Text, "3 imported pending orders were already past the 21-day payment verification limit") {
		f.T.Fatalf("alerts: %+v", alerts)
	}
	seen := f.order(old[0].ID).CreatedAt
	if !seen.Equal(f.Clock.Now()) {
		f.T.Fatalf("first seen %v, want the import's time %v", seen, f.Clock.Now())
	}

	for day := range 3 {
		res, err := f.Engine.Sweep(ctx)
		if err != nil || len(res.AutoCanceled)+len(res.Expired)+len(res.Warned) != 0 {
			f.T.Fatalf("sweep on day %d after the import: %+v %v", day, res, err)
		}
		f.Clock.Advance(24 * time.Hour)
	}
	for _, id := range []string{old[0].ID, old[496].ID, pending[2].ID} {
		if o := f.order(id); o.Status == core.Canceled {
			f.T.Fatalf("%s was cancelled by the sweep", id)
		}
	}
	// Staff may still cancel one by hand.
	f.MustRun(f.Agent, "cancel "+old[1].ID+" no_inventory")

	// Re-imported unchanged and changed: the first sight stays, and no
	// second alert is raised.
	before := len(f.snapshot().Outbox)
	if stats, err := f.Engine.Import(ctx, old[:5]); err != nil || stats.Unchanged != 5 {
		f.T.Fatalf("unchanged re-import: %+v %v", stats, err)
	}
	changed := old[2]
	changed.ReportUpdated = changed.ReportUpdated.Add(time.Hour)
	changed.ShipServiceLevel = "Expedited"
	if stats, err := f.Engine.Import(ctx, []core.Order{changed}); err != nil || stats.Updated != 1 || stats.PastLimit != 0 {
		f.T.Fatalf("changed re-import: %+v %v", stats, err)
	}
	for _, id := range []string{old[0].ID, changed.ID} {
		if got := f.order(id).CreatedAt; !got.Equal(seen) {
			f.T.Fatalf("%s: first seen moved from %v to %v on re-import", id, seen, got)
		}
	}
	if n := len(f.snapshot().Outbox); n != before {
		f.T.Fatalf("re-imports queued %d alerts", n-before)
	}

	// The order sellerdesk saw in time is still cancelled by the rule.
	f.Clock.Advance(30 * 24 * time.Hour)
	res, err := f.Engine.Sweep(ctx)
	if err != nil || !slices.Equal(res.AutoCanceled, []string{fresh.ID}) || len(res.Expired) != 0 {
		f.T.Fatalf("sweep 30 days on: %+v %v", res, err)
	}
}

// A sweep that warns about hundreds of orders makes one digest per chat
// once the window is over; a plain sink still gets one message each.
func testAlertBurstOneDigest(f *Fixture) {
	ctx := context.Background()
	e := f.digestEngine()
	slack, discord, plain := groupSink{newSink("slack")}, groupSink{newSink("discord")}, newSink("log")
	for _, s := range []core.Sink{slack, discord, plain} {
		if err := e.StartSink(ctx, s.Name()); err != nil {
			f.T.Fatal(err)
		}
	}
	f.importOrders(oldOrders(497, "0000023", 24*24*time.Hour)...)
	res, err := f.Engine.Sweep(ctx)
	if err != nil || len(res.Warned) != 497 {
		f.T.Fatalf("sweep: %d warned, %v", len(res.Warned), err)
	}
	var warnings []int64
	for _, ev := range f.snapshot().Outbox {
		warnings = append(warnings, ev.ID)
	}
	for _, s := range []groupSink{slack, discord} {
		// Right after the burst it may still grow: nothing is posted yet.
		if r := f.round(e, s); r.Sent != 0 || r.Left != core.Gathering || r.Wait != 2*time.Second {
			f.T.Fatalf("%s right after the burst: %+v", s.Name(), r)
		}
	}
	f.Clock.Advance(2 * time.Second) // quiet: the burst is over
	for _, s := range []groupSink{slack, discord} {
		if r := f.round(e, s); r.Sent != 1 || r.Left != core.CaughtUp {
			f.T.Fatalf("%s after the window: %+v", s.Name(), r)
		}
		if posts := s.posts(); len(posts) != 1 || !slices.Equal(posts[0], warnings) {
			f.T.Fatalf("%s got %d posts, want one digest of the %d warnings", s.Name(), len(posts), len(warnings))
		}
		if st := f.sinkStatus(s.Name()); st.AfterID != warnings[len(warnings)-1] || st.GroupTo != 0 {
			f.T.Fatalf("%s status: %+v", s.Name(), st)
		}
	}
	DeliverAll(f.T, e, plain)
	if _, got := plain.calls(); len(got) != len(warnings) {
		f.T.Fatalf("a sink without groups got %d of %d messages", len(got), len(warnings))
	}
}

// A digest whose post fails (perhaps after reaching the platform) is
// tried again as the very same group, marked MaybeSent, even when more
// alerts of its kind arrived meanwhile; those follow in a digest of their
// own. Nothing is posted twice or lost.
func testDigestRetriedAsTheSameGroup(f *Fixture) {
	e := f.digestEngine()
	s := groupSink{newSink("slack")}
	f.round(e, s)
	first := []int64{f.lowStock("A"), f.lowStock("B"), f.lowStock("C")}
	f.Clock.Advance(digestWindow)
	s.failNext(first[0], errors.New("connection reset after the request was sent"))
	if r := f.round(e, s); r.Sent != 0 || r.Left != core.Failed {
		f.T.Fatalf("failed digest: %+v", r)
	}
	if st := f.sinkStatus("slack"); st.GroupTo != first[2] || st.Attempts != 1 {
		f.T.Fatalf("status after the failure: %+v", st)
	}
	// Two more low-stock alerts, within a window of their own.
	later := []int64{f.lowStock("D"), f.lowStock("E")}
	f.Clock.Advance(time.Hour) // past the retry and the new alerts' window
	if r := f.round(e, s); r.Sent != 2 || r.Left != core.CaughtUp {
		f.T.Fatalf("retry: %+v", r)
	}
	if posts := s.posts(); len(posts) != 2 || !slices.Equal(posts[0], first) || !slices.Equal(posts[1], later) {
		f.T.Fatalf("posts %v, want %v then %v", posts, first, later)
	}
	s.mu.Lock()
	retried, next := s.got[0], s.got[1]
	s.mu.Unlock()
	if !retried.MaybeSent || next.MaybeSent {
		f.T.Fatalf("MaybeSent: retried %v, next %v", retried.MaybeSent, next.MaybeSent)
	}
}

// Thirty buyer messages to one conversation waiting together go to a
// chat as one update; alerts of different kinds are not mixed.
func testConversationNewsCoalesced(f *Fixture) {
	e := f.digestEngine()
	s := groupSink{newSink("slack")}
	f.round(e, s)
	var burst []int64
	for i := range 30 {
		f.Clock.Advance(7 * time.Second) // a buyer typing fast, within any per-minute limit
		burst = append(burst, f.newMessages(func() { f.buyerSays("buyer-1", fmt.Sprintf("message %d", i)) })...)
	}
	other := f.buyerMessage("buyer-2")
	if r := f.round(e, s); r.Sent != 2 || r.Left != core.CaughtUp {
		f.T.Fatalf("round: %+v", r)
	}
	if posts := s.posts(); len(posts) != 2 || !slices.Equal(posts[0], burst) || !slices.Equal(posts[1], []int64{other}) {
		f.T.Fatalf("posts %v", posts)
	}
	low, out := f.lowStock("MUG"), f.newMessages(func() { f.setStock("MUG set 0") })
	f.Clock.Advance(digestWindow)
	if r := f.round(e, s); r.Sent != 2 {
		f.T.Fatalf("two alert kinds: %+v", r)
	}
	if posts := s.posts(); len(posts) != 4 || !slices.Equal(posts[2], []int64{low}) || !slices.Equal(posts[3], out) {
		f.T.Fatalf("posts %v", posts)
	}
}

// Alerts that keep coming are gathered for the window at most: a digest
// holds the alerts raised within it of its first, and the next digest
// starts with the first alert past it.
func testDigestWindowCapsAStream(f *Fixture) {
	e := f.digestEngine()
	s := groupSink{newSink("slack")}
	f.round(e, s)
	var ids []int64
	for i := range 13 { // one every 10 s for two minutes
		if i > 0 {
			f.Clock.Advance(10 * time.Second)
		}
		ids = append(ids, f.lowStock(fmt.Sprintf("SKU-%d", i)))
		r := f.round(e, s)
		switch {
		case i < 6 && (r.Sent != 0 || r.Left != core.Gathering):
			f.T.Fatalf("alert %d within the first window: %+v", i, r)
		case i == 6 && r.Sent != 1:
			f.T.Fatalf("alert %d, past the first window: %+v", i, r)
		}
	}
	f.Clock.Advance(time.Minute)
	f.round(e, s)
	if posts := s.posts(); len(posts) != 3 || !slices.Equal(posts[0], ids[:6]) || !slices.Equal(posts[1], ids[6:12]) || !slices.Equal(posts[2], ids[12:]) {
		f.T.Fatalf("posts %v, want %v, %v and %v", posts, ids[:6], ids[6:12], ids[12:])
	}
}
