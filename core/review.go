package core

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

// Review requests: Amazon's own "request a review and seller feedback"
// message to the buyer (the Solicitations API), asked for once per order
// from 5 to 30 days after delivery — Amazon's window. Core decides whether
// an order may be asked for and records the request with an outbox message
// in one transaction; the amazon sink sends it and reports Amazon's answer
// (ReviewAnswered).

// ReviewState is where an order's review request stands.
type ReviewState string

const (
	ReviewWaiting ReviewState = "waiting" // queued for Amazon
	ReviewSent    ReviewState = "sent"    // Amazon sent the buyer its request
	ReviewRefused ReviewState = "refused" // not sent; Reason says why
)

// The review window, in calendar days after delivery (Amazon's rule).
const (
	ReviewFromDays  = 5
	ReviewUntilDays = 30
)

// ReviewRequest is an order's one review request.
type ReviewRequest struct {
	RequestedAt time.Time   `json:"requested_at"`
	RequestedBy string      `json:"requested_by"`
	State       ReviewState `json:"state"`
	// Reason says why a refused request was not sent, whole, for staff:
	// "refused by Amazon: <Amazon's message>".
	Reason string `json:"reason,omitempty"`
	// AnsweredAt is when Amazon sent or refused it.
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}

func (r *ReviewRequest) clone() *ReviewRequest {
	if r == nil {
		return nil
	}
	c := *r
	c.AnsweredAt = cloneTime(r.AnsweredAt)
	return &c
}

// Describe says where the request stands, for order cards: "waiting",
// "sent on <day>", or the reason it was refused ("refused by Amazon:
// <Amazon's message>"). day writes a date the adapter's way.
func (r *ReviewRequest) Describe(day func(time.Time) string) string {
	switch r.State {
	case ReviewSent:
		if r.AnsweredAt != nil {
			return "sent on " + day(*r.AnsweredAt)
		}
		return "sent"
	case ReviewRefused:
		if r.Reason == "" {
			return "refused"
		}
		return r.Reason
	}
	return "waiting"
}

// RequestReview: review <order-id>
type RequestReview struct{ OrderID string }

func (RequestReview) Name() string     { return "review" }
func (c RequestReview) String() string { return "review " + c.OrderID }

func parseReview(args []string) (Command, error) {
	c, err := parseGetOrder(args)
	if err != nil {
		return nil, err
	}
	return RequestReview{OrderID: c.(GetOrder).OrderID}, nil
}

// AutoReviewActor is who the daily auto_review job is recorded as.
func AutoReviewActor() Actor {
	return Actor{ID: "system:auto_review", Name: "sellerdesk (auto_review)", Role: Owner, Source: "system"}
}

// ReviewWindow is the first and last day, on the shop's calendar, Amazon
// lets a seller ask for a review of an order delivered on delivered.
func (p Policy) ReviewWindow(delivered time.Time) (first, last time.Time) {
	d := p.Day(delivered)
	return d.AddDate(0, 0, ReviewFromDays), d.AddDate(0, 0, ReviewUntilDays)
}

// daysBetween counts calendar days from a to b on the shop's calendar.
func (p Policy) daysBetween(a, b time.Time) int {
	return int(math.Round(p.Day(b).Sub(p.Day(a)).Hours() / 24))
}

// CanRequestReview says why a review of o may not be asked for now (nil:
// it may): the Amazon connection must be on, the order an Amazon one, not
// asked for before, and 5 to 30 days past its known delivery.
func (e *Engine) CanRequestReview(o *Order, now time.Time) error {
	if !e.amazon {
		return Errorf(Unavailable, "Review requests go through the Amazon connection, which is off: set spapi.client_id, spapi.client_secret and spapi.refresh_token (see the README, Amazon connection).")
	}
	if !IsAmazonOrder(o) {
		ch := o.SalesChannel
		if ch == "" {
			ch = "none recorded"
		}
		return FieldErrorf(Invalid, "order_id", "Order %s was not placed on Amazon (sales channel: %s): only Amazon orders can get Amazon's review request.", o.ID, ch)
	}
	if r := o.Review; r != nil {
		return FieldErrorf(Conflict, "order_id", "A review of order %s was already requested on %s by %s (%s): Amazon allows one request per order.",
			o.ID, e.policy.Day(r.RequestedAt).Format(time.DateOnly), r.RequestedBy, r.Describe(func(t time.Time) string { return e.policy.Day(t).Format(time.DateOnly) }))
	}
	if o.Status == Canceled {
		return FieldErrorf(Conflict, "order_id", "Order %s was cancelled: Amazon asks for reviews of delivered orders only.", o.ID)
	}
	if o.DeliveredAt == nil {
		return FieldErrorf(Conflict, "order_id", "Order %s is not delivered yet: a review can be requested %d to %d days after delivery. If it has arrived, record it first: delivered %s [date YYYY-MM-DD].",
			o.ID, ReviewFromDays, ReviewUntilDays, o.ID)
	}
	first, last := e.policy.ReviewWindow(*o.DeliveredAt)
	days := e.policy.daysBetween(*o.DeliveredAt, now)
	ago := fmt.Sprintf("%d days ago", days)
	switch days {
	case 0:
		ago = "today"
	case 1:
		ago = "1 day ago"
	}
	if days < ReviewFromDays {
		return FieldErrorf(Conflict, "order_id", "Order %s was delivered %s: ask from %s (Amazon allows review requests %d to %d days after delivery).",
			o.ID, ago, first.Format(time.DateOnly), ReviewFromDays, ReviewUntilDays)
	}
	if days > ReviewUntilDays {
		return FieldErrorf(Conflict, "order_id", "Order %s was delivered %s, more than %d days since delivery: Amazon no longer takes a review request for it (the last day was %s).",
			o.ID, ago, ReviewUntilDays, last.Format(time.DateOnly))
	}
	return nil
}

// requestReview records a review request on o and the outbox message that
// takes it to Amazon.
func (e *Engine) requestReview(o *Order, ch *change, by string, now time.Time) error {
	if err := e.CanRequestReview(o, now); err != nil {
		return err
	}
	o.Review = &ReviewRequest{RequestedAt: now, RequestedBy: by, State: ReviewWaiting}
	ch.events = append(ch.events, Event{Kind: EventReviewRequest, OrderID: o.ID,
		Text: fmt.Sprintf("Ask Amazon to send the buyer of order %s its request for a review and seller feedback.", o.ID)})
	return nil
}

// actions are the policy's actions on o plus those that depend on the
// engine's connections.
func (e *Engine) actions(o *Order, role Role, now time.Time) []string {
	acts := e.policy.Actions(o, role, now)
	if role.can(true) && e.CanRequestReview(o, now) == nil {
		acts = append(acts, "review")
	}
	return acts
}

// RequestDueReviews asks for the review of every Amazon order inside its
// review window that has none yet, as AutoReviewActor (the daily
// auto_review job). Each order is its own transaction, checked again
// inside it, so a second run — or one racing staff — requests nothing
// twice. Without the Amazon connection it does nothing.
func (e *Engine) RequestDueReviews(ctx context.Context) (requested []string, err error) {
	if !e.amazon {
		return nil, nil
	}
	now := e.now()
	actor := AutoReviewActor()
	return e.eachDue(ctx, e.ReviewQuery(now), func(o *Order) bool { return e.CanRequestReview(o, now) == nil }, func(tx Tx, o *Order) error {
		ch := &change{before: o.Clone(), after: o}
		if err := e.requestReview(o, ch, actor.Name, now); err != nil {
			return err
		}
		return e.commit(ctx, tx, Request{Actor: actor, Command: RequestReview{OrderID: o.ID}}, []*change{ch}, &Result{}, now)
	})
}

// ReviewQuery lists the orders the auto_review job may ask a review of at
// now, by delivery date in pages: a day's slack either side of the review
// window; CanRequestReview has the last word.
func (e *Engine) ReviewQuery(now time.Time) OrderQuery {
	today := e.policy.Day(now)
	return OrderQuery{Statuses: []Status{Delivered, Completed}, ReviewUnrequested: true,
		DeliveredAfter:  today.AddDate(0, 0, -ReviewUntilDays-1).UTC(),
		DeliveredBefore: today.AddDate(0, 0, -ReviewFromDays+1).UTC(), Sort: DeliveredFirst}
}

// PendingReview is what the amazon sink needs to send an order's review
// request.
type PendingReview struct {
	OrderID      string
	SalesChannel string // the marketplace, e.g. "Amazon.de"
	Request      ReviewRequest
}

// PendingReview returns an order's review request for the amazon sink;
// NotFound when the order has none.
func (e *Engine) PendingReview(ctx context.Context, orderID string) (PendingReview, error) {
	var p PendingReview
	err := e.store.View(ctx, func(tx Tx) error {
		o, err := tx.Order(ctx, orderID)
		if err != nil {
			return err
		}
		if o.Review == nil {
			return FieldErrorf(NotFound, "order_id", "Order %s has no review request.", orderID)
		}
		p = PendingReview{OrderID: o.ID, SalesChannel: o.SalesChannel, Request: *o.Review.clone()}
		return nil
	})
	return p, err
}

// ReviewAnswered records how an order's review request ended: sent, or
// refused with the reason in words for staff ("refused by Amazon: …").
// Only a waiting request changes, so an answer recorded twice (a retried
// delivery) counts once.
func (e *Engine) ReviewAnswered(ctx context.Context, orderID string, sent bool, reason string) error {
	return e.fromAmazon(ctx, orderID, func(_ Tx, o *Order, now time.Time) (amazonAnswer, error) {
		if o.Review == nil || o.Review.State != ReviewWaiting {
			return amazonAnswer{}, nil
		}
		o.Review.AnsweredAt = &now
		a := amazonAnswer{Changed: true, Audit: RequestReview{OrderID: o.ID}.String(), Detail: "sent by Amazon"}
		if sent {
			o.Review.State = ReviewSent
			return a, nil
		}
		o.Review.State, o.Review.Reason = ReviewRefused, Clip(sanitizeText(strings.TrimSpace(reason)), 500)
		a.Detail = "refused"
		if o.Review.Reason != "" {
			a.Detail = o.Review.Reason
		}
		return a, nil
	})
}
