package draftcheck_test

import (
	"testing"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core/draftcheck"
)

// Whatever a model writes, the check answers and never panics, and what it
// quotes is valid text.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"We have reimbursed the full 28.75 USD.", "Order 114.7654321.1234567, see acme-help.net/x",
		"已为您全额退款31.97美元。", "ご注文はキャンセルいたしました。", "Ihre Bestellung wurde storniert, 3.000,50 €",
		"ref\u200bunded ａｂｃ １２３ ¥3,000 https://ups.com@evil.example", ",,,.. -- ::", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, ps := range [][]draftcheck.Problem{
			draftcheck.Check(text, request(nil), carriers),
			draftcheck.Check(text, request(partlyRefunded()), carriers),
			draftcheck.Check(text, request(yenOrder()), carriers),
		} {
			if utf8.ValidString(text) && !utf8.ValidString(draftcheck.Reasons(ps)) {
				t.Errorf("reasons not valid UTF-8: %q", draftcheck.Reasons(ps))
			}
		}
	})
}
