package drafter

import "testing"

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
