package llm

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

// TestDraft_with_real_offline_drafter runs the fallback paths with the
// offline drafter bot uses, not the test stub.
func TestDraft_with_real_offline_drafter(t *testing.T) {
	off := drafter.Offline{D: drafter.New(drafter.Shop{Name: "Acme Goods", Policy: core.DefaultPolicy(), StaffLanguage: "en"})}
	fake := newFakeModel(t, func(w http.ResponseWriter, _ *http.Request, _ wireRequest) {
		writeError(w, 500, "server_error", "The server had an error while processing your request.")
	})
	d, err := New(Config{BaseURL: fake.baseURL(), Model: "fake-model", APIKey: testKey, ShopName: "Acme Goods", Clock: fixedClock{now}}, off)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("model_down_gives_offline_draft", func(t *testing.T) {
		got, err := d.Draft(context.Background(), core.DraftRequest{Conversation: conversation("where is my package?"), Order: shippedOrder(), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if got.Drafter != NameOffline || got.Intent != "track_order" || !strings.Contains(got.Text, tracking) {
			t.Errorf("draft %+v; want the offline tracking answer", got)
		}
		if !strings.HasPrefix(got.Note, "LLM unavailable (server error, HTTP 500); offline draft used.") {
			t.Errorf("note %q", got.Note)
		}
	})
	t.Run("thanks_needs_no_model", func(t *testing.T) {
		before := len(fake.recorded())
		got, err := d.Draft(context.Background(), core.DraftRequest{Conversation: conversation("thanks!"), Order: shippedOrder(), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if got.NeedsResponse || got.Drafter != NameOffline {
			t.Errorf("draft %+v; want no response needed", got)
		}
		if n := len(fake.recorded()) - before; n != 0 {
			t.Errorf("%d model requests for a thank-you", n)
		}
	})
}
