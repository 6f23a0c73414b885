package main

import (
	"context"

	"github.com/sellerdesk/sellerdesk/core"
)

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

// TakesGroups passes on the sink's answer (core.GroupSink): wrapped, a
// Slack or Discord sink must still be handed digests and conversation
// updates.
func (l loggingSink) TakesGroups() bool {
	g, ok := l.Sink.(core.GroupSink)
	return ok && g.TakesGroups()
}
