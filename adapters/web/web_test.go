package web_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/adapters/web"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// Two buyers with an order each.
const (
	orderA  = "111-1111111-1111111"
	emailA  = "emma.johnson@example.com"
	postalA = "97201"
	orderB  = "222-2222222-2222222"
	emailB  = "liam.garcia@example.com"
)

var staff = core.Actor{ID: "t", Name: "alex", Role: core.Agent, Source: "console"}

type fixture struct {
	t      *testing.T
	clock  *enginetest.Clock
	store  core.Store
	engine *core.Engine
	srv    *web.Server
	ts     *httptest.Server
}

type option func(*web.Config, *core.Options)

func pollEvery(d time.Duration) option {
	return func(c *web.Config, _ *core.Options) { c.PollInterval = d }
}

// shopIn runs the engine with the default policy in the shop time zone name.
func shopIn(t *testing.T, name string) option {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("time zone %s: %v", name, err)
	}
	return func(_ *web.Config, o *core.Options) {
		p := core.DefaultPolicy()
		p.Location = loc
		o.Policy = &p
	}
}

// newFixture serves the help page on a real engine and SQLite store with
// two imported orders. The engine tells the page about outbox messages, as
// bot wires it.
func newFixture(t *testing.T, clock core.Clock, opts ...option) *fixture {
	t.Helper()
	f := &fixture{t: t, store: storetest.OpenSQLite(t)}
	if c, ok := clock.(*enginetest.Clock); ok {
		f.clock = c
	}
	var srv *web.Server
	eopt := core.Options{Clock: clock, Drafter: fakeDrafter{}, Notify: func(ev core.Event) { srv.Publish(ev) }}
	cfg := web.Config{
		ShopName: "Oak & Ash Home", SessionSecret: []byte(strings.Repeat("k", 32)),
		Clock: clock, Log: slog.New(slog.DiscardHandler), PollInterval: time.Hour,
	}
	for _, o := range opts {
		o(&cfg, &eopt)
	}
	f.engine = core.NewEngine(f.store, eopt)
	cfg.Engine = f.engine
	var err error
	if srv, err = web.New(cfg); err != nil {
		t.Fatalf("web.New: %v", err)
	}
	f.srv = srv
	now := clock.Now()
	if _, err := f.engine.Import(context.Background(), []core.Order{
		testOrder(orderA, "Emma Johnson", emailA, postalA, now),
		testOrder(orderB, "Liam Garcia", emailB, "73301", now),
	}); err != nil {
		t.Fatalf("import: %v", err)
	}
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

func newClock() *enginetest.Clock {
	return enginetest.NewClock(time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC))
}

func testOrder(id, name, email, postal string, now time.Time) core.Order {
	bought := now.Add(-26 * time.Hour)
	paid := bought.Add(5 * time.Minute)
	return core.Order{
		ID: id, Fulfillment: core.Merchant, PurchaseDate: bought, PaymentsDate: &paid, Currency: "USD",
		ShipServiceLevel: "Standard", SalesChannel: "Amazon.com", ReportUpdated: bought,
		Buyer:  core.Buyer{Name: name, Email: email},
		ShipTo: core.Address{Name: name, Line1: "1 Oak St", City: "Portland", State: "OR", PostalCode: postal, Country: "US"},
		Items:  []core.Item{{OrderItemID: id + "-1", SKU: "MUG-CERAMIC-12OZ", Title: "Ceramic Coffee Mug", Quantity: 1, Price: 1499, Tax: 120}},
	}
}

// fakeDrafter writes a draft staff would see; the buyer must never see it.
type fakeDrafter struct{}

const draftText = "DRAFT-FOR-STAFF-ONLY"

func (fakeDrafter) Draft(context.Context, core.DraftRequest) (core.Draft, error) {
	return core.Draft{Text: draftText, Language: "en", Intent: "track_order", NeedsResponse: true, Drafter: "offline"}, nil
}

// conversations reads a buyer's conversations straight from the engine.
func (f *fixture) conversations(order string) []core.Conversation {
	f.t.Helper()
	list, err := f.engine.BuyerConversations(context.Background(), web.Channel, "order:"+order)
	if err != nil {
		f.t.Fatalf("conversations: %v", err)
	}
	return list
}

func (f *fixture) messageCount(order string) int {
	n := 0
	for _, c := range f.conversations(order) {
		n += len(c.Messages)
	}
	return n
}

// reply answers the buyer's conversation as staff, through the engine.
func reply(t *testing.T, e *core.Engine, f *fixture, order, text string) {
	t.Helper()
	convs := f.conversations(order)
	if len(convs) == 0 {
		t.Fatalf("order %s has no conversation to reply to", order)
	}
	if _, err := e.RunLine(context.Background(), staff, "reply "+convs[0].ID+" "+text, false); err != nil {
		t.Fatalf("reply: %v", err)
	}
}

// browser is a buyer's browser: its own cookies, no automatic redirects.
type browser struct {
	t    *testing.T
	c    *http.Client
	base string
}

func (f *fixture) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: f.t, base: f.ts.URL, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// onReplica is the same browser talking to a second replica: another web
// server on the fixture's store, with the same session secret.
func (f *fixture) onReplica(b *browser) *browser {
	f.t.Helper()
	other, err := web.New(web.Config{
		Engine:        core.NewEngine(f.store, core.Options{Clock: f.clock}),
		SessionSecret: []byte(strings.Repeat("k", 32)), Clock: f.clock, Log: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		f.t.Fatal(err)
	}
	ts := httptest.NewServer(other.Handler())
	f.t.Cleanup(ts.Close)
	return &browser{t: b.t, c: b.c, base: ts.URL}
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func (b *browser) get(path string, header ...string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

func (b *browser) post(path string, form url.Values, header ...string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf loads the page and returns its form token.
func (b *browser) csrf() string {
	b.t.Helper()
	_, body := b.get("/")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token on the page:\n%s", body)
	}
	return m[1]
}

func (b *browser) verify(order, secret string) (*http.Response, string) {
	b.t.Helper()
	return b.post("/verify", url.Values{"csrf": {b.csrf()}, "order_id": {order}, "secret": {secret}})
}

func (b *browser) mustVerify(order, secret string) {
	b.t.Helper()
	if res, body := b.verify(order, secret); res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("verify %s: %d\n%s", order, res.StatusCode, body)
	}
}

func (b *browser) write(text string, header ...string) (*http.Response, string) {
	b.t.Helper()
	return b.post("/messages", url.Values{"csrf": {b.csrf()}, "text": {text}}, header...)
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (b *browser) setCookie(name, value string) {
	u, _ := url.Parse(b.base)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

func verifiedPage(body string) bool { return strings.Contains(body, `action="/messages"`) }

func TestVerify(t *testing.T) {
	tests := []struct {
		name, order, secret string
		status              int
		want                string // on the page that follows
	}{
		{"email_verifies", orderA, emailA, http.StatusSeeOther, ""},
		{"email_any_case_verifies", orderA, strings.ToUpper(emailA), http.StatusSeeOther, ""},
		{"postal_code_verifies", orderA, postalA, http.StatusSeeOther, ""},
		{"wrong_email_refused", orderA, emailB, http.StatusNotFound, "No order matches that order id and email or postal code"},
		{"wrong_postal_code_refused", orderA, "10001", http.StatusNotFound, "No order matches"},
		{"unknown_order_refused", "999-9999999-9999999", emailA, http.StatusNotFound, "No order matches"},
		{"empty_secret_refused", orderA, "", http.StatusBadRequest, "Enter your order id and the email address or shipping postal code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newClock())
			b := f.browser()
			res, body := b.verify(tt.order, tt.secret)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d\n%s", res.StatusCode, tt.status, body)
			}
			if tt.status != http.StatusSeeOther {
				if !strings.Contains(body, tt.want) || verifiedPage(body) {
					t.Fatalf("page after a refused verify lacks %q or shows the conversation:\n%s", tt.want, body)
				}
				if b.cookie("sd_session") != nil {
					t.Fatal("a refused verify set a session cookie")
				}
				if !strings.Contains(body, `value="`+tt.order+`"`) {
					t.Error("the order id typed is not kept in the form")
				}
				return
			}
			if loc := res.Header.Get("Location"); loc != "/" {
				t.Errorf("redirect to %q, want /", loc)
			}
			c := res.Cookies()
			if len(c) != 1 || c[0].Name != "sd_session" || !c[0].HttpOnly || c[0].SameSite != http.SameSiteLaxMode || c[0].Path != "/" || c[0].MaxAge != 7*24*3600 {
				t.Fatalf("session cookie %+v", c)
			}
			_, page := b.get("/")
			if !verifiedPage(page) || !strings.Contains(page, orderA) || !strings.Contains(page, "We usually reply within 24 hours") {
				t.Fatalf("page after verify:\n%s", page)
			}
		})
	}
}

func TestVerifyRateLimit(t *testing.T) {
	t.Run("sixth_try_refused_even_with_the_right_secret", func(t *testing.T) {
		f := newFixture(t, newClock())
		b := f.browser()
		for i := range 5 {
			if res, body := b.verify(orderA, "wrong@example.com"); res.StatusCode != http.StatusNotFound {
				t.Fatalf("try %d: %d\n%s", i+1, res.StatusCode, body)
			}
		}
		res, body := b.verify(orderA, emailA)
		if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many tries. Please wait 15 minutes") {
			t.Fatalf("sixth try: %d\n%s", res.StatusCode, body)
		}
		if res.Header.Get("Retry-After") != "900" {
			t.Errorf("Retry-After %q", res.Header.Get("Retry-After"))
		}
		if b.cookie("sd_session") != nil {
			t.Fatal("a refused try signed the buyer in")
		}
		f.clock.Advance(10 * time.Minute)
		if res, body := b.verify(orderA, emailA); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "wait 5 minutes") {
			t.Fatalf("after 10 minutes: %d\n%s", res.StatusCode, body)
		}
		f.clock.Advance(5 * time.Minute)
		b.mustVerify(orderA, emailA)
	})
	t.Run("other_addresses_are_not_blocked", func(t *testing.T) {
		f := newFixture(t, newClock())
		b := f.browser()
		for range 5 {
			b.verify(orderA, "wrong@example.com")
		}
		res, _ := b.post("/verify", url.Values{"csrf": {b.csrf()}, "order_id": {orderA}, "secret": {emailA}})
		if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("same address: %d", res.StatusCode)
		}
		// Through the handler directly, from another address.
		h := f.srv.Handler()
		pre := b.cookie("sd_pre")
		req := httptest.NewRequest(http.MethodPost, "/verify", strings.NewReader(url.Values{"csrf": {b.csrf()}, "order_id": {orderA}, "secret": {emailA}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(pre)
		req.RemoteAddr = "198.51.100.7:5555"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("other address: %d\n%s", rec.Code, rec.Body)
		}
	})
	t.Run("success_does_not_count", func(t *testing.T) {
		f := newFixture(t, newClock())
		b := f.browser()
		for range 3 {
			b.mustVerify(orderA, emailA)
		}
		for range 4 {
			b.verify(orderA, "wrong@example.com")
		}
		b.mustVerify(orderA, emailA)
	})
	t.Run("tries_count_across_replicas", func(t *testing.T) {
		// A second replica: its own engine and page on the same store, the
		// same session secret. The browser's cookies go to both (cookies
		// ignore the port).
		f := newFixture(t, newClock())
		b := f.browser()
		b2 := f.onReplica(b)
		for range 3 {
			b.verify(orderA, "wrong@example.com")
		}
		if _, body := b2.verify(orderA, "wrong@example.com"); !strings.Contains(body, "You can try 1 more time before a 15-minute wait.") {
			t.Fatalf("fourth failure, on the other replica:\n%s", body)
		}
		b2.verify(orderA, "wrong@example.com")
		res, body := b.post("/verify", url.Values{"csrf": {b.csrf()}, "order_id": {orderA}, "secret": {emailA}}, "Accept", "application/json")
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "900" || !strings.Contains(body, `"error":"Too many tries. Please wait 15 minutes, then try again."`) {
			t.Fatalf("sixth try, back on the first replica: %d %q\n%s", res.StatusCode, res.Header.Get("Retry-After"), body)
		}
	})
	t.Run("last_tries_are_announced", func(t *testing.T) {
		f := newFixture(t, newClock())
		b := f.browser()
		for range 3 {
			b.verify(orderA, "wrong@example.com")
		}
		if _, body := b.verify(orderA, "wrong@example.com"); !strings.Contains(body, "You can try 1 more time before a 15-minute wait.") {
			t.Fatalf("fourth failure:\n%s", body)
		}
	})
}

func TestCSRF(t *testing.T) {
	tests := []struct {
		name string
		send func(f *fixture, b, other *browser) (*http.Response, string)
	}{
		{"message_without_token_refused", func(f *fixture, b, _ *browser) (*http.Response, string) {
			return b.post("/messages", url.Values{"text": {"hello"}})
		}},
		{"message_with_wrong_token_refused", func(f *fixture, b, _ *browser) (*http.Response, string) {
			return b.post("/messages", url.Values{"csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "text": {"hello"}})
		}},
		{"message_with_another_sessions_token_refused", func(f *fixture, b, other *browser) (*http.Response, string) {
			return b.post("/messages", url.Values{"csrf": {other.csrf()}, "text": {"hello"}})
		}},
		{"message_from_another_site_refused", func(f *fixture, b, _ *browser) (*http.Response, string) {
			return b.post("/messages", url.Values{"csrf": {b.csrf()}, "text": {"hello"}}, "Origin", "https://evil.example")
		}},
		{"message_with_foreign_referer_refused", func(f *fixture, b, _ *browser) (*http.Response, string) {
			return b.post("/messages", url.Values{"csrf": {b.csrf()}, "text": {"hello"}}, "Referer", "https://evil.example/page")
		}},
		{"message_from_opaque_origin_refused", func(f *fixture, b, _ *browser) (*http.Response, string) {
			return b.post("/messages", url.Values{"csrf": {b.csrf()}, "text": {"hello"}}, "Origin", "null")
		}},
		{"logout_without_token_refused", func(f *fixture, b, _ *browser) (*http.Response, string) {
			return b.post("/logout", url.Values{})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newClock())
			b, other := f.browser(), f.browser()
			b.mustVerify(orderA, emailA)
			other.mustVerify(orderB, emailB)
			res, body := tt.send(f, b, other)
			if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "nothing was done") {
				t.Fatalf("status %d\n%s", res.StatusCode, body)
			}
			if n := f.messageCount(orderA); n != 0 {
				t.Fatalf("%d message(s) stored after a refused post", n)
			}
			if _, page := b.get("/"); !verifiedPage(page) {
				t.Fatal("the buyer was signed out by a refused post")
			}
		})
	}
	verifyTests := []struct {
		name  string
		form  func(b *browser) url.Values
		setup func(b *browser)
	}{
		{"verify_without_token_refused", func(*browser) url.Values { return url.Values{"order_id": {orderA}, "secret": {emailA}} }, nil},
		{"verify_with_wrong_token_refused", func(*browser) url.Values {
			return url.Values{"csrf": {"bm9wZQ"}, "order_id": {orderA}, "secret": {emailA}}
		}, nil},
		{"verify_without_pre_session_cookie_refused", func(b *browser) url.Values {
			return url.Values{"csrf": {b.csrf()}, "order_id": {orderA}, "secret": {emailA}}
		}, func(b *browser) { b.c.Jar, _ = cookiejar.New(nil) }},
	}
	for _, tt := range verifyTests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newClock())
			b := f.browser()
			form := tt.form(b)
			if tt.setup != nil {
				tt.setup(b)
			}
			res, body := b.post("/verify", form)
			if res.StatusCode != http.StatusForbidden || b.cookie("sd_session") != nil {
				t.Fatalf("status %d, session %v\n%s", res.StatusCode, b.cookie("sd_session"), body)
			}
		})
	}
	t.Run("same_origin_post_accepted", func(t *testing.T) {
		f := newFixture(t, newClock())
		b := f.browser()
		b.mustVerify(orderA, emailA)
		res, body := b.write("hello", "Origin", f.ts.URL, "Referer", f.ts.URL+"/")
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d\n%s", res.StatusCode, body)
		}
	})
}

func TestSessionCookie(t *testing.T) {
	f := newFixture(t, newClock())
	good := f.browser()
	good.mustVerify(orderA, emailA)
	value := good.cookie("sd_session").Value
	payload, sig, _ := strings.Cut(value, ".")
	forged := strings.Replace(string(mustB64(t, payload)), orderA, orderB, 1)

	tests := []struct {
		name, value string
		advance     time.Duration
	}{
		{"payload_changed_ignored", b64(forged) + "." + sig, 0},
		{"signature_changed_ignored", payload + "." + flip(sig), 0},
		{"unsigned_ignored", payload, 0},
		{"garbage_ignored", "not-a-session", 0},
		{"expired_ignored", value, 7*24*time.Hour + time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newClock())
			b := f.browser()
			b.csrf() // get a pre-session cookie
			b.setCookie("sd_session", tt.value)
			f.clock.Advance(tt.advance)
			if _, page := b.get("/"); verifiedPage(page) || strings.Contains(page, orderB) {
				t.Fatalf("a bad cookie was accepted:\n%s", page)
			}
			if res, _ := b.get("/conversation", "Accept", "application/json"); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("JSON with a bad cookie: %d", res.StatusCode)
			}
			if res, _ := b.get("/events"); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("events with a bad cookie: %d", res.StatusCode)
			}
			res, body := b.post("/messages", url.Values{"csrf": {b.csrf()}, "text": {"hello"}})
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Your session has ended") {
				t.Fatalf("message with a bad cookie: %d\n%s", res.StatusCode, body)
			}
			if f.messageCount(orderA)+f.messageCount(orderB) != 0 {
				t.Fatal("a message was stored with a bad cookie")
			}
		})
	}
	t.Run("unexpired_session_kept", func(t *testing.T) {
		f.clock.Advance(7*24*time.Hour - time.Minute)
		if _, page := good.get("/"); !verifiedPage(page) {
			t.Fatal("a session a minute from its end was refused")
		}
	})
	t.Run("logout_ends_the_session", func(t *testing.T) {
		f := newFixture(t, newClock())
		b := f.browser()
		b.mustVerify(orderA, emailA)
		if res, _ := b.post("/logout", url.Values{"csrf": {b.csrf()}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.StatusCode)
		}
		if _, page := b.get("/"); verifiedPage(page) {
			t.Fatal("still signed in after logout")
		}
	})
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("session cookie payload is not base64: %v", err)
	}
	return b
}

func flip(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

func TestMessages(t *testing.T) {
	t.Run("message_stored_and_redirected", func(t *testing.T) {
		f := newFixture(t, newClock())
		b := f.browser()
		b.mustVerify(orderA, emailA)
		res, body := b.write("where is my package?")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/?sent=1#compose" {
			t.Fatalf("status %d, location %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
		}
		convs := f.conversations(orderA)
		if len(convs) != 1 || convs[0].OrderID != orderA || len(convs[0].Messages) != 1 || convs[0].Messages[0].Text != "where is my package?" {
			t.Fatalf("stored: %+v", convs)
		}
		if convs[0].Draft != nil {
			t.Fatal("the page waited for a draft; drafting happens elsewhere")
		}
		_, page := b.get("/?sent=1")
		if !strings.Contains(page, "where is my package?") || !strings.Contains(page, "Message sent.") || !strings.Contains(page, "Wed 18 Nov 2026, 15:00 UTC") {
			t.Fatalf("page after sending:\n%s", page)
		}
	})
	t.Run("fetch_gets_json", func(t *testing.T) {
		f := newFixture(t, newClock())
		b := f.browser()
		b.mustVerify(orderA, emailA)
		res, body := b.write("hello there", "Accept", "application/json")
		var got struct {
			Message struct {
				ID   int64  `json:"id"`
				From string `json:"from"`
				Text string `json:"text"`
			} `json:"message"`
		}
		if res.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &got) != nil || got.Message.ID == 0 || got.Message.From != "buyer" || got.Message.Text != "hello there" {
			t.Fatalf("status %d: %s", res.StatusCode, body)
		}
	})
	tooLong := strings.Repeat("a", core.MaxMessageBytes+1)
	tests := []struct {
		name, text, accept string
		status             int
		want               string
	}{
		{"over_4kb_refused_on_the_page", tooLong, "", http.StatusBadRequest, "The message is too long: 4097 bytes, at most 4096"},
		{"over_4kb_refused_as_json", tooLong, "application/json", http.StatusBadRequest, `"field":"text"`},
		{"over_4kb_in_chinese_refused", strings.Repeat("好", 1366), "", http.StatusBadRequest, "The message is too long"},
		{"huge_body_refused", strings.Repeat("x", 200_000), "", http.StatusRequestEntityTooLarge, "The message is too long: at most 4096 bytes"},
		{"empty_refused", "  \n ", "", http.StatusBadRequest, "The message is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newClock())
			b := f.browser()
			b.mustVerify(orderA, emailA)
			res, body := b.write(tt.text, "Accept", tt.accept)
			if res.StatusCode != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d\n%.600s", res.StatusCode, body)
			}
			if n := f.messageCount(orderA); n != 0 {
				t.Fatalf("%d message(s) stored", n)
			}
			if tt.accept == "" && tt.status == http.StatusBadRequest && !strings.Contains(body, `aria-invalid="true"`) {
				t.Error("the text field is not marked as the one at fault")
			}
		})
	}
	t.Run("exactly_4kb_accepted", func(t *testing.T) {
		f := newFixture(t, newClock())
		b := f.browser()
		b.mustVerify(orderA, emailA)
		if res, body := b.write(strings.Repeat("a", core.MaxMessageBytes)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d\n%.300s", res.StatusCode, body)
		}
	})
}

func TestBuyerSeesOnlyTheirOwnConversations(t *testing.T) {
	f := newFixture(t, newClock())
	a, b := f.browser(), f.browser()
	a.mustVerify(orderA, emailA)
	b.mustVerify(orderB, emailB)
	a.write("A's secret question")
	b.write("B's question")
	reply(t, f.engine, f, orderA, "answer for A only")

	_, page := b.get("/")
	if strings.Contains(page, "secret question") || strings.Contains(page, "answer for A") || !strings.Contains(page, "B&#39;s question") {
		t.Fatalf("B's page:\n%s", page)
	}
	_, js := b.get("/conversation", "Accept", "application/json")
	if strings.Contains(js, "secret question") || strings.Contains(js, "answer for A") || strings.Contains(js, orderA) {
		t.Fatalf("B's JSON: %s", js)
	}
	// The same order verified in another browser is the same buyer.
	again := f.browser()
	again.mustVerify(orderA, postalA)
	if _, page := again.get("/"); !strings.Contains(page, "secret question") || !strings.Contains(page, "answer for A only") {
		t.Fatalf("A from another browser:\n%s", page)
	}
}

func TestHTMLIsEscaped(t *testing.T) {
	f := newFixture(t, newClock())
	b := f.browser()
	b.mustVerify(orderA, emailA)
	const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	b.write(evil)
	reply(t, f.engine, f, orderA, `<b>bold</b> & "quoted"`)
	_, page := b.get("/")
	if strings.Contains(page, "<script>alert") || strings.Contains(page, "<img src=x") || strings.Contains(page, "<b>bold") {
		t.Fatalf("raw HTML on the page:\n%s", page)
	}
	for _, want := range []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "&lt;b&gt;bold&lt;/b&gt; &amp; &#34;quoted&#34;"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	ev := openStream(t, f, b, 0)
	got := ev.next(t, 10*time.Second)
	if strings.Contains(got.raw, "<script>") || !strings.Contains(got.raw, `\u003cscript\u003e`) || got.Text != evil {
		t.Fatalf("SSE data %s", got.raw)
	}
}

func TestConversationJSON(t *testing.T) {
	f := newFixture(t, newClock())
	b := f.browser()
	b.mustVerify(orderA, emailA)
	b.write("where is my package?")
	if _, err := f.engine.DraftPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	reply(t, f.engine, f, orderA, "It ships today.")
	res, body := b.get("/conversation", "Accept", "application/json")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	convs := got["conversations"].([]any)
	if len(got) != 2 || got["order_id"] != orderA || len(convs) != 1 {
		t.Fatalf("shape: %s", body)
	}
	conv := convs[0].(map[string]any)
	if len(conv) != 2 || !strings.HasPrefix(conv["id"].(string), "C-") {
		t.Fatalf("conversation keys: %s", body)
	}
	msgs := conv["messages"].([]any)
	want := []map[string]any{
		{"from": "buyer", "text": "where is my package?", "at": "2026-11-18T15:00:00Z"},
		{"from": "staff", "text": "It ships today.", "at": "2026-11-18T16:00:00Z"},
	}
	if len(msgs) != len(want) {
		t.Fatalf("messages: %s", body)
	}
	for i, m := range msgs {
		m := m.(map[string]any)
		if len(m) != 3 || m["from"] != want[i]["from"] || m["text"] != want[i]["text"] || m["at"] != want[i]["at"] {
			t.Errorf("message %d: %v, want %v", i, m, want[i])
		}
	}
	for _, never := range []string{draftText, "draft", "order:" + orderA, "alex", "buyer_key", "deadline"} {
		if strings.Contains(body, never) {
			t.Errorf("JSON shows %q: %s", never, body)
		}
	}
	if res, _ := b.get("/conversation"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a browser asking for HTML gets %d, want a redirect to the page", res.StatusCode)
	}
	if res, body := f.browser().get("/conversation", "Accept", "application/json"); res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"error"`) {
		t.Errorf("unverified: %d %s", res.StatusCode, body)
	}
}

// sse is one server-sent event with its message.
type sse struct {
	raw            string
	ID             int64  `json:"id"`
	ConversationID string `json:"conversation_id"`
	From           string `json:"from"`
	Text           string `json:"text"`
}

type stream struct {
	events chan sse
	ready  chan struct{}
	closed chan struct{} // the server ended the stream
}

// openStream connects to /events as b and parses what arrives.
func openStream(t *testing.T, f *fixture, b *browser, after int64) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/events?after=%d", f.ts.URL, after), nil)
	res, err := b.c.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("events: %v", err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	s := &stream{events: make(chan sse, 100), ready: make(chan struct{}), closed: make(chan struct{})}
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); res.Body.Close(); wg.Wait() })
	wg.Go(func() {
		defer close(s.closed)
		r := bufio.NewReader(res.Body)
		var once sync.Once
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			if strings.HasPrefix(line, "retry:") {
				once.Do(func() { close(s.ready) })
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				ev := sse{raw: data}
				if err := json.Unmarshal([]byte(data), &ev); err != nil {
					t.Errorf("event data %q: %v", data, err)
					return
				}
				s.events <- ev
			}
		}
	})
	select {
	case <-s.ready:
	case <-time.After(10 * time.Second):
		t.Fatal("the event stream did not start")
	}
	return s
}

func (s *stream) next(t *testing.T, wait time.Duration) sse {
	t.Helper()
	select {
	case ev := <-s.events:
		return ev
	case <-time.After(wait):
		t.Fatalf("no event within %s", wait)
		return sse{}
	}
}

func (s *stream) none(t *testing.T, wait time.Duration) {
	t.Helper()
	select {
	case ev := <-s.events:
		t.Fatalf("unexpected event %s", ev.raw)
	case <-time.After(wait):
	}
}

func TestLiveReplies(t *testing.T) {
	t.Run("reply_arrives_through_publish", func(t *testing.T) {
		// The poll is an hour: only Publish can bring the reply in time.
		f := newFixture(t, newClock(), pollEvery(time.Hour))
		b := f.browser()
		b.mustVerify(orderA, emailA)
		b.write("where is my package?")
		after := f.conversations(orderA)[0].Messages[0].ID
		s := openStream(t, f, b, after)
		if _, err := f.engine.DraftPending(context.Background()); err != nil { // a draft is no news to the buyer
			t.Fatal(err)
		}
		s.none(t, 300*time.Millisecond)
		reply(t, f.engine, f, orderA, "It left our warehouse today.")
		ev := s.next(t, 10*time.Second)
		if ev.From != "staff" || ev.Text != "It left our warehouse today." || strings.Contains(ev.raw, "alex") {
			t.Fatalf("event %s", ev.raw)
		}
	})
	t.Run("reply_from_another_process_arrives_by_polling", func(t *testing.T) {
		f := newFixture(t, newClock(), pollEvery(50*time.Millisecond))
		b := f.browser()
		b.mustVerify(orderA, emailA)
		b.write("where is my package?")
		s := openStream(t, f, b, 0)
		if ev := s.next(t, 10*time.Second); ev.From != "buyer" {
			t.Fatalf("catch-up event %s", ev.raw)
		}
		// A separate `bot console` has its own engine: no Notify reaches us.
		console := core.NewEngine(f.store, core.Options{Clock: f.clock})
		reply(t, console, f, orderA, "Sent from the console.")
		if ev := s.next(t, 10*time.Second); ev.From != "staff" || ev.Text != "Sent from the console." {
			t.Fatalf("event %s", ev.raw)
		}
	})
	t.Run("buyers_own_message_reaches_other_tabs", func(t *testing.T) {
		f := newFixture(t, newClock(), pollEvery(time.Hour))
		tab1, tab2 := f.browser(), f.browser()
		tab1.mustVerify(orderA, emailA)
		tab2.mustVerify(orderA, postalA)
		s := openStream(t, f, tab2, 0)
		tab1.write("from the other tab")
		if ev := s.next(t, 10*time.Second); ev.Text != "from the other tab" {
			t.Fatalf("event %s", ev.raw)
		}
	})
	t.Run("other_buyers_replies_never_arrive", func(t *testing.T) {
		f := newFixture(t, newClock(), pollEvery(20*time.Millisecond))
		a, b := f.browser(), f.browser()
		a.mustVerify(orderA, emailA)
		b.mustVerify(orderB, emailB)
		a.write("question from A")
		s := openStream(t, f, b, 0)
		reply(t, f.engine, f, orderA, "answer for A")
		s.none(t, 500*time.Millisecond)
	})
}

func TestCloseEndsLiveStreams(t *testing.T) {
	f := newFixture(t, newClock())
	b := f.browser()
	b.mustVerify(orderA, emailA)
	s := openStream(t, f, b, 0)
	f.srv.Close()
	select {
	case <-s.closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream outlived Close")
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, newClock())
	b := f.browser()
	for _, path := range []string{"/", "/static/app.js"} {
		res, _ := b.get(path)
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
	res, page := b.get("/")
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("page Cache-Control %q", res.Header.Get("Cache-Control"))
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, " style=") || strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Error("the page has inline script or style, or loads something from elsewhere")
	}
	if res, _ := b.get("/static/"); res.StatusCode != http.StatusNotFound {
		t.Errorf("static directory listing: %d", res.StatusCode)
	}
	if res, body := b.get("/static/style.css"); res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") || !strings.Contains(body, ".bubble") {
		t.Errorf("style.css: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestWorksWithoutJavaScript(t *testing.T) {
	f := newFixture(t, newClock())
	b := f.browser()
	_, page := b.get("/")
	for _, want := range []string{`<form method="post" action="/verify"`, `name="order_id"`, `name="secret"`, "We usually reply within 24 hours"} {
		if !strings.Contains(page, want) {
			t.Errorf("verify page lacks %s", want)
		}
	}
	b.mustVerify(orderA, emailA)
	b.write("first")
	f.clock.Advance(time.Minute)
	reply(t, f.engine, f, orderA, "second")
	f.clock.Advance(time.Minute)
	b.write("third")
	_, page = b.get("/")
	i1, i2, i3 := strings.Index(page, ">first<"), strings.Index(page, ">second<"), strings.Index(page, ">third<")
	if i1 < 0 || !(i1 < i2 && i2 < i3) {
		t.Fatalf("messages not oldest first:\n%s", page)
	}
	if !strings.Contains(page, `class="msg staff"`) || !strings.Contains(page, "Oak &amp; Ash Home · <time") || !strings.Contains(page, "15:01 UTC") {
		t.Errorf("staff message or its time not shown:\n%s", page)
	}
}

func TestNewRefusesShortSecret(t *testing.T) {
	_, err := web.New(web.Config{Engine: &core.Engine{}, SessionSecret: make([]byte, 31)})
	if core.ErrorCode(err) != core.Invalid || !strings.Contains(core.ErrorMessage(err), "at least 32") {
		t.Fatalf("err = %v", err)
	}
}
