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

// Forgotten says what ForgetOld deleted.
type Forgotten struct {
	InboundEvents  int `json:"inbound_events"`
	VerifyFailures int `json:"verify_failures"`
	BuyerSessions  int `json:"buyer_sessions"`
}

// ForgetOld deletes what is kept only for a while: inbound event ids older
// than InboundRetention, failed verification tries that no longer count
// (per client or per order, whichever window is longer), and expired buyer
// sessions. A job runs it daily; the tables would otherwise only grow.
func (e *Engine) ForgetOld(ctx context.Context) (Forgotten, error) {
	now := e.now()
	_, window := e.policy.verifyLimit()
	_, orderWindow := e.policy.verifyOrderLimit()
	window = max(window, orderWindow)
	var f Forgotten
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		if f.InboundEvents, err = tx.ForgetInbound(ctx, now.Add(-InboundRetention)); err != nil {
			return err
		}
		if f.VerifyFailures, err = tx.ForgetVerifyFailures(ctx, now.Add(-window)); err != nil {
			return err
		}
		f.BuyerSessions, err = tx.ForgetBuyerSessions(ctx, now)
		return err
	})
	return f, err
}
