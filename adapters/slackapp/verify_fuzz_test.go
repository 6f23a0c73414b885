package slackapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// FuzzVerifySignature: any body signed with the secret verifies, the same
// body with any byte changed does not, and nothing panics on odd headers.
func FuzzVerifySignature(f *testing.F) {
	f.Add([]byte("token=x&command=%2Fdesk&text=order+1"), "v0=00", "1531420618", 3)
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev1"}`), "", "abc", 0)
	f.Add([]byte{}, "v0=zz", "-1", 1)
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	now := time.Unix(1531420618, 0)
	f.Fuzz(func(t *testing.T, body []byte, sig, ts string, flip int) {
		h := http.Header{}
		h.Set("X-Slack-Signature", sig)
		h.Set("X-Slack-Request-Timestamp", ts)
		_ = verifySignature(secret, now, h, body) // must not panic

		stamp := strconv.FormatInt(now.Unix(), 10)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte("v0:" + stamp + ":"))
		mac.Write(body)
		good := http.Header{}
		good.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		good.Set("X-Slack-Request-Timestamp", stamp)
		if err := verifySignature(secret, now, good, body); err != nil {
			t.Fatalf("a correctly signed body was refused: %v", err)
		}
		if len(body) > 0 {
			bad := append([]byte(nil), body...)
			i := (flip%len(bad) + len(bad)) % len(bad)
			bad[i] ^= 0x01
			if verifySignature(secret, now, good, bad) == nil {
				t.Fatalf("a changed body passed verification")
			}
		}
	})
}
