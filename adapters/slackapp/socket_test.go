package slackapp

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// Socket Mode against a local websocket server speaking the envelope
// protocol: hello, then a slash command; the app acks with the envelope id
// and, for a read, the answer.
func TestSocketModeSlashCommand(t *testing.T) {
	store := storetest.OpenSQLite(t)
	clock := enginetest.NewClock(start)
	eng := core.NewEngine(store, core.Options{Clock: clock})
	if _, err := eng.Import(context.Background(), []core.Order{order(orderID, time.Hour)}); err != nil {
		t.Fatal(err)
	}
	fake := newFakeSlack(t)
	acks := make(chan map[string]any, 4)
	fake.ws = func(conn *websocket.Conn) {
		if err := conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}}); err != nil {
			t.Errorf("hello: %v", err)
			return
		}
		cmd := map[string]any{
			"envelope_id": "env-57", "type": "slash_commands", "accepts_response_payload": true,
			"payload": map[string]any{"token": "x", "team_id": "T1", "channel_id": "CWORK", "user_id": agent, "user_name": "uagent",
				"command": "/desk", "text": "order " + orderID, "response_url": fake.URL() + "/response/socket", "trigger_id": "trig-socket"},
		}
		if err := conn.WriteJSON(cmd); err != nil {
			t.Errorf("slash command: %v", err)
			return
		}
		for {
			var ack map[string]any
			if err := conn.ReadJSON(&ack); err != nil {
				return
			}
			acks <- ack
		}
	}
	app, err := New(Config{BotToken: "xoxb-test", AppToken: "xapp-test", SupportChannel: support, APIURL: fake.URL() + "/api/",
		Engine: eng, Clock: clock, HTTPClient: fake.client(), Roles: core.Roles{Agents: []string{"slack:" + agent}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.RunSocketMode(ctx) }()

	select {
	case ack := <-acks:
		if ack["envelope_id"] != "env-57" {
			t.Errorf("ack %v, want envelope_id env-57", ack)
		}
		// A read is answered in the ack itself, as over HTTP.
		b, _ := json.Marshal(ack["payload"])
		contains(t, "socket mode answer", string(b), "Order "+orderID, "Confirm shipment")
	case <-time.After(10 * time.Second):
		t.Fatal("no ack within 10s")
	}
	if got := fake.Calls("response"); len(got) != 0 {
		t.Errorf("%d posts to response_url, want none: the ack carried the answer", len(got))
	}
	if open := fake.Calls("apps.connections.open"); len(open) != 1 {
		t.Errorf("apps.connections.open called %d times", len(open))
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunSocketMode after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("RunSocketMode did not return after cancel")
	}
	app.Close()
}

func TestSocketModeNeedsAppToken(t *testing.T) {
	h := newHarness(t)
	err := h.app.RunSocketMode(context.Background())
	if core.ErrorField(err) != "slack.app_token" {
		t.Errorf("RunSocketMode without app token: %v", err)
	}
}
