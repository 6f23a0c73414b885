package slackapp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

type signingVector struct {
	ID            string `json:"id"`
	ExpectValid   bool   `json:"expect_valid"`
	Now           int64  `json:"now"`
	SigningSecret string `json:"signing_secret"`
	Timestamp     string `json:"timestamp"`
	Body          string `json:"body"`
	Signature     string `json:"signature"`
}

// Slack's documented example and the edge cases around it (testdata is a
// copy of shared/reference/signing/slack.json), each checked with a clock
// standing at the vector's "now".
func TestSignatureVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/slack_signing.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Vectors  []signingVector `json:"vectors"`
		Negative []signingVector `json:"negative_and_edge_cases"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	vectors := append(file.Vectors, file.Negative...)
	// A body that gained a trailing newline on the way (a proxy, a
	// re-serialiser) is not the body Slack signed.
	nl := file.Vectors[0]
	nl.ID, nl.Body, nl.ExpectValid = "slack-docs-trailing-newline", nl.Body+"\n", false
	vectors = append(vectors, nl)
	if len(vectors) < 8 {
		t.Fatalf("only %d vectors", len(vectors))
	}
	store := storetest.OpenSQLite(t)
	fake := newFakeSlack(t)
	for _, v := range vectors {
		t.Run(v.ID, func(t *testing.T) {
			clock := enginetest.NewClock(time.Unix(v.Now, 0))
			eng := core.NewEngine(store, core.Options{Clock: clock})
			app, err := New(Config{BotToken: "xoxb-test", SigningSecret: v.SigningSecret, Engine: eng, Clock: clock,
				APIURL: fake.URL() + "/api/", HTTPClient: fake.client()})
			if err != nil {
				t.Fatal(err)
			}
			defer app.Close()
			if err := verifySignature(v.SigningSecret, clock.Now(), sigHeader(v.Timestamp, v.Signature), []byte(v.Body)); (err == nil) != v.ExpectValid {
				t.Errorf("verifySignature = %v, want valid %v", err, v.ExpectValid)
			}
			path, ctype := "/slack/commands", "application/x-www-form-urlencoded"
			if strings.HasPrefix(v.Body, "{") {
				path, ctype = "/slack/events", "application/json"
			}
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(v.Body))
			req.Header = sigHeader(v.Timestamp, v.Signature)
			req.Header.Set("Content-Type", ctype)
			rec := httptest.NewRecorder()
			app.Handler().ServeHTTP(rec, req)
			if got := rec.Code != http.StatusUnauthorized; got != v.ExpectValid {
				t.Errorf("HTTP %d, want accepted %v", rec.Code, v.ExpectValid)
			}
		})
	}
}

func sigHeader(ts, sig string) http.Header {
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", sig)
	return h
}

func TestUnsignedRequestsRefused(t *testing.T) {
	h := newHarness(t)
	ts := "1795014000"
	for _, tc := range []struct {
		name string
		hdr  http.Header
	}{
		{"no_headers", http.Header{}},
		{"no_v0_prefix", sigHeader(ts, strings.Repeat("ab", 32))},
		{"not_hex", sigHeader(ts, "v0="+strings.Repeat("zz", 32))},
		{"timestamp_not_a_number", sigHeader("soon", "v0="+strings.Repeat("ab", 32))},
		{"signed_with_another_secret", sigHeader(ts, sign("another-secret", ts, "text=order+1"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader("text=order+1"))
			req.Header = tc.hdr
			rec := httptest.NewRecorder()
			h.app.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("HTTP %d, want 401", rec.Code)
			}
		})
	}
	if n := len(h.fake.Calls("")); n != 0 {
		t.Errorf("refused requests made %d Slack calls", n)
	}
	contains(t, "log", h.logs.String(), "slack request refused", "path=/slack/commands")
}

func TestSSLCheckAnswered(t *testing.T) {
	h := newHarness(t)
	rec := h.post("/slack/commands", "application/x-www-form-urlencoded", "ssl_check=1&token=x")
	h.settle()
	if rec.Code != 200 || rec.Body.Len() != 0 || len(h.fake.Calls("")) != 0 {
		t.Errorf("ssl_check answered %d %q with %d Slack calls", rec.Code, rec.Body, len(h.fake.Calls("")))
	}
}

func TestOversizedRequestRefused(t *testing.T) {
	h := newHarness(t)
	rec := h.post("/slack/events", "application/json", `{"type":"event_callback","pad":"`+strings.Repeat("x", maxBody)+`"}`)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("HTTP %d, want 413", rec.Code)
	}
}

func TestNewChecksConfig(t *testing.T) {
	store := storetest.OpenSQLite(t)
	eng := core.NewEngine(store, core.Options{})
	for _, tc := range []struct {
		name      string
		cfg       Config
		wantField string
	}{
		{"bot_token_missing", Config{SigningSecret: "s3cr3t-value", Engine: eng}, "slack.bot_token"},
		{"signing_secret_missing_for_http", Config{BotToken: "xoxb-secret-token", Engine: eng}, "slack.signing_secret"},
		{"app_token_not_xapp", Config{BotToken: "xoxb-secret-token", AppToken: "xoxb-wrong-kind", Engine: eng}, "slack.app_token"},
		{"socket_mode_needs_no_signing_secret", Config{BotToken: "xoxb-secret-token", AppToken: "xapp-secret-token", Engine: eng}, ""},
		{"http_mode", Config{BotToken: "xoxb-secret-token", SigningSecret: "s3cr3t-value", Engine: eng}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app, err := New(tc.cfg)
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				app.Close()
				return
			}
			if core.ErrorField(err) != tc.wantField || !strings.Contains(err.Error(), tc.wantField) {
				t.Errorf("New error %v, want one naming %s", err, tc.wantField)
			}
			lacks(t, "error", err.Error(), "s3cr3t-value", "xoxb-secret-token", "xoxb-wrong-kind")
		})
	}
}
