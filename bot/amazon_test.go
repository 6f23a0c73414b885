package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/adapters/spapi/spapitest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// spapiEnv points the spapi settings at the fake.
func spapiEnv(fake *spapitest.Server, refreshToken string) []string {
	return []string{"SELLERDESK_SPAPI_ENDPOINT=" + fake.URL, "SELLERDESK_SPAPI_TOKEN_URL=" + fake.TokenURL(),
		"SELLERDESK_SPAPI_CLIENT_ID=" + spapitest.ClientID, "SELLERDESK_SPAPI_CLIENT_SECRET=" + spapitest.ClientSecret,
		"SELLERDESK_SPAPI_REFRESH_TOKEN=" + refreshToken, "SELLERDESK_SPAPI_MARKETPLACE_IDS=ATVPDKIKX0DER"}
}

func storedOrders(t *testing.T, m *Main) []core.Order {
	t.Helper()
	var got []core.Order
	if err := m.Store.View(context.Background(), func(tx core.Tx) (err error) {
		got, err = tx.Orders(context.Background(), core.OrderQuery{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

// bot serve with spapi settings runs the order sync job: Amazon's orders
// come in, /healthz says when, and the pass's summary is logged with
// counts only, no buyer data.
func TestServeSyncsAmazonOrders(t *testing.T) {
	fake := spapitest.New(t, "../adapters/spapi/testdata/models") // before the Chdir
	fake.AddOrders(fakeAmazonOrders(3)...)
	var logs enginetest.LogBuffer
	m := mailinServe(t, &logs, spapiEnv(fake, spapitest.RefreshToken)...)
	mailinEventually(t, "the sync job brought the orders in", func() bool { return len(storedOrders(t, m)) == 3 })
	var rec response
	mailinEventually(t, "/healthz says when Amazon was last synced", func() bool {
		rec = httpGet(t, m.Handler(), "/healthz")
		return strings.Contains(rec.body, "amazon: ok; last sync 20")
	})
	if rec.code != http.StatusOK || !strings.HasPrefix(rec.body, "ok\n") {
		t.Errorf("/healthz %d %q", rec.code, rec.body)
	}
	text := logs.String()
	if !strings.Contains(text, "amazon: order sync") || !strings.Contains(text, "new=3") {
		t.Errorf("no pass summary in the log:\n%s", text)
	}
	for _, private := range []string{"Ann Buyer", "ann@marketplace.amazon.com", "1 Main St", spapitest.ClientSecret, spapitest.RefreshToken} {
		if strings.Contains(text, private) {
			t.Errorf("the log shows %q", private)
		}
	}
}

// Credentials Amazon refuses: one clear log line naming the setting to
// fix (not its value), /healthz still 200 with the Amazon line saying so,
// and the desk serves on, though the check and the sync job both failed.
func TestServeWithRefusedAmazonCredentials(t *testing.T) {
	fake := spapitest.New(t, "../adapters/spapi/testdata/models")
	fake.AddOrders(fakeAmazonOrders(1)...)
	const badToken = "Atzr|REVOKED-REFRESH-TOKEN-77a1"
	var logs enginetest.LogBuffer
	m := mailinServe(t, &logs, spapiEnv(fake, badToken)...)
	mailinEventually(t, "the check and the sync job both asked for a token", func() bool { return len(fake.Calls("token")) >= 2 })
	var rec response
	mailinEventually(t, "/healthz shows the refusal", func() bool {
		rec = httpGet(t, m.Handler(), "/healthz")
		return strings.Contains(rec.body, "amazon: failing")
	})
	if rec.code != http.StatusOK || !strings.HasPrefix(rec.body, "ok\n") || !strings.Contains(rec.body, "spapi.refresh_token") ||
		!strings.Contains(rec.body, "last sync never on this replica") {
		t.Errorf("/healthz %d %q", rec.code, rec.body)
	}
	mailinEventually(t, "the sync job's pass ended", func() bool { return strings.Contains(logs.String(), "amazon: order sync") })
	text := logs.String()
	if n := strings.Count(text, "Amazon refused the connection"); n != 1 {
		t.Errorf("%d refusal messages, want one:\n%s", n, text)
	}
	if strings.Contains(text+rec.body, badToken) || strings.Contains(text+rec.body, spapitest.ClientSecret) {
		t.Error("a secret reached the log or /healthz")
	}
	if res, err := m.Engine.RunLine(context.Background(), consoleActor(core.Owner), "orders", false); err != nil {
		t.Errorf("the desk stopped working: %v %+v", err, res)
	}
	if n := len(fake.Calls(spapi.OpSearchOrders)); n != 0 {
		t.Errorf("%d searchOrders calls without a token", n)
	}
}

// A refusal seen at start is cleared by the next sync that works; without
// spapi settings there is no Amazon line and no sync job.
func TestAmazonProblemClearedByALaterSync(t *testing.T) {
	fake := spapitest.New(t, "../adapters/spapi/testdata/models")
	fake.AddOrders(fakeAmazonOrders(2)...)
	var logs enginetest.LogBuffer
	m := openServeMain(t, &logs)
	ctx := context.Background()
	m.openAmazon(ctx)
	if m.amazonHealth() != "" || m.orderSync() != nil {
		t.Fatalf("without spapi: health %q, sync job %v", m.amazonHealth(), m.orderSync() != nil)
	}
	cfg, err := LoadConfig(nil, spapiEnv(fake, spapitest.RefreshToken))
	if err != nil {
		t.Fatal(err)
	}
	m.Config.SPAPI = cfg.SPAPI
	fake.Fail("token", spapitest.Fault{Status: 401, Body: `{"error":"invalid_client","error_description":"Client authentication failed"}`})
	m.openAmazon(ctx)
	m.amazonIn.wg.Wait()
	if h := m.amazonHealth(); !strings.HasPrefix(h, "amazon: failing") || !strings.Contains(h, "spapi.client_secret") {
		t.Fatalf("after a refused check: %q", h)
	}
	if err := m.orderSync()(ctx); err != nil {
		t.Fatalf("sync after the refusal: %v", err)
	}
	if h := m.amazonHealth(); !strings.HasPrefix(h, "amazon: ok; last sync 20") {
		t.Fatalf("after a sync that worked: %q", h)
	}
	if len(storedOrders(t, m)) != 2 || !strings.Contains(logs.String(), "amazon: the connection works again") {
		t.Fatalf("orders %d, log:\n%s", len(storedOrders(t, m)), logs.String())
	}
}
