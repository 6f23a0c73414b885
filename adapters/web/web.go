// Package web is the buyer help channel: a server-rendered page where a
// buyer proves an order is theirs (order id + buyer email or shipping postal
// code) and then writes to the shop. It works without JavaScript; with it,
// staff replies arrive live over server-sent events and messages are sent
// without a reload.
//
// The adapter decides no rule: verification and its limit on tries,
// message limits and the 24-hour clock are the engine's. It only turns HTTP
// into engine calls and engine results into HTML and JSON, and keeps the
// web's own defences (signed session cookie, CSRF tokens, security
// headers).
package web

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Channel is the conversation channel name of the help page.
const Channel = "web"

// buyerKeyPrefix: a verified buyer is their order. The verification is the
// identity, so the same buyer sees the same conversations from any browser.
const buyerKeyPrefix = "order:"

// Engine is what the help page needs from core.Engine.
type Engine interface {
	VerifyBuyer(ctx context.Context, client, orderID, secret string) (*core.Order, error)
	BuyerMessage(ctx context.Context, in core.BuyerMessageIn) (*core.Conversation, error)
	BuyerConversations(ctx context.Context, channel, buyerKey string) ([]core.Conversation, error)
	BuyerCancelOffer(ctx context.Context, orderID string) (core.BuyerCancelOffer, error)
	BuyerCancel(ctx context.Context, a core.Actor, orderID string) (core.BuyerCancelResult, error)
	StartBuyerSession(ctx context.Context, s core.BuyerSession) error
	BuyerSession(ctx context.Context, id string) (*core.BuyerSession, error)
	EndBuyerSession(ctx context.Context, id string) error
}

// Config configures a Server. Engine and SessionSecret are required.
type Config struct {
	Engine   Engine
	ShopName string // shown in the page title; default "Customer help"
	// SessionSecret signs session cookies and CSRF tokens; at least 32
	// bytes. Every replica behind one address needs the same secret, and a
	// new secret signs every buyer out.
	SessionSecret []byte
	Clock         core.Clock    // default: the system clock
	Log           *slog.Logger  // default: slog.Default()
	PollInterval  time.Duration // live page's fallback re-read; default 2 s
	// SecureCookies marks cookies Secure even on plain HTTP requests: set it
	// when a TLS-terminating proxy sits in front. Requests that arrive over
	// TLS always get Secure cookies.
	SecureCookies bool
	// TrustedProxies are the reverse proxies in front of the page. Only a
	// request from one of them may name its client in X-Forwarded-For;
	// without any, the header is ignored and the connection's address is
	// the client (see clientAddr).
	TrustedProxies []netip.Prefix
}

const (
	defaultPoll = 2 * time.Second
	sessionTTL  = 7 * 24 * time.Hour
	// A 4 KB message may triple in size when form-encoded (non-ASCII bytes
	// become %XX); the engine checks the text itself.
	maxMessageBody = 8*core.MaxMessageBytes + 1024
	maxSmallBody   = 4096
	maxStreams     = 8 // live connections per buyer (tabs, devices)
)

// Server serves the help page.
type Server struct {
	engine  Engine
	shop    string
	clock   core.Clock
	log     *slog.Logger
	poll    time.Duration
	secure  bool
	proxies []netip.Prefix
	sessKey []byte
	csrfKey []byte
	hub     *hub
	page    *template.Template
	static  fs.FS
	assets  map[string]string // file name -> name?v=hash, for cache busting

	done      chan struct{} // closed by Close: live streams end
	closeOnce sync.Once
}

//go:embed templates/page.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// New checks the configuration and returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil {
		return nil, core.Errorf(core.Invalid, "The help page needs an engine.")
	}
	if len(cfg.SessionSecret) < 32 {
		return nil, core.FieldErrorf(core.Invalid, "session_secret", "The help page's session secret is %d bytes; it needs at least 32 random bytes (e.g. openssl rand -hex 32).", len(cfg.SessionSecret))
	}
	s := &Server{
		engine: cfg.Engine, shop: strings.TrimSpace(cfg.ShopName), clock: cfg.Clock, log: cfg.Log,
		poll: cfg.PollInterval, secure: cfg.SecureCookies, proxies: slices.Clone(cfg.TrustedProxies), hub: newHub(), done: make(chan struct{}),
	}
	if s.shop == "" {
		s.shop = "Customer help"
	}
	if s.clock == nil {
		s.clock = core.SystemClock{}
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.poll <= 0 {
		s.poll = defaultPoll
	}
	// Separate keys for separate jobs, so a value signed for one can never
	// pass as the other.
	s.sessKey = derive(cfg.SessionSecret, "sellerdesk web session")
	s.csrfKey = derive(cfg.SessionSecret, "sellerdesk web csrf")
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, core.WrapInternal(err, "load the help page's files")
	}
	s.static = sub
	s.assets, err = assetVersions(sub)
	if err != nil {
		return nil, core.WrapInternal(err, "load the help page's files")
	}
	s.page, err = template.New("page.html").Funcs(template.FuncMap{"asset": func(name string) string { return s.assets[name] }}).ParseFS(templateFS, "templates/page.html")
	if err != nil {
		return nil, core.WrapInternal(err, "parse the help page template")
	}
	return s, nil
}

func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// Handler returns the help page's routes. Mount it at "/".
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handlePage)
	mux.HandleFunc("POST /verify", s.handleVerify)
	mux.HandleFunc("POST /messages", s.handleMessage)
	mux.HandleFunc("POST /cancel", s.handleCancel)
	mux.HandleFunc("POST /logout", s.handleLogout)
	mux.HandleFunc("GET /conversation", s.handleConversation)
	mux.HandleFunc("GET /events", s.handleEvents)
	mux.Handle("GET /static/", http.StripPrefix("/static/", s.staticHandler()))
	return securityHeaders(withSessionMemo(mux))
}

// withSessionMemo gives each request a place to keep its session once
// looked up (see Server.session).
func withSessionMemo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionMemoKey{}, &sessionMemo{})))
	})
}

// securityHeaders: the page loads only its own script and style, can't be
// framed, and personal data is never cached by a shared cache.
func securityHeaders(next http.Handler) http.Handler {
	const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
		"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) staticHandler() http.Handler {
	files := http.FileServerFS(s.static)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
}

// buyerKey is the conversation identity of a verified order.
func buyerKey(orderID string) string { return buyerKeyPrefix + orderID }

// statusFor maps an engine error code to an HTTP status.
func statusFor(err error) int {
	switch core.ErrorCode(err) {
	case core.NotFound:
		return http.StatusNotFound
	case core.Invalid:
		return http.StatusBadRequest
	case core.Forbidden:
		return http.StatusForbidden
	case core.Conflict:
		return http.StatusConflict
	case core.Unavailable:
		return http.StatusServiceUnavailable
	case core.RateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// genericError is all a buyer learns of an internal failure; the detail
// goes to the log.
const genericError = "Sorry, something went wrong on our side. Please try again in a few minutes."

// buyerMessage is the text a buyer may see for err: the engine's message
// for a user's mistake, a generic sentence (and a log line) for the rest.
func (s *Server) buyerMessage(r *http.Request, what string, err error) string {
	if core.ErrorCode(err) == core.Internal || core.ErrorCode(err) == core.Unavailable {
		s.log.Error("help page: "+what, "err", err, "path", r.URL.Path)
		return genericError
	}
	return core.ErrorMessage(err)
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

type jsonError struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// messageView is one message as a buyer sees it: no drafts, no staff
// names, no internal notes.
type messageView struct {
	ID             int64     `json:"id"`
	ConversationID string    `json:"conversation_id"`
	From           string    `json:"from"` // buyer or staff
	Text           string    `json:"text"`
	At             time.Time `json:"at"`
	AtText         string    `json:"at_text"` // UTC, for readers without JavaScript
}

func (m messageView) Mine() bool { return m.From == string(core.FromBuyer) }

// thread merges a buyer's conversations into one list, oldest first.
func thread(convs []core.Conversation) []messageView {
	var out []messageView
	for _, c := range convs {
		for _, m := range c.Messages {
			out = append(out, viewOf(c.ID, m))
		}
	}
	slices.SortStableFunc(out, func(a, b messageView) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

func viewOf(convID string, m core.Message) messageView {
	from := core.FromBuyer
	if m.From != core.FromBuyer {
		from = core.FromStaff
	}
	return messageView{ID: m.ID, ConversationID: convID, From: string(from), Text: m.Text, At: m.At.UTC(), AtText: m.At.UTC().Format("Mon 2 Jan 2006, 15:04 UTC")}
}

// errTooLarge is the message for a body over the limit.
func errTooLarge() error {
	return core.FieldErrorf(core.Invalid, "text", "The message is too long: at most %d bytes (about %d characters). Shorten it or send it in parts.", core.MaxMessageBytes, core.MaxMessageBytes/3)
}

// parseForm reads a POST form of at most limit bytes.
func parseForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	// ParseMultipartForm would swallow ParseForm's error (a body over the
	// limit) for a form that isn't multipart, so each kind is parsed by its own.
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return r.ParseMultipartForm(limit)
	}
	return r.ParseForm()
}

func isTooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb) || errors.Is(err, multipart.ErrMessageTooLarge)
}
