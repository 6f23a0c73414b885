package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// pageData is everything the page template shows.
type pageData struct {
	Shop        string
	Verified    bool
	OrderID     string
	Messages    []messageView
	After       int64 // newest message id on the page, where live updates start
	CSRF        string
	Error       string
	ErrorField  string // the form field the error is about
	Notice      string
	FormOrderID string // what the buyer typed, to fill the form again
	Text        string // the message being written, kept after a refusal
	MaxBytes    int
	Cancel      *cancelView // the order's state and the buyer's cancel
	CancelError bool        // Error is about the cancel: shown by its form
}

// render writes the page: the verify form, or the buyer's conversation.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, d pageData) {
	d.Shop, d.MaxBytes = s.shop, core.MaxMessageBytes
	if se, ok := s.session(r); ok {
		d.Verified, d.OrderID = true, se.OrderID
		d.CSRF = s.csrfToken(sessionBinding(se))
		convs, err := s.engine.BuyerConversations(r.Context(), Channel, buyerKey(se.OrderID))
		if err != nil {
			msg := s.buyerMessage(r, "read conversations", err)
			if d.Error == "" {
				d.Error = msg
			}
			if status < 400 {
				status = statusFor(err)
			}
		}
		d.Messages = thread(convs)
		for _, m := range d.Messages {
			d.After = max(d.After, m.ID)
		}
		d.Cancel = s.orderState(r, se.OrderID)
		d.CancelError = d.CancelError && d.Cancel != nil
	} else {
		d.CSRF = s.csrfToken(preBinding(s.preSession(w, r)))
		if err := s.sessionErr(r); err != nil {
			// The store can't say whether the buyer is signed in.
			if d.Error == "" {
				d.Error = s.buyerMessage(r, "read a buyer session", err)
			}
			if status < 400 {
				status = statusFor(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := s.page.Execute(&buf, d); err != nil {
		s.log.Error("help page: render", "err", err)
		http.Error(w, genericError, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// refuse answers a refused POST: JSON for the page's script, the page with
// the error for a plain form.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, field, msg string, d pageData) {
	if wantsJSON(r) {
		writeJSON(w, status, jsonError{Error: msg, Field: field})
		return
	}
	d.Error, d.ErrorField = msg, field
	s.render(w, r, status, d)
}

const (
	msgCSRF       = "This form has expired or was sent from another site, so nothing was done. Reload the page and try again."
	msgBadForm    = "The form could not be read. Reload the page and try again."
	msgNoSession  = "Your session has ended. Enter your order id and email or postal code again to continue."
	msgNeedFields = "Enter your order id and the email address or shipping postal code from your order."
)

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	var d pageData
	if r.URL.Query().Get("sent") == "1" {
		d.Notice = "Message sent. We usually reply within 24 hours — the answer will appear on this page."
	}
	s.render(w, r, http.StatusOK, d)
}

// smallForm checks a small POST's origin and reads its form, answering the
// refusal itself; it reports whether the handler may go on.
func (s *Server) smallForm(w http.ResponseWriter, r *http.Request) bool {
	if !sameOrigin(r) {
		s.refuse(w, r, http.StatusForbidden, "", msgCSRF, pageData{})
		return false
	}
	if err := parseForm(w, r, maxSmallBody); err != nil {
		s.refuse(w, r, http.StatusBadRequest, "", msgBadForm, pageData{})
		return false
	}
	return true
}

func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) {
	if !s.smallForm(w, r) {
		return
	}
	// The verify form carries a pre-session token; a buyer already signed in
	// (switching to another order) may send their session's.
	ok := false
	if c, err := r.Cookie(preCookie); err == nil && c.Value != "" {
		ok = s.checkCSRF(r, preBinding(c.Value))
	}
	if se, signedIn := s.session(r); !ok && signedIn {
		ok = s.checkCSRF(r, sessionBinding(se))
	}
	if !ok {
		s.refuse(w, r, http.StatusForbidden, "", msgCSRF, pageData{})
		return
	}
	orderID := strings.TrimSpace(r.PostFormValue("order_id"))
	secret := strings.TrimSpace(r.PostFormValue("secret"))
	d := pageData{FormOrderID: orderID}
	if orderID == "" || secret == "" {
		field := "order_id"
		if orderID != "" {
			field = "secret"
		}
		s.refuse(w, r, http.StatusBadRequest, field, msgNeedFields, d)
		return
	}
	// The engine limits failed tries per client and per order, in the
	// store, so every replica counts the same tries.
	o, err := s.engine.VerifyBuyer(r.Context(), "web:"+clientAddr(r, s.proxies), orderID, secret)
	if err != nil {
		s.refuseErr(w, r, "verify buyer", err, d)
		return
	}
	// Switching to another order ends the session of the one before.
	if err := s.dropSession(r); err != nil {
		s.refuseErr(w, r, "end the previous buyer session", err, d)
		return
	}
	if err := s.startSession(w, r, o.ID); err != nil {
		s.refuseErr(w, r, "start a buyer session", err, d)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// refuseErr answers an engine refusal: its status, the wait it asks for
// (Retry-After), and its message by the form field it names.
func (s *Server) refuseErr(w http.ResponseWriter, r *http.Request, what string, err error, d pageData) {
	if wait := core.ErrorWait(err); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	}
	s.refuse(w, r, statusFor(err), core.ErrorField(err), s.buyerMessage(r, what, err), d)
}

// clientAddr is who a request comes from, for counting verification
// tries. Without trusted proxies it is the connection's address and
// X-Forwarded-For is ignored: anyone can write that header, and trusting it
// would let a client pick a fresh address for every try.
//
// When the connection comes from a trusted proxy, the header's addresses
// are read from the right, the nearest hop first (written by our own
// proxies), and the first one that is not a trusted proxy is the client;
// whatever is further left was written by the client and could be
// anything. Without a usable header the nearest proxy known stands for the
// client, and every buyer behind it shares its count.
func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if !isTrusted(ip, trusted) {
		return addrKey(ip)
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			break // not written by a proxy of ours: stop at the last good hop
		}
		ip = hop
		if !isTrusted(ip, trusted) {
			break
		}
	}
	return addrKey(ip)
}

func isTrusted(ip netip.Addr, trusted []netip.Prefix) bool {
	ip = ip.Unmap().WithZone("")
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// parseHop reads one X-Forwarded-For entry: an address, maybe with a port
// ("203.0.113.7:51234", "[2001:db8::1]:443") or in brackets.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return ip, true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr(), true
	}
	return netip.Addr{}, false
}

// addrKey is the key tries are counted under for an address. An IPv6
// client usually holds a whole /64: count the network, or a buyer could
// walk through its addresses, a fresh limit for each. An IPv4 address
// written as IPv6 (::ffff:a.b.c.d) is the IPv4 address.
func addrKey(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

func (s *Server) handleMessage(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		s.refuse(w, r, http.StatusForbidden, "", msgCSRF, pageData{})
		return
	}
	se, ok := s.session(r)
	if !ok {
		s.refuseNoSession(w, r)
		return
	}
	if err := parseForm(w, r, maxMessageBody); err != nil {
		if isTooLarge(err) {
			s.refuse(w, r, http.StatusRequestEntityTooLarge, "text", core.ErrorMessage(errTooLarge()), pageData{})
			return
		}
		s.refuse(w, r, http.StatusBadRequest, "", msgBadForm, pageData{})
		return
	}
	if !s.checkCSRF(r, sessionBinding(se)) {
		s.refuse(w, r, http.StatusForbidden, "", msgCSRF, pageData{})
		return
	}
	text := r.PostFormValue("text")
	key := buyerKey(se.OrderID)
	conv, err := s.engine.BuyerMessage(r.Context(), core.BuyerMessageIn{Channel: Channel, BuyerKey: key, OrderID: se.OrderID, Text: text})
	if err != nil {
		// The text stays in the form, so a buyer told to wait (too many
		// messages at once) can send it again as it is.
		s.refuseErr(w, r, "store buyer message", err, pageData{Text: text})
		return
	}
	// The buyer's other tabs and devices show the message too. Drafting
	// happens elsewhere; the buyer doesn't wait for it.
	s.hub.wakeBuyer(key)
	if wantsJSON(r) {
		var last messageView
		for i := len(conv.Messages) - 1; i >= 0; i-- {
			if conv.Messages[i].From == core.FromBuyer {
				last = viewOf(conv.ID, conv.Messages[i])
				break
			}
		}
		writeJSON(w, http.StatusCreated, map[string]any{"message": last})
		return
	}
	http.Redirect(w, r, "/?sent=1#compose", http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if !s.smallForm(w, r) {
		return
	}
	// The token is checked against the cookie itself, so a sign-out is
	// never done unasked, whatever the store says of the session.
	if se, ok := s.cookieSession(r); ok && !s.checkCSRF(r, sessionBinding(se)) {
		s.refuse(w, r, http.StatusForbidden, "", msgCSRF, pageData{})
		return
	}
	if err := s.endSession(w, r); err != nil {
		// The session still works: say so rather than seem signed out.
		s.refuseErr(w, r, "end a buyer session", err, pageData{})
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// conversationJSON is the buyer's view of their conversations.
type conversationJSON struct {
	ID       string        `json:"id"`
	Messages []messageJSON `json:"messages"`
}

type messageJSON struct {
	From string    `json:"from"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// handleConversation returns the buyer's conversations as JSON: messages
// only, never drafts, staff names or the buyer key.
func (s *Server) handleConversation(w http.ResponseWriter, r *http.Request) {
	if !wantsJSON(r) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	se, ok := s.session(r)
	if err := s.sessionErr(r); err != nil {
		writeJSON(w, statusFor(err), jsonError{Error: s.buyerMessage(r, "read a buyer session", err)})
		return
	}
	if !ok {
		writeJSON(w, http.StatusUnauthorized, jsonError{Error: "Verify your order first: post your order id and email or postal code to /verify from the help page."})
		return
	}
	convs, err := s.engine.BuyerConversations(r.Context(), Channel, buyerKey(se.OrderID))
	if err != nil {
		writeJSON(w, statusFor(err), jsonError{Error: s.buyerMessage(r, "read conversations", err)})
		return
	}
	out := struct {
		OrderID       string             `json:"order_id"`
		Conversations []conversationJSON `json:"conversations"`
	}{OrderID: se.OrderID, Conversations: []conversationJSON{}}
	for _, c := range convs {
		cj := conversationJSON{ID: c.ID, Messages: []messageJSON{}}
		for _, m := range thread([]core.Conversation{c}) {
			cj.Messages = append(cj.Messages, messageJSON{From: m.From, Text: m.Text, At: m.At})
		}
		out.Conversations = append(out.Conversations, cj)
	}
	writeJSON(w, http.StatusOK, out)
}

// assetVersions names each static file with a hash of its content, so a
// browser may cache it for good and still gets a new one after an upgrade.
func assetVersions(files fs.FS) (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[p] = "/static/" + p + "?v=" + hex.EncodeToString(sum[:6])
		return nil
	})
	return out, err
}
