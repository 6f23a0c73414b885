package draftcheck

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sellerdesk/sellerdesk/core"
)

// amount is a sum of money written in a draft.
type amount struct {
	text       string   // as written, sign included
	start, end int      // of text, in the normalised sentence
	number     string   // the digits and separators
	cur        []string // currencies the sign or code may mean; nil when none was written
}

// A number as amounts are written: 28.75, 28,75, 1,234.56, 3.000,50,
// 1'234.50, 3 000,50 (grouped with spaces only when a currency follows).
const numberPattern = `\d{1,3}(?:[ '](?:\d{3}))+(?:[.,]\d{1,3})?|\d+(?:[.,']\d+)*`

// currencyPattern is a currency code, sign or word, longest first.
const currencyPattern = `us\$|c\$|ca\$|a\$|au\$|r\$|usd|eur|gbp|jpy|cny|rmb|cad|aud|chf|mxn|sek|pln|inr|brl|nzd|sgd|hkd|` +
	`\$|€|£|¥|円|元|块|美元|欧元|歐元|日元|人民币|英镑|ユーロ|ドル|ポンド|` +
	`dollars?|euros?|yen|yuan|pounds?|dolares|dollari|franken`

var (
	prefixAmount = regexp.MustCompile(`(?:^|[^a-z])(` + currencyPattern + `) ?(` + numberPattern + `)`)
	suffixAmount = regexp.MustCompile(`(` + numberPattern + `) ?(` + currencyPattern + `)(?:[^a-z]|$)`)
	// bareDecimal is a number with two decimals and no currency: in a
	// reply to a buyer it is money ("we refunded the full 31.97").
	bareDecimal = regexp.MustCompile(`\d+(?:[.,']\d{3})*[.,]\d{2}`)
)

// currencyOf says which currencies a sign, code or word may mean.
func currencyOf(s string) []string {
	switch s {
	case "$", "dollar", "dollars", "dolares", "dollari", "ドル":
		return []string{"USD", "CAD", "AUD", "NZD", "MXN", "SGD", "HKD"}
	case "us$", "美元":
		return []string{"USD"}
	case "c$", "ca$":
		return []string{"CAD"}
	case "a$", "au$":
		return []string{"AUD"}
	case "r$":
		return []string{"BRL"}
	case "€", "euro", "euros", "欧元", "歐元", "ユーロ":
		return []string{"EUR"}
	case "£", "pound", "pounds", "英镑", "ポンド":
		return []string{"GBP"}
	case "¥":
		return []string{"JPY", "CNY"}
	case "円", "yen", "日元":
		return []string{"JPY"}
	case "元", "块", "人民币", "rmb", "yuan":
		return []string{"CNY"}
	case "franken":
		return []string{"CHF"}
	}
	return []string{strings.ToUpper(s)}
}

// findAmounts returns the amounts in t: numbers with a currency before or
// after them, and numbers with two decimals. A number that is part of a
// date (2026.03.04, 04.03.2026) or of a longer run of digits is not one.
func findAmounts(t string) []amount {
	var out []amount
	taken := make([]bool, len(t)+1)
	// add takes the number at t[at:end] with its sign or code.
	add := func(a amount, at, end int) {
		if !standsAlone(t, at, end) || taken[at] {
			return
		}
		for i := at; i < end; i++ {
			taken[i] = true
		}
		a.number, a.text = t[at:end], t[a.start:a.end]
		out = append(out, a)
	}
	for _, m := range prefixAmount.FindAllStringSubmatchIndex(t, -1) {
		add(amount{start: m[2], end: m[5], cur: currencyOf(t[m[2]:m[3]])}, m[4], m[5])
	}
	for _, m := range suffixAmount.FindAllStringSubmatchIndex(t, -1) {
		add(amount{start: m[2], end: m[5], cur: currencyOf(t[m[4]:m[5]])}, m[2], m[3])
	}
	for _, m := range bareDecimal.FindAllStringIndex(t, -1) {
		add(amount{start: m[0], end: m[1]}, m[0], m[1])
	}
	slices.SortFunc(out, func(a, b amount) int { return a.start - b.start })
	return out
}

// standsAlone reports whether the number at t[start:end] is not part of a
// longer number or a date: no digit, and no separator followed by a digit,
// on either side.
func standsAlone(t string, start, end int) bool {
	if start > 0 && isDigit(t[start-1]) {
		return false
	}
	if start > 1 && strings.ContainsRune(".,-/", rune(t[start-1])) && isDigit(t[start-2]) {
		return false
	}
	if end < len(t) && isDigit(t[end]) {
		return false
	}
	if end+1 < len(t) && strings.ContainsRune(".,-/", rune(t[end])) && isDigit(t[end+1]) {
		return false
	}
	return true
}

// minorUnits reads a written number as minor units of currency, deciding
// which separator is the decimal one: with both, the last; with one that
// is followed by exactly three digits, a thousands separator (1,234 and
// 3.000 alike) unless the currency has three decimals; else a decimal one.
// ok is false when the number cannot be an amount of that currency (more
// decimals than it has, groups that are not thousands).
func minorUnits(number, currency string) (int64, bool) {
	s := strings.NewReplacer(" ", "", "'", "").Replace(number)
	decimals := core.CurrencyDigits(currency)
	lastDot, lastComma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	dec := -1
	switch {
	case lastDot >= 0 && lastComma >= 0:
		dec = max(lastDot, lastComma)
	case lastDot >= 0 || lastComma >= 0:
		i := max(lastDot, lastComma)
		sep := s[i]
		if strings.Count(s, string(sep)) == 1 && (len(s)-i-1 != 3 || decimals == 3 || s[:i] == "0") {
			dec = i
		}
	}
	whole, frac := s, ""
	if dec >= 0 {
		whole, frac = s[:dec], s[dec+1:]
	}
	groups := strings.FieldsFunc(whole, func(r rune) bool { return r == '.' || r == ',' })
	for i, g := range groups {
		if i > 0 && len(g) != 3 || i == 0 && len(groups) > 1 && len(g) > 3 {
			return 0, false
		}
	}
	whole = strings.Join(groups, "")
	if len(frac) > decimals {
		if strings.Trim(frac[decimals:], "0") != "" {
			return 0, false
		}
		frac = frac[:decimals]
	}
	frac += strings.Repeat("0", decimals-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || whole == "" {
		return 0, false
	}
	return n, true
}

// orderAmounts are the sums a draft may name: the order's total, each
// line's price, unit price, tax, shipping and total, and each refund and
// the refunds' total.
func orderAmounts(o *core.Order) []int64 {
	set := []int64{o.Paid()}
	for _, it := range o.Items {
		set = append(set, it.Price, it.Tax, it.Shipping, it.Paid())
		if it.Quantity > 1 && it.Price%int64(it.Quantity) == 0 {
			set = append(set, it.Price/int64(it.Quantity))
		}
	}
	return append(set, refundAmounts(o)...)
}

// refundAmounts are the sums a draft may say were refunded: each refund
// and their total.
func refundAmounts(o *core.Order) []int64 {
	var set []int64
	for _, r := range o.Refunds {
		set = append(set, r.Amount)
	}
	if len(o.Refunds) > 1 {
		set = append(set, o.Refunded())
	}
	return set
}

// checkAmount judges one amount. refunded is set when the amount's
// sentence says money was refunded: then it must be a refund of the order.
func checkAmount(a amount, o *core.Order, refunded bool) *Problem {
	if o == nil {
		p := problemf(Amount, "names %s, but the buyer has not verified an order", a.text)
		return &p
	}
	cur := strings.ToUpper(o.Currency)
	if cur == "" {
		// An order imported from a report without prices (Unshipped
		// Orders) has none a draft could name.
		p := problemf(Amount, "names %s, but the order has no prices recorded", a.text)
		return &p
	}
	if a.cur != nil && !slices.Contains(a.cur, cur) {
		p := problemf(Amount, "names %s, but the order is paid in %s", a.text, cur)
		return &p
	}
	n, ok := minorUnits(a.number, cur)
	shown := a.text
	if ok {
		shown = core.FormatAmount(n, cur)
	}
	if refunded && len(o.Refunds) > 0 {
		if !ok || !slices.Contains(refundAmounts(o), n) {
			p := problemf(Amount, "says %s was refunded, but the order's refunds total %s", shown, core.FormatAmount(o.Refunded(), cur))
			return &p
		}
		return nil
	}
	if !ok || n == 0 || !slices.Contains(orderAmounts(o), n) {
		p := problemf(Amount, "names %s, which is not a payment or refund of this order", shown)
		return &p
	}
	return nil
}
