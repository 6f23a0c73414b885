package drafter

import (
	"strings"
	"time"
	"unicode"

	"github.com/sellerdesk/sellerdesk/core"
)

// facts is what a draft may say about an order, worked out once from the
// order and the shop's policy. Templates read only this, so every claim a
// draft makes comes from a field here, and each field is set only when the
// thing it describes has happened (a refund row exists, a shipment exists,
// the status is canceled).
type facts struct {
	policy core.Policy
	now    time.Time

	has         bool // an order is known
	id          string
	status      core.Status
	marketplace bool   // the marketplace ships (FBA): staff can neither ship nor cancel
	amazon      bool   // sold on an Amazon marketplace: drafts may name Amazon's own pages
	name        string // buyer's first name for an English greeting, "" when unusable
	fullName    string // buyer's name for a Chinese greeting (名字 are not split), "" when unusable

	purchase time.Time
	shipBy   time.Time // shop-local day
	late     bool      // not shipped and past the ship-by day

	shipped       bool // at least one shipment exists
	shipments     int
	shipDay       time.Time // of the latest shipment, shop-local day
	carrier       string    // of the latest shipment, as a person writes it
	tracking      string
	method        string // ship service level, e.g. "Standard"
	unitsShipped  int
	unitsTotal    int
	delivered     bool
	deliveredDay  time.Time // zero when delivered but the date is unknown
	canceled      bool
	canceledDay   time.Time
	paymentFailed bool // cancelled because payment was never verified

	refunded     int64  // sum of refunds that exist
	refundText   string // the sum in the desk's form (27.00 USD); refundIn gives the buyer's locale
	currency     string
	refundDay    time.Time // of the latest refund
	refundCount  int
	ret          *core.Return // the latest return request, if any
	returnOK     bool         // a return may be requested now
	windowClosed bool         // shipped, but the return window has closed
	lastReturn   time.Time    // last day a return may be requested (shop-local)
	windowFrom   string       // "delivery" or "shipment"
}

func newFacts(p core.Policy, o *core.Order, now time.Time) *facts {
	f := &facts{policy: p, now: now}
	if o == nil {
		return f
	}
	f.has = true
	f.id = o.ID
	f.status = o.Status
	f.marketplace = o.Fulfillment == core.Marketplace
	f.amazon = strings.HasPrefix(strings.ToLower(o.SalesChannel), "amazon")
	f.name = firstName(o.Buyer.Name)
	if f.name != "" {
		f.fullName = strings.Join(strings.Fields(o.Buyer.Name), " ")
	}
	f.purchase = o.PurchaseDate
	if !o.ShipBy.IsZero() {
		f.shipBy = p.Day(o.ShipBy)
		f.late = (o.Status == core.Unshipped || o.Status == core.PartiallyShipped) && p.Day(now).After(f.shipBy)
	}
	f.unitsTotal, f.unitsShipped = o.Units()
	f.shipments = len(o.Shipments)
	var latest *core.Shipment
	for i := range o.Shipments {
		s := &o.Shipments[i]
		if latest == nil || !s.ShipDate.Before(latest.ShipDate) {
			latest = s
		}
	}
	if latest != nil {
		f.shipped = true
		f.shipDay = p.Day(latest.ShipDate)
		f.carrier = latest.Carrier.DisplayName()
		if latest.Carrier == core.Other && latest.CarrierName != "" {
			f.carrier = latest.CarrierName
		}
		f.tracking = latest.Tracking
		f.method = latest.Method
	}
	if f.method == "" {
		f.method = o.ShipServiceLevel
	}
	f.delivered = o.Status == core.Delivered || o.Status == core.Completed
	if o.DeliveredAt != nil {
		f.deliveredDay = p.Day(*o.DeliveredAt)
	}
	if o.Status == core.Canceled {
		f.canceled = true
		if o.CanceledAt != nil {
			f.canceledDay = p.Day(*o.CanceledAt)
		}
		f.paymentFailed = o.CancelReason == core.PaymentUnverified
	}
	for _, r := range o.Refunds {
		f.refunded += r.Amount
		f.refundCount++
		if r.CreatedAt.After(f.refundDay) {
			f.refundDay = r.CreatedAt
		}
	}
	if f.refundCount > 0 {
		f.refundText = core.FormatAmount(f.refunded, o.Currency)
		f.currency = o.Currency
		f.refundDay = p.Day(f.refundDay)
	}
	for i := range o.Returns {
		r := &o.Returns[i]
		if f.ret == nil || !r.RequestedAt.Before(f.ret.RequestedAt) {
			f.ret = r
		}
	}
	if f.shipped {
		f.lastReturn = p.LastReturnDay(o)
		f.windowFrom = "shipment"
		if o.DeliveredAt != nil {
			f.windowFrom = "delivery"
		}
		if err := p.ReturnEligible(o, now); err == nil {
			f.returnOK = true
		} else {
			f.windowClosed = !now.Before(p.ReturnWindowEnd(o))
		}
	}
	return f
}

// stage is where an order stands as a draft describes it.
type stage int

const (
	noOrder   stage = iota
	pending         // payment not verified yet
	unshipped       // nothing has shipped yet
	partial         // some units shipped, the rest not yet
	shipped         // everything shipped, not known to be delivered
	delivered       // delivered (or completed)
	canceled        // cancelled, possibly after part of it shipped
	unclear         // the status says shipped but no shipment is recorded: say nothing we can't show
)

func (f *facts) stage() stage {
	switch {
	case !f.has:
		return noOrder
	case f.canceled:
		return canceled
	case f.status == core.Pending:
		return pending
	case f.delivered:
		return delivered
	case f.shipped && f.status == core.PartiallyShipped:
		return partial
	case f.shipped:
		return shipped
	case f.status == core.Unshipped || f.status == core.PartiallyShipped:
		return unshipped
	}
	return unclear
}

// firstName is the part of the buyer's name a greeting uses. A "name" that is
// really an email address or holds digits is not used: drafts never echo
// buyer contact data.
func firstName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 60 || strings.ContainsAny(name, "@<>&\"") {
		return ""
	}
	for _, r := range name {
		if unicode.IsDigit(r) || unicode.IsControl(r) {
			return ""
		}
	}
	if i := strings.IndexFunc(name, unicode.IsSpace); i > 0 {
		name = name[:i]
	}
	return strings.TrimRight(name, ".,")
}
