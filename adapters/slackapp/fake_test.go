package slackapp

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

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
}

// fakeSlack speaks enough of the Slack Web API for the app: it records
// every call and answers like Slack does, including 429 with Retry-After.
// response_url posts land on it too (/response/…), and it serves the
// Socket Mode websocket when a test sets ws.
type fakeSlack struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	calls    []call
	ts       int
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
	if fl == nil {
		f.calls = append(f.calls, c)
	}
	f.ts++
	ts := fmt.Sprintf("1795014000.%06d", f.ts)
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
	case "chat.update":
		writeJSON(w, map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": c.Form.Get("ts"), "text": c.Form.Get("text")})
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
