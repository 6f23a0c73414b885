package main

import (
	"context"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/core"
)

// openAmazonSink adds the amazon outbox sinks when the Amazon connection
// is configured (core.Options.AmazonConnected): shipment confirmations
// (confirmShipment) and cancels (the order acknowledgement feed) through
// "amazon", review requests (Solicitations) through "amazon_reviews",
// delivered by the job queue like the chat sinks, exactly once. Bad
// credentials are not fatal: the confirmations wait in the outbox, retried,
// and everything else keeps working.
//
// The sink's place in the outbox is made here, in every process that opens
// the store with the connection on (a console too): a sink seen first by a
// later `bot serve` would start after the confirmations queued before it.
func (m *Main) openAmazonSink(ctx context.Context) error {
	if !m.Config.SPAPI.Enabled() {
		return nil
	}
	client, err := m.spapiClient()
	if err != nil {
		return err
	}
	reviews := &spapi.Reviewer{Client: client, Engine: m.Engine, MarketplaceIDs: m.Config.SPAPI.MarketplaceIDs, Log: m.Log}
	for _, sink := range []core.Sink{spapi.NewSink(client, m.Config.SPAPI.MarketplaceIDs), reviews} {
		if err := m.Engine.StartSink(ctx, sink.Name()); err != nil {
			return err
		}
		m.sinks = append(m.sinks, sink)
	}
	return nil
}
