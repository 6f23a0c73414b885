package slackapp

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// A buyer's cancellation request reported by Amazon is one alert in the
// alerts channel with the buyer's reason (without their contact data), the
// one-step command and a button that opens the cancel form with
// buyer_canceled chosen, leaving the alert as it is.
func TestCancelRequestAlertOffersTheCancel(t *testing.T) {
	h := newHarness(t)
	h.prime()
	o := order(orderID, time.Hour)
	o.CancelRequest = &core.CancelRequest{Lines: []string{orderID + "-2"}, Reason: "Wrong colour, write to emma@example.com"}
	h.importOrders(o)
	h.importOrders(o) // the same request read again
	h.deliver()
	posts := h.fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("channel") != alerts {
		t.Fatalf("posts %+v, want one alert in the alerts channel", posts)
	}
	contains(t, "alert", posts[0].Text, "Wrong colour", "cancel "+orderID+" buyer_canceled", actAlertCancel, actOrderOpen)
	if strings.Contains(posts[0].Text, "emma@example.com") {
		t.Errorf("the alert carries the buyer's email: %s", posts[0].Text)
	}
	h.click(agent, actAlertCancel, orderID, h.fake.URL()+"/response/alert")
	form := h.lastView()
	if form["callback_id"] != "form:cancel" {
		t.Fatalf("opened %v, want the cancel form", form["callback_id"])
	}
	b, _ := json.Marshal(form)
	contains(t, "cancel form", string(b), `"initial_option":{"text":{"emoji":true,"text":"buyer canceled","type":"plain_text"},"value":"buyer_canceled"}`)
	if strings.Contains(string(b), "/response/alert") {
		t.Errorf("the cancel form would redraw the alert: %s", b)
	}
}
