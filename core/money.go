package core

import (
	"strconv"
	"strings"
)

// CurrencyDigits is how many minor-unit digits a currency has (ISO 4217).
func CurrencyDigits(currency string) int {
	switch strings.ToUpper(currency) {
	case "JPY", "KRW", "CLP", "ISK", "VND", "HUF", "TWD", "UGX", "XAF", "XOF", "PYG":
		return 0
	case "BHD", "KWD", "JOD", "OMR", "TND", "IQD", "LYD":
		return 3
	}
	return 2
}

// ParseAmount reads a decimal amount such as "12.50", "$12.50", "12,50" or
// "12.50 USD" into minor units of currency. It refuses negative amounts and
// more (non-zero) decimals than the currency has.
func ParseAmount(s, currency string) (int64, error) {
	orig := s
	cur := strings.ToUpper(currency)
	s = strings.TrimSpace(s)
	if u := strings.ToUpper(s); cur != "" && strings.HasSuffix(u, cur) {
		s = strings.TrimSpace(s[:len(s)-len(cur)])
	} else if cur != "" && strings.HasPrefix(u, cur) {
		s = strings.TrimSpace(s[len(cur):])
	}
	s = strings.TrimLeft(s, "$€£¥ ")
	digits := CurrencyDigits(currency)
	// A lone comma followed by one or two digits is a decimal comma as much of
	// Europe writes it; otherwise commas group thousands.
	if i := strings.LastIndexByte(s, ','); i >= 0 && !strings.Contains(s, ".") && strings.Count(s, ",") == 1 && (len(s)-i-1 == 1 || len(s)-i-1 == 2) {
		s = s[:i] + "." + s[i+1:]
	}
	s = strings.ReplaceAll(s, ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	bad := func() error {
		return FieldErrorf(Invalid, "amount", "Amount %q is not a %s amount — write it like %s", orig, cur, FormatAmount(1250*pow10(digits)/100, currency))
	}
	if whole == "" && frac == "" || whole != "" && !allDigits(whole) || frac != "" && !allDigits(frac) {
		return 0, bad()
	}
	// Trailing zeros past the currency's decimals are harmless ("100.00" yen).
	if len(frac) > digits {
		if strings.Trim(frac[digits:], "0") != "" {
			return 0, FieldErrorf(Invalid, "amount", "Amount %q has more decimals than %s allows (%d)", orig, cur, digits)
		}
		frac = frac[:digits]
	}
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1e12 {
		return 0, bad()
	}
	frac += strings.Repeat("0", digits-len(frac))
	var f int64
	if frac != "" {
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, bad()
		}
	}
	return w*pow10(digits) + f, nil
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// FormatAmount writes minor units as "12.50 USD".
func FormatAmount(minor int64, currency string) string {
	digits := CurrencyDigits(currency)
	neg := minor < 0
	if neg {
		minor = -minor
	}
	s := strconv.FormatInt(minor/pow10(digits), 10)
	if digits > 0 {
		f := strconv.FormatInt(minor%pow10(digits), 10)
		s += "." + strings.Repeat("0", digits-len(f)) + f
	}
	if neg {
		s = "-" + s
	}
	if currency != "" {
		s += " " + strings.ToUpper(currency)
	}
	return s
}
