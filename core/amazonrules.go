package core

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/sellerdesk/sellerdesk/core/textscan"
)

// Amazon's rules for messages to buyers (Buyer-Seller Messaging): a reply
// to an Amazon buyer carries only what the order needs. Core checks them
// before a reply to an amazon conversation is queued, whichever desk sends
// it, so a refused reply never reaches Amazon (which would bounce it, or
// count it against the account).

// AmazonRule names one of Amazon's rules for buyer messages.
type AmazonRule string

const (
	AmazonLink      AmazonRule = "link"      // a link not needed to complete the order
	AmazonEmail     AmazonRule = "email"     // an e-mail address
	AmazonPhone     AmazonRule = "phone"     // a phone number
	AmazonMarketing AmazonRule = "marketing" // marketing, a review or feedback request or incentive
	AmazonOptOut    AmazonRule = "opt_out"   // an unsubscribe or opt-out link or line
	AmazonHTML      AmazonRule = "html"      // HTML markup: replies go as plain text
)

// AmazonProblem is one thing a reply to an Amazon buyer may not carry.
type AmazonProblem struct {
	Rule  AmazonRule `json:"rule"`
	Found string     `json:"found"` // what was found, as read
}

// what each rule forbids and what to do, for the refusal.
var amazonRuleText = map[AmazonRule]string{
	AmazonLink:      "links other than the order's carrier tracking page",
	AmazonEmail:     "e-mail addresses",
	AmazonPhone:     "phone numbers",
	AmazonMarketing: "marketing and requests for reviews or feedback (or anything offered for them)",
	AmazonOptOut:    "unsubscribe and opt-out lines",
	AmazonHTML:      "HTML: replies go as plain text",
}

// CarrierTrackingHosts are the hosts of a carrier's own tracking pages: the
// only links a reply to an Amazon buyer may carry, and only for a carrier
// the order shipped with (a link "needed to complete the order"). Other
// carriers have none; staff give the tracking number instead.
func CarrierTrackingHosts(c Carrier) []string {
	switch c {
	case UPS:
		return []string{"ups.com"}
	case USPS:
		return []string{"usps.com"}
	case FedEx:
		return []string{"fedex.com"}
	case DHL:
		return []string{"dhl.com", "dhl.de"}
	}
	return nil
}

// CheckAmazonReply refuses a reply to an Amazon buyer that breaks Amazon's
// rules: an Invalid error on "text" naming each rule broken and what to
// remove. o is the conversation's order (nil when unknown): its carriers'
// tracking pages are the links allowed, and its own order id and tracking
// numbers are never read as phone numbers.
func CheckAmazonReply(text string, o *Order) error {
	probs := AmazonProblems(text, o)
	if len(probs) == 0 {
		return nil
	}
	var b strings.Builder
	for i, p := range probs {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "Amazon's rules for buyer messages forbid %s: remove '%s'.", amazonRuleText[p.Rule], p.Found)
	}
	return FieldErrorf(Invalid, "text", "%s", b.String())
}

// AmazonProblems lists what a reply to an Amazon buyer may not carry, at
// most one problem per rule and thing found, in rule order.
func AmazonProblems(text string, o *Order) []AmazonProblem {
	t := textscan.Fold(text)
	var out []AmazonProblem
	add := func(r AmazonRule, found string) {
		out = append(out, AmazonProblem{Rule: r, Found: clipText(found, 60)})
	}
	if m := htmlLike.FindString(t); m != "" {
		add(AmazonHTML, m)
	}
	var allowed, own []string
	if o != nil {
		own = append(own, strings.ToLower(o.ID))
		for _, s := range o.Shipments {
			allowed = append(allowed, CarrierTrackingHosts(s.Carrier)...)
			if s.Tracking != "" {
				own = append(own, strings.ToLower(s.Tracking))
			}
		}
	}
	for _, h := range textscan.BadLinks(t, allowed, nil) {
		add(AmazonLink, h)
	}
	for _, m := range textscan.Emails(t) {
		add(AmazonEmail, m)
	}
	// The order's own numbers are what a reply is about, not a phone.
	scrubbed := t
	for _, id := range own {
		if id != "" {
			scrubbed = strings.ReplaceAll(scrubbed, id, " ")
		}
	}
	for _, m := range phoneLike.FindAllStringIndex(scrubbed, -1) {
		if p := scrubbed[m[0]:m[1]]; isPhone(scrubbed, m[0], m[1], p) {
			add(AmazonPhone, strings.TrimSpace(p))
			break // one is enough to name the rule
		}
	}
	for _, w := range amazonMarketingWords {
		if strings.Contains(t, w) {
			add(AmazonMarketing, w)
			break
		}
	}
	for _, w := range amazonOptOutWords {
		if strings.Contains(t, w) {
			add(AmazonOptOut, w)
			break
		}
	}
	return out
}

var (
	// htmlLike is a tag (<b>, </p>, <a href=…>, <br/>) or an entity
	// (&nbsp; &#169;): what makes a text HTML rather than plain.
	htmlLike = regexp.MustCompile(`<\s*/?\s*[a-z][a-z0-9]*(\s+[^<>]*)?/?\s*>|&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});`)
	// phoneLike is a run of digits with the separators phone numbers are
	// written with (spaces, dots, dashes, slashes, brackets), maybe after a
	// "+". isPhone decides.
	phoneLike = regexp.MustCompile(`\+?\(?\d[\d .\-/()]{5,}\d`)
	// notPhone are digit runs with the shape of something else: an Amazon
	// order id, a US ZIP+4.
	notPhone = regexp.MustCompile(`^(\d{3}-\d{7}-\d{7}|\d{5}-\d{4})$`)
)

// isPhone decides whether a digit run is a phone number: 7 to 15 digits
// (E.164's most) written as a phone number is — international ("+49 …",
// "0049 …") or with an area code in brackets with at least 7 digits, else
// at least 9 — standing alone (no letter or digit joined on), and not an
// Amazon order id or a ZIP+4. Dates (8 digits), amounts and postcodes stay below that,
// and long tracking numbers above 15 digits or joined to letters.
func isPhone(t string, a, b int, p string) bool {
	if a > 0 {
		if r := lastRune(t[:a]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	if b < len(t) {
		if r := firstRune(t[b:]); unicode.IsLetter(r) {
			return false
		}
	}
	p = strings.TrimSpace(p)
	digits := 0
	for _, r := range p {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits < 7 || digits > 15 || notPhone.MatchString(p) {
		return false
	}
	intl := strings.HasPrefix(p, "+") || strings.HasPrefix(p, "00") || strings.HasPrefix(p, "(")
	return intl || digits >= 9
}

func lastRune(s string) rune {
	r := []rune(s)
	return r[len(r)-1]
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

// amazonMarketingWords are marketing and review-incentive phrases, lower
// case as Fold leaves them, in the drafter's languages and Amazon's
// European ones: asking for a positive review or stars, offering anything
// for one, a discount or coupon, asking to follow the shop.
var amazonMarketingWords = []string{
	// English
	"positive review", "positive feedback", "5-star", "5 star", "five star", "five-star", "★★★",
	"leave a review", "leave us a review", "leave feedback", "leave us feedback", "review us", "rate us",
	"discount on your next", "off your next order", "coupon", "promo code", "promotion code", "voucher",
	"free gift", "follow us", "like us on", "our newsletter", "visit our shop", "visit our store", "check out our",
	// German
	"positive bewertung", "5 sterne", "fünf sterne", "bewertung hinterlassen", "bewerten sie uns", "rezension hinterlassen",
	"rabatt", "gutschein", "folgen sie uns", "besuchen sie unseren shop",
	// French
	"avis positif", "évaluation positive", "5 étoiles", "cinq étoiles", "laisser un avis", "laissez un avis",
	"laissez-nous un avis", "code promo", "réduction sur votre prochaine", "bon de réduction", "suivez-nous", "suivez nous",
	// Spanish
	"reseña positiva", "opinión positiva", "valoración positiva", "5 estrellas", "cinco estrellas", "deje una reseña",
	"déjenos una reseña", "deja una reseña", "código de descuento", "descuento en su próxima", "descuento en tu próxima",
	"cupón", "síguenos", "síganos",
	// Italian
	"recensione positiva", "feedback positivo", "5 stelle", "cinque stelle", "lascia una recensione",
	"lasciare una recensione", "lasci una recensione", "codice sconto", "sconto sul prossimo", "buono sconto", "seguici",
	// Japanese
	"高評価", "星5", "5つ星", "★5", "レビューを", "レビューのお願い", "評価をお願い", "クーポン", "割引", "フォローして", "フォローお願い",
	// Chinese (simplified and traditional)
	"好评", "好評", "五星", "5星", "留下评价", "给我们评价", "給我們評價", "优惠券", "優惠券", "折扣", "关注我们", "關注我們",
}

// amazonOptOutWords are unsubscribe and opt-out lines: a reply to a
// buyer's message is not a mailing to opt out of.
var amazonOptOutWords = []string{
	"unsubscribe", "opt out", "opt-out", "optout", "abbestellen", "abmelden", "newsletter abbestellen",
	"se désabonner", "désabonner", "désinscrire", "darse de baja", "cancelar suscripción", "annulla l'iscrizione",
	"disiscriviti", "配信停止", "退订", "退訂", "取消订阅", "取消訂閱",
}
