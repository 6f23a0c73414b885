package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// responseRecounter is a store that keeps the response rate in counters
// and can count it again from every buyer message, to check them.
type responseRecounter interface {
	RecountResponses(ctx context.Context, since, now time.Time) (core.ResponseCounts, []core.LateCount, error)
}

// responseMix writes buyer and staff messages at random, answers them and
// takes answers back, around the edges the counters have: quarter hours,
// 24 hours.
type responseMix struct {
	mix
	rc responseRecounter
}

// when is a time within 35 days of now, at any microsecond, now and then on
// a quarter hour, 1 µs before one, or 24 hours before now give or take 1 µs.
func (m *responseMix) when() time.Time {
	t := m.around(35)
	switch m.intn(10) {
	case 0:
		return t.Truncate(core.LateSlot)
	case 1:
		return t.Truncate(core.LateSlot).Add(-us)
	case 2:
		return m.now.Add(-core.ResponseWindow + time.Duration(m.intn(3)-1)*us)
	}
	return t
}

// answer is when a message sent at sent is answered: nil, within 48 hours,
// or 24 hours after give or take 1 µs.
func (m *responseMix) answer(sent time.Time) *time.Time {
	switch m.intn(6) {
	case 0, 1:
		return nil
	case 2:
		return at(sent.Add(core.ResponseWindow + time.Duration(m.intn(3)-1)*us))
	}
	return at(sent.Add(time.Duration(m.intn(48*3600*1e6)) * time.Microsecond))
}

func (m *responseMix) message() core.Message {
	from := core.FromBuyer
	if m.intn(4) == 0 {
		from = core.FromStaff
	}
	sent := m.when()
	return core.Message{From: from, Text: "m", At: sent, AnsweredAt: m.answer(sent)}
}

func (m *responseMix) newConversation(id string) *core.Conversation {
	c := &core.Conversation{ID: id, Channel: "web", BuyerKey: "buyer-" + id, CreatedAt: m.now, UpdatedAt: m.now}
	for range 1 + m.intn(4) {
		c.Messages = append(c.Messages, m.message())
	}
	return c
}

// change makes one random change to c: new messages (one, as a buyer's
// message arrives, or more), answers given, moved or taken back.
func (m *responseMix) change(c *core.Conversation) {
	switch k := m.intn(10); {
	case k < 3 || len(c.Messages) == 0:
		c.Messages = append(c.Messages, m.message())
	case k < 4:
		c.Messages = append(c.Messages, m.message(), m.message())
	default:
		for range 1 + m.intn(3) {
			msg := &c.Messages[m.intn(len(c.Messages))]
			msg.AnsweredAt = m.answer(msg.At)
		}
	}
}

// step runs one random transaction: a new conversation, or changes to one
// read in the transaction or before it, saved once or twice, with outbox
// messages or without, or dropped.
func (m *responseMix) step(who, n int) error {
	enqueue := func(tx core.Tx, id string) error {
		for range m.intn(3) {
			if err := tx.Enqueue(m.e.ctx, core.Event{Kind: core.EventReminder, ConversationID: id, Channel: "web", Text: "1 h left", At: m.now}); err != nil {
				return err
			}
		}
		return nil
	}
	if m.intn(6) == 0 {
		c := m.newConversation(fmt.Sprintf("N-%d-%d", who, n))
		return m.e.update(func(tx core.Tx) error {
			if err := tx.SaveConversation(m.e.ctx, c); err != nil {
				return err
			}
			return enqueue(tx, c.ID)
		})
	}
	id := m.ids[m.intn(len(m.ids))]
	var stale *core.Conversation
	if m.intn(4) == 0 { // read outside the transaction: the old answers are not known to it
		m.e.view(func(tx core.Tx) (err error) {
			stale, err = tx.Conversation(m.e.ctx, id)
			return err
		})
	}
	twice, drop := m.intn(4) == 0, m.intn(10) == 0
	return m.e.update(func(tx core.Tx) error {
		c := stale
		if c == nil {
			var err error
			if c, err = tx.Conversation(m.e.ctx, id); err != nil {
				return err
			}
		}
		m.change(c)
		if err := tx.SaveConversation(m.e.ctx, c); err != nil {
			return err
		}
		if twice {
			m.change(c)
			if err := tx.SaveConversation(m.e.ctx, c); err != nil {
				return err
			}
		}
		if err := enqueue(tx, id); err != nil {
			return err
		}
		if drop {
			return core.Errorf(core.Invalid, "dropped on purpose")
		}
		return nil
	})
}

// responseZones are shop time zones a quarter and a half hour off the
// hour, for the breach hours.
var responseZones = []*time.Location{time.UTC, time.FixedZone("+05:45", 5*3600+45*60), time.FixedZone("-03:30", -(3*3600 + 30*60))}

// check compares ResponseCounts and LateResponses with a count of every
// buyer message, over windows whose ends fall mid-slot, on a slot, 1 µs
// before one and between microseconds, and windows before and after
// everything.
func (m *responseMix) check(t *testing.T, what string) {
	t.Helper()
	slot := m.now.Truncate(core.LateSlot)
	for _, w := range [][2]time.Time{
		{m.now.AddDate(0, 0, -30), m.now},
		{slot.AddDate(0, 0, -30), slot},
		{slot.AddDate(0, 0, -7).Add(-us), slot.Add(-us)},
		{m.now.AddDate(0, 0, -30).Add(789), m.now.Add(789)}, // nanoseconds, which the stores drop
		{m.now.Add(-25 * time.Hour), m.now},                 // about as short as the exact parts
		{m.now.Add(-time.Hour), m.now},
		{m.now.AddDate(-1, 0, 0), m.now.AddDate(1, 0, 0)},
		{m.now.AddDate(0, 0, 50), m.now.AddDate(0, 0, 60)},
		{m.now, m.now.AddDate(0, 0, -1)}, // backwards: nothing
	} {
		since, now := w[0], w[1]
		var got core.ResponseCounts
		var late []core.LateCount
		m.e.view(func(tx core.Tx) (err error) {
			if got, err = tx.ResponseCounts(m.e.ctx, since, now); err != nil {
				return err
			}
			late, err = tx.LateResponses(m.e.ctx, since, now)
			return err
		})
		want, wantLate, err := m.rc.RecountResponses(m.e.ctx, since, now)
		if err != nil {
			t.Fatal(err)
		}
		if got != want || !reflect.DeepEqual(perSlot(late), perSlot(wantLate)) || !oldestFirst(late) {
			t.Fatalf("%s, [%s, %s]: counters give %+v and misses %v, the rows %+v and %v", what, since, now, got, perSlot(late), want, perSlot(wantLate))
		}
		if n := misses(late); n != got.Due-got.InWindow {
			t.Fatalf("%s, [%s, %s]: %d misses listed, %d counted", what, since, now, n, got.Due-got.InWindow)
		}
		for _, loc := range responseZones {
			p := core.DefaultPolicy()
			p.Location = loc
			if a, b := p.BreachHours(late), p.BreachHours(wantLate); !reflect.DeepEqual(a, b) {
				t.Fatalf("%s, [%s, %s], %s: breach hours %v from the counters, %v from the rows", what, since, now, loc, a, b)
			}
		}
	}
}

// testResponseCounters: the response rate and breach hours read from
// counters the store keeps equal a count of every buyer message, after a
// random mix of messages, answers given, moved and taken back, saves twice
// in a transaction, saves of conversations read outside it, with outbox
// messages, dropped transactions; then with writers racing on the same
// conversations.
func testResponseCounters(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	rc, ok := e.s.(responseRecounter)
	if !ok {
		t.Skip("the store keeps no response counters")
	}
	m := &responseMix{mix: newMix(e, 18, 16), rc: rc}
	for i := range 30 {
		c := m.newConversation(fmt.Sprintf("R-%02d", i))
		e.saveConv(c)
		m.ids = append(m.ids, c.ID)
	}
	m.check(t, "after the first saves")
	t.Run("refused_save_counts_nothing", func(t *testing.T) {
		stale := e.conv(m.ids[1])
		e.changeConv(m.ids[1], func(c *core.Conversation) { c.BuyerName = "Jane" })
		before, _, err := rc.RecountResponses(e.ctx, t0.AddDate(0, 0, -40), t0)
		if err != nil {
			t.Fatal(err)
		}
		stale.Messages = append(stale.Messages, core.Message{From: core.FromBuyer, Text: "m", At: t0.Add(-3 * day), AnsweredAt: at(t0.Add(-3*day + time.Hour))})
		stale.Messages[0].AnsweredAt = at(stale.Messages[0].At.Add(time.Minute))
		err = e.update(func(tx core.Tx) error { return tx.SaveConversation(e.ctx, stale) })
		wantCode(t, err, core.Conflict)
		var after core.ResponseCounts
		e.view(func(tx core.Tx) (err error) {
			after, err = tx.ResponseCounts(e.ctx, t0.AddDate(0, 0, -40), t0)
			return err
		})
		if after != before {
			t.Fatalf("a refused save moved the counters from %+v to %+v", before, after)
		}
		m.check(t, "after a refused save")
	})

	runCounterMix(t, m, func(t *testing.T) {
		since, now := t0.AddDate(0, 0, -30), t0
		var inside core.ResponseCounts
		var late []core.LateCount
		err := e.update(func(tx core.Tx) error {
			c, err := tx.Conversation(e.ctx, m.ids[0])
			if err != nil {
				return err
			}
			c.Messages = append(c.Messages, core.Message{From: core.FromBuyer, Text: "m", At: now.Add(-3 * day)})
			c.Messages[0].AnsweredAt = nil
			if err := tx.SaveConversation(e.ctx, c); err != nil {
				return err
			}
			if inside, err = tx.ResponseCounts(e.ctx, since, now); err != nil {
				return err
			}
			late, err = tx.LateResponses(e.ctx, since, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		want, wantLate, err := rc.RecountResponses(e.ctx, since, now)
		if err != nil {
			t.Fatal(err)
		}
		if inside != want || !reflect.DeepEqual(perSlot(late), perSlot(wantLate)) {
			t.Fatalf("inside the saving transaction %+v %v, after it the rows give %+v %v", inside, perSlot(late), want, perSlot(wantLate))
		}
	})
}
