package enginetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Review requests: `review <order-id>` and the daily auto_review pass ask
// Amazon for a review of an Amazon order 5 to 30 days after its delivery,
// once per order, and only with the Amazon connection on.

// connectAmazon gives the fixture an engine with the Amazon connection on,
// on the same store and clock. Call it before anything makes ids.
func (f *Fixture) connectAmazon() {
	p := f.Engine.Policy()
	f.Engine = core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{}, Policy: &p, AmazonConnected: true, SweepPage: 2})
}

// deliveredOrder imports an Amazon order bought 60 days ago, ships it the
// day before delivery and records it delivered daysAgo days ago (on the
// shop's calendar).
func (f *Fixture) deliveredOrder(id string, daysAgo int) core.Order {
	f.T.Helper()
	o := order(id, 60*24*time.Hour)
	f.importOrders(o)
	day := f.Engine.Policy().Day(f.Clock.Now()).AddDate(0, 0, -daysAgo)
	f.MustRun(f.Agent, fmt.Sprintf("ship %s ups %s date %s", id, upsOK, day.AddDate(0, 0, -1).Format(time.DateOnly)))
	f.MustRun(f.Agent, fmt.Sprintf("delivered %s date %s", id, day.Format(time.DateOnly)))
	return o
}

// outboxOf lists the outbox messages of one kind.
func (f *Fixture) outboxOf(kind core.EventKind) []core.Event {
	f.T.Helper()
	var out []core.Event
	for _, e := range f.snapshot().Outbox {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func (f *Fixture) reviewEvents() []core.Event {
	f.T.Helper()
	return f.outboxOf(core.EventReviewRequest)
}

func testReviewRefusals(f *Fixture) {
	f.connectAmazon()
	today := f.Engine.Policy().Day(f.Clock.Now())
	f.deliveredOrder("111-0000060-0000003", 3)
	f.deliveredOrder("111-0000060-0000031", 31)
	f.deliveredOrder("111-0000060-0000010", 10)
	ebay := order("111-0000060-0000011", 60*24*time.Hour)
	ebay.SalesChannel = "eBay"
	f.importOrders(ebay, order("111-0000060-0000001", time.Hour), order("111-0000060-0000002", time.Hour))
	f.MustRun(f.Agent, "cancel 111-0000060-0000002 no_inventory")

	cases := []struct {
		name, line string
		actor      core.Actor
		code       core.Code
		want       string
	}{
		{"viewer_refused", "review 111-0000060-0000010", f.Viewer, core.Forbidden, "agent or owner"},
		{"not_delivered_yet", "review 111-0000060-0000001", f.Agent, core.Conflict, "not delivered yet"},
		{"cancelled", "review 111-0000060-0000002", f.Agent, core.Conflict, "was cancelled"},
		{"too_soon_names_the_first_day", "review 111-0000060-0000003", f.Agent, core.Conflict,
			"delivered 3 days ago: ask from " + today.AddDate(0, 0, 2).Format(time.DateOnly)},
		{"too_late", "review 111-0000060-0000031", f.Owner, core.Conflict, "more than 30 days since delivery"},
		{"not_an_amazon_order", "review 111-0000060-0000011", f.Agent, core.Invalid, "was not placed on Amazon"},
		{"unknown_order", "review 111-0000060-0009999", f.Agent, core.NotFound, "111-0000060-0009999"},
	}
	for _, c := range cases {
		f.refused(c.actor, c.line, c.code, c.want)
	}

	// Once per order: the second ask is refused naming the first.
	f.MustRun(f.Agent, "review 111-0000060-0000010")
	f.refused(f.Owner, "review 111-0000060-0000010", core.Conflict, "already requested on "+today.Format(time.DateOnly)+" by alex (waiting)")

	// Without the Amazon connection nothing can be asked.
	off := core.NewEngine(f.Store, core.Options{Clock: f.Clock})
	f.Engine, off = off, f.Engine
	f.deliveredOrder("111-0000060-0000012", 12)
	f.refused(f.Agent, "review 111-0000060-0000012", core.Unavailable, "Amazon connection")
	if acts := f.MustRun(f.Agent, "order 111-0000060-0000012").Actions; slices.Contains(acts, "review") {
		f.T.Fatalf("review offered without the Amazon connection: %v", acts)
	}
	if n := len(f.reviewEvents()); n != 1 {
		f.T.Fatalf("%d review requests in the outbox after the refusals, want the one accepted", n)
	}
}

func testReviewRequest(f *Fixture) {
	ctx := context.Background()
	f.connectAmazon()
	const id = "111-0000061-0000001"
	f.deliveredOrder(id, 5)
	if acts := f.MustRun(f.Agent, "order "+id).Actions; !slices.Contains(acts, "review") {
		f.T.Fatalf("an order 5 days past delivery does not offer review: %v", acts)
	}
	if acts := f.MustRun(f.Viewer, "order "+id).Actions; slices.Contains(acts, "review") {
		f.T.Fatalf("review offered to a viewer: %v", acts)
	}

	// A dry run previews and changes nothing.
	before := f.snapshot()
	res, err := f.Engine.RunLine(ctx, f.Agent, "review "+id, true)
	if err != nil || res.Preview == nil || len(res.Preview.Changes) == 0 || !strings.Contains(res.Preview.Changes[0], "review and seller feedback") {
		f.T.Fatalf("dry run: %+v %v", res, err)
	}
	if !reflect.DeepEqual(before, f.snapshot()) {
		f.T.Fatal("dry run changed the store")
	}

	res = f.MustRun(f.Agent, "review "+id)
	now := f.Clock.Now()
	r := res.Order.Review
	if r == nil || r.State != core.ReviewWaiting || r.RequestedBy != "alex" || !r.RequestedAt.Equal(now) || r.AnsweredAt != nil {
		f.T.Fatalf("after review: %+v", r)
	}
	if slices.Contains(res.Actions, "review") {
		f.T.Fatalf("review still offered once requested: %v", res.Actions)
	}
	evs := f.reviewEvents()
	if len(evs) != 1 || evs[0].OrderID != id {
		f.T.Fatalf("outbox review requests: %+v", evs)
	}
	a := f.MustRun(f.Owner, "audit "+id).Audit
	if len(a) == 0 || a[0].Command != "review "+id || a[0].Actor != "alex" {
		f.T.Fatalf("audit: %+v", a)
	}
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	if got := f.order(id).Review.Describe(day); got != "waiting" {
		f.T.Fatalf("order shows %q, want waiting", got)
	}

	// The sink's view, and Amazon's answer recorded once.
	p, err := f.Engine.PendingReview(ctx, id)
	if err != nil || p.SalesChannel != "Amazon.com" || p.Request.State != core.ReviewWaiting {
		f.T.Fatalf("PendingReview: %+v %v", p, err)
	}
	f.Clock.Advance(time.Hour)
	if err := f.Engine.ReviewAnswered(ctx, id, true, ""); err != nil {
		f.T.Fatal(err)
	}
	sent := f.order(id).Review
	if want := "sent on " + day(f.Clock.Now()); sent.Describe(day) != want {
		f.T.Fatalf("order shows %q, want %q", sent.Describe(day), want)
	}
	after := f.snapshot()
	if err := f.Engine.ReviewAnswered(ctx, id, false, "too late"); err != nil {
		f.T.Fatal(err)
	}
	if !reflect.DeepEqual(after, f.snapshot()) {
		f.T.Fatal("a second answer changed a sent request")
	}
	if a := f.MustRun(f.Owner, "audit "+id).Audit; a[0].Actor != "Amazon" || a[0].Detail != "sent by Amazon" {
		f.T.Fatalf("answer audit: %+v", a[0])
	}

	// Refused by Amazon: the reason is kept and shown.
	const other = "111-0000061-0000002"
	f.deliveredOrder(other, 20)
	f.MustRun(f.Owner, "review "+other)
	if err := f.Engine.ReviewAnswered(ctx, other, false, "refused by Amazon: this order is not eligible for a review request"); err != nil {
		f.T.Fatal(err)
	}
	if got := f.order(other).Review.Describe(day); got != "refused by Amazon: this order is not eligible for a review request" {
		f.T.Fatalf("order shows %q", got)
	}

	// Two staff at once: one request.
	const raced = "111-0000061-0000003"
	f.deliveredOrder(raced, 6)
	e1, e2 := f.race("review "+raced, "review "+raced)
	if (e1 == nil) == (e2 == nil) {
		f.T.Fatalf("two reviews at once: %v / %v, want exactly one accepted", e1, e2)
	}
	n := 0
	for _, e := range f.reviewEvents() {
		if e.OrderID == raced {
			n++
		}
	}
	if n != 1 {
		f.T.Fatalf("%d review requests for %s, want 1", n, raced)
	}
}

func testAutoReview(f *Fixture) {
	ctx := context.Background()
	off := core.NewEngine(f.Store, core.Options{Clock: f.Clock})
	f.connectAmazon()
	for _, d := range []int{4, 5, 30, 31} {
		f.deliveredOrder(fmt.Sprintf("111-0000062-%07d", d), d)
	}
	ebay := order("111-0000062-0000100", 60*24*time.Hour)
	ebay.SalesChannel = "eBay"
	f.importOrders(ebay)
	f.MustRun(f.Agent, "ship "+ebay.ID+" ups "+upsOK+" date "+f.Engine.Policy().Day(f.Clock.Now()).AddDate(0, 0, -11).Format(time.DateOnly))
	f.MustRun(f.Agent, "delivered "+ebay.ID+" date "+f.Engine.Policy().Day(f.Clock.Now()).AddDate(0, 0, -10).Format(time.DateOnly))
	f.deliveredOrder("111-0000062-0000010", 10)
	f.MustRun(f.Agent, "review 111-0000062-0000010") // asked by staff already

	if got, err := off.RequestDueReviews(ctx); err != nil || len(got) != 0 {
		f.T.Fatalf("without the Amazon connection: %v %v", got, err)
	}
	got, err := f.Engine.RequestDueReviews(ctx)
	want := []string{"111-0000062-0000005", "111-0000062-0000030"}
	slices.Sort(got)
	if err != nil || !slices.Equal(got, want) {
		f.T.Fatalf("first pass requested %v (%v), want %v", got, err, want)
	}
	for _, id := range want {
		r := f.order(id).Review
		if r == nil || r.State != core.ReviewWaiting || r.RequestedBy != core.AutoReviewActor().Name {
			f.T.Fatalf("%s: %+v", id, r)
		}
		a := f.MustRun(f.Owner, "audit "+id).Audit
		if a[0].Actor != "sellerdesk (auto_review)" || a[0].Command != "review "+id {
			f.T.Fatalf("%s audit: %+v", id, a[0])
		}
	}
	before := f.snapshot()
	if again, err := f.Engine.RequestDueReviews(ctx); err != nil || len(again) != 0 {
		f.T.Fatalf("second pass requested %v (%v), want none", again, err)
	}
	if !reflect.DeepEqual(before, f.snapshot()) {
		f.T.Fatal("a second pass changed the store")
	}
	if n := len(f.reviewEvents()); n != 3 {
		f.T.Fatalf("%d review requests in the outbox, want 3 (staff's and two auto)", n)
	}

	// The 4-day order enters the window the next day, once.
	f.Clock.Advance(24 * time.Hour)
	got, err = f.Engine.RequestDueReviews(ctx)
	if err != nil || !slices.Equal(got, []string{"111-0000062-0000004"}) {
		f.T.Fatalf("next day: %v %v", got, err)
	}
}
