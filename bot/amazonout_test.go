package main

import (
	"context"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/adapters/spapi/spapitest"
	"github.com/sellerdesk/sellerdesk/core"
)

// With the Amazon connection configured, the bot confirms shipments on
// Amazon: an order synced from Amazon and shipped at the console is
// queued for the amazon sink, which the bot delivers to, and reaches
// confirmShipment once: Open gave the sink its place in the outbox, so
// what is shipped before the first delivery is not skipped. Without the
// connection, a ship stays as it was.
func TestAmazonSinkWiredWhenSPAPIIsConfigured(t *testing.T) {
	fake := spapitest.New(t, "../adapters/spapi/testdata/models") // before the Chdir
	dir := t.TempDir()
	t.Chdir(dir)
	orders := fakeAmazonOrders(1)
	fake.AddOrders(orders...)
	syncConfig(t, fake, spapitest.RefreshToken)
	if code, out, errOut := runBot(t, dir, "", "sync", "orders"); code != 0 {
		t.Fatalf("sync orders: %d %q %q", code, out, errOut)
	}
	m := openMain(t)
	ctx := context.Background()
	var sink core.Sink
	for _, s := range m.sinks {
		if s.Name() == "amazon" {
			sink = s
		}
	}
	if sink == nil {
		t.Fatal("no amazon sink with spapi configured")
	}
	id := orders[0].OrderID
	res, err := m.Engine.RunLine(ctx, consoleActor(core.Owner), "ship "+id+" ups 1Z999AA10123456784", false)
	if err != nil || !strings.Contains(res.Message, "Waiting for Amazon") {
		t.Fatalf("ship: %v %+v", err, res)
	}
	if _, _, err := m.Engine.Deliver(ctx, sink); err != nil {
		t.Fatal(err)
	}
	calls := fake.Calls(spapi.OpConfirmShipment)
	if len(calls) != 1 || calls[0].Status != 204 || !strings.Contains(string(calls[0].Body), `"marketplaceId":"ATVPDKIKX0DER"`) {
		t.Fatalf("confirmShipment calls: %+v", calls)
	}
	code, out, _ := runBot(t, dir, "order "+id+"\n", "console")
	if code != 0 || !strings.Contains(out, "(confirmed on Amazon)") {
		t.Fatalf("the console card does not say the shipment is on Amazon: %d\n%s", code, out)
	}
}

func TestNoAmazonSinkWithoutSPAPI(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	m := openMain(t)
	for _, s := range m.sinks {
		if s.Name() == "amazon" {
			t.Fatal("an amazon sink without an Amazon connection")
		}
	}
	res, err := m.Engine.RunLine(context.Background(), consoleActor(core.Owner), m.demoInfo.ShipCommand, false)
	if err != nil || strings.Contains(res.Message, "Amazon") || res.Order.Shipments[len(res.Order.Shipments)-1].Amazon != "" {
		t.Fatalf("ship without spapi: %v %+v", err, res)
	}
}
