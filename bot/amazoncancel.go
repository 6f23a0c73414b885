package main

import (
	"context"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/core"
)

// amazonCheck is the periodic read of Amazon's answers to the cancels sent
// to it (spapi.CancelFeed.Check); nil without an Amazon connection. The
// amazon outbox sink sends them (its case for core.EventAmazonCancel calls
// CancelFeed.Deliver).
func (m *Main) amazonCheck() func(ctx context.Context) error {
	if !m.Config.SPAPI.Enabled() {
		return nil
	}
	client, err := m.spapiClient()
	if err != nil {
		m.Log.Warn("amazon: cancels sent will not be checked", "err", core.ErrorMessage(err))
		return nil
	}
	feed := &spapi.CancelFeed{Client: client, MarketplaceIDs: m.Config.SPAPI.MarketplaceIDs}
	return func(ctx context.Context) error {
		s, err := feed.Check(ctx)
		if s.Processed+s.Failed > 0 {
			m.Log.Info("amazon: cancels answered", "processed", s.Processed, "failed", s.Failed, "waiting", s.Waiting)
		}
		return err
	}
}
