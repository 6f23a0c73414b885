package core

import (
	"strings"
	"testing"
	"time"
)

// The review window is counted in calendar days of the shop's time zone,
// across a change of clocks, from day 5 to day 30 after delivery.
func TestReviewWindowInTheShopsCalendar(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	p := DefaultPolicy()
	p.Location = ny
	e := NewEngine(nil, Options{Policy: &p, AmazonConnected: true})
	// Clocks went back on Sunday 1 November 2026 in New York.
	delivered := time.Date(2026, 10, 30, 0, 0, 0, 0, ny)
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, ny) }
	for _, c := range []struct {
		name string
		now  time.Time
		want string // "" allowed, else in the refusal
	}{
		{"day_4_late_evening_too_soon", at(11, 3, 23, 59), "delivered 4 days ago: ask from 2026-11-04"},
		{"day_5_first_minute", at(11, 4, 0, 0), ""},
		{"day_30_last_minute", at(11, 29, 23, 59), ""},
		{"day_31_too_late", at(11, 30, 0, 0), "delivered 31 days ago, more than 30 days since delivery: Amazon no longer takes a review request for it (the last day was 2026-11-29)"},
		{"delivered_today", at(10, 30, 18, 0), "delivered today: ask from 2026-11-04"},
		{"delivered_yesterday", at(10, 31, 9, 0), "delivered 1 day ago"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := &Order{ID: "113-1", Status: Delivered, SalesChannel: "Amazon.com", DeliveredAt: &delivered}
			err := e.CanRequestReview(o, c.now.UTC())
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && (err == nil || ErrorCode(err) != Conflict || !strings.Contains(ErrorMessage(err), c.want)):
				t.Fatalf("got %v, want a conflict saying %q", err, c.want)
			}
		})
	}
}

func TestReviewRequestDescribe(t *testing.T) {
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	sent := time.Date(2026, 12, 9, 14, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		r    ReviewRequest
		want string
	}{
		{ReviewRequest{State: ReviewWaiting}, "waiting"},
		{ReviewRequest{State: ReviewSent, AnsweredAt: &sent}, "sent on 2026-12-09"},
		{ReviewRequest{State: ReviewRefused, Reason: "refused by Amazon: not eligible"}, "refused by Amazon: not eligible"},
		{ReviewRequest{State: ReviewRefused}, "refused"},
	} {
		if got := c.r.Describe(day); got != c.want {
			t.Errorf("%+v: %q, want %q", c.r, got, c.want)
		}
	}
}

func TestIsAmazonOrder(t *testing.T) {
	for ch, want := range map[string]bool{"Amazon.com": true, "amazon.co.jp": true, "AMAZON.DE": true, "Non-Amazon": false, "eBay": false, "": false, "Amazonas Shop": false} {
		if got := IsAmazonOrder(&Order{SalesChannel: ch}); got != want {
			t.Errorf("IsAmazonOrder(%q) = %v, want %v", ch, got, want)
		}
	}
}
