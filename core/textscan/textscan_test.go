package textscan

import (
	"slices"
	"testing"
)

func TestBadLinks(t *testing.T) {
	allowed := []string{"ups.com", "usps.com"}
	tests := []struct {
		text string
		want []string
	}{
		{"track it at https://www.ups.com/track?num=1Z999", nil},
		{"see wwwapps.ups.com/tracking", nil},
		{"go to https://evil.example/refund now", []string{"evil.example"}},
		{"visit www.cheap-deals.de today", []string{"www.cheap-deals.de"}},
		{"claim at bit.ly/abc", []string{"bit.ly"}},
		{"https://ups.com@evil.example/x", []string{"evil.example"}},
		{"open 203.0.113.9:8080/pay", []string{"203.0.113.9"}},
		{"shipped.thanks for waiting", nil},
		{"it costs 12.99 and ships in 2.5 days", nil},
		{"write to help@shop.example", nil}, // an address is not a link (Emails finds it)
		{"two: evil.example/a and evil.example/b", []string{"evil.example"}},
	}
	for _, tc := range tests {
		got := BadLinks(Fold(tc.text), allowed, nil)
		if !slices.Equal(got, tc.want) {
			t.Errorf("BadLinks(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestEmailsAndFold(t *testing.T) {
	if got := Emails(Fold("Mail ＨＥＬＰ＠ＳＨＯＰ．ＥＸＡＭＰＬＥ or sales@shop.example.")); !slices.Equal(got, []string{"help@shop.example", "sales@shop.example"}) {
		t.Errorf("Emails = %q", got)
	}
	if got := Fold("ｈｔｔｐｓ://shop。com\u200b/x ０３ー１２３４"); got != "https://shop.com/x 03-1234" {
		t.Errorf("Fold = %q", got)
	}
	if !HostAllowed("wwwapps.UPS.com.", []string{"ups.com"}) || HostAllowed("notups.com", []string{"ups.com"}) || HostAllowed("", []string{"ups.com"}) {
		t.Error("HostAllowed: a subdomain is allowed, a look-alike suffix and an empty host are not")
	}
}
