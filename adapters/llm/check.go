package llm

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/sellerdesk/sellerdesk/core"
)

// maxReplyRunes caps a draft: a help-channel answer is a few sentences, and
// a model that writes pages has lost the thread.
const maxReplyRunes = 1500

// maxSummaryRunes caps the staff summary, which is meant to be one line.
const maxSummaryRunes = 300

// orderIDLike finds order-id shapes: the marketplace's 3-7-7 digits and
// near variants (other groupings, spaces or dashes of any kind between the
// groups). Plain digit runs are left alone: tracking numbers look like them.
var orderIDLike = regexp.MustCompile(`\d{2,4}[-‐‑–—\s]\d{5,8}[-‐‑–—\s]\d{5,8}`)

// refundClaims are ways of saying money went back. A reply may say them
// only when the order has a refund. Promises in the future tense ("your
// refund is due within 2 business days of receipt") are policy, not claims.
var refundClaims = claims(
	`\brefunded\b`,
	`\b(issued|processed|sent|given|made|approved|initiated|completed)\b[^.!?\n]{0,30}\brefunds?\b`,
	`\brefunds?\b[^.!?\n]{0,30}\b(has|have|had|was|were)\s+(been\s+)?(issued|processed|sent|given|made|approved|initiated|completed)\b`,
	`退款已|已退款|已经退款|已为您退款|已給您退款|已给您退款|已办理退款|退款成功|已退回`,
	`返金しました|返金済|返金いたしました|返金を完了`,
	`환불되었|환불 완료|환불했`,
	`erstattet|rückerstattung\s+(wurde|ist)`,
	`rembours(é|ée|és|ées)|remboursement\s+a\s+été`,
	`reembolsad[oa]|reembolso\s+(ha|fue|foi)`,
	`rimborsat[oa]`,
)

// cancelClaims are ways of saying the order was cancelled; allowed only
// when it is.
var cancelClaims = claims(
	`\bcancell?ed\b`,
	`\bcancellation\b[^.!?\n]{0,20}\b(has|have|was|is)\s+(been\s+)?(processed|completed|confirmed|done)\b`,
	`已取消|已经取消|取消成功|已为您取消|已被取消|已給您取消`,
	`キャンセルしました|キャンセル済|キャンセルいたしました`,
	`취소되었|취소 완료|취소했`,
	`storniert`,
	`annul(é|ée|és|ées)`,
	`cancelad[oa]|anulad[oa]`,
	`annullat[oa]`,
)

func claims(patterns ...string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)` + strings.Join(patterns, "|"))
}

var (
	linkLike  = regexp.MustCompile(`(?i)\bhttps?://[^\s)\]>"']+|\bwww\.[^\s)\]>"']+`)
	emailLike = regexp.MustCompile(`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}`)
)

// carrierSites may be linked: a tracking page is a fair thing to point a
// buyer to, any other site is not the model's to suggest.
var carrierSites = []string{"ups.com", "usps.com", "fedex.com", "dhl.com", "dhl.de"}

// leakMarkers show a reply repeating its prompt.
var leakMarkers = []string{"buyer_message", "staff_reply", "get_order", "rules for every reply"}

// checkReply returns why text may not be offered to staff as a draft, or ""
// when it may. It judges only what the order shows: a reply may claim a
// refund when the order has one, a cancellation when it is canceled, and may
// name the order's own id.
func checkReply(text string, o *core.Order) string {
	if strings.TrimSpace(text) == "" {
		return "empty answer"
	}
	if n := utf8.RuneCountInString(text); n > maxReplyRunes {
		return fmt.Sprintf("too long: %d characters, limit %d", n, maxReplyRunes)
	}
	// Full-width digits and dashes read the same to a buyer.
	folded := width.Fold.String(text)
	lower := strings.ToLower(folded)
	own := ""
	if o != nil {
		own = digits(o.ID)
	}
	for _, id := range orderIDLike.FindAllString(folded, -1) {
		if own == "" || digits(id) != own {
			return "mentions another order id"
		}
	}
	if refundClaims.MatchString(folded) && (o == nil || len(o.Refunds) == 0) {
		return "claims a refund the order does not have"
	}
	if cancelClaims.MatchString(folded) && (o == nil || o.Status != core.Canceled) {
		return "claims a cancellation the order does not have"
	}
	for _, l := range linkLike.FindAllString(folded, -1) {
		if !carrierLink(l) {
			return "contains a link"
		}
	}
	if emailLike.MatchString(folded) {
		return "contains an email address"
	}
	for _, m := range leakMarkers {
		if strings.Contains(lower, m) {
			return "repeats its instructions"
		}
	}
	return ""
}

func carrierLink(l string) bool {
	if !strings.Contains(l, "://") {
		l = "https://" + l
	}
	u, err := url.Parse(l)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, s := range carrierSites {
		if host == s || strings.HasSuffix(host, "."+s) {
			return true
		}
	}
	return false
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// checkSummary cleans the staff summary to one line; reason is set when
// there is nothing usable.
func checkSummary(s string) (line, reason string) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if s == "" {
		return "", "empty summary"
	}
	if utf8.RuneCountInString(s) > maxSummaryRunes {
		r := []rune(s)
		s = string(r[:maxSummaryRunes-1]) + "…"
	}
	return s, ""
}
