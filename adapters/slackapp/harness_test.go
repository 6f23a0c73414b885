package slackapp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

const (
	testSecret = "8f742231b10e8888abcd99yyyzzz85a5"
	support    = "CSUPPORT"
	alerts     = "CALERTS"
	// Staff in the test workspace.
	owner   = "UOWNER"
	agent   = "UAGENT"
	viewer  = "UVIEW"
	groupie = "UGROUPIE" // an agent through the user group SAGENTS
	nobody  = "UNOBODY"
)

// Buyer personal data on the test orders: none of it may reach a channel.
var buyerPII = []string{"emma@example.com", "+1 503 555 0100", "1 Oak St", "97201"}

// start is a Wednesday afternoon.
var start = time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC)

type harness struct {
	t      *testing.T
	logs   *enginetest.LogBuffer
	fake   *fakeSlack
	app    *App
	engine *core.Engine
	store  core.Store
	clock  *enginetest.Clock
	seq    atomic.Int64
	acks   []string // slash command answers in HTTP responses, for assertNoBuyerPII
	// options, when set, changes the engine options of every replica.
	options func(*core.Options)
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessOn(t, storetest.OpenSQLite(t))
}

// stores are the stores a test that depends on the store runs on; the
// PostgreSQL one is skipped without TEST_DATABASE_URL.
var stores = []struct {
	name string
	open func(testing.TB) *sqlstore.DB
}{
	{"sqlite", storetest.OpenSQLite},
	{"postgres", storetest.OpenPostgres},
}

func newHarnessOn(t *testing.T, store core.Store) *harness {
	t.Helper()
	return newHarnessWith(t, store, nil)
}

// newHarnessWith is newHarnessOn with engine options changed by options.
func newHarnessWith(t *testing.T, store core.Store, options func(*core.Options)) *harness {
	t.Helper()
	clock := enginetest.NewClock(start)
	fake := newFakeSlack(t)
	logs := &enginetest.LogBuffer{}
	h := &harness{t: t, fake: fake, store: store, clock: clock, logs: logs, options: options}
	// Registered first, so it runs after every replica's Close (cleanups
	// run last-in first-out) and sees what their background work posted.
	t.Cleanup(func() {
		h.assertNoBuyerPII()
		h.assertMrkdwnEscaped()
		lacks(t, "log", logs.String(), testSecret, "xoxb-test")
	})
	h.app = h.replica()
	h.engine = h.app.engine
	return h
}

// replica is one more app (one more bot serve) on the harness's store,
// clock and fake Slack, with an engine of its own.
func (h *harness) replica() *App {
	h.t.Helper()
	p := core.DefaultPolicy()
	opt := core.Options{Clock: h.clock, IDs: &enginetest.SeqIDs{}, Policy: &p,
		Drafter: enginetest.Later(drafter.Offline{D: drafter.New(drafter.Shop{Name: "Acme Mugs", Policy: p})})}
	if h.options != nil {
		h.options(&opt)
	}
	eng := core.NewEngine(h.store, opt)
	app, err := New(Config{
		Log:      slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		BotToken: "xoxb-test", SigningSecret: testSecret, SupportChannel: support, AlertsChannel: alerts,
		APIURL: h.fake.URL() + "/api", Engine: eng, Clock: h.clock, HTTPClient: h.fake.client(),
		Roles: core.Roles{Owners: []string{"slack:" + owner}, Agents: []string{"slack:" + agent, "slack:group:SAGENTS"}, Viewers: []string{"slack:" + viewer}},
	})
	if err != nil {
		h.t.Fatalf("New: %v", err)
	}
	h.t.Cleanup(app.Close)
	return app
}

// order is a merchant order bought ago before start: two mugs and a tee.
func order(id string, ago time.Duration) core.Order {
	purchased := start.Add(-ago)
	paid := purchased.Add(5 * time.Minute)
	return core.Order{
		ID: id, Fulfillment: core.Merchant, PurchaseDate: purchased, PaymentsDate: &paid, Currency: "USD",
		ShipServiceLevel: "Standard", SalesChannel: "Amazon.com", ReportUpdated: purchased,
		Buyer:  core.Buyer{Name: "Emma Johnson", Email: "emma@example.com", Phone: "+1 503 555 0100"},
		ShipTo: core.Address{Name: "Emma Johnson", Line1: "1 Oak St", City: "Portland", State: "OR", PostalCode: "97201", Country: "US", Phone: "+1 503 555 0100"},
		Items: []core.Item{
			{OrderItemID: id + "-1", SKU: "MUG", Title: "Mug", Quantity: 2, Price: 3000, Tax: 240, Shipping: 499},
			{OrderItemID: id + "-2", SKU: "TEE", Title: "Tee", Quantity: 1, Price: 2000, Tax: 160},
		},
	}
}

func (h *harness) importOrders(orders ...core.Order) {
	h.t.Helper()
	if _, err := h.engine.Import(context.Background(), orders); err != nil {
		h.t.Fatalf("import: %v", err)
	}
}

func (h *harness) order(id string) *core.Order {
	h.t.Helper()
	res, err := h.engine.RunLine(context.Background(), core.Actor{ID: "test:o", Role: core.Owner, Source: "test"}, "order "+id, false)
	if err != nil {
		h.t.Fatalf("order %s: %v", id, err)
	}
	return res.Order
}

// settle waits for the app's background work (answers posted after the
// acknowledgement).
func (h *harness) settle() { h.app.bg.Wait() }

func sign(secret, ts, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// post sends a request signed with the test secret at the clock's time.
func (h *harness) post(path, contentType, body string, header ...string) *httptest.ResponseRecorder {
	h.t.Helper()
	ts := strconv.FormatInt(h.clock.Now().Unix(), 10)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sign(testSecret, ts, body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.app.Handler().ServeHTTP(rec, req)
	return rec
}

func (h *harness) next() string { return strconv.FormatInt(h.seq.Add(1), 10) }

// slash types /desk text as user; it returns the HTTP answer and the
// response_url Slack gave the command.
func (h *harness) slash(user, text string) (*httptest.ResponseRecorder, string) {
	h.t.Helper()
	n := h.next()
	respURL := h.fake.URL() + "/response/cmd-" + n
	form := url.Values{"token": {"x"}, "team_id": {"T1"}, "channel_id": {"CWORK"}, "channel_name": {"orders"}, "user_id": {user},
		"user_name": {strings.ToLower(user)}, "command": {"/desk"}, "text": {text}, "response_url": {respURL}, "trigger_id": {"trig-cmd-" + n}}
	rec := h.post("/slack/commands", "application/x-www-form-urlencoded", form.Encode())
	if rec.Code != http.StatusOK {
		h.t.Fatalf("/desk %s: HTTP %d %s", text, rec.Code, rec.Body)
	}
	h.acks = append(h.acks, rec.Body.String())
	return rec, respURL
}

// inline is a slash command's answer in its HTTP response, decoded and as
// text; nothing may have gone to its response_url.
func (h *harness) inline(rec *httptest.ResponseRecorder, respURL string) (map[string]any, string) {
	h.t.Helper()
	var msg map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &msg); err != nil {
		h.t.Fatalf("answer %q is not a message: %v", rec.Body, err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		h.t.Errorf("answer Content-Type %q, want application/json", ct)
	}
	h.settle()
	if rs := h.responses(respURL); len(rs) > 0 {
		h.t.Errorf("answered inline and through response_url too: %v", rs)
	}
	return msg, rec.Body.String()
}

// interact posts an interaction payload and returns the HTTP answer.
func (h *harness) interact(payload map[string]any) *httptest.ResponseRecorder {
	h.t.Helper()
	if _, ok := payload["trigger_id"]; !ok {
		payload["trigger_id"] = "trig-int-" + h.next()
	}
	b, _ := json.Marshal(payload)
	rec := h.post("/slack/interactions", "application/x-www-form-urlencoded", url.Values{"payload": {string(b)}}.Encode())
	if rec.Code != http.StatusOK {
		h.t.Fatalf("interaction: HTTP %d %s", rec.Code, rec.Body)
	}
	h.acks = append(h.acks, rec.Body.String())
	return rec
}

// click presses a button on a message whose response_url is respURL.
func (h *harness) click(user, actionID, value, respURL string) *httptest.ResponseRecorder {
	h.t.Helper()
	rec := h.interact(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user, "name": strings.ToLower(user)},
		"response_url": respURL, "container": map[string]any{"type": "message", "channel_id": "CWORK", "message_ts": "1.1"},
		"channel": map[string]any{"id": "CWORK"},
		"actions": []map[string]any{{"action_id": actionID, "block_id": "b", "value": value, "type": "button", "action_ts": "1.2"}},
	})
	h.settle()
	return rec
}

// lastView is the view of the latest views.open call.
func (h *harness) lastView() map[string]any {
	h.t.Helper()
	calls := h.fake.Calls("views.open")
	if len(calls) == 0 {
		h.t.Fatal("no views.open call")
	}
	v, _ := calls[len(calls)-1].JSON["view"].(map[string]any)
	return v
}

// submit sends a view back as Slack does on submit, with state values,
// and decodes the response action.
func (h *harness) submit(user string, view map[string]any, values map[string]any) map[string]any {
	h.t.Helper()
	v := map[string]any{}
	for k, x := range view {
		v[k] = x
	}
	v["id"], v["state"] = "V1", map[string]any{"values": values}
	rec := h.interact(map[string]any{"type": "view_submission", "user": map[string]any{"id": user, "name": strings.ToLower(user)}, "view": v})
	h.settle()
	if rec.Body.Len() == 0 {
		return nil
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		h.t.Fatalf("view response %q: %v", rec.Body, err)
	}
	return out
}

// Values as Slack sends them in view.state.values.
func textValue(s string) map[string]any {
	return map[string]any{"value": map[string]any{"type": "plain_text_input", "value": s}}
}
func numberValue(n int) map[string]any {
	return map[string]any{"value": map[string]any{"type": "number_input", "value": strconv.Itoa(n)}}
}
func selectValue(v string) map[string]any {
	return map[string]any{"value": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v}}}
}
func dateValue(d string) map[string]any {
	return map[string]any{"value": map[string]any{"type": "datepicker", "selected_date": d}}
}

// responses are the response_url posts to one URL, decoded.
func (h *harness) responses(respURL string) []map[string]any {
	u, _ := url.Parse(respURL)
	var out []map[string]any
	for _, c := range h.fake.Calls("response") {
		if c.Path == u.Path {
			out = append(out, c.JSON)
		}
	}
	return out
}

// lastResponse is the latest response_url post to respURL, as text.
func (h *harness) lastResponse(respURL string) (map[string]any, string) {
	h.t.Helper()
	rs := h.responses(respURL)
	if len(rs) == 0 {
		h.t.Fatalf("nothing posted to %s; calls: %v", respURL, h.methods())
	}
	b, _ := json.Marshal(rs[len(rs)-1])
	return rs[len(rs)-1], string(b)
}

func (h *harness) methods() []string {
	var out []string
	for _, c := range h.fake.Calls("") {
		out = append(out, c.Method+" "+c.Path)
	}
	return out
}

// assertNoBuyerPII scans every message sent to a channel (posts, updates,
// response_url answers) for the buyer's contact data and address.
func (h *harness) assertNoBuyerPII() {
	for _, ack := range h.acks {
		for _, pii := range buyerPII {
			if strings.Contains(ack, pii) {
				h.t.Errorf("slash command answer carries buyer data %q:\n%s", pii, ack)
			}
		}
	}
	for _, c := range h.fake.Calls("") {
		switch c.Method {
		case "chat.postMessage", "chat.update", "chat.postEphemeral", "response":
		default:
			continue // modals are seen by the person who opened them only
		}
		for _, pii := range buyerPII {
			if strings.Contains(c.Text, pii) {
				h.t.Errorf("%s %s carries buyer data %q:\n%s", c.Method, c.Path, pii, c.Text)
			}
		}
	}
}

// assertMrkdwnEscaped checks every text Slack reads as mrkdwn — in
// posts, updates, ephemeral messages, response_url answers, HTTP answers
// and modals — for an unescaped <, > or &: Slack would read <…> as a link
// or mention (<!channel>) and &… as an entity.
func (h *harness) assertMrkdwnEscaped() {
	var check func(where string, v any)
	check = func(where string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" {
				if s, _ := x["text"].(string); mrkdwnFault(s) != "" {
					h.t.Errorf("%s: mrkdwn %s:\n%s", where, mrkdwnFault(s), s)
				}
			}
			for _, y := range x {
				check(where, y)
			}
		case []any:
			for _, y := range x {
				check(where, y)
			}
		}
	}
	message := func(where string, m map[string]any) {
		if s, _ := m["text"].(string); mrkdwnFault(s) != "" { // the notification text is mrkdwn too
			h.t.Errorf("%s: message text %s:\n%s", where, mrkdwnFault(s), s)
		}
		check(where, m["blocks"])
		check(where, m["view"])
		h.checkLimits(where, m["blocks"])
	}
	for _, ack := range h.acks {
		var m map[string]any
		if json.Unmarshal([]byte(ack), &m) == nil {
			message("HTTP answer", m)
		}
	}
	for _, c := range h.fake.Calls("") {
		switch {
		case c.JSON != nil:
			message(c.Method, c.JSON)
		case c.Form != nil && c.Form.Has("blocks"):
			var blocks any
			_ = json.Unmarshal([]byte(c.Form.Get("blocks")), &blocks)
			message(c.Method, map[string]any{"text": c.Form.Get("text"), "blocks": blocks})
		}
	}
}

// checkLimits holds a message's blocks to what Slack takes: 50 blocks,
// 3,000 characters of section text, and well under the ~13,000 characters
// in all past which Slack answers msg_blocks_too_long.
func (h *harness) checkLimits(where string, blocks any) {
	list, _ := blocks.([]any)
	if len(list) > maxBlocks {
		h.t.Errorf("%s: %d blocks, Slack takes %d", where, len(list), maxBlocks)
	}
	total := 0
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok && (x["type"] == "mrkdwn" || x["type"] == "plain_text") {
				if slackLen(s) > maxSectionText {
					h.t.Errorf("%s: a text of %d characters, Slack takes %d", where, slackLen(s), maxSectionText)
				}
				total += slackLen(s)
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(list)
	if total > 12000 {
		h.t.Errorf("%s: blocks hold %d characters in all; Slack refuses about 13,000", where, total)
	}
}

// mrkdwnFault says what is unescaped in mrkdwn text s, or "". A line may
// start with "> ", the block quote.
func mrkdwnFault(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimPrefix(line, "> ")
		if strings.ContainsAny(line, "<>") {
			return "has an unescaped < or >"
		}
		for i := strings.IndexByte(line, '&'); i >= 0; i = strings.IndexByte(line, '&') {
			line = line[i+1:]
			if !strings.HasPrefix(line, "amp;") && !strings.HasPrefix(line, "lt;") && !strings.HasPrefix(line, "gt;") {
				return "has an unescaped &"
			}
		}
	}
	return ""
}

func (h *harness) deliver() (int, time.Duration) {
	h.t.Helper()
	sent, wait, err := h.engine.Deliver(context.Background(), h.app)
	if err != nil {
		h.t.Fatalf("deliver: %v", err)
	}
	h.settle()
	return sent, wait
}

func contains(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}

func lacks(t *testing.T, what, s string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(s, b) {
			t.Errorf("%s has %q:\n%s", what, b, s)
		}
	}
}
