package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core"
)

// together runs fn(0) … fn(n-1) on goroutines released at the same moment
// and waits for them all.
func together(n int, fn func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Go(func() {
			ready.Done()
			<-start
			fn(i)
		})
	}
	ready.Wait()
	close(start)
	done.Wait()
}

func (e env) enqueue(events ...core.Event) {
	e.t.Helper()
	err := e.update(func(tx core.Tx) error {
		for _, ev := range events {
			if err := tx.Enqueue(e.ctx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatalf("Enqueue: %v", err)
	}
}

func (e env) outbox(afterID int64, limit int) []core.Event {
	e.t.Helper()
	var evs []core.Event
	e.view(func(tx core.Tx) (err error) {
		evs, err = tx.Outbox(e.ctx, afterID, limit)
		return err
	})
	return evs
}

func eventIDs(evs []core.Event) []int64 {
	var out []int64
	for _, ev := range evs {
		out = append(out, ev.ID)
	}
	return out
}

func testOutbox(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	events := []core.Event{
		{Kind: core.EventLowStock, SKU: "SKU-A", Text: "SKU-A is low: 2 left", At: t0},
		{Kind: core.EventShipWarning, OrderID: "A", Text: "7 days left to ship A", At: t0.Add(time.Minute)},
		{Kind: core.EventRefundDue, OrderID: "B", Text: "Refund B by Friday", At: t0.Add(2 * time.Minute)},
	}
	e.enqueue(events...)
	got := e.outbox(0, 0)
	if len(got) != 3 {
		t.Fatalf("got %d messages, want 3", len(got))
	}
	for i := range got {
		if i > 0 && got[i].ID <= got[i-1].ID {
			t.Errorf("ids not increasing: %d then %d", got[i-1].ID, got[i].ID)
		}
		want := events[i]
		want.ID = got[i].ID
		e.mustEqual("event", want, got[i])
	}
	id := eventIDs(got)

	cases := []struct {
		name    string
		afterID int64
		limit   int
		want    []int64
	}{
		{"from_the_start", 0, 0, id},
		{"after_the_first", id[0], 0, id[1:]},
		{"after_the_first_limit_one", id[0], 1, id[1:2]},
		{"limit_larger_than_left", id[1], 10, id[2:]},
		{"after_the_last", id[2], 0, nil},
		{"after_an_unknown_later_id", id[2] + 1000, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := eventIDs(e.outbox(c.afterID, c.limit)); !slices.Equal(got, c.want) {
				t.Errorf("Outbox(%d, %d) = %v, want %v", c.afterID, c.limit, got, c.want)
			}
		})
	}

	t.Run("listing_takes_nothing_away", func(t *testing.T) {
		// Delivery is per sink: one reader's listing leaves the messages
		// for every other.
		for range 2 {
			if got := eventIDs(e.outbox(0, 0)); !slices.Equal(got, id) {
				t.Fatalf("got %v, want %v", got, id)
			}
		}
	})

	t.Run("update_sees_its_own_messages", func(t *testing.T) {
		e := newEnv(t, open)
		e.enqueue(events[0])
		var seen []core.Event
		err := e.update(func(tx core.Tx) (err error) {
			if err := tx.Enqueue(e.ctx, events[1]); err != nil {
				return err
			}
			seen, err = tx.Outbox(e.ctx, 0, 0)
			if err != nil {
				return err
			}
			return tx.Enqueue(e.ctx, events[2])
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) != 2 || seen[1].Text != events[1].Text {
			t.Fatalf("inside the Update: %+v, want the first two messages", seen)
		}
		all := e.outbox(0, 0)
		if len(all) != 3 || all[2].Text != events[2].Text || all[1].ID != seen[1].ID {
			t.Fatalf("after the Update: %+v, want all three in order", all)
		}
	})

	t.Run("enqueue_inside_view_refused", func(t *testing.T) {
		err := e.s.View(e.ctx, func(tx core.Tx) error { return tx.Enqueue(e.ctx, events[0]) })
		wantCode(t, err, core.Internal)
	})
}

// testOutboxOrder has writers fill the outbox while a reader follows it by
// position, as a sink does. A message must never become visible after one
// with a higher id: the reader would have moved past it and lose it.
func testOutboxOrder(t *testing.T, open func(t *testing.T) core.Store) {
	const writers, each = 4, 25
	e := newEnv(t, open)
	var (
		wg      sync.WaitGroup
		written sync.WaitGroup
		errs    = make(chan error, writers*each)
	)
	written.Add(writers)
	for w := range writers {
		wg.Go(func() {
			defer written.Done()
			for i := range each {
				err := e.update(func(tx core.Tx) error {
					// Something else first, as a command does before its messages.
					if err := tx.AddAudit(e.ctx, core.AuditEntry{At: t0, ActorID: "w", Command: "x"}); err != nil {
						return err
					}
					return tx.Enqueue(e.ctx, core.Event{Kind: core.EventLowStock, Text: fmt.Sprintf("%d-%d", w, i), At: t0})
				})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { written.Wait(); close(done) }()
	var (
		cursor int64
		seen   []core.Event
	)
	follow := func() {
		var page []core.Event
		err := e.s.View(e.ctx, func(tx core.Tx) (err error) {
			page, err = tx.Outbox(e.ctx, cursor, 0)
			return err
		})
		if err != nil {
			errs <- err
			return
		}
		if len(page) > 0 {
			seen = append(seen, page...)
			cursor = page[len(page)-1].ID
		}
	}
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		follow()
	}
	follow()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("unexpected error: %v", err)
	}
	if all := e.outbox(0, 0); len(seen) != len(all) || len(all) != writers*each {
		t.Fatalf("the reader saw %d messages of %d (%d written): it moved past some before they were visible", len(seen), len(all), writers*each)
	}
}

func testSinkState(t *testing.T, open func(t *testing.T) core.Store) {
	msg := func(text string) core.Event { return core.Event{Kind: core.EventLowStock, Text: text, At: t0} }
	state := func(e env, sink string) core.SinkState {
		e.t.Helper()
		var st core.SinkState
		e.view(func(tx core.Tx) (err error) {
			st, err = tx.SinkState(e.ctx, sink)
			return err
		})
		return st
	}
	lock := func(e env, sink string) core.SinkState {
		e.t.Helper()
		var st core.SinkState
		if err := e.update(func(tx core.Tx) (err error) {
			st, err = tx.SinkState(e.ctx, sink)
			return err
		}); err != nil {
			e.t.Fatalf("SinkState in Update: %v", err)
		}
		return st
	}
	save := func(e env, st core.SinkState) {
		e.t.Helper()
		if err := e.update(func(tx core.Tx) error { return tx.SaveSinkState(e.ctx, st) }); err != nil {
			e.t.Fatalf("SaveSinkState: %v", err)
		}
	}

	t.Run("empty_outbox_starts_at_zero", func(t *testing.T) {
		e := newEnv(t, open)
		e.mustEqual("state", core.SinkState{Sink: "slack"}, state(e, "slack"))
		e.mustEqual("state", core.SinkState{Sink: "slack"}, lock(e, "slack"))
	})

	t.Run("new_sink_starts_after_the_newest_message", func(t *testing.T) {
		e := newEnv(t, open)
		e.enqueue(msg("1"), msg("2"))
		ids := eventIDs(e.outbox(0, 0))
		if got := state(e, "slack"); got != (core.SinkState{Sink: "slack", AfterID: ids[1]}) {
			t.Fatalf("in View: %+v, want after %d", got, ids[1])
		}
		// View wrote nothing: a later message moves a sink not yet seen by an Update.
		e.enqueue(msg("3"))
		ids = eventIDs(e.outbox(0, 0))
		if got := state(e, "slack"); got.AfterID != ids[2] {
			t.Fatalf("in View after another message: %+v, want after %d", got, ids[2])
		}
		// An Update records the sink where it starts, so it keeps its place.
		if got := lock(e, "slack"); got != (core.SinkState{Sink: "slack", AfterID: ids[2]}) {
			t.Fatalf("in Update: %+v, want after %d", got, ids[2])
		}
		e.enqueue(msg("4"))
		if got := lock(e, "slack"); got.AfterID != ids[2] {
			t.Fatalf("second Update: after %d, want still %d", got.AfterID, ids[2])
		}
		if got := state(e, "slack"); got.AfterID != ids[2] {
			t.Fatalf("View of a known sink: after %d, want %d", got.AfterID, ids[2])
		}
		// Another sink seen now starts after message 4.
		if got := lock(e, "discord"); got.AfterID != eventIDs(e.outbox(0, 0))[3] {
			t.Fatalf("a second sink: %+v", got)
		}
	})

	t.Run("saved_state_round_trips", func(t *testing.T) {
		e := newEnv(t, open)
		full := core.SinkState{Sink: "slack", AfterID: 41, Attempts: 3, NextAttempt: t0.Add(time.Minute),
			LastError: "slack: 429 Too Many Requests — « retry » 好", GroupTo: 57}
		save(e, full)
		e.mustEqual("in View", full, state(e, "slack"))
		e.mustEqual("in Update", full, lock(e, "slack"))
		// Replaced, and a zero NextAttempt (no retry pending) stays zero.
		cleared := core.SinkState{Sink: "slack", AfterID: 42}
		save(e, cleared)
		e.mustEqual("after replace", cleared, lock(e, "slack"))
		if got := state(e, "discord"); got.AfterID != 0 || got.Attempts != 0 {
			t.Fatalf("another sink shares the state: %+v", got)
		}
	})

	t.Run("any_error_text_is_kept", func(t *testing.T) {
		// A platform's answer may hold anything; failing to save it would
		// stop delivery for good.
		e := newEnv(t, open)
		save(e, core.SinkState{Sink: "slack", AfterID: 1, Attempts: 1, LastError: "bad \x00 byte \xff here"})
		got := state(e, "slack").LastError
		if !utf8.ValidString(got) || strings.ContainsRune(got, 0) || !strings.Contains(got, "bad") || !strings.Contains(got, "here") {
			t.Fatalf("LastError = %q", got)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		e := newEnv(t, open)
		err := e.update(func(tx core.Tx) error { _, err := tx.SinkState(e.ctx, ""); return err })
		wantCode(t, err, core.Invalid)
		err = e.update(func(tx core.Tx) error { return tx.SaveSinkState(e.ctx, core.SinkState{AfterID: 1}) })
		wantCode(t, err, core.Invalid)
		err = e.update(func(tx core.Tx) error { return tx.SaveSinkState(e.ctx, core.SinkState{Sink: "slack", AfterID: -1}) })
		wantCode(t, err, core.Invalid)
		err = e.update(func(tx core.Tx) error { return tx.SaveSinkState(e.ctx, core.SinkState{Sink: "slack", GroupTo: -1}) })
		wantCode(t, err, core.Invalid)
		err = e.s.View(e.ctx, func(tx core.Tx) error { return tx.SaveSinkState(e.ctx, core.SinkState{Sink: "slack"}) })
		wantCode(t, err, core.Internal)
	})
}

// testSinkStateConcurrency has two replicas deliver for one sink at the
// same moment: the second must wait for the first and start from where it
// left off, whether the sink is new or known.
func testSinkStateConcurrency(t *testing.T, open func(t *testing.T) core.Store) {
	const rounds = 10
	for _, known := range []bool{false, true} {
		t.Run(map[bool]string{false: "new_sink", true: "known_sink"}[known], func(t *testing.T) {
			e := newEnv(t, open)
			e.enqueue(core.Event{Kind: core.EventLowStock, Text: "x", At: t0}, core.Event{Kind: core.EventLowStock, Text: "y", At: t0})
			base := eventIDs(e.outbox(0, 0))[1]
			for r := range rounds {
				sink := fmt.Sprintf("sink-%d", r)
				if known {
					if err := e.update(func(tx core.Tx) error { return tx.SaveSinkState(e.ctx, core.SinkState{Sink: sink, AfterID: base}) }); err != nil {
						t.Fatal(err)
					}
				}
				saw := make([]int64, 2)
				errs := make([]error, 2)
				together(2, func(i int) {
					errs[i] = e.update(func(tx core.Tx) error {
						st, err := tx.SinkState(e.ctx, sink)
						if err != nil {
							return err
						}
						saw[i] = st.AfterID
						time.Sleep(20 * time.Millisecond) // posting to a platform
						st.AfterID++
						st.Attempts = i
						return tx.SaveSinkState(e.ctx, st)
					})
				})
				if errs[0] != nil || errs[1] != nil {
					t.Fatalf("round %d: %v", r, errors.Join(errs...))
				}
				slices.Sort(saw)
				if saw[0] != base || saw[1] != base+1 {
					t.Fatalf("round %d: the two saw after %v, want %d then %d: the second did not wait for the first", r, saw, base, base+1)
				}
				var final core.SinkState
				e.view(func(tx core.Tx) (err error) {
					final, err = tx.SinkState(e.ctx, sink)
					return err
				})
				if final.AfterID != base+2 {
					t.Fatalf("round %d: after %d, want %d", r, final.AfterID, base+2)
				}
			}
		})
	}
}

func testFirstSeen(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	seen := func(t *testing.T, platform, id string) bool {
		t.Helper()
		var first bool
		if err := e.update(func(tx core.Tx) (err error) {
			first, err = tx.FirstSeen(e.ctx, platform, id, t0)
			return err
		}); err != nil {
			t.Fatalf("FirstSeen(%s, %s): %v", platform, id, err)
		}
		return first
	}

	t.Run("first_then_repeats", func(t *testing.T) {
		for i, want := range []bool{true, false, false} {
			if got := seen(t, "slack", "Ev024BRX0UU"); got != want {
				t.Fatalf("arrival %d: %v, want %v", i+1, got, want)
			}
		}
		if !seen(t, "discord", "Ev024BRX0UU") {
			t.Error("the same id on another platform is another event")
		}
		if !seen(t, "slack", "Ev024BRX0UV") {
			t.Error("another id is another event")
		}
	})

	t.Run("repeat_does_not_spoil_the_update", func(t *testing.T) {
		var got []bool
		err := e.update(func(tx core.Tx) error {
			for range 2 {
				first, err := tx.FirstSeen(e.ctx, "slack", "Ev-same-tx", t0)
				if err != nil {
					return err
				}
				got = append(got, first)
			}
			return tx.AddAudit(e.ctx, core.AuditEntry{At: t0, ActorID: "slack:U1", Command: "after a repeat"})
		})
		if err != nil || !slices.Equal(got, []bool{true, false}) {
			t.Fatalf("got %v, %v; want true then false and a commit", got, err)
		}
		e.view(func(tx core.Tx) error {
			au, err := tx.Audit(e.ctx, core.AuditQuery{})
			if err == nil && (len(au) != 1 || au[0].Command != "after a repeat") {
				t.Errorf("audit %+v: the Update did not commit", au)
			}
			return err
		})
	})

	t.Run("rolled_back_arrival_does_not_count", func(t *testing.T) {
		errBoom := errors.New("boom")
		err := e.update(func(tx core.Tx) error {
			if _, err := tx.FirstSeen(e.ctx, "slack", "Ev-rolled-back", t0); err != nil {
				return err
			}
			return errBoom
		})
		if err != errBoom {
			t.Fatalf("Update: %v", err)
		}
		if !seen(t, "slack", "Ev-rolled-back") {
			t.Fatal("an arrival whose handling rolled back still counts")
		}
	})

	t.Run("forget_old_ids", func(t *testing.T) {
		for i, at := range []time.Time{t0.Add(-48 * time.Hour), t0.Add(-25 * time.Hour), t0} {
			if err := e.update(func(tx core.Tx) error {
				_, err := tx.FirstSeen(e.ctx, "forget", fmt.Sprintf("Ev%d", i), at)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := e.update(func(tx core.Tx) (err error) {
			n, err = tx.ForgetInbound(e.ctx, t0.Add(-24*time.Hour))
			return err
		}); err != nil || n != 2 {
			t.Fatalf("ForgetInbound = %d, %v; want the 2 older than a day", n, err)
		}
		if seen(t, "forget", "Ev2") || !seen(t, "forget", "Ev0") {
			t.Error("the recent id must still be known and the forgotten one new again")
		}
	})

	t.Run("refusals", func(t *testing.T) {
		for _, c := range [][2]string{{"slack", ""}, {"", "Ev1"}, {"slack", "Ev\x00"}} {
			err := e.update(func(tx core.Tx) error { _, err := tx.FirstSeen(e.ctx, c[0], c[1], t0); return err })
			wantCode(t, err, core.Invalid)
		}
		err := e.s.View(e.ctx, func(tx core.Tx) error { _, err := tx.FirstSeen(e.ctx, "slack", "Ev1", t0); return err })
		wantCode(t, err, core.Internal)
	})

	t.Run("concurrent_arrivals_one_first", func(t *testing.T) {
		// A platform retry reaching another replica while the first
		// arrival is being handled.
		for r := range 20 {
			id := fmt.Sprintf("Ev-race-%d", r)
			first := make([]bool, 2)
			errs := make([]error, 2)
			together(2, func(i int) {
				errs[i] = e.update(func(tx core.Tx) (err error) {
					first[i], err = tx.FirstSeen(e.ctx, "slack", id, t0)
					time.Sleep(5 * time.Millisecond) // handling the event
					return err
				})
			})
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("round %d: %v", r, errors.Join(errs...))
			}
			if first[0] == first[1] {
				t.Fatalf("round %d: first = %v, want exactly one true", r, first)
			}
		}
	})
}

func testChatRefs(t *testing.T, open func(t *testing.T) core.Store) {
	e := newEnv(t, open)
	get := func(platform, key string) (core.ChatRef, error) {
		var r core.ChatRef
		err := e.s.View(e.ctx, func(tx core.Tx) (err error) {
			r, err = tx.ChatRef(e.ctx, platform, key)
			return err
		})
		return r, err
	}
	put := func(r core.ChatRef) error {
		return e.update(func(tx core.Tx) error { return tx.SaveChatRef(e.ctx, r) })
	}

	_, err := get("slack", "C-7KQ2M9XH")
	wantCode(t, err, core.NotFound)

	first := core.ChatRef{Platform: "slack", Key: "C-7KQ2M9XH", Channel: "C024BE91L", MessageID: "1712345678.000200", At: t0}
	if err := put(first); err != nil {
		t.Fatal(err)
	}
	got, err := get("slack", "C-7KQ2M9XH")
	if err != nil {
		t.Fatal(err)
	}
	e.mustEqual("chat ref", first, got)

	other := core.ChatRef{Platform: "discord", Key: "C-7KQ2M9XH", Channel: "1100000000000000001", MessageID: "1200000000000000002", At: t0.Add(time.Second)}
	if err := put(other); err != nil {
		t.Fatal(err)
	}
	moved := core.ChatRef{Platform: "slack", Key: "C-7KQ2M9XH", Channel: "C0NEWCHAN", MessageID: "1712349999.000100", At: t0.Add(time.Hour)}
	if err := put(moved); err != nil {
		t.Fatal(err)
	}
	got, err = get("slack", "C-7KQ2M9XH")
	if err != nil {
		t.Fatal(err)
	}
	e.mustEqual("replaced chat ref", moved, got)
	got, err = get("discord", "C-7KQ2M9XH")
	if err != nil {
		t.Fatal(err)
	}
	e.mustEqual("the other platform's ref", other, got)
	_, err = get("slack", "C-OTHER")
	wantCode(t, err, core.NotFound)

	// By the message a ref points at: the thread a message is typed in.
	getAt := func(platform, channel, messageID string) (core.ChatRef, error) {
		var r core.ChatRef
		err := e.s.View(e.ctx, func(tx core.Tx) (err error) {
			r, err = tx.ChatRefAt(e.ctx, platform, channel, messageID)
			return err
		})
		return r, err
	}
	got, err = getAt("slack", "C0NEWCHAN", "1712349999.000100")
	if err != nil {
		t.Fatal(err)
	}
	e.mustEqual("chat ref by its message", moved, got)
	got, err = getAt("discord", "1100000000000000001", "1200000000000000002")
	if err != nil {
		t.Fatal(err)
	}
	e.mustEqual("the other platform's ref by its message", other, got)
	for _, miss := range [][3]string{
		{"slack", "C024BE91L", "1712345678.000200"},   // where the ref was before it moved
		{"discord", "C0NEWCHAN", "1712349999.000100"}, // another platform's message
		{"slack", "C0NEWCHAN", "1712349999.000101"},   // another message in the channel
		{"slack", "C0OTHERCHAN", "1712349999.000100"}, // the same ts in another channel
	} {
		_, err = getAt(miss[0], miss[1], miss[2])
		wantCode(t, err, core.NotFound)
	}

	for _, bad := range []core.ChatRef{
		{Key: "C-1", Channel: "C1", MessageID: "1.2"},
		{Platform: "slack", Channel: "C1", MessageID: "1.2"},
		{Platform: "slack", Key: "C-1", MessageID: "1.2"},
		{Platform: "slack", Key: "C-1", Channel: "C1"},
		{Platform: "slack", Key: "C-1", Channel: "C1", MessageID: "1.2\x00"},
	} {
		wantCode(t, put(bad), core.Invalid)
	}
	err = e.s.View(e.ctx, func(tx core.Tx) error { return tx.SaveChatRef(e.ctx, first) })
	wantCode(t, err, core.Internal)
}
