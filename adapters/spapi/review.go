package spapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"

	"github.com/sellerdesk/sellerdesk/core"
)

// Review requests through the Solicitations API v1 (solicitations.json):
// getSolicitationActionsForOrder says whether Amazon offers the
// productReviewAndSellerFeedback request for an order now, and
// createProductReviewAndSellerFeedbackSolicitation has Amazon send it.
// Whether an order may be asked for is core's rule (core/review.go); this
// file only carries the request to Amazon and Amazon's answer back.

// ReviewAction is the name of the review request among an order's
// solicitation actions.
const ReviewAction = "productReviewAndSellerFeedback"

const solicitationsPath = "/solicitations/v1/orders/"

// The Solicitations API answers in HAL (its model produces only this).
const halJSON = "application/hal+json"

// GetSolicitationActionsForOrderResponse is getSolicitationActionsForOrder's
// answer: the actions Amazon offers for the order, as links.
type GetSolicitationActionsForOrderResponse struct {
	Links  *SolicitationLinks `json:"_links,omitempty"`
	Errors []Error            `json:"errors,omitempty"`
}

// SolicitationLinks are an order's solicitation links.
type SolicitationLinks struct {
	Self    LinkObject   `json:"self"`
	Actions []LinkObject `json:"actions"`
}

// LinkObject is a HAL link.
type LinkObject struct {
	Href string `json:"href"`
	Name string `json:"name,omitempty"`
}

func solicitationQuery(marketplaceID string) url.Values {
	// One marketplace only (the model's maxItems 1).
	return url.Values{"marketplaceIds": {marketplaceID}}
}

// SolicitationActions returns the names of the solicitations Amazon
// offers for an order now (getSolicitationActionsForOrder). Once a review
// request is sent, ReviewAction is no longer among them.
func (c *Client) SolicitationActions(ctx context.Context, orderID, marketplaceID string) ([]string, error) {
	var out GetSolicitationActionsForOrderResponse
	err := c.do(ctx, call{op: OpGetSolicitationActions, method: http.MethodGet, accept: halJSON,
		path: solicitationsPath + url.PathEscape(orderID), query: solicitationQuery(marketplaceID)}, &out)
	if err != nil || out.Links == nil {
		return nil, err
	}
	names := make([]string, 0, len(out.Links.Actions))
	for _, a := range out.Links.Actions {
		names = append(names, a.Name)
	}
	return names, nil
}

// SendReviewRequest has Amazon send the buyer of an order its request for
// a product review and seller feedback
// (createProductReviewAndSellerFeedbackSolicitation). It is not retried
// after a 5xx or a lost answer, which may have sent it: look with
// SolicitationActions before trying again.
func (c *Client) SendReviewRequest(ctx context.Context, orderID, marketplaceID string) error {
	return c.do(ctx, call{op: OpCreateReviewRequest, method: http.MethodPost, accept: halJSON, once: true,
		path: solicitationsPath + url.PathEscape(orderID) + "/solicitations/" + ReviewAction, query: solicitationQuery(marketplaceID)}, nil)
}

// reviewBook is what review delivery needs of the engine.
type reviewBook interface {
	PendingReview(ctx context.Context, orderID string) (core.PendingReview, error)
	ReviewAnswered(ctx context.Context, orderID string, sent bool, reason string) error
}

// Reviewer is the outbox sink that delivers review requests
// (core.EventReviewRequest) to Amazon. It is a sink of its own, not part
// of the amazon sink: the outbox delivers each sink's messages in order,
// and the first auto_review pass (thousands of requests at 1 a second)
// must not hold up the shipment confirmations queued behind it.
type Reviewer struct {
	Client         *Client
	Engine         reviewBook
	MarketplaceIDs []string // spapi.marketplace_ids
	Log            *slog.Logger
}

// Name is the outbox sink the requests go through.
func (r *Reviewer) Name() string { return "amazon_reviews" }

// Wants picks the review requests.
func (r *Reviewer) Wants(ev core.Event) bool { return ev.Kind == core.EventReviewRequest }

// Deliver sends one review request.
func (r *Reviewer) Deliver(ctx context.Context, ev core.Event) error {
	return deliverReview(ctx, r.Client, r.Engine, r.MarketplaceIDs, r.Log, ev)
}

// deliverReview sends an order's waiting review request to Amazon and
// records the outcome, exactly once across retries and replicas: Amazon is
// asked first whether it offers the request for the order, and once sent
// it offers it no more. So a try that may have sent it (ev.MaybeSent: a
// replica died mid-call, or the answer was lost) and now finds it gone
// records it sent rather than sending again.
func deliverReview(ctx context.Context, c *Client, book reviewBook, marketplaceIDs []string, log *slog.Logger, ev core.Event) error {
	p, err := book.PendingReview(ctx, ev.OrderID)
	if core.ErrorCode(err) == core.NotFound {
		return nil // no such order or request any more: nothing to send
	}
	if err != nil {
		return err
	}
	if p.Request.State != core.ReviewWaiting {
		return nil // answered by an earlier try
	}
	refused := func(why string) error { return book.ReviewAnswered(ctx, p.OrderID, false, why) }
	market, ok := MarketplaceFor(p.SalesChannel, marketplaceIDs)
	if !ok {
		return refused(fmt.Sprintf("not sent: sellerdesk knows no Amazon marketplace id for the sales channel %q; list it alone in spapi.marketplace_ids", p.SalesChannel))
	}
	actions, err := c.SolicitationActions(ctx, p.OrderID, market)
	if amazonSaidNo(err) {
		return refused("refused by Amazon: " + core.ErrorMessage(err))
	}
	if err != nil {
		return err // Amazon unreachable or busy: the outbox tries again
	}
	if !slices.Contains(actions, ReviewAction) {
		if ev.MaybeSent {
			if log != nil {
				log.Info("spapi: review request found sent by an earlier try", "order", p.OrderID)
			}
			return book.ReviewAnswered(ctx, p.OrderID, true, "")
		}
		return refused("refused by Amazon: the review request is not available for this order (Amazon offers it 5 to 30 days after delivery, once, for orders it considers eligible)")
	}
	err = c.SendReviewRequest(ctx, p.OrderID, market)
	if amazonSaidNo(err) {
		return refused("refused by Amazon: " + core.ErrorMessage(err))
	}
	if err != nil {
		return err // may have gone through: the next try looks first (MaybeSent)
	}
	return book.ReviewAnswered(ctx, p.OrderID, true, "")
}

// amazonSaidNo reports whether Amazon answered a call with a refusal that
// trying again will not change (a 4xx other than 429: a bad order, a
// missing role), as opposed to an outage — or to Login with Amazon
// refusing the credentials, which stops every call until they are fixed.
func amazonSaidNo(err error) bool {
	switch core.ErrorCode(err) {
	case core.Invalid, core.NotFound:
		return true
	case core.Forbidden:
		return core.ErrorField(err) != "spapi.refresh_token"
	}
	return false
}
