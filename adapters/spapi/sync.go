package spapi

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// syncIncluded is the data a sync asks for: what sellerdesk shows.
func syncIncluded() []string {
	return []string{IncludeBuyer, IncludeRecipient, IncludeFulfillment, IncludeCancellation, IncludePackages, IncludeProceeds}
}

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
	PageSize int           // 1–100; default 100, the most Amazon allows
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

// syncCursor is where a seller's sync stands. Between passes only Done is
// set: every order updated before it is saved. Within a pass, after each
// page saved, it holds the pass's window and the next page's token, so a
// pass stopped midway resumes at the next page whatever order Amazon
// returns orders in (the model does not say).
type syncCursor struct {
	Done   time.Time `json:"done,omitzero"`
	After  time.Time `json:"after,omitzero"`
	Before time.Time `json:"before,omitzero"`
	Next   string    `json:"next,omitempty"`
}

func (c *Client) readCursor(ctx context.Context, name string) (syncCursor, error) {
	var cur syncCursor
	v, err := c.cfg.Engine.Cursor(ctx, name)
	if err != nil || v == "" {
		return cur, err
	}
	if err := json.Unmarshal([]byte(v), &cur); err != nil {
		// Not ours to fix by hand: start over from the default window.
		c.cfg.Log.Warn("spapi sync: unreadable cursor ignored", "cursor", name)
		return syncCursor{}, nil
	}
	return cur, nil
}

func (c *Client) saveCursor(ctx context.Context, name string, cur syncCursor) error {
	b, err := json.Marshal(cur)
	if err != nil {
		return core.Errorf(core.Internal, "Could not write the sync cursor: %v", err)
	}
	return c.cfg.Engine.SaveCursor(ctx, name, func(string) string { return string(b) })
}

// Sync reads the orders updated on Amazon since the last pass (minus an
// overlap) and saves each page through core's idempotent import, the one
// the flat-file import uses: an order seen before and unchanged is not
// rewritten. Each pass reads a fixed window, up to two minutes ago (the
// newest Amazon allows); the cursor moves after each page is saved, so a
// pass stopped midway resumes at the page after the last one saved.
func (c *Client) Sync(ctx context.Context, opt SyncOptions) (SyncStats, error) {
	var stats SyncStats
	e := c.cfg.Engine
	name := CursorName(c.cfg.Seller)
	overlap := opt.Overlap
	if overlap <= 0 {
		overlap = DefaultSyncOverlap
	}
	cur, err := c.readCursor(ctx, name)
	if err != nil {
		return stats, err
	}
	if opt.PageSize == 0 {
		// Said, not left to Amazon's default: every page costs one of
		// searchOrders' few calls, so each should carry the most orders.
		opt.PageSize = 100
	}
	q := SearchOrdersQuery{MarketplaceIDs: opt.MarketplaceIDs, IncludedData: syncIncluded(), MaxResultsPerPage: opt.PageSize}
	switch {
	case !opt.Since.IsZero():
		q.LastUpdatedAfter = opt.Since
	case cur.Next != "":
		q.LastUpdatedAfter, q.LastUpdatedBefore, q.PaginationToken = cur.After, cur.Before, cur.Next
	case !cur.Done.IsZero():
		q.LastUpdatedAfter = cur.Done.Add(-overlap)
	default:
		q.LastUpdatedAfter = e.Now().Add(-DefaultSyncSince)
	}
	if q.LastUpdatedBefore.IsZero() {
		q.LastUpdatedBefore = e.Now().Add(-2 * time.Minute).Truncate(time.Second)
		if q.LastUpdatedBefore.Before(q.LastUpdatedAfter) {
			return stats, nil // the last pass ended under two minutes ago
		}
	}
	save := func(page *SearchOrdersResponse) error {
		batch := make([]core.Order, 0, len(page.Orders))
		for _, ao := range page.Orders {
			o, err := ToCoreOrder(ao)
			if err != nil {
				stats.Failed++
				c.cfg.Log.Warn("spapi sync: order skipped", "order", ao.OrderID, "err", core.ErrorMessage(err))
				continue
			}
			batch = append(batch, o)
		}
		s, err := e.Import(ctx, batch)
		for try := 1; core.ErrorCode(err) == core.Conflict && try < 3; try++ {
			// Another pass (the job on another replica, `bot sync orders`)
			// saved some of these orders at the same moment: save the page
			// again, which now finds them and changes only what differs.
			s, err = e.Import(ctx, batch)
		}
		if err != nil {
			return err
		}
		stats.Pages++
		stats.New += s.New
		stats.Updated += s.Updated
		stats.Unchanged += s.Unchanged
		stats.PastLimit += s.PastLimit
		next := syncCursor{Done: cur.Done, After: q.LastUpdatedAfter, Before: q.LastUpdatedBefore}
		if page.Pagination != nil && page.Pagination.NextToken != "" {
			next.Next = page.Pagination.NextToken
		} else {
			next = syncCursor{Done: q.LastUpdatedBefore}
		}
		if err := c.saveCursor(ctx, name, next); err != nil {
			return err
		}
		if opt.Progress != nil {
			opt.Progress(stats)
		}
		return nil
	}
	err = c.EachOrderPage(ctx, q, save)
	if err != nil && stats.Pages == 0 && q.PaginationToken != "" && core.ErrorCode(err) == core.Invalid {
		// The saved page token was refused (they last 24 hours): read the
		// stopped pass's window again from its start; saved orders come
		// back unchanged.
		c.cfg.Log.Info("spapi sync: page token refused, reading the window again", "err", core.ErrorMessage(err))
		q.PaginationToken = ""
		err = c.EachOrderPage(ctx, q, save)
	}
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
	o := core.Order{ID: a.OrderID, SalesChannel: salesChannel(a.SalesChannel), PurchaseDate: created, ReportUpdated: updated, Fulfillment: core.Merchant}
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
		case FulfillmentCancelled:
			o.Status = core.Canceled
		case FulfillmentUnfulfillable:
			// Amazon cancels an order that cannot be fulfilled (an item it
			// may not ship to the address, a restricted product).
			o.Status, o.CancelNote = core.Canceled, "unfulfillable"
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
	var notes, asked []string
	for _, ai := range a.OrderItems {
		it := core.Item{OrderItemID: ai.OrderItemID, SKU: ai.Product.SellerSKU, Title: ai.Product.Title, Quantity: ai.QuantityOrdered}
		if ai.Fulfillment != nil {
			it.Shipped = min(ai.Fulfillment.QuantityFulfilled, ai.QuantityOrdered)
		}
		if c := ai.Cancellation; c != nil {
			if x := c.CancellationExecution; x != nil {
				// The model gives no cancelled quantity: what had not
				// shipped when the line was cancelled is what was.
				it.Canceled, it.Quantity = it.Quantity-it.Shipped, it.Shipped
				if by := canceller(x.CancelledBy); o.CanceledBy == "" || by == "Amazon" {
					o.CanceledBy = by
				}
				if r := strings.TrimSpace(x.CancelReason); r != "" && !slices.Contains(notes, r) {
					notes = append(notes, r)
				}
			} else if r := c.CancellationRequest; r != nil && strings.EqualFold(r.Requester, RequesterBuyer) {
				if o.CancelRequest == nil {
					o.CancelRequest = &core.CancelRequest{}
				}
				o.CancelRequest.Lines = append(o.CancelRequest.Lines, ai.OrderItemID)
				if why := strings.TrimSpace(r.CancelReason); why != "" && !slices.Contains(asked, why) {
					asked = append(asked, why)
				}
			}
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
			it.Price = unit * int64(it.Quantity) // cancelled units are not paid for
		}
		if it.OrderItemID == "" || it.Quantity < 0 {
			return bad("orderItems", "%s", fmt.Sprintf("a line without an id or with a negative quantity (%q, %d)", it.OrderItemID, it.Quantity))
		}
		o.Items = append(o.Items, it)
	}
	if len(notes) > 0 {
		o.CancelNote = strings.Join(notes, "; ")
	}
	if o.Status == core.Canceled && o.CanceledBy == "" {
		o.CanceledBy = "Amazon" // the lines do not say who: Amazon's status does
	}
	if o.CancelRequest != nil {
		o.CancelRequest.Reason = strings.Join(asked, "; ")
	}
	return o, nil
}

// RequesterBuyer is the requester of a buyer's cancellation request.
const RequesterBuyer = "BUYER"

// canceller names who executed a line's cancellation (cancelledBy BUYER,
// MERCHANT or AMAZON) as the audit log shows them.
func canceller(by string) string {
	switch strings.ToUpper(by) {
	case "BUYER":
		return "buyer"
	case "MERCHANT":
		return "seller"
	}
	return "Amazon"
}
