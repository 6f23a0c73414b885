package spapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/adapters/spapi/spapitest"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

const modelsDir = "testdata/models"

// harness is a fake SP-API and a client of it on a SQLite store, whose
// sleeps (backoff, rate waits) are recorded and skipped.
type harness struct {
	t      *testing.T
	fake   *spapitest.Server
	client *spapi.Client
	log    *enginetest.LogBuffer
	mu     sync.Mutex
	slept  []time.Duration
}

func newHarness(t *testing.T, edit ...func(*spapi.Config)) *harness {
	t.Helper()
	h := &harness{t: t, fake: spapitest.New(t, modelsDir), log: &enginetest.LogBuffer{}}
	cfg := spapi.Config{
		Endpoint: h.fake.URL, TokenURL: h.fake.TokenURL(),
		ClientID: spapitest.ClientID, ClientSecret: spapitest.ClientSecret, RefreshToken: spapitest.RefreshToken,
		Seller: "A1SELLER",
		Engine: core.NewEngine(storetest.OpenSQLite(t), core.Options{}),
		Log:    slog.New(slog.NewTextHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Sleep: func(ctx context.Context, d time.Duration) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.slept = append(h.slept, d)
			return ctx.Err()
		},
	}
	for _, f := range edit {
		f(&cfg)
	}
	c, err := spapi.New(cfg)
	if err != nil {
		t.Fatalf("spapi.New: %v", err)
	}
	h.client = c
	return h
}

func (h *harness) sleeps() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.slept...)
}

// order is a merchant-fulfilled order with two lines, buyer and address.
func order(n int, updated time.Time) spapi.Order {
	id := fmt.Sprintf("113-0000000-%07d", n)
	return spapi.Order{
		OrderID:         id,
		CreatedTime:     updated.Add(-time.Hour).Format(time.RFC3339),
		LastUpdatedTime: updated.Format(time.RFC3339),
		SalesChannel:    spapi.SalesChannel{ChannelName: "Amazon.com", MarketplaceID: "ATVPDKIKX0DER"},
		Buyer:           &spapi.Buyer{BuyerName: fmt.Sprintf("Buyer %d", n), BuyerEmail: fmt.Sprintf("b%d@marketplace.amazon.com", n)},
		Recipient: &spapi.Recipient{DeliveryAddress: &spapi.CustomerAddress{
			Name: fmt.Sprintf("Buyer %d", n), AddressLine1: "1 Main St", City: "Seattle", StateOrRegion: "WA", PostalCode: "98101", CountryCode: "US",
		}},
		Fulfillment: &spapi.OrderFulfillment{FulfillmentStatus: spapi.FulfillmentUnshipped, FulfilledBy: "MERCHANT"},
		OrderItems: []spapi.OrderItem{
			{OrderItemID: id + "-1", QuantityOrdered: 2, Product: spapi.ItemProduct{SellerSKU: "MUG-RED", Title: "Red mug",
				Price: &spapi.ItemPrice{UnitPrice: &spapi.Money{Amount: "12.50", CurrencyCode: "USD"}}}},
			{OrderItemID: id + "-2", QuantityOrdered: 1, Product: spapi.ItemProduct{SellerSKU: "TEA-1", Title: "Tea"}},
		},
	}
}
