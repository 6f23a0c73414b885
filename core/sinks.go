package core

import "context"

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
