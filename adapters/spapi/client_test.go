package spapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/adapters/spapi/spapitest"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

// TestModelsMatch walks each Go type against its model definition: every
// JSON field must be one of the definition's properties, every required
// property must be a field, and a required one must not be omitempty.
func TestModelsMatch(t *testing.T) {
	roots := []struct {
		file, def string
		v         any
	}{
		{"orders_2026-01-01.json", "SearchOrdersResponse", spapi.SearchOrdersResponse{}},
		{"orders_2026-01-01.json", "GetOrderResponse", spapi.GetOrderResponse{}},
		{"orders_2026-01-01.json", "ErrorList", spapi.ErrorList{}},
		{"ordersV0.json", "ConfirmShipmentRequest", spapi.ConfirmShipmentRequest{}},
		{"ordersV0.json", "Error", spapi.Error{}},
		{"tokens_2021-03-01.json", "CreateRestrictedDataTokenRequest", spapi.CreateRestrictedDataTokenRequest{}},
		{"tokens_2021-03-01.json", "CreateRestrictedDataTokenResponse", spapi.CreateRestrictedDataTokenResponse{}},
		{"tokens_2021-03-01.json", "ErrorList", spapi.ErrorList{}},
		{"solicitations.json", "GetSolicitationActionsForOrderResponse", spapi.GetSolicitationActionsForOrderResponse{}},
		{"feeds_2021-06-30.json", "CreateFeedDocumentSpecification", spapi.CreateFeedDocumentSpecification{}},
		{"feeds_2021-06-30.json", "CreateFeedDocumentResponse", spapi.CreateFeedDocumentResponse{}},
		{"feeds_2021-06-30.json", "CreateFeedSpecification", spapi.CreateFeedSpecification{}},
		{"feeds_2021-06-30.json", "CreateFeedResponse", spapi.CreateFeedResponse{}},
		{"feeds_2021-06-30.json", "Feed", spapi.Feed{}},
		{"feeds_2021-06-30.json", "GetFeedsResponse", spapi.GetFeedsResponse{}},
		{"feeds_2021-06-30.json", "FeedDocument", spapi.FeedDocument{}},
		{"feeds_2021-06-30.json", "ErrorList", spapi.ErrorList{}},
	}
	walked := 0
	for _, r := range roots {
		m, err := spapitest.LoadModel(modelsDir + "/" + r.file)
		if err != nil {
			t.Fatal(err)
		}
		var walk func(at string, typ reflect.Type, s *spapitest.Schema)
		walk = func(at string, typ reflect.Type, s *spapitest.Schema) {
			s = m.Resolve(s)
			for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
				typ = typ.Elem()
				if s.Type == "array" {
					s = m.Resolve(s.Items)
				}
			}
			if typ.Kind() != reflect.Struct {
				return
			}
			walked++
			fields := map[string]bool{}
			for f := range typ.Fields() {
				name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
				prop, ok := s.Properties[name]
				if !ok {
					t.Errorf("%s: %s.%s (json %q) is not in the model's definition", r.file, at, f.Name, name)
					continue
				}
				if slices.Contains(s.Required, name) && strings.Contains(opts, "omitempty") {
					t.Errorf("%s: %s.%s is required by the model but omitempty", r.file, at, name)
				}
				fields[name] = true
				walk(at+"."+name, f.Type, prop)
			}
			for _, req := range s.Required {
				if !fields[req] {
					t.Errorf("%s: %s lacks the model's required field %q", r.file, at, req)
				}
			}
		}
		d := m.Def(r.def)
		if d == nil {
			t.Fatalf("%s has no definition %s", r.file, r.def)
		}
		walk(r.def, reflect.TypeOf(r.v), d)
	}
	if walked < 25 {
		t.Fatalf("walked only %d structs", walked)
	}
}

// TestFakeRefusesDrift: a request that does not follow the model gets
// Amazon's 400, so a client that drifts fails its tests.
func TestFakeRefusesDrift(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name, method, path, body string
		want                     string
	}{
		{"repeated array parameter", "GET", "/orders/2026-01-01/orders?lastUpdatedAfter=2026-01-01T00:00:00Z&marketplaceIds=A&marketplaceIds=B", "", "given 2 times"},
		{"unknown includedData", "GET", "/orders/2026-01-01/orders?lastUpdatedAfter=2026-01-01T00:00:00Z&includedData=BUYERS", "", "is not one of"},
		{"no time", "GET", "/orders/2026-01-01/orders?marketplaceIds=A", "", "exactly one of"},
		{"bad date", "GET", "/orders/2026-01-01/orders?lastUpdatedAfter=yesterday", "", "date-time"},
		{"page too big", "GET", "/orders/2026-01-01/orders?lastUpdatedAfter=2026-01-01T00:00:00Z&maxResultsPerPage=500", "", "between 1 and 100"},
		{"unknown parameter", "GET", "/orders/2026-01-01/orders?lastUpdatedAfter=2026-01-01T00:00:00Z&NextToken=x", "", "unknown query parameter NextToken"},
		{"shipment without tracking", "POST", "/orders/v0/orders/113-1/shipmentConfirmation",
			`{"marketplaceId":"ATVPDKIKX0DER","packageDetail":{"packageReferenceId":"1","carrierCode":"UPS","shipDate":"2026-11-02T08:00:00Z","orderItems":[{"orderItemId":"1","quantity":1}]}}`, "packageDetail.trackingNumber is required"},
		{"quantity as text", "POST", "/orders/v0/orders/113-1/shipmentConfirmation",
			`{"marketplaceId":"ATVPDKIKX0DER","packageDetail":{"packageReferenceId":"1","carrierCode":"UPS","trackingNumber":"1Z","shipDate":"2026-11-02T08:00:00Z","orderItems":[{"orderItemId":"1","quantity":"1"}]}}`, "quantity is not a integer"},
		{"unknown body field", "POST", "/tokens/2021-03-01/restrictedDataToken", `{"restrictedResources":[{"method":"GET","path":"/x"}],"resources":[]}`, "body.resources is not in the model"},
	}
	for _, c := range cases {
		h.refusedAsDrift(c.name, c.method, c.path, c.body, c.want)
	}
}

// refusedAsDrift sends a raw request to the fake and checks it answers
// Amazon's 400 with one error mentioning want.
func (h *harness) refusedAsDrift(name, method, path, body, want string) {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.fake.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	var el spapi.ErrorList
	_ = json.NewDecoder(resp.Body).Decode(&el)
	resp.Body.Close()
	if resp.StatusCode != 400 || len(el.Errors) != 1 || !strings.Contains(el.Errors[0].Message, want) {
		h.t.Errorf("%s: got %d %+v, want 400 mentioning %q", name, resp.StatusCode, el, want)
	}
}

func TestSearchOrdersFollowsEveryPageWithOneRDT(t *testing.T) {
	h := newHarness(t)
	for i := range 7 {
		h.fake.AddOrders(order(i+1, t0.Add(time.Duration(i)*time.Minute)))
	}
	h.fake.AddOrders(order(99, t0.Add(-48*time.Hour))) // before the cursor
	var got []spapi.Order
	pages := 0
	q := spapi.SearchOrdersQuery{
		LastUpdatedAfter: t0.Add(-time.Hour), MarketplaceIDs: []string{"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"}, MaxResultsPerPage: 3,
		IncludedData: []string{spapi.IncludeBuyer, spapi.IncludeRecipient, spapi.IncludeFulfillment, spapi.IncludeCancellation, spapi.IncludePackages, spapi.IncludeProceeds},
	}
	err := h.client.EachOrderPage(context.Background(), q, func(p *spapi.SearchOrdersResponse) error {
		pages++
		got = append(got, p.Orders...)
		return nil
	})
	if err != nil {
		t.Fatalf("EachOrderPage: %v", err)
	}
	if pages != 3 || len(got) != 7 {
		t.Fatalf("got %d orders in %d pages, want 7 in 3", len(got), pages)
	}
	for i, o := range got {
		want := order(i+1, t0.Add(time.Duration(i)*time.Minute))
		if !reflect.DeepEqual(o, want) {
			t.Fatalf("order %d:\n got %+v\nwant %+v", i, o, want)
		}
	}
	calls := h.fake.Calls(spapi.OpSearchOrders)
	if len(calls) != 3 || calls[1].Query.Get("paginationToken") == "" || calls[0].Query.Get("marketplaceIds") != "ATVPDKIKX0DER,A2EUQ1WTGCTBG2" {
		t.Fatalf("searchOrders calls: %+v", calls)
	}
	rdts := h.fake.Calls(spapi.OpCreateRestrictedDataToken)
	if len(rdts) != 1 {
		t.Fatalf("%d RDTs for one search, want 1", len(rdts))
	}
	var req spapi.CreateRestrictedDataTokenRequest
	if err := json.Unmarshal(rdts[0].Body, &req); err != nil {
		t.Fatal(err)
	}
	want := spapi.CreateRestrictedDataTokenRequest{RestrictedResources: []spapi.RestrictedResource{{Method: "GET", Path: "/orders/2026-01-01/orders", DataElements: []string{"buyerInfo", "shippingAddress"}}}}
	if !reflect.DeepEqual(req, want) {
		t.Fatalf("RDT request %+v, want %+v", req, want)
	}
	for _, c := range calls {
		if !strings.HasPrefix(c.Token, "Atz.sprdt|") {
			t.Fatalf("searchOrders with buyer data sent with %q, not the RDT", c.Token)
		}
	}
	if strings.HasPrefix(rdts[0].Token, "Atz.sprdt|") || rdts[0].Token == "" {
		t.Fatalf("createRestrictedDataToken sent with %q, want the access token", rdts[0].Token)
	}
}

func TestGetOrderUsesAnRDTOnlyForBuyerData(t *testing.T) {
	h := newHarness(t)
	h.fake.AddOrders(order(1, t0))
	ctx := context.Background()
	o, err := h.client.GetOrder(ctx, order(1, t0).OrderID, []string{spapi.IncludeFulfillment})
	if err != nil {
		t.Fatalf("GetOrder: %v", err)
	}
	if o.Buyer != nil || o.Fulfillment == nil || len(h.fake.Calls(spapi.OpCreateRestrictedDataToken)) != 0 {
		t.Fatalf("without buyer data: buyer %+v, fulfillment %+v, RDTs %d", o.Buyer, o.Fulfillment, len(h.fake.Calls(spapi.OpCreateRestrictedDataToken)))
	}
	o, err = h.client.GetOrder(ctx, order(1, t0).OrderID, []string{spapi.IncludeBuyer, spapi.IncludeRecipient})
	if err != nil {
		t.Fatalf("GetOrder with buyer data: %v", err)
	}
	if o.Buyer == nil || o.Buyer.BuyerName != "Buyer 1" || o.Recipient.DeliveryAddress.City != "Seattle" {
		t.Fatalf("buyer %+v, recipient %+v", o.Buyer, o.Recipient)
	}
	rdts := h.fake.Calls(spapi.OpCreateRestrictedDataToken)
	calls := h.fake.Calls(spapi.OpGetOrder)
	if len(rdts) != 1 || !strings.Contains(string(rdts[0].Body), `"path":"/orders/2026-01-01/orders/113-0000000-0000001"`) || !strings.HasPrefix(calls[1].Token, "Atz.sprdt|") {
		t.Fatalf("RDT calls %d (%s), getOrder token %q", len(rdts), rdts[0].Body, calls[1].Token)
	}
	_, err = h.client.GetOrder(ctx, "113-9999999-9999999", nil)
	wantErr(t, err, core.NotFound, "not found")
}

func TestExpiredTokenIsRefreshedOnce(t *testing.T) {
	h := newHarness(t)
	h.fake.AddOrders(order(1, t0))
	ctx := context.Background()
	id := order(1, t0).OrderID
	if _, err := h.client.GetOrder(ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.GetOrder(ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(h.fake.Calls("token")); n != 1 {
		t.Fatalf("%d token requests for two calls, want 1 (cached)", n)
	}
	h.fake.ExpireTokens()
	if _, err := h.client.GetOrder(ctx, id, nil); err != nil {
		t.Fatalf("GetOrder after the token expired: %v", err)
	}
	if n := len(h.fake.Calls("token")); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
	// Refused as expired again with the new token: an error, not a loop.
	expired := spapitest.Fault{Status: 401, Body: spapitest.ErrorBody("Unauthorized", "Access to requested resource is denied.", "The access token you provided has expired.")}
	h.fake.Fail(spapi.OpGetOrder, expired, expired)
	before := len(h.fake.Calls(spapi.OpGetOrder))
	_, err := h.client.GetOrder(ctx, id, nil)
	wantErr(t, err, core.Forbidden, "Access to requested resource is denied.")
	if n := len(h.fake.Calls(spapi.OpGetOrder)) - before; n != 2 {
		t.Fatalf("%d getOrder calls for an expired token refused twice, want 2", n)
	}
	// Many goroutines needing a token at once: one refresh.
	h.fake.ExpireTokens()
	tokens := len(h.fake.Calls("token"))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := h.client.GetOrder(ctx, id, nil); err != nil {
				t.Errorf("GetOrder: %v", err)
			}
		})
	}
	wg.Wait()
	if n := len(h.fake.Calls("token")) - tokens; n != 1 {
		t.Fatalf("%d token refreshes for 8 concurrent calls, want 1", n)
	}
}

func TestRateLimitedCallsRetryAndAdoptTheRate(t *testing.T) {
	h := newHarness(t)
	h.fake.AddOrders(order(1, t0))
	ctx := context.Background()
	id := order(1, t0).OrderID
	if p := h.client.Plan(spapi.OpGetOrder); p != (spapi.Plan{Rate: 0.5, Burst: 30}) {
		t.Fatalf("getOrder plan %+v, want the model's 0.5/s burst 30", p)
	}
	h.fake.Fail(spapi.OpGetOrder, spapitest.Fault{Status: 429})
	if _, err := h.client.GetOrder(ctx, id, nil); err != nil {
		t.Fatalf("GetOrder after a 429: %v", err)
	}
	if p := h.client.Plan(spapi.OpGetOrder); p.Rate != 0.5 {
		t.Fatalf("a 429 without the header changed the rate to %g", p.Rate)
	}
	if s := h.sleeps(); len(s) != 1 || s[0] < 500*time.Millisecond || s[0] > time.Second {
		t.Fatalf("backoff after the first 429: %v, want one wait of 0.5–1s", s)
	}
	h.fake.Fail(spapi.OpGetOrder, spapitest.Fault{Status: 429, Header: map[string]string{"x-amzn-RateLimit-Limit": "0.25"}},
		spapitest.Fault{Status: 503, Header: map[string]string{"Retry-After": "7"}})
	if _, err := h.client.GetOrder(ctx, id, nil); err != nil {
		t.Fatalf("GetOrder after a 429 and a 503: %v", err)
	}
	if p := h.client.Plan(spapi.OpGetOrder); p != (spapi.Plan{Rate: 0.25, Burst: 30}) {
		t.Fatalf("plan after x-amzn-RateLimit-Limit: 0.25: %+v", p)
	}
	if s := h.sleeps(); len(s) != 3 || s[2] != 7*time.Second {
		t.Fatalf("waits %v: want Retry-After's 7s last", s)
	}
	// Adopting getOrder's rate leaves the other operations' plans alone.
	if p := h.client.Plan(spapi.OpSearchOrders); p.Rate != 0.0056 || p.Burst != 20 {
		t.Fatalf("searchOrders plan %+v", p)
	}
	// A successful answer's header is adopted too.
	h.fake.SetRateLimit(spapi.OpGetOrder, "1.5")
	if _, err := h.client.GetOrder(ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	if p := h.client.Plan(spapi.OpGetOrder); p.Rate != 1.5 {
		t.Fatalf("plan after a 200 with x-amzn-RateLimit-Limit: 1.5: %+v", p)
	}
}

func TestServerErrorsRetriedThenUnavailable(t *testing.T) {
	h := newHarness(t, func(c *spapi.Config) { c.MaxAttempts = 3 })
	h.fake.AddOrders(order(1, t0))
	ctx := context.Background()
	id := order(1, t0).OrderID
	h.fake.Fail(spapi.OpGetOrder, spapitest.Fault{Status: 500}, spapitest.Fault{Status: 502})
	if _, err := h.client.GetOrder(ctx, id, nil); err != nil {
		t.Fatalf("GetOrder after two 5xx: %v", err)
	}
	if n := len(h.fake.Calls(spapi.OpGetOrder)); n != 3 {
		t.Fatalf("%d calls, want 3", n)
	}
	h.fake.Fail(spapi.OpGetOrder, spapitest.Fault{Status: 500}, spapitest.Fault{Status: 504}, spapitest.Fault{Status: 503})
	_, err := h.client.GetOrder(ctx, id, nil)
	wantErr(t, err, core.Unavailable, "3 times")
	if n := len(h.fake.Calls(spapi.OpGetOrder)); n != 6 {
		t.Fatalf("%d calls after exhaustion, want 6 (3 more, bounded)", n)
	}
	// Backoff grows: 0.5–1s, then 1–2s.
	s := h.sleeps()
	if len(s) != 4 || s[2] < 500*time.Millisecond || s[2] > time.Second || s[3] < time.Second || s[3] > 2*time.Second {
		t.Fatalf("backoffs %v", s)
	}
}

func TestConfirmShipmentSendsTheModelsBodyAndSurfacesARefusal(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	req := spapi.ConfirmShipmentRequest{
		MarketplaceID: "ATVPDKIKX0DER",
		PackageDetail: spapi.PackageDetail{
			PackageReferenceID: "1", CarrierCode: "Other", CarrierName: "Hermes", ShippingMethod: "Standard",
			TrackingNumber: "H1000123456789", ShipDate: "2026-11-02T08:00:00Z",
			OrderItems: []spapi.ConfirmShipmentOrderItem{{OrderItemID: "79039765272157", Quantity: 2}},
		},
	}
	if err := h.client.ConfirmShipment(ctx, "113-0000000-0000001", req); err != nil {
		t.Fatalf("ConfirmShipment: %v", err)
	}
	calls := h.fake.Calls(spapi.OpConfirmShipment)
	if len(calls) != 1 || calls[0].Path != "/orders/v0/orders/113-0000000-0000001/shipmentConfirmation" || calls[0].Status != 204 {
		t.Fatalf("calls %+v", calls)
	}
	var got, want any
	_ = json.Unmarshal(calls[0].Body, &got)
	_ = json.Unmarshal([]byte(`{"marketplaceId":"ATVPDKIKX0DER","packageDetail":{"packageReferenceId":"1","carrierCode":"Other",
		"carrierName":"Hermes","shippingMethod":"Standard","trackingNumber":"H1000123456789","shipDate":"2026-11-02T08:00:00Z",
		"orderItems":[{"orderItemId":"79039765272157","quantity":2}]}}`), &want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("body %s", calls[0].Body)
	}
	h.fake.Fail(spapi.OpConfirmShipment, spapitest.Fault{Status: 400, Body: spapitest.ErrorBody("InvalidInput", "The tracking number H1000123456789 is not valid for carrier Hermes.", "")})
	err := h.client.ConfirmShipment(ctx, "113-0000000-0000001", req)
	wantErr(t, err, core.Invalid, "The tracking number H1000123456789 is not valid for carrier Hermes.")
	if n := len(h.fake.Calls(spapi.OpConfirmShipment)); n != 2 {
		t.Fatalf("a refusal was retried: %d calls", n)
	}
}

func TestNoSecretInErrorsOrLogs(t *testing.T) {
	h := newHarness(t, func(c *spapi.Config) { c.MaxAttempts = 2 })
	bad := newHarness(t, func(c *spapi.Config) { c.RefreshToken = "Atzr|WRONG-REFRESH-TOKEN" })
	h.fake.AddOrders(order(1, t0))
	ctx := context.Background()
	id := order(1, t0).OrderID
	var errs []error
	note := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	_, err := bad.client.GetOrder(ctx, id, nil)
	wantErr(t, err, core.Forbidden, "spapi.refresh_token")
	note(err)
	_, err = h.client.GetOrder(ctx, id, []string{spapi.IncludeBuyer})
	note(err)
	h.fake.ExpireTokens()
	h.fake.Fail(spapi.OpGetOrder, spapitest.Fault{Status: 403, Body: spapitest.ErrorBody("Unauthorized", "Access to requested resource is denied.", "")})
	_, err = h.client.GetOrder(ctx, id, nil)
	note(err)
	h.fake.Fail(spapi.OpGetOrder, spapitest.Fault{Status: 500}, spapitest.Fault{Status: 500})
	_, err = h.client.GetOrder(ctx, id, nil)
	note(err)
	if len(errs) < 3 {
		t.Fatalf("only %d errors to check", len(errs))
	}
	text := h.log.String() + bad.log.String()
	for _, e := range errs {
		text += e.Error() + "\n"
		slog.New(slog.NewTextHandler(h.log, nil)).Error("spapi call failed", "err", e)
	}
	text += h.log.String()
	secrets := []string{spapitest.ClientSecret, spapitest.RefreshToken, "Atzr|WRONG-REFRESH-TOKEN"}
	for _, c := range append(h.fake.Calls(""), bad.fake.Calls("")...) {
		if c.Token != "" {
			secrets = append(secrets, c.Token)
		}
		if c.Op == "token" {
			form, _ := url.ParseQuery(string(c.Body))
			secrets = append(secrets, form.Get("client_secret"), form.Get("refresh_token"))
		}
	}
	if len(secrets) < 6 {
		t.Fatalf("only %d secrets seen: %v", len(secrets), secrets)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("secret %q appears in an error or the log:\n%s", s, text)
		}
	}
}

func TestRateWaitPastTheContextSaysWhenToRetry(t *testing.T) {
	h := newHarness(t, func(c *spapi.Config) {
		c.Sleep = nil
		c.Plans = map[string]spapi.Plan{spapi.OpGetOrder: {Rate: 0.001, Burst: 1}}
	})
	h.fake.AddOrders(order(1, t0))
	id := order(1, t0).OrderID
	if _, err := h.client.GetOrder(context.Background(), id, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	// The token comes in about 1,000 s, long after the deadline: the call
	// says when to retry at once instead of sleeping into the deadline.
	_, err := h.client.GetOrder(ctx, id, nil)
	var ra *core.RetryAfter
	if !errors.As(err, &ra) || ra.Wait < 900*time.Second || ctx.Err() != nil {
		t.Fatalf("GetOrder on an empty bucket: %v (context: %v), want a RetryAfter of about 1,000 s before the deadline", err, ctx.Err())
	}
	if n := len(h.fake.Calls(spapi.OpGetOrder)); n != 1 {
		t.Fatalf("%d calls reached Amazon past an empty bucket", n)
	}
}

func TestNewRefusesMissingSettings(t *testing.T) {
	h := newHarness(t)
	_, err := spapi.New(spapi.Config{Endpoint: h.fake.URL, TokenURL: h.fake.TokenURL(), ClientID: "x", RefreshToken: "y"})
	wantErr(t, err, core.Invalid, "spapi.client_secret")
	_, err = spapi.New(spapi.Config{Endpoint: "sellingpartnerapi-na.amazon.com", TokenURL: h.fake.TokenURL(), ClientID: "x", ClientSecret: "s", RefreshToken: "y"})
	wantErr(t, err, core.Invalid, "spapi.endpoint")
}

// TestReplicasShareTheBucket: two clients on one store (two replicas)
// calling getOrder at once stay within burst + rate × time together.
func TestReplicasShareTheBucket(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testReplicas(t, storetest.OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		storetest.PostgresURL(t)
		testReplicas(t, storetest.OpenPostgres(t))
	})
}

func testReplicas(t *testing.T, store core.Store) {
	fake := spapitest.New(t, modelsDir)
	fake.AddOrders(order(1, t0))
	plan := spapi.Plan{Rate: 20, Burst: 3}
	var clients []*spapi.Client
	for range 2 {
		c, err := spapi.New(spapi.Config{
			Endpoint: fake.URL, TokenURL: fake.TokenURL(), ClientID: spapitest.ClientID, ClientSecret: spapitest.ClientSecret,
			RefreshToken: spapitest.RefreshToken, Seller: "A1SELLER", Engine: core.NewEngine(store, core.Options{}),
			Plans: map[string]spapi.Plan{spapi.OpGetOrder: plan},
		})
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	const each = 10
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			for range each {
				if _, err := c.GetOrder(context.Background(), order(1, t0).OrderID, nil); err != nil {
					t.Errorf("GetOrder: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	calls := fake.Calls(spapi.OpGetOrder)
	if len(calls) != 2*each {
		t.Fatalf("%d calls reached the fake, want %d", len(calls), 2*each)
	}
	// Every window of calls [i, j] holds at most burst + rate × its length
	// (one more for the trip from taking a token to reaching the fake).
	for i := range calls {
		for j := i; j < len(calls); j++ {
			n := float64(j - i + 1)
			allowed := float64(plan.Burst) + plan.Rate*calls[j].At.Sub(calls[i].At).Seconds() + 1
			if n > allowed {
				t.Fatalf("calls %d..%d: %g calls in %s, over the plan's %g", i, j, n, calls[j].At.Sub(calls[i].At), allowed)
			}
		}
	}
}

func wantErr(t *testing.T, err error, code core.Code, mention string) {
	t.Helper()
	if core.ErrorCode(err) != code || !strings.Contains(err.Error(), mention) {
		t.Fatalf("got %v (code %q), want %q mentioning %q", err, core.ErrorCode(err), code, mention)
	}
}

// TestAccessTokenRefreshedBeforeItExpires: the cached token is used until
// shortly before its expires_in, then exchanged again.
func TestAccessTokenRefreshedBeforeItExpires(t *testing.T) {
	clock := enginetest.NewClock(t0)
	h := newHarness(t, func(c *spapi.Config) { c.Clock = clock })
	h.fake.AddOrders(order(1, t0))
	ctx := context.Background()
	get := func() {
		t.Helper()
		if _, err := h.client.GetOrder(ctx, order(1, t0).OrderID, nil); err != nil {
			t.Fatal(err)
		}
	}
	get()
	clock.Advance(58 * time.Minute)
	get()
	if n := len(h.fake.Calls("token")); n != 1 {
		t.Fatalf("%d token requests within the hour, want 1", n)
	}
	clock.Advance(90 * time.Second) // 30s before expires_in (3600s)
	get()
	calls := h.fake.Calls(spapi.OpGetOrder)
	if n := len(h.fake.Calls("token")); n != 2 || calls[2].Token == calls[1].Token {
		t.Fatalf("%d token requests near expiry (tokens %q, %q), want a new one", n, calls[1].Token, calls[2].Token)
	}
}
