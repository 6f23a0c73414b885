package mailapp

// Composing a staff reply. Amazon refuses HTML-only seller mail and both
// sides must thread the answer, so a reply is plain UTF-8 text in
// quoted-printable (lines kept under RFC 5322's limits whatever staff
// typed) with In-Reply-To and References, and a Message-ID the caller
// gives: that id is the idempotency key the outbox relies on.

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"

	"github.com/sellerdesk/sellerdesk/core"
)

// Outgoing is one staff reply to send.
type Outgoing struct {
	From       Address // the seller's registered address
	To         Address // the buyer (the relay address for Amazon)
	Subject    string  // the subject being answered; "RE: " is added
	Text       string  // plain text
	Date       time.Time
	MessageID  string   // without angle brackets; see ReplyID
	InReplyTo  string   // the buyer mail answered, without angle brackets
	References []string // the thread so far, oldest first
}

// maxReferences keeps References short in a long thread: the first id (the
// thread's root) and the latest ones, as RFC 5322 3.6.4 allows.
const maxReferences = 20

// Compose renders the reply as an RFC 5322 message with CRLF line ends.
func Compose(o Outgoing) ([]byte, error) {
	if err := checkReplyAddr("from", o.From.Addr); err != nil {
		return nil, err
	}
	if err := checkReplyAddr("to", o.To.Addr); err != nil {
		return nil, err
	}
	if !validMsgID(o.MessageID) {
		return nil, core.FieldErrorf(core.Invalid, "message_id", "Message-ID %q is not usable: give id-left@domain without angle brackets or spaces (see ReplyID)", o.MessageID)
	}
	if o.InReplyTo != "" && !validMsgID(o.InReplyTo) {
		return nil, core.FieldErrorf(core.Invalid, "in_reply_to", "In-Reply-To %q is not a Message-ID: give id-left@domain without angle brackets", o.InReplyTo)
	}
	for _, r := range o.References {
		if !validMsgID(r) {
			return nil, core.FieldErrorf(core.Invalid, "references", "reference %q is not a Message-ID: give id-left@domain without angle brackets", r)
		}
	}
	if o.Date.IsZero() {
		return nil, core.FieldErrorf(core.Invalid, "date", "the reply has no date: pass the time of sending from the clock")
	}
	if strings.TrimSpace(o.Text) == "" {
		return nil, core.FieldErrorf(core.Invalid, "text", "the reply has no text")
	}
	if !utf8.ValidString(o.Text) || !utf8.ValidString(o.Subject) {
		return nil, core.FieldErrorf(core.Invalid, "text", "the reply is not valid UTF-8 text")
	}

	refs := threadRefs(o.References, o.InReplyTo)
	// textproto writes fields last-added first, so they are added bottom up.
	var h textproto.Header
	h.Add("Content-Transfer-Encoding", "quoted-printable")
	h.Add("Content-Type", "text/plain; charset=utf-8")
	h.Add("MIME-Version", "1.0")
	if len(refs) > 0 {
		h.Add("References", "<"+strings.Join(refs, "> <")+">")
	}
	if o.InReplyTo != "" {
		h.Add("In-Reply-To", "<"+o.InReplyTo+">")
	}
	h.Add("Message-Id", "<"+o.MessageID+">")
	h.Add("Date", o.Date.Format(time.RFC1123Z))
	// A subject read from a broken mail may hold line breaks; they must
	// not start a new header field.
	subject := ReplySubject(strings.NewReplacer("\r", " ", "\n", " ").Replace(o.Subject))
	if raw := subjectField(subject); raw != nil {
		h.AddRaw(raw)
	} else {
		h.Add("Subject", subject)
	}
	h.Add("To", formatReplyAddress(o.To))
	h.Add("From", formatReplyAddress(o.From))

	var b bytes.Buffer
	if err := textproto.WriteHeader(&b, h); err != nil {
		return nil, core.Errorf(core.Invalid, "reply header cannot be written: %v", err)
	}
	qp := quotedprintable.NewWriter(&b)
	text := strings.ReplaceAll(strings.ReplaceAll(o.Text, "\r\n", "\n"), "\r", "\n")
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	if _, err := qp.Write([]byte(text)); err != nil {
		return nil, core.WrapInternal(err, "encode reply text")
	}
	if err := qp.Close(); err != nil {
		return nil, core.WrapInternal(err, "encode reply text")
	}
	return b.Bytes(), nil
}

func checkReplyAddr(field, addr string) error {
	a, err := mail.ParseAddress(addr)
	if addr == "" || err != nil || a.Address != addr {
		return core.FieldErrorf(core.Invalid, field, "%q is not an e-mail address: give a bare address such as seller@shop.example", addr)
	}
	return nil
}

var msgIDRule = regexp.MustCompile(`^[!#$%&'*+\-/=?^_` + "`" + `{|}~.A-Za-z0-9]+@[A-Za-z0-9.\-\[\]]+$`)

func validMsgID(id string) bool { return len(id) <= 250 && msgIDRule.MatchString(id) }

// threadRefs is References for the reply: the thread so far plus the mail
// answered, without duplicates, shortened to the root and the latest.
func threadRefs(refs []string, inReplyTo string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range append(append([]string{}, refs...), inReplyTo) {
		if r != "" && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	if len(out) > maxReferences {
		out = append(out[:1], out[len(out)-maxReferences+1:]...)
	}
	return out
}

// replyPrefixRe is a reply prefix in the languages buyers write: RE, AW
// (German), SV (Nordic), Antw (Dutch), R/RIF (Italian), RES (Portuguese),
// 回复/回覆/答复 (Chinese), 返信 (Japanese).
var replyPrefixRe = regexp.MustCompile(`(?i)^\s*(?:re|aw|sv|antw|r|rif|res|odp|回复|回覆|答复|返信)\s*(?:\[\d+\])?\s*[:：]`)

// ReplySubject is the subject of a reply: "RE: " before the original
// unless it already carries a reply prefix. Amazon keeps the order id in
// the subject, so the original is kept whole.
func ReplySubject(subject string) string {
	s := strings.TrimSpace(subject)
	if replyPrefixRe.MatchString(s) {
		return s
	}
	if s == "" {
		return "RE:"
	}
	return "RE: " + s
}

// subjectField is the raw Subject field. Non-ASCII text becomes RFC 2047
// B-encoded words of at most 42 bytes each, one per folded line, so every
// line stays under 78 characters (textproto cannot fold inside a word).
// Words end on rune boundaries: a reader decodes each word on its own.
func subjectField(s string) []byte {
	if plainASCII(s) {
		return nil
	}
	var words []string
	var chunk []byte
	flush := func() {
		if len(chunk) > 0 {
			words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString(chunk)+"?=")
			chunk = chunk[:0]
		}
	}
	for _, r := range s {
		n := utf8.RuneLen(r)
		if n < 0 { // not reachable for valid UTF-8, which Compose checks
			continue
		}
		if len(chunk)+n > 42 {
			flush()
		}
		chunk = utf8.AppendRune(chunk, r)
	}
	flush()
	return []byte("Subject: " + strings.Join(words, "\r\n ") + "\r\n")
}

func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func formatReplyAddress(a Address) string {
	return (&mail.Address{Name: a.Name, Address: a.Addr}).String()
}

// ReplyID is the Message-ID (without angle brackets) of a staff reply:
// sd-reply.<conversation id>.<staff message id>@<domain>. It is stable, so
// a replica that takes over can look for it in Sent before sending again,
// and a bounce or a buyer's In-Reply-To naming it leads back to the
// conversation. Conversation ids are "C-7KQ2M9XH" today; any byte outside
// [A-Za-z0-9-] is written as _XX so the id stays a valid dot-atom and
// ParseReplyID can undo it.
func ReplyID(convID string, msgID int64, domain string) string {
	var b strings.Builder
	b.WriteString("sd-reply.")
	for i := 0; i < len(convID); i++ {
		c := convID[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "_%02X", c)
	}
	b.WriteByte('.')
	b.WriteString(strconv.FormatInt(msgID, 10))
	b.WriteByte('@')
	b.WriteString(replyDomain(domain))
	return b.String()
}

// replyDomain keeps a domain usable in a Message-ID; a from address may be
// passed whole.
func replyDomain(d string) string {
	if i := strings.LastIndex(d, "@"); i >= 0 {
		d = d[i+1:]
	}
	d = strings.ToLower(strings.Trim(strings.TrimSpace(d), "<>."))
	d = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return -1
	}, d)
	if d == "" {
		return "sellerdesk.invalid"
	}
	return d
}

// ParseReplyID recovers the conversation and staff message ids from one of
// our reply Message-IDs (with or without angle brackets). ok is false for
// any other id.
func ParseReplyID(id string) (convID string, msgID int64, ok bool) {
	id = strings.TrimSpace(id)
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	left, _, found := strings.Cut(id, "@")
	if !found || !strings.HasPrefix(left, "sd-reply.") {
		return "", 0, false
	}
	left = strings.TrimPrefix(left, "sd-reply.")
	dot := strings.LastIndex(left, ".")
	if dot <= 0 {
		return "", 0, false
	}
	n, err := strconv.ParseInt(left[dot+1:], 10, 64)
	if err != nil {
		return "", 0, false
	}
	enc := left[:dot]
	var b strings.Builder
	for i := 0; i < len(enc); i++ {
		c := enc[i]
		if c == '_' {
			if i+2 >= len(enc) || !hexDigit(enc[i+1]) || !hexDigit(enc[i+2]) {
				return "", 0, false
			}
			b.WriteByte(hexValue(enc[i+1])<<4 | hexValue(enc[i+2]))
			i += 2
			continue
		}
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return "", 0, false
		}
		b.WriteByte(c)
	}
	return b.String(), n, true
}
