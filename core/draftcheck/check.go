// Package draftcheck decides what a draft reply may say about an order. It
// checks a draft against the order's facts, not against a list of
// forbidden phrases: every amount must be a payment or refund of the order;
// a claim that money was refunded, the order cancelled, shipped, or a return
// received must be true of the order; the only order id it may name is the
// conversation's own, however it is written; and links only to hosts the
// shop allows.
//
// It is a pure function of the draft text, the DraftRequest (conversation and
// order) and a Policy, so any drafter's output can be checked the same way.
// The model drafter (adapters/llm) uses it before staff see a model's
// answer; the offline drafter's own replies pass it (a test holds it to that).
//
// Claims are recognised in English, German, French, Spanish, Italian,
// Japanese and Chinese (and simple Korean), in the forms that say a thing
// is done: a participle or past tense ("reimbursed", "storniert",
// "annulée"), a noun with a word of completion ("refund of 26.00 USD was
// issued", "退款成功", "返金処理が完了"). An infinitive or a future ("we
// can refund", "sera remboursé", "返金いたします") says nothing was done.
// A negation or a modal joined to the verb ("we have not cancelled", "it
// can no longer be cancelled", "尚未发货", "完了していません") makes it no
// claim, and so does a present-tense policy with a time frame ("refunds are
// processed within 2 business days").
//
// The trade-off: that reading is narrow on purpose. A softening word counts
// only when it is joined to the verb by auxiliaries, pronouns and adverbs,
// so "no worries, we've refunded you", "after that we refunded you" and
// "if you were wondering, we have refunded" stay claims. When unsure the
// check fails, which costs only the model's draft: the offline draft is
// used and staff are told why. Claims it cannot see: amounts written in
// words or without a currency and decimals ("we refunded 28"), and
// wordings outside its lists; the model's prompt forbids them as well.
package draftcheck

import (
	"fmt"
	"strings"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/textscan"
)

// Rule names the check a draft failed.
type Rule string

const (
	RefundClaim Rule = "refund_claim" // says money went back; the order has no such refund
	CancelClaim Rule = "cancel_claim" // says the order was cancelled; it is not
	ShipClaim   Rule = "ship_claim"   // says the order shipped; it has no shipment
	ReturnClaim Rule = "return_claim" // says a return was received or approved; none was
	Amount      Rule = "amount"       // an amount that is not a payment or refund of the order
	OrderID     Rule = "order_id"     // an order id other than the conversation's own
	Link        Rule = "link"         // a link to a host not on the allowed list
	Email       Rule = "email"        // an email address
)

// Problem is one reason a draft may not be offered to staff. Reason is
// written for staff; it quotes only what the check matched (the claim's
// words without markup or invisible characters, an amount, a host with its
// dots defanged so no desk makes it a link again).
type Problem struct {
	Rule   Rule
	Reason string
}

func (p Problem) String() string { return p.Reason }

// Policy is what a draft may contain beyond the order's facts.
type Policy struct {
	// AllowedLinks are host names a draft may link to (a subdomain of one
	// is allowed too). Empty allows no link at all.
	AllowedLinks []string
}

// Check returns the problems that keep text from being offered as a draft
// for req's conversation, or nil when it may be. req.Order is the
// conversation's own order, nil while the buyer is not verified.
func Check(text string, req core.DraftRequest, p Policy) []Problem {
	n := normalizeText(text)
	var out []Problem
	out = append(out, checkOrderIDs(n.text, ownIDs(req), trackingNumbers(req.Order))...)
	out = append(out, checkLinks(n, p.AllowedLinks)...)
	if len(textscan.Emails(n.text)) > 0 {
		out = append(out, Problem{Email, "contains an email address"})
	}
	out = append(out, checkClaims(n, req.Order)...)
	return dedupe(out)
}

// Reasons joins the problems' reasons for a staff note.
func Reasons(ps []Problem) string {
	var rs []string
	for _, p := range ps {
		rs = append(rs, p.Reason)
	}
	return strings.Join(rs, "; ")
}

func ownIDs(req core.DraftRequest) []string {
	var ids []string
	if req.Order != nil && req.Order.ID != "" {
		ids = append(ids, req.Order.ID)
	}
	if req.Conversation != nil && req.Conversation.OrderID != "" {
		ids = append(ids, req.Conversation.OrderID)
	}
	return ids
}

func trackingNumbers(o *core.Order) []string {
	if o == nil {
		return nil
	}
	var out []string
	for _, s := range o.Shipments {
		out = append(out, s.Tracking)
	}
	return out
}

func dedupe(ps []Problem) []Problem {
	seen := map[string]bool{}
	var out []Problem
	for _, p := range ps {
		if !seen[p.Reason] {
			seen[p.Reason] = true
			out = append(out, p)
		}
	}
	return out
}

func problemf(r Rule, format string, args ...any) Problem {
	return Problem{Rule: r, Reason: fmt.Sprintf(format, args...)}
}
