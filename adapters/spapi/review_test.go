package spapi_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/adapters/spapi/spapitest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// reviewEnv is an engine with the Amazon connection on, over store, whose
// review requests go to the fake SP-API through a spapi.Reviewer.
type reviewEnv struct {
	*harness
	engine   *core.Engine
	clock    *enginetest.Clock
	reviewer *spapi.Reviewer
}

var olivia = core.Actor{ID: "test:olivia", Name: "olivia", Role: core.Owner, Source: "test"}

func newReviewEnv(t *testing.T, store core.Store) *reviewEnv {
	t.Helper()
	e := &reviewEnv{clock: enginetest.NewClock(t0)}
	e.engine = core.NewEngine(store, core.Options{Clock: e.clock, AmazonConnected: true})
	e.harness = newHarness(t, func(c *spapi.Config) { c.Engine = e.engine })
	e.reviewer = &spapi.Reviewer{Client: e.client, Engine: e.engine, MarketplaceIDs: []string{"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"}}
	if err := e.engine.StartSink(context.Background(), e.reviewer.Name()); err != nil {
		t.Fatal(err)
	}
	return e
}

// delivered imports an Amazon order delivered daysAgo days ago.
func (e *reviewEnv) delivered(id, channel string, daysAgo int) {
	e.t.Helper()
	day := e.engine.Policy().Day(t0).AddDate(0, 0, -daysAgo)
	o := core.Order{ID: id, Status: core.Delivered, Fulfillment: core.Merchant, SalesChannel: channel, Currency: "USD",
		PurchaseDate: day.AddDate(0, 0, -3), ReportUpdated: day, DeliveredAt: &day,
		Items: []core.Item{{OrderItemID: id + "-1", SKU: "MUG-RED", Quantity: 1, Price: 1250}}}
	if _, err := e.engine.Import(context.Background(), []core.Order{o}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *reviewEnv) run(line string) *core.Result {
	e.t.Helper()
	res, err := e.engine.RunLine(context.Background(), olivia, line, false)
	if err != nil {
		e.t.Fatalf("%s: %v", line, err)
	}
	return res
}

// deliver runs delivery rounds until the outbox is delivered, moving the
// clock past each backoff; it returns the failed rounds.
func (e *reviewEnv) deliver() (failed int) {
	e.t.Helper()
	for range 10 {
		r, err := e.engine.DeliverRound(context.Background(), e.reviewer)
		if err != nil {
			e.t.Fatal(err)
		}
		switch r.Left {
		case core.CaughtUp:
			return failed
		case core.Failed, core.Waiting:
			failed++
		}
		e.clock.Advance(r.Wait + time.Second)
	}
	e.t.Fatal("the outbox was not delivered in 10 rounds")
	return failed
}

func (e *reviewEnv) review(id string) *core.ReviewRequest {
	e.t.Helper()
	return e.run("order " + id).Order.Review
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// onEachStore runs a review test on SQLite and on PostgreSQL.
func onEachStore(t *testing.T, test func(t *testing.T, e *reviewEnv)) {
	for _, st := range syncStores {
		t.Run(st.name, func(t *testing.T) { test(t, newReviewEnv(t, st.open(t))) })
	}
}

// A review request reaches Amazon once, with the order's marketplace:
// asked about first, then sent; the order then says sent.
func TestReviewRequestReachesAmazonOnce(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *reviewEnv) {
		const id, ca = "113-0000000-0000101", "702-0000000-0000102"
		e.delivered(id, "Amazon.com", 10)
		e.delivered(ca, "Amazon.ca", 12)
		e.fake.OfferReview(id, ca)
		e.run("review " + id)
		e.run("review " + ca)
		if r := e.review(id); r.State != core.ReviewWaiting {
			t.Fatalf("before delivery: %+v", r)
		}
		if failed := e.deliver(); failed != 0 {
			t.Fatalf("%d failed rounds", failed)
		}
		gets, creates := e.fake.Calls(spapi.OpGetSolicitationActions), e.fake.Calls(spapi.OpCreateReviewRequest)
		if len(gets) != 2 || len(creates) != 2 {
			t.Fatalf("%d getSolicitationActionsForOrder and %d create calls, want 2 and 2", len(gets), len(creates))
		}
		for i, want := range []struct{ id, market string }{{id, "ATVPDKIKX0DER"}, {ca, "A2EUQ1WTGCTBG2"}} {
			q := url.Values{"marketplaceIds": {want.market}}
			if g := gets[i]; g.Path != "/solicitations/v1/orders/"+want.id || g.Query.Encode() != q.Encode() || g.Status != 200 {
				t.Errorf("get %d: %s?%s → %d", i, g.Path, g.Query.Encode(), g.Status)
			}
			if c := creates[i]; c.Path != "/solicitations/v1/orders/"+want.id+"/solicitations/productReviewAndSellerFeedback" ||
				c.Query.Encode() != q.Encode() || c.Status != 201 || len(c.Body) != 0 {
				t.Errorf("create %d: %s?%s → %d, body %q", i, c.Path, c.Query.Encode(), c.Status, c.Body)
			}
			if n := e.fake.ReviewsSent(want.id); n != 1 {
				t.Errorf("%s: Amazon sent %d review requests, want 1", want.id, n)
			}
		}
		r := e.review(id)
		if r.State != core.ReviewSent || r.Describe(day) != "sent on "+day(t0) {
			t.Fatalf("after delivery: %+v (%s)", r, r.Describe(day))
		}
		// Nothing goes twice: another round calls nothing.
		e.deliver()
		if n := len(e.fake.Calls("")); n != len(gets)+len(creates)+1 { // + the one token
			t.Fatalf("%d calls after a second round", n)
		}
	})
}

// Amazon not offering the request (getSolicitationActionsForOrder lists
// no review action) ends it refused with the reason on the order, and
// nothing is sent.
func TestReviewNotOfferedByAmazonShownRefused(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *reviewEnv) {
		const id = "113-0000000-0000201"
		e.delivered(id, "Amazon.com", 8) // not offered: say it was refunded
		e.run("review " + id)
		e.deliver()
		if n := len(e.fake.Calls(spapi.OpCreateReviewRequest)); n != 0 {
			t.Fatalf("%d create calls for an order Amazon does not offer", n)
		}
		r := e.review(id)
		if r.State != core.ReviewRefused || !strings.HasPrefix(r.Describe(day), "refused by Amazon: the review request is not available for this order") {
			t.Fatalf("%+v", r)
		}
		a := e.run("audit " + id).Audit
		if a[0].Actor != "Amazon" || !strings.HasPrefix(a[0].Detail, "refused by Amazon") {
			t.Fatalf("audit %+v", a[0])
		}

		// Amazon refusing the send itself (a 4xx) ends the same way, with
		// Amazon's message.
		const other = "113-0000000-0000202"
		e.delivered(other, "Amazon.com", 9)
		e.fake.OfferReview(other)
		e.fake.Fail(spapi.OpCreateReviewRequest, spapitest.Fault{Status: 400,
			Body: spapitest.ErrorBody("InvalidInput", "The buyer has opted out of solicitations.", "")})
		e.run("review " + other)
		e.deliver()
		if got := e.review(other).Describe(day); !strings.Contains(got, "refused by Amazon: Amazon refused createProductReviewAndSellerFeedbackSolicitation (400): The buyer has opted out of solicitations.") {
			t.Fatalf("order shows %q", got)
		}
	})
}

// A send whose answer is lost (it went through, the answer did not come
// back) is not sent again: the next try finds Amazon no longer offers it
// and records it sent. A 429 before it is retried at once.
func TestReviewLostAnswerSentExactlyOnce(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *reviewEnv) {
		const id = "113-0000000-0000301"
		e.delivered(id, "Amazon.com", 30)
		e.fake.OfferReview(id)
		e.fake.Fail(spapi.OpCreateReviewRequest, spapitest.Fault{Status: 429})
		e.fake.LoseReviewAnswers(1)
		e.run("review " + id)
		if failed := e.deliver(); failed != 1 {
			t.Fatalf("%d failed rounds, want the one whose answer was lost", failed)
		}
		if n := e.fake.ReviewsSent(id); n != 1 {
			t.Fatalf("Amazon sent %d review requests, want 1", n)
		}
		creates := e.fake.Calls(spapi.OpCreateReviewRequest)
		if len(creates) != 2 || creates[0].Status != 429 || creates[1].Status != 503 {
			t.Fatalf("create calls %+v, want the 429 retried once and no retry of the 503", creates)
		}
		if r := e.review(id); r.State != core.ReviewSent {
			t.Fatalf("after the lost answer: %+v", r)
		}
		if n := len(e.fake.Calls(spapi.OpGetSolicitationActions)); n != 2 {
			t.Fatalf("%d getSolicitationActionsForOrder calls, want 2 (one per try)", n)
		}
	})
}

// Amazon unreachable while asked about an order: the request waits and
// goes on the next try.
func TestReviewWaitsOutAnOutage(t *testing.T) {
	e := newReviewEnv(t, syncStores[0].open(t))
	const id = "113-0000000-0000401"
	e.delivered(id, "Amazon.com", 6)
	e.fake.OfferReview(id)
	outage := make([]spapitest.Fault, 5) // MaxAttempts of the client
	for i := range outage {
		outage[i] = spapitest.Fault{Status: 503}
	}
	e.fake.Fail(spapi.OpGetSolicitationActions, outage...)
	e.run("review " + id)
	if failed := e.deliver(); failed != 1 {
		t.Fatalf("%d failed rounds, want 1", failed)
	}
	if e.fake.ReviewsSent(id) != 1 || e.review(id).State != core.ReviewSent {
		t.Fatalf("after the outage: sent %d, %+v", e.fake.ReviewsSent(id), e.review(id))
	}
}

func TestMarketplaceFor(t *testing.T) {
	for _, c := range []struct {
		channel    string
		configured []string
		want       string
	}{
		{"Amazon.de", nil, "A1PA6795UKMFR9"},
		{" amazon.co.JP ", []string{"ATVPDKIKX0DER"}, "A1VC38T7YXB528"},
		{"", []string{"A1F83G8C2ARO7P"}, "A1F83G8C2ARO7P"},
		{"Amazon.xyz", []string{"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"}, ""},
	} {
		got, ok := spapi.MarketplaceFor(c.channel, c.configured)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("MarketplaceFor(%q, %v) = %q, %v; want %q", c.channel, c.configured, got, ok, c.want)
		}
	}
}

// The fake holds review calls to the Solicitations model: one marketplace,
// never none.
func TestFakeHoldsSolicitationsToTheModel(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct{ name, method, path, want string }{
		{"two_marketplaces", "GET", "/solicitations/v1/orders/113-1?marketplaceIds=ATVPDKIKX0DER,A2EUQ1WTGCTBG2", "lists 2 values; the model allows 1"},
		{"no_marketplace", "POST", "/solicitations/v1/orders/113-1/solicitations/productReviewAndSellerFeedback", "missing required query parameter marketplaceIds"},
		{"unknown_parameter", "POST", "/solicitations/v1/orders/113-1/solicitations/productReviewAndSellerFeedback?marketplaceIds=ATVPDKIKX0DER&x=1", "unknown query parameter x"},
	} {
		h.refusedAsDrift(c.name, c.method, c.path, "", c.want)
	}
}
