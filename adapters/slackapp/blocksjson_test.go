package slackapp

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
)

// The direct encoding of an answer is byte for byte what encoding/json
// makes of it, for every kind of answer a command gets inline.
func TestInlineJSONIsEncodingJSONs(t *testing.T) {
	app, err := New(Config{BotToken: "xoxb-test", SigningSecret: testSecret, Engine: core.NewEngine(storetest.OpenSQLite(t), core.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	full := order(orderID, time.Hour)
	full.Items[0].Title = `Mug "classic" <b>&</b> ` + "tab\there\u2028line\x01 é 😀 \xff"
	full.Items[0].Shipped = 1
	full.Status = core.PartiallyShipped
	full.Shipments = []core.Shipment{{ID: "S1", Carrier: core.UPS, Tracking: "1Z999AA10123456784", ShipDate: start, Late: true,
		Lines: []core.ShipmentLine{{OrderItemID: orderID + "-1", SKU: "MUG", Quantity: 1}}}}
	full.Returns = []core.Return{{ID: "R1", Status: core.ReturnRequested, Reason: "chipped\nbadly", RequestedAt: start,
		Items: []core.ItemQty{{SKU: "MUG", Quantity: 1}}}}
	full.Refunds = []core.Refund{{ID: "F1", Amount: 500, Reason: "sorry", CreatedAt: start}}
	plain := order("112-0000000-0000002", time.Hour)
	answers := map[string]message{
		"order card":      app.render(&core.Result{Command: "order " + orderID, Order: &full, Actions: []string{"ship", "cancel", "refund", "approve", "reject", "return"}}),
		"plain card":      app.render(&core.Result{Command: "order " + plain.ID, Order: &plain}),
		"order list":      app.render(&core.Result{Command: "orders", Orders: []core.Order{full, plain}, Page: &core.Page{Limit: 20, More: true, Next: core.Cursor{Key: core.OrderKey{At: full.PurchaseDate, ID: full.ID}}}}),
		"help":            app.render(&core.Result{Command: "help", Help: func() *core.HelpText { h := core.HelpFor(""); return &h }()}),
		"refusal":         app.errorMessage(core.Errorf(core.NotFound, "No order 1 — check the order id"), "order"),
		"internal error":  app.errorMessage(errors.New("boom"), "order"),
		"public, no text": {Public: true, Blocks: []slack.Block{contextText("x")}},
	}
	for name, m := range answers {
		in := m.inline()
		want, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := appendInline(nil, in)
		if !ok {
			t.Errorf("%s: not encoded directly", name)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s: direct encoding differs\n got: %s\nwant: %s", name, got, want)
		}
	}
	// A block it does not know is left to encoding/json.
	if _, ok := appendInline(nil, &inlineMessage{Blocks: []slack.Block{slack.NewDividerBlock()}}); ok {
		t.Error("a divider was encoded directly; want the encoding/json fallback")
	}
}
