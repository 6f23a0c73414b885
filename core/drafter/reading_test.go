package drafter

import (
	"slices"
	"testing"
)

func TestMentionsPhotos(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"It arrived cracked, photos attached.", true},
		{"I took two pictures of the box. See the attachment.", true}, // the sent word in the next sentence
		{"Fotos anbei. Das Glas ist gesprungen.", true},
		{"Je vous ai envoyé les photos hier, le pied est cassé.", true},
		{"写真を添付します。箱が潰れていました。", true},
		{"It looks nothing like the product photos.", false},
		// The listing's photos, and "send back" two sentences later: no photos of the buyer's.
		{"Die Tasse sieht viel billiger aus als auf den Produktfotos. Schade um das Geld. Zurückschicken will ich sie aber nicht.", false},
		{"Where is my parcel? I sent you a message yesterday.", false},
	}
	for _, tt := range tests {
		if got := mentionsPhotos(tt.text); got != tt.want {
			t.Errorf("mentionsPhotos(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestClauses(t *testing.T) {
	tests := []struct {
		text, lang string
		want       []clause
	}{
		// One sentence with a comma: its two pieces, marked.
		{"The kettle leaks at the bottom, I want my money back.", "en",
			[]clause{{"the kettle leaks at the bottom", true}, {"i want my money back", true}}},
		// Two sentences, one of them with a comma: both, then its pieces.
		{"Where is my order? Also, please send the invoice to my office, not home.", "en",
			[]clause{{"where is my order", false}, {"also, please send the invoice to my office, not home", false},
				{"please send the invoice to my office", true}, {"not home", true}}},
		// A comma before a greeting's name cuts nothing that carries a request.
		{"Hi, where is my parcel?", "en", nil},
		{"水壶底下漏水，我要退款。", "zh", []clause{{"水壶底下漏水", true}, {"我要退款", true}}},
		{"Where is it?", "en", nil},
	}
	for _, tt := range tests {
		got := clauses(tt.text, tt.lang)
		if !slices.Equal(got, tt.want) {
			t.Errorf("clauses(%q) = %+v, want %+v", tt.text, got, tt.want)
		}
	}
}
