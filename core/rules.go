package core

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

func joinReasons() string {
	names := make([]string, 0, 5)
	for _, r := range CancelReasons() {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

// The functions in this file are the order rules. They check an order's
// state and the request, and change the order in memory only; the engine
// saves the result inside one transaction. They never touch the store, so
// each rule is tested without one.

func stateErr(o *Order, action string) error {
	switch {
	case o.Fulfillment == Marketplace && (action == "ship" || action == "cancel"):
		return FieldErrorf(Conflict, "order_id", "Order %s is fulfilled by the marketplace (FBA): the marketplace ships it and handles cancellations, so there is nothing to %s here.", o.ID, action)
	case o.Status == Pending:
		return FieldErrorf(Conflict, "order_id", "Order %s is pending: the buyer's payment is not verified yet, so it can't be shipped or cancelled yet. It becomes unshipped once payment clears.", o.ID)
	case o.Status == Canceled:
		return FieldErrorf(Conflict, "order_id", "Order %s is already cancelled.", o.ID)
	case o.Status == Shipped || o.Status == Delivered || o.Status == Completed:
		return FieldErrorf(Conflict, "order_id", "Order %s is already %s.", o.ID, strings.ReplaceAll(string(o.Status), "_", " "))
	}
	done := map[string]string{"ship": "shipped", "cancel": "cancelled"}[action]
	if done == "" {
		done = action + "ed"
	}
	return FieldErrorf(Conflict, "order_id", "Order %s is %s, so it can't be %s.", o.ID, statusWord(o.Status), done)
}

// CanShip reports why an order can't be shipped, or nil.
func CanShip(o *Order) error {
	if o.Fulfillment == Marketplace || !o.Open() {
		return stateErr(o, "ship")
	}
	return nil
}

// CanCancel reports why staff can't cancel an order, or nil.
func CanCancel(o *Order) error {
	if o.Fulfillment == Marketplace || !o.Open() {
		return stateErr(o, "cancel")
	}
	return nil
}

// Ship confirms a shipment: it checks carrier, tracking, date and
// quantities, then records the shipment and moves the order to
// partially_shipped or shipped. The shipment goes to the order's own
// address; there is deliberately no way to give another.
func (p Policy) Ship(o *Order, c ShipOrder, now time.Time, id, by string) (*Shipment, error) {
	if err := CanShip(o); err != nil {
		return nil, err
	}
	tracking, day, err := p.shipDetails(o, c, now)
	if err != nil {
		return nil, err
	}
	lines, err := allocate(o, c.Items)
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		for i := range o.Items {
			if o.Items[i].OrderItemID == l.OrderItemID {
				o.Items[i].Shipped += l.Quantity
			}
		}
	}
	s := Shipment{
		ID: id, Carrier: c.Carrier, CarrierName: strings.TrimSpace(c.CarrierName), Tracking: tracking,
		ShipDate: day.UTC(), Method: o.ShipServiceLevel, Lines: lines,
		Late: p.LateOn(day, o.ShipBy), ValidTracking: true, CreatedAt: now, CreatedBy: by,
	}
	if c.Carrier != Other {
		s.CarrierName = ""
	}
	o.Shipments = append(o.Shipments, s)
	total, shipped := o.Units()
	if shipped >= total {
		o.Status = Shipped
	} else {
		o.Status = PartiallyShipped
	}
	return &o.Shipments[len(o.Shipments)-1], nil
}

// shipDetails checks a ship command's carrier, tracking number and date,
// returning the tracking number as validated and the ship day.
func (p Policy) shipDetails(o *Order, c ShipOrder, now time.Time) (tracking string, day time.Time, err error) {
	tracking, err = ValidateTracking(c.Carrier, c.Tracking)
	if err != nil {
		return "", day, err
	}
	if c.Carrier == Other && strings.TrimSpace(c.CarrierName) == "" {
		return "", day, FieldErrorf(Invalid, "carrier", "Carrier other needs the carrier's name, e.g. other:\"Royal Mail\".")
	}
	day = p.Day(now)
	if !c.Date.IsZero() {
		day = time.Date(c.Date.Year(), c.Date.Month(), c.Date.Day(), 0, 0, 0, 0, p.loc())
	}
	if day.After(p.Day(now)) {
		return "", day, FieldErrorf(Invalid, "date", "Ship date %s is in the future — confirm a shipment once it has left, on the day it left.", day.Format(time.DateOnly))
	}
	if day.Before(p.Day(o.PurchaseDate)) {
		return "", day, FieldErrorf(Invalid, "date", "Ship date %s is before the order was placed (%s).", day.Format(time.DateOnly), p.Day(o.PurchaseDate).Format(time.DateOnly))
	}
	return tracking, day, nil
}

// allocate turns SKU:qty requests into quantities per order line, filling
// lines in order when a SKU appears on several. No items means everything
// still unshipped.
func allocate(o *Order, want []ItemQty) ([]ShipmentLine, error) {
	var lines []ShipmentLine
	if len(want) == 0 {
		for _, it := range o.Items {
			if n := it.Unshipped(); n > 0 {
				lines = append(lines, ShipmentLine{OrderItemID: it.OrderItemID, SKU: it.SKU, Quantity: n})
			}
		}
		if len(lines) == 0 {
			return nil, FieldErrorf(Conflict, "items", "Order %s has nothing left to ship.", o.ID)
		}
		return lines, nil
	}
	left := map[string]int{}
	for _, it := range o.Items {
		left[it.OrderItemID] = it.Unshipped()
	}
	for _, w := range want {
		if w.Quantity < 1 {
			return nil, FieldErrorf(Invalid, "items", "Quantity of %s must be at least 1, not %d.", w.SKU, w.Quantity)
		}
		need := w.Quantity
		found, avail := false, 0
		for _, it := range o.Items {
			if !strings.EqualFold(it.SKU, w.SKU) {
				continue
			}
			found = true
			avail += left[it.OrderItemID]
		}
		if !found {
			return nil, FieldErrorf(Invalid, "items", "SKU %s is not on order %s. Its SKUs: %s.", w.SKU, o.ID, strings.Join(orderSKUs(o), ", "))
		}
		if need > avail {
			return nil, FieldErrorf(Invalid, "items", "Only %d unit(s) of %s are left to ship on order %s, not %d.", avail, w.SKU, o.ID, need)
		}
		for _, it := range o.Items {
			if need == 0 || !strings.EqualFold(it.SKU, w.SKU) || left[it.OrderItemID] == 0 {
				continue
			}
			n := min(need, left[it.OrderItemID])
			left[it.OrderItemID] -= n
			need -= n
			lines = append(lines, ShipmentLine{OrderItemID: it.OrderItemID, SKU: it.SKU, Quantity: n})
		}
	}
	return lines, nil
}

func orderSKUs(o *Order) []string {
	var skus []string
	seen := map[string]bool{}
	for _, it := range o.Items {
		if !seen[it.SKU] {
			seen[it.SKU] = true
			skus = append(skus, it.SKU)
		}
	}
	return skus
}

// Cancel cancels an order staff may still cancel. Units not shipped are
// released back to stock by the engine.
func (p Policy) Cancel(o *Order, reason CancelReason, now time.Time) error {
	if err := CanCancel(o); err != nil {
		return err
	}
	if reason == "" {
		return FieldErrorf(Invalid, "reason", "A cancel needs a reason: %s.", joinReasons())
	}
	if !slices.Contains(CancelReasons(), reason) {
		return FieldErrorf(Invalid, "reason", "%q is not a cancel reason staff can give. Reasons: %s.", reason, joinReasons())
	}
	return cancelOrder(o, reason, now)
}

func cancelOrder(o *Order, reason CancelReason, now time.Time) error {
	if reason == "" {
		return FieldErrorf(Invalid, "reason", "A cancel needs a reason.")
	}
	o.Status = Canceled
	o.CancelReason = reason
	t := now
	o.CanceledAt = &t
	return nil
}

// BuyerCancelUntil is the end of the buyer's own cancel window for o.
func (p Policy) BuyerCancelUntil(o *Order) time.Time {
	return o.PurchaseDate.Add(time.Duration(p.BuyerCancelMinutes) * time.Minute)
}

// CanBuyerCancel reports why the buyer can't cancel o themselves at now,
// or nil: the help channels offer the cancel only when this is nil.
func (p Policy) CanBuyerCancel(o *Order, now time.Time) error {
	if o.Status != Pending && o.Status != Unshipped {
		return stateErr(o, "cancel")
	}
	// The marketplace ships these and takes their cancels in the buyer's
	// marketplace account; cancelling here would not stop the parcel.
	if o.Fulfillment == Marketplace {
		return FieldErrorf(Conflict, "order_id", "Order %s is shipped by the marketplace, so it can only be cancelled from your marketplace account.", o.ID)
	}
	if now.After(p.BuyerCancelUntil(o)) {
		msg := fmt.Sprintf("Order %s can no longer be cancelled by the buyer: that is possible for %d minutes after purchase.", o.ID, p.BuyerCancelMinutes)
		if o.Status == Unshipped {
			msg += " The seller can still cancel it."
		}
		return Errorf(Conflict, "%s", msg)
	}
	return nil
}

// BuyerCancel is the buyer's own cancel, allowed within BuyerCancelMinutes
// of purchase while nothing has shipped.
func (p Policy) BuyerCancel(o *Order, now time.Time) error {
	if err := p.CanBuyerCancel(o, now); err != nil {
		return err
	}
	return cancelOrder(o, BuyerCanceled, now)
}

// Deliver records delivery of a shipped order.
func (p Policy) Deliver(o *Order, date, now time.Time) error {
	if o.Status != Shipped {
		if o.Status == Delivered || o.Status == Completed {
			return FieldErrorf(Conflict, "order_id", "Order %s is already delivered.", o.ID)
		}
		return FieldErrorf(Conflict, "order_id", "Order %s is %s; only a shipped order can be delivered.", o.ID, strings.ReplaceAll(string(o.Status), "_", " "))
	}
	day := p.Day(now)
	if !date.IsZero() {
		day = time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, p.loc())
	}
	if day.After(p.Day(now)) {
		return FieldErrorf(Invalid, "date", "Delivery date %s is in the future.", day.Format(time.DateOnly))
	}
	if last := o.LastShipDate(); !last.IsZero() && day.Before(p.Day(last)) {
		return FieldErrorf(Invalid, "date", "Delivery date %s is before the order shipped (%s).", day.Format(time.DateOnly), p.Day(last).Format(time.DateOnly))
	}
	d := day.UTC()
	o.DeliveredAt = &d
	o.Status = Delivered
	return nil
}

// ReturnWindowEnd is the last moment a return may be requested, counted
// from delivery, or from the last shipment when delivery is not recorded.
// It is zero when nothing has shipped.
func (p Policy) ReturnWindowEnd(o *Order) time.Time {
	start := o.LastShipDate()
	if o.DeliveredAt != nil {
		start = *o.DeliveredAt
	}
	if start.IsZero() {
		return time.Time{}
	}
	return p.Day(start).AddDate(0, 0, p.ReturnWindowDays+1).UTC()
}

// LastReturnDay is the last calendar day (shop time) a return may be requested.
func (p Policy) LastReturnDay(o *Order) time.Time {
	return p.ReturnWindowEnd(o).In(p.loc()).AddDate(0, 0, -1)
}

// ReturnEligible reports whether a return may be requested now, and why not.
func (p Policy) ReturnEligible(o *Order, now time.Time) error {
	_, shipped := o.Units()
	switch {
	case o.Status == PartiallyShipped || o.Status == Shipped || o.Status == Delivered || o.Status == Completed:
	case o.Status == Canceled && shipped > 0: // the rest was cancelled; shipped units may still come back
	default:
		return FieldErrorf(Conflict, "order_id", "Order %s is %s: only shipped units can be returned.", o.ID, strings.ReplaceAll(string(o.Status), "_", " "))
	}
	if end := p.ReturnWindowEnd(o); !now.Before(end) {
		from := "delivery"
		if o.DeliveredAt == nil {
			from = "shipment"
		}
		return FieldErrorf(Conflict, "order_id", "The return window of order %s closed on %s (%d days after %s).", o.ID, p.LastReturnDay(o).Format(time.DateOnly), p.ReturnWindowDays, from)
	}
	return nil
}

// returnable is how many units of each order line may still be returned.
func returnable(o *Order) map[string]int {
	left := map[string]int{}
	for _, it := range o.Items {
		left[it.SKU] += it.Shipped
	}
	for _, r := range o.Returns {
		if r.Status == ReturnRejected {
			continue
		}
		for _, it := range r.Items {
			left[it.SKU] -= it.Quantity
		}
	}
	return left
}

// RequestReturn records a buyer's return request.
func (p Policy) RequestReturn(o *Order, c RequestReturn, now time.Time, id string) (*Return, error) {
	if err := p.ReturnEligible(o, now); err != nil {
		return nil, err
	}
	left := returnable(o)
	var items []ItemQty
	if len(c.Items) == 0 {
		for _, sku := range orderSKUs(o) {
			if left[sku] > 0 {
				items = append(items, ItemQty{SKU: sku, Quantity: left[sku]})
			}
		}
		if len(items) == 0 {
			return nil, FieldErrorf(Conflict, "items", "Every shipped unit of order %s already has a return.", o.ID)
		}
	}
	for _, w := range c.Items {
		if w.Quantity < 1 {
			return nil, FieldErrorf(Invalid, "items", "Quantity of %s must be at least 1, not %d.", w.SKU, w.Quantity)
		}
		sku := ""
		for _, s := range orderSKUs(o) {
			if strings.EqualFold(s, w.SKU) {
				sku = s
			}
		}
		if sku == "" {
			return nil, FieldErrorf(Invalid, "items", "SKU %s is not on order %s. Its SKUs: %s.", w.SKU, o.ID, strings.Join(orderSKUs(o), ", "))
		}
		if w.Quantity > left[sku] {
			return nil, FieldErrorf(Invalid, "items", "Only %d shipped unit(s) of %s can still be returned on order %s, not %d.", max(left[sku], 0), sku, o.ID, w.Quantity)
		}
		left[sku] -= w.Quantity
		items = append(items, ItemQty{SKU: sku, Quantity: w.Quantity})
	}
	o.Returns = append(o.Returns, Return{ID: id, OrderID: o.ID, Status: ReturnRequested, Items: items, Reason: c.Reason, RequestedAt: now})
	return &o.Returns[len(o.Returns)-1], nil
}

func returnStateErr(r *Return, verb string) error {
	return FieldErrorf(Conflict, "return_id", "Return %s is %s, so it can't be %s.", r.ID, r.Status, verb)
}

// ApproveReturn approves a requested return.
func (p Policy) ApproveReturn(r *Return, now time.Time) error {
	if r.Status != ReturnRequested {
		return returnStateErr(r, "approved")
	}
	t := now
	r.Status, r.DecidedAt = ReturnApproved, &t
	return nil
}

// RejectReturn rejects a requested return; the buyer sees the reason.
func (p Policy) RejectReturn(r *Return, reason string, now time.Time) error {
	if r.Status != ReturnRequested {
		return returnStateErr(r, "rejected")
	}
	if strings.TrimSpace(reason) == "" {
		return FieldErrorf(Invalid, "reason", "Rejecting a return needs a reason the buyer will see.")
	}
	t := now
	r.Status, r.DecidedAt, r.RejectReason = ReturnRejected, &t, strings.TrimSpace(reason)
	return nil
}

// ReceiveReturn records that an approved return's units arrived; the refund
// is then due within RefundDays business days.
func (p Policy) ReceiveReturn(r *Return, now time.Time) error {
	if r.Status != ReturnApproved {
		if r.Status == ReturnRequested {
			return FieldErrorf(Conflict, "return_id", "Return %s is not approved yet — approve it first.", r.ID)
		}
		return returnStateErr(r, "received")
	}
	t, by := now, p.AddBusinessDays(now, p.RefundDays).UTC()
	r.Status, r.ReceivedAt, r.RefundBy = ReturnReceived, &t, &by
	return nil
}

// returnValue is what the returned units were paid, pro rata per line.
func returnValue(o *Order, r *Return) int64 {
	var v int64
	for _, ri := range r.Items {
		need := ri.Quantity
		for _, it := range o.Items {
			if need == 0 || it.SKU != ri.SKU || it.Quantity == 0 {
				continue
			}
			n := min(need, it.Quantity)
			v += it.Paid() * int64(n) / int64(it.Quantity)
			need -= n
		}
	}
	return v
}

// Refund gives money back for an order or one of its returns (r may be nil).
// It never refunds more than was paid less earlier refunds; past the
// policy's limit, counting what non-owners refunded on the order before,
// only an owner may refund.
func (p Policy) Refund(o *Order, r *Return, c IssueRefund, role Role, ownerAbove int64, now time.Time, id, by string) (*Refund, error) {
	if o.Status == Pending {
		return nil, FieldErrorf(Conflict, "order_id", "Order %s is pending: no payment has been taken, so there is nothing to refund.", o.ID)
	}
	if _, shipped := o.Units(); o.Status == Canceled && shipped == 0 {
		return nil, FieldErrorf(Conflict, "order_id", "Order %s was cancelled before anything shipped, so the buyer was not charged and there is nothing to refund.", o.ID)
	}
	if r != nil && r.Status != ReturnApproved && r.Status != ReturnReceived {
		return nil, returnStateErr(r, "refunded")
	}
	left := o.Refundable()
	if left <= 0 {
		return nil, FieldErrorf(Conflict, "amount", "Order %s is already refunded in full (%s).", o.ID, FormatAmount(o.Refunded(), o.Currency))
	}
	var amount int64
	switch {
	case c.Full && r != nil:
		amount = min(returnValue(o, r), left)
	case c.Full:
		amount = left
	default:
		a, err := ParseAmount(c.Amount, o.Currency)
		if err != nil {
			return nil, err
		}
		amount = a
	}
	if amount <= 0 {
		return nil, FieldErrorf(Invalid, "amount", "A refund must be more than zero.")
	}
	if amount > left {
		return nil, FieldErrorf(Invalid, "amount", "%s is more than can be refunded on order %s: paid %s, refunded so far %s, at most %s left.",
			FormatAmount(amount, o.Currency), o.ID, FormatAmount(o.Paid(), o.Currency), FormatAmount(o.Refunded(), o.Currency), FormatAmount(left, o.Currency))
	}
	if role != Owner {
		// The limit is on the order's total given by non-owners, so two
		// refunds under it cannot add up past it.
		if before := o.RefundedBelowOwner(); before+amount > ownerAbove {
			if before == 0 {
				return nil, FieldErrorf(Forbidden, "amount", "Refunds above %s need an owner; ask one to run this refund.", FormatAmount(ownerAbove, o.Currency))
			}
			return nil, FieldErrorf(Forbidden, "amount", "Refunds on one order above %s in total need an owner: %s was refunded already, so %s more makes %s. Ask an owner to run this refund.",
				FormatAmount(ownerAbove, o.Currency), FormatAmount(before, o.Currency), FormatAmount(amount, o.Currency), FormatAmount(before+amount, o.Currency))
		}
	}
	ref := Refund{ID: id, OrderID: o.ID, Amount: amount, Reason: c.Reason, CreatedAt: now, CreatedBy: by, Role: role}
	if r != nil {
		ref.ReturnID = r.ID
		r.Status = ReturnRefunded
	}
	o.Refunds = append(o.Refunds, ref)
	return &o.Refunds[len(o.Refunds)-1], nil
}

// ShipWarningDue reports whether staff should now get the 7-days-left
// warning of the 30-day rule for o (once per order).
func (p Policy) ShipWarningDue(o *Order, now time.Time) bool {
	if o.Fulfillment != Merchant || !o.Open() || o.ShipWarnedAt != nil {
		return false
	}
	warnAt := o.PurchaseDate.AddDate(0, 0, p.AutoCancelDays-p.WarnDaysBefore)
	return !now.Before(warnAt) && now.Before(p.AutoCancelAt(o))
}

// AutoCancelAt is when an unshipped order is cancelled by the 30-day rule.
func (p Policy) AutoCancelAt(o *Order) time.Time {
	return o.PurchaseDate.AddDate(0, 0, p.AutoCancelDays)
}

// AutoCancelDue reports whether the 30-day rule cancels o now. An order
// sellerdesk first saw already past the limit is never cancelled by it
// (FirstSeenPastLimit): the marketplace has its own view of it.
func (p Policy) AutoCancelDue(o *Order, now time.Time) bool {
	return o.Fulfillment == Merchant && o.Open() && !now.Before(p.AutoCancelAt(o)) && !seenFrom(o, p.AutoCancelAt(o))
}

// PendingLimitAt is when a pending order's payment verification runs out.
func (p Policy) PendingLimitAt(o *Order) time.Time {
	return o.PurchaseDate.AddDate(0, 0, p.PendingDays)
}

// PendingExpired reports whether a pending order's payment verification ran
// past its limit, so the order is cancelled; as for AutoCancelDue, not
// for an order first seen past it.
func (p Policy) PendingExpired(o *Order, now time.Time) bool {
	return o.Status == Pending && !now.Before(p.PendingLimitAt(o)) && !seenFrom(o, p.PendingLimitAt(o))
}

// FirstSeenPastLimit reports whether sellerdesk first saw o (its
// CreatedAt) when o was already past the limit that would have it cancel
// o for the marketplace: the 30-day rule for an open merchant order, the
// verification limit for a pending one. An import of old orders must not
// cancel hundreds at the next sweep: the marketplace decides those, and
// staff may cancel them here by hand.
func (p Policy) FirstSeenPastLimit(o *Order) bool {
	switch {
	case o.Status == Pending:
		return seenFrom(o, p.PendingLimitAt(o))
	case o.Fulfillment == Merchant && o.Open():
		return seenFrom(o, p.AutoCancelAt(o))
	}
	return false
}

// seenFrom reports whether o was first seen at or after t.
func seenFrom(o *Order, t time.Time) bool {
	return !o.CreatedAt.IsZero() && !o.CreatedAt.Before(t)
}

// CompleteDue reports whether a delivered order is past its return window
// with no return still open, so it is completed.
func (p Policy) CompleteDue(o *Order, now time.Time) bool {
	if o.Status != Delivered || now.Before(p.ReturnWindowEnd(o)) {
		return false
	}
	for _, r := range o.Returns {
		if slices.Contains(openReturns(), r.Status) {
			return false
		}
	}
	return true
}

// openReturns are the return statuses that hold an order back from
// completion.
func openReturns() []ReturnStatus {
	return []ReturnStatus{ReturnRequested, ReturnApproved, ReturnReceived}
}

// Actions lists what a role may do with an order now, for buttons on an
// order card. Adapters render them; they don't decide them.
func (p Policy) Actions(o *Order, role Role, now time.Time) []string {
	if !role.can(true) {
		return nil
	}
	var acts []string
	if CanShip(o) == nil {
		acts = append(acts, "ship", "cancel")
	}
	if o.Status == Shipped {
		acts = append(acts, "delivered")
	}
	if p.ReturnEligible(o, now) == nil && len(returnableSKUs(o)) > 0 {
		acts = append(acts, "return")
	}
	for _, r := range o.Returns {
		if r.Status == ReturnRequested {
			acts = append(acts, "approve", "reject")
			break
		}
	}
	for _, r := range o.Returns {
		if r.Status == ReturnApproved {
			acts = append(acts, "received")
			break
		}
	}
	if _, shipped := o.Units(); o.Status != Pending && !(o.Status == Canceled && shipped == 0) && o.Refundable() > 0 {
		acts = append(acts, "refund")
	}
	return acts
}

func returnableSKUs(o *Order) []string {
	var skus []string
	for sku, n := range returnable(o) {
		if n > 0 {
			skus = append(skus, sku)
		}
	}
	return skus
}

// DescribeItems writes "2× MUG-01, 1× TEE-M" for messages.
func DescribeItems(items []ItemQty) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = fmt.Sprintf("%d× %s", it.Quantity, it.SKU)
	}
	return strings.Join(parts, ", ")
}
