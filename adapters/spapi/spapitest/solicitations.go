package spapitest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
)

// The Solicitations API: Amazon offers the productReviewAndSellerFeedback
// request for the orders OfferReview names, sends it once, and from then
// on no longer lists it among the order's actions — as Amazon does, which
// is how a client that lost an answer learns it went through.

// reviews is the fake's solicitation state, guarded by Server.mu.
type reviews struct {
	offered map[string]bool
	sent    map[string]int
	lose    int // creates to carry out and then answer 503, as if the answer was lost
}

// OfferReview makes Amazon offer the review request for these orders
// (inside its window, not refunded); other orders are offered nothing.
func (s *Server) OfferReview(orderIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reviews.offered == nil {
		s.reviews.offered = map[string]bool{}
	}
	for _, id := range orderIDs {
		s.reviews.offered[id] = true
	}
}

// ReviewsSent is how many review requests Amazon sent for an order.
func (s *Server) ReviewsSent(orderID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reviews.sent[orderID]
}

// LoseReviewAnswers makes the next n review requests that Amazon sends
// answer 503, as if the answer was lost on the way back.
func (s *Server) LoseReviewAnswers(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reviews.lose += n
}

// solicitation answers getSolicitationActionsForOrder and
// createProductReviewAndSellerFeedbackSolicitation; s.mu is held.
func (s *Server) solicitation(op *spapitestOp, r *http.Request) (int, map[string]string, string) {
	if accept := r.Header.Get("Accept"); !acceptable(accept, op.model.Produces) {
		return 415, nil, ErrorBody("InvalidInput", "Accept "+accept+" is none of "+strings.Join(op.model.Produces, ", "), "")
	}
	base := strings.TrimSuffix(r.URL.Path, "/solicitations/"+spapi.ReviewAction)
	id, _ := url.PathUnescape(base[strings.LastIndex(base, "/")+1:])
	market := r.URL.Query().Get("marketplaceIds")
	open := s.reviews.offered[id] && s.reviews.sent[id] == 0
	hal := map[string]string{"Content-Type": "application/hal+json"}
	if op.ID == spapi.OpGetSolicitationActions {
		links := spapi.SolicitationLinks{Self: spapi.LinkObject{Href: base + "?marketplaceIds=" + market}, Actions: []spapi.LinkObject{}}
		if open {
			links.Actions = append(links.Actions, spapi.LinkObject{Href: base + "/solicitations/" + spapi.ReviewAction + "?marketplaceIds=" + market, Name: spapi.ReviewAction})
		}
		b, _ := json.Marshal(spapi.GetSolicitationActionsForOrderResponse{Links: &links})
		return 200, hal, string(b)
	}
	if !open {
		return 400, hal, ErrorBody("InvalidInput", "The "+spapi.ReviewAction+" solicitation is not available for order "+id+".", "")
	}
	if s.reviews.sent == nil {
		s.reviews.sent = map[string]int{}
	}
	s.reviews.sent[id]++
	if s.reviews.lose > 0 {
		s.reviews.lose--
		return 503, nil, ErrorBody("ServiceUnavailable", "Service temporarily unavailable.", "")
	}
	return 201, hal, "{}"
}

// acceptable says whether an Accept header takes one of the types a model
// produces.
func acceptable(accept string, produces []string) bool {
	for _, part := range strings.Split(accept, ",") {
		t, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if t == "*/*" || slices.Contains(produces, t) {
			return true
		}
	}
	return false
}
