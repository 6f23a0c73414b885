package slackapp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// signed is one signed request as captured on the wire: send it as often
// as you like, to any replica, byte for byte the same.
type signed struct {
	path, body, ts, sig string
}

func (h *harness) capture(path, body string) signed {
	ts := strconv.FormatInt(h.clock.Now().Unix(), 10)
	return signed{path: path, body: body, ts: ts, sig: sign(testSecret, ts, body)}
}

func (s signed) sendTo(t *testing.T, app *App) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, s.path, strings.NewReader(s.body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", s.ts)
	req.Header.Set("X-Slack-Signature", s.sig)
	rec := httptest.NewRecorder()
	app.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: HTTP %d %s", s.path, rec.Code, rec.Body)
	}
	return rec
}

// trail is what a change leaves behind: the order's refunds, the audit
// log and the outbox.
type trail struct {
	refunds, audit, outbox int
}

func (h *harness) trail(orderID string) trail {
	h.t.Helper()
	var tr trail
	err := h.store.View(context.Background(), func(tx core.Tx) error {
		o, err := tx.Order(context.Background(), orderID)
		if err != nil {
			return err
		}
		tr.refunds = len(o.Refunds)
		audit, err := tx.Audit(context.Background(), core.AuditQuery{OrderID: orderID})
		if err != nil {
			return err
		}
		evs, err := tx.Outbox(context.Background(), 0, 0)
		tr.audit, tr.outbox = len(audit), len(evs)
		return err
	})
	if err != nil {
		h.t.Fatalf("read the trail: %v", err)
	}
	return tr
}

// shipped is a harness with one shipped order, ready to refund.
func shippedHarness(t *testing.T, store core.Store) *harness {
	h := newHarnessOn(t, store)
	h.importOrders(order(orderID, 2*24*time.Hour))
	if _, err := h.engine.RunLine(context.Background(), core.Actor{ID: "t", Name: "t", Role: core.Owner, Source: "test"}, "ship "+orderID+" ups "+upsOK, false); err != nil {
		t.Fatal(err)
	}
	return h
}

// A signed /desk refund captured and sent again within the 5-minute
// window — to the same replica or another one — refunds once; the repeat
// is answered "already done" and leaves the order, the audit log and the
// outbox as the first left them.
func TestReplayedSlashCommandRefundsOnce(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			h := shippedHarness(t, st.open(t))
			other := h.replica()
			respURL := h.fake.URL() + "/response/refund"
			form := url.Values{"team_id": {"T1"}, "channel_id": {"CWORK"}, "user_id": {agent}, "user_name": {"agent"},
				"command": {"/desk"}, "text": {"refund " + orderID + " 5.00 late delivery"}, "response_url": {respURL}, "trigger_id": {"trig-refund-1"}}
			req := h.capture("/slack/commands", form.Encode())

			if rec := req.sendTo(t, h.app); rec.Body.Len() != 0 {
				t.Fatalf("first refund acknowledged with %q, want an empty 200", rec.Body)
			}
			h.settle()
			_, text := h.lastResponse(respURL)
			contains(t, "first answer", text, "5.00")
			after := h.trail(orderID)
			if after.refunds != 1 {
				t.Fatalf("%d refunds after the first request, want 1", after.refunds)
			}

			for name, app := range map[string]*App{"same_replica": h.app, "other_replica": other} {
				h.clock.Advance(time.Minute) // still inside the window
				rec := req.sendTo(t, app)
				var ack map[string]any
				if err := json.Unmarshal(rec.Body.Bytes(), &ack); err != nil {
					t.Fatalf("%s: repeat answered %q: %v", name, rec.Body, err)
				}
				if ack["response_type"] != "ephemeral" {
					t.Errorf("%s: repeat answered %v, want an ephemeral message", name, ack["response_type"])
				}
				contains(t, name+" repeat", rec.Body.String(), "Already done", "nothing changed")
				h.settle()
				other.bg.Wait()
				if got := h.trail(orderID); got != after {
					t.Errorf("%s: after the repeat %+v, want as after the first %+v", name, got, after)
				}
				if n := len(h.responses(respURL)); n != 1 {
					t.Errorf("%s: %d answers through response_url, want the first one only", name, n)
				}
			}
			if o := h.order(orderID); o.Refunded() != 500 {
				t.Errorf("refunded %d cents, want 500", o.Refunded())
			}
		})
	}
}

// The Confirm of a refund form sent twice refunds once; the repeat's view
// says it was already done.
func TestReplayedConfirmRefundsOnce(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			h := shippedHarness(t, st.open(t))
			other := h.replica()
			h.click(agent, actOrderRefund, orderID, h.fake.URL()+"/response/card")
			got := h.submit(agent, h.lastView(), map[string]any{"amount": textValue("5.00"), "reason": textValue("late delivery")})
			confirm, _ := got["view"].(map[string]any)
			if confirm["callback_id"] != cbConfirm {
				t.Fatalf("form answered %v, want the confirm view", got)
			}
			payload, _ := json.Marshal(map[string]any{"type": "view_submission", "trigger_id": "trig-confirm-1",
				"user": map[string]any{"id": agent, "name": "agent"}, "view": withState(confirm, map[string]any{})})
			req := h.capture("/slack/interactions", url.Values{"payload": {string(payload)}}.Encode())

			first := req.sendTo(t, h.app)
			h.settle()
			contains(t, "first confirm", first.Body.String(), "Done")
			after := h.trail(orderID)
			if after.refunds != 1 {
				t.Fatalf("%d refunds after Confirm, want 1", after.refunds)
			}
			for name, app := range map[string]*App{"same_replica": h.app, "other_replica": other} {
				rec := req.sendTo(t, app)
				h.settle()
				other.bg.Wait()
				contains(t, name+" repeat", rec.Body.String(), `"response_action":"update"`, "Already done")
				if got := h.trail(orderID); got != after {
					t.Errorf("%s: after the repeat %+v, want as after the first %+v", name, got, after)
				}
			}
		})
	}
}

// withState is a view as Slack sends it back on submit.
func withState(view, values map[string]any) map[string]any {
	v := map[string]any{}
	for k, x := range view {
		v[k] = x
	}
	v["id"], v["state"] = "V1", map[string]any{"values": values}
	return v
}
