package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// A third buyer whose order was placed ten minutes before the fixture's
// clock: inside the 30-minute buyer cancel window until 15:20 UTC.
const (
	orderC = "333-3333333-3333333"
	emailC = "noah.smith@example.com"
)

// freshFixture is newFixture (in the shop's Los Angeles time zone) with
// order C placed 10 minutes ago.
func freshFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t, newClock(), shopIn(t, "America/Los_Angeles"))
	if _, err := f.engine.Import(context.Background(), []core.Order{freshOrder(f.clock.Now().Add(-10 * time.Minute))}); err != nil {
		t.Fatalf("import: %v", err)
	}
	return f
}

// freshOrder is order C, bought at bought and paid a minute later.
func freshOrder(bought time.Time) core.Order {
	o := testOrder(orderC, "Noah Smith", emailC, "10001", bought)
	paid := bought.Add(time.Minute)
	o.PurchaseDate, o.PaymentsDate, o.ReportUpdated = bought, &paid, bought
	return o
}

const cancelForm = `action="/cancel"`

func (b *browser) cancel(form url.Values, header ...string) (*http.Response, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{"csrf": {b.csrf()}, "order_id": {orderC}, "confirm": {"yes"}}
	}
	return b.post("/cancel", form, header...)
}

// state is what a cancel could change: the order, its audit entries and
// the outbox.
type state struct {
	Status core.Status
	Reason core.CancelReason
	Audit  []core.AuditEntry
	Outbox []core.Event
}

func (f *fixture) state(orderID string) state {
	f.t.Helper()
	ctx := context.Background()
	res, err := f.engine.RunLine(ctx, staff, "order "+orderID, false)
	if err != nil {
		f.t.Fatalf("order %s: %v", orderID, err)
	}
	audit, err := f.engine.RunLine(ctx, staff, "audit "+orderID, false)
	if err != nil {
		f.t.Fatalf("audit %s: %v", orderID, err)
	}
	st := state{Status: res.Order.Status, Reason: res.Order.CancelReason, Audit: audit.Audit}
	if err := f.store.View(ctx, func(tx core.Tx) error {
		st.Outbox, err = tx.Outbox(ctx, 0, 1000)
		return err
	}); err != nil {
		f.t.Fatalf("outbox: %v", err)
	}
	return st
}

func (f *fixture) unchanged(before state) {
	f.t.Helper()
	after := f.state(orderC)
	if after.Status != before.Status || len(after.Audit) != len(before.Audit) || len(after.Outbox) != len(before.Outbox) {
		f.t.Fatalf("a refused cancel changed something: %+v, then %+v", before, after)
	}
}

func TestCancelOfferedWithinTheWindowOnly(t *testing.T) {
	f := freshFixture(t)
	b := f.browser()
	b.mustVerify(orderC, emailC)
	_, page := b.get("/")
	// 14:50 UTC + 30 minutes, in the shop's time zone.
	for _, want := range []string{cancelForm, "Cancel this order", `name="confirm" value="yes" required`, "until <time datetime=\"2026-11-18T07:20:00-08:00\">Wed 18 Nov 2026, 07:20 PST</time>"} {
		if !strings.Contains(page, want) {
			t.Fatalf("page within the window lacks %q:\n%s", want, page)
		}
	}
	// An older order is not offered.
	old := f.browser()
	old.mustVerify(orderA, emailA)
	if _, page := old.get("/"); strings.Contains(page, cancelForm) || !verifiedPage(page) {
		t.Fatalf("order bought a day ago offered a cancel:\n%s", page)
	}
	f.clock.Advance(20 * time.Minute) // 15:20: the window's last moment
	if _, page := b.get("/"); !strings.Contains(page, cancelForm) {
		t.Fatal("not offered at the window's last moment")
	}
	f.clock.Advance(time.Second)
	if _, page := b.get("/"); strings.Contains(page, cancelForm) || strings.Contains(page, "order-state") || !verifiedPage(page) {
		t.Fatalf("offered after the window:\n%s", page)
	}
}

func TestCancelCancelsOnce(t *testing.T) {
	f := freshFixture(t)
	b := f.browser()
	b.mustVerify(orderC, emailC)
	before := f.state(orderC)
	res, body := b.cancel(nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/#order-state" {
		t.Fatalf("cancel: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	st := f.state(orderC)
	if st.Status != core.Canceled || st.Reason != core.BuyerCanceled {
		t.Fatalf("after the cancel: %s %s", st.Status, st.Reason)
	}
	if len(st.Audit) != 1 || st.Audit[0].Source != "web" || st.Audit[0].Actor != "buyer" || st.Audit[0].Role != "" || st.Audit[0].Command != "cancel "+orderC+" buyer_canceled" {
		t.Fatalf("audit: %+v", st.Audit)
	}
	news := st.Outbox[len(before.Outbox):]
	if len(news) != 1 || news[0].Kind != core.EventBuyerCanceled || news[0].OrderID != orderC {
		t.Fatalf("outbox messages for staff: %+v", news)
	}
	for _, pii := range []string{"Noah", emailC, "10001", "Oak St"} {
		if strings.Contains(news[0].Text, pii) || strings.Contains(st.Audit[0].Command+st.Audit[0].Detail+st.Audit[0].Actor, pii) {
			t.Fatalf("buyer data %q reaches staff: %q %+v", pii, news[0].Text, st.Audit[0])
		}
	}
	_, page := b.get("/")
	if !strings.Contains(page, "This order is cancelled") || !strings.Contains(page, "Cancelled on Wed 18 Nov 2026, 07:00 PST") || strings.Contains(page, cancelForm) {
		t.Fatalf("page after the cancel:\n%s", page)
	}

	// The same form again (a double click, a retry) is answered the same
	// way and changes nothing.
	res, body = b.cancel(nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second cancel: %d\n%s", res.StatusCode, body)
	}
	f.unchanged(st)
	res, body = b.cancel(nil, "Accept", "application/json")
	var out struct {
		Status  core.Status `json:"status"`
		Already bool        `json:"already"`
		Message string      `json:"message"`
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &out) != nil || out.Status != core.Canceled || !out.Already || !strings.Contains(out.Message, "already cancelled") {
		t.Fatalf("repeat as JSON: %d %s", res.StatusCode, body)
	}
	f.unchanged(st)
}

// Two submissions at once, as a double click on a slow line sends them.
func TestCancelDoubleSubmitAtOnce(t *testing.T) {
	f := freshFixture(t)
	b := f.browser()
	b.mustVerify(orderC, emailC)
	form := url.Values{"csrf": {b.csrf()}, "order_id": {orderC}, "confirm": {"yes"}}
	before := f.state(orderC)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, b.base+"/cancel", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := b.c.Do(req)
			if err == nil {
				codes[i] = res.StatusCode
				res.Body.Close()
			}
		})
	}
	wg.Wait()
	if codes[0] != http.StatusSeeOther || codes[1] != http.StatusSeeOther {
		t.Fatalf("two submissions answered %v, want both 303", codes)
	}
	st := f.state(orderC)
	if st.Status != core.Canceled || len(st.Audit) != 1 || len(st.Outbox)-len(before.Outbox) != 1 {
		t.Fatalf("after two submissions: %s, %d audit entries, %d new outbox messages", st.Status, len(st.Audit), len(st.Outbox)-len(before.Outbox))
	}
}

func TestCancelRefusedAfterTheWindow(t *testing.T) {
	f := freshFixture(t)
	b := f.browser()
	b.mustVerify(orderC, emailC)
	form := url.Values{"csrf": {b.csrf()}, "order_id": {orderC}, "confirm": {"yes"}} // the page was loaded in time…
	f.clock.Advance(21 * time.Minute)                                                // …and sent too late
	before := f.state(orderC)
	res, body := b.cancel(form)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "can no longer be cancelled by the buyer: that is possible for 30 minutes after purchase") {
		t.Fatalf("late cancel: %d\n%s", res.StatusCode, body)
	}
	if !strings.Contains(body, `id="cancel-error"`) || strings.Contains(body, cancelForm) || !verifiedPage(body) {
		t.Fatalf("late cancel's page should show the refusal by the cancel box, without the form:\n%s", body)
	}
	f.unchanged(before)
	if before.Status != core.Unshipped {
		t.Fatalf("status %s", before.Status)
	}
}

func TestCancelNeedsSessionTokenAndConfirmation(t *testing.T) {
	tests := []struct {
		name   string
		send   func(f *fixture, b, other *browser) (*http.Response, string)
		status int
		want   string
	}{
		{"without_session_refused", func(f *fixture, _, _ *browser) (*http.Response, string) {
			anon := f.browser()
			return anon.cancel(url.Values{"csrf": {anon.csrf()}, "order_id": {orderC}, "confirm": {"yes"}})
		}, http.StatusUnauthorized, "session has ended"},
		{"without_token_refused", func(_ *fixture, b, _ *browser) (*http.Response, string) {
			return b.cancel(url.Values{"order_id": {orderC}, "confirm": {"yes"}})
		}, http.StatusForbidden, "nothing was done"},
		{"with_another_sessions_token_refused", func(_ *fixture, b, other *browser) (*http.Response, string) {
			return b.cancel(url.Values{"csrf": {other.csrf()}, "order_id": {orderC}, "confirm": {"yes"}})
		}, http.StatusForbidden, "nothing was done"},
		{"from_another_site_refused", func(_ *fixture, b, _ *browser) (*http.Response, string) {
			return b.cancel(nil, "Origin", "https://evil.example")
		}, http.StatusForbidden, "nothing was done"},
		{"without_confirmation_refused", func(_ *fixture, b, _ *browser) (*http.Response, string) {
			return b.cancel(url.Values{"csrf": {b.csrf()}, "order_id": {orderC}})
		}, http.StatusBadRequest, "Tick “Yes, cancel this order” to confirm"},
		{"confirmation_other_than_yes_refused", func(_ *fixture, b, _ *browser) (*http.Response, string) {
			return b.cancel(url.Values{"csrf": {b.csrf()}, "order_id": {orderC}, "confirm": {"on"}})
		}, http.StatusBadRequest, "to confirm"},
		{"form_for_another_order_refused", func(_ *fixture, b, _ *browser) (*http.Response, string) {
			return b.cancel(url.Values{"csrf": {b.csrf()}, "order_id": {orderA}, "confirm": {"yes"}})
		}, http.StatusConflict, "This form was for another order"},
		{"without_order_id_refused", func(_ *fixture, b, _ *browser) (*http.Response, string) {
			return b.cancel(url.Values{"csrf": {b.csrf()}, "confirm": {"yes"}})
		}, http.StatusConflict, "could not be read"},
		// The other buyer, signed in for order A, can't reach order C.
		{"other_buyer_naming_this_order_refused", func(_ *fixture, _, other *browser) (*http.Response, string) {
			return other.cancel(url.Values{"csrf": {other.csrf()}, "order_id": {orderC}, "confirm": {"yes"}})
		}, http.StatusConflict, "signed in for order " + orderA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := freshFixture(t)
			b, other := f.browser(), f.browser()
			b.mustVerify(orderC, emailC)
			other.mustVerify(orderA, emailA)
			before, beforeA := f.state(orderC), f.state(orderA)
			res, body := tt.send(f, b, other)
			if res.StatusCode != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d, want %d saying %q\n%s", res.StatusCode, tt.status, tt.want, body)
			}
			// A missing confirmation is shown by the form, which stays.
			if tt.status == http.StatusBadRequest && (!strings.Contains(body, `id="cancel-error"`) || !strings.Contains(body, `aria-invalid="true" aria-describedby="cancel-error"`) || !strings.Contains(body, cancelForm)) {
				t.Fatalf("the refusal is not by the cancel form:\n%s", body)
			}
			f.unchanged(before)
			if a := f.state(orderA); a.Status != beforeA.Status || len(a.Audit) != len(beforeA.Audit) {
				t.Fatalf("order A changed: %+v", a)
			}
			if _, page := b.get("/"); !strings.Contains(page, cancelForm) {
				t.Fatal("the cancel is no longer offered after a refused post")
			}
		})
	}
}
