package amazon

import (
	"strconv"

	"github.com/sellerdesk/sellerdesk/core"
)

// currency is an ISO 4217 code and how many decimal places its minor unit has.
type currency struct {
	code   string
	places int
}

// currencies are the marketplaces' currencies, so that their codes are
// shared strings rather than slices of a report line that every order would
// keep alive. Decimal places come from core, the one table of them.
var currencies = func() map[string]currency {
	m := map[string]currency{}
	for _, c := range []string{"USD", "CAD", "MXN", "BRL", "GBP", "EUR", "SEK", "PLN", "TRY", "EGP", "SAR", "AED",
		"INR", "JPY", "AUD", "SGD", "CNY", "ZAR", "CHF", "DKK", "NOK", "CZK", "KRW", "BHD", "KWD", "JOD", "OMR", "TND"} {
		m[c] = currency{c, core.CurrencyDigits(c)}
	}
	return m
}()

// parseCurrency reads a three-letter currency code, in any case.
func parseCurrency(s string) (currency, bool) {
	if c, ok := currencies[s]; ok {
		return c, true
	}
	if len(s) != 3 {
		return currency{}, false
	}
	var b [3]byte
	for i := 0; i < 3; i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			return currency{}, false
		}
		b[i] = c
	}
	if c, ok := currencies[string(b[:])]; ok {
		return c, true
	}
	code := string(b[:])
	return currency{code, core.CurrencyDigits(code)}, true
}

// maxIntDigits keeps an amount far inside int64 with any number of places.
const maxIntDigits = 15

// parseAmount reads a money amount into minor units of cur. It returns a problem ("is not an amount", …) for the
// caller to put after the column name and value, or "" when the value is good.
//
// Amazon writes "19.99" in every marketplace, but files re-saved by a
// spreadsheet in a European locale come back as "19,99" or "1.299,00". So:
//
//   - a dot followed by digits is a decimal point ("19.99", "-5.00");
//   - with both separators, the last one is the decimal mark and the other
//     groups thousands ("1,299.00", "1.299,00");
//   - a single comma is a decimal comma ("19,99") unless exactly three digits
//     follow it: then it groups thousands ("1,299") when the currency has
//     fewer than three places, and is refused as ambiguous when it has three
//     (KWD "1,299" could be either);
//   - several dots or several commas alone group thousands ("1.299.000").
//
// Digits past the currency's places are accepted only when they are zeros
// ("19.990" USD is 19.99); anything more precise is refused rather than
// rounded, since a rounded price would be a silently wrong refund ceiling.
func parseAmount(s string, cur currency) (int64, string) {
	places := cur.places
	if s == "" {
		return 0, ""
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	dots, commas := 0, 0
	lastDot, lastComma := -1, -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.':
			dots++
			lastDot = i
		case c == ',':
			commas++
			lastComma = i
		default:
			return 0, "is not an amount"
		}
	}
	var whole, frac string
	var thousands byte
	hasFrac := false
	switch {
	case dots == 0 && commas == 0:
		whole = s
	case commas == 0 && dots == 1:
		whole, frac, hasFrac = s[:lastDot], s[lastDot+1:], true
	case commas == 0:
		whole, thousands = s, '.'
	case dots == 0 && commas > 1:
		whole, thousands = s, ','
	case dots == 0:
		if len(s)-lastComma-1 != 3 {
			whole, frac, hasFrac = s[:lastComma], s[lastComma+1:], true
		} else if places == 3 {
			return 0, "is ambiguous: the comma could group thousands or mark decimals; write it with a dot as decimal point"
		} else {
			whole, thousands = s, ','
		}
	case lastDot > lastComma:
		if dots != 1 {
			return 0, "is not an amount"
		}
		whole, frac, hasFrac, thousands = s[:lastDot], s[lastDot+1:], true, ','
	default:
		if commas != 1 {
			return 0, "is not an amount"
		}
		whole, frac, hasFrac, thousands = s[:lastComma], s[lastComma+1:], true, '.'
	}
	if hasFrac && frac == "" || whole == "" && frac == "" {
		return 0, "is not an amount"
	}
	if thousands != 0 && !grouped(whole, thousands) {
		return 0, "is not an amount (thousands must be grouped by three)"
	}
	var v int64
	digits := 0
	for i := 0; i < len(whole); i++ {
		c := whole[i]
		if c == thousands {
			continue
		}
		if digits++; digits > maxIntDigits {
			return 0, "is too large"
		}
		v = v*10 + int64(c-'0')
	}
	for i := 0; i < len(frac); i++ {
		d := frac[i]
		if i >= places {
			if d != '0' {
				return 0, "has more decimal places than " + cur.code + " has (" + strconv.Itoa(places) + ")"
			}
			continue
		}
		v = v*10 + int64(d-'0')
	}
	for i := len(frac); i < places; i++ {
		v *= 10
	}
	if neg {
		v = -v
	}
	return v, ""
}

// grouped reports whether s is digits in groups of three separated by sep,
// the first group being one to three digits not starting with 0.
func grouped(s string, sep byte) bool {
	n := 0 // digits in the current group
	first := true
	for i := 0; i < len(s); i++ {
		if s[i] != sep {
			if first && n == 0 && s[i] == '0' {
				return false
			}
			n++
			continue
		}
		if first && (n < 1 || n > 3) || !first && n != 3 {
			return false
		}
		first, n = false, 0
	}
	return !first && n == 3
}
