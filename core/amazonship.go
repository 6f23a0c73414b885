package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AmazonState is where a shipment's confirmation on Amazon stands.
type AmazonState string

const (
	// AmazonWaiting: queued in the outbox for the amazon sink.
	AmazonWaiting AmazonState = "waiting"
	// AmazonConfirmed: Amazon accepted the confirmation (or already had it).
	AmazonConfirmed AmazonState = "confirmed"
	// AmazonRefused: Amazon refused it (Shipment.AmazonError says why). It
	// is not sent again until staff correct the shipment.
	AmazonRefused AmazonState = "refused"
)

// AmazonText is the shipment's Amazon state in words for staff ("" when
// the shipment was never sent to Amazon).
func (s Shipment) AmazonText() string {
	switch s.Amazon {
	case AmazonWaiting:
		return "waiting for Amazon"
	case AmazonConfirmed:
		return "confirmed on Amazon"
	case AmazonRefused:
		return "refused by Amazon: " + orNoReason(s.AmazonError)
	}
	return ""
}

// CarrierText is the carrier as staff named it: the name for Other.
func (s Shipment) CarrierText() string {
	if s.Carrier == Other {
		return s.CarrierName
	}
	return s.Carrier.DisplayName()
}

// AmazonOrder reports whether Amazon takes the seller's shipment
// confirmations for an order: merchant-fulfilled (Amazon ships its own)
// and sold on an Amazon marketplace ("Amazon.com", or the Orders API's
// "AMAZON"; not "Non-Amazon").
func AmazonOrder(o *Order) bool {
	return o.Fulfillment == Merchant && IsAmazonOrder(o)
}

// ship confirms a shipment for a ship command. With Amazon confirmations
// on, a ship for exactly the items of a shipment Amazon refused (or, on
// an order with nothing left to ship, a ship without items) corrects that
// shipment instead: replaced is the shipment as it was.
func (e *Engine) ship(o *Order, c ShipOrder, now time.Time, by string) (s *Shipment, replaced *Shipment, err error) {
	if e.amazon {
		i, err := refusedFor(o, c.Items)
		if err != nil {
			return nil, nil, err
		}
		if i >= 0 {
			old := o.Shipments[i]
			s, err := e.policy.correctShipment(o, i, c, now, by)
			return s, &old, err
		}
	}
	s, err = e.policy.Ship(o, c, now, e.ids.NewID("S"), by)
	var ce *Error
	if e.amazon && errors.As(err, &ce) && (ce.Field == "items" || ce.Field == "order_id") {
		if hint := correctionHint(o); hint != "" {
			// Perhaps the refused shipment was meant: say how to correct it.
			cp := *ce
			cp.Message = endSentence(cp.Message) + " " + hint
			err = &cp
		}
	}
	return s, nil, err
}

// correctionHint says how to correct the first shipment of o that Amazon
// refused, "" when there is none.
func correctionHint(o *Order) string {
	for _, s := range o.Shipments {
		if s.Amazon == AmazonRefused {
			items := LineItems(s.Lines)
			return fmt.Sprintf("To correct shipment %s (%s), which Amazon refused, ship exactly its items: ship %s <carrier> <tracking> %s.",
				s.ID, DescribeItems(items), o.ID, skuQtyWords(items))
		}
	}
	return ""
}

// refusedFor finds the shipment Amazon refused that a ship command
// corrects: the refused one whose items are exactly those asked for, or,
// with no items asked for on an order with nothing left to ship, the only
// refused one. -1: the command is a plain ship.
func refusedFor(o *Order, want []ItemQty) (int, error) {
	var refused []int
	for i, s := range o.Shipments {
		if s.Amazon == AmazonRefused {
			refused = append(refused, i)
		}
	}
	if len(refused) == 0 {
		return -1, nil
	}
	if len(want) == 0 {
		if CanShip(o) == nil {
			return -1, nil // units are left: shipping them is what was asked
		}
		if len(refused) == 1 {
			return refused[0], nil
		}
		return -1, FieldErrorf(Invalid, "items", "Amazon refused %d shipments of order %s: name the items of the one you correct, e.g. ship %s <carrier> <tracking> %s.",
			len(refused), o.ID, o.ID, skuQtyWords(LineItems(o.Shipments[refused[0]].Lines)))
	}
	asked := skuTotals(want)
	for _, i := range refused {
		if equalTotals(skuTotals(LineItems(o.Shipments[i].Lines)), asked) {
			return i, nil
		}
	}
	if CanShip(o) != nil {
		return -1, FieldErrorf(Invalid, "items", "No shipment of order %s that Amazon refused carries exactly %s. %s", o.ID, DescribeItems(want), correctionHint(o))
	}
	return -1, nil
}

func skuTotals(items []ItemQty) map[string]int {
	m := map[string]int{}
	for _, it := range items {
		m[strings.ToUpper(it.SKU)] += it.Quantity
	}
	return m
}

func equalTotals(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// skuQtyWords writes items as a ship command takes them: "MUG:2 TEE:1".
func skuQtyWords(items []ItemQty) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = fmt.Sprintf("%s:%d", quoteWord(it.SKU), it.Quantity)
	}
	return strings.Join(parts, " ")
}

// correctShipment replaces the carrier, tracking number and ship date of
// shipment i, which Amazon refused, with those of c (checked as a ship's
// are). Its items and the order's status stay; something must differ, or
// Amazon would refuse it again.
func (p Policy) correctShipment(o *Order, i int, c ShipOrder, now time.Time, by string) (*Shipment, error) {
	tracking, day, err := p.shipDetails(o, c, now)
	if err != nil {
		return nil, err
	}
	s := &o.Shipments[i]
	name := ""
	if c.Carrier == Other {
		name = strings.TrimSpace(c.CarrierName)
	}
	if s.Carrier == c.Carrier && s.CarrierName == name && s.Tracking == tracking && s.ShipDate.Equal(day.UTC()) {
		return nil, FieldErrorf(Conflict, "tracking", "That is shipment %s as Amazon refused it (%s). Correct the carrier, tracking number or ship date and ship again.",
			s.ID, orNoReason(s.AmazonError))
	}
	s.Carrier, s.CarrierName, s.Tracking, s.ShipDate = c.Carrier, name, tracking, day.UTC()
	s.Late, s.ValidTracking, s.CreatedAt, s.CreatedBy = p.LateOn(day, o.ShipBy), true, now, by
	return s, nil
}

// queueAmazon queues the confirmation of shipment s on Amazon when
// Amazon confirmations are on and the order is Amazon's to be told of,
// and says what it does for the preview: the shipment is waiting for
// Amazon from here on.
func (e *Engine) queueAmazon(o *Order, s *Shipment, replaced *Shipment) (events []Event, changes []string) {
	if replaced != nil {
		changes = append(changes, fmt.Sprintf("Replaces shipment %s (%s %s), which Amazon refused: %s", s.ID, replaced.CarrierText(), replaced.Tracking, orNoReason(replaced.AmazonError)))
	}
	if !e.amazon || !AmazonOrder(o) {
		return nil, changes
	}
	s.Amazon, s.AmazonError, s.AmazonAt = AmazonWaiting, "", time.Time{}
	return []Event{{Kind: EventAmazonShipment, OrderID: o.ID,
		Text: fmt.Sprintf("Confirm shipment %s of order %s on Amazon: %s with %s %s.", s.ID, o.ID, DescribeItems(LineItems(s.Lines)), s.CarrierText(), s.Tracking)}}, changes
}

// ShipmentsForAmazon returns an order and its shipments waiting for
// Amazon, oldest first: what the amazon sink confirms.
func (e *Engine) ShipmentsForAmazon(ctx context.Context, orderID string) (*Order, []Shipment, error) {
	o, err := e.OrderForDelivery(ctx, orderID)
	if err != nil {
		return nil, nil, err
	}
	var waiting []Shipment
	for _, s := range o.Shipments {
		if s.Amazon == AmazonWaiting {
			waiting = append(waiting, s)
		}
	}
	return o, waiting, nil
}

// AmazonOutcome is Amazon's answer to a shipment's confirmation.
type AmazonOutcome struct {
	OrderID    string
	ShipmentID string
	// Tracking is the tracking number that was sent: an outcome for a
	// shipment corrected since is not recorded.
	Tracking  string
	Confirmed bool
	// Refusal is Amazon's reason when it refused (Confirmed false).
	Refusal string
}

// RecordAmazon records Amazon's answer on the shipment it is about, with
// an audit entry; a refusal also alerts staff (EventAmazonRefused) with
// Amazon's reason and the command that corrects it. An answer for a
// shipment no longer waiting for Amazon (recorded already, or corrected
// since) changes nothing.
func (e *Engine) RecordAmazon(ctx context.Context, out AmazonOutcome) error {
	if !out.Confirmed {
		out.Refusal = clipText(sanitizeText(out.Refusal), 1000)
	}
	return e.fromAmazon(ctx, out.OrderID, func(_ Tx, o *Order, now time.Time) (amazonAnswer, error) {
		var s *Shipment
		for i := range o.Shipments {
			if o.Shipments[i].ID == out.ShipmentID {
				s = &o.Shipments[i]
			}
		}
		if s == nil || s.Amazon != AmazonWaiting || s.Tracking != out.Tracking {
			return amazonAnswer{}, nil
		}
		s.AmazonAt, s.AmazonError = now, ""
		a := amazonAnswer{Changed: true, Audit: "confirmShipment " + s.ID, Detail: "confirmed on Amazon"}
		if out.Confirmed {
			s.Amazon = AmazonConfirmed
			return a, nil
		}
		s.Amazon, s.AmazonError = AmazonRefused, orNoReason(out.Refusal)
		a.Detail = "refused by Amazon: " + s.AmazonError
		items := LineItems(s.Lines)
		a.Alerts = []Event{{Kind: EventAmazonRefused, OrderID: o.ID, Text: fmt.Sprintf("Amazon refused the shipment confirmation of order %s (%s, %s %s): %s Correct it with: ship %s <carrier> <tracking> %s",
			o.ID, DescribeItems(items), s.CarrierText(), s.Tracking, endSentence(s.AmazonError), o.ID, skuQtyWords(items))}}
		return a, nil
	})
}

// amazonAnswer is what Amazon's answer about an order did to it.
type amazonAnswer struct {
	Changed bool   // the order changed: save it
	Audit   string // the audit entry's command, with Amazon as the actor; "" for none
	Detail  string
	Alerts  []Event // for staff
}

// fromAmazon records Amazon's answer about one order, in one transaction:
// answer changes the locked order and says what it did; the order is
// saved with the alerts and the audit entry. The shipment, cancel and
// review sinks record their answers through it, so a retried delivery
// that finds the answer recorded changes nothing.
func (e *Engine) fromAmazon(ctx context.Context, orderID string, answer func(tx Tx, o *Order, now time.Time) (amazonAnswer, error)) error {
	now := e.now()
	return e.update(ctx, func(tx Tx) error {
		o, err := tx.Order(ctx, orderID)
		if err != nil {
			return err
		}
		before := o.Clone()
		a, err := answer(tx, o, now)
		if err != nil || !a.Changed {
			return err
		}
		o.UpdatedAt = now
		if err := persist(ctx, tx, []*change{{before: before, after: o}}, nil, a.Alerts, now); err != nil {
			return err
		}
		if a.Audit == "" {
			return nil
		}
		return tx.AddAudit(ctx, auditOf(amazonActor("Amazon"), now, a.Audit, o.ID, a.Detail))
	})
}

// endSentence ends s with a full stop unless it has one.
func endSentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}
