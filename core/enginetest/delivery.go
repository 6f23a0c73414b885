package enginetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// recordingSink is a core.Sink that keeps what it is given. It posts the
// kinds it wants (all when kinds is empty) and fails as scripted.
type recordingSink struct {
	name  string
	kinds []core.EventKind

	mu       sync.Mutex
	tried    []int64           // every Deliver call, by message id
	got      []core.Event      // the messages delivered
	failures map[int64][]error // what the next calls for a message return, in turn
}

func newSink(name string, kinds ...core.EventKind) *recordingSink {
	return &recordingSink{name: name, kinds: kinds, failures: map[int64][]error{}}
}

func (s *recordingSink) Name() string { return s.name }

func (s *recordingSink) Wants(ev core.Event) bool {
	return len(s.kinds) == 0 || slices.Contains(s.kinds, ev.Kind)
}

func (s *recordingSink) Deliver(ctx context.Context, ev core.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tried = append(s.tried, ev.ID)
	if errs := s.failures[ev.ID]; len(errs) > 0 {
		s.failures[ev.ID] = errs[1:]
		return errs[0]
	}
	s.got = append(s.got, ev)
	return nil
}

// failNext makes the next len(errs) attempts to post message id fail.
func (s *recordingSink) failNext(id int64, errs ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[id] = append(s.failures[id], errs...)
}

// calls returns how many times Deliver was called, and the ids delivered.
func (s *recordingSink) calls() (int, []int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int64
	for _, ev := range s.got {
		ids = append(ids, ev.ID)
	}
	return len(s.tried), ids
}

// deliver runs one delivery round for s.
func (f *Fixture) deliver(s core.Sink) (int, time.Duration) {
	f.T.Helper()
	sent, wait, err := f.Engine.Deliver(context.Background(), s)
	if err != nil {
		f.T.Fatalf("Deliver to %s: %v", s.Name(), err)
	}
	return sent, wait
}

// wantRound runs one delivery round and checks what it sent and how long
// it asks to wait.
func (f *Fixture) wantRound(s core.Sink, sent int, wait time.Duration) {
	f.T.Helper()
	gotSent, gotWait := f.deliver(s)
	if gotSent != sent || gotWait != wait {
		f.T.Fatalf("at +%v: Deliver to %s sent %d and asks to wait %v; want %d and %v",
			f.Clock.Now().Sub(startTime()), s.Name(), gotSent, gotWait, sent, wait)
	}
}

// newMessages returns the ids of the outbox messages made by fn.
func (f *Fixture) newMessages(fn func()) []int64 {
	f.T.Helper()
	before := len(f.snapshot().Outbox)
	fn()
	var ids []int64
	for _, ev := range f.snapshot().Outbox[before:] {
		ids = append(ids, ev.ID)
	}
	return ids
}

// lowStock makes one low_stock message for sku.
func (f *Fixture) lowStock(sku string) int64 {
	f.T.Helper()
	ids := f.newMessages(func() { f.setStock(sku+" set 10", sku+" set 1") })
	if len(ids) != 1 {
		f.T.Fatalf("stock %s down to 1 made %d messages, want one low-stock alert", sku, len(ids))
	}
	return ids[0]
}

// buyerMessage makes one buyer_message message.
func (f *Fixture) buyerMessage(key string) int64 {
	f.T.Helper()
	ids := f.newMessages(func() { f.buyerSays(key, "where is my parcel?") })
	if len(ids) != 1 {
		f.T.Fatalf("a buyer message made %d outbox messages, want one", len(ids))
	}
	return ids[0]
}

func (f *Fixture) sinkStatus(name string) core.SinkState {
	f.T.Helper()
	st, err := f.Engine.SinkStatus(context.Background(), name)
	if err != nil {
		f.T.Fatalf("SinkStatus(%s): %v", name, err)
	}
	return st
}

func (f *Fixture) wantDelivered(s *recordingSink, want []int64) {
	f.T.Helper()
	if _, got := s.calls(); !slices.Equal(got, want) {
		f.T.Fatalf("%s got messages %v, want %v", s.Name(), got, want)
	}
}

// caughtUp is the wait Deliver asks for when nothing is left to send.
const caughtUp = time.Second

func testDeliverInOrderOnce(f *Fixture) {
	s := newSink("slack")
	f.wantRound(s, 0, caughtUp) // the sink starts here
	var want []int64
	want = append(want, f.lowStock("MUG"), f.buyerMessage("buyer-1"), f.lowStock("TEE"))
	f.wantRound(s, 3, caughtUp)
	f.wantRound(s, 0, caughtUp)
	f.wantDelivered(s, want)

	// More than one round's batch: the first round asks to be called
	// again at once, and nothing is sent twice or left out.
	// (25 buyers: one buyer's conversation takes 10 messages a minute.)
	for i := range 25 {
		want = append(want, f.buyerMessage(fmt.Sprintf("buyer-%d", 2+i)))
	}
	sent, wait := f.deliver(s)
	if sent == 0 || sent >= 25 || wait != 0 {
		f.T.Fatalf("a long backlog: first round sent %d and asks to wait %v; want part of it and no wait", sent, wait)
	}
	f.wantRound(s, 25-sent, caughtUp)
	f.wantRound(s, 0, caughtUp)
	f.wantDelivered(s, want)
	if n, _ := s.calls(); n != len(want) {
		f.T.Fatalf("%d Deliver calls for %d messages", n, len(want))
	}
	if st := f.sinkStatus("slack"); st.AfterID != want[len(want)-1] || st.Attempts != 0 || st.LastError != "" {
		f.T.Fatalf("status: %+v", st)
	}
}

func testDeliverRetriesWithBackoff(f *Fixture) {
	s := newSink("slack")
	f.wantRound(s, 0, caughtUp)
	m1, m2, m3 := f.lowStock("MUG"), f.buyerMessage("buyer-1"), f.lowStock("TEE")
	down := errors.New("slack: connection reset by peer")
	// Six failures: more than an Invalid message gets, yet an outage
	// only delays a message.
	s.failNext(m2, down, down, down, down, down, down)

	f.wantRound(s, 1, time.Second) // m1 goes, m2 fails
	f.wantDelivered(s, []int64{m1})
	for i, wait := range []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second} {
		prev := wait / 2
		f.wantRound(s, 0, prev) // too early: nothing is tried
		f.Clock.Advance(prev / 2)
		f.wantRound(s, 0, prev/2)
		f.Clock.Advance(prev / 2)
		f.wantRound(s, 0, wait) // tried again, fails again, waits longer
		if st := f.sinkStatus("slack"); st.AfterID != m1 || st.Attempts != i+2 || !strings.Contains(st.LastError, "connection reset") ||
			!st.NextAttempt.Equal(f.Clock.Now().Add(wait)) {
			f.T.Fatalf("after failure %d: %+v", i+2, st)
		}
	}
	f.Clock.Advance(32 * time.Second)
	f.wantRound(s, 2, caughtUp) // m2 at last, then m3: nothing skipped
	f.wantDelivered(s, []int64{m1, m2, m3})
	if n, _ := s.calls(); n != 1+7+1 {
		f.T.Fatalf("%d Deliver calls, want 9 (m1, m2 seven times, m3)", n)
	}
	if st := f.sinkStatus("slack"); st.AfterID != m3 || st.Attempts != 0 || st.LastError != "" || !st.NextAttempt.IsZero() {
		f.T.Fatalf("status after recovering: %+v", st)
	}
}

func testDeliverHonoursRetryAfter(f *Fixture) {
	s := newSink("slack")
	f.wantRound(s, 0, caughtUp)
	m1, m2 := f.lowStock("MUG"), f.lowStock("TEE")
	s.failNext(m1, &core.RetryAfter{Wait: 30 * time.Second, Err: errors.New("slack: 429 Too Many Requests")})

	f.wantRound(s, 0, 30*time.Second)
	f.wantRound(s, 0, 30*time.Second)
	f.Clock.Advance(10 * time.Second)
	f.wantRound(s, 0, 20*time.Second)
	f.Clock.Advance(20*time.Second - time.Millisecond)
	f.wantRound(s, 0, time.Millisecond)
	if n, _ := s.calls(); n != 1 {
		f.T.Fatalf("the sink was called %d times while asked to wait, want once", n)
	}
	if st := f.sinkStatus("slack"); st.Attempts != 1 || !strings.Contains(st.LastError, "429") {
		f.T.Fatalf("status while waiting: %+v", st)
	}
	f.Clock.Advance(time.Millisecond)
	f.wantRound(s, 2, caughtUp)
	f.wantDelivered(s, []int64{m1, m2})
}

func testDeliverSkipsInvalid(f *Fixture) {
	s := newSink("slack")
	f.wantRound(s, 0, caughtUp)
	bad, next := f.buyerMessage("buyer-1"), f.lowStock("MUG")
	invalid := core.Errorf(core.Invalid, "slack: channel_not_found")
	s.failNext(bad, invalid, invalid, invalid, invalid, invalid, invalid)
	for _, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		f.wantRound(s, 0, wait)
		f.Clock.Advance(wait)
	}
	// The fifth failure gives up on it; the next message still goes.
	f.wantRound(s, 1, caughtUp)
	f.wantDelivered(s, []int64{next})
	if n, _ := s.calls(); n != 6 {
		f.T.Fatalf("%d Deliver calls, want 5 for the invalid message and 1 for the next", n)
	}
	later := f.lowStock("TEE")
	f.wantRound(s, 1, caughtUp)
	f.wantDelivered(s, []int64{next, later})
	if st := f.sinkStatus("slack"); st.AfterID != later || st.Attempts != 0 {
		f.T.Fatalf("status: %+v", st)
	}
}

func testDeliverNewSinkNoReplay(f *Fixture) {
	old := []int64{f.lowStock("MUG"), f.buyerMessage("buyer-1")}
	if st := f.sinkStatus("discord"); st.AfterID != old[1] || st.Attempts != 0 {
		f.T.Fatalf("a sink not seen yet: %+v, want it to start after %d", st, old[1])
	}
	s := newSink("discord")
	f.wantRound(s, 0, caughtUp)
	if n, _ := s.calls(); n != 0 {
		f.T.Fatalf("a new sink was handed %d old messages", n)
	}
	// Its place is kept: messages made after it first came are not lost.
	f.lowStock("TEE")
	m := f.buyerMessage("buyer-2")
	f.Clock.Advance(time.Hour)
	f.wantRound(s, 2, caughtUp)
	_, got := s.calls()
	if len(got) != 2 || got[1] != m {
		f.T.Fatalf("got %v, want the two new messages", got)
	}
}

func testDeliverTwoSinks(f *Fixture) {
	stock := newSink("discord", core.EventLowStock, core.EventOutOfStock)
	all := newSink("slack")
	f.wantRound(stock, 0, caughtUp)
	f.wantRound(all, 0, caughtUp)
	low1 := f.lowStock("MUG")
	msg1 := f.buyerMessage("buyer-1")
	low2 := f.lowStock("TEE")
	msg2 := f.buyerMessage("buyer-2")
	// One sink's outage holds up no other.
	stock.failNext(low1, errors.New("discord: 503"))
	f.wantRound(stock, 0, time.Second)
	f.wantRound(all, 4, caughtUp)
	f.Clock.Advance(time.Second)
	f.wantRound(stock, 2, caughtUp)
	f.wantDelivered(stock, []int64{low1, low2})
	f.wantDelivered(all, []int64{low1, msg1, low2, msg2})
	// Messages a sink does not want still move it on.
	if st := f.sinkStatus("discord"); st.AfterID != msg2 {
		f.T.Fatalf("discord stands after %d, want %d (the last message, unwanted)", st.AfterID, msg2)
	}
	if n, _ := stock.calls(); n != 3 {
		f.T.Fatalf("discord was called %d times, want 3 (low1 twice, low2): unwanted kinds must not be offered", n)
	}
	for _, s := range []*recordingSink{stock, all} {
		for _, ev := range s.got {
			if ev.Text == "" || ev.At.IsZero() {
				f.T.Fatalf("%s got a message without text or time: %+v", s.name, ev)
			}
		}
	}
}
