package storetest

import (
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// testDirectRecipient: a direct message keeps the identity it goes to,
// and other messages have none.
func testDirectRecipient(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	sent := []core.Event{
		{Kind: core.EventDirect, ConversationID: "C-1", Channel: "web", To: "slack:U0OWNER", Text: "You are on call", At: t0},
		{Kind: core.EventDirect, ConversationID: "C-1", Channel: "web", To: "discord:80351110224678912", Text: "Breach", At: t0},
		{Kind: core.EventReminder, ConversationID: "C-1", Channel: "web", Text: "1 h left", At: t0},
	}
	e.enqueue(sent...)
	e.wantOutbox(sent)
}

// wantOutbox checks that the outbox holds want, in order, each with the
// id the store gave it.
func (e env) wantOutbox(want []core.Event) {
	e.t.Helper()
	got := e.outbox(0, 0)
	if len(got) != len(want) {
		e.t.Fatalf("got %d messages, want %d", len(got), len(want))
	}
	for i := range want {
		w := want[i]
		w.ID = got[i].ID
		e.mustEqual("event", w, got[i])
	}
}

// testLateResponses: the misses ResponseCounts counts, listed by when the
// buyer wrote, on the same edges.
func testLateResponses(t *testing.T, open func(t *testing.T) core.Store) {
	now := t0.Add(10 * day)
	since := now.Add(-7 * day)
	w := core.ResponseWindow
	e := newEnv(t, open)
	conv := &core.Conversation{ID: "C-1", Channel: "web", CreatedAt: since, UpdatedAt: now}
	add := func(from core.Sender, sent time.Time, answered *time.Time) {
		conv.Messages = append(conv.Messages, core.Message{From: from, Text: "m", At: sent, AnsweredAt: answered})
	}
	add(core.FromBuyer, now.Add(-2*w), at(now.Add(-w)))         // in window: not listed
	add(core.FromBuyer, now.Add(-2*w+us), at(now.Add(-w+2*us))) // 1 µs late
	add(core.FromBuyer, now.Add(-w), nil)                       // unanswered, 24 h over
	add(core.FromBuyer, now.Add(-w+us), nil)                    // not due yet
	add(core.FromBuyer, since.Add(-us), nil)                    // before the period
	add(core.FromBuyer, now.Add(-3*w), at(now))                 // answered late
	add(core.FromStaff, now.Add(-4*w), nil)                     // not a buyer message
	e.saveConv(conv)
	var got []core.LateCount
	var counts core.ResponseCounts
	e.view(func(tx core.Tx) (err error) {
		if got, err = tx.LateResponses(e.ctx, since, now); err != nil {
			return err
		}
		counts, err = tx.ResponseCounts(e.ctx, since, now)
		return err
	})
	want := []core.LateCount{{At: now.Add(-3 * w), N: 1}, {At: now.Add(-2*w + us), N: 1}, {At: now.Add(-w), N: 1}}
	if !reflect.DeepEqual(perSlot(got), perSlot(want)) || !oldestFirst(got) {
		t.Errorf("got %v, want %v", got, want)
	}
	if n := misses(got); counts.Due-counts.InWindow != n {
		t.Errorf("ResponseCounts misses %d, LateResponses lists %d", counts.Due-counts.InWindow, n)
	}
}

// perSlot sums late answers by the quarter hour they were sent in, which
// is as fine as a store may count them (core.LateSlot).
func perSlot(late []core.LateCount) map[time.Time]int {
	out := map[time.Time]int{}
	for _, c := range late {
		out[c.At.Truncate(core.LateSlot)] += c.N
	}
	maps.DeleteFunc(out, func(_ time.Time, n int) bool { return n == 0 })
	return out
}

func misses(late []core.LateCount) int {
	n := 0
	for _, c := range late {
		n += c.N
	}
	return n
}

func oldestFirst(late []core.LateCount) bool {
	return slices.IsSortedFunc(late, func(a, b core.LateCount) int { return a.At.Compare(b.At) })
}
