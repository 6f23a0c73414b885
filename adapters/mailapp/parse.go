// Package mailapp is the email channel: Amazon Buyer-Seller Messaging relay
// mail and ordinary customer mail in, staff replies out.
package mailapp

// This file turns one raw RFC 5322 message into a Mail: the few headers the
// channel needs and the readable text, whatever MIME shape, transfer
// encoding or charset the sender's mailer chose. Real mail is messy, so one
// bad part never fails the whole mail: it is noted in Mail.Problems and the
// rest is kept.

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/textproto"
	"golang.org/x/net/html"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/sellerdesk/sellerdesk/core"
)

// Limits that keep a giant or hostile mail from holding memory: text beyond
// maxTextBytes per part is cut (staff read the start; the mail stays in the
// mailbox), attachments are only counted, never held.
const (
	maxTextBytes   = 1 << 20
	maxHeaderBytes = 1 << 20
	maxReportBytes = 64 << 10
	maxDepth       = 12
	maxParts       = 500
)

// Address is one mailbox: the display name (decoded) and the address,
// lower-cased so it can key a buyer.
type Address struct {
	Name string
	Addr string
}

// Attachment is a part listed for staff by name, size and type; its content
// is not kept.
type Attachment struct {
	Name string
	Size int64 // decoded bytes
	Type string
	// Inline marks a part shown inside the mail body (an image in an HTML
	// signature or a pasted photo) rather than attached by the sender.
	Inline bool
}

// Mail is a parsed message.
type Mail struct {
	MessageID  string // without the angle brackets
	InReplyTo  string
	References []string
	From       Address
	To         []Address
	Subject    string
	Date       time.Time // zero when the Date header is missing or unreadable
	// Text is the readable body: text/plain where the sender offered it,
	// else text made from the HTML.
	Text        string
	FromHTML    bool // Text was made from HTML
	Attachments []Attachment
	// Truncated is set when a text part was longer than the per-part limit
	// and only its start is in Text.
	Truncated bool
	// Problems names each part that could not be read cleanly (an unknown
	// charset, broken base64, a multipart without its end); the rest of the
	// mail is still here.
	Problems []string

	header textproto.Header
	// charset is the top-level Content-Type's charset, the best guess for
	// raw 8-bit header bytes.
	charset string
	// report is what a delivery report (RFC 3464) or a notice quoting the
	// original mail carried; see bounce.go.
	report report
}

// Header returns the value of a header field of the mail, decoded.
func (m *Mail) Header(key string) string {
	return decodeHeader(m.header.Get(key), m.charset)
}

// report gathers the machine-readable parts of a delivery report.
type report struct {
	isReport bool // top-level multipart/report; report-type=delivery-status
	// status holds the fields of the message/delivery-status part: the
	// per-message block first, then one block per recipient.
	status []textproto.Header
	// original is the header of the returned mail (message/rfc822 or
	// text/rfc822-headers), if any part carried it.
	original    textproto.Header
	hasOriginal bool
}

// Parse reads one message. It fails only when the input is not a mail at
// all (no header); any trouble inside the body is noted in Problems.
func Parse(r io.Reader) (*Mail, error) {
	lr := &headerLimit{r: r, n: maxHeaderBytes}
	br := bufio.NewReader(lr)
	h, err := textproto.ReadHeader(br)
	if err != nil {
		if errors.Is(err, errHeaderTooBig) {
			return nil, core.Errorf(core.Invalid, "mail header is larger than %d bytes: not read", maxHeaderBytes)
		}
		return nil, core.Errorf(core.Invalid, "mail header unreadable (%v): expected header lines such as \"From: …\" followed by a blank line", err)
	}
	if h.Len() == 0 {
		return nil, core.Errorf(core.Invalid, "mail has no header: expected header lines such as \"From: …\" followed by a blank line")
	}
	lr.n = -1 // the body is streamed; limits apply per part
	m := &Mail{header: h}
	m.readHeader()
	p := &parser{m: m}
	res := p.entity(h, br, 0, "")
	m.Text = res.text
	m.FromHTML = res.html
	m.Attachments = res.atts
	return m, nil
}

var errHeaderTooBig = errors.New("header too big")

// headerLimit caps how much of the input the header may take; n < 0 lifts
// the cap once the header is read.
type headerLimit struct {
	r io.Reader
	n int64
}

func (l *headerLimit) Read(p []byte) (int, error) {
	if l.n < 0 {
		return l.r.Read(p)
	}
	if l.n == 0 {
		return 0, errHeaderTooBig
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

func (m *Mail) readHeader() {
	h := m.header
	m.MessageID = firstMsgID(h.Get("Message-Id"))
	m.InReplyTo = firstMsgID(h.Get("In-Reply-To"))
	m.References = msgIDs(h.Get("References"))
	_, params := partContentType(h, "")
	m.charset = params["charset"]
	m.Subject = strings.TrimSpace(decodeHeader(h.Get("Subject"), m.charset))
	if from := addressList(h.Get("From"), m.charset); len(from) > 0 {
		m.From = from[0]
	}
	m.To = addressList(h.Get("To"), m.charset)
	if d := strings.TrimSpace(h.Get("Date")); d != "" {
		t, err := parseMailDate(d)
		if err != nil {
			m.Problems = append(m.Problems, fmt.Sprintf("Date header %q unreadable", d))
		} else {
			m.Date = t
		}
	}
}

// msgIDRe finds <id> tokens; some mailers fold several ids oddly or add
// comments, so ids are picked out rather than parsed strictly.
var msgIDRe = regexp.MustCompile(`<([^<>\s]+)>`)

func msgIDs(v string) []string {
	var ids []string
	for _, m := range msgIDRe.FindAllStringSubmatch(v, -1) {
		ids = append(ids, m[1])
	}
	if len(ids) == 0 {
		// Brackets missing entirely: take the words that look like ids.
		for _, f := range strings.Fields(v) {
			if strings.Contains(f, "@") {
				ids = append(ids, strings.Trim(f, "<>,;"))
			}
		}
	}
	return ids
}

func firstMsgID(v string) string {
	if ids := msgIDs(v); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

func parseMailDate(v string) (time.Time, error) {
	if t, err := mail.ParseDate(v); err == nil {
		return t, nil
	}
	// Drop a trailing "(comment)" and retry with layouts seen from older
	// mailers that net/mail refuses.
	if i := strings.Index(v, "("); i > 0 {
		v = strings.TrimSpace(v[:i])
	}
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04 -0700", time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return mail.ParseDate(v)
}

var addrRe = regexp.MustCompile(`[^\s<>"',;:()\[\]]+@[^\s<>"',;:()\[\]]+`)

// addressList reads an address header leniently: net/mail first, then a
// plain scan for something@something so a malformed From still names the
// sender.
func addressList(v, hint string) []Address {
	v = decode8bit(v, hint)
	if strings.TrimSpace(v) == "" {
		return nil
	}
	ap := mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charsetReader}}
	if list, err := ap.ParseList(v); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: cleanName(a.Name), Addr: strings.ToLower(a.Address)})
		}
		return out
	}
	var out []Address
	for _, part := range strings.Split(v, ",") {
		addr := addrRe.FindString(part)
		if addr == "" {
			continue
		}
		name := part
		if i := strings.Index(part, "<"); i >= 0 {
			name = part[:i]
		} else {
			name = strings.Replace(part, addr, "", 1)
		}
		out = append(out, Address{Name: cleanName(name), Addr: strings.ToLower(addr)})
	}
	return out
}

func cleanName(n string) string {
	n = strings.TrimSpace(n)
	n = strings.Trim(n, `"' `)
	if strings.Contains(n, "=?") {
		// net/mail leaves encoded words inside quotes alone; mailers put
		// them there anyway.
		n = decodeHeader(n, "")
	}
	return strings.TrimSpace(n)
}

// decodeHeader decodes RFC 2047 encoded words in any charset we know and
// raw 8-bit bytes some mailers put in headers.
func decodeHeader(v, hint string) string {
	v = decode8bit(v, hint)
	if !strings.Contains(v, "=?") {
		return v
	}
	dec := mime.WordDecoder{CharsetReader: charsetReader}
	out, err := dec.DecodeHeader(v)
	if err == nil {
		return out
	}
	// One word in a charset nobody knows: decode the words we can.
	return encodedWordRe.ReplaceAllStringFunc(v, func(w string) string {
		if s, err := dec.Decode(w); err == nil {
			return s
		}
		return w
	})
}

var encodedWordRe = regexp.MustCompile(`=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=`)

// decode8bit turns raw non-UTF-8 header bytes into text: ISO-2022-JP by its
// escape sequences, else the charset the mail's body declares (old Japanese
// and Chinese mailers write headers raw in it), else Windows-1252 (the
// usual culprit).
func decode8bit(v, hint string) string {
	if !strings.Contains(v, "\x1b") && utf8.ValidString(v) {
		return v
	}
	s, _ := decodeText([]byte(v), hint)
	return s
}

// charsetReader is mime.WordDecoder's hook, over the same lookup as bodies.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	if enc := lookupCharset(label); enc != nil {
		return enc.NewDecoder().Reader(in), nil
	}
	switch normCharset(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	}
	return charset.Reader(label, in)
}

func normCharset(label string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
}

// lookupCharset maps the labels mailers actually send to a decoder. Labels
// are widened to their supersets on purpose: mail labelled ISO-8859-1 is
// routinely Windows-1252, and GB2312 mail routinely holds GBK characters.
// nil means UTF-8 or a label left to go-message's charset package.
func lookupCharset(label string) encoding.Encoding {
	switch normCharset(label) {
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "cp1252", "windows-1252", "x-cp1252", "cp819":
		return charmap.Windows1252
	case "gb2312", "gbk", "x-gbk", "cp936", "gb18030", "euc-cn", "x-euc-cn", "csgb2312", "chinese", "gb_2312-80", "windows-936":
		return simplifiedchinese.GB18030
	case "hz-gb-2312":
		return simplifiedchinese.HZGB2312
	case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "cp932", "windows-31j", "csshiftjis", "x-ms-cp932":
		return japanese.ShiftJIS
	case "iso-2022-jp", "iso-2022-jp-1", "iso-2022-jp-2", "iso-2022-jp-3", "csiso2022jp", "iso-2022-jp-ms":
		return japanese.ISO2022JP
	case "euc-jp", "x-euc-jp", "cseucpkdfmtjapanese", "eucjp":
		return japanese.EUCJP
	case "big5", "big5-hkscs", "x-big5", "cn-big5", "csbig5", "cp950":
		return traditionalchinese.Big5
	case "euc-kr", "ks_c_5601-1987", "ks_c_5601", "cp949", "x-windows-949", "korean", "ks_c_5601-1989", "windows-949":
		return korean.EUCKR
	}
	return nil
}

// decodeText turns a part's bytes into UTF-8 text. It never fails: a wrong
// or unknown label falls back to a guess, and the returned note says so.
func decodeText(raw []byte, label string) (string, string) {
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	l := normCharset(label)
	// 7-bit Japanese mail is often labelled us-ascii or not at all; its
	// escape sequences give it away.
	if l != "iso-2022-jp" && isISO2022JP(raw) {
		if out, err := japanese.ISO2022JP.NewDecoder().Bytes(raw); err == nil {
			return string(out), ""
		}
	}
	if enc := lookupCharset(l); enc != nil {
		if enc == charmap.Windows1252 && utf8.Valid(raw) {
			// Labelled Latin-1 but valid UTF-8: genuine Latin-1 text
			// almost never forms valid UTF-8 sequences.
			return string(raw), ""
		}
		if out, err := enc.NewDecoder().Bytes(raw); err == nil {
			return string(out), ""
		}
		return fallbackText(raw), fmt.Sprintf("text not valid %s", label)
	}
	switch l {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "x-unknown", "unknown-8bit", "unknown", "default", "8bit":
		if utf8.Valid(raw) {
			return string(raw), ""
		}
		note := fmt.Sprintf("text labelled %q is not valid UTF-8; read as Windows-1252", label)
		if l == "" {
			note = "text without charset is not valid UTF-8; read as Windows-1252"
		}
		return fallbackText(raw), note
	}
	rd, err := charset.Reader(label, bytes.NewReader(raw))
	if err == nil {
		if out, err := io.ReadAll(rd); err == nil {
			return string(out), ""
		}
	}
	return fallbackText(raw), fmt.Sprintf("unknown charset %q; text read as UTF-8 or Windows-1252", label)
}

func isISO2022JP(b []byte) bool {
	return bytes.Contains(b, []byte("\x1b$B")) || bytes.Contains(b, []byte("\x1b$@"))
}

func fallbackText(raw []byte) string {
	if utf8.Valid(raw) {
		return string(raw)
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	return string(out)
}

// parser walks the MIME tree, collecting problems and the delivery report.
type parser struct {
	m     *Mail
	parts int
}

// content is what one entity contributes: its readable text and the parts
// listed for staff.
type content struct {
	text  string
	html  bool
	atts  []Attachment
	plain bool // has a text/plain body (preferred in alternatives)
}

func (p *parser) problem(where, format string, args ...any) {
	if len(p.m.Problems) >= 50 {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		msg = where + ": " + msg
	}
	p.m.Problems = append(p.m.Problems, msg)
}

// entity reads one MIME entity; parent is the enclosing multipart subtype.
func (p *parser) entity(h textproto.Header, body io.Reader, depth int, parent string) content {
	p.parts++
	mediaType, params := partContentType(h, parent)
	where := mediaType
	if p.parts > 1 {
		where = fmt.Sprintf("part %d (%s)", p.parts, mediaType)
	}
	disp, dparams := partDisposition(h)
	name := partName(h, params, dparams)

	if strings.HasPrefix(mediaType, "multipart/") {
		if depth >= maxDepth || p.parts > maxParts {
			p.problem(where, "nested too deep or too many parts; skipped")
			io.Copy(io.Discard, body)
			return content{}
		}
		boundary := params["boundary"]
		if boundary == "" {
			p.problem(where, "multipart without a boundary; read as plain text")
			return p.text(h, body, "text/plain", params, where)
		}
		return p.multipart(mediaType, params, body, boundary, depth, where)
	}

	dec := p.transferDecode(h, body, where)
	isAttachment := disp == "attachment" || (name != "" && disp != "inline")
	switch {
	case mediaType == "message/delivery-status" || mediaType == "message/global-delivery-status":
		p.deliveryStatus(dec, where)
		return content{}
	case mediaType == "text/rfc822-headers" || mediaType == "message/rfc822-headers":
		p.original(dec, where)
		return content{}
	case mediaType == "message/rfc822" || mediaType == "message/global":
		subj, size := p.original(dec, where)
		if parent == "report" {
			return content{}
		}
		if name == "" {
			name = "message.eml"
			if subj != "" {
				name = subj + ".eml"
			}
		}
		return content{atts: []Attachment{{Name: name, Size: size, Type: mediaType, Inline: disp == "inline"}}}
	case (mediaType == "text/plain" || mediaType == "text/html" || mediaType == "text/enriched") && !isAttachment:
		return p.text(h, dec, mediaType, params, where)
	case mediaType == "application/pgp-signature" || mediaType == "application/pkcs7-signature" || mediaType == "application/x-pkcs7-signature":
		io.Copy(io.Discard, dec)
		return content{}
	}
	size, err := io.Copy(io.Discard, dec)
	if err != nil {
		p.problem(where, "attachment %q damaged after %d bytes (%v)", name, size, err)
	}
	inline := disp == "inline" || (disp == "" && parent == "related")
	return content{atts: []Attachment{{Name: name, Size: size, Type: mediaType, Inline: inline}}}
}

func (p *parser) multipart(mediaType string, params map[string]string, body io.Reader, boundary string, depth int, where string) content {
	sub := strings.TrimPrefix(mediaType, "multipart/")
	mr := textproto.NewMultipartReader(body, boundary)
	var kids []content
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			p.problem(where, "multipart ends early (%v); kept the parts before", err)
			break
		}
		if p.parts > maxParts {
			p.problem(where, "more than %d parts; the rest skipped", maxParts)
			break
		}
		kids = append(kids, p.entity(part.Header, part, depth+1, sub))
	}
	if len(kids) == 0 {
		return content{}
	}
	switch sub {
	case "alternative":
		// The last alternative is the richest; prefer plain text, then
		// whichever alternative has any text.
		best := -1
		for i, k := range kids {
			if k.plain && strings.TrimSpace(k.text) != "" {
				best = i
			}
		}
		if best < 0 {
			for i := len(kids) - 1; i >= 0; i-- {
				if strings.TrimSpace(kids[i].text) != "" {
					best = i
					break
				}
			}
		}
		if best < 0 {
			best = len(kids) - 1
		}
		return kids[best]
	case "related":
		// The first part is the body; the rest are resources it shows.
		out := kids[0]
		for _, k := range kids[1:] {
			for _, a := range k.atts {
				a.Inline = true
				out.atts = append(out.atts, a)
			}
		}
		return out
	}
	// mixed, report, signed, digest and unknown subtypes: the readable parts
	// in order.
	var out content
	var texts []string
	for _, k := range kids {
		if t := strings.TrimSpace(k.text); t != "" {
			texts = append(texts, k.text)
			out.html = out.html || k.html
			out.plain = out.plain || k.plain
		}
		out.atts = append(out.atts, k.atts...)
	}
	out.text = strings.Join(texts, "\n\n")
	if sub == "report" && strings.EqualFold(params["report-type"], "delivery-status") {
		p.m.report.isReport = true
	}
	return out
}

// transferDecode undoes the Content-Transfer-Encoding; an unknown one is
// read as is.
func (p *parser) transferDecode(h textproto.Header, body io.Reader, where string) io.Reader {
	enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))
	switch enc {
	case "quoted-printable":
		return quotedprintable.NewReader(body)
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &base64Cleaner{r: body})
	case "", "7bit", "8bit", "binary":
		return body
	}
	p.problem(where, "unknown transfer encoding %q; read as is", enc)
	return body
}

// base64Cleaner drops what base64 senders put between the characters
// (spaces, tabs) and stops at the first "=" run so junk after the padding
// does not spoil the part.
type base64Cleaner struct {
	r    io.Reader
	done bool
}

func (c *base64Cleaner) Read(p []byte) (int, error) {
	for {
		if c.done {
			return 0, io.EOF
		}
		n, err := c.r.Read(p)
		j := 0
		for i := 0; i < n; i++ {
			b := p[i]
			switch {
			case b >= 'A' && b <= 'Z', b >= 'a' && b <= 'z', b >= '0' && b <= '9', b == '+', b == '/':
				p[j] = b
				j++
			case b == '=':
				p[j] = b
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// text reads a text part up to the limit, decodes its charset and, for
// HTML, makes readable text.
func (p *parser) text(h textproto.Header, r io.Reader, mediaType string, params map[string]string, where string) content {
	raw, err := io.ReadAll(io.LimitReader(r, maxTextBytes+1))
	if err != nil {
		p.problem(where, "text damaged after %d bytes (%v); kept what was readable", len(raw), err)
	}
	if len(raw) > maxTextBytes {
		raw = raw[:maxTextBytes]
		p.m.Truncated = true
		io.Copy(io.Discard, r)
	}
	label, hasLabel := params["charset"]
	if !hasLabel && mediaType == "text/html" {
		label = htmlMetaCharset(raw)
	}
	s, note := decodeText(raw, label)
	if note != "" {
		p.problem(where, "%s", note)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	switch mediaType {
	case "text/html":
		return content{text: htmlToText(s), html: true}
	case "text/plain":
		if strings.EqualFold(params["format"], "flowed") {
			s = unflow(s, strings.EqualFold(params["delsp"], "yes"))
		}
	}
	return content{text: tidy(s), plain: true}
}

var metaCharsetRe = regexp.MustCompile(`(?i)<meta[^>]+charset=["']?([a-zA-Z0-9_\-]+)`)

func htmlMetaCharset(raw []byte) string {
	head := raw
	if len(head) > 4096 {
		head = head[:4096]
	}
	if m := metaCharsetRe.FindSubmatch(head); m != nil {
		return string(m[1])
	}
	return ""
}

// unflow joins RFC 3676 format=flowed lines: a line ending in a space
// continues on the next.
func unflow(s string, delsp bool) string {
	lines := strings.Split(s, "\n")
	var b strings.Builder
	for i, l := range lines {
		if strings.HasPrefix(l, " ") { // space-stuffing
			l = l[1:]
		}
		soft := strings.HasSuffix(l, " ") && l != "-- " && i < len(lines)-1
		if soft && delsp {
			l = l[:len(l)-1]
		}
		b.WriteString(l)
		if !soft {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// tidy trims trailing spaces on every line and blank lines around the text.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l == "-- " { // the signature separator keeps its space
			continue
		}
		lines[i] = strings.TrimRight(l, " \t\u00a0")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// original reads the returned mail's header (for bounces) and counts the
// rest; it returns the returned mail's subject and the part's size.
func (p *parser) original(r io.Reader, where string) (string, int64) {
	cr := &byteCounter{r: r}
	br := bufio.NewReader(io.LimitReader(cr, maxHeaderBytes))
	h, err := textproto.ReadHeader(br)
	if err != nil && h.Len() == 0 {
		p.problem(where, "returned mail header unreadable (%v)", err)
	}
	if h.Len() > 0 && !p.m.report.hasOriginal {
		p.m.report.original = h
		p.m.report.hasOriginal = true
	}
	io.Copy(io.Discard, br)
	io.Copy(io.Discard, cr)
	return decodeHeader(h.Get("Subject"), ""), cr.n
}

type byteCounter struct {
	r io.Reader
	n int64
}

func (c *byteCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// deliveryStatus reads the field blocks of a message/delivery-status part.
func (p *parser) deliveryStatus(r io.Reader, where string) {
	raw, _ := io.ReadAll(io.LimitReader(r, maxReportBytes))
	io.Copy(io.Discard, r)
	raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	for _, block := range bytes.Split(raw, []byte("\n\n")) {
		if len(bytes.TrimSpace(block)) == 0 {
			continue
		}
		h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(append(bytes.TrimLeft(block, "\n"), '\n', '\n'))))
		if err != nil && h.Len() == 0 {
			p.problem(where, "delivery status unreadable (%v)", err)
			continue
		}
		p.m.report.status = append(p.m.report.status, h)
	}
}

// partContentType reads Content-Type leniently; a missing or broken one is
// text/plain (RFC 2045), or message/rfc822 inside a digest.
func partContentType(h textproto.Header, parent string) (string, map[string]string) {
	v := decode8bit(h.Get("Content-Type"), "")
	if strings.TrimSpace(v) == "" {
		if parent == "digest" {
			return "message/rfc822", map[string]string{}
		}
		return "text/plain", map[string]string{}
	}
	mt, params, err := mime.ParseMediaType(v)
	if err != nil && mt == "" {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(v, ";", 2)[0]))
		params = looseParams(v)
	}
	if params == nil {
		params = looseParams(v)
	}
	if !strings.Contains(mt, "/") {
		mt = "text/plain"
	}
	return mt, params
}

// looseParams reads key=value parameters the strict parser refused
// (unquoted spaces, stray semicolons, duplicate keys).
func looseParams(v string) map[string]string {
	out := map[string]string{}
	fields := strings.Split(v, ";")
	for _, f := range fields[1:] {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, dup := out[k]; !dup {
			out[k] = strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	return out
}

func partDisposition(h textproto.Header) (string, map[string]string) {
	v := decode8bit(h.Get("Content-Disposition"), "")
	if strings.TrimSpace(v) == "" {
		return "", map[string]string{}
	}
	d, params, err := mime.ParseMediaType(v)
	if err != nil && d == "" {
		d = strings.ToLower(strings.TrimSpace(strings.SplitN(v, ";", 2)[0]))
	}
	if params == nil {
		params = looseParams(v)
	}
	return d, params
}

// partName is the attachment's file name: RFC 2231 (in any charset, which
// the standard library leaves out), RFC 2047 in quotes (Outlook, Gmail) or
// plain.
func partName(h textproto.Header, ctParams, dParams map[string]string) string {
	name := dParams["filename"]
	if name == "" {
		name = rfc2231(h.Get("Content-Disposition"), "filename")
	}
	if name == "" {
		name = ctParams["name"]
	}
	if name == "" {
		name = rfc2231(h.Get("Content-Type"), "name")
	}
	name = decodeHeader(name, "")
	// A name is shown to staff; keep it on one line and without a path.
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimSpace(name)
}

// rfc2231 decodes an extended parameter (key*=charset”value, or continued
// key*0*=…; key*1*=…) in any charset.
func rfc2231(v, key string) string {
	type seg struct {
		n   int
		ext bool
		val string
	}
	var segs []seg
	for _, f := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if !strings.HasPrefix(k, key+"*") {
			continue
		}
		rest := strings.TrimPrefix(k, key+"*")
		s := seg{val: strings.Trim(strings.TrimSpace(val), `"`)}
		if rest == "" {
			s.ext = true
		} else {
			s.ext = strings.HasSuffix(rest, "*")
			if _, err := fmt.Sscanf(strings.TrimSuffix(rest, "*"), "%d", &s.n); err != nil {
				continue
			}
		}
		segs = append(segs, s)
	}
	if len(segs) == 0 {
		return ""
	}
	// Segments may come in any order.
	for i := 1; i < len(segs); i++ {
		for j := i; j > 0 && segs[j].n < segs[j-1].n; j-- {
			segs[j], segs[j-1] = segs[j-1], segs[j]
		}
	}
	label := ""
	var raw []byte
	for i, s := range segs {
		val := s.val
		if i == 0 && s.ext {
			parts := strings.SplitN(val, "'", 3)
			if len(parts) == 3 {
				label, val = parts[0], parts[2]
			}
		}
		if s.ext {
			raw = append(raw, percentDecode(val)...)
		} else {
			raw = append(raw, val...)
		}
	}
	out, _ := decodeText(raw, label)
	return out
}

func percentDecode(s string) []byte {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && hexDigit(s[i+1]) && hexDigit(s[i+2]) {
			out = append(out, hexValue(s[i+1])<<4|hexValue(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}

func hexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexValue(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// htmlToText makes readable text from an HTML body: tags stripped, line
// breaks kept where the layout had them (<br>, <p>, <div>, <li>, rows),
// entities decoded, <pre> kept as written (Amazon puts relay text there),
// scripts and styles dropped, and <blockquote> lines marked with "> " so
// quoted earlier mail can be told from new words.
func htmlToText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0 // inside script/style/head/title
	pre := 0  // inside pre
	preStart := false
	quote := 0     // blockquote depth
	atLine := true // at the start of an output line
	space := false // a collapsed space is pending
	nl := 0        // line breaks at the end of the output so far
	lineBreak := func() {
		b.WriteByte('\n')
		nl++
		atLine, space = true, false
	}
	newline := func(n int) {
		// End the current line and make sure n line breaks separate it
		// from what follows, without piling up blank lines.
		if b.Len() == 0 {
			return
		}
		for nl < n {
			lineBreak()
		}
		atLine, space = true, false
	}
	write := func(t string) {
		if t == "" {
			return
		}
		if atLine && quote > 0 {
			b.WriteString(strings.Repeat("> ", min(quote, 8)))
		}
		if space && !atLine {
			b.WriteByte(' ')
		}
		b.WriteString(t)
		atLine, space, nl = false, false, 0
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidyBlank(b.String())
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			if pre > 0 {
				if preStart {
					// A newline straight after <pre> is not content (HTML spec).
					t = strings.TrimPrefix(t, "\n")
				}
				preStart = false
				lines := strings.Split(t, "\n")
				for i, l := range lines {
					if i > 0 {
						lineBreak()
					}
					write(l)
				}
				continue
			}
			if strings.TrimSpace(t) == "" {
				space = space || t != ""
				continue
			}
			if t[0] == ' ' || t[0] == '\n' || t[0] == '\t' || t[0] == '\r' {
				space = true
			}
			trail := strings.TrimRight(t, " \n\t\r") != t
			write(strings.Join(strings.Fields(t), " "))
			space = trail
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			start := tt != html.EndTagToken
			switch tag {
			case "script", "style", "head", "title", "template":
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case "br":
				lineBreak()
			case "body":
				skip = 0 // an unclosed <head> must not hide the body
			case "p", "h1", "h2", "h3", "h4", "h5", "h6", "table":
				newline(2)
			case "div", "tr", "ul", "ol", "hr", "center", "section", "article", "header", "footer", "dl", "dt", "dd":
				newline(1)
			case "li":
				newline(1)
				if start {
					write("- ")
					space = false
				}
			case "td", "th":
				if start && !atLine {
					space = true
				}
			case "blockquote":
				newline(1)
				if start && tt == html.StartTagToken {
					quote++
				} else if !start && quote > 0 {
					quote--
				}
			case "pre":
				newline(1)
				if tt == html.StartTagToken {
					pre++
					preStart = true
				} else if tt == html.EndTagToken && pre > 0 {
					pre--
				}
			}
		}
	}
}

// tidyBlank trims line ends and folds runs of blank lines into one.
func tidyBlank(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\u00a0")
		if strings.TrimSpace(strings.ReplaceAll(l, "\u00a0", " ")) == "" {
			blank++
			if blank > 1 {
				continue
			}
			l = ""
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.Trim(strings.Join(out, "\n"), "\n")
}
