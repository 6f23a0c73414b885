package core

import (
	"cmp"
	"time"
)

// Policy holds the shop's rules that are numbers. Every field has a default
// from the seller order flow (DefaultPolicy); config may change them.
type Policy struct {
	// HandlingDays is the handling time in business days: ship-by is the
	// purchase date plus this many business days.
	HandlingDays int
	// ReturnWindowDays is how long after delivery a buyer may ask for a return.
	ReturnWindowDays int
	// RefundDays is how many business days after a return is received the
	// refund is due.
	RefundDays int
	// OwnerRefundAbove is the largest refund, a decimal in the order's
	// currency, an agent may give; above it only an owner may.
	OwnerRefundAbove string
	// AutoCancelDays: an order not confirmed shipped this many days after
	// purchase is cancelled automatically; staff are warned WarnDaysBefore.
	AutoCancelDays int
	WarnDaysBefore int
	// PendingDays is how long payment verification may take before a pending
	// order is cancelled.
	PendingDays int
	// BuyerCancelMinutes is how long after purchase a buyer may cancel.
	BuyerCancelMinutes int
	// LowStockThreshold is the threshold a newly tracked SKU gets.
	LowStockThreshold int
	// Account health windows (days) and targets.
	LateShipmentDays int
	CancelRateDays   int
	TrackingDays     int
	MaxLateShipment  float64 // late shipment rate must stay below
	MaxCancelRate    float64 // pre-fulfilment cancel rate must stay below
	MinValidTracking float64 // valid tracking rate must stay above
	// ReminderPoints are how long before a buyer's 24-hour deadline staff
	// are reminded, longest first; ResponseDays is the window of the
	// answered-within-24-hours rate and MinResponseRate its target.
	ReminderPoints  []time.Duration
	ResponseDays    int
	MinResponseRate float64
	// VerifyTries is how many failed order verifications a client (a web
	// address, a Discord user) may make within VerifyWindow before its
	// tries are refused until the oldest leaves the window: enough for
	// typos, too few to guess order ids and postal codes.
	VerifyTries  int
	VerifyWindow time.Duration
	// VerifyOrderTries is how many failed verifications one order may get
	// within VerifyOrderWindow from all clients together; past that even
	// the right answer waits. The client limit alone lets someone with
	// many addresses keep guessing one order's postal code. Anyone can
	// trip this limit and so keep a buyer out for a while: it sits well
	// above a buyer's typos, and the wait is short and announced.
	VerifyOrderTries  int
	VerifyOrderWindow time.Duration
	// BuyerMessageLimit is how many messages a buyer may add to one
	// conversation within BuyerMessageWindow: plenty for a person typing,
	// too few for a script to flood staff channels.
	BuyerMessageLimit  int
	BuyerMessageWindow time.Duration
	// Location is the shop's time zone: business days and ship dates are
	// calendar days there.
	Location *time.Location
	// Schedule is when staff work (nil: always, no escalation): buyer
	// deadlines outside working hours are brought forward, the on-call
	// person is messaged when nobody works, owners when a breach stays
	// open. See escalate.go.
	Schedule *Schedule
}

// DefaultPolicy returns the defaults named in DESIGN.md.
func DefaultPolicy() Policy {
	return Policy{
		HandlingDays:       2,
		ReturnWindowDays:   30,
		RefundDays:         2,
		OwnerRefundAbove:   "100.00",
		AutoCancelDays:     30,
		WarnDaysBefore:     7,
		PendingDays:        21,
		BuyerCancelMinutes: 30,
		LowStockThreshold:  5,
		LateShipmentDays:   10,
		CancelRateDays:     7,
		TrackingDays:       30,
		MaxLateShipment:    0.04,
		MaxCancelRate:      0.025,
		MinValidTracking:   0.95,
		ReminderPoints:     []time.Duration{12 * time.Hour, 4 * time.Hour, time.Hour},
		ResponseDays:       30,
		MinResponseRate:    0.9,
		VerifyTries:        5,
		VerifyWindow:       15 * time.Minute,
		VerifyOrderTries:   10,
		VerifyOrderWindow:  time.Hour,
		BuyerMessageLimit:  10,
		BuyerMessageWindow: time.Minute,
		Location:           time.UTC,
	}
}

// OrDefault returns p, or DefaultPolicy when p was never set (no handling
// days and no return window), always with a time zone.
func (p Policy) OrDefault() Policy {
	if p.HandlingDays == 0 && p.ReturnWindowDays == 0 {
		p = DefaultPolicy()
	}
	if p.Location == nil {
		p.Location = time.UTC
	}
	return p
}

// verifyLimit is the verification limit, the default's for an unset
// part: a policy written before the limit existed must not mean "no limit".
func (p Policy) verifyLimit() (int, time.Duration) {
	d := DefaultPolicy()
	tries, window := p.VerifyTries, p.VerifyWindow
	if tries <= 0 {
		tries = d.VerifyTries
	}
	if window <= 0 {
		window = d.VerifyWindow
	}
	return tries, window
}

// verifyOrderLimit is the per-order verification limit; like verifyLimit,
// an unset part is the default's.
func (p Policy) verifyOrderLimit() (int, time.Duration) {
	d := DefaultPolicy()
	return cmp.Or(max(p.VerifyOrderTries, 0), d.VerifyOrderTries), cmp.Or(max(p.VerifyOrderWindow, 0), d.VerifyOrderWindow)
}

// buyerMessageLimit is the limit on buyer messages per conversation; an
// unset part is the default's.
func (p Policy) buyerMessageLimit() (int, time.Duration) {
	d := DefaultPolicy()
	return cmp.Or(max(p.BuyerMessageLimit, 0), d.BuyerMessageLimit), cmp.Or(max(p.BuyerMessageWindow, 0), d.BuyerMessageWindow)
}

func (p Policy) loc() *time.Location {
	if p.Location == nil {
		return time.UTC
	}
	return p.Location
}

// AddBusinessDays returns t plus n business days (Monday to Friday) in the
// shop's time zone, keeping the time of day. A purchase on Saturday with two
// handling days ships by Tuesday.
func (p Policy) AddBusinessDays(t time.Time, n int) time.Time {
	d := t.In(p.loc())
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d
}

// ShipBy is the latest ship date of an order purchased at t.
func (p Policy) ShipBy(purchase time.Time) time.Time {
	return p.AddBusinessDays(purchase, p.HandlingDays).UTC()
}

// Day returns the calendar day of t in the shop's time zone, as midnight.
func (p Policy) Day(t time.Time) time.Time {
	y, m, d := t.In(p.loc()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, p.loc())
}

// LateOn reports whether shipping on day counts as late for ship-by: the
// marketplace compares calendar days, so shipping later on the ship-by day
// is still on time.
func (p Policy) LateOn(day, shipBy time.Time) bool {
	return p.Day(day).After(p.Day(shipBy))
}
