package main

import (
	"context"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

const (
	// deliverTimeout bounds one delivery round, so a platform that stops
	// answering can't keep the sink's lease (core.Engine.Deliver) for long.
	deliverTimeout = time.Minute
	// deliverGrace is how long shutdown lets a round in flight finish, so
	// the messages it posts are recorded and not posted again at next start.
	deliverGrace = 5 * time.Second
	// storeRetryMax caps the wait after the store itself failed (the
	// sink's own failures are timed by the engine).
	storeRetryMax = time.Minute
)

// deliverLoop posts the outbox to one sink until ctx ends. The engine keeps
// the sink's place, order and retries in the store, so every replica may
// run this loop: they take turns per sink.
func (m *Main) deliverLoop(ctx context.Context, s core.Sink) {
	logged := loggingSink{Sink: s, m: m}
	storeFailures := 0
	for {
		sent, wait, err := m.deliverRound(ctx, logged)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			storeFailures++
			wait = min(time.Second<<min(storeFailures-1, 6), storeRetryMax)
			m.Log.Warn("outbox delivery", "sink", s.Name(), "err", err, "retry_in", wait)
		} else {
			storeFailures = 0
			if sent > 0 {
				m.Log.Debug("outbox delivered", "sink", s.Name(), "sent", sent)
			}
		}
		if wait <= 0 {
			continue // a full batch went: more may be waiting
		}
		// Look again at least every 10 s: a wait may be another replica's
		// lease, and that replica may have died.
		t := time.NewTimer(min(wait, 10*time.Second))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// deliverRound runs one Engine.Deliver, bounded by deliverTimeout and, once
// ctx ends, by deliverGrace.
func (m *Main) deliverRound(ctx context.Context, s core.Sink) (int, time.Duration, error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), deliverTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		t := time.NewTimer(deliverGrace)
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-rctx.Done():
		}
	})
	defer stop()
	return m.Engine.Deliver(rctx, s)
}

// loggingSink logs a sink's failed posts. The engine records them and
// retries; this is what tells an operator a platform is refusing. The
// message's text stays out of the log: it may quote a buyer.
type loggingSink struct {
	core.Sink
	m *Main
}

func (l loggingSink) Deliver(ctx context.Context, ev core.Event) error {
	err := l.Sink.Deliver(ctx, ev)
	if err != nil && ctx.Err() == nil {
		l.m.Log.Warn("outbox message not delivered", "sink", l.Name(), "message_id", ev.ID, "kind", ev.Kind,
			"code", core.ErrorCode(err), "err", err)
	}
	return err
}
