package discordapp

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"
)

// FuzzVerifySignature: nothing panics on odd keys, headers or bodies; any
// body signed with the key verifies; and that request with any one byte of
// its timestamp, body or signature changed does not.
//
// Seeds: the signing vectors in testdata (real Discord-signed PINGs, a
// self-made one and their tampered variants), plus a few odd ones.
func FuzzVerifySignature(f *testing.F) {
	raw, err := os.ReadFile("testdata/discord_signing.json")
	if err != nil {
		f.Fatal(err)
	}
	var vectors struct {
		Vectors  []signingVector `json:"vectors"`
		Negative []signingVector `json:"negative_and_edge_cases"`
	}
	if err := json.Unmarshal(raw, &vectors); err != nil {
		f.Fatalf("discord_signing.json: %v", err)
	}
	for i, v := range append(vectors.Vectors, vectors.Negative...) {
		key, _ := hex.DecodeString(v.PublicKey)
		f.Add(key, v.Timestamp, v.Signature, []byte(v.Body), uint(i*37))
	}
	f.Add([]byte{}, "", "", []byte{}, uint(0))
	f.Add(make([]byte, ed25519.PublicKeySize), "-9223372036854775808", "zz", []byte(`{"type":1}`), uint(1))
	f.Add([]byte{1, 2, 3}, "99999999999999999999", "00", []byte{0}, uint(999))

	priv := ed25519.NewKeyFromSeed([]byte("sellerdesk fuzz key seed 32 byte"))
	pub := priv.Public().(ed25519.PublicKey)
	header := func(ts, sig string) http.Header {
		h := http.Header{}
		h.Set("X-Signature-Timestamp", ts)
		h.Set("X-Signature-Ed25519", sig)
		return h
	}
	f.Fuzz(func(t *testing.T, key []byte, ts, sig string, body []byte, flip uint) {
		// Around the request's own time, so the vectors' signatures are
		// checked rather than refused as stale.
		now := time.Unix(1657322078, 0)
		if sec, err := strconv.ParseInt(ts, 10, 64); err == nil && sec > 0 && sec < 1<<40 {
			now = time.Unix(sec, 0).Add(10 * time.Second)
		}
		_ = verifySignature(ed25519.PublicKey(key), now, header(ts, sig), body) // must not panic

		stamp := strconv.FormatInt(now.Unix(), 10)
		good := ed25519.Sign(priv, append([]byte(stamp), body...))
		if !verifySignature(pub, now, header(stamp, hex.EncodeToString(good)), body) {
			t.Fatalf("a correctly signed body was refused (timestamp %s, %d bytes)", stamp, len(body))
		}

		// Change one byte (by a non-zero mask) of timestamp, body or
		// signature. The signature is changed as bytes, not as hex text,
		// where upper and lower case spell the same byte.
		ts2, body2, sig2 := []byte(stamp), append([]byte(nil), body...), append([]byte(nil), good...)
		mask := byte(flip>>8)%255 + 1
		switch i := int(flip % uint(len(ts2)+len(body2)+len(sig2))); {
		case i < len(ts2):
			ts2[i] ^= mask
		case i < len(ts2)+len(body2):
			body2[i-len(ts2)] ^= mask
		default:
			sig2[i-len(ts2)-len(body2)] ^= mask
		}
		if verifySignature(pub, now, header(string(ts2), hex.EncodeToString(sig2)), body2) {
			t.Fatalf("a changed request passed verification: timestamp %q, body %q", ts2, body2)
		}
	})
}
