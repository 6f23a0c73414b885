package discordapp

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// The test application is signed with the RFC 8032 TEST 1 key, the one the
// shared signing vectors use for their self-made case.
const (
	testSeed   = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
	testPublic = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
	appID      = "APP1"
	guild      = "G1"
	staff      = "CSTAFF"
	help       = "CHELP"
	work       = "CWORK"
	// People in the test guild.
	owner   = "UOWNER"
	agent   = "UAGENT" // an agent through the role RAGENTS
	viewer  = "UVIEW"
	nobody  = "UNOBODY"
	buyer   = "UBUYER"
	upsOK   = "1Z999AA10123456784"
	upsBad  = "1Z999AA10123456785"
	orderA  = "111-0000001-0000001"
	orderB  = "111-0000002-0000002"
	buyerEm = "emma@example.com"
)

// Buyer personal data on the test orders: none of it may reach a channel.
var buyerPII = []string{buyerEm, "+1 503 555 0100", "1 Oak St", "97201"}

// start is a Wednesday afternoon.
var start = time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC)

// call is one request the fake Discord received.
type call struct {
	Method, Path string
	Body         []byte
}

func (c call) JSON() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(c.Body, &m)
	return m
}

// failure is a scripted answer for the next matching request.
type failure struct {
	pathPart string
	status   int
	body     string
	header   map[string]string
	// created makes a message create take effect before the failure is
	// answered, as when Discord's answer is lost on the way back.
	created bool
}

// fakeDiscord speaks enough of Discord's REST API (v9, as discordgo calls
// it) to record what the app sends and answer like Discord, failures too.
type fakeDiscord struct {
	t   *testing.T
	srv *httptest.Server
	mu  sync.Mutex
	log []call
	// fail holds scripted answers, used once each, in order.
	fail []failure
	seq  atomic.Int64
	// nonces are the messages created with an enforced nonce, by nonce.
	// Discord keeps them a few minutes; the fake, for the whole test.
	nonces map[string]map[string]any
	made   map[string]int // messages created, by channel
}

func newFakeDiscord(t *testing.T) *fakeDiscord {
	f := &fakeDiscord{t: t, nonces: map[string]map[string]any{}, made: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if !strings.HasPrefix(r.URL.Path, "/api/v") || r.Header.Get("Authorization") != "Bot test-token" {
		http.Error(w, `{"message": "401: Unauthorized", "code": 0}`, http.StatusUnauthorized)
		return
	}
	path := r.URL.Path[strings.Index(r.URL.Path[1:], "/")+1:]
	path = path[strings.Index(path[1:], "/")+1:] // drop /api/v9
	f.mu.Lock()
	f.log = append(f.log, call{Method: r.Method, Path: path, Body: body})
	for i, fl := range f.fail {
		if strings.Contains(path, fl.pathPart) {
			f.fail = append(f.fail[:i], f.fail[i+1:]...)
			f.mu.Unlock()
			if parts := strings.Split(strings.Trim(path, "/"), "/"); fl.created && len(parts) == 3 {
				f.create(parts[1], body)
			}
			for k, v := range fl.header {
				w.Header().Set(k, v)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(fl.status)
			io.WriteString(w, fl.body)
			return
		}
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case r.Method == http.MethodDelete, strings.HasSuffix(path, "/callback"):
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPost && parts[0] == "channels" && len(parts) == 3 && parts[2] == "messages":
		json.NewEncoder(w).Encode(f.create(parts[1], body))
	case parts[0] == "channels" && len(parts) >= 3:
		id := "M" + strconv.FormatInt(f.seq.Add(1), 10)
		if len(parts) == 4 {
			id = parts[3]
		}
		json.NewEncoder(w).Encode(map[string]any{"id": id, "channel_id": parts[1], "type": 0})
	case parts[0] == "applications":
		w.Write(body)
	case r.Method == http.MethodPost && path == "/users/@me/channels": // a DM channel per user
		var req struct {
			RecipientID string `json:"recipient_id"`
		}
		_ = json.Unmarshal(body, &req)
		json.NewEncoder(w).Encode(map[string]any{"id": "DM" + req.RecipientID, "type": 1})
	default:
		json.NewEncoder(w).Encode(map[string]any{"id": "W" + strconv.FormatInt(f.seq.Add(1), 10), "channel_id": work, "type": 0})
	}
}

// create makes a message as Discord's create message does: a repeat of
// an enforced nonce gets the message made the first time.
func (f *fakeDiscord) create(channel string, body []byte) map[string]any {
	var req struct {
		Nonce        string `json:"nonce"`
		EnforceNonce bool   `json:"enforce_nonce"`
	}
	_ = json.Unmarshal(body, &req)
	f.mu.Lock()
	defer f.mu.Unlock()
	if m, ok := f.nonces[req.Nonce]; ok && req.EnforceNonce {
		return m
	}
	m := map[string]any{"id": "M" + strconv.FormatInt(f.seq.Add(1), 10), "channel_id": channel, "type": 0}
	f.made[channel]++
	if req.Nonce != "" {
		m["nonce"] = req.Nonce
		if req.EnforceNonce {
			f.nonces[req.Nonce] = m
		}
	}
	return m
}

// created counts the messages the fake created in channel.
func (f *fakeDiscord) created(channel string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.made[channel]
}

// failNext makes the next request whose path contains pathPart fail.
func (f *fakeDiscord) failNext(pathPart string, status int, body string, header map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = append(f.fail, failure{pathPart: pathPart, status: status, body: body, header: header})
}

// calls lists the requests whose "METHOD path" contains want.
func (f *fakeDiscord) calls(want string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.log {
		if strings.Contains(c.Method+" "+c.Path, want) {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeDiscord) all() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.log...)
}

type harness struct {
	t       *testing.T
	fake    *fakeDiscord
	app     *App
	engine  *core.Engine
	store   core.Store
	clock   *enginetest.Clock
	priv    ed25519.PrivateKey
	seq     atomic.Int64
	mu      sync.Mutex
	answers [][]byte // every interaction answer, for the personal data check
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	store := storetest.OpenSQLite(t)
	clock := enginetest.NewClock(start)
	p := core.DefaultPolicy()
	eng := core.NewEngine(store, core.Options{Clock: clock, IDs: &enginetest.SeqIDs{}, Policy: &p,
		Drafter: enginetest.Later(drafter.Offline{D: drafter.New(drafter.Shop{Name: "Acme Mugs", Policy: p})})})
	fake := newFakeDiscord(t)
	app, err := New(Config{
		BotToken: "test-token", ApplicationID: appID, PublicKey: testPublic, GuildID: guild, StaffChannel: staff, HelpChannel: help,
		APIURL: fake.srv.URL, HTTPClient: fake.srv.Client(), Engine: eng, Clock: clock,
		Roles: core.Roles{Owners: []string{"discord:" + owner}, Agents: []string{"discord:role:RAGENTS"}, Viewers: []string{"discord:" + viewer}},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	seed, _ := hex.DecodeString(testSeed)
	h := &harness{t: t, fake: fake, app: app, engine: eng, store: store, clock: clock, priv: ed25519.NewKeyFromSeed(seed)}
	t.Cleanup(func() {
		app.Close()
		h.assertNoBuyerPII()
	})
	return h
}

// order is a merchant order bought ago before start: two mugs and a tee.
func order(id string, ago time.Duration) core.Order {
	purchased := start.Add(-ago)
	paid := purchased.Add(5 * time.Minute)
	return core.Order{
		ID: id, Fulfillment: core.Merchant, PurchaseDate: purchased, PaymentsDate: &paid, Currency: "USD",
		ShipServiceLevel: "Standard", SalesChannel: "Amazon.com", ReportUpdated: purchased,
		Buyer:  core.Buyer{Name: "Emma Johnson", Email: buyerEm, Phone: "+1 503 555 0100"},
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
	res, err := h.engine.Do(context.Background(), core.Request{Actor: core.Actor{ID: "test:o", Role: core.Owner, Source: "test"}, Command: core.GetOrder{OrderID: id}})
	if err != nil {
		h.t.Fatalf("order %s: %v", id, err)
	}
	return res.Order
}

// signed posts body to the interactions endpoint, signed with key at ts.
func signedRequest(priv ed25519.PrivateKey, ts, body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/discord/interactions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, []byte(ts+body))))
	return req
}

// interact sends an interaction as Discord would over HTTP and returns
// the decoded answer, after the app's follow-ups are done.
func (h *harness) interact(i map[string]any) map[string]any {
	h.t.Helper()
	if _, ok := i["id"]; !ok {
		i["id"] = "I" + strconv.FormatInt(h.seq.Add(1), 10)
	}
	i["application_id"], i["token"], i["version"] = appID, "tok-"+i["id"].(string), 1
	if _, ok := i["channel_id"]; !ok {
		i["channel_id"] = work
	}
	b, _ := json.Marshal(i)
	rec := httptest.NewRecorder()
	h.app.Handler().ServeHTTP(rec, signedRequest(h.priv, strconv.FormatInt(h.clock.Now().Unix(), 10), string(b)))
	h.app.bg.Wait()
	if rec.Code != http.StatusOK {
		h.t.Fatalf("interaction: HTTP %d %s", rec.Code, rec.Body)
	}
	h.mu.Lock()
	h.answers = append(h.answers, bytes.Clone(rec.Body.Bytes()))
	h.mu.Unlock()
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		h.t.Fatalf("answer is not JSON: %s", rec.Body)
	}
	return out
}

// member is a guild member as interactions carry it.
func member(user string) map[string]any {
	m := map[string]any{"user": map[string]any{"id": user, "username": strings.ToLower(user)}, "roles": []string{}}
	if user == agent {
		m["roles"] = []string{"RAGENTS", "REVERYONE"}
	}
	return m
}

// slash runs /desk sub with options as user.
func (h *harness) slash(user, sub string, opts ...any) map[string]any {
	h.t.Helper()
	var list []map[string]any
	for k := 0; k+1 < len(opts); k += 2 {
		typ := discordgo.ApplicationCommandOptionString
		if _, ok := opts[k+1].(int); ok {
			typ = discordgo.ApplicationCommandOptionInteger
		}
		list = append(list, map[string]any{"name": opts[k], "type": typ, "value": opts[k+1]})
	}
	return h.interact(map[string]any{"type": discordgo.InteractionApplicationCommand, "guild_id": guild, "member": member(user),
		"data": map[string]any{"id": "CMD1", "name": "desk", "type": 1, "options": []map[string]any{{"name": sub, "type": 1, "options": list}}}})
}

// click presses a component on the message MCARD in channel.
func (h *harness) click(user, channel, customID string, values ...string) map[string]any {
	h.t.Helper()
	return h.clickOn(user, channel, "MCARD", customID, values...)
}

// clickOn presses a component on message msgID in channel.
func (h *harness) clickOn(user, channel, msgID, customID string, values ...string) map[string]any {
	h.t.Helper()
	data := map[string]any{"custom_id": customID, "component_type": 2}
	if len(values) > 0 {
		data["component_type"], data["values"] = 3, values
	}
	i := map[string]any{"type": discordgo.InteractionMessageComponent, "channel_id": channel, "data": data,
		"message": map[string]any{"id": msgID, "channel_id": channel, "content": ""}}
	if channel == "DM" {
		i["user"] = member(user)["user"]
	} else {
		i["guild_id"], i["member"] = guild, member(user)
	}
	return h.interact(i)
}

// submit sends a modal back with its text inputs filled in, each in a
// Label as Discord sends them now.
func (h *harness) submit(user, customID string, fromMessage bool, values map[string]string) map[string]any {
	h.t.Helper()
	var rows []map[string]any
	for k, v := range values {
		rows = append(rows, map[string]any{"type": 18, "component": map[string]any{"type": 4, "custom_id": k, "value": v}})
	}
	i := map[string]any{"type": discordgo.InteractionModalSubmit, "guild_id": guild, "member": member(user),
		"data": map[string]any{"custom_id": customID, "components": rows}}
	if fromMessage {
		i["message"] = map[string]any{"id": "MCARD", "channel_id": work, "content": ""}
	}
	return h.interact(i)
}

// buyerSays delivers a MESSAGE_CREATE from a buyer, as the gateway does.
func (h *harness) buyerSays(channel, msgID, text string) {
	guildID := guild
	if channel != help {
		guildID = ""
	}
	h.app.OnMessage(nil, &discordgo.MessageCreate{Message: &discordgo.Message{ID: msgID, ChannelID: channel, GuildID: guildID, Content: text,
		Author: &discordgo.User{ID: buyer, Username: "emma_j", GlobalName: "Emma"}}})
}

// deliver runs one round of outbox delivery to the app.
func (h *harness) deliver() (int, time.Duration) {
	h.t.Helper()
	n, wait, err := h.engine.Deliver(context.Background(), h.app)
	if err != nil {
		h.t.Fatalf("deliver: %v", err)
	}
	return n, wait
}

// assertNoBuyerPII checks every message the app posted or answered with.
func (h *harness) assertNoBuyerPII() {
	h.t.Helper()
	var texts []string
	for _, c := range h.fake.all() {
		texts = append(texts, c.Method+" "+c.Path+" "+string(c.Body))
	}
	h.mu.Lock()
	for _, a := range h.answers {
		texts = append(texts, "answer "+string(a))
	}
	h.mu.Unlock()
	for _, s := range texts {
		for _, pii := range buyerPII {
			if strings.Contains(s, pii) {
				h.t.Errorf("buyer personal data %q reached Discord: %s", pii, core.Clip(s, 300))
			}
		}
	}
}

// helpers on decoded answers

func answerType(m map[string]any) int { f, _ := m["type"].(float64); return int(f) }

func answerData(m map[string]any) map[string]any { d, _ := m["data"].(map[string]any); return d }

func ephemeral(m map[string]any) bool {
	f, _ := answerData(m)["flags"].(float64)
	return int(f)&int(discordgo.MessageFlagsEphemeral) != 0
}

func content(m map[string]any) string { s, _ := answerData(m)["content"].(string); return s }

// customIDs lists the custom ids of the components in a message payload.
func customIDs(data map[string]any) []string {
	var out []string
	rows, _ := data["components"].([]any)
	for _, r := range rows {
		row, _ := r.(map[string]any)
		comps, _ := row["components"].([]any)
		for _, c := range comps {
			if cm, ok := c.(map[string]any); ok {
				if id, ok := cm["custom_id"].(string); ok {
					out = append(out, id)
				}
			}
		}
	}
	return out
}

func has(list []string, want string) bool {
	for _, s := range list {
		if s == want {
			return true
		}
	}
	return false
}

func dump(v any) string { b, _ := json.Marshal(v); return core.Clip(string(b), 1500) }
