package main

import (
	"context"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
)

// amazonShipments says whether shipments are confirmed on Amazon: when
// the Amazon connection (spapi.*) is configured. The engine then queues a
// confirmation with every shipment of a merchant-fulfilled Amazon order
// (core.Options.AmazonShipments).
func (m *Main) amazonShipments() bool { return m.Config.SPAPI.Enabled() }

// openAmazonSink adds the amazon outbox sink when the Amazon connection
// is configured: shipment confirmations go to Amazon (confirmShipment),
// delivered by the job queue like the chat sinks, exactly once. Bad
// credentials are not fatal: the confirmations wait in the outbox, retried,
// and everything else keeps working.
//
// The sink's place in the outbox is made here, in every process that opens
// the store with the connection on (a console too): a sink seen first by a
// later `bot serve` would start after the confirmations queued before it.
func (m *Main) openAmazonSink(ctx context.Context) error {
	if !m.amazonShipments() {
		return nil
	}
	client, err := m.spapiClient()
	if err != nil {
		return err
	}
	sink := spapi.NewSink(client)
	if err := m.Engine.StartSink(ctx, sink.Name()); err != nil {
		return err
	}
	m.sinks = append(m.sinks, sink)
	return nil
}
