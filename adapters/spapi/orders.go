package spapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// The includedData values of the Orders API 2026-01-01.
const (
	IncludeBuyer        = "BUYER"
	IncludeRecipient    = "RECIPIENT"
	IncludeProceeds     = "PROCEEDS"
	IncludeCancellation = "CANCELLATION"
	IncludeFulfillment  = "FULFILLMENT"
	IncludePackages     = "PACKAGES"
)

// SearchOrdersQuery is a searchOrders query. Exactly one of CreatedAfter
// and LastUpdatedAfter is required (the model says so).
type SearchOrdersQuery struct {
	CreatedAfter      time.Time
	LastUpdatedAfter  time.Time
	LastUpdatedBefore time.Time
	MarketplaceIDs    []string
	IncludedData      []string // Include* constants
	MaxResultsPerPage int      // 1–100; 0 is Amazon's default (100)
	PaginationToken   string
}

const searchOrdersPath = "/orders/2026-01-01/orders"

func (q SearchOrdersQuery) values() (url.Values, error) {
	if q.CreatedAfter.IsZero() == q.LastUpdatedAfter.IsZero() {
		return nil, core.FieldErrorf(core.Invalid, "since", "A search of Amazon's orders needs exactly one of created-after and last-updated-after.")
	}
	if q.MaxResultsPerPage < 0 || q.MaxResultsPerPage > 100 {
		return nil, core.FieldErrorf(core.Invalid, "maxResultsPerPage", "Amazon pages hold 1 to 100 orders (got %d).", q.MaxResultsPerPage)
	}
	v := url.Values{}
	setTime := func(k string, t time.Time) {
		if !t.IsZero() {
			v.Set(k, t.UTC().Format(time.RFC3339))
		}
	}
	setTime("createdAfter", q.CreatedAfter)
	setTime("lastUpdatedAfter", q.LastUpdatedAfter)
	setTime("lastUpdatedBefore", q.LastUpdatedBefore)
	// Swagger 2's default collectionFormat, which the models keep: csv.
	if len(q.MarketplaceIDs) > 0 {
		v.Set("marketplaceIds", strings.Join(q.MarketplaceIDs, ","))
	}
	if len(q.IncludedData) > 0 {
		v.Set("includedData", strings.Join(q.IncludedData, ","))
	}
	if q.MaxResultsPerPage > 0 {
		v.Set("maxResultsPerPage", strconv.Itoa(q.MaxResultsPerPage))
	}
	if q.PaginationToken != "" {
		v.Set("paginationToken", q.PaginationToken)
	}
	return v, nil
}

// restricted says whether includedData asks for buyer personal data,
// which needs a Restricted Data Token.
func restricted(included []string) []string {
	var el []string
	for _, d := range included {
		switch d {
		case IncludeBuyer:
			el = append(el, "buyerInfo")
		case IncludeRecipient:
			el = append(el, "shippingAddress")
		}
	}
	return el
}

// rdtFor returns a call's token source for a restricted resource: nil when
// the data asked for is not restricted, else one RDT fetched on first use
// and reused (by later pages too) until shortly before its expiresIn, or
// until a call is refused with it. Renewing it early matters in a long
// sync: a page refused for an expired token still spends one of
// searchOrders' scarce calls.
func (c *Client) rdtFor(method, path string, included []string) func(context.Context, bool) (string, error) {
	el := restricted(included)
	if len(el) == 0 {
		return nil
	}
	var mu sync.Mutex
	var token string
	var until time.Time
	return func(ctx context.Context, fresh bool) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if token != "" && !fresh && c.cfg.Clock.Now().Before(until) {
			return token, nil
		}
		r, err := c.CreateRestrictedDataToken(ctx, CreateRestrictedDataTokenRequest{
			RestrictedResources: []RestrictedResource{{Method: method, Path: path, DataElements: el}},
		})
		if err != nil {
			return "", err
		}
		token, until = r.RestrictedDataToken, c.cfg.Clock.Now().Add(earlyLife(r.ExpiresIn))
		return token, nil
	}
}

// SearchOrders returns one page of searchOrders.
func (c *Client) SearchOrders(ctx context.Context, q SearchOrdersQuery) (*SearchOrdersResponse, error) {
	return c.searchOrders(ctx, q, c.rdtFor(http.MethodGet, searchOrdersPath, q.IncludedData))
}

func (c *Client) searchOrders(ctx context.Context, q SearchOrdersQuery, rdt func(context.Context, bool) (string, error)) (*SearchOrdersResponse, error) {
	v, err := q.values()
	if err != nil {
		return nil, err
	}
	var out SearchOrdersResponse
	if err := c.do(ctx, call{op: OpSearchOrders, method: http.MethodGet, path: searchOrdersPath, query: v, rdt: rdt}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// EachOrderPage calls searchOrders for q and then for each next page
// (paginationToken) until the last, handing every page to fn before
// asking for the next; an error from fn stops there. One RDT serves all
// pages. q.PaginationToken resumes a search.
func (c *Client) EachOrderPage(ctx context.Context, q SearchOrdersQuery, fn func(*SearchOrdersResponse) error) error {
	rdt := c.rdtFor(http.MethodGet, searchOrdersPath, q.IncludedData)
	for {
		page, err := c.searchOrders(ctx, q, rdt)
		if err != nil {
			return err
		}
		if err := fn(page); err != nil {
			return err
		}
		if page.Pagination == nil || page.Pagination.NextToken == "" {
			return nil
		}
		q.PaginationToken = page.Pagination.NextToken
	}
}

// GetOrder returns one order with the data asked for.
func (c *Client) GetOrder(ctx context.Context, orderID string, included []string) (*Order, error) {
	if orderID == "" {
		return nil, core.FieldErrorf(core.Invalid, "order", "Which Amazon order? The order id is empty.")
	}
	path := searchOrdersPath + "/" + url.PathEscape(orderID)
	v := url.Values{}
	if len(included) > 0 {
		v.Set("includedData", strings.Join(included, ","))
	}
	var out GetOrderResponse
	err := c.do(ctx, call{op: OpGetOrder, method: http.MethodGet, path: path, query: v, rdt: c.rdtFor(http.MethodGet, path, included)}, &out)
	if err != nil {
		return nil, err
	}
	return &out.Order, nil
}

// ConfirmShipment tells Amazon a package has shipped (Orders v0). A
// refusal is Invalid with Amazon's message, for staff.
func (c *Client) ConfirmShipment(ctx context.Context, orderID string, req ConfirmShipmentRequest) error {
	if orderID == "" {
		return core.FieldErrorf(core.Invalid, "order", "Which Amazon order? The order id is empty.")
	}
	path := "/orders/v0/orders/" + url.PathEscape(orderID) + "/shipmentConfirmation"
	return c.do(ctx, call{op: OpConfirmShipment, method: http.MethodPost, path: path, body: req}, nil)
}

// CreateRestrictedDataToken asks the Tokens API for an RDT: the access
// token of a call that returns buyer name and address.
func (c *Client) CreateRestrictedDataToken(ctx context.Context, req CreateRestrictedDataTokenRequest) (*CreateRestrictedDataTokenResponse, error) {
	var out CreateRestrictedDataTokenResponse
	err := c.do(ctx, call{op: OpCreateRestrictedDataToken, method: http.MethodPost, path: "/tokens/2021-03-01/restrictedDataToken", body: req}, &out)
	if err != nil {
		return nil, err
	}
	if out.RestrictedDataToken == "" {
		return nil, core.Errorf(core.Unavailable, "Amazon answered createRestrictedDataToken without a token.")
	}
	return &out, nil
}
