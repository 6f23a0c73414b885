package console

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Staff see the model's line-by-line translation of the buyer's message
// under the draft, each line on its own.
func TestConversationShowsTheTranslation(t *testing.T) {
	now := time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC)
	r := Renderer{Policy: core.DefaultPolicy(), Now: func() time.Time { return now }}
	c := &core.Conversation{ID: "C1", Channel: "amazon", Messages: []core.Message{{ID: 1, From: core.FromBuyer, At: now,
		Text: "Hallo,\nmein Paket ist kaputt."}}}
	c.Draft = &core.Draft{Text: "Guten Tag, …", Language: "de", Intent: "damaged_or_wrong_item", NeedsResponse: true, Drafter: "llm",
		Summary: "The parcel arrived broken.", Translation: "Hello,\nmy parcel is broken.", ForMessage: 1}
	var b bytes.Buffer
	r.Conversation(&b, c, nil)
	if !strings.Contains(b.String(), "    Translation:\n      Hello,\n      my parcel is broken.\n") {
		t.Errorf("translation not shown line by line:\n%s", b.String())
	}
	c.Draft.Translation = ""
	b.Reset()
	r.Conversation(&b, c, nil)
	if strings.Contains(b.String(), "Translation") {
		t.Errorf("no translation, yet a heading:\n%s", b.String())
	}
}
