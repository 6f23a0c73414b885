package core

import (
	"fmt"
	"time"
)

// Metric is one account-health rate.
type Metric struct {
	Name        string  `json:"name"` // late_shipment_rate, cancel_rate, valid_tracking_rate
	Label       string  `json:"label"`
	WindowDays  int     `json:"window_days"`
	Numerator   int     `json:"numerator"`
	Denominator int     `json:"denominator"`
	Rate        float64 `json:"rate"`   // 0..1; 0 when there is no data
	Target      float64 `json:"target"` // the marketplace's limit
	UpperBound  bool    `json:"upper_bound"`
	OK          bool    `json:"ok"`
	NoData      bool    `json:"no_data"`
	// Detail adds to the line (where response-time misses cluster).
	Detail string `json:"detail,omitempty"`
}

// Health is the account health computed from the seller's own data.
type Health struct {
	At      time.Time    `json:"at"`
	Metrics []Metric     `json:"metrics"`
	Counts  HealthCounts `json:"counts"`
	// BreachHours are the hours of the week where buyer messages missed
	// their 24 hours in the response rate's window, most first.
	BreachHours []BreachHour `json:"breach_hours,omitempty"`
}

func (p Policy) windows(now time.Time) HealthWindows {
	return HealthWindows{
		LateSince:     now.AddDate(0, 0, -p.LateShipmentDays),
		CancelSince:   now.AddDate(0, 0, -p.CancelRateDays),
		TrackingSince: now.AddDate(0, 0, -p.TrackingDays),
	}
}

func sellerCancels(c HealthCounts) int {
	n := 0
	for r, k := range c.Canceled {
		if r.SellerCaused() {
			n += k
		}
	}
	return n
}

func metric(name, label string, days, num, den int, target float64, upper bool) Metric {
	m := Metric{Name: name, Label: label, WindowDays: days, Numerator: num, Denominator: den, Target: target, UpperBound: upper}
	if den == 0 {
		m.NoData, m.OK = true, true
		return m
	}
	m.Rate = float64(num) / float64(den)
	if upper {
		m.OK = m.Rate < target
	} else {
		m.OK = m.Rate > target
	}
	return m
}

// HealthFrom computes the rates from counts.
func (p Policy) HealthFrom(c HealthCounts, now time.Time) Health {
	return Health{At: now, Counts: c, Metrics: []Metric{
		metric("late_shipment_rate", "Late shipment rate", p.LateShipmentDays, c.LateOrders, c.ShippedOrders, p.MaxLateShipment, true),
		metric("cancel_rate", "Pre-fulfilment cancel rate", p.CancelRateDays, sellerCancels(c), c.Orders, p.MaxCancelRate, true),
		metric("valid_tracking_rate", "Valid tracking rate", p.TrackingDays, c.ValidTracking, c.Shipments, p.MinValidTracking, false),
		metric("response_rate", "Buyer messages answered within 24 hours", p.ResponseDays, c.Responses.InWindow, c.Responses.Due, p.MinResponseRate, false),
	}}
}

// String is the metric as a sentence.
func (m Metric) String() string {
	if m.NoData {
		return fmt.Sprintf("%s over the last %d days: no data yet.", m.Label, m.WindowDays)
	}
	rel := "target is above"
	state := "ok"
	if !m.OK {
		state = "OUT OF TARGET"
	}
	if m.UpperBound {
		rel = "limit is"
	}
	s := fmt.Sprintf("%s over the last %d days: %s (%d of %d), the %s %s — %s.", m.Label, m.WindowDays, pct(m.Rate), m.Numerator, m.Denominator, rel, pct(m.Target), state)
	if m.Detail != "" {
		s += " " + m.Detail
	}
	return s
}

func pct(r float64) string { return fmt.Sprintf("%.1f%%", r*100) }

// HealthEffect is how a command would move one metric.
type HealthEffect struct {
	Metric string  `json:"metric"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Target float64 `json:"target"`
	OK     bool    `json:"ok"` // after the change the metric is within target
	Text   string  `json:"text"`
}

// effects compares health before and after a change of the counts and
// describes every metric that moves.
func (p Policy) effects(before, after HealthCounts, now time.Time) []HealthEffect {
	hb, ha := p.HealthFrom(before, now), p.HealthFrom(after, now)
	var out []HealthEffect
	for i, a := range ha.Metrics {
		b := hb.Metrics[i]
		if a.Numerator == b.Numerator && a.Denominator == b.Denominator || (!b.NoData && pct(a.Rate) == pct(b.Rate) && a.OK == b.OK) {
			continue
		}
		limit := "the limit is"
		if !a.UpperBound {
			limit = "the target is above"
		}
		text := fmt.Sprintf("%s over the last %d days becomes %s (now %s); %s %s.", a.Label, a.WindowDays, pct(a.Rate), pct(b.Rate), limit, pct(a.Target))
		if b.NoData {
			text = fmt.Sprintf("%s over the last %d days becomes %s; %s %s.", a.Label, a.WindowDays, pct(a.Rate), limit, pct(a.Target))
		}
		if !a.OK {
			text += " This is outside the marketplace's target."
		}
		out = append(out, HealthEffect{Metric: a.Name, Before: b.Rate, After: a.Rate, Target: a.Target, OK: a.OK, Text: text})
	}
	return out
}

// countsAfter returns the counts as they would be once an order changes
// from before to after (before nil for a new order).
func (p Policy) countsAfter(c HealthCounts, w HealthWindows, before, after *Order) HealthCounts {
	out := c
	out.Canceled = map[CancelReason]int{}
	for k, v := range c.Canceled {
		out.Canceled[k] = v
	}
	if after == nil || after.Fulfillment != Merchant {
		return out
	}
	if !after.PurchaseDate.Before(w.CancelSince) {
		if before == nil {
			out.Orders++
		}
		if after.Status == Canceled && (before == nil || before.Status != Canceled) && after.CancelReason != "" {
			out.Canceled[after.CancelReason]++
		}
	}
	known := map[string]bool{}
	wasShippedInWindow, wasLate := false, false
	if before != nil {
		for _, s := range before.Shipments {
			known[s.ID] = true
			if !s.ShipDate.Before(w.LateSince) {
				wasShippedInWindow = true
				wasLate = wasLate || s.Late
			}
		}
	}
	isLate := wasLate
	for _, s := range after.Shipments {
		if known[s.ID] {
			continue
		}
		if !s.ShipDate.Before(w.TrackingSince) {
			out.Shipments++
			if s.ValidTracking {
				out.ValidTracking++
			}
		}
		if !s.ShipDate.Before(w.LateSince) {
			if !wasShippedInWindow {
				out.ShippedOrders++
				wasShippedInWindow = true
			}
			if s.Late && !isLate {
				out.LateOrders++
				isLate = true
			}
		}
	}
	return out
}
