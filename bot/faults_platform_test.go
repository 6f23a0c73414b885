package main

// Fault tests (issue 7, item 3) that need no PostgreSQL, so they run in the
// ordinary go test ./...: the model endpoint hanging, and Slack and Discord
// answering 500 and 429. The whole service runs in-process as `bot serve`
// does (NewMain from the environment, Open, Run: the job queue, the HTTP
// server) on embedded SQLite, against fake platforms that speak the wire
// formats. The tests look only at what the fakes receive and what the desk
// shows, not at how the work is scheduled.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// faultWait bounds every wait for the service to do something.
const faultWait = 20 * time.Second

// waitFor polls cond until it holds, failing the test after faultWait or
// as soon as something else has failed it (Run ending early).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(faultWait); !cond(); time.Sleep(20 * time.Millisecond) {
		if t.Failed() {
			t.FailNow()
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s still waiting for %s", faultWait, what)
		}
	}
}

// serve runs m as `bot serve` does until stop, which cancels Run and waits
// (at most faultWait) for it to return. stop is also a cleanup, so Run has
// ended before the store closes.
func serve(t *testing.T, m *Main) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := m.Run(ctx)
		if ctx.Err() == nil {
			t.Errorf("Run ended before it was stopped: %v", err)
		} else if err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(faultWait):
				t.Errorf("Run did not return %s after it was cancelled", faultWait)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

var faultOwner = core.Actor{ID: "console:t", Name: "t", Role: core.Owner, Source: "console"}

// runLine runs a desk command as the owner.
func runLine(t *testing.T, m *Main, line string) *core.Result {
	t.Helper()
	res, err := m.Engine.RunLine(context.Background(), faultOwner, line, false)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return res
}

// --- The model endpoint hangs ---

// hungModel is an OpenAI-compatible endpoint that takes a chat completion
// request and never answers, paying no attention to the client going away
// (as a stuck proxy does); it only notes that the client gave up.
type hungModel struct {
	*httptest.Server
	arrived chan struct{} // a signal per request
	release chan struct{}
	mu      sync.Mutex
	calls   []string // "METHOD /path model Authorization"
	gone    atomic.Int32
}

func newHungModel(t *testing.T) *hungModel {
	h := &hungModel{arrived: make(chan struct{}, 100), release: make(chan struct{})}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model string `json:"model"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		h.mu.Lock()
		h.calls = append(h.calls, fmt.Sprintf("%s %s %s %s", r.Method, r.URL.Path, req.Model, r.Header.Get("Authorization")))
		h.mu.Unlock()
		h.arrived <- struct{}{}
		select {
		case <-r.Context().Done():
			h.gone.Add(1)
		case <-h.release:
			return
		}
		<-h.release
	}))
	// Cleanups run last first: handlers are released before Close, which
	// waits for them.
	t.Cleanup(h.Close)
	t.Cleanup(func() { close(h.release) })
	return h
}

func (h *hungModel) recorded() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.calls...)
}

// awaitRequest waits for the next request to reach the model.
func (h *hungModel) awaitRequest(t *testing.T) {
	t.Helper()
	select {
	case <-h.arrived:
	case <-time.After(faultWait):
		t.Fatalf("no request reached the model in %s", faultWait)
	}
}

// openWithModel opens the bot on SQLite with the model drafter pointed at
// model; extra is more of the environment.
func openWithModel(t *testing.T, model *hungModel, extra ...string) *Main {
	t.Helper()
	return openMain(t, append([]string{"SELLERDESK_DATABASE_URL=sqlite:shop.db", "SELLERDESK_HTTP_ADDR=127.0.0.1:0", "SELLERDESK_HTTP_METRICS_ADDR=127.0.0.1:0",
		"SELLERDESK_LLM_BASE_URL=" + model.URL + "/v1", "SELLERDESK_LLM_MODEL=fake-model", "SELLERDESK_LLM_API_KEY=sk-fault-test"}, extra...)...)
}

// draftOf waits for conversation id's draft and returns it with what the
// console shows for it.
func draftOf(t *testing.T, m *Main, id string) (*core.Draft, string) {
	t.Helper()
	var d *core.Draft
	waitFor(t, "the draft of "+id, func() bool {
		c := runLine(t, m, "show "+id).Conversation
		d = c.Draft
		return d != nil && !c.NeedsDraft()
	})
	c := m.newConsole(core.Agent)
	var out bytes.Buffer
	c.In, c.Out = strings.NewReader("show "+id+"\n"), &out
	if failed, err := c.Run(context.Background()); failed != 0 || err != nil {
		t.Fatalf("console show: %d %v\n%s", failed, err, out.String())
	}
	return d, out.String()
}

// The model takes the request and never answers: the buyer's message still
// gets the offline draft once llm.timeout has passed, marked as such, and
// the desk keeps answering while the model call hangs.
func TestFaultLLMHangsOfflineDraftInTime(t *testing.T) {
	t.Chdir(t.TempDir())
	model := newHungModel(t)
	// Long enough that the desk's answers below come well inside it.
	m := openWithModel(t, model, "SELLERDESK_LLM_TIMEOUT=4s")
	ctx := context.Background()
	info, err := SeedDemo(ctx, m.Engine)
	if err != nil {
		t.Fatal(err)
	}
	serve(t, m)
	sent := time.Now()
	conv, err := m.Engine.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: "order:" + info.BuyerOrderID,
		OrderID: info.BuyerOrderID, Text: "where is my package?"})
	if err != nil {
		t.Fatal(err)
	}
	model.awaitRequest(t)

	// While the model hangs: a lookup, a change, the health check.
	if o := runLine(t, m, "order "+info.ShipOrderID).Order; o == nil || o.ID != info.ShipOrderID {
		t.Fatalf("order lookup during the hang: %+v", o)
	}
	runLine(t, m, "stock MUG-CERAMIC-12OZ set 50")
	if rec := httpGet(t, m.Handler(), "/healthz"); rec.code != http.StatusOK {
		t.Fatalf("healthz during the hang: %d %q", rec.code, rec.body)
	}
	if model.gone.Load() != 0 {
		// Only a machine stalled for the whole 4 s gets here.
		t.Fatal("the desk's answers came only after the model call had timed out")
	}

	d, shown := draftOf(t, m, conv.ID)
	t.Logf("the draft came %s after the message", time.Since(sent).Round(time.Millisecond))
	const note = "LLM unavailable (timeout after 4s); offline draft used."
	if d.Drafter != "offline" || d.Note != note || !strings.Contains(d.Text, info.BuyerOrderID) {
		t.Fatalf("draft %+v; want the offline one, noted", d)
	}
	if !strings.Contains(shown, "offline drafter") || !strings.Contains(shown, note) {
		t.Errorf("the console does not say the draft is the offline one:\n%s", shown)
	}
	for _, c := range model.recorded() {
		if c != "POST /v1/chat/completions fake-model Bearer sk-fault-test" {
			t.Errorf("model request %q", c)
		}
	}
}

// A draft stuck on the hung model does not hold up shutdown: Run returns
// long before llm.timeout (5m here; jobs.shutdown_grace bounds a drain that
// waits for running work). The conversation is drafted at the next start.
func TestFaultLLMHangDoesNotHoldShutdown(t *testing.T) {
	t.Chdir(t.TempDir())
	model := newHungModel(t)
	m := openWithModel(t, model, "SELLERDESK_LLM_TIMEOUT=5m", "SELLERDESK_JOBS_SHUTDOWN_GRACE=1s")
	stop := serve(t, m)
	conv, err := m.Engine.BuyerMessage(context.Background(), core.BuyerMessageIn{Channel: "web", BuyerKey: "b1", Text: "where is my package?"})
	if err != nil {
		t.Fatal(err)
	}
	model.awaitRequest(t)
	began := time.Now()
	stop() // fails the test if Run is still waiting faultWait later
	t.Logf("shutdown took %s with a model call hung", time.Since(began).Round(time.Millisecond))
	waitFor(t, "the model call to be abandoned", func() bool { return model.gone.Load() > 0 })
	m.Close()

	// The model still hangs; a short timeout now gives the offline draft.
	m = openWithModel(t, model, "SELLERDESK_LLM_TIMEOUT=200ms")
	serve(t, m)
	if d, _ := draftOf(t, m, conv.ID); d.Drafter != "offline" || !strings.Contains(d.Note, "LLM unavailable") {
		t.Fatalf("draft after restart: %+v", d)
	}
}

// --- Slack and Discord answer 500 and 429 ---

// chatFault is one failed answer of a chat platform.
type chatFault struct {
	status int
	header map[string]string
	body   string
	wait   time.Duration // how long the answer asks the client to stay away
}

// chatPlatform is what differs between Slack and Discord here.
type chatPlatform struct {
	env            func(apiURL string) []string
	answer         map[string]any // what the fake answers a request that goes through
	endpoint, body string         // a request openWithSink expects refused unsigned
	// post: a request that creates a message (faults are numbered over
	// these); update: one that redraws a message; startup: one made once
	// at start, not for the outbox. All take "METHOD /path".
	post, update, startup func(string) bool
}

var slackPlatform = chatPlatform{
	env: func(u string) []string {
		return []string{"SELLERDESK_SLACK_BOT_TOKEN=xoxb-test-token", "SELLERDESK_SLACK_SIGNING_SECRET=8f742231b10e8888abcd99yyyzzz85a5",
			"SELLERDESK_SLACK_SUPPORT_CHANNEL=C0SUPPORT", "SELLERDESK_SLACK_ALERTS_CHANNEL=C0ALERTS", "SELLERDESK_SLACK_API_URL=" + u + "/"}
	},
	answer:   map[string]any{"ok": true, "channel": "C0SUPPORT", "ts": "1700000000.000100", "user_id": "U0BOT", "team_id": "T1"},
	endpoint: "/slack/commands", body: "text=order+1",
	post:    func(r string) bool { return r == "POST /chat.postMessage" },
	update:  func(r string) bool { return r == "POST /chat.update" },
	startup: func(r string) bool { return r == "POST /auth.test" },
}

var discordPlatform = chatPlatform{
	env: func(u string) []string {
		return []string{"SELLERDESK_DISCORD_BOT_TOKEN=test-token", "SELLERDESK_DISCORD_APPLICATION_ID=1000000000000000000",
			"SELLERDESK_DISCORD_STAFF_CHANNEL=1200000000000000002", "SELLERDESK_DISCORD_PUBLIC_KEY=" + strings.Repeat("ab", 32),
			"SELLERDESK_DISCORD_API_URL=" + u}
	},
	answer:   map[string]any{"id": "1100000000000000001", "channel_id": "1200000000000000002"},
	endpoint: "/discord/interactions", body: `{"type":1}`,
	post: func(r string) bool {
		return strings.HasPrefix(r, "POST ") && strings.HasSuffix(r, "/channels/1200000000000000002/messages")
	},
	update: func(r string) bool {
		return strings.HasPrefix(r, "PATCH ") && strings.Contains(r, "/channels/1200000000000000002/messages/")
	},
	startup: func(r string) bool { return !strings.Contains(r, "/channels/") }, // commands, gateway
}

// chatTry is one outbox request the platform got.
type chatTry struct {
	at    time.Time
	route string
	fault *chatFault
}

// faultyChat stands in front of fakeChat: it numbers the platform's
// message posts from 1 and answers those in faults with the fault; the
// rest reach the fake, which records them. Every outbox request is timed.
type faultyChat struct {
	*httptest.Server
	p      chatPlatform
	fake   *fakeChat
	faults map[int]chatFault
	mu     sync.Mutex
	posts  int
	tries  []chatTry
}

func newFaultyChat(t *testing.T, p chatPlatform, faults map[int]chatFault) *faultyChat {
	f := &faultyChat{p: p, fake: newFakeChat(t, p.answer), faults: faults}
	inner := f.fake.Config.Handler
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route := r.Method + " " + r.URL.Path
		var fault *chatFault
		f.mu.Lock()
		if p.post(route) {
			f.posts++
			if fl, ok := f.faults[f.posts]; ok {
				fault = &fl
			}
		}
		if !p.startup(route) {
			f.tries = append(f.tries, chatTry{at: time.Now(), route: route, fault: fault})
		}
		f.mu.Unlock()
		if fault == nil {
			inner.ServeHTTP(w, r)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		for k, v := range fault.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(fault.status)
		_, _ = io.WriteString(w, fault.body)
	}))
	t.Cleanup(f.Close)
	return f
}

// delivered returns the posts and redraws that went through.
func (f *faultyChat) delivered() (posts, updates []string) {
	for _, c := range f.fake.recorded() {
		method, rest, _ := strings.Cut(c, " ")
		path, _, _ := strings.Cut(rest, " ")
		switch route := method + " " + path; {
		case f.p.post(route):
			posts = append(posts, c)
		case f.p.update(route):
			updates = append(updates, c)
		}
	}
	return posts, updates
}

func (f *faultyChat) recordedTries() []chatTry {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]chatTry(nil), f.tries...)
}

// testChatFaults runs the service against a platform failing as faults
// say, with four outbox messages waiting: three low-stock alerts and a
// buyer's new conversation. Each must be posted once, in order, once the
// platform answers again, and nothing may reach the platform while it has
// asked to be left alone.
func testChatFaults(t *testing.T, p chatPlatform, faults map[int]chatFault) {
	chat := newFaultyChat(t, p, faults)
	// Alerts one by one (no digest): each post is counted.
	m := openWithSink(t, append(p.env(chat.URL), "SELLERDESK_HTTP_ADDR=127.0.0.1:0", "SELLERDESK_HTTP_METRICS_ADDR=127.0.0.1:0", "SELLERDESK_ALERTS_DIGEST_WINDOW=0s"), p.endpoint, p.body)
	skus := []string{"FAULTY-A", "FAULTY-B", "FAULTY-C"}
	for _, sku := range skus {
		runLine(t, m, "stock "+sku+" set 10")
		runLine(t, m, "stock "+sku+" remove 8") // under the threshold: an alert
	}
	conv, err := m.Engine.BuyerMessage(context.Background(), core.BuyerMessageIn{Channel: "web", BuyerKey: "b1", Text: "where is my package?"})
	if err != nil {
		t.Fatal(err)
	}
	want := append(skus, conv.ID)
	stop := serve(t, m)
	// The conversation is the last post (its message and its draft, made
	// with it, are drawn together): all before it are done.
	waitFor(t, "every post through", func() bool {
		posts, _ := chat.delivered()
		return len(posts) >= len(want)
	})
	stop() // any repeat still to come is made before Run returns

	posts, _ := chat.delivered()
	if len(posts) != len(want) {
		t.Fatalf("%d posts went through, want %d (%q):\n%s", len(posts), len(want), want, strings.Join(posts, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(posts[i], w) {
			t.Errorf("post %d is not the one for %s:\n%s", i+1, w, posts[i])
		}
	}
	tries := chat.recordedTries()
	served := 0
	for i, try := range tries {
		if try.fault == nil {
			continue
		}
		served++
		if try.fault.wait == 0 {
			continue
		}
		// Only the lower bound is checked: a slow machine makes the retry
		// later, never earlier. The margin is for clock rounding.
		if i+1 == len(tries) {
			t.Fatalf("nothing was tried after the %d answered at %s", try.fault.status, try.at.Format(time.StampMilli))
		}
		if next := tries[i+1]; next.at.Sub(try.at) < try.fault.wait-100*time.Millisecond {
			t.Errorf("%s %s after the %d that asked for %s", next.route, next.at.Sub(try.at).Round(time.Millisecond), try.fault.status, try.fault.wait)
		}
	}
	if served != len(faults) {
		t.Errorf("%d of the %d faults were met", served, len(faults))
	}
	if t.Failed() {
		for _, try := range tries {
			t.Logf("%s %s fault=%v", try.at.Format(time.StampMilli), try.route, try.fault != nil)
		}
	}
}

func TestFaultSlackAnswers500Then429(t *testing.T) {
	serverError := chatFault{status: http.StatusInternalServerError, header: map[string]string{"Content-Type": "text/html"},
		body: "<html><body><h1>500 Internal Server Error</h1></body></html>"}
	rateLimited := chatFault{status: http.StatusTooManyRequests, wait: 2 * time.Second,
		header: map[string]string{"Content-Type": "application/json", "Retry-After": "2"}, body: `{"ok":false,"error":"ratelimited"}`}
	for _, tc := range []struct {
		name   string
		faults map[int]chatFault
	}{
		{"500_twice_then_recovers", map[int]chatFault{1: serverError, 2: serverError}},
		// The first alert is through: it must not be posted again.
		{"429_retry_after", map[int]chatFault{2: rateLimited}},
	} {
		t.Run(tc.name, func(t *testing.T) { testChatFaults(t, slackPlatform, tc.faults) })
	}
}

func TestFaultDiscordAnswers500Then429(t *testing.T) {
	serverError := chatFault{status: http.StatusInternalServerError, header: map[string]string{"Content-Type": "application/json"},
		body: `{"message": "500: Internal Server Error", "code": 0}`}
	// The shapes of Discord's 429s (docs: Topics, Rate Limits).
	routeLimited := chatFault{status: http.StatusTooManyRequests, wait: 1500 * time.Millisecond, header: map[string]string{
		"Content-Type": "application/json", "Retry-After": "2", "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
		"X-RateLimit-Reset":       fmt.Sprintf("%.3f", float64(time.Now().Add(1500*time.Millisecond).UnixMilli())/1000),
		"X-RateLimit-Reset-After": "1.500", "X-RateLimit-Bucket": "fault0bucket", "X-RateLimit-Scope": "user"},
		body: `{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}`}
	globalLimited := chatFault{status: http.StatusTooManyRequests, wait: 2 * time.Second, header: map[string]string{
		"Content-Type": "application/json", "Retry-After": "2", "X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"},
		body: `{"message": "You are being rate limited.", "retry_after": 2, "global": true}`}
	for _, tc := range []struct {
		name   string
		faults map[int]chatFault
	}{
		{"500_twice_then_recovers", map[int]chatFault{1: serverError, 2: serverError}},
		{"429_route_limit", map[int]chatFault{2: routeLimited}},
		{"429_global_limit", map[int]chatFault{3: globalLimited}},
	} {
		t.Run(tc.name, func(t *testing.T) { testChatFaults(t, discordPlatform, tc.faults) })
	}
}
