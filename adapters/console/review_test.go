package console

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// The order card says where the review request stands, each state.
func TestOrderCardShowsTheReviewRequest(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	r := Renderer{Policy: core.DefaultPolicy(), Now: func() time.Time { return now }}
	sent := now.Add(-26 * time.Hour)
	for _, c := range []struct {
		review *core.ReviewRequest
		want   string
	}{
		{&core.ReviewRequest{RequestedAt: now, State: core.ReviewWaiting}, "Review requested: waiting"},
		{&core.ReviewRequest{RequestedAt: now, State: core.ReviewSent, AnsweredAt: &sent}, "Review requested: sent on 2026-12-05"},
		{&core.ReviewRequest{RequestedAt: now, State: core.ReviewRefused, Reason: "refused by Amazon: not eligible"}, "Review requested: refused by Amazon: not eligible"},
		{nil, ""},
	} {
		o := &core.Order{ID: "114-3941689-8772232", Status: core.Delivered, Fulfillment: core.Merchant, Currency: "USD",
			PurchaseDate: now.Add(-20 * 24 * time.Hour), ShipBy: now, Review: c.review}
		var b bytes.Buffer
		r.Order(&b, o, nil)
		if c.want == "" {
			if strings.Contains(b.String(), "Review") {
				t.Fatalf("an order without a request shows one:\n%s", b.String())
			}
			continue
		}
		if !strings.Contains(b.String(), "  "+c.want+"\n") {
			t.Fatalf("card lacks %q:\n%s", c.want, b.String())
		}
	}
}
