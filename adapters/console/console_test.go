package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/console"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

func newConsole(t *testing.T, in string) (*console.Console, *bytes.Buffer) {
	t.Helper()
	clock := enginetest.NewClock(time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC))
	e := core.NewEngine(storetest.OpenSQLite(t), core.Options{Clock: clock, IDs: &enginetest.SeqIDs{}})
	paid := clock.Now().Add(-50 * time.Minute)
	orders := []core.Order{
		{ID: "111-0000001-0000001", Fulfillment: core.Merchant, PurchaseDate: clock.Now().Add(-time.Hour), PaymentsDate: &paid, Currency: "USD",
			ReportUpdated: clock.Now(), Buyer: core.Buyer{Name: "Emma", Email: "emma@example.com", Phone: "+1 503 555 0100"},
			ShipTo: core.Address{Name: "Emma Johnson", Line1: "1 Oak St", City: "Portland", State: "OR", PostalCode: "97201", Country: "US"},
			Items:  []core.Item{{OrderItemID: "1", SKU: "MUG", Title: "Mug", Quantity: 2, Price: 3000}}},
		{ID: "111-0000001-0000002", Fulfillment: core.Merchant, PurchaseDate: clock.Now().Add(-10 * time.Minute), Currency: "USD",
			ReportUpdated: clock.Now(), Items: []core.Item{{OrderItemID: "1", SKU: "TEE", Quantity: 1, Price: 2000}}},
	}
	if _, err := e.Import(context.Background(), orders); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	return &console.Console{
		Engine: e, In: strings.NewReader(in), Out: &out,
		Actor:  core.Actor{ID: "console:t", Name: "t", Role: core.Owner, Source: "console"},
		Render: console.Renderer{Policy: e.Policy(), Now: clock.Now},
	}, &out
}

func TestPipedCommandsCountFailures(t *testing.T) {
	c, out := newConsole(t, "# a comment\n\norder 111-0000001-0000001\nshpi 111-0000001-0000001\nship 111-0000001-0000002 ups 1Z999AA10123456784\n")
	failed, err := c.Run(context.Background())
	if err != nil || failed != 2 {
		t.Fatalf("failed %d, err %v\n%s", failed, err, out)
	}
	text := out.String()
	for _, want := range []string{
		"Order 111-0000001-0000001  [unshipped]  merchant fulfilled", "Ship by 2026-11-20 (in 47h 0m)", "MUG", "30.00 USD", "Next: ship, cancel, refund",
		`Error (invalid): There is no command "shpi". Did you mean "ship"?`,
		"Error (conflict): Order 111-0000001-0000002 is pending",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

func TestJSONOutputOneObjectPerCommand(t *testing.T) {
	c, out := newConsole(t, "orders\nship 111-0000001-0000001 ups 1Z999AA10123456785\nhelp ship\n")
	c.JSON = true
	if failed, _ := c.Run(context.Background()); failed != 1 {
		t.Fatalf("failed %d", failed)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	var list struct {
		OK     bool
		Result struct {
			Orders []struct {
				OrderID string `json:"order_id"`
				Status  string
			}
		}
	}
	if err := json.Unmarshal([]byte(lines[0]), &list); err != nil || !list.OK || len(list.Result.Orders) != 2 || list.Result.Orders[1].Status != "unshipped" {
		t.Fatalf("orders: %s (%v)", lines[0], err)
	}
	var bad struct {
		OK    bool
		Error struct{ Code, Message, Field string }
	}
	if err := json.Unmarshal([]byte(lines[1]), &bad); err != nil || bad.OK || bad.Error.Code != "invalid" || bad.Error.Field != "tracking" || !strings.Contains(bad.Error.Message, "check digit") {
		t.Fatalf("bad tracking: %s (%v)", lines[1], err)
	}
	if !strings.Contains(lines[2], `"usage":"ship <order-id> <carrier> <tracking>`) {
		t.Fatalf("help: %s", lines[2])
	}
}

func TestDryRunInALinePreviewsOnly(t *testing.T) {
	c, out := newConsole(t, "cancel 111-0000001-0000001 no_inventory --dry-run\norder 111-0000001-0000001\n")
	if failed, _ := c.Run(context.Background()); failed != 0 {
		t.Fatalf("failed:\n%s", out)
	}
	text := out.String()
	for _, want := range []string{"This will: cancel 111-0000001-0000001 no_inventory", "unshipped → cancelled (no_inventory)", "Pre-fulfilment cancel rate over the last 7 days becomes 50.0%", "Dry run: nothing was changed.", "[unshipped]"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

func TestListsMarkPendingApart(t *testing.T) {
	c, out := newConsole(t, "orders\nhealth\nlowstock\nreturns\n")
	c.Run(context.Background())
	text := out.String()
	for _, want := range []string{"(pending)", "Late shipment rate over the last 10 days: no data yet.", "No SKU is under its low-stock threshold.", "No returns in this list."} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

// contactWords are the buyer contact details of the first order, none of
// which a viewer may see.
var contactWords = []string{"emma@example.com", "555 0100", "1 Oak St", "Portland", "97201", "Emma Johnson"}

func TestViewerSeesNoBuyerContact(t *testing.T) {
	address := []string{"Emma Johnson", "1 Oak St", "Portland", "97201"}
	for _, tt := range []struct {
		name string
		role core.Role
		json bool
		sees []string // contact details that must show; the rest of contactWords must not
	}{
		{"viewer_text", core.Viewer, false, nil},
		{"viewer_json", core.Viewer, true, nil},
		{"agent_text", core.Agent, false, address},
		{"agent_json", core.Agent, true, contactWords},
		{"owner_json", core.Owner, true, contactWords},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, out := newConsole(t, "order 111-0000001-0000001\norders\n")
			c.Actor.Role, c.JSON = tt.role, tt.json
			if failed, err := c.Run(context.Background()); failed != 0 || err != nil {
				t.Fatalf("failed %d, err %v:\n%s", failed, err, out)
			}
			text := out.String()
			if !strings.Contains(text, "Emma") || !strings.Contains(text, "111-0000001-0000001") {
				t.Fatalf("the order and the buyer's name should show:\n%s", text)
			}
			for _, w := range contactWords {
				want := slices.Contains(tt.sees, w)
				if got := strings.Contains(text, w); got != want {
					t.Errorf("%s sees %q: %v, want %v\n%s", tt.role, w, got, want, text)
				}
			}
		})
	}
}

func TestBuyerTextShownWithBidiControlsNeutralised(t *testing.T) {
	c, out := newConsole(t, "")
	e := c.Engine.(*core.Engine)
	// "txt.exe" written with a right-to-left override reads as "exe.txt".
	conv, err := e.BuyerMessage(context.Background(), core.BuyerMessageIn{Channel: "web", BuyerKey: "b1",
		BuyerName: "Ann\u202Enosaj", Text: "open invoice\u202Etxt.exe please\nsecond \u2066line\u2069"})
	if err != nil {
		t.Fatal(err)
	}
	c.In = strings.NewReader("show " + conv.ID + "\ninbox\n")
	if failed, err := c.Run(context.Background()); failed != 0 || err != nil {
		t.Fatalf("failed %d, err %v:\n%s", failed, err, out)
	}
	text := out.String()
	if strings.ContainsAny(text, "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069") {
		t.Fatalf("a bidirectional control reached the screen:\n%q", text)
	}
	for _, want := range []string{"buyer Ann\uFFFDnosaj", "open invoice\uFFFDtxt.exe please", "second \uFFFDline\uFFFD"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

// A list that goes on ends with the next page's command, cursor included;
// typed back, it shows the next page, which offers the way back.
func TestListEndsWithNextPageCommand(t *testing.T) {
	c, out := newConsole(t, "orders limit 1\norders limit 1 page 2\n")
	if failed, _ := c.Run(context.Background()); failed != 1 {
		t.Fatalf("page 2 should be refused:\n%s", out)
	}
	text := out.String()
	if !strings.Contains(text, "111-0000001-0000002") || strings.Contains(text, "111-0000001-0000001 ") {
		t.Fatalf("first page should show the newest order only:\n%s", text)
	}
	if !strings.Contains(text, "no longer take page numbers") {
		t.Errorf("page 2 refusal does not point at the cursor:\n%s", text)
	}
	i := strings.Index(text, "Next page: ")
	if i < 0 {
		t.Fatalf("no next page command:\n%s", text)
	}
	next, _, _ := strings.Cut(text[i+len("Next page: "):], "\n")
	if !strings.HasPrefix(next, "orders limit 1 after ") {
		t.Fatalf("next page command %q", next)
	}
	var out2 bytes.Buffer
	c2 := *c
	c2.In, c2.Out = strings.NewReader(next+"\n"), &out2
	if failed, err := c2.Run(context.Background()); failed != 0 || err != nil {
		t.Fatalf("%s: %v\n%s", next, err, out2.String())
	}
	page2 := out2.String()
	if !strings.Contains(page2, "111-0000001-0000001") || strings.Contains(page2, "111-0000001-0000002") || strings.Contains(page2, "Next page:") {
		t.Errorf("second page should show the older order and end the list:\n%s", page2)
	}
	if !strings.Contains(page2, "Previous page: orders limit 1 before ") {
		t.Errorf("second page offers no way back:\n%s", page2)
	}
}
