package core

import (
	"context"
	"fmt"
	"time"
)

// The buyer's own cancel, offered by the help channels. Staff cancel with
// the cancel command; a buyer has no role, so this is its own entry point:
// the buyer's authority is having verified the order, and it reaches that
// order only.

// buyerActorName is how a buyer appears in the audit log: never their
// name or email, which staff channels must not show.
const buyerActorName = "buyer"

// BuyerActor is the verified buyer of orderID acting from a help channel
// (source: "web", "discord").
func BuyerActor(source, orderID string) Actor {
	return Actor{ID: source + ":buyer:" + orderID, Name: buyerActorName, Source: source}
}

// BuyerCancelOffer says whether the buyer may cancel an order themselves
// now, and until when. It carries no personal data.
type BuyerCancelOffer struct {
	OrderID string `json:"order_id"`
	Status  Status `json:"status"`
	// Open: the buyer may cancel now, until Until. Times are in the shop's
	// time zone.
	Open  bool      `json:"open"`
	Until time.Time `json:"until"`
	// Why is the refusal the buyer would get, when not Open.
	Why        string     `json:"why,omitempty"`
	CanceledAt *time.Time `json:"canceled_at,omitempty"`
}

// BuyerCancelOffer reads whether orderID's buyer may cancel it now. The
// caller must have verified the buyer for orderID.
func (e *Engine) BuyerCancelOffer(ctx context.Context, orderID string) (BuyerCancelOffer, error) {
	var out BuyerCancelOffer
	now := e.now()
	err := e.store.View(ctx, func(tx Tx) error {
		o, err := tx.Order(ctx, orderID)
		if err != nil {
			return err
		}
		out = e.offerOf(o, now)
		return nil
	})
	return out, err
}

func (e *Engine) offerOf(o *Order, now time.Time) BuyerCancelOffer {
	loc := e.policy.loc()
	out := BuyerCancelOffer{OrderID: o.ID, Status: o.Status, Until: e.policy.BuyerCancelUntil(o).In(loc)}
	if o.CanceledAt != nil {
		t := o.CanceledAt.In(loc)
		out.CanceledAt = &t
	}
	if err := e.policy.CanBuyerCancel(o, now); err != nil {
		out.Why = ErrorMessage(err)
	} else {
		out.Open = true
	}
	return out
}

// BuyerCancelResult is what a buyer's cancel did.
type BuyerCancelResult struct {
	Offer   BuyerCancelOffer `json:"order"`
	Message string           `json:"message"`
	// Already: the order was cancelled before this request (a double
	// submit, a retry, or staff got there first), so nothing changed.
	Already bool    `json:"already"`
	Events  []Event `json:"-"`
}

// BuyerCancel cancels orderID for its buyer a (made by BuyerActor) within
// the buyer's window: the order is cancelled as buyer_canceled, its units
// released, an audit entry written and staff told through the outbox, in
// one transaction. Cancelling an order that is already cancelled changes
// nothing and is not an error, so a repeated submission reads as done.
func (e *Engine) BuyerCancel(ctx context.Context, a Actor, orderID string) (BuyerCancelResult, error) {
	start := time.Now()
	res, err := e.buyerCancel(ctx, a, orderID)
	if e.observe != nil {
		e.observe("buyer_cancel", ErrorCode(err), time.Since(start))
	}
	return res, err
}

func (e *Engine) buyerCancel(ctx context.Context, a Actor, orderID string) (BuyerCancelResult, error) {
	// Staff have a role and cancel with the cancel command; a buyer actor
	// names its own order, so it can reach no other.
	if a.Source == "" || a != BuyerActor(a.Source, orderID) {
		return BuyerCancelResult{}, FieldErrorf(Forbidden, "order_id", "Only the buyer who verified order %s can cancel it here.", orderID)
	}
	now := e.now()
	var res BuyerCancelResult
	err := e.update(ctx, func(tx Tx) error {
		res = BuyerCancelResult{} // a store may retry fn
		o, err := tx.Order(ctx, orderID)
		if err != nil {
			return err
		}
		if o.Status == Canceled {
			res.Offer, res.Already = e.offerOf(o, now), true
			res.Message = fmt.Sprintf("Order %s is already cancelled; nothing more to do.", o.ID)
			return nil
		}
		before := o.Clone()
		if err := e.policy.BuyerCancel(o, now); err != nil {
			return err
		}
		ch := &change{before: before, after: o,
			changes: []string{fmt.Sprintf("Order %s: %s → cancelled (%s) by the buyer.", o.ID, statusWord(before.Status), BuyerCanceled)},
			events: []Event{{Kind: EventBuyerCanceled, OrderID: o.ID,
				Text: fmt.Sprintf("Order %s was cancelled by the buyer on the %s help channel, within %d minutes of purchase. Don't ship it.", o.ID, a.Source, e.policy.BuyerCancelMinutes)}},
		}
		ch.events = append(ch.events, e.queueAmazonCancel(before, o, now)...)
		r := &Result{}
		req := Request{Actor: a, Command: CancelOrder{OrderID: o.ID, Reason: BuyerCanceled}}
		if err := e.commit(ctx, tx, req, []*change{ch}, r, now); err != nil {
			return err
		}
		res.Offer, res.Events = e.offerOf(o, now), r.Events
		res.Message = fmt.Sprintf("Order %s is cancelled.", o.ID)
		return nil
	})
	if err != nil {
		return BuyerCancelResult{}, err
	}
	return res, nil
}
