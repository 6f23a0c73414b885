package core

import (
	"slices"
	"time"
)

// Status is where an order stands in the seller order flow.
type Status string

const (
	Pending          Status = "pending" // payment not yet verified
	Unshipped        Status = "unshipped"
	PartiallyShipped Status = "partially_shipped"
	Shipped          Status = "shipped"
	Delivered        Status = "delivered"
	Completed        Status = "completed"
	Canceled         Status = "canceled"
)

// Statuses lists every status in flow order.
func Statuses() []Status {
	return []Status{Pending, Unshipped, PartiallyShipped, Shipped, Delivered, Completed, Canceled}
}

// rank orders statuses along the flow so an import never moves an order back.
func (s Status) rank() int {
	switch s {
	case Pending:
		return 0
	case Unshipped:
		return 1
	case PartiallyShipped:
		return 2
	case Shipped:
		return 3
	case Delivered:
		return 4
	case Completed:
		return 5
	case Canceled:
		return 6
	}
	return -1
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s.rank() >= 0 }

// Fulfillment says who ships an order.
type Fulfillment string

const (
	Merchant    Fulfillment = "merchant"    // the seller ships (MFN)
	Marketplace Fulfillment = "marketplace" // the marketplace ships (FBA/AFN)
)

// Money is an amount in integer minor units (cents) of a currency, so sums
// never drift the way floats do.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// Address is where an order ships. It is buyer personal data: adapters keep it
// out of public channels.
type Address struct {
	Name       string `json:"name,omitempty"`
	Line1      string `json:"line1,omitempty"`
	Line2      string `json:"line2,omitempty"`
	Line3      string `json:"line3,omitempty"`
	City       string `json:"city,omitempty"`
	State      string `json:"state,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
	Phone      string `json:"phone,omitempty"`
}

// Buyer is who bought. Personal data, like Address.
type Buyer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Item is one line of an order.
type Item struct {
	OrderItemID string `json:"order_item_id"`
	SKU         string `json:"sku"`
	Title       string `json:"title,omitempty"`
	Quantity    int    `json:"quantity"`
	Shipped     int    `json:"shipped"`
	// Prices are for the whole line (all units), as the order report gives them.
	Price    int64 `json:"price"`
	Tax      int64 `json:"tax"`
	Shipping int64 `json:"shipping"`
	// Discount is the line's promotion discounts (item and shipping) as a
	// positive amount: the buyer paid that much less.
	Discount int64 `json:"discount,omitempty"`
	// Canceled is how many units of the line the marketplace cancelled
	// before shipping (a report's item-status Cancelled). They are not in
	// Quantity and not paid for, so nothing ships, reserves or refunds them;
	// the line stays so staff see what the buyer ordered.
	Canceled int `json:"canceled,omitempty"`
}

// Paid is what the buyer paid for the line, in minor units.
func (it Item) Paid() int64 { return it.Price + it.Tax + it.Shipping - it.Discount }

// Unshipped is how many units of the line are still to ship.
func (it Item) Unshipped() int { return it.Quantity - it.Shipped }

// ItemQty is a quantity of one SKU, as in `ship … SKU:qty`.
type ItemQty struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

// ShipmentLine is how many units of one order line a shipment carried.
type ShipmentLine struct {
	OrderItemID string `json:"order_item_id"`
	SKU         string `json:"sku"`
	Quantity    int    `json:"quantity"`
}

// Shipment is one confirmed shipment of an order.
type Shipment struct {
	ID          string         `json:"id"`
	Carrier     Carrier        `json:"carrier"`
	CarrierName string         `json:"carrier_name,omitempty"` // for Other
	Tracking    string         `json:"tracking"`
	ShipDate    time.Time      `json:"ship_date"`
	Method      string         `json:"ship_method,omitempty"`
	Lines       []ShipmentLine `json:"lines"`
	Late        bool           `json:"late"`
	// ValidTracking is false only for shipments imported from a report whose
	// tracking number could not be checked; staff-confirmed ones are validated.
	ValidTracking bool      `json:"valid_tracking"`
	CreatedAt     time.Time `json:"created_at"`
	CreatedBy     string    `json:"created_by,omitempty"`
	// Amazon is where the shipment's confirmation on Amazon stands (empty:
	// not sent there); AmazonError is Amazon's reason for a refusal, and
	// AmazonAt when Amazon confirmed or refused it.
	Amazon      AmazonState `json:"amazon,omitempty"`
	AmazonError string      `json:"amazon_error,omitempty"`
	AmazonAt    time.Time   `json:"amazon_at,omitzero"`
}

// CancelReason is why an order was cancelled.
type CancelReason string

const (
	NoInventory          CancelReason = "no_inventory"
	BuyerCanceled        CancelReason = "buyer_canceled"
	AddressUndeliverable CancelReason = "address_undeliverable"
	PricingError         CancelReason = "pricing_error"
	OtherReason          CancelReason = "other"
	// The two below are set by the system, never typed by staff.
	PaymentUnverified CancelReason = "payment_unverified"  // pending past the verification limit
	NotShippedInTime  CancelReason = "not_shipped_in_time" // the 30-day rule
)

// CancelReasons lists the reasons staff may give.
func CancelReasons() []CancelReason {
	return []CancelReason{NoInventory, BuyerCanceled, AddressUndeliverable, PricingError, OtherReason}
}

// SellerCaused reports whether a cancel counts against the pre-fulfilment
// cancel rate. Buyer requests and unverified payments are not the seller's doing.
func (r CancelReason) SellerCaused() bool {
	return r != BuyerCanceled && r != PaymentUnverified && r != ""
}

// ReturnStatus is where a return stands.
type ReturnStatus string

const (
	ReturnRequested ReturnStatus = "requested"
	ReturnApproved  ReturnStatus = "approved"
	ReturnRejected  ReturnStatus = "rejected"
	ReturnReceived  ReturnStatus = "received"
	ReturnRefunded  ReturnStatus = "refunded"
)

// Return is a buyer's request to send units back.
type Return struct {
	ID           string       `json:"return_id"`
	OrderID      string       `json:"order_id"`
	Status       ReturnStatus `json:"status"`
	Items        []ItemQty    `json:"items"`
	Reason       string       `json:"reason"`
	RejectReason string       `json:"reject_reason,omitempty"`
	RequestedAt  time.Time    `json:"requested_at"`
	DecidedAt    *time.Time   `json:"decided_at,omitempty"`
	ReceivedAt   *time.Time   `json:"received_at,omitempty"`
	// RefundBy is when a received return must be refunded (2 business days).
	RefundBy *time.Time `json:"refund_by,omitempty"`
}

// Refund is money given back to the buyer.
type Refund struct {
	ID        string    `json:"refund_id"`
	OrderID   string    `json:"order_id"`
	ReturnID  string    `json:"return_id,omitempty"`
	Amount    int64     `json:"amount"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
	// Role is the role of whoever gave it: refunds by non-owners add up
	// toward the owner limit. Empty for refunds saved before roles were
	// kept, which count as a non-owner's.
	Role Role `json:"role,omitempty"`
}

// Order is one marketplace order with everything that happened to it.
type Order struct {
	ID               string       `json:"order_id"`
	Status           Status       `json:"status"`
	Fulfillment      Fulfillment  `json:"fulfillment"`
	SalesChannel     string       `json:"sales_channel,omitempty"`
	PurchaseDate     time.Time    `json:"purchase_date"`
	PaymentsDate     *time.Time   `json:"payments_date,omitempty"`
	ShipBy           time.Time    `json:"ship_by"`
	ShipServiceLevel string       `json:"ship_service_level,omitempty"`
	Currency         string       `json:"currency"`
	Buyer            Buyer        `json:"buyer"`
	ShipTo           Address      `json:"ship_to"`
	Items            []Item       `json:"items"`
	Shipments        []Shipment   `json:"shipments"`
	Returns          []Return     `json:"returns"`
	Refunds          []Refund     `json:"refunds"`
	CancelReason     CancelReason `json:"cancel_reason,omitempty"`
	CanceledAt       *time.Time   `json:"canceled_at,omitempty"`
	DeliveredAt      *time.Time   `json:"delivered_at,omitempty"`
	// ShipWarnedAt records the 7-days-left warning so it is sent once.
	ShipWarnedAt *time.Time `json:"ship_warned_at,omitempty"`
	// Review is the order's request to Amazon for a review and seller
	// feedback; nil until one is made (once per order).
	Review *ReviewRequest `json:"review,omitempty"`
	// CancelRequest is the buyer's cancellation request the marketplace
	// reported last; staff are alerted once per request (its Key).
	CancelRequest *CancelRequest `json:"cancel_request,omitempty"`
	// AmazonCancel is where a cancel made here stands at Amazon, nil when
	// none was sent (no Amazon connection, not an Amazon order).
	AmazonCancel *AmazonCancel `json:"amazon_cancel,omitempty"`
	// CanceledBy and CancelNote come with an import only, never stored:
	// who the marketplace says cancelled the order or some of its lines
	// ("Amazon", "buyer", "seller") and its reason, for the audit entry
	// the import writes.
	CanceledBy string `json:"-"`
	CancelNote string `json:"-"`
	// ReportUpdated is the report's last-updated-date (or purchase date) of the
	// newest import, so an older report never overwrites a newer one.
	ReportUpdated time.Time `json:"-"`
	// CreatedAt is when sellerdesk first saw the order (its first import);
	// a re-import never moves it. An order first seen past a deadline is
	// not cancelled by sellerdesk for it (Policy.FirstSeenPastLimit).
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Version increases with every save; a store refuses a save whose version
	// is stale, which is how two agents racing on one order end in one winner.
	Version int64 `json:"version"`
}

// Clone deep-copies an order, so a change can be compared with its start.
// Empty slices stay empty and nil ones nil.
func (o *Order) Clone() *Order {
	c := *o
	c.PaymentsDate, c.CanceledAt, c.DeliveredAt, c.ShipWarnedAt = cloneTime(o.PaymentsDate), cloneTime(o.CanceledAt), cloneTime(o.DeliveredAt), cloneTime(o.ShipWarnedAt)
	c.Items = slices.Clone(o.Items)
	c.Shipments = slices.Clone(o.Shipments)
	for i := range c.Shipments {
		c.Shipments[i].Lines = slices.Clone(o.Shipments[i].Lines)
	}
	c.Returns = slices.Clone(o.Returns)
	for i := range c.Returns {
		r := &c.Returns[i]
		r.Items = slices.Clone(r.Items)
		r.DecidedAt, r.ReceivedAt, r.RefundBy = cloneTime(r.DecidedAt), cloneTime(r.ReceivedAt), cloneTime(r.RefundBy)
	}
	c.Refunds = slices.Clone(o.Refunds)
	c.Review = o.Review.clone()
	if o.CancelRequest != nil {
		r := *o.CancelRequest
		r.Lines = slices.Clone(r.Lines)
		c.CancelRequest = &r
	}
	if o.AmazonCancel != nil {
		a := *o.AmazonCancel
		a.Lines = slices.Clone(a.Lines)
		a.SentAt, a.DoneAt = cloneTime(a.SentAt), cloneTime(a.DoneAt)
		c.AmazonCancel = &a
	}
	return &c
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// Paid is the order's total paid by the buyer, in minor units.
func (o *Order) Paid() int64 {
	var n int64
	for _, it := range o.Items {
		n += it.Paid()
	}
	return n
}

// Refunded is the sum of the order's refunds, in minor units.
func (o *Order) Refunded() int64 {
	var n int64
	for _, r := range o.Refunds {
		n += r.Amount
	}
	return n
}

// RefundedBelowOwner is the sum of the refunds given by anyone but an
// owner: the owner limit applies to it, so a refund split in parts cannot
// pass the limit.
func (o *Order) RefundedBelowOwner() int64 {
	var n int64
	for _, r := range o.Refunds {
		if r.Role != Owner {
			n += r.Amount
		}
	}
	return n
}

// Refundable is what can still be refunded.
func (o *Order) Refundable() int64 { return o.Paid() - o.Refunded() }

// Units is the order's total quantity and how many units have shipped.
func (o *Order) Units() (total, shipped int) {
	for _, it := range o.Items {
		total += it.Quantity
		shipped += it.Shipped
	}
	return total, shipped
}

// LastShipDate is the date of the latest shipment, or zero.
func (o *Order) LastShipDate() time.Time {
	var t time.Time
	for _, s := range o.Shipments {
		if s.ShipDate.After(t) {
			t = s.ShipDate
		}
	}
	return t
}

// Return finds a return of the order by id.
func (o *Order) Return(id string) *Return {
	for i := range o.Returns {
		if o.Returns[i].ID == id {
			return &o.Returns[i]
		}
	}
	return nil
}

// Open reports whether staff still have to ship or cancel the order.
func (o *Order) Open() bool {
	return o.Status == Unshipped || o.Status == PartiallyShipped
}

// Stock is the inventory of one SKU the seller tracks. Available may go
// below zero when a marketplace sells more than is on hand: it shows the
// oversell instead of hiding it.
type Stock struct {
	SKU       string `json:"sku"`
	Available int    `json:"available"`
	Reserved  int    `json:"reserved"`
	Threshold int    `json:"threshold"`
}

// Low reports whether the SKU is under its low-stock threshold.
func (s Stock) Low() bool { return s.Available < s.Threshold }

// Out reports whether the SKU is out of stock.
func (s Stock) Out() bool { return s.Available <= 0 }
