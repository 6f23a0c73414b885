package amazon

import (
	"strings"
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	usd, jpy, kwd := currency{"USD", 2}, currency{"JPY", 0}, currency{"KWD", 3}
	tests := []struct {
		name    string
		in      string
		cur     currency
		want    int64
		problem string // part of the problem, "" when the value is good
	}{
		{"empty_is_zero", "", usd, 0, ""},
		{"dot_decimal", "19.99", usd, 1999, ""},
		{"negative_discount", "-5.00", usd, -500, ""},
		{"plus_sign", "+5.00", usd, 500, ""},
		{"one_decimal_digit", "19.9", usd, 1990, ""},
		{"whole_number", "19", usd, 1900, ""},
		{"leading_dot", ".99", usd, 99, ""},
		{"zero", "0.00", usd, 0, ""},
		{"thousands_comma_dot_decimal", "1,299.00", usd, 129900, ""},
		{"millions_comma_dot_decimal", "1,299,000.50", usd, 129900050, ""},
		{"european_decimal_comma", "19,99", usd, 1999, ""},
		{"european_one_digit", "1299,5", usd, 129950, ""},
		{"european_thousands_dot", "1.299,00", usd, 129900, ""},
		{"european_thousands_only", "1.299.000", usd, 129900000, ""},
		{"single_comma_three_digits_groups_thousands", "1,299", usd, 129900, ""},
		{"yen_whole", "1299", jpy, 1299, ""},
		{"yen_thousands", "1,299", jpy, 1299, ""},
		{"yen_trailing_zero_decimals", "1299.00", jpy, 1299, ""},
		{"dinar_three_places", "1.250", kwd, 1250, ""},
		{"dinar_two_digits", "1.25", kwd, 1250, ""},
		{"trailing_zero_past_places", "19.990", usd, 1999, ""},
		{"too_precise", "19.999", usd, 0, "more decimal places than USD has (2)"},
		{"yen_with_cents", "1299.50", jpy, 0, "more decimal places than JPY has (0)"},
		{"dinar_comma_is_ambiguous", "1,299", kwd, 0, "ambiguous"},
		{"currency_symbol", "$19.99", usd, 0, "is not an amount"},
		{"letters", "abc", usd, 0, "is not an amount"},
		{"space_inside", "1 299.00", usd, 0, "is not an amount"},
		{"sign_only", "-", usd, 0, "is not an amount"},
		{"dot_only", ".", usd, 0, "is not an amount"},
		{"trailing_dot", "19.", usd, 0, "is not an amount"},
		{"trailing_comma", "19,", usd, 0, "is not an amount"},
		{"two_dots_after_comma", "1,299.00.00", usd, 0, "is not an amount"},
		{"two_commas_after_dot", "1.299,00,0", usd, 0, "is not an amount"},
		{"bad_grouping", "12,34,567.00", usd, 0, "grouped by three"},
		{"group_with_leading_zero", "0,299.00", usd, 0, "grouped by three"},
		{"double_sign", "--5", usd, 0, "is not an amount"},
		{"too_large", "1234567890123456", usd, 0, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problem := parseAmount(tt.in, tt.cur)
			if tt.problem == "" {
				if problem != "" || got != tt.want {
					t.Fatalf("parseAmount(%q) = %d, %q; want %d", tt.in, got, problem, tt.want)
				}
				return
			}
			if !strings.Contains(problem, tt.problem) {
				t.Fatalf("parseAmount(%q) problem = %q, want %q", tt.in, problem, tt.problem)
			}
		})
	}
}

func TestParseCurrency(t *testing.T) {
	tests := []struct {
		in     string
		code   string
		places int
		ok     bool
	}{
		{"USD", "USD", 2, true},
		{"usd", "USD", 2, true},
		{"JPY", "JPY", 0, true},
		{"KRW", "KRW", 0, true},
		{"BHD", "BHD", 3, true},
		{"KWD", "KWD", 3, true},
		{"JOD", "JOD", 3, true},
		{"OMR", "OMR", 3, true},
		{"TND", "TND", 3, true},
		{"XYZ", "XYZ", 2, true},
		{"US", "", 0, false},
		{"US$", "", 0, false},
		{"EURO", "", 0, false},
	}
	for _, tt := range tests {
		c, ok := parseCurrency(tt.in)
		if ok != tt.ok || c.code != tt.code || c.places != tt.places {
			t.Errorf("parseCurrency(%q) = %+v, %v", tt.in, c, ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		in   string
		want time.Time
		ok   bool
	}{
		{"offset", "2009-01-01T10:50:49-08:00", time.Date(2009, 1, 1, 18, 50, 49, 0, time.UTC), true},
		{"zulu", "2009-01-01T10:50:49Z", time.Date(2009, 1, 1, 10, 50, 49, 0, time.UTC), true},
		{"fraction_with_offset", "2009-01-01T10:50:49.123+00:00", time.Date(2009, 1, 1, 10, 50, 49, 123e6, time.UTC), true},
		{"fraction_zulu", "2009-01-01T10:50:49.5Z", time.Date(2009, 1, 1, 10, 50, 49, 5e8, time.UTC), true},
		{"offset_without_colon", "2009-01-01T10:50:49+0100", time.Date(2009, 1, 1, 9, 50, 49, 0, time.UTC), true},
		{"space_with_offset", "2009-01-01 10:50:49+01:00", time.Date(2009, 1, 1, 9, 50, 49, 0, time.UTC), true},
		{"space_local", "2009-01-01 10:50:49", time.Date(2009, 1, 1, 9, 50, 49, 0, time.UTC), true},
		{"t_local", "2009-01-01T10:50:49", time.Date(2009, 1, 1, 9, 50, 49, 0, time.UTC), true},
		{"local_fraction", "2009-01-01 10:50:49.25", time.Date(2009, 1, 1, 9, 50, 49, 25e7, time.UTC), true},
		{"date_only", "2009-01-01", time.Date(2008, 12, 31, 23, 0, 0, 0, time.UTC), true},
		{"us_format", "01/02/2009", time.Time{}, false},
		{"bad_month", "2009-13-01T00:00:00Z", time.Time{}, false},
		{"bad_day", "2009-02-30", time.Time{}, false},
		{"words", "yesterday", time.Time{}, false},
		{"zone_name", "2009-01-01 10:50:49 PST", time.Time{}, false},
		{"truncated", "2009-01-01T10:50", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c dateCache
			got, ok := c.parse(tt.in, berlin)
			if ok != tt.ok || ok && !got.Equal(tt.want) {
				t.Fatalf("parse(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
			if ok && got.Location() != time.UTC {
				t.Errorf("location = %v, want UTC", got.Location())
			}
			// The second read of the same text comes from the cache.
			if again, ok2 := c.parse(tt.in, berlin); ok2 != ok || !again.Equal(got) {
				t.Errorf("cached parse differs")
			}
		})
	}
}
