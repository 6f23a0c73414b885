package features

import (
	"math"
	"slices"
	"testing"
)

func texts(ts []Token) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Text)
	}
	return out
}

func TestTokens(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"order_id_is_one_number", "where is 113-1234567-7654321?", []string{"where", "is", NumToken}},
		{"money", "refund of $12.50 please", []string{"refund", "of", MoneyToken, "please"}},
		{"money_with_space", "€ 40", []string{MoneyToken}},
		{"apostrophes_dropped", "I don’t have it", []string{"i", "dont", "have", "it"}},
		{"fullwidth_folded", "ＷＨＥＲＥ is it", []string{"where", "is", "it"}},
		{"cjk_run", "我的包裹 where", []string{"我的包裹", "where"}},
		{"emoji_own_token", "ok👍", []string{"ok", "👍"}},
		{"skin_tone_dropped", "👍🏽", []string{"👍"}},
		{"hangul_is_a_word", "감사합니다 ok", []string{"감사합니다", "ok"}},
		{"adjacent_numbers_merge", "order 12 34 56", []string{"order", NumToken}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := texts(Tokens(tt.in)); !slices.Equal(got, tt.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExtractIsNormalisedSortedAndStable(t *testing.T) {
	var a, b Vector
	Extract("Where is my package? where is it", Default(), &a)
	Extract("Where is my package? where is it", Default(), &b)
	if !slices.Equal(a.Hashes, b.Hashes) || !slices.Equal(a.Values, b.Values) {
		t.Fatal("same text, different features")
	}
	if !slices.IsSorted(a.Hashes) {
		t.Error("hashes not sorted")
	}
	for i := 1; i < len(a.Hashes); i++ {
		if a.Hashes[i] == a.Hashes[i-1] {
			t.Fatal("duplicate feature")
		}
	}
	var norm float64
	for _, v := range a.Values {
		norm += float64(v * v)
	}
	if math.Abs(norm-1) > 1e-4 {
		t.Errorf("norm² = %v, want 1", norm)
	}
	var empty Vector
	Extract("", Default(), &empty)
	if len(empty.Hashes) != 0 {
		t.Error("empty text has features")
	}
}

func TestOrderIDsDoNotChangeFeatures(t *testing.T) {
	var a, b Vector
	Extract("cancel order 113-1234567-7654321", Default(), &a)
	Extract("cancel order 114-7654321-1234567", Default(), &b)
	if !slices.Equal(a.Hashes, b.Hashes) {
		t.Error("two order ids read differently")
	}
}

func TestTyposShareCharacterGrams(t *testing.T) {
	var a, b Vector
	Extract("delivery", Default(), &a)
	Extract("delivey", Default(), &b)
	shared := 0
	for _, h := range b.Hashes {
		if _, ok := slices.BinarySearch(a.Hashes, h); ok {
			shared++
		}
	}
	if shared < 4 {
		t.Errorf("only %d features shared between a word and its typo", shared)
	}
}

func TestAccentsDoNotChangeFeatures(t *testing.T) {
	var a, b Vector
	Extract("Rücksendung für Bestellung, numéro, perché, Straße", Default(), &a)
	Extract("Rucksendung fur bestellung numero perche strasse", Default(), &b)
	if !slices.Equal(a.Hashes, b.Hashes) {
		t.Error("accented and plain spellings read differently")
	}
	if got := Deaccent("Größe Ñandú"); got != "grosse nandu" {
		t.Errorf("Deaccent = %q", got)
	}
	// Tokens (for language detection) keeps the accents.
	if got := texts(Tokens("Größe")); !slices.Equal(got, []string{"größe"}) {
		t.Errorf("Tokens = %q", got)
	}
}

func TestCJKTrigrams(t *testing.T) {
	var a, b Vector
	c := Default()
	Extract("発送済み", c, &a)
	c.CJK3 = 0
	Extract("発送済み", c, &b)
	if len(a.Hashes) != len(b.Hashes)+2 {
		t.Errorf("%d features with trigrams, %d without: want two more", len(a.Hashes), len(b.Hashes))
	}
}

func TestJapaneseRuns(t *testing.T) {
	var got []string
	runs([]rune("返品したいのでキャンセルお願いします"), func(r []rune) { got = append(got, string(r)) })
	if want := []string{"返品", "キャンセル"}; !slices.Equal(got, want) {
		t.Errorf("runs = %q, want %q", got, want)
	}
}
