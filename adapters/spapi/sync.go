package spapi

import (
	"context"
	"fmt"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// SyncIncluded is the data a sync asks for: what sellerdesk shows.
var syncIncluded = []string{IncludeBuyer, IncludeRecipient, IncludeFulfillment, IncludeCancellation, IncludePackages, IncludeProceeds}

// DefaultSyncOverlap is how far before the cursor a sync starts reading:
// Amazon may show an order updated just before the last pass only later.
const DefaultSyncOverlap = 10 * time.Minute

// DefaultSyncSince is how far back a first sync reads without --since.
const DefaultSyncSince = 30 * 24 * time.Hour

// SyncOptions tunes one pass of Sync.
type SyncOptions struct {
	MarketplaceIDs []string
	// Since, when set, is where the pass starts instead of the cursor
	// (the operator asked for it); without it and without a cursor, 30
	// days back.
	Since    time.Time
	Overlap  time.Duration // default DefaultSyncOverlap
	PageSize int           // 1–100; 0 is Amazon's default
	// Progress is told the running totals after every page saved.
	Progress func(SyncStats)
}

// SyncStats counts what a sync did. Failed are orders Amazon sent that
// could not be read (each logged without personal data) and were skipped.
type SyncStats struct {
	Pages     int `json:"pages"`
	New       int `json:"new"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
	PastLimit int `json:"past_limit,omitempty"`
}

// CursorName is the store cursor of a seller's order sync.
func CursorName(seller string) string { return "spapi:orders:" + seller }

// Sync reads the orders updated on Amazon since the cursor (minus an
// overlap) and saves each page through core's idempotent import, the one
// the flat-file import uses: an order seen before and unchanged is not
// rewritten. The cursor moves after each page is saved, to the newest
// lastUpdatedTime saved, so a pass stopped midway repeats at most a page.
func (c *Client) Sync(ctx context.Context, opt SyncOptions) (SyncStats, error) {
	var stats SyncStats
	e := c.cfg.Engine
	name := CursorName(c.cfg.Seller)
	overlap := opt.Overlap
	if overlap <= 0 {
		overlap = DefaultSyncOverlap
	}
	after := opt.Since
	if after.IsZero() {
		cur, err := e.Cursor(ctx, name)
		if err != nil {
			return stats, err
		}
		if t, err := time.Parse(time.RFC3339Nano, cur); cur != "" && err == nil {
			after = t.Add(-overlap)
		} else {
			after = e.Now().Add(-DefaultSyncSince)
		}
	}
	q := SearchOrdersQuery{LastUpdatedAfter: after, MarketplaceIDs: opt.MarketplaceIDs, IncludedData: syncIncluded, MaxResultsPerPage: opt.PageSize}
	err := c.EachOrderPage(ctx, q, func(page *SearchOrdersResponse) error {
		batch := make([]core.Order, 0, len(page.Orders))
		var newest time.Time
		for _, ao := range page.Orders {
			o, err := ToCoreOrder(ao)
			if err != nil {
				stats.Failed++
				c.cfg.Log.Warn("spapi sync: order skipped", "order", ao.OrderID, "err", core.ErrorMessage(err))
				continue
			}
			batch = append(batch, o)
			if o.ReportUpdated.After(newest) {
				newest = o.ReportUpdated
			}
		}
		s, err := e.Import(ctx, batch)
		if err != nil {
			return err
		}
		stats.Pages++
		stats.New += s.New
		stats.Updated += s.Updated
		stats.Unchanged += s.Unchanged
		stats.PastLimit += s.PastLimit
		if !newest.IsZero() {
			// Forward only: a page of older orders never moves it back.
			if err := e.SaveCursor(ctx, name, func(old string) string {
				if t, err := time.Parse(time.RFC3339Nano, old); err == nil && !newest.After(t) {
					return old
				}
				return newest.UTC().Format(time.RFC3339Nano)
			}); err != nil {
				return err
			}
		}
		if opt.Progress != nil {
			opt.Progress(stats)
		}
		return nil
	})
	return stats, err
}

// ToCoreOrder maps an Orders API 2026-01-01 order onto sellerdesk's.
func ToCoreOrder(a Order) (core.Order, error) {
	bad := func(field, format string, args ...any) (core.Order, error) {
		return core.Order{}, core.FieldErrorf(core.Invalid, field, "Amazon order %s: "+format, append([]any{a.OrderID}, args...)...)
	}
	if a.OrderID == "" {
		return bad("orderId", "no order id")
	}
	created, err := time.Parse(time.RFC3339, a.CreatedTime)
	if err != nil {
		return bad("createdTime", "createdTime %q is not an ISO 8601 time", a.CreatedTime)
	}
	updated, err := time.Parse(time.RFC3339, a.LastUpdatedTime)
	if err != nil {
		return bad("lastUpdatedTime", "lastUpdatedTime %q is not an ISO 8601 time", a.LastUpdatedTime)
	}
	o := core.Order{ID: a.OrderID, SalesChannel: a.SalesChannel.ChannelName, PurchaseDate: created, ReportUpdated: updated, Fulfillment: core.Merchant}
	if f := a.Fulfillment; f != nil {
		switch f.FulfilledBy {
		case "AMAZON":
			o.Fulfillment = core.Marketplace
		case "MERCHANT", "":
		default:
			return bad("fulfilledBy", "fulfilledBy %q is neither MERCHANT nor AMAZON", f.FulfilledBy)
		}
		o.ShipServiceLevel = f.FulfillmentServiceLevel
		switch f.FulfillmentStatus {
		case FulfillmentPendingAvailability, FulfillmentPending:
			o.Status = core.Pending
		case FulfillmentUnshipped:
			o.Status = core.Unshipped
		case FulfillmentPartiallyShipped:
			o.Status = core.PartiallyShipped
		case FulfillmentShipped:
			o.Status = core.Shipped
		case FulfillmentCancelled, FulfillmentUnfulfillable:
			o.Status = core.Canceled
		default:
			return bad("fulfillmentStatus", "unknown fulfillmentStatus %q", f.FulfillmentStatus)
		}
		if w := f.ShipByWindow; w != nil && w.LatestDateTime != "" {
			t, err := time.Parse(time.RFC3339, w.LatestDateTime)
			if err != nil {
				return bad("shipByWindow", "latest ship date %q is not an ISO 8601 time", w.LatestDateTime)
			}
			o.ShipBy = t
		}
	}
	if b := a.Buyer; b != nil {
		o.Buyer = core.Buyer{Name: b.BuyerName, Email: b.BuyerEmail}
	}
	if r := a.Recipient; r != nil && r.DeliveryAddress != nil {
		d := r.DeliveryAddress
		o.ShipTo = core.Address{Name: d.Name, Line1: d.AddressLine1, Line2: d.AddressLine2, Line3: d.AddressLine3,
			City: d.City, State: d.StateOrRegion, PostalCode: d.PostalCode, Country: d.CountryCode, Phone: d.Phone}
	}
	for _, ai := range a.OrderItems {
		it := core.Item{OrderItemID: ai.OrderItemID, SKU: ai.Product.SellerSKU, Title: ai.Product.Title, Quantity: ai.QuantityOrdered}
		if ai.Fulfillment != nil {
			it.Shipped = min(ai.Fulfillment.QuantityFulfilled, ai.QuantityOrdered)
		}
		if p := ai.Product.Price; p != nil && p.UnitPrice != nil {
			m := p.UnitPrice
			if o.Currency != "" && m.CurrencyCode != o.Currency {
				return bad("currencyCode", "lines in two currencies (%s and %s)", o.Currency, m.CurrencyCode)
			}
			unit, err := core.ParseAmount(m.Amount, m.CurrencyCode)
			if err != nil {
				return bad("unitPrice", "line %s: %s", ai.OrderItemID, core.ErrorMessage(err))
			}
			o.Currency = m.CurrencyCode
			it.Price = unit * int64(ai.QuantityOrdered)
		}
		if it.OrderItemID == "" || it.Quantity < 0 {
			return bad("orderItems", "%s", fmt.Sprintf("a line without an id or with a negative quantity (%q, %d)", it.OrderItemID, it.Quantity))
		}
		o.Items = append(o.Items, it)
	}
	return o, nil
}
