package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/adapters/spapi/spapitest"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
)

// syncConfig writes a config.yaml pointing spapi at the fake, on a SQLite
// file (or the database named).
func syncConfig(t *testing.T, fake *spapitest.Server, refreshToken string, database ...string) {
	t.Helper()
	db := "sqlite:shop.db"
	if len(database) > 0 {
		db = database[0]
	}
	cfg := fmt.Sprintf(`database:
  url: %q
spapi:
  endpoint: %s
  token_url: %s
  client_id: %s
  client_secret: %s
  refresh_token: %q
  marketplace_ids: [ATVPDKIKX0DER]
`, db, fake.URL, fake.TokenURL(), spapitest.ClientID, spapitest.ClientSecret, refreshToken)
	if err := os.WriteFile("config.yaml", []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

func fakeAmazonOrders(n int) []spapi.Order {
	base := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Second)
	var out []spapi.Order
	for i := range n {
		id := fmt.Sprintf("114-0000000-%07d", i+1)
		out = append(out, spapi.Order{
			OrderID: id, CreatedTime: base.Format(time.RFC3339), LastUpdatedTime: base.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
			SalesChannel: spapi.SalesChannel{ChannelName: "Amazon.com", MarketplaceID: "ATVPDKIKX0DER"},
			Buyer:        &spapi.Buyer{BuyerName: "Ann Buyer", BuyerEmail: "ann@marketplace.amazon.com"},
			Recipient:    &spapi.Recipient{DeliveryAddress: &spapi.CustomerAddress{Name: "Ann Buyer", AddressLine1: "1 Main St", City: "Seattle", CountryCode: "US"}},
			Fulfillment:  &spapi.OrderFulfillment{FulfillmentStatus: spapi.FulfillmentUnshipped, FulfilledBy: "MERCHANT"},
			OrderItems: []spapi.OrderItem{{OrderItemID: id + "-1", QuantityOrdered: 1, Product: spapi.ItemProduct{SellerSKU: "MUG-RED",
				Price: &spapi.ItemPrice{UnitPrice: &spapi.Money{Amount: "9.99", CurrencyCode: "USD"}}}}},
		})
	}
	return out
}

// `bot sync orders` brings Amazon's orders in and says what it did; read
// again it finds them unchanged.
func TestSyncOrdersCommandPrintsTheSummary(t *testing.T) {
	fake := spapitest.New(t, "../adapters/spapi/testdata/models") // before the Chdir
	dir := t.TempDir()
	t.Chdir(dir)
	fake.AddOrders(fakeAmazonOrders(3)...)
	syncConfig(t, fake, spapitest.RefreshToken)

	since := time.Now().UTC().AddDate(0, 0, -2).Format(time.DateOnly)
	code, out, errOut := runBot(t, dir, "", "sync", "orders", "--since", since)
	if code != 0 || !strings.Contains(out, "3 new, 0 updated, 0 unchanged, 0 failed") || !strings.Contains(errOut, "page 1:") {
		t.Fatalf("sync orders: %d %q %q", code, out, errOut)
	}
	code, out, errOut = runBot(t, dir, "", "sync", "orders", "--since", since)
	if code != 0 || !strings.Contains(out, "0 new, 0 updated, 3 unchanged, 0 failed") {
		t.Fatalf("second sync: %d %q %q", code, out, errOut)
	}
	code, out, errOut = runBot(t, dir, "order 114-0000000-0000002\n", "console")
	if code != 0 || !strings.Contains(out, "MUG-RED") {
		t.Fatalf("the synced order is not in the desk: %d %q %q", code, out, errOut)
	}
}

// A refresh token Amazon refuses: exit 1, a message naming what to check,
// and neither the token nor the client secret in the output.
func TestSyncOrdersWithABadRefreshTokenSaysSoWithoutSecrets(t *testing.T) {
	fake := spapitest.New(t, "../adapters/spapi/testdata/models") // before the Chdir
	dir := t.TempDir()
	t.Chdir(dir)
	fake.AddOrders(fakeAmazonOrders(1)...)
	const badToken = "Atzr|NOT-THE-RIGHT-ONE-s3cr3t"
	syncConfig(t, fake, badToken)

	code, out, errOut := runBot(t, dir, "", "sync", "orders")
	if code == 0 || !strings.Contains(errOut, "spapi.refresh_token") || !strings.Contains(errOut, "refused") {
		t.Fatalf("bad token: %d %q %q", code, out, errOut)
	}
	for _, secret := range []string{badToken, "NOT-THE-RIGHT-ONE", spapitest.ClientSecret} {
		if strings.Contains(out+errOut, secret) {
			t.Fatalf("output shows a secret %q: %q %q", secret, out, errOut)
		}
	}
	if n := len(fake.Calls(spapi.OpSearchOrders)); n != 0 {
		t.Fatalf("%d searchOrders calls without a token", n)
	}
}

// Half an Amazon connection is refused at start, naming the missing key.
func TestSPAPIConfigNamesTheMissingKey(t *testing.T) {
	_, err := LoadConfig(strings.NewReader("spapi:\n  client_id: amzn1.application-oa2-client.x\n  marketplace_ids: [ATVPDKIKX0DER]\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "spapi.client_secret") {
		t.Fatalf("client_id alone: %v", err)
	}
	_, err = LoadConfig(strings.NewReader("spapi:\n  endpoint: sellingpartnerapi-eu.amazon.com\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "spapi.endpoint") {
		t.Fatalf("endpoint without a scheme: %v", err)
	}
	cfg, err := LoadConfig(nil, []string{"SELLERDESK_SPAPI_CLIENT_ID=id", "SELLERDESK_SPAPI_CLIENT_SECRET=s", "SELLERDESK_SPAPI_REFRESH_TOKEN=r", "SELLERDESK_SPAPI_MARKETPLACE_IDS=ATVPDKIKX0DER,A2EUQ1WTGCTBG2"})
	if err != nil || !cfg.SPAPI.Enabled() || len(cfg.SPAPI.MarketplaceIDs) != 2 || cfg.SPAPI.SyncInterval.Duration != 2*time.Minute {
		t.Fatalf("from the environment: %+v %v", cfg.SPAPI, err)
	}
	if cfg, err := LoadConfig(nil, nil); err != nil || cfg.SPAPI.Enabled() {
		t.Fatalf("without spapi settings: enabled %v, %v", cfg.SPAPI.Enabled(), err)
	}
}

// `bot sync orders` brings in every order of a result of several pages
// (Amazon's 100 a page) with its items, buyer and address, on SQLite and
// on PostgreSQL.
func TestSyncOrdersCommandBringsInEveryPage(t *testing.T) {
	for _, st := range []struct{ name, url string }{
		{"sqlite", "sqlite:shop.db"},
		{"postgres", ""},
	} {
		t.Run(st.name, func(t *testing.T) {
			url := st.url
			if url == "" {
				url = storetest.PostgresURL(t)
			}
			fake := spapitest.New(t, "../adapters/spapi/testdata/models") // before the Chdir
			dir := t.TempDir()
			t.Chdir(dir)
			const n = 230
			orders := fakeAmazonOrders(n)
			for i := range orders {
				o := &orders[i]
				o.Buyer = &spapi.Buyer{BuyerName: fmt.Sprintf("Buyer %d", i), BuyerEmail: fmt.Sprintf("b%d@marketplace.amazon.com", i)}
				o.Recipient = &spapi.Recipient{DeliveryAddress: &spapi.CustomerAddress{Name: fmt.Sprintf("Buyer %d", i),
					AddressLine1: fmt.Sprintf("%d Main St", i+1), City: "Seattle", StateOrRegion: "WA", PostalCode: "98101", CountryCode: "US"}}
				o.OrderItems = append(o.OrderItems, spapi.OrderItem{OrderItemID: o.OrderID + "-2", QuantityOrdered: i%3 + 1,
					Product: spapi.ItemProduct{SellerSKU: "TEA-1", Title: "Tea", Price: &spapi.ItemPrice{UnitPrice: &spapi.Money{Amount: "4.00", CurrencyCode: "USD"}}}})
			}
			fake.AddOrders(orders...)
			syncConfig(t, fake, spapitest.RefreshToken, url)

			code, out, errOut := runBot(t, dir, "", "sync", "orders", "--since", time.Now().UTC().AddDate(0, 0, -2).Format(time.DateOnly))
			if code != 0 || !strings.Contains(out, fmt.Sprintf("%d new, 0 updated, 0 unchanged, 0 failed (3 pages", n)) || !strings.Contains(errOut, "page 3:") {
				t.Fatalf("sync orders: %d %q %q", code, out, errOut)
			}
			if calls := fake.Calls(spapi.OpSearchOrders); len(calls) != 3 || calls[0].Query.Get("maxResultsPerPage") != "100" {
				t.Fatalf("%d searchOrders calls (%v), want 3 pages of 100", len(calls), calls[0].Query)
			}
			db, err := sqlstore.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var got []core.Order
			if err := db.View(context.Background(), func(tx core.Tx) (err error) {
				got, err = tx.Orders(context.Background(), core.OrderQuery{Limit: 2 * n})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("%d orders stored, want %d", len(got), n)
			}
			byID := map[string]core.Order{}
			for _, o := range got {
				byID[o.ID] = o
			}
			for i, a := range orders {
				o, ok := byID[a.OrderID]
				if !ok {
					t.Fatalf("order %s missing", a.OrderID)
				}
				if want := (core.Buyer{Name: fmt.Sprintf("Buyer %d", i), Email: fmt.Sprintf("b%d@marketplace.amazon.com", i)}); o.Buyer != want {
					t.Fatalf("%s: buyer %+v, want %+v", o.ID, o.Buyer, want)
				}
				if want := (core.Address{Name: fmt.Sprintf("Buyer %d", i), Line1: fmt.Sprintf("%d Main St", i+1), City: "Seattle", State: "WA",
					PostalCode: "98101", Country: "US"}); o.ShipTo != want {
					t.Fatalf("%s: ship-to %+v, want %+v", o.ID, o.ShipTo, want)
				}
				if len(o.Items) != 2 || o.Items[0].SKU != "MUG-RED" || o.Items[0].Quantity != 1 || o.Items[0].Price != 999 ||
					o.Items[1].SKU != "TEA-1" || o.Items[1].Quantity != i%3+1 || o.Items[1].Price != int64(400*(i%3+1)) ||
					o.Items[1].OrderItemID != a.OrderID+"-2" || o.Status != core.Unshipped || o.Currency != "USD" {
					t.Fatalf("%s: status %s items %+v", o.ID, o.Status, o.Items)
				}
			}
		})
	}
}
