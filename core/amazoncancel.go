package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Cancellations between sellerdesk and Amazon. Three ways in and one out:
// Amazon cancels an order or some of its lines (UNFULFILLABLE, CANCELLED,
// a line's cancellation executed by AMAZON) and an import applies it with
// Amazon as the actor in the audit log; a buyer asks Amazon to cancel and
// staff get one alert per request with the one-step command; and a cancel
// made here (staff, or the buyer on the help page) of a merchant-fulfilled
// Amazon order is queued for the amazon outbox sink, which sends it to
// Amazon and records the answer on the order (AmazonCancel).

// CancelRequest is a buyer's request to cancel, as the marketplace
// reported it.
type CancelRequest struct {
	// Key names the request (its lines and the buyer's words): the same
	// request read on every sync keeps its key, so staff hear of it once.
	Key string `json:"key"`
	// Lines are the order item ids the buyer asked to cancel.
	Lines []string `json:"lines"`
	// Reason is the buyer's reason, made fit for a staff channel
	// (StaffReason); on an incoming order it is as the marketplace sent it.
	Reason string    `json:"reason,omitempty"`
	SeenAt time.Time `json:"seen_at"`
}

// AmazonCancelState is where a cancel sent to Amazon stands.
type AmazonCancelState string

const (
	// AmazonCancelQueued: in the outbox, not yet with Amazon.
	AmazonCancelQueued AmazonCancelState = "queued"
	// AmazonCancelSent: Amazon has the feed and has not processed it yet.
	AmazonCancelSent AmazonCancelState = "sent"
	// AmazonCancelProcessed: Amazon processed the feed without an error.
	AmazonCancelProcessed AmazonCancelState = "processed"
	// AmazonCancelFailed: Amazon refused the feed or reported an error in
	// processing it (Error says what).
	AmazonCancelFailed AmazonCancelState = "failed"
)

// CancelLine is how many units of one order line a cancel sent to Amazon
// cancels: the line's unshipped units when it was cancelled here.
type CancelLine struct {
	OrderItemID string `json:"order_item_id"`
	SKU         string `json:"sku"`
	Quantity    int    `json:"quantity"`
}

// AmazonCancel is a cancel made here on its way to Amazon.
type AmazonCancel struct {
	State    AmazonCancelState `json:"state"`
	Reason   CancelReason      `json:"reason"`
	Lines    []CancelLine      `json:"lines"`
	QueuedAt time.Time         `json:"queued_at"`
	// FeedDocumentID is recorded before the feed is created, with
	// DocumentAt (Amazon's time when it made the document), so a try cut
	// short can find the feed it may have created.
	FeedDocumentID string     `json:"feed_document_id,omitempty"`
	DocumentAt     time.Time  `json:"document_at,omitzero"`
	FeedID         string     `json:"feed_id,omitempty"`
	SentAt         *time.Time `json:"sent_at,omitempty"`
	DoneAt         *time.Time `json:"done_at,omitempty"`
	// Error is Amazon's reason, for staff, when State is failed.
	Error string `json:"error,omitempty"`
}

// Describe says where the cancel stands, in the words every desk shows.
func (a *AmazonCancel) Describe() string {
	switch a.State {
	case AmazonCancelQueued:
		return "cancel waiting to be sent to Amazon"
	case AmazonCancelSent:
		return "cancel sent to Amazon, waiting for Amazon to process it"
	case AmazonCancelProcessed:
		return "cancel processed by Amazon"
	case AmazonCancelFailed:
		return "cancel failed at Amazon: " + orNoReason(a.Error)
	}
	return "cancel for Amazon: " + string(a.State)
}

func orNoReason(s string) string {
	if strings.TrimSpace(s) == "" {
		return "no reason given"
	}
	return s
}

// IsAmazonOrder says whether an order was placed on an Amazon marketplace:
// its sales channel is Amazon.<tld> ("Amazon.com", "Amazon.co.jp"), or the
// Orders API's bare "AMAZON" (not "Non-Amazon").
func IsAmazonOrder(o *Order) bool {
	c := strings.ToLower(strings.TrimSpace(o.SalesChannel))
	return c == "amazon" || strings.HasPrefix(c, "amazon.")
}

// queueAmazonCancel records, on an order just cancelled here, that the
// cancel goes to Amazon and returns the outbox message for the amazon
// sink — when the Amazon connection is on and the order is a
// merchant-fulfilled Amazon order (Amazon cancels its own shipments).
// before is the order as it was: its unshipped units are what is cancelled.
func (e *Engine) queueAmazonCancel(before, o *Order, now time.Time) []Event {
	if !e.amazon || o.Fulfillment != Merchant || !IsAmazonOrder(o) {
		return nil
	}
	var lines []CancelLine
	for _, it := range before.Items {
		if n := it.Unshipped(); n > 0 {
			lines = append(lines, CancelLine{OrderItemID: it.OrderItemID, SKU: it.SKU, Quantity: n})
		}
	}
	o.AmazonCancel = &AmazonCancel{State: AmazonCancelQueued, Reason: o.CancelReason, Lines: lines, QueuedAt: now}
	return []Event{{Kind: EventAmazonCancel, OrderID: o.ID,
		Text: fmt.Sprintf("The cancel of order %s (%s) goes to Amazon.", o.ID, o.CancelReason)}}
}

// OrderForDelivery reads an order for an outbox sink delivering a message
// about it (no actor: the message was authorised when it was queued).
func (e *Engine) OrderForDelivery(ctx context.Context, id string) (*Order, error) {
	var o *Order
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		o, err = tx.Order(ctx, id)
		return err
	})
	return o, err
}

// AmazonCancelsIn lists the orders whose cancel sent to Amazon is in
// state, oldest cancel first: the feed check reads those sent.
func (e *Engine) AmazonCancelsIn(ctx context.Context, state AmazonCancelState, limit int) ([]Order, error) {
	var out []Order
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Orders(ctx, OrderQuery{AmazonCancel: state, Sort: NewestFirst, Limit: limit})
		return err
	})
	slices.SortStableFunc(out, func(a, b Order) int { return a.AmazonCancel.QueuedAt.Compare(b.AmazonCancel.QueuedAt) })
	return out, err
}

// LastAmazonFeedCursor is the store cursor holding the id of the last feed
// recorded on an order's AmazonCancel (RecordAmazonCancel keeps it).
const LastAmazonFeedCursor = "amazon:last-cancel-feed"

// RecordAmazonCancel changes where the cancel of an order stands at
// Amazon: fn edits a copy of it, which is saved with the order. A change
// to failed tells staff (the order is cancelled here and not on Amazon);
// a change to processed or failed is written in the audit log with Amazon
// as the actor. An order without a cancel for Amazon is NotFound.
func (e *Engine) RecordAmazonCancel(ctx context.Context, orderID string, fn func(*AmazonCancel) error) error {
	return e.fromAmazon(ctx, orderID, func(tx Tx, o *Order, now time.Time) (amazonAnswer, error) {
		if o.AmazonCancel == nil {
			return amazonAnswer{}, FieldErrorf(NotFound, "order_id", "Order %s has no cancel on its way to Amazon.", orderID)
		}
		before := *o.Clone().AmazonCancel
		if err := fn(o.AmazonCancel); err != nil {
			return amazonAnswer{}, err
		}
		a, was := o.AmazonCancel, before.State
		if reflect.DeepEqual(*a, before) {
			return amazonAnswer{}, nil
		}
		if a.FeedID != "" && a.FeedID != before.FeedID {
			// With the order, in one transaction: a try cut short after
			// creating its feed finds the newest feed is not this one.
			if err := tx.SaveCursor(ctx, LastAmazonFeedCursor, a.FeedID); err != nil {
				return amazonAnswer{}, err
			}
		}
		out := amazonAnswer{Changed: true}
		if a.State != was && (a.State == AmazonCancelProcessed || a.State == AmazonCancelFailed) {
			if a.DoneAt == nil {
				a.DoneAt = &now
			}
			out.Audit, out.Detail = "amazon cancel "+o.ID, a.Describe()
		}
		if a.State == AmazonCancelFailed && was != AmazonCancelFailed {
			out.Alerts = []Event{{Kind: EventAmazonCancelFailed, OrderID: o.ID,
				Text: fmt.Sprintf("Amazon did not take the cancel of order %s: %s. The order is cancelled here but not on Amazon: cancel it in Seller Central (Orders → Manage Orders → Cancel order), or the buyer may still be charged and expect it.",
					o.ID, StaffText(orNoReason(a.Error)))}}
		}
		return out, nil
	})
}

// amazonActor is Amazon (or someone acting through it: a buyer, the
// seller in Seller Central) in the audit log.
func amazonActor(name string) Actor {
	return Actor{ID: "amazon:" + strings.ToLower(name), Name: name, Source: "amazon"}
}

// marketplaceCancels writes the audit entries of an import's cancels: one
// per order the marketplace cancelled, or cut lines of, with the actor
// and reason it gave (in, the incoming order, says them).
func marketplaceCancels(ctx context.Context, tx Tx, ch *change, in *Order, now time.Time) error {
	if in.CanceledBy == "" {
		return nil
	}
	after := ch.after
	wasCanceled, units := false, 0
	if ch.before != nil {
		wasCanceled = ch.before.Status == Canceled
		for _, it := range ch.before.Items {
			units -= it.Canceled
		}
	}
	for _, it := range after.Items {
		units += it.Canceled
	}
	var what string
	switch {
	case after.Status == Canceled && !wasCanceled:
		what = "cancelled the order"
	case units > 0:
		what = fmt.Sprintf("cancelled %d unshipped unit(s)", units)
		if after.Status == Shipped && ch.before != nil && ch.before.Status != Shipped {
			what += "; what staff shipped stays shipped, so the order is shipped"
		}
	default:
		return nil
	}
	detail := fmt.Sprintf("%s %s", in.CanceledBy, what)
	if in.CancelNote != "" {
		detail += ": " + StaffReason(in.CancelNote)
	}
	return tx.AddAudit(ctx, auditOf(amazonActor(in.CanceledBy), now, "cancel "+after.ID, after.ID, detail))
}

// noteCancelRequest keeps a buyer's cancellation request the marketplace
// reported on o (in, the incoming order, carries it) and returns the
// staff alert when it is one staff have not heard of.
func (e *Engine) noteCancelRequest(o, in *Order, now time.Time) []Event {
	r := in.CancelRequest
	if r == nil || len(r.Lines) == 0 {
		return nil
	}
	lines := slices.Sorted(slices.Values(r.Lines))
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n") + "\x00" + r.Reason))
	key := hex.EncodeToString(sum[:12])
	if o.CancelRequest != nil && o.CancelRequest.Key == key {
		return nil
	}
	o.CancelRequest = &CancelRequest{Key: key, Lines: lines, Reason: StaffReason(r.Reason), SeenAt: now}
	if o.Status == Canceled {
		return nil // nothing left to do about it
	}
	return []Event{{Kind: EventCancelRequested, OrderID: o.ID, Text: e.cancelRequestText(o)}}
}

// cancelRequestText tells staff what a buyer asked and what to do: the
// one-step cancel while something is unshipped, else that it came too late.
func (e *Engine) cancelRequestText(o *Order) string {
	r := o.CancelRequest
	var skus []string
	for _, id := range r.Lines {
		for _, it := range o.Items {
			if it.OrderItemID == id && !slices.Contains(skus, it.SKU) {
				skus = append(skus, it.SKU)
			}
		}
	}
	what := "order " + o.ID
	if len(skus) > 0 {
		what += " (" + strings.Join(skus, ", ") + ")"
	}
	why := "no reason given"
	if r.Reason != "" {
		why = "reason: “" + r.Reason + "”"
	}
	_, shipped := o.Units()
	switch {
	case o.Status == Shipped || o.Status == Delivered || o.Status == Completed:
		return fmt.Sprintf("The buyer asked Amazon to cancel %s (%s), but it has already shipped: the request came too late to cancel. "+
			"Decline it in Seller Central and tell the buyer the parcel is on its way; they can refuse the delivery or return it for a refund once it arrives.", what, why)
	case shipped > 0:
		return fmt.Sprintf("The buyer asked Amazon to cancel %s (%s). Part of it has already shipped and stays shipped; "+
			"to cancel the unshipped rest: cancel %s %s", what, why, o.ID, BuyerCanceled)
	case o.Status == Pending:
		return fmt.Sprintf("The buyer asked Amazon to cancel %s (%s). The order is still pending payment, so it can't be cancelled here yet; "+
			"Amazon cancels it if payment does not clear, else cancel it once it is unshipped: cancel %s %s", what, why, o.ID, BuyerCanceled)
	}
	return fmt.Sprintf("The buyer asked Amazon to cancel %s (%s). Don't ship it; to cancel as asked: cancel %s %s", what, why, o.ID, BuyerCanceled)
}

var (
	reasonLink  = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]{1,15}://\S+|\bwww\.\S+`)
	reasonEmail = regexp.MustCompile(`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*\.\p{L}{2,}`)
)

// maxReason bounds a marketplace reason shown to staff: a reason is a
// sentence, not a letter.
const maxReason = 300

// StaffReason makes a reason written by a buyer (a cancellation request's)
// fit for a staff alert: bidirectional controls shown (StaffText), links,
// e-mail addresses and phone numbers removed — the buyer's personal data
// stays in Seller Central — and the length bounded.
func StaffReason(s string) string {
	s = StaffText(strings.Join(strings.Fields(s), " "))
	s = reasonLink.ReplaceAllString(s, "[link removed]")
	s = reasonEmail.ReplaceAllString(s, "[email removed]")
	var b strings.Builder
	last := 0
	for _, m := range phoneLike.FindAllStringIndex(s, -1) {
		if isPhone(s, m[0], m[1], s[m[0]:m[1]]) {
			b.WriteString(s[last:m[0]])
			b.WriteString("[phone removed]")
			last = m[1]
		}
	}
	b.WriteString(s[last:])
	return Clip(b.String(), maxReason)
}
