package drafter_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

// A mail that came with pictures counts as photos sent: the damaged-item
// draft thanks the buyer instead of asking for photos again.
func TestOfflinePhotosAttachedToTheMail(t *testing.T) {
	off := drafter.Offline{D: drafter.New(testShop())}
	for _, tc := range []struct {
		name   string
		att    []core.Attachment
		photos bool
	}{
		{"jpeg", []core.Attachment{{Name: "IMG_0412.JPG", Size: 2_000_000}}, true},
		{"typed", []core.Attachment{{Name: "scan", Size: 90_000, Type: "image/png"}}, true},
		{"pdf_only", []core.Attachment{{Name: "invoice.pdf", Size: 90_000, Type: "application/pdf"}}, false},
		{"none", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &core.Conversation{ID: "C1", Channel: core.ChannelAmazon, Messages: []core.Message{
				{ID: 1, From: core.FromBuyer, Text: "The mug arrived broken.", Attachments: tc.att}}}
			d, err := off.Draft(context.Background(), core.DraftRequest{Conversation: c, Order: delivered(shopDay(2026, 11, 20)), Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if d.Intent != string(drafter.DamagedOrWrongItem) {
				t.Fatalf("intent %s, want damaged_or_wrong_item", d.Intent)
			}
			thanks, asks := strings.Contains(d.Text, "Thank you for the photos"), strings.Contains(d.Text, "send us a photo")
			if thanks != tc.photos || asks == tc.photos {
				t.Errorf("photos %v: thanks %v, asks %v:\n%s", tc.photos, thanks, asks, d.Text)
			}
		})
	}
}
