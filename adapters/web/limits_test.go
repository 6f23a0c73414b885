package web_test

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/web"
	"github.com/sellerdesk/sellerdesk/core"
)

// trustProxies serves the page behind reverse proxies at these networks.
func trustProxies(cidrs ...string) option {
	return func(c *web.Config, _ *core.Options) {
		for _, s := range cidrs {
			c.TrustedProxies = append(c.TrustedProxies, netip.MustParsePrefix(s))
		}
	}
}

// verifyFrom posts the verify form straight to the handler, as if from
// remote with an X-Forwarded-For header (none when xff is "").
func (b *browser) verifyFrom(h http.Handler, remote, xff, order, secret string) *httptest.ResponseRecorder {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/verify", strings.NewReader(url.Values{"csrf": {b.csrf()}, "order_id": {order}, "secret": {secret}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(b.cookie("sd_pre"))
	req.RemoteAddr = remote
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestVerifyLimitPerOrder(t *testing.T) {
	t.Run("many_addresses_share_one_orders_limit", func(t *testing.T) {
		// Six addresses used to get five wrong postal codes each, and a
		// seventh then verified.
		f := newFixture(t, newClock())
		b := f.browser()
		h := f.srv.Handler()
		for i := range 10 {
			if rec := b.verifyFrom(h, fmt.Sprintf("198.51.100.%d:5000", 1+i/2), "", orderA, "10001"); rec.Code != http.StatusNotFound {
				t.Fatalf("failure %d: %d\n%s", i+1, rec.Code, rec.Body)
			}
		}
		rec := b.verifyFrom(h, "203.0.113.50:5000", "", orderA, emailA)
		body := html.UnescapeString(rec.Body.String())
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "3600" ||
			!strings.Contains(body, "Order "+orderA+" has had too many wrong tries, so to keep it safe it can't be verified for now. Please try again in 60 minutes.") {
			t.Fatalf("a seventh address with the right email: %d %q\n%s", rec.Code, rec.Header().Get("Retry-After"), body)
		}
		if strings.Contains(rec.Header().Get("Set-Cookie"), "sd_session=") && !strings.Contains(rec.Header().Get("Set-Cookie"), "sd_session=;") {
			t.Fatal("a refused try signed the buyer in")
		}
		// The other buyer's order is not locked.
		if rec := b.verifyFrom(h, "203.0.113.50:5000", "", orderB, emailB); rec.Code != http.StatusSeeOther {
			t.Fatalf("another order: %d", rec.Code)
		}
		f.clock.Advance(time.Hour)
		if rec := b.verifyFrom(h, "203.0.113.50:5000", "", orderA, emailA); rec.Code != http.StatusSeeOther {
			t.Fatalf("an hour later: %d\n%s", rec.Code, rec.Body)
		}
	})
	t.Run("forwarded_for_ignored_without_trusted_proxies", func(t *testing.T) {
		// A client naming a fresh address per try gets no fresh limit.
		f := newFixture(t, newClock())
		b := f.browser()
		h := f.srv.Handler()
		for i := range 5 {
			b.verifyFrom(h, "203.0.113.9:5000", fmt.Sprintf("192.0.2.%d", i), orderA, "10001")
		}
		if rec := b.verifyFrom(h, "203.0.113.9:5000", "192.0.2.99", orderB, emailB); rec.Code != http.StatusTooManyRequests {
			t.Fatalf("sixth try with another X-Forwarded-For: %d", rec.Code)
		}
	})
	t.Run("buyers_behind_a_trusted_proxy_counted_apart", func(t *testing.T) {
		f := newFixture(t, newClock(), trustProxies("10.0.0.0/8"))
		b := f.browser()
		h := f.srv.Handler()
		// One buyer behind the proxy runs out of tries, prepending made-up
		// addresses to the header: the proxy's own entry is what counts.
		for i := range 5 {
			b.verifyFrom(h, "10.0.0.2:80", fmt.Sprintf("192.0.2.%d, 198.51.100.1", i), orderA, "10001")
		}
		if rec := b.verifyFrom(h, "10.0.0.2:80", "192.0.2.99, 198.51.100.1", orderB, emailB); rec.Code != http.StatusTooManyRequests {
			t.Fatalf("the same buyer again: %d", rec.Code)
		}
		// Another buyer behind the same proxy is not locked out.
		if rec := b.verifyFrom(h, "10.0.0.2:80", "198.51.100.2", orderB, emailB); rec.Code != http.StatusSeeOther {
			t.Fatalf("another buyer behind the proxy: %d\n%s", rec.Code, rec.Body)
		}
	})
}

// messageLimit lets a conversation take n buyer messages within window.
func messageLimit(n int, window time.Duration) option {
	return func(_ *web.Config, o *core.Options) {
		p := core.DefaultPolicy()
		if o.Policy != nil {
			p = *o.Policy
		}
		p.BuyerMessageLimit, p.BuyerMessageWindow = n, window
		o.Policy = &p
	}
}

func TestMessageLimit(t *testing.T) {
	for _, accept := range []string{"", "application/json"} {
		t.Run("eleventh_message_in_a_minute_refused_"+map[string]string{"": "page", "application/json": "json"}[accept], func(t *testing.T) {
			f := newFixture(t, newClock())
			b := f.browser()
			b.mustVerify(orderA, emailA)
			for i := range 10 {
				if res, body := b.write(fmt.Sprintf("message %d", i), "Accept", accept); res.StatusCode >= 400 {
					t.Fatalf("message %d: %d\n%s", i, res.StatusCode, body)
				}
			}
			res, body := b.write("one too many", "Accept", accept)
			body = html.UnescapeString(body)
			if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "60" ||
				!strings.Contains(body, "You have sent 10 messages in the last minute") || !strings.Contains(body, "Please wait 1 minute, then send this one again.") {
				t.Fatalf("11th message: %d %q\n%.2000s", res.StatusCode, res.Header.Get("Retry-After"), body)
			}
			if accept == "" && !strings.Contains(body, ">one too many</textarea>") {
				t.Error("the refused text is not kept in the form")
			}
			if n := f.messageCount(orderA); n != 10 {
				t.Fatalf("%d messages stored, want 10", n)
			}
			f.clock.Advance(time.Minute)
			if res, _ := b.write("one too many", "Accept", accept); res.StatusCode >= 400 {
				t.Fatalf("a minute later: %d", res.StatusCode)
			}
		})
	}
}

func TestLogoutEndsTheSessionOnTheServer(t *testing.T) {
	f := newFixture(t, newClock(), pollEvery(20*time.Millisecond))
	b := f.browser()
	b.mustVerify(orderA, emailA)
	b.write("hello")
	old := b.cookie("sd_session").Value
	token := b.csrf()
	// A second browser holding a copy of the cookie (a stolen one, another
	// device restored from a backup), its live stream open.
	copyOf := f.browser()
	copyOf.setCookie("sd_pre", b.cookie("sd_pre").Value)
	copyOf.setCookie("sd_session", old)
	s := openStream(t, f, copyOf, 0)
	if res, _ := b.post("/logout", url.Values{"csrf": {token}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	select {
	case <-s.closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the live stream of the ended session goes on")
	}
	if _, page := copyOf.get("/"); verifiedPage(page) {
		t.Fatal("the old cookie still shows the conversation")
	}
	if res, _ := copyOf.get("/conversation", "Accept", "application/json"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("JSON with the old cookie: %d", res.StatusCode)
	}
	if res, _ := copyOf.get("/events"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("events with the old cookie: %d", res.StatusCode)
	}
	res, body := copyOf.post("/messages", url.Values{"csrf": {token}, "text": {"posted after logout"}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Your session has ended") {
		t.Fatalf("post with the old cookie: %d\n%.500s", res.StatusCode, body)
	}
	if n := f.messageCount(orderA); n != 1 {
		t.Fatalf("%d messages stored, want only the one before logout", n)
	}
	// Signing in again works, with a new session.
	b.mustVerify(orderA, emailA)
	if b.cookie("sd_session").Value == old {
		t.Fatal("the new session reuses the old one")
	}
	if _, page := b.get("/"); !verifiedPage(page) {
		t.Fatal("signed in again, but the page does not show it")
	}
}

// A session is good on every replica that shares the store and the
// secret, and ending it on one ends it on all.
func TestSessionAcrossReplicas(t *testing.T) {
	f := newFixture(t, newClock())
	b := f.browser()
	b2 := f.onReplica(b)
	b.mustVerify(orderA, emailA)
	if _, page := b2.get("/"); !verifiedPage(page) {
		t.Fatal("the session is not good on the other replica")
	}
	if res, _ := b2.post("/logout", url.Values{"csrf": {b2.csrf()}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout on the other replica: %d", res.StatusCode)
	}
	if _, page := b.get("/"); verifiedPage(page) {
		t.Fatal("signed out on one replica, still in on the other")
	}
}

// The server's read and write timeouts cut off slow requests; a live
// stream, which is meant to last, runs past them and still brings replies.
func TestLiveStreamOutlastsServerTimeouts(t *testing.T) {
	f := newFixture(t, newClock(), pollEvery(time.Hour))
	const timeout = 300 * time.Millisecond
	ts := httptest.NewUnstartedServer(f.srv.Handler())
	ts.Config.ReadTimeout, ts.Config.WriteTimeout, ts.Config.IdleTimeout = timeout, timeout, timeout
	ts.Start()
	t.Cleanup(ts.Close)
	f.ts = ts // openStream and the browser use this server
	b := f.browser()
	b.mustVerify(orderA, emailA)
	b.write("where is my package?")
	s := openStream(t, f, b, f.conversations(orderA)[0].Messages[0].ID)
	time.Sleep(3 * timeout) // past both deadlines of the stream's request
	reply(t, f.engine, f, orderA, "It left our warehouse today.")
	select {
	case ev := <-s.events:
		if ev.Text != "It left our warehouse today." {
			t.Fatalf("event %s", ev.raw)
		}
	case <-s.closed:
		t.Fatal("the server's timeouts ended the live stream")
	case <-time.After(10 * time.Second):
		t.Fatal("no reply on the live stream")
	}
}

// With the database unreachable the page can't tell whether a buyer is
// signed in: it says something went wrong, not that the session ended.
func TestSessionStoreDown(t *testing.T) {
	f := newFixture(t, newClock())
	b := f.browser()
	b.mustVerify(orderA, emailA)
	token := b.csrf()
	if err := f.store.(io.Closer).Close(); err != nil {
		t.Fatal(err)
	}
	res, body := b.post("/messages", url.Values{"csrf": {token}, "text": {"hello"}})
	if res.StatusCode < 500 || !strings.Contains(html.UnescapeString(body), "Sorry, something went wrong on our side") || strings.Contains(body, "Your session has ended") {
		t.Fatalf("message with the store down: %d\n%.500s", res.StatusCode, body)
	}
	if res, _ := b.get("/conversation", "Accept", "application/json"); res.StatusCode < 500 {
		t.Fatalf("JSON with the store down: %d", res.StatusCode)
	}
	if res, _ := b.get("/events"); res.StatusCode < 500 {
		t.Fatalf("events with the store down: %d", res.StatusCode)
	}
}
