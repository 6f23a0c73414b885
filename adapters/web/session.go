package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	sessionCookie = "sd_session"
	// preCookie is a random value given to a browser before it verifies,
	// so the verify form's CSRF token has something to be bound to.
	preCookie = "sd_pre"
	csrfField = "csrf"
)

// session is what the signed cookie holds: the verified order, when the
// session ends, and a random value the session's CSRF tokens are bound to.
type session struct {
	OrderID string `json:"o"`
	Expires int64  `json:"e"` // Unix seconds
	Nonce   string `json:"n"`
}

var b64 = base64.RawURLEncoding

func randomToken() string {
	var b [18]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return b64.EncodeToString(b[:])
}

func (s *Server) sign(payload string) string {
	m := hmac.New(sha256.New, s.sessKey)
	m.Write([]byte(payload))
	return b64.EncodeToString(m.Sum(nil))
}

// encodeSession returns the cookie value: payload "." signature.
func (s *Server) encodeSession(se session) string {
	raw, _ := json.Marshal(se)
	p := b64.EncodeToString(raw)
	return p + "." + s.sign(p)
}

// session returns the request's session; a missing, tampered or expired
// cookie is no session.
func (s *Server) session(r *http.Request) (session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	p, sig, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.sign(p))) {
		return session{}, false
	}
	raw, err := b64.DecodeString(p)
	if err != nil {
		return session{}, false
	}
	var se session
	if json.Unmarshal(raw, &se) != nil || se.OrderID == "" || se.Nonce == "" {
		return session{}, false
	}
	if !s.clock.Now().Before(time.Unix(se.Expires, 0)) {
		return session{}, false
	}
	return se, true
}

func (s *Server) cookie(r *http.Request, name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{
		Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil || s.secure,
	}
	switch {
	case maxAge > 0:
		c.MaxAge = int(maxAge / time.Second)
		c.Expires = s.clock.Now().Add(maxAge)
	case maxAge < 0:
		c.MaxAge = -1
	}
	return c
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, orderID string) {
	se := session{OrderID: orderID, Expires: s.clock.Now().Add(sessionTTL).Unix(), Nonce: randomToken()}
	http.SetCookie(w, s.cookie(r, sessionCookie, s.encodeSession(se), sessionTTL))
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
}

// preSession returns the browser's pre-session value, giving it one if it
// has none (only pages call this; a POST without the cookie fails).
func (s *Server) preSession(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preCookie); err == nil && len(c.Value) >= 16 && len(c.Value) <= 64 {
		return c.Value
	}
	v := randomToken()
	http.SetCookie(w, s.cookie(r, preCookie, v, 0)) // ends with the browser session
	return v
}

// csrfToken is bound to one session (or pre-session): a token taken from
// one browser is worthless in another.
func (s *Server) csrfToken(binding string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(binding))
	return b64.EncodeToString(m.Sum(nil))
}

func sessionBinding(se session) string { return "session:" + se.Nonce }

func preBinding(v string) string { return "pre:" + v }

// checkCSRF compares the form's token with the one for binding, in
// constant time. An empty binding never matches.
func (s *Server) checkCSRF(r *http.Request, binding string) bool {
	got := r.PostFormValue(csrfField)
	if binding == "" || got == "" {
		return false
	}
	want := s.csrfToken(binding)
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// sameOrigin refuses a POST whose Origin (or, without one, Referer) names
// another host. Browsers send Origin on every POST; with neither header the
// CSRF token alone decides.
func sameOrigin(r *http.Request) bool {
	src := r.Header.Get("Origin")
	if src == "" {
		src = r.Header.Get("Referer")
		if src == "" {
			return true
		}
	}
	if src == "null" { // an opaque origin: a sandboxed frame, a data: URL
		return false
	}
	u, err := url.Parse(src)
	if err != nil || u.Host == "" {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}
