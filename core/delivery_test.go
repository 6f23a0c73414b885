package core_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// The lease and MaybeSent live between the engine and the store's sink
// row, so these tests run Deliver on a store holding just that: an outbox
// and sink rows.

// deliveryStore is a core.Store with only what Deliver uses. saveFails
// makes that many SaveSinkState calls fail (a store outage mid-round).
type deliveryStore struct {
	mu        sync.Mutex
	outbox    []core.Event
	sinks     map[string]core.SinkState
	saveFails int
}

func newDeliveryStore(n int) *deliveryStore {
	s := &deliveryStore{sinks: map[string]core.SinkState{}}
	for i := range n {
		s.outbox = append(s.outbox, core.Event{ID: int64(i + 1), Kind: core.EventLowStock, Text: "MUG is low"})
	}
	return s
}

func (s *deliveryStore) View(ctx context.Context, fn func(core.Tx) error) error {
	return s.Update(ctx, fn)
}

// Update runs fn under the store's lock, on a copy of the sink rows that
// is kept only if fn succeeds: a transaction.
func (s *deliveryStore) Update(_ context.Context, fn func(core.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &deliveryTx{s: s, sinks: map[string]core.SinkState{}}
	for k, v := range s.sinks {
		tx.sinks[k] = v
	}
	if err := fn(tx); err != nil {
		return err
	}
	s.sinks = tx.sinks
	return nil
}

// deliveryTx panics (nil core.Tx) on anything Deliver does not need.
type deliveryTx struct {
	core.Tx
	s     *deliveryStore
	sinks map[string]core.SinkState
}

func (t *deliveryTx) Outbox(_ context.Context, afterID int64, limit int) ([]core.Event, error) {
	var out []core.Event
	for _, ev := range t.s.outbox {
		if ev.ID > afterID && (limit == 0 || len(out) < limit) {
			out = append(out, ev)
		}
	}
	return out, nil
}

func (t *deliveryTx) SinkState(_ context.Context, sink string) (core.SinkState, error) {
	st, ok := t.sinks[sink]
	if !ok {
		st = core.SinkState{Sink: sink} // starts at the outbox's beginning: these tests want every message
	}
	return st, nil
}

func (t *deliveryTx) SaveSinkState(_ context.Context, st core.SinkState) error {
	if t.s.saveFails > 0 {
		t.s.saveFails--
		return core.Errorf(core.Unavailable, "The database is unreachable")
	}
	t.sinks[st.Sink] = st
	return nil
}

// markSink records which messages it was given and whether each was
// MaybeSent; during makes each post do something first (hold, fail,
// advance the clock).
type markSink struct {
	mu     sync.Mutex
	got    []core.Event
	during func(ctx context.Context, ev core.Event) error
}

func (s *markSink) Name() string             { return "slack" }
func (s *markSink) Wants(ev core.Event) bool { return true }
func (s *markSink) Deliver(ctx context.Context, ev core.Event) error {
	if s.during != nil {
		if err := s.during(ctx, ev); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, ev)
	return nil
}

// maybeSent lists the ids of the messages given as MaybeSent.
func (s *markSink) maybeSent() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int64
	for _, ev := range s.got {
		if ev.MaybeSent {
			ids = append(ids, ev.ID)
		}
	}
	return ids
}

var deliveryStart = time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC)

func newDeliveryEngine(store core.Store, lease time.Duration) (*core.Engine, *enginetest.Clock) {
	clock := enginetest.NewClock(deliveryStart)
	return core.NewEngine(store, core.Options{Clock: clock, DeliveryLease: lease}), clock
}

func status(t *testing.T, e *core.Engine) core.SinkState {
	t.Helper()
	st, err := e.SinkStatus(context.Background(), "slack")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// A replica dies while posting message 1 (its post never ends, its lease
// is never released). Once the lease runs out another takes over and is
// told message 1 may be out already; messages 2 and 3 are not in doubt.
// When the first replica's post does end after all, it records nothing
// over the new holder's state.
func TestDeliverTakeoverAfterDeadHolderMarksMaybeSent(t *testing.T) {
	store := newDeliveryStore(3)
	dead, clock := newDeliveryEngine(store, 10*time.Second)
	release, done := deliverHeld(dead, func(during func(context.Context, core.Event) error) core.Sink { return &markSink{during: during} })
	if st := status(t, dead); !st.NextAttempt.Equal(deliveryStart.Add(10*time.Second)) || st.AfterID != 0 {
		t.Fatalf("while posting: %+v, want the sink leased for DeliveryLease (10s)", st)
	}

	next := core.NewEngine(store, core.Options{Clock: clock, DeliveryLease: 10 * time.Second})
	second := &markSink{}
	if sent, wait, err := next.Deliver(context.Background(), second); err != nil || sent != 0 || wait != 10*time.Second {
		t.Fatalf("during the lease: sent %d, wait %v, %v; want nothing sent and a wait until its end", sent, wait, err)
	}
	clock.Advance(10 * time.Second)
	if sent, _, err := next.Deliver(context.Background(), second); err != nil || sent != 3 {
		t.Fatalf("after the lease: sent %d, %v; want all 3", sent, err)
	}
	if got := second.maybeSent(); !slices.Equal(got, []int64{1}) {
		t.Fatalf("MaybeSent on %v, want on message 1 only", got)
	}
	want := status(t, next)
	if want.AfterID != 3 || !want.NextAttempt.IsZero() {
		t.Fatalf("after the takeover: %+v, want all delivered and the lease released", want)
	}

	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st := status(t, next); st != want {
		t.Fatalf("the late holder wrote over the sink: %+v, want %+v", st, want)
	}
}

// Only a round that follows an unclean one is told to look first: a post
// that failed (it may have reached the platform before the error) or was
// cut off by shutdown. Clean rounds never are.
func TestDeliverMaybeSentOnlyAfterUncleanRound(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fail      func(cancel context.CancelFunc) error
		wantFirst bool
	}{
		{"after_clean_round_not_marked", nil, false},
		{"after_failed_post_marked", func(context.CancelFunc) error { return errors.New("slack: i/o timeout") }, true},
		{"after_rate_limit_marked", func(context.CancelFunc) error {
			return &core.RetryAfter{Wait: time.Second, Err: errors.New("429")}
		}, true},
		{"after_shutdown_mid_post_marked", func(cancel context.CancelFunc) error { cancel(); return context.Canceled }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newDeliveryStore(2)
			e, clock := newDeliveryEngine(store, 0)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := &markSink{}
			if tc.fail != nil {
				var once sync.Once
				s.during = func(context.Context, core.Event) (err error) {
					once.Do(func() { err = tc.fail(cancel) })
					return err
				}
				if sent, _, err := e.Deliver(ctx, s); err != nil || sent != 0 {
					t.Fatalf("failing round: sent %d, %v", sent, err)
				}
			} else if sent, _, err := e.Deliver(ctx, s); err != nil || sent != 2 {
				t.Fatalf("first round: sent %d, %v", sent, err)
			}
			store.outbox = append(store.outbox, core.Event{ID: 3, Kind: core.EventLowStock, Text: "TEE is low"})
			clock.Advance(time.Minute)
			if _, _, err := e.Deliver(context.Background(), s); err != nil {
				t.Fatal(err)
			}
			var want []int64
			if tc.wantFirst {
				want = []int64{1}
			}
			if got := s.maybeSent(); !slices.Equal(got, want) {
				t.Fatalf("MaybeSent on %v, want %v", got, want)
			}
			if st := status(t, e); st.AfterID != 3 || !st.NextAttempt.IsZero() {
				t.Fatalf("after: %+v", st)
			}
		})
	}
}

// The lease bounds one post, not a round: it is renewed after each post,
// so a long round is not cut short and a dead holder is replaced soon.
// It defaults to 30 s.
func TestDeliverRenewsLeaseEachPost(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lease time.Duration
		want  time.Duration
	}{
		{"default_lease_30s", 0, 30 * time.Second},
		{"configured_lease", 10 * time.Second, 10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newDeliveryStore(4)
			e, clock := newDeliveryEngine(store, tc.lease)
			var leases []time.Duration
			s := &markSink{during: func(ctx context.Context, ev core.Event) error {
				leases = append(leases, status(t, e).NextAttempt.Sub(clock.Now()))
				clock.Advance(tc.want / 2) // each post takes half a lease
				return nil
			}}
			if sent, _, err := e.Deliver(context.Background(), s); err != nil || sent != 4 {
				t.Fatalf("sent %d, %v; want all 4 in one round", sent, err)
			}
			for i, l := range leases {
				if l != tc.want {
					t.Fatalf("post %d began with %v of lease left, want %v: %v", i+1, l, tc.want, leases)
				}
			}
		})
	}
}

// A post whose progress can't be recorded (the database went away) ends
// the round: posting on would leave every later post in doubt, and a
// takeover looks up only the first. The next round carries on, with
// nothing in doubt once the round's own final save went through.
func TestDeliverStopsWhenProgressIsNotRecorded(t *testing.T) {
	store := newDeliveryStore(4)
	e, _ := newDeliveryEngine(store, 10*time.Second)
	s := &markSink{during: func(ctx context.Context, ev core.Event) error {
		if ev.ID == 1 {
			store.mu.Lock()
			store.saveFails = 1 // the progress save after this post
			store.mu.Unlock()
		}
		return nil
	}}
	sent, wait, err := e.Deliver(context.Background(), s)
	if err != nil || sent != 1 || wait != 0 {
		t.Fatalf("sent %d, wait %v, %v; want 1 post, then a stop with more to do", sent, wait, err)
	}
	if st := status(t, e); st.AfterID != 1 || !st.NextAttempt.IsZero() {
		t.Fatalf("after the round: %+v, want progress recorded by the final save and the lease released", st)
	}
	if sent, _, err := e.Deliver(context.Background(), s); err != nil || sent != 3 {
		t.Fatalf("next round sent %d, %v; want the other 3", sent, err)
	}
	if got := s.maybeSent(); len(got) != 0 {
		t.Fatalf("MaybeSent on %v: nothing was in doubt", got)
	}
}

// DeliverRound says why a round ended, so the job running it can tell
// another replica's lease (look again soon) from a platform's wait (sleep
// until then) from an earlier failure's pending retry (nothing to do).
func TestDeliverRoundSaysWhyItEnded(t *testing.T) {
	ctx := context.Background()
	store := newDeliveryStore(3)
	e, clock := newDeliveryEngine(store, 10*time.Second)
	var inside core.Round
	s := &markSink{during: func(ctx context.Context, ev core.Event) error {
		switch ev.ID {
		case 1: // another replica looks while this one posts
			var err error
			if inside, err = e.DeliverRound(ctx, &markSink{}); err != nil {
				t.Error(err)
			}
		case 2:
			return &core.RetryAfter{Wait: 30 * time.Second, Err: errors.New("429")}
		}
		return nil
	}}
	r, err := e.DeliverRound(ctx, s)
	if err != nil || r.Left != core.Failed || r.Sent != 1 || r.Wait != 30*time.Second {
		t.Fatalf("first round = %+v, %v; want 1 sent, then Failed with the platform's 30s", r, err)
	}
	if inside.Left != core.Leased || inside.Sent != 0 {
		t.Errorf("a round during another's post = %+v, want Leased", inside)
	}
	if r, err := e.DeliverRound(ctx, s); err != nil || r.Left != core.Waiting || r.Sent != 0 {
		t.Errorf("a round before the retry is due = %+v, %v; want Waiting", r, err)
	}
	clock.Advance(31 * time.Second)
	s.during = nil
	if r, err := e.DeliverRound(ctx, s); err != nil || r.Left != core.CaughtUp || r.Sent != 2 || r.Wait != time.Second {
		t.Errorf("after the wait = %+v, %v; want the other 2 sent and CaughtUp", r, err)
	}
}

// groupMarkSink is a markSink that takes groups, as Slack and Discord do.
// deliverHeld starts a delivery round on e whose sink (made by wrap around
// the given during hook) holds its first post until release is closed: a replica
// stopped mid-post. It returns once the post is under way; done gets the
// round's error.
func deliverHeld(e *core.Engine, wrap func(during func(context.Context, core.Event) error) core.Sink) (release chan struct{}, done chan error) {
	held := make(chan struct{})
	release, done = make(chan struct{}), make(chan error)
	var once sync.Once
	sink := wrap(func(ctx context.Context, ev core.Event) error {
		once.Do(func() { close(held) })
		<-release
		return nil
	})
	go func() {
		_, _, err := e.Deliver(context.Background(), sink)
		done <- err
	}()
	<-held
	return release, done
}

type groupMarkSink struct{ markSink }

func (*groupMarkSink) TakesGroups() bool { return true }

// posts lists the outbox ids of each post, and whether it was MaybeSent.
func (s *groupMarkSink) posts() (ids [][]int64, maybe []bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ev := range s.got {
		one := []int64{ev.ID}
		if ev.Group != nil {
			one = nil
			for _, m := range ev.Group.Events {
				one = append(one, m.ID)
			}
		}
		ids, maybe = append(ids, one), append(maybe, ev.MaybeSent)
	}
	return ids, maybe
}

// A replica dies while posting a digest (or a lone alert), and more alerts
// of its kind arrive before another takes over. The new holder posts the
// very post that was in flight again, MaybeSent so the sink looks for it
// first, and the newcomers in a post of their own: had they joined it, a
// sink finding the first post would skip them, and had the lone alert
// become a digest, it would be posted twice.
func TestDeliverTakeoverKeepsTheGroupInFlight(t *testing.T) {
	for _, tc := range []struct {
		name          string
		before, after int // alerts waiting when the dead replica posted, and arriving later
	}{
		{"digest", 3, 2},
		{"lone_alert", 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newDeliveryStore(tc.before)
			clock := enginetest.NewClock(deliveryStart)
			opts := core.Options{Clock: clock, DeliveryLease: 10 * time.Second, DigestWindow: time.Minute}
			dead := core.NewEngine(store, opts)
			release, done := deliverHeld(dead, func(during func(context.Context, core.Event) error) core.Sink {
				return &groupMarkSink{markSink{during: during}}
			})
			store.mu.Lock()
			for range tc.after {
				store.outbox = append(store.outbox, core.Event{ID: int64(len(store.outbox) + 1), Kind: core.EventLowStock, Text: "MUG is low"})
			}
			store.mu.Unlock()
			clock.Advance(10 * time.Second)

			second := &groupMarkSink{}
			if sent, _, err := core.NewEngine(store, opts).Deliver(context.Background(), second); err != nil || sent != 2 {
				t.Fatalf("takeover: sent %d, %v; want the post in flight and the newcomers", sent, err)
			}
			ids, maybe := second.posts()
			var inFlight, later []int64
			for i := range tc.before {
				inFlight = append(inFlight, int64(i+1))
			}
			for i := range tc.after {
				later = append(later, int64(tc.before+i+1))
			}
			if len(ids) != 2 || !slices.Equal(ids[0], inFlight) || !slices.Equal(ids[1], later) || !maybe[0] || maybe[1] {
				t.Fatalf("posts %v (MaybeSent %v), want %v looked for first, then %v", ids, maybe, inFlight, later)
			}
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
	}
}
