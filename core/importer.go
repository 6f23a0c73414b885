package core

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// ImportStats counts what an import did.
type ImportStats struct {
	New       int `json:"new"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	// PastLimit counts the new orders already past the limit that would
	// have sellerdesk cancel them (Policy.FirstSeenPastLimit): staff get
	// one alert about them, and sellerdesk leaves them to the marketplace.
	PastLimit int `json:"past_limit,omitempty"`
}

// Import merges orders read from a marketplace report into the store, in
// one transaction per batch. A new order is placed (ship-by computed, units
// reserved); a known one takes the report's newer facts but never moves
// back along the flow and never loses what staff did here (shipments,
// cancels, returns, refunds). Importing the same report twice changes
// nothing; a report older than the stored data (by ReportUpdated) is
// ignored for that order.
func (e *Engine) Import(ctx context.Context, batch []Order) (ImportStats, error) {
	var stats ImportStats
	if len(batch) == 0 {
		return stats, nil
	}
	now := e.now()
	// Rows of one order may be split within a batch; fold them first.
	incoming := make([]*Order, 0, len(batch))
	byID := map[string]*Order{}
	for i := range batch {
		o := &batch[i]
		normalizeTimes(o)
		if prev, ok := byID[o.ID]; ok {
			mergeReport(prev, o)
			continue
		}
		byID[o.ID] = o
		incoming = append(incoming, o)
	}
	ids := make([]string, len(incoming))
	for i, o := range incoming {
		ids[i] = o.ID
	}
	err := e.update(ctx, func(tx Tx) error {
		stats = ImportStats{}
		existing, err := tx.OrdersByID(ctx, ids)
		if err != nil {
			return err
		}
		var changes []*change
		var from []*Order // the incoming order of each change
		for _, in := range incoming {
			old := existing[in.ID]
			if old == nil {
				o := in.Clone()
				o.CancelRequest, o.CanceledBy, o.CancelNote = nil, "", ""
				e.place(o, now)
				changes = append(changes, &change{after: o, events: e.noteCancelRequest(o, in, now)})
				from = append(from, in)
				stats.New++
				continue
			}
			o := old.Clone()
			if in.ReportUpdated.Before(old.ReportUpdated) {
				stats.Unchanged++
				continue
			}
			changed := e.refresh(o, in, now)
			events := e.noteCancelRequest(o, in, now)
			if !changed && reflect.DeepEqual(o.CancelRequest, old.CancelRequest) {
				stats.Unchanged++
				continue
			}
			o.UpdatedAt = now
			changes = append(changes, &change{before: old, after: o, events: events})
			from = append(from, in)
			stats.Updated++
		}
		if len(changes) == 0 {
			return nil
		}
		var late int
		late, err = e.saveImported(ctx, tx, changes, now)
		stats.PastLimit = late
		if err != nil {
			return err
		}
		for i, ch := range changes {
			if err := marketplaceCancels(ctx, tx, ch, from[i], now); err != nil {
				return err
			}
		}
		return nil
	})
	return stats, err
}

// saveImported writes imported orders with their stock movement and alerts,
// and says how many new ones were past their limit. Health previews don't
// apply: nobody confirms an import line by line.
func (e *Engine) saveImported(ctx context.Context, tx Tx, changes []*change, now time.Time) (int, error) {
	stock, events, err := stockMoves(ctx, tx, changes)
	if err != nil {
		return 0, err
	}
	alerts, late := e.pastLimitAlerts(changes)
	for _, ch := range changes {
		events = append(events, ch.events...)
	}
	return late, persist(ctx, tx, changes, stock, append(events, alerts...), now)
}

// pastLimitAlerts tells staff, in one alert per limit, about new orders
// sellerdesk first sees already past the limit that would have it cancel
// them: they are left to the marketplace and to staff, so an old report
// imported never cancels hundreds of orders at the next sweep. n is how
// many orders the alerts name.
func (e *Engine) pastLimitAlerts(changes []*change) (out []Event, n int) {
	var open, pending []string
	for _, ch := range changes {
		o := ch.after
		if ch.before != nil || !e.policy.FirstSeenPastLimit(o) {
			continue
		}
		if o.Status == Pending {
			pending = append(pending, o.ID)
		} else {
			open = append(open, o.ID)
		}
	}
	p := e.policy
	if len(open) > 0 {
		out = append(out, Event{Kind: EventPastLimit, Text: pastLimitText(open, "", fmt.Sprintf("the marketplace's %d-day limit to ship", p.AutoCancelDays)) +
			" To cancel one here: cancel <order-id> <reason>."})
	}
	if len(pending) > 0 {
		out = append(out, Event{Kind: EventPastLimit, Text: pastLimitText(pending, "pending ", fmt.Sprintf("the %d-day payment verification limit", p.PendingDays))})
	}
	return out, len(open) + len(pending)
}

// pastLimitText says that imported orders were past a limit when first seen.
func pastLimitText(ids []string, what, limit string) string {
	count, them := fmt.Sprintf("%d imported %sorders were", len(ids), what), "them"
	if len(ids) == 1 {
		count, them = fmt.Sprintf("1 imported %sorder was", what), "it"
	}
	return fmt.Sprintf("%s already past %s when sellerdesk first saw %s: %s. The marketplace decides %s (check Seller Central); sellerdesk will not cancel %s by itself.",
		count, limit, them, listIDs(ids), them, them)
}

// listIDs names up to ten orders, and how many more there are.
func listIDs(ids []string) string {
	const shown = 10
	if len(ids) <= shown {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:shown], ", "), len(ids)-shown)
}

func dedupe(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// place sets up an order seen for the first time.
func (e *Engine) place(o *Order, now time.Time) {
	if o.Fulfillment == "" {
		o.Fulfillment = Merchant
	}
	if o.Status == "" {
		o.Status = Unshipped
		if o.PaymentsDate == nil {
			o.Status = Pending
		}
	}
	if o.ShipBy.IsZero() {
		// The report's own ship-by (promise-date, latest-ship-date) wins:
		// the marketplace computed it from the seller's shipping settings,
		// which may differ from this shop's handling days.
		o.ShipBy = e.policy.ShipBy(o.PurchaseDate)
	}
	settleItems(o)
	if o.Status == Canceled && o.CanceledAt == nil {
		t := o.ReportUpdated
		o.CanceledAt = &t
	}
	if o.Status == Delivered && o.DeliveredAt == nil {
		t := o.ReportUpdated
		o.DeliveredAt = &t
	}
	o.CreatedAt, o.UpdatedAt, o.Version = now, now, 0
}

// settleItems makes item quantities agree with a status the report gave:
// an order shipped in Seller Central has every unit shipped.
func settleItems(o *Order) {
	switch o.Status {
	case Shipped, Delivered, Completed:
		for i := range o.Items {
			o.Items[i].Shipped = o.Items[i].Quantity
		}
	}
}

// refresh applies a report's view of an order to the stored one and reports
// whether anything changed.
func (e *Engine) refresh(o, in *Order, now time.Time) bool {
	before := o.Clone()
	o.Buyer, o.ShipTo = pick(in.Buyer, o.Buyer), pick(in.ShipTo, o.ShipTo)
	if in.SalesChannel != "" {
		o.SalesChannel = in.SalesChannel
	}
	if in.ShipServiceLevel != "" {
		o.ShipServiceLevel = in.ShipServiceLevel
	}
	if in.Currency != "" {
		o.Currency = in.Currency
	}
	if in.PaymentsDate != nil {
		o.PaymentsDate = in.PaymentsDate
	}
	if in.Fulfillment != "" {
		o.Fulfillment = in.Fulfillment
	}
	if !in.ShipBy.IsZero() {
		o.ShipBy = in.ShipBy
	}
	for _, it := range in.Items {
		found := false
		for i := range o.Items {
			if o.Items[i].OrderItemID != it.OrderItemID {
				continue
			}
			found = true
			old := o.Items[i]
			if in.Currency == "" && !it.priced() {
				// A report without prices (the Unshipped Orders report)
				// never erases the prices another report gave.
				it.Price, it.Tax, it.Shipping, it.Discount = old.Price, old.Tax, old.Shipping, old.Discount
			}
			if it.Canceled > 0 && old.Shipped > it.Quantity {
				// Units shipped here are never undone by a report (the
				// shipment may not have reached the marketplace yet): the
				// marketplace's cancel takes only the unshipped rest.
				ordered := it.Quantity + it.Canceled
				it = keepUnits(old, old, old.Shipped)
				it.Canceled = max(ordered-it.Quantity, 0)
			}
			o.Items[i] = it
			o.Items[i].Shipped = max(old.Shipped, min(it.Shipped, it.Quantity))
		}
		if !found {
			o.Items = append(o.Items, it)
		}
	}
	status := in.Status
	if status == "" && o.Status == Pending && o.PaymentsDate != nil {
		status = Unshipped // payment cleared since the last report
	}
	if _, shipped := o.Units(); status == Canceled && shipped > 0 && o.Open() {
		// The marketplace cancelled an order staff shipped part of here.
		// What shipped stays shipped; the unshipped rest is cancelled, and
		// with nothing left to ship the order is shipped, as Amazon's flow
		// has it (a partially shipped order whose rest is cancelled shows
		// Shipped in Seller Central).
		for i, it := range o.Items {
			o.Items[i] = keepUnits(it, it, it.Shipped)
			o.Items[i].Canceled = it.Canceled + it.Unshipped()
		}
		status = Shipped
	}
	// Forward only, and a local cancel or shipment is never undone.
	if status != "" && status.rank() > o.Status.rank() && o.Status != Canceled {
		if status != Canceled || o.Open() || o.Status == Pending {
			o.Status = status
			settleItems(o)
			if status == Canceled && o.CanceledAt == nil {
				t := in.ReportUpdated
				o.CanceledAt = &t
			}
			if status == Delivered && o.DeliveredAt == nil {
				t := in.ReportUpdated
				o.DeliveredAt = &t
			}
		}
	}
	if in.ReportUpdated.After(o.ReportUpdated) {
		o.ReportUpdated = in.ReportUpdated
	}
	if reflect.DeepEqual(before, o) {
		return false
	}
	o.UpdatedAt = now
	return true
}

// keepUnits is line it cut to n units, its amounts cut in proportion to
// what from (the same line, as stored or as read) charged per unit.
func keepUnits(it, from Item, n int) Item {
	if from.Quantity > 0 && n != from.Quantity {
		per := func(v int64) int64 { return v * int64(n) / int64(from.Quantity) }
		it.Price, it.Tax, it.Shipping, it.Discount = per(from.Price), per(from.Tax), per(from.Shipping), per(from.Discount)
	}
	it.Quantity = n
	return it
}

// priced reports whether a line carries any amount.
func (it Item) priced() bool {
	return it.Price != 0 || it.Tax != 0 || it.Shipping != 0 || it.Discount != 0
}

// pick keeps the stored value when the report leaves a value out (the All
// Orders report has no buyer or street columns).
func pick[T comparable](in, old T) T {
	var zero T
	if in == zero {
		return old
	}
	return in
}

// mergeReport folds a later piece of the same order from one report into
// the first: more items, and the later status and dates.
func mergeReport(into, more *Order) {
	for _, it := range more.Items {
		replaced := false
		for i := range into.Items {
			if into.Items[i].OrderItemID == it.OrderItemID {
				into.Items[i], replaced = it, true
			}
		}
		if !replaced {
			into.Items = append(into.Items, it)
		}
	}
	if into.ShipBy.IsZero() {
		into.ShipBy = more.ShipBy
	}
	if more.ReportUpdated.After(into.ReportUpdated) {
		into.ReportUpdated = more.ReportUpdated
		if more.Status != "" {
			into.Status = more.Status
		}
	}
}

// AuthorizeImport checks that an actor may import orders (agents and owners).
func AuthorizeImport(a Actor) error { return authorize(a, "import", true) }

// RecordImport writes one audit entry for a finished import.
func (e *Engine) RecordImport(ctx context.Context, a Actor, file string, s ImportStats, bad int) error {
	return e.update(ctx, func(tx Tx) error {
		return tx.AddAudit(ctx, auditOf(a, e.now(), "import orders "+file, "",
			fmt.Sprintf("%d new, %d updated, %d unchanged, %d bad lines", s.New, s.Updated, s.Unchanged, bad)))
	})
}

// normalizeTimes puts a report's times in UTC at the stores' microsecond
// precision, so an order read back compares equal to the one imported.
func normalizeTimes(o *Order) {
	fix := func(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
	fixp := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		x := fix(*t)
		return &x
	}
	o.PurchaseDate, o.ReportUpdated = fix(o.PurchaseDate), fix(o.ReportUpdated)
	if !o.ShipBy.IsZero() {
		o.ShipBy = fix(o.ShipBy)
	}
	o.PaymentsDate, o.CanceledAt, o.DeliveredAt = fixp(o.PaymentsDate), fixp(o.CanceledAt), fixp(o.DeliveredAt)
}
