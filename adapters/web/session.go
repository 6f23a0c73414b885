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

	"github.com/sellerdesk/sellerdesk/core"
)

const (
	sessionCookie = "sd_session"
	// preCookie is a random value given to a browser before it verifies,
	// so the verify form's CSRF token has something to be bound to.
	preCookie = "sd_pre"
	csrfField = "csrf"
)

// session is what the signed cookie holds: the id of the session the
// store keeps (the session's CSRF tokens are bound to it too), the
// verified order, and when the session ends. The signature keeps anyone
// from making one up; the store's row is what lets signing out end it, so
// an old copy of the cookie is worth nothing.
type session struct {
	ID      string `json:"i"`
	OrderID string `json:"o"`
	Expires int64  `json:"e"` // Unix seconds
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

// session returns the request's session: a signed, unexpired cookie
// whose session the store still has. It is looked up once per request.
func (s *Server) session(r *http.Request) (session, bool) {
	memo, _ := r.Context().Value(sessionMemoKey{}).(*sessionMemo)
	if memo != nil && memo.done {
		return memo.se, memo.ok
	}
	se, ok, err := s.lookupSession(r)
	if memo != nil {
		memo.done, memo.se, memo.ok, memo.err = true, se, ok, err
	}
	return se, ok
}

// sessionErr is why the request's session could not be read (the store is
// unreachable), nil when there simply is none. Call it after session.
func (s *Server) sessionErr(r *http.Request) error {
	if memo, _ := r.Context().Value(sessionMemoKey{}).(*sessionMemo); memo != nil {
		return memo.err
	}
	return nil
}

// refuseNoSession answers a request that needs a session and has none:
// the sign-in is needed again, or, when the store can't be read, a
// plain "try again later" rather than a false "your session has ended".
func (s *Server) refuseNoSession(w http.ResponseWriter, r *http.Request) {
	if err := s.sessionErr(r); err != nil {
		s.refuseErr(w, r, "read a buyer session", err, pageData{})
		return
	}
	s.refuse(w, r, http.StatusUnauthorized, "", msgNoSession, pageData{})
}

// sessionMemoKey holds a request's *sessionMemo (see Handler), so the
// handler, its refusal and the page it renders read the store once.
type sessionMemoKey struct{}

type sessionMemo struct {
	done bool
	se   session
	ok   bool
	err  error
}

// cookieSession returns the session the cookie names if its signature and
// expiry are good; a missing, tampered or expired cookie is no session.
func (s *Server) cookieSession(r *http.Request) (session, bool) {
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
	if json.Unmarshal(raw, &se) != nil || se.OrderID == "" || se.ID == "" {
		return session{}, false
	}
	if !s.clock.Now().Before(time.Unix(se.Expires, 0)) {
		return session{}, false
	}
	return se, true
}

// lookupSession checks the cookie, then the store; err is set only when
// the store could not say.
func (s *Server) lookupSession(r *http.Request) (session, bool, error) {
	se, ok := s.cookieSession(r)
	if !ok {
		return session{}, false, nil
	}
	stored, err := s.engine.BuyerSession(r.Context(), se.ID)
	if core.ErrorCode(err) == core.NotFound {
		return session{}, false, nil
	}
	if err != nil {
		return session{}, false, err
	}
	if stored.OrderID != se.OrderID || stored.Channel != Channel {
		return session{}, false, nil
	}
	return se, true, nil
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

// startSession records a session for a verified order in the store and
// gives the browser its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, orderID string) error {
	se := session{ID: randomToken(), OrderID: orderID, Expires: s.clock.Now().Add(sessionTTL).Unix()}
	err := s.engine.StartBuyerSession(r.Context(), core.BuyerSession{ID: se.ID, Channel: Channel, OrderID: orderID, ExpiresAt: time.Unix(se.Expires, 0)})
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, s.encodeSession(se), sessionTTL))
	return nil
}

// endSession ends the request's session in the store, so its cookie is no
// good anywhere any more, then clears the cookie.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	if err := s.dropSession(r); err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
	return nil
}

// dropSession ends the session the request's cookie names, if any, in the
// store.
func (s *Server) dropSession(r *http.Request) error {
	if se, ok := s.cookieSession(r); ok {
		return s.engine.EndBuyerSession(r.Context(), se.ID)
	}
	return nil
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

func sessionBinding(se session) string { return "session:" + se.ID }

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
