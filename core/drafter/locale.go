package drafter

import (
	"strconv"
	"strings"

	"github.com/sellerdesk/sellerdesk/core"
)

// money writes an amount of the order's currency as the buyer's locale
// does: 1.234,56 € (de, it, es), 1 234,56 € (fr), 1,299円 (ja, yen). English
// and Chinese keep the desk's own form (27.00 USD), which staff read too.
func money(lang string, minor int64, currency string) string {
	cur := strings.ToUpper(currency)
	var group, point string
	switch lang {
	case "de", "it", "es":
		group, point = ".", ","
	case "fr":
		group, point = " ", ","
	case "ja":
		if cur == "JPY" {
			return groupDigits(minor, 0, ",", ".") + "円"
		}
		return core.FormatAmount(minor, currency)
	default:
		return core.FormatAmount(minor, currency)
	}
	s := groupDigits(minor, core.CurrencyDigits(cur), group, point)
	switch cur {
	case "EUR":
		return s + " €"
	case "GBP":
		return s + " £"
	case "":
		return s
	}
	return s + " " + cur
}

// groupDigits writes minor units with digits decimals, grouping thousands.
func groupDigits(minor int64, digits int, group, point string) string {
	neg := minor < 0
	if neg {
		minor = -minor
	}
	unit := int64(1)
	for range digits {
		unit *= 10
	}
	whole := strconv.FormatInt(minor/unit, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if digits > 0 {
		frac := strconv.FormatInt(minor%unit, 10)
		b.WriteString(point + strings.Repeat("0", digits-len(frac)) + frac)
	}
	return b.String()
}

// refundIn is the sum of the order's refunds in lang's money format.
func (f *facts) refundIn(lang string) string {
	return money(lang, f.refunded, f.currency)
}
