// Package spapi is sellerdesk's client of Amazon's Selling Partner API:
// searchOrders and getOrder (Orders API 2026-01-01), confirmShipment
// (Orders API v0) and createRestrictedDataToken (Tokens API), with Login
// with Amazon access tokens and one token bucket per operation shared by
// every replica through the store.
package spapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// The operations of the client, by their model names.
const (
	OpSearchOrders              = "searchOrders"
	OpGetOrder                  = "getOrder"
	OpConfirmShipment           = "confirmShipment"
	OpCreateRestrictedDataToken = "createRestrictedDataToken"
	// Solicitations API v1 (review requests, review.go).
	OpGetSolicitationActions = "getSolicitationActionsForOrder"
	OpCreateReviewRequest    = "createProductReviewAndSellerFeedbackSolicitation"
	// Feeds API 2021-06-30: cancels go to Amazon as a feed (cancelfeed.go).
	OpCreateFeedDocument = "createFeedDocument"
	OpCreateFeed         = "createFeed"
	OpGetFeed            = "getFeed"
	OpGetFeeds           = "getFeeds"
	OpGetFeedDocument    = "getFeedDocument"
)

// Plan is an operation's usage plan: Rate requests a second, up to Burst
// at once.
type Plan struct {
	Rate  float64
	Burst int
}

// DefaultPlans are the usage plans the models document for each operation.
func DefaultPlans() map[string]Plan {
	return map[string]Plan{
		OpSearchOrders:              {Rate: 0.0056, Burst: 20},
		OpGetOrder:                  {Rate: 0.5, Burst: 30},
		OpConfirmShipment:           {Rate: 2, Burst: 10},
		OpCreateRestrictedDataToken: {Rate: 1, Burst: 10},
		OpGetSolicitationActions:    {Rate: 1, Burst: 5},
		OpCreateReviewRequest:       {Rate: 1, Burst: 5},
		OpCreateFeedDocument:        {Rate: 0.5, Burst: 15},
		OpCreateFeed:                {Rate: 0.0083, Burst: 15},
		OpGetFeed:                   {Rate: 2, Burst: 15},
		OpGetFeeds:                  {Rate: 0.0222, Burst: 10},
		OpGetFeedDocument:           {Rate: 0.0222, Burst: 10},
	}
}

// Config is what a Client needs. Endpoint, TokenURL, ClientID,
// ClientSecret, RefreshToken and Engine are required.
type Config struct {
	Endpoint     string // e.g. https://sellingpartnerapi-na.amazon.com
	TokenURL     string // Login with Amazon, https://api.amazon.com/auth/o2/token
	ClientID     string
	ClientSecret string
	RefreshToken string
	// Seller is the seller id (merchant token): it names the rate buckets
	// replicas of one seller share, and is the MerchantIdentifier of feeds.
	Seller string
	// Engine keeps the rate buckets in the store.
	Engine *core.Engine
	// Plans overrides DefaultPlans per operation.
	Plans       map[string]Plan
	HTTP        *http.Client
	Clock       core.Clock
	Log         *slog.Logger
	MaxAttempts int // tries of a call answered 429 or 5xx; default 5
	// Sleep waits (backoff, rate buckets) or returns ctx's error; default a timer.
	Sleep func(context.Context, time.Duration) error
}

// Client calls the SP-API. It is safe for concurrent use.
type Client struct {
	cfg      Config
	endpoint string

	mu    sync.Mutex      // guards plans
	plans map[string]Plan // x-amzn-RateLimit-Limit adopted over the defaults
	auth  sync.Mutex      // one token refresh at a time
	token string          // the cached access token
	until time.Time       // when to refresh it
}

// New checks the configuration and returns a client; it calls nothing.
func New(cfg Config) (*Client, error) {
	for _, f := range []struct{ key, v string }{
		{"spapi.endpoint", cfg.Endpoint}, {"spapi.token_url", cfg.TokenURL},
		{"spapi.client_id", cfg.ClientID}, {"spapi.client_secret", cfg.ClientSecret},
		{"spapi.refresh_token", cfg.RefreshToken},
	} {
		if strings.TrimSpace(f.v) == "" {
			return nil, core.FieldErrorf(core.Invalid, f.key, "%s is empty: the Amazon connection needs it", f.key)
		}
	}
	for _, f := range []struct{ key, v string }{{"spapi.endpoint", cfg.Endpoint}, {"spapi.token_url", cfg.TokenURL}} {
		u, err := url.Parse(f.v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, core.FieldErrorf(core.Invalid, f.key, "%s must be an http(s) URL such as https://sellingpartnerapi-na.amazon.com (got %q)", f.key, f.v)
		}
	}
	if cfg.Engine == nil {
		return nil, core.Errorf(core.Internal, "The SP-API client needs the engine for its rate buckets.")
	}
	plans := DefaultPlans()
	for op, p := range cfg.Plans {
		if _, ok := plans[op]; !ok || !(p.Rate > 0) || p.Burst < 1 {
			return nil, core.FieldErrorf(core.Invalid, "plans", "Usage plan for %q must be a known operation with a rate above 0 and a burst of at least 1", op)
		}
		plans[op] = p
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: time.Minute}
	}
	if cfg.Clock == nil {
		cfg.Clock = core.SystemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxAttempts < 1 {
		cfg.MaxAttempts = 5
	}
	if cfg.Sleep == nil {
		cfg.Sleep = core.Sleep
	}
	if cfg.Seller == "" {
		cfg.Seller = "default"
	}
	return &Client{cfg: cfg, endpoint: strings.TrimRight(cfg.Endpoint, "/"), plans: plans}, nil
}

// Plan returns the usage plan in force for an operation: the documented
// one, or the rate Amazon last sent in x-amzn-RateLimit-Limit.
func (c *Client) Plan(op string) Plan {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.plans[op]
}

func (c *Client) adopt(op, header string) {
	rate, err := strconv.ParseFloat(strings.TrimSpace(header), 64)
	if err != nil || !(rate > 0) || math.IsInf(rate, 0) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.plans[op]
	if p.Rate != rate {
		c.cfg.Log.Info("spapi: Amazon set a new rate", "operation", op, "rate", rate, "was", p.Rate)
		p.Rate = rate
		c.plans[op] = p
	}
}

// accessToken returns the cached LWA access token, refreshing it (one
// caller at a time; the others wait and use the new one) when it is
// missing, about to expire, or equal to stale (the one a call was refused
// with).
func (c *Client) accessToken(ctx context.Context, stale string) (string, error) {
	c.auth.Lock()
	defer c.auth.Unlock()
	if c.token != "" && c.token != stale && c.cfg.Clock.Now().Before(c.until) {
		return c.token, nil
	}
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {c.cfg.RefreshToken},
		"client_id":     {c.cfg.ClientID},
		"client_secret": {c.cfg.ClientSecret},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", core.Errorf(core.Internal, "Could not build the Login with Amazon request.")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		// The error names the URL only: the form (and its secrets) is the body.
		return "", &core.Error{Code: core.Unavailable, Message: "Login with Amazon could not be reached; try again later.", Err: scrubURLError(err)}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &tok)
	switch {
	case resp.StatusCode == http.StatusOK && tok.AccessToken != "":
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return "", core.Errorf(core.Unavailable, "Login with Amazon answered %d; try again later.", resp.StatusCode)
	case resp.StatusCode == http.StatusOK:
		return "", core.Errorf(core.Unavailable, "Login with Amazon answered without an access token.")
	case tok.Error == "invalid_client":
		// LWA's error codes name what to fix; its descriptions never echo
		// the secrets.
		return "", core.FieldErrorf(core.Forbidden, "spapi.client_secret", "Login with Amazon refused the credentials (%d %s: %s): check spapi.client_id and spapi.client_secret against the app's LWA credentials (Seller Central → Develop Apps → View).", resp.StatusCode, tok.Error, tok.Description)
	case tok.Error == "invalid_grant":
		return "", core.FieldErrorf(core.Forbidden, "spapi.refresh_token", "Login with Amazon refused the credentials (%d %s: %s): spapi.refresh_token is wrong, revoked or for another app; authorize the app again and set the new refresh token.", resp.StatusCode, tok.Error, tok.Description)
	default:
		return "", core.FieldErrorf(core.Forbidden, "spapi.refresh_token", "Login with Amazon refused the credentials (%d %s: %s): check spapi.client_id, spapi.client_secret and spapi.refresh_token.", resp.StatusCode, tok.Error, tok.Description)
	}
	c.token, c.until = tok.AccessToken, c.cfg.Clock.Now().Add(earlyLife(tok.ExpiresIn))
	return c.token, nil
}

// earlyLife is how long a token that expires in seconds (0: unsaid, taken
// as an hour) is used: until a minute before (or half-life for a short
// one), so no call leaves with a token that expires on the way.
func earlyLife(seconds int) time.Duration {
	life := time.Duration(seconds) * time.Second
	if life <= 0 {
		life = time.Hour
	}
	return life - min(time.Minute, life/2)
}

// CheckCredentials asks Login with Amazon for an access token (unless one
// is cached): Forbidden, naming the setting to fix, when it refuses the
// client id, secret or refresh token; Unavailable when it can't be reached.
func (c *Client) CheckCredentials(ctx context.Context) error {
	_, err := c.accessToken(ctx, "")
	return err
}

// scrubURLError drops an *url.Error's URL query (none carries secrets
// today; this keeps it so).
func scrubURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
		}
	}
	return err
}

// call is one SP-API request.
type call struct {
	op     string
	method string
	path   string // escaped
	query  url.Values
	body   any
	// rdt, when set, gives the Restricted Data Token the call is sent with
	// instead of the access token; fresh asks for a new one.
	rdt func(ctx context.Context, fresh bool) (string, error)
	// accept overrides the Accept header (default application/json).
	accept string
	// once marks a call that must not be repeated blindly: after a 5xx or
	// a lost answer it may have taken effect, so only a 429 (refused
	// before any work) is retried; the caller looks before trying again.
	once bool
}

// do sends a call, waiting for its rate bucket before each try, retrying
// 429 and 5xx with backoff and an expired token once, and decodes a 2xx
// answer into out (nil: none expected).
func (c *Client) do(ctx context.Context, k call, out any) error {
	var payload []byte
	if k.body != nil {
		var err error
		if payload, err = json.Marshal(k.body); err != nil {
			return core.Errorf(core.Internal, "Could not encode the %s request.", k.op)
		}
	}
	u := c.endpoint + k.path
	if len(k.query) > 0 {
		u += "?" + k.query.Encode()
	}
	var refused string // the token a 401/403 "expired" refused, once
	retriedAuth := false
	for attempt := 1; ; attempt++ {
		p := c.Plan(k.op)
		if err := c.cfg.Engine.TakeRateToken(ctx, "spapi:"+c.cfg.Seller+":"+k.op, p.Rate, p.Burst, c.cfg.Sleep); err != nil {
			return err
		}
		var token string
		var err error
		if k.rdt != nil {
			token, err = k.rdt(ctx, refused != "")
		} else {
			token, err = c.accessToken(ctx, refused)
		}
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, k.method, u, bytes.NewReader(payload))
		if err != nil {
			return core.Errorf(core.Internal, "Could not build the %s request.", k.op)
		}
		req.Header.Set("x-amz-access-token", token)
		req.Header.Set("x-amz-date", c.cfg.Clock.Now().UTC().Format("20060102T150405Z"))
		req.Header.Set("User-Agent", "sellerdesk (Language=Go)")
		req.Header.Set("Accept", "application/json")
		if k.accept != "" {
			req.Header.Set("Accept", k.accept)
		}
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.cfg.HTTP.Do(req)
		status, retryAfter := 0, ""
		var body []byte
		if err == nil {
			body, _ = io.ReadAll(io.LimitReader(resp.Body, 16<<20))
			resp.Body.Close()
			status, retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
			if h := resp.Header.Get("x-amzn-RateLimit-Limit"); h != "" {
				c.adopt(k.op, h)
			}
		} else if ctx.Err() != nil {
			return ctx.Err()
		}
		switch {
		case err == nil && status >= 200 && status < 300:
			if out == nil || len(bytes.TrimSpace(body)) == 0 {
				return nil
			}
			if jerr := json.Unmarshal(body, out); jerr != nil {
				return &core.Error{Code: core.Unavailable, Message: fmt.Sprintf("Amazon's %s answer could not be read.", k.op), Err: jerr}
			}
			return nil
		case err == nil && (status == http.StatusUnauthorized || status == http.StatusForbidden):
			msgs := amazonMessages(body)
			if !retriedAuth && tokenExpired(msgs) {
				retriedAuth, refused = true, token
				attempt-- // a refreshed token is not a retry of an overload
				continue
			}
			return core.Errorf(core.Forbidden, "Amazon refused %s (%d): %s (check the app's roles and the spapi credentials)", k.op, status, orUnknown(msgs))
		case err != nil || status == http.StatusTooManyRequests || status == http.StatusInternalServerError ||
			status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout:
			what := fmt.Sprintf("answered %d", status)
			if err != nil {
				what = "could not be reached"
			}
			if attempt >= c.cfg.MaxAttempts || (k.once && status != http.StatusTooManyRequests) {
				e := core.Errorf(core.Unavailable, "Amazon's %s %s %d times; sellerdesk will try again later.", k.op, what, attempt)
				if k.once && status != http.StatusTooManyRequests {
					e = core.Errorf(core.Unavailable, "Amazon's %s %s and may have acted on it; sellerdesk will look before trying again.", k.op, what)
				}
				if err != nil {
					e.Err = scrubURLError(err)
				}
				return e
			}
			wait := c.backoff(attempt, retryAfter)
			c.cfg.Log.Warn("spapi: retrying", "operation", k.op, "status", status, "attempt", attempt, "wait", wait)
			if err := c.cfg.Sleep(ctx, wait); err != nil {
				return err
			}
		case status == http.StatusNotFound:
			msgs := amazonMessages(body)
			return &core.Error{Code: core.NotFound, Message: fmt.Sprintf("Amazon has no such resource for %s: %s", k.op, orUnknown(msgs)),
				Err: &Refusal{Op: k.op, Status: status, Message: orUnknown(msgs)}}
		default:
			msgs := amazonMessages(body)
			return &core.Error{Code: core.Invalid, Message: fmt.Sprintf("Amazon refused %s (%d): %s", k.op, status, orUnknown(msgs)),
				Err: &Refusal{Op: k.op, Status: status, Message: orUnknown(msgs)}}
		}
	}
}

// backoff is how long to wait before try attempt+1: Retry-After when
// Amazon sent one, else 1s, 2s, 4s … (at most a minute) with full jitter
// over its upper half, so replicas retrying together spread out.
func (c *Client) backoff(attempt int, retryAfter string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(retryAfter)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(retryAfter); err == nil {
		return max(t.Sub(c.cfg.Clock.Now()), 0)
	}
	d := min(time.Second<<min(attempt-1, 6), time.Minute)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// amazonMessages returns the messages of Amazon's error body, joined.
func amazonMessages(body []byte) string {
	var el ErrorList
	if json.Unmarshal(body, &el) != nil {
		return ""
	}
	var msgs []string
	for _, e := range el.Errors {
		if m := strings.TrimSpace(e.Message); m != "" {
			msgs = append(msgs, m)
		}
		if d := strings.TrimSpace(e.Details); d != "" {
			msgs = append(msgs, d)
		}
	}
	return strings.Join(msgs, "; ")
}

func orUnknown(s string) string {
	if s == "" {
		return "no reason given"
	}
	return s
}

// tokenExpired says whether a 401/403's message is about the access token
// (expired or invalid) rather than a missing role.
func tokenExpired(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "expired") || (strings.Contains(m, "token") && strings.Contains(m, "invalid"))
}
