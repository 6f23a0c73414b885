package slackapp

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/adapters/spapi/spapitest"
	"github.com/sellerdesk/sellerdesk/core"
)

// amazonDesk is the Slack harness with Amazon confirmations on, the fake
// SP-API and the amazon outbox sink, both sinks registered.
type amazonDesk struct {
	*harness
	amazon *spapitest.Server
	sink   *spapi.Sink
}

func newAmazonDesk(t *testing.T, store core.Store) *amazonDesk {
	t.Helper()
	// The models are the spapi adapter's copy (its testdata, with their
	// licence): the fake reads them to check every request.
	fake := spapitest.New(t, "../spapi/testdata/models")
	h := newHarnessWith(t, store, func(o *core.Options) { o.AmazonConnected = true })
	client, err := spapi.New(spapi.Config{Endpoint: fake.URL, TokenURL: fake.TokenURL(), ClientID: spapitest.ClientID,
		ClientSecret: spapitest.ClientSecret, RefreshToken: spapitest.RefreshToken, Engine: h.engine, Clock: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	d := &amazonDesk{harness: h, amazon: fake, sink: spapi.NewSink(client, nil)}
	if err := h.engine.StartSink(context.Background(), d.sink.Name()); err != nil {
		t.Fatal(err)
	}
	h.prime()
	return d
}

// toAmazon runs a delivery round of the amazon sink.
func (d *amazonDesk) toAmazon() {
	d.t.Helper()
	if _, _, err := d.engine.Deliver(context.Background(), d.sink); err != nil {
		d.t.Fatalf("deliver to Amazon: %v", err)
	}
}

func (d *amazonDesk) card() string {
	d.t.Helper()
	_, text := d.inline(d.slash(agent, "order "+orderID))
	return text
}

// A ship typed in Slack reaches Amazon's confirmShipment once with the
// shipment's body; the order card says where it stands on Amazon.
func TestShipFromSlackReachesAmazonOnce(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			d := newAmazonDesk(t, st.open(t))
			d.importOrders(order(orderID, time.Hour))
			_, resp := d.slash(agent, "ship "+orderID+" ups "+upsOK)
			d.settle()
			_, text := d.lastResponse(resp)
			contains(t, "ship answer", text, "shipped", upsOK, "Waiting for Amazon")
			contains(t, "card before delivery", d.card(), "waiting for Amazon")

			d.toAmazon()
			d.toAmazon()
			calls := d.amazon.Calls(spapi.OpConfirmShipment)
			if len(calls) != 1 || calls[0].Path != "/orders/v0/orders/"+orderID+"/shipmentConfirmation" || calls[0].Status != 204 {
				t.Fatalf("confirmShipment calls: %+v, want one for %s", calls, orderID)
			}
			var body spapi.ConfirmShipmentRequest
			if err := json.Unmarshal(calls[0].Body, &body); err != nil {
				t.Fatal(err)
			}
			p := body.PackageDetail
			if body.MarketplaceID != "ATVPDKIKX0DER" || p.CarrierCode != "UPS" || p.TrackingNumber != upsOK || p.ShipDate != "2026-11-18T00:00:00Z" ||
				!reflect.DeepEqual(p.OrderItems, []spapi.ConfirmShipmentOrderItem{{OrderItemID: orderID + "-1", Quantity: 2}, {OrderItemID: orderID + "-2", Quantity: 1}}) {
				t.Fatalf("confirmShipment body: %s", calls[0].Body)
			}
			contains(t, "card after delivery", d.card(), "confirmed on Amazon")
		})
	}
}

// Amazon's refusal shows on the card with Amazon's words and is posted
// once in the alerts channel; the correction typed in Slack goes out.
func TestAmazonRefusalShownAndAlertedInSlack(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			d := newAmazonDesk(t, st.open(t))
			d.importOrders(order(orderID, time.Hour))
			const reason = "Invalid trackingNumber for carrier UPS."
			d.amazon.Fail(spapi.OpConfirmShipment, spapitest.Fault{Status: 400, Body: spapitest.ErrorBody("InvalidInput", reason, "")})
			d.slash(agent, "ship "+orderID+" ups "+upsOK)
			d.settle()
			d.toAmazon()
			contains(t, "card", d.card(), ":x: refused by Amazon: "+reason)
			d.clock.Advance(time.Minute)
			d.deliver()
			d.deliver()
			alerts := d.fake.Posts(alerts)
			if len(alerts) != 1 || !strings.Contains(alerts[0].Text, reason) || !strings.Contains(alerts[0].Text, "Correct it with: ship "+orderID) {
				t.Fatalf("alerts channel: %+v, want one refusal alert", alerts)
			}
			d.toAmazon()
			if n := len(d.amazon.Calls(spapi.OpConfirmShipment)); n != 1 {
				t.Fatalf("%d confirmShipment calls before the correction, want 1", n)
			}
			_, resp := d.slash(agent, "ship "+orderID+" fedex 123456789012")
			d.settle()
			_, text := d.lastResponse(resp)
			contains(t, "correction answer", text, "123456789012", "Waiting for Amazon")
			d.toAmazon()
			if calls := d.amazon.Calls(spapi.OpConfirmShipment); len(calls) != 2 || calls[1].Status != 204 || !strings.Contains(string(calls[1].Body), `"carrierCode":"FedEx"`) {
				t.Fatalf("after the correction: %+v", calls)
			}
			contains(t, "card after the correction", d.card(), "confirmed on Amazon")
		})
	}
}
