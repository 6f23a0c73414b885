package discordapp

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

type signingVector struct {
	ID          string `json:"id"`
	ExpectValid bool   `json:"expect_valid"`
	PublicKey   string `json:"public_key"`
	Timestamp   string `json:"timestamp"`
	Body        string `json:"body"`
	Signature   string `json:"signature"`
}

// The shared vectors: real Discord-signed PINGs, one self-made, and their
// tampered variants.
func loadVectors(t *testing.T) []signingVector {
	t.Helper()
	b, err := os.ReadFile("testdata/discord_signing.json") // shared/reference/signing/discord.json
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Vectors  []signingVector `json:"vectors"`
		Negative []signingVector `json:"negative_and_edge_cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("discord.json: %v", err)
	}
	return append(f.Vectors, f.Negative...)
}

func appWithKey(t *testing.T, key string, now time.Time) *App {
	t.Helper()
	eng := core.NewEngine(storetest.OpenSQLite(t), core.Options{Clock: enginetest.NewClock(now)})
	app, err := New(Config{BotToken: "test-token", ApplicationID: appID, PublicKey: key, Engine: eng, Clock: enginetest.NewClock(now)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return app
}

func post(app *App, ts, sig, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/discord/interactions", strings.NewReader(body))
	if ts != "" {
		req.Header.Set("X-Signature-Timestamp", ts)
	}
	if sig != "" {
		req.Header.Set("X-Signature-Ed25519", sig)
	}
	rec := httptest.NewRecorder()
	app.Handler().ServeHTTP(rec, req)
	return rec
}

func TestSigningVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.ID, func(t *testing.T) {
			sec, _ := strconv.ParseInt(v.Timestamp, 10, 64)
			app := appWithKey(t, v.PublicKey, time.Unix(sec, 0).Add(10*time.Second))
			rec := post(app, v.Timestamp, v.Signature, v.Body)
			if !v.ExpectValid {
				if rec.Code != http.StatusUnauthorized {
					t.Fatalf("HTTP %d, want 401 for a bad signature", rec.Code)
				}
				return
			}
			if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"type":1}` {
				t.Fatalf("PING answered HTTP %d %s, want 200 {\"type\":1}", rec.Code, rec.Body)
			}
		})
	}
}

func TestSignatureChecks(t *testing.T) {
	h := newHarness(t)
	now := h.clock.Now()
	ping := `{"id":"P1","application_id":"APP1","type":1,"token":"t","version":1}`
	ts := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	tests := []struct {
		name string
		req  func() *http.Request
		want int
	}{
		{"ping_answered_pong", func() *http.Request { return signedRequest(h.priv, ts(0), ping) }, http.StatusOK},
		{"four_minutes_old_accepted", func() *http.Request { return signedRequest(h.priv, ts(-4*time.Minute), ping) }, http.StatusOK},
		{"expired_timestamp_refused", func() *http.Request { return signedRequest(h.priv, ts(-6*time.Minute), ping) }, http.StatusUnauthorized},
		{"future_timestamp_refused", func() *http.Request { return signedRequest(h.priv, ts(10*time.Minute), ping) }, http.StatusUnauthorized},
		{"tampered_body_refused", func() *http.Request {
			r := signedRequest(h.priv, ts(0), ping)
			r.Body = io.NopCloser(strings.NewReader(strings.Replace(ping, `"type":1`, `"type":2`, 1)))
			return r
		}, http.StatusUnauthorized},
		{"tampered_signature_refused", func() *http.Request {
			r := signedRequest(h.priv, ts(0), ping)
			sig := r.Header.Get("X-Signature-Ed25519")
			flip := "0"
			if sig[:1] == "0" {
				flip = "1"
			}
			r.Header.Set("X-Signature-Ed25519", flip+sig[1:])
			return r
		}, http.StatusUnauthorized},
		{"missing_headers_refused", func() *http.Request {
			return httptest.NewRequest(http.MethodPost, "/discord/interactions", strings.NewReader(ping))
		}, http.StatusUnauthorized},
		{"garbage_timestamp_refused", func() *http.Request { return signedRequest(h.priv, "soon", ping) }, http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req()
			rec := httptest.NewRecorder()
			h.app.Handler().ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("HTTP %d, want %d (%s)", rec.Code, tc.want, rec.Body)
			}
			if tc.want == http.StatusOK && strings.TrimSpace(rec.Body.String()) != `{"type":1}` {
				t.Fatalf("answer %s, want PONG", rec.Body)
			}
		})
	}
}

func TestNewNamesMissingSettingsWithoutSecrets(t *testing.T) {
	eng := core.NewEngine(storetest.OpenSQLite(t), core.Options{})
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no_token", Config{ApplicationID: appID, Engine: eng}, "discord.bot_token"},
		{"no_application", Config{BotToken: "secret-token-123", Engine: eng}, "discord.application_id"},
		{"bad_public_key", Config{BotToken: "secret-token-123", ApplicationID: appID, PublicKey: "zz-not-hex", Engine: eng}, "discord.public_key"},
		{"bad_api_url", Config{BotToken: "secret-token-123", ApplicationID: appID, APIURL: "::", Engine: eng}, "discord.api_url"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want an error naming %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret-token-123") || strings.Contains(err.Error(), "zz-not-hex") {
				t.Fatalf("error shows a secret: %v", err)
			}
		})
	}
}
