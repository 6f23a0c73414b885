package core

import (
	"context"
	"time"
)

// StartSink gives a sink its place in the outbox if it has none. A new sink
// begins after the newest message rather than replaying history, so call
// it when the sink is set up: messages arriving before its first delivery
// are then posted, not skipped.
func (e *Engine) StartSink(ctx context.Context, name string) error {
	return e.store.Update(ctx, func(tx Tx) error {
		_, err := tx.SinkState(ctx, name)
		return err
	})
}

// InboundRetention is how long inbound event ids are kept to spot a
// platform's retry. Slack retries within an hour, Discord not at all.
const InboundRetention = 7 * 24 * time.Hour

// ForgetInbound deletes inbound event ids older than InboundRetention (a job
// runs it daily; the table would otherwise grow with every Slack event).
func (e *Engine) ForgetInbound(ctx context.Context) (int, error) {
	var n int
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		n, err = tx.ForgetInbound(ctx, e.now().Add(-InboundRetention))
		return err
	})
	return n, err
}
