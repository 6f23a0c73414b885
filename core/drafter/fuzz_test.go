package drafter_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

// FuzzDraft: any message, any order in the fixtures, never panics, always
// gives valid UTF-8, and a draft is either a reply or a closer, never both.
func FuzzDraft(f *testing.F) {
	for _, s := range []string{
		"where is my package?", "thanks!", "谢谢", "我的包裹在哪里？", "Danke, aber wo ist mein Paket?",
		"113-1234567-7654321 👍", "\xff\xfe invalid", "İİİ thanks", "ok?", "", "$$$ 12,50 € refund",
		"hi\x00there", strings.Repeat("where is it ", 40), "thank you\u200d\u2764\ufe0f", "ｔｈａｎｋｓ",
	} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	d := drafter.New(testShop())
	orders := []*core.Order{nil, unshipped(), shipped(), delivered(shopDay(2026, 11, 20)), refunded(), canceled()}
	f.Fuzz(func(t *testing.T, msg string, which uint8) {
		o := orders[int(which)%len(orders)]
		got := d.Draft(msg, drafter.Facts{Order: o, Now: now})
		for name, s := range map[string]string{"text": got.Text, "note": got.StaffNote, "summary": got.Summary, "language": got.Language} {
			if !utf8.ValidString(s) {
				t.Fatalf("%s is not valid UTF-8: %q", name, s)
			}
		}
		if got.NeedsResponse == (got.Text == "") {
			t.Fatalf("NeedsResponse %v with text %q", got.NeedsResponse, got.Text)
		}
		if !got.Intent.Valid() || got.Confidence < 0 || got.Confidence > 1.0001 {
			t.Fatalf("intent %q confidence %v", got.Intent, got.Confidence)
		}
		if got.Language == "" {
			t.Fatal("no language")
		}
		assertSafe(t, got, o)
	})
}
