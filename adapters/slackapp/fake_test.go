package slackapp

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// call is one request the app made to the fake Slack.
type call struct {
	Method string     // Web API method ("chat.postMessage"), or "response" for a response_url post
	Path   string     // request path
	Form   url.Values // form posts
	JSON   map[string]any
	Text   string // everything sent, decoded: what a PII scan reads
}

// failure is a canned error answer for the next call of a method.
type failure struct {
	status     int
	retryAfter string
	slackError string
	// posted makes a chat.postMessage take effect before the error
	// answer, as when Slack posts and the answer is lost on the way back.
	posted bool
}

// posted is a message in the fake's channels, kept for
// conversations.history and conversations.replies.
type posted struct {
	Channel, TS, ThreadTS string
	Broadcast             bool
	Text                  string
	Metadata              map[string]any // chat.postMessage's metadata, decoded
}

// fakeSlack speaks enough of the Slack Web API for the app: it records
// every call and answers like Slack does, including 429 with Retry-After.
// response_url posts land on it too (/response/…), and it serves the
// Socket Mode websocket when a test sets ws.
type fakeSlack struct {
	t   *testing.T
	srv *httptest.Server

	mu    sync.Mutex
	calls []call
	ts    int
	posts []posted // every message posted, oldest first
	// now, when set, is Slack's clock: message ts follow it, as the
	// lookups by time (oldest) need. Unset, ts count up from start.
	now      func() time.Time
	fail     map[string][]failure
	groups   string // usergroups.list JSON array
	ws       func(*websocket.Conn)
	onChange chan struct{}
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{t: t, fail: map[string][]failure{}, groups: "[]", onChange: make(chan struct{}, 1000)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) URL() string { return f.srv.URL }

// failNext makes the next call of method fail.
func (f *fakeSlack) failNext(method string, fl failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[method] = append(f.fail[method], fl)
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ws" {
		// The Socket Mode client sends Origin: https://api.slack.com.
		up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			f.t.Errorf("websocket upgrade: %v", err)
			return
		}
		defer conn.Close()
		f.mu.Lock()
		ws := f.ws
		f.mu.Unlock()
		if ws != nil {
			ws(conn)
		}
		return
	}
	body, _ := io.ReadAll(r.Body)
	c := call{Path: r.URL.Path, Text: string(body)}
	c.Method = "response" // anything but the Web API is a response_url
	if m, ok := strings.CutPrefix(r.URL.Path, "/api/"); ok {
		c.Method = m
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(body, &c.JSON)
	} else {
		form, _ := url.ParseQuery(string(body))
		if r.Method == http.MethodGet {
			form = r.URL.Query()
		}
		c.Form = form
		var parts []string
		for k, vs := range form {
			if k != "token" {
				parts = append(parts, k+"="+strings.Join(vs, ","))
			}
		}
		c.Text = strings.Join(parts, "\n")
	}
	f.mu.Lock()
	var fl *failure
	if q := f.fail[c.Method]; len(q) > 0 {
		fl, f.fail[c.Method] = &q[0], q[1:]
	}
	if fl == nil || fl.posted {
		f.calls = append(f.calls, c)
	}
	f.ts++
	ts := fmt.Sprintf("1795014000.%06d", f.ts)
	if f.now != nil {
		ts = fmt.Sprintf("%d.%06d", f.now().Unix(), f.ts)
	}
	if c.Method == "chat.postMessage" && (fl == nil || fl.posted) {
		f.posts = append(f.posts, postedMessage(c, ts))
	}
	groups := f.groups
	f.mu.Unlock()
	select {
	case f.onChange <- struct{}{}:
	default:
	}
	if fl != nil {
		if fl.retryAfter != "" {
			w.Header().Set("Retry-After", fl.retryAfter)
		}
		if fl.status != 0 {
			w.WriteHeader(fl.status)
			return
		}
		writeJSON(w, map[string]any{"ok": false, "error": fl.slackError})
		return
	}
	switch c.Method {
	case "response":
		_, _ = io.WriteString(w, "ok")
	case "chat.postMessage":
		writeJSON(w, map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": ts, "message": map[string]any{"text": c.Form.Get("text"), "ts": ts}})
	case "conversations.history", "conversations.replies":
		f.history(w, c)
	case "chat.update":
		writeJSON(w, map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": c.Form.Get("ts"), "text": c.Form.Get("text")})
	case "conversations.open": // a DM channel per user, as Slack gives it
		writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + c.Form.Get("users")}})
	case "chat.postEphemeral":
		writeJSON(w, map[string]any{"ok": true, "message_ts": ts})
	case "views.open", "views.update":
		writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": "V" + ts}})
	case "auth.test":
		writeJSON(w, map[string]any{"ok": true, "url": "https://acme.slack.com/", "team": "Acme", "user": "sellerdesk", "team_id": "T1", "user_id": "UBOT", "bot_id": "B1"})
	case "usergroups.list":
		_, _ = io.WriteString(w, `{"ok":true,"usergroups":`+groups+`}`)
	case "apps.connections.open":
		writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"})
	default:
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

// postedMessage is what a chat.postMessage call puts in a channel. Slack
// takes metadata as a JSON string in a form post, an object in a JSON one.
func postedMessage(c call, ts string) posted {
	get := func(k string) string {
		if c.JSON != nil {
			s, _ := c.JSON[k].(string)
			return s
		}
		return c.Form.Get(k)
	}
	p := posted{Channel: get("channel"), TS: ts, ThreadTS: get("thread_ts"), Broadcast: get("reply_broadcast") == "true", Text: get("text")}
	if m, ok := c.JSON["metadata"].(map[string]any); ok {
		p.Metadata = m
	} else if s := get("metadata"); s != "" {
		_ = json.Unmarshal([]byte(s), &p.Metadata)
	}
	return p
}

// history answers conversations.history (a channel's top-level messages
// and thread broadcasts, newest first) and conversations.replies (a
// thread's parent, then its replies, oldest first) as Slack does: after
// oldest, limit at a time with a cursor, metadata only when
// include_all_metadata is set.
func (f *fakeSlack) history(w http.ResponseWriter, c call) {
	q := c.Form
	channel, thread := q.Get("channel"), q.Get("ts")
	f.mu.Lock()
	var msgs []posted
	replied := map[string]bool{}
	for _, p := range f.posts {
		if p.Channel == channel && p.ThreadTS != "" {
			replied[p.ThreadTS] = true
		}
	}
	for _, p := range f.posts {
		switch {
		case p.Channel != channel:
		case c.Method == "conversations.history" && (p.ThreadTS == "" || p.Broadcast):
			msgs = append([]posted{p}, msgs...)
		case c.Method == "conversations.replies" && (p.TS == thread || p.ThreadTS == thread):
			msgs = append(msgs, p)
		}
	}
	f.mu.Unlock()
	if c.Method == "conversations.replies" && (len(msgs) == 0 || msgs[0].TS != thread) {
		writeJSON(w, map[string]any{"ok": false, "error": "thread_not_found"})
		return
	}
	var out []map[string]any
	for i, p := range msgs {
		isParent := c.Method == "conversations.replies" && i == 0
		if !isParent && q.Get("oldest") != "" && p.TS <= q.Get("oldest") { // same-width ts compare as strings
			continue
		}
		m := map[string]any{"type": "message", "ts": p.TS, "text": p.Text, "user": "UBOT", "bot_id": "B1"}
		switch {
		case p.ThreadTS != "":
			m["thread_ts"] = p.ThreadTS
			if p.Broadcast {
				m["subtype"] = "thread_broadcast"
			}
		case replied[p.TS]:
			m["thread_ts"] = p.TS
		}
		if p.Metadata != nil && q.Get("include_all_metadata") == "1" {
			m["metadata"] = p.Metadata
		}
		out = append(out, m)
	}
	from, _ := strconv.Atoi(strings.TrimPrefix(q.Get("cursor"), "page:"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 100
	}
	from = min(from, len(out))
	to := min(from+limit, len(out))
	resp := map[string]any{"ok": true, "messages": append([]map[string]any{}, out[from:to]...), "has_more": to < len(out)}
	if to < len(out) {
		resp["response_metadata"] = map[string]any{"next_cursor": "page:" + strconv.Itoa(to)}
	}
	writeJSON(w, resp)
}

// Posts returns the messages posted to channel ("" for all).
func (f *fakeSlack) Posts(channel string) []posted {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.DeleteFunc(slices.Clone(f.posts), func(p posted) bool { return channel != "" && p.Channel != channel })
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// Calls returns the recorded calls of a method ("" for all).
func (f *fakeSlack) Calls(method string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// redirect sends every request of the app's HTTP client to the fake, so
// response_urls on hooks.slack.com never leave the test.
type redirect struct{ to *url.URL }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.to.Scheme, r.to.Host
	return http.DefaultTransport.RoundTrip(req)
}

func (f *fakeSlack) client() *http.Client {
	u, _ := url.Parse(f.srv.URL)
	return &http.Client{Transport: redirect{to: u}}
}
