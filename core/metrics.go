package core

import (
	"context"
	"time"
)

// MetricsScanLimit bounds the rows one metrics reading looks at, so a
// scrape stays cheap however far behind delivery or staff are; a count at
// the limit means "at least".
const MetricsScanLimit = 10000

// Backlog is where a sink's delivery stands, for metrics.
type Backlog struct {
	// Pending counts the outbox messages after the sink's AfterID (at
	// most MetricsScanLimit), including any the sink will skip.
	Pending int
	// Oldest is the time of the oldest pending message; zero when none.
	Oldest time.Time
	// Attempts is how often the next message has failed (0: no failure).
	Attempts int
}

// Backlog reads how far behind a sink's delivery is. It only reads: a sink
// not seen before has nothing pending.
func (e *Engine) Backlog(ctx context.Context, sink string) (Backlog, error) {
	var b Backlog
	err := e.store.View(ctx, func(tx Tx) error {
		st, err := tx.SinkState(ctx, sink)
		if err != nil {
			return err
		}
		b.Attempts = st.Attempts
		evs, err := tx.Outbox(ctx, st.AfterID, MetricsScanLimit)
		if err != nil {
			return err
		}
		b.Pending = len(evs)
		if len(evs) > 0 {
			b.Oldest = evs[0].At
		}
		return nil
	})
	return b, err
}

// InboxCounts are the buyer conversations staff owe an answer, for metrics.
type InboxCounts struct {
	// Due: the 24-hour deadline comes within the first reminder point.
	Due int
	// Overdue: the deadline has passed.
	Overdue int
}

// InboxCounts counts the waiting conversations that are due or overdue
// (each at most MetricsScanLimit).
func (e *Engine) InboxCounts(ctx context.Context) (InboxCounts, error) {
	var c InboxCounts
	now := e.now()
	err := e.store.View(ctx, func(tx Tx) error {
		list, err := tx.Conversations(ctx, ConversationQuery{Waiting: true, DeadlineBefore: now.Add(e.firstReminder()), Limit: MetricsScanLimit})
		for _, conv := range list {
			if conv.Deadline != nil && conv.Deadline.Before(now) {
				c.Overdue++
			} else {
				c.Due++
			}
		}
		return err
	})
	return c, err
}
