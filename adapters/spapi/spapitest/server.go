// Package spapitest is a fake Selling Partner API for tests: the Login
// with Amazon token endpoint, searchOrders (with pages), getOrder,
// confirmShipment, createRestrictedDataToken and the Feeds API (feeds.go). It checks every request
// against Amazon's models and answers 400 with Amazon's error body when a
// request drifts from them, so a client that no longer follows the spec
// fails its tests. It can expire tokens, answer scripted faults (429 with
// or without x-amzn-RateLimit-Limit, 500s, a refused shipment), and
// records each call with its time.
//
// It also keeps each operation's usage plan as Amazon does: a token bucket
// per operation (the documented rate and burst, or the rate it announces
// with SetRateLimit) on its own clock, which a test may replace with a
// simulated one. A call that finds its bucket empty is one Amazon would
// answer 429; OverPlan counts them.
package spapitest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
)

// The credentials the fake accepts.
const (
	ClientID     = "amzn1.application-oa2-client.fake"
	ClientSecret = "amzn1.oa2-cs.v1.FAKE-CLIENT-SECRET-5d1e"
	RefreshToken = "Atzr|FAKE-REFRESH-TOKEN-9c3a"
	TokenPath    = "/auth/o2/token"
)

// Call is one request the fake answered.
type Call struct {
	Op     string // operation id, or "token" for the LWA endpoint
	At     time.Time
	Status int
	Path   string
	Query  url.Values
	Token  string // the x-amz-access-token sent
	Body   []byte
}

// Fault is a scripted answer.
type Fault struct {
	Status int
	Header map[string]string
	Body   string // "" is an Amazon error body naming the status
}

// Server is the fake. Its fields are set before calls start; the methods
// are safe while they run.
type Server struct {
	*httptest.Server
	// Clock is the fake's time: token lifetimes, usage plans and the
	// calls' times. Default the system clock.
	Clock interface{ Now() time.Time }
	// Plans are the usage plans the fake measures calls against; New sets
	// the documented ones (spapi.DefaultPlans).
	Plans map[string]spapi.Plan

	ops []*spapitestOp

	mu       sync.Mutex
	orders   []spapi.Order
	faults   map[string][]Fault
	calls    []Call
	access   map[string]time.Time // issued access tokens: valid until (zero once expired)
	rdts     map[string]grant     // issued Restricted Data Tokens
	issued   int
	expireIn int
	limits   map[string]string // x-amzn-RateLimit-Limit on an operation's answers
	shipped  shipped           // confirmed shipments (shipments.go)
	buckets  map[string]*bucket
	over     map[string]int // calls past the usage plan, by operation
	reviews  reviews        // solicitations.go
	feed     feedState      // the Feeds API (feeds.go)
}

// grant is a Restricted Data Token's resource and lifetime.
type grant struct {
	path  string
	until time.Time
}

// bucket is an operation's usage plan as Amazon applies it: full at the
// first call, one token a call, refilled at the plan's rate.
type bucket struct {
	level float64
	at    time.Time
}

type spapitestOp struct {
	*Operation
	model *Model
}

// New starts a fake reading the models in dir (a copy of
// adapters/spapi/testdata/models) and closes it when the test ends.
func New(t testing.TB, dir string) *Server {
	t.Helper()
	s := &Server{Plans: spapi.DefaultPlans(), faults: map[string][]Fault{}, access: map[string]time.Time{}, rdts: map[string]grant{},
		limits: map[string]string{}, buckets: map[string]*bucket{}, over: map[string]int{}, expireIn: 3600}
	for _, m := range []struct{ file, op string }{
		{"orders_2026-01-01.json", spapi.OpSearchOrders},
		{"orders_2026-01-01.json", spapi.OpGetOrder},
		{"ordersV0.json", spapi.OpConfirmShipment},
		{"tokens_2021-03-01.json", spapi.OpCreateRestrictedDataToken},
		{"solicitations.json", spapi.OpGetSolicitationActions},
		{"solicitations.json", spapi.OpCreateReviewRequest},
		{"feeds_2021-06-30.json", spapi.OpCreateFeedDocument},
		{"feeds_2021-06-30.json", spapi.OpCreateFeed},
		{"feeds_2021-06-30.json", spapi.OpGetFeed},
		{"feeds_2021-06-30.json", spapi.OpGetFeeds},
		{"feeds_2021-06-30.json", spapi.OpGetFeedDocument},
	} {
		model, err := LoadModel(filepath.Join(dir, m.file))
		if err != nil {
			t.Fatalf("spapitest: %v", err)
		}
		op, err := model.Operation(m.op)
		if err != nil {
			t.Fatalf("spapitest: %s: %v", m.file, err)
		}
		s.ops = append(s.ops, &spapitestOp{op, model})
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// TokenURL is the fake's Login with Amazon endpoint.
func (s *Server) TokenURL() string { return s.URL + TokenPath }

// AddOrders adds orders searchOrders and getOrder return, in order.
func (s *Server) AddOrders(orders ...spapi.Order) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orders = append(s.orders, orders...)
}

// ChangeOrder replaces the order with o's id (an order Amazon updated);
// it is added when unknown.
func (s *Server) ChangeOrder(o spapi.Order) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.orders {
		if s.orders[i].OrderID == o.OrderID {
			s.orders[i] = o
			return
		}
	}
	s.orders = append(s.orders, o)
}

// Fail queues answers for an operation's next calls (after the request
// passed the model's checks), one per call; op "token" is Login with
// Amazon, whose Body is sent as it is.
func (s *Server) Fail(op string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[op] = append(s.faults[op], faults...)
}

// SetRateLimit makes every later answer of an operation (a scripted
// Fault's header aside) carry x-amzn-RateLimit-Limit: rate.
func (s *Server) SetRateLimit(op, rate string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits[op] = rate
}

// ExpireTokens makes every access token and Restricted Data Token issued
// so far expired.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.access {
		s.access[k] = time.Time{}
	}
	for k := range s.rdts {
		s.access[k] = time.Time{} // known, so refused as expired rather than invalid
		delete(s.rdts, k)
	}
}

// OverPlan is how many calls of an operation ("" for all) came when its
// usage plan had no token left: the calls Amazon would answer 429.
func (s *Server) OverPlan(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, v := range s.over {
		if op == "" || k == op {
			n += v
		}
	}
	return n
}

func (s *Server) now() time.Time {
	if s.Clock == nil {
		return time.Now()
	}
	return s.Clock.Now()
}

// spend takes a token from an operation's bucket at now, counting the call
// as over the plan when there is none. Amazon counts every call, refused
// ones included. A millionth of a token is forgiven: the client's bucket,
// kept in the store at microsecond precision, rounds too.
func (s *Server) spend(op string, now time.Time) {
	p, ok := s.Plans[op]
	if !ok {
		return
	}
	if v, err := strconv.ParseFloat(s.limits[op], 64); err == nil && v > 0 {
		p.Rate = v
	}
	b := s.buckets[op]
	if b == nil {
		b = &bucket{level: float64(p.Burst), at: now}
		s.buckets[op] = b
	}
	if now.After(b.at) {
		b.level = min(float64(p.Burst), b.level+now.Sub(b.at).Seconds()*p.Rate)
		b.at = now
	}
	if b.level < 1-1e-6 {
		s.over[op]++
		return
	}
	b.level--
}

// Calls returns the calls of an operation ("" for all), oldest first.
func (s *Server) Calls(op string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if op == "" || c.Op == op {
			out = append(out, c)
		}
	}
	return out
}

// ErrorBody is Amazon's error body.
func ErrorBody(code, message, details string) string {
	b, _ := json.Marshal(spapi.ErrorList{Errors: []spapi.Error{{Code: code, Message: message, Details: details}}})
	return string(b)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c := Call{At: s.now(), Path: r.URL.Path, Query: r.URL.Query(), Token: r.Header.Get("x-amz-access-token"), Body: body}
	status, header, out := s.answer(r, &c)
	c.Status = status
	s.mu.Lock()
	s.calls = append(s.calls, c)
	hold := s.holdFor(c)
	if v, ok := s.limits[c.Op]; ok && header["x-amzn-RateLimit-Limit"] == "" {
		w.Header().Set("x-amzn-RateLimit-Limit", v)
	}
	s.mu.Unlock()
	s.await(r.Context(), hold)
	for k, v := range header {
		w.Header().Set(k, v)
	}
	if out != "" && w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	io.WriteString(w, out)
}

func (s *Server) answer(r *http.Request, c *Call) (int, map[string]string, string) {
	if r.URL.Path == TokenPath {
		c.Op = "token"
		return s.lwa(r, c.Body)
	}
	if strings.HasPrefix(r.URL.Path, DocPath) {
		return s.document(r, c)
	}
	var op *spapitestOp
	for _, o := range s.ops {
		if o.Matches(r.Method, r.URL.Path) {
			op = o
		}
	}
	if op == nil {
		return 404, nil, ErrorBody("NotFound", "No such resource: "+r.Method+" "+r.URL.Path, "")
	}
	c.Op = op.ID
	errs := op.CheckQuery(r.URL.Query())
	errs = append(errs, op.CheckBody(c.Body)...)
	if op.BodySchema() != nil && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		errs = append(errs, "Content-Type is not application/json")
	}
	if op.ID == spapi.OpSearchOrders {
		q := r.URL.Query()
		if q.Has("createdAfter") == q.Has("lastUpdatedAfter") {
			errs = append(errs, "exactly one of createdAfter and lastUpdatedAfter is required")
		}
		if v := q.Get("maxResultsPerPage"); v != "" {
			if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 100 {
				errs = append(errs, "maxResultsPerPage must be between 1 and 100")
			}
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return 400, nil, ErrorBody("InvalidInput", "Request does not match the model: "+strings.Join(errs, "; "), "")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.spend(op.ID, c.At)
	// Auth: an RDT for restricted data, else a live access token.
	tok := c.Token
	restricted := needsRDT(op.ID, r.URL.Query())
	if g, ok := s.rdts[tok]; ok {
		if !restricted || g.path != r.URL.Path {
			return 403, nil, ErrorBody("Unauthorized", "Access to requested resource is denied.", "The Restricted Data Token does not cover this resource.")
		}
		if !c.At.Before(g.until) {
			return 403, nil, ErrorBody("Unauthorized", "Access to requested resource is denied.", "The Restricted Data Token you provided has expired.")
		}
	} else {
		until, known := s.access[tok]
		switch {
		case !known:
			return 403, nil, ErrorBody("Unauthorized", "Access to requested resource is denied.", "The access token you provided is invalid.")
		case !c.At.Before(until):
			return 403, nil, ErrorBody("Unauthorized", "Access to requested resource is denied.", "The access token you provided has expired.")
		case restricted:
			return 403, nil, ErrorBody("Unauthorized", "Access to requested resource is denied.", "Buyer information needs a Restricted Data Token.")
		}
	}
	if f := s.faults[op.ID]; len(f) > 0 {
		s.faults[op.ID] = f[1:]
		body := f[0].Body
		if body == "" {
			body = ErrorBody(strconv.Itoa(f[0].Status), http.StatusText(f[0].Status), "")
		}
		return f[0].Status, f[0].Header, body
	}
	switch op.ID {
	case spapi.OpSearchOrders:
		return s.search(r.URL.Query())
	case spapi.OpGetOrder:
		id, _ := url.PathUnescape(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:])
		for _, o := range s.orders {
			if o.OrderID == id {
				return jsonOK(spapi.GetOrderResponse{Order: trim(s.withPackages(o), r.URL.Query())})
			}
		}
		return 404, nil, ErrorBody("NotFound", "Order "+id+" not found.", "")
	case spapi.OpConfirmShipment:
		return s.confirm(r.URL.Path, c.Body)
	case spapi.OpGetSolicitationActions, spapi.OpCreateReviewRequest:
		return s.solicitation(op, r)
	case spapi.OpCreateFeedDocument, spapi.OpCreateFeed, spapi.OpGetFeed, spapi.OpGetFeeds, spapi.OpGetFeedDocument:
		return s.feeds(op.ID, r, c)
	default:
		var req spapi.CreateRestrictedDataTokenRequest
		if json.Unmarshal(c.Body, &req) != nil || len(req.RestrictedResources) == 0 {
			return 400, nil, ErrorBody("InvalidInput", "restrictedResources must list at least one resource.", "")
		}
		s.issued++
		rdt := fmt.Sprintf("Atz.sprdt|FAKE-RDT-%d", s.issued)
		s.rdts[rdt] = grant{path: req.RestrictedResources[0].Path, until: c.At.Add(time.Duration(s.expireIn) * time.Second)}
		return jsonOK(spapi.CreateRestrictedDataTokenResponse{RestrictedDataToken: rdt, ExpiresIn: s.expireIn})
	}
}

func (s *Server) lwa(r *http.Request, body []byte) (int, map[string]string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.faults["token"]; len(f) > 0 {
		s.faults["token"] = f[1:]
		return f[0].Status, f[0].Header, f[0].Body
	}
	form, err := url.ParseQuery(string(body))
	if r.Method != http.MethodPost || err != nil || form.Get("grant_type") != "refresh_token" {
		return 400, nil, `{"error":"unsupported_grant_type","error_description":"grant_type must be refresh_token"}`
	}
	if form.Get("client_id") != ClientID || form.Get("client_secret") != ClientSecret {
		return 401, nil, `{"error":"invalid_client","error_description":"Client authentication failed"}`
	}
	if form.Get("refresh_token") != RefreshToken {
		return 400, nil, `{"error":"invalid_grant","error_description":"The request has an invalid grant parameter : refresh_token"}`
	}
	s.issued++
	tok := fmt.Sprintf("Atza|FAKE-ACCESS-%d", s.issued)
	s.access[tok] = s.now().Add(time.Duration(s.expireIn) * time.Second)
	return jsonOK(map[string]any{"access_token": tok, "refresh_token": RefreshToken, "token_type": "bearer", "expires_in": s.expireIn})
}

func needsRDT(op string, q url.Values) bool {
	if op != spapi.OpSearchOrders && op != spapi.OpGetOrder {
		return false
	}
	for _, d := range strings.Split(q.Get("includedData"), ",") {
		if d == spapi.IncludeBuyer || d == spapi.IncludeRecipient {
			return true
		}
	}
	return false
}

// trim leaves out what includedData did not ask for.
func trim(o spapi.Order, q url.Values) spapi.Order {
	inc := strings.Split(q.Get("includedData"), ",")
	if !slices.Contains(inc, spapi.IncludeBuyer) {
		o.Buyer = nil
	}
	if !slices.Contains(inc, spapi.IncludeRecipient) {
		o.Recipient = nil
	}
	if !slices.Contains(inc, spapi.IncludePackages) {
		o.Packages = nil
	}
	if !slices.Contains(inc, spapi.IncludeProceeds) {
		o.Proceeds = nil
	}
	if !slices.Contains(inc, spapi.IncludeFulfillment) {
		o.Fulfillment = nil
	}
	return o
}

// search pages the orders updated (or created) at or after the query's
// time; the pagination token is the offset of the next page.
func (s *Server) search(q url.Values) (int, map[string]string, string) {
	var match []spapi.Order
	after, field := q.Get("lastUpdatedAfter"), "updated"
	if after == "" {
		after, field = q.Get("createdAfter"), "created"
	}
	since, _ := time.Parse(time.RFC3339, after)
	for _, o := range s.orders {
		t := o.LastUpdatedTime
		if field == "created" {
			t = o.CreatedTime
		}
		if at, err := time.Parse(time.RFC3339, t); err == nil && !at.Before(since) {
			match = append(match, s.withPackages(o))
		}
	}
	size := 100
	if v := q.Get("maxResultsPerPage"); v != "" {
		size, _ = strconv.Atoi(v)
	}
	from := 0
	if tok := q.Get("paginationToken"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "page-"))
		if err != nil || n < 0 || n > len(match) {
			return 400, nil, ErrorBody("InvalidInput", "Invalid paginationToken.", "")
		}
		from = n
	}
	to := min(from+size, len(match))
	resp := spapi.SearchOrdersResponse{Orders: []spapi.Order{}}
	for _, o := range match[from:to] {
		resp.Orders = append(resp.Orders, trim(o, q))
	}
	if to < len(match) {
		resp.Pagination = &spapi.Pagination{NextToken: fmt.Sprintf("page-%d", to)}
	}
	return jsonOK(resp)
}

func jsonOK(v any) (int, map[string]string, string) {
	b, err := json.Marshal(v)
	if err != nil {
		return 500, nil, ErrorBody("InternalFailure", err.Error(), "")
	}
	return 200, nil, string(b)
}
