package core

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Sink posts outbox messages somewhere outside: a Slack workspace, a
// Discord guild. Adapters implement it; the engine keeps the order and the
// retries, so an outage delays messages and loses none.
type Sink interface {
	// Name identifies the sink's place in the outbox ("slack").
	Name() string
	// Wants reports whether the sink posts this kind of message.
	Wants(ev Event) bool
	// Deliver posts one message. A *RetryAfter error asks for a wait
	// (a platform's rate limit); an Invalid error will never succeed.
	Deliver(ctx context.Context, ev Event) error
}

// GroupSink is a Sink that takes a burst of outbox messages as one post
// (Event.Group): alerts of one kind raised within the digest window
// become one digest, and messages about one buyer conversation waiting
// together become one update of it. A plain Sink gets one message at a
// time. The grouping is core's; how a group looks is the sink's.
type GroupSink interface {
	Sink
	// TakesGroups reports whether the sink is handed groups.
	TakesGroups() bool
}

// RetryAfter is a delivery failure that says when to try again.
type RetryAfter struct {
	Wait time.Duration
	Err  error
}

func (e *RetryAfter) Error() string { return fmt.Sprintf("retry after %s: %v", e.Wait, e.Err) }
func (e *RetryAfter) Unwrap() error { return e.Err }

const (
	deliveryBatch = 20 // posts per round
	// maxGroup bounds how many outbox messages one post stands for (and so
	// how many a round reads for a GroupSink): a burst larger than that
	// becomes several digests.
	maxGroup = 500
	// digestQuiet is how long after the latest alert of a burst its digest
	// waits for more: a sweep or import raises its alerts far faster, and
	// a lone alert is posted this soon.
	digestQuiet      = 2 * time.Second
	maxBackoff       = 5 * time.Minute
	giveUpAttempts   = 5 // for messages that can never be delivered (Invalid)
	deliveryAttempts = 1000
	// defaultDeliveryLease bounds one post, not a round: the lease is
	// renewed after every post. Short, so a replica that died mid-post
	// holds the sink up for seconds, not minutes.
	defaultDeliveryLease = 30 * time.Second
)

// Deliver sends a sink the outbox messages it has not had yet, in order.
// It stops at the first failure and records when to retry; wait is how
// long until the sink should be called again (0: more may be waiting now).
// A message that fails as Invalid (a channel that does not exist) is
// skipped after a few tries so it cannot block the rest.
//
// The platform is called outside any transaction, so a slow platform never
// holds up the desk. A short lease (NextAttempt moved ahead while posting,
// renewed after each post) keeps a second replica off the same sink. Each
// post must end before the lease does, so two replicas never post at the
// same time. If this process dies while posting, the lease runs out and
// the next round marks the message that was in flight MaybeSent, for the
// sink to look for it on the platform before posting it again.
func (e *Engine) Deliver(ctx context.Context, s Sink) (sent int, wait time.Duration, err error) {
	r, err := e.DeliverRound(ctx, s)
	return r.Sent, r.Wait, err
}

// Round is what one delivery round did and where it left the sink.
type Round struct {
	Sent int
	Wait time.Duration // until the sink should be called again; 0: at once
	Left RoundEnd
}

// RoundEnd says why a delivery round ended.
type RoundEnd int

const (
	CaughtUp RoundEnd = iota // nothing more to post
	More                     // a full batch went, or posting had to stop: go on
	Leased                   // another replica is posting to the sink
	Waiting                  // an earlier failure's retry is due in Wait
	Failed                   // this round's post failed: retry in Wait
	// Gathering: alerts of one kind are being gathered into one digest
	// (Options.DigestWindow); call again in Wait to post it.
	Gathering
)

// DeliverRound is Deliver, saying why the round ended, so a caller can
// tell a platform's wait from another replica's lease without asking.
func (e *Engine) DeliverRound(ctx context.Context, s Sink) (Round, error) {
	r, err := e.deliver(ctx, s)
	if err == nil && r.Left == CaughtUp && r.Wait == 0 {
		r.Wait = time.Second
	}
	return r, err
}

func (e *Engine) deliver(ctx context.Context, s Sink) (r Round, err error) {
	var (
		sent int
		wait time.Duration
	)
	var st SinkState
	var events []Event
	var leaseEnd time.Time
	err = e.store.Update(ctx, func(tx Tx) error {
		events, wait = nil, 0
		var err error
		if st, err = tx.SinkState(ctx, s.Name()); err != nil {
			return err
		}
		now := e.now()
		if now.Before(st.NextAttempt) {
			wait = st.NextAttempt.Sub(now)
			r.Left = Leased
			if st.Attempts > 0 || st.LastError != "" {
				r.Left = Waiting
			}
			return nil
		}
		if events, err = tx.Outbox(ctx, st.AfterID, e.fetchSize(s)); err != nil || len(events) == 0 {
			return err
		}
		lease := st
		lease.NextAttempt = e.leaseEnd(now)
		if err := tx.SaveSinkState(ctx, lease); err != nil {
			return err
		}
		leaseEnd = lease.NextAttempt
		return nil
	})
	if err != nil || wait > 0 {
		return Round{Wait: wait, Left: r.Left}, err
	}
	if len(events) == 0 {
		return Round{Left: CaughtUp}, nil
	}
	// A round that ends cleanly saves a zero NextAttempt. One found set
	// (and run out) means the last round's holder died mid-post, or its
	// last post failed, perhaps after reaching the platform.
	maybeSent := !st.NextAttempt.IsZero()
	st.NextAttempt = time.Time{}
	full := len(events) == e.fetchSize(s)
	units, gatherUntil := e.plan(s, events, st, maybeSent, full)
	finished := true
	posts := 0
	for _, u := range units {
		if u.skip {
			st.AfterID = u.last
			continue
		}
		if posts == deliveryBatch {
			finished = false // a full batch went: the rest next round
			break
		}
		posts++
		ev := u.ev
		if ev.Group != nil && st.GroupTo != u.last {
			// Record what the group is before posting it, so a takeover
			// posts (or finds) exactly this group, not one grown since.
			st.GroupTo = u.last
			var stop bool
			if leaseEnd, stop = e.saveProgress(ctx, s.Name(), st, leaseEnd); stop {
				finished = false
				break
			}
		}
		// A post must be over before the lease is: after it another
		// replica may post this message. The fifth kept back covers a
		// platform still acting on a request we gave up on, and clocks
		// that differ between replicas.
		left := leaseEnd.Sub(e.now()) - e.lease/5
		if left <= 0 {
			finished = false // the store was too slow to renew the lease; go on next round
			break
		}
		ev.MaybeSent, maybeSent = maybeSent, false
		pctx, cancel := context.WithTimeout(ctx, left)
		derr := s.Deliver(pctx, ev)
		cancel()
		if derr == nil {
			st.AfterID, st.GroupTo, st.Attempts, st.LastError = u.last, 0, 0, ""
			sent++
			// Record each post as it goes out, so a crash leaves at most the
			// one message in flight in doubt.
			var stop bool
			if leaseEnd, stop = e.saveProgress(ctx, s.Name(), st, leaseEnd); stop {
				finished = false
				break
			}
			continue
		}
		if ctx.Err() != nil {
			// Shutting down: retry at once next time, looking first, since
			// the cut-off post may have gone out.
			st.NextAttempt, finished = e.now(), false
			break
		}
		st.Attempts++
		st.LastError = clipText(derr.Error(), 500)
		if ErrorCode(derr) == Invalid && st.Attempts >= giveUpAttempts || st.Attempts >= deliveryAttempts {
			// It will never go through; skip it rather than block every later message.
			st.AfterID, st.GroupTo, st.Attempts = u.last, 0, 0
			continue
		}
		wait = backoff(st.Attempts)
		var ra *RetryAfter
		if errors.As(derr, &ra) && ra.Wait > 0 {
			wait = ra.Wait
		}
		st.NextAttempt = e.now().Add(wait)
		break
	}
	left := Failed
	switch {
	case wait > 0:
	case !finished:
		left = More
	case !gatherUntil.IsZero():
		left, wait = Gathering, max(gatherUntil.Sub(e.now()), time.Millisecond)
	case !full:
		left = CaughtUp
	default:
		left = More
	}
	// Record progress even when ctx is ending: what was posted must not be
	// posted again.
	save, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = e.store.Update(save, func(tx Tx) error {
		cur, err := tx.SinkState(save, s.Name())
		if err != nil || !cur.NextAttempt.Equal(leaseEnd) {
			// Our lease ran out and another replica took the sink: what we
			// posted is recorded already (saveProgress), and writing now
			// would end its lease under it.
			return err
		}
		return tx.SaveSinkState(save, st)
	})
	return Round{Sent: sent, Wait: wait, Left: left}, err
}

// unit is one post of a delivery round: one outbox message or a group,
// or a message the sink does not want (skip).
type unit struct {
	ev   Event
	last int64 // the id of the last outbox message it stands for
	skip bool
}

func takesGroups(s Sink) bool {
	g, ok := s.(GroupSink)
	return ok && g.TakesGroups()
}

// fetchSize is how many outbox messages a round reads for s.
func (e *Engine) fetchSize(s Sink) int {
	if takesGroups(s) {
		return maxGroup
	}
	return deliveryBatch
}

// plan cuts a round's messages into posts. For a GroupSink, consecutive
// messages it wants (skipping those it doesn't) form one group when they
// are alerts of one kind raised within the digest window of the first, or
// are about one buyer conversation. A group recorded in st.GroupTo (posted
// by a round that did not record the outcome) is formed again exactly,
// and so is a single message then: a takeover must look for the very post
// that may have gone out. An alert group that the window may still add to
// (nothing after it yet, and the read was not cut short) is held back
// until gatherUntil, so a burst of alerts makes one digest: until no alert
// of its kind has come for digestQuiet, and at most the window.
func (e *Engine) plan(s Sink, events []Event, st SinkState, maybeSent, full bool) (units []unit, gatherUntil time.Time) {
	groups := takesGroups(s)
	inDoubt := maybeSent || st.GroupTo > st.AfterID
	for i := 0; i < len(events); i++ {
		ev := events[i]
		if !s.Wants(ev) {
			units = append(units, unit{ev: ev, last: ev.ID, skip: true})
			continue
		}
		if !groups {
			units = append(units, unit{ev: ev, last: ev.ID})
			continue
		}
		members, lastIdx := []Event{ev}, i
		open := false // the group could still grow
		switch {
		case inDoubt && st.GroupTo > st.AfterID:
			for j := i + 1; j < len(events) && events[j].ID <= st.GroupTo; j++ {
				if s.Wants(events[j]) {
					members, lastIdx = append(members, events[j]), j
				}
			}
		case inDoubt:
			// The single message in flight.
		default:
			open = true
			for j := i + 1; j < len(events); j++ {
				nx := events[j]
				if !s.Wants(nx) {
					continue
				}
				if !e.sameBurst(ev, nx) {
					open = false
					break
				}
				members, lastIdx = append(members, nx), j
			}
		}
		inDoubt = false
		if open && ev.Kind.IsAlert() && !full {
			// Gather while alerts keep coming, up to the window.
			until := events[lastIdx].At.Add(min(digestQuiet, e.digestWindow))
			if end := ev.At.Add(e.digestWindow); end.Before(until) {
				until = end
			}
			if e.now().Before(until) {
				return units, until
			}
		}
		u := unit{ev: ev, last: events[lastIdx].ID}
		if len(members) > 1 {
			u.ev.Group = &EventGroup{Events: members}
		}
		units = append(units, u)
		i = lastIdx
	}
	return units, time.Time{}
}

// sameBurst reports whether next goes in one post with first: alerts of
// first's kind within the digest window, or news of first's conversation.
func (e *Engine) sameBurst(first, next Event) bool {
	switch {
	case first.Kind.IsAlert():
		return e.digestWindow > 0 && next.Kind == first.Kind && next.At.Sub(first.At) < e.digestWindow
	case first.Kind.ForConversation():
		return first.ConversationID != "" && next.Kind.ForConversation() && next.ConversationID == first.ConversationID
	}
	return false
}

// leaseEnd is when a lease taken at now runs out, at the stores' precision
// so that it reads back equal: it is how a holder knows the lease is still
// its own.
func (e *Engine) leaseEnd(now time.Time) time.Time {
	return now.Add(e.lease).Truncate(time.Microsecond)
}

// saveProgress records a sink's place mid-round and renews the lease,
// returning the lease's end. stop says posting must stop: the lease is
// another replica's now (ours ran out while the store was slow), or the
// save failed (the database is down). Posting on unrecorded would leave
// every later post in doubt, and a takeover re-checks only the first, so
// each would go out twice; stopped here, the one just posted is the only
// one in doubt.
func (e *Engine) saveProgress(ctx context.Context, sink string, st SinkState, leaseEnd time.Time) (end time.Time, stop bool) {
	st.NextAttempt = e.leaseEnd(e.now())
	save, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := e.store.Update(save, func(tx Tx) error {
		cur, err := tx.SinkState(save, sink)
		if err != nil {
			return err
		}
		if stop = !cur.NextAttempt.Equal(leaseEnd); stop {
			return nil
		}
		return tx.SaveSinkState(save, st)
	})
	if err != nil || stop {
		return leaseEnd, true
	}
	return st.NextAttempt, false
}

// backoff doubles from one second to five minutes.
func backoff(attempts int) time.Duration {
	d := time.Second
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// SinkStatus reports where a sink's delivery stands, for operators.
func (e *Engine) SinkStatus(ctx context.Context, sink string) (SinkState, error) {
	var st SinkState
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		st, err = tx.SinkState(ctx, sink)
		return err
	})
	return st, err
}

// FirstSeen reports whether an inbound platform event id arrives for the
// first time (platform retries are then answered without acting twice).
func (e *Engine) FirstSeen(ctx context.Context, platform, id string) (bool, error) {
	var first bool
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		first, err = tx.FirstSeen(ctx, platform, id, e.now())
		return err
	})
	return first, err
}

// ChatRef returns where a platform message about key lives.
func (e *Engine) ChatRef(ctx context.Context, platform, key string) (ChatRef, error) {
	var r ChatRef
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		r, err = tx.ChatRef(ctx, platform, key)
		return err
	})
	return r, err
}

// SaveChatRef remembers where a platform message about something lives.
func (e *Engine) SaveChatRef(ctx context.Context, r ChatRef) error {
	if r.At.IsZero() {
		r.At = e.now()
	}
	return e.store.Update(ctx, func(tx Tx) error { return tx.SaveChatRef(ctx, r) })
}

// Conversation returns one conversation for staff views (a Slack thread
// update), with the order when the buyer is verified.
func (e *Engine) Conversation(ctx context.Context, id string) (*Conversation, *Order, error) {
	var c *Conversation
	var o *Order
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		if c, err = tx.Conversation(ctx, id); err != nil || c.OrderID == "" {
			return err
		}
		if o, err = tx.Order(ctx, c.OrderID); ErrorCode(err) == NotFound {
			o, err = nil, nil
		}
		return err
	})
	return c, o, err
}

// RefBook finds and remembers where one platform's messages are. A ref
// the store could not save is kept in memory: the message is already
// posted, and failing its delivery would post it twice.
type RefBook struct {
	engine   *Engine
	platform string
	mu       sync.Mutex
	pending  map[string]ChatRef
}

// RefBook returns a RefBook for platform ("slack", "discord").
func (e *Engine) RefBook(platform string) *RefBook {
	return &RefBook{engine: e, platform: platform, pending: map[string]ChatRef{}}
}

// Get returns the ref for key, NotFound when there is none.
func (b *RefBook) Get(ctx context.Context, key string) (ChatRef, error) {
	b.mu.Lock()
	ref, ok := b.pending[key]
	b.mu.Unlock()
	if ok {
		return ref, nil
	}
	return b.engine.ChatRef(ctx, b.platform, key)
}

// Remember saves a ref. On a store failure it keeps the ref in memory and
// returns the error for the caller to log; it is retried on the next save.
func (b *RefBook) Remember(ctx context.Context, ref ChatRef) error {
	ref.Platform = b.platform
	err := b.engine.SaveChatRef(ctx, ref)
	b.mu.Lock()
	defer b.mu.Unlock()
	if err == nil {
		delete(b.pending, ref.Key)
		return nil
	}
	b.pending[ref.Key] = ref
	return err
}
