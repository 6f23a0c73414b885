package spapi

// The amazon outbox sink: what sellerdesk tells Amazon goes out through
// the outbox, written in the transaction of the change, delivered in
// order with the outbox's retries and lease (one replica at a time).
// Each kind of message has its deliverXxx in a file of its own; this file
// only routes them.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/sellerdesk/sellerdesk/core"
)

// Sink delivers the outbox's messages for Amazon (a core.Sink).
type Sink struct {
	client  *Client
	engine  *core.Engine
	log     *slog.Logger
	cancels *CancelFeed
}

// NewSink returns the amazon sink calling Amazon through client (whose
// engine it records Amazon's answers with), for the seller's marketplaces
// (spapi.marketplace_ids).
func NewSink(client *Client, marketplaceIDs []string) *Sink {
	return &Sink{client: client, engine: client.cfg.Engine, log: client.cfg.Log,
		cancels: &CancelFeed{Client: client, MarketplaceIDs: marketplaceIDs}}
}

// Name is the sink's place in the outbox.
func (s *Sink) Name() string { return "amazon" }

// Wants picks the messages Amazon is to be told of.
func (s *Sink) Wants(ev core.Event) bool {
	switch ev.Kind {
	case core.EventAmazonShipment, core.EventAmazonCancel:
		return true
	}
	return false
}

// Deliver tells Amazon one message. A refusal by Amazon is recorded where
// staff see it and the message is done; a temporary failure is returned
// for the outbox to retry (looking on Amazon first: ev.MaybeSent).
func (s *Sink) Deliver(ctx context.Context, ev core.Event) error {
	switch ev.Kind {
	case core.EventAmazonShipment:
		return s.deliverShipment(ctx, ev)
	case core.EventAmazonCancel:
		return s.cancels.Deliver(ctx, ev)
	}
	return nil
}

// Refusal is Amazon's refusal of a call (an answer in the 4xx other than
// an expired token or a rate limit), with Amazon's own words: they are
// for staff. It is the cause of the client's Invalid or NotFound error.
type Refusal struct {
	Op      string
	Status  int
	Message string // Amazon's errors[].message (and details), joined
}

func (r *Refusal) Error() string {
	return fmt.Sprintf("Amazon refused %s (%d): %s", r.Op, r.Status, r.Message)
}

// refusal returns Amazon's refusal behind err, if that is what err is.
func refusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}
