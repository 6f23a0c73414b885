package mailapp

// Amazon Buyer-Seller Messaging relay mail, and the new words in any other
// mail. Amazon wraps the buyer's text in its own: an order header, one line
// per item, dashed "Begin message"/"End message" markers (localised per
// marketplace) and a footer. Only the buyer's words go to staff and the
// drafter, so the wrapper and any quoted earlier mail are cut away here.

import (
	"regexp"
	"strings"
)

// Relay is what an Amazon relay mail says beyond the mail itself.
type Relay struct {
	OrderID     string // 3-7-7 digits, e.g. 102-5239268-9612243
	Marketplace string // "amazon.de", from the relay address
	BuyerName   string // display name without Amazon's suffix; may be empty
	BuyerAddr   string // the relay address, lower-case: replies go here
	Words       string // the buyer's own words only
	// SellerCopy marks Amazon's copy of a message the seller sent through
	// Seller Central: not a buyer message.
	SellerCopy bool
}

// relayDomainRe is the relay's sender domain: marketplace.amazon.<tld> for
// any marketplace (com, co.uk, de, co.jp, com.mx, com.be, …), matched by
// shape so a marketplace opened tomorrow still counts.
var relayDomainRe = regexp.MustCompile(`^marketplace\.amazon\.((?:com|co)\.[a-z]{2}|[a-z]{2,3})$`)

// orderIDRe is an Amazon order id: 3-7-7 digits (D01-… for digital orders),
// not part of a longer number.
var orderIDRe = regexp.MustCompile(`(?:^|[^0-9A-Za-z-])((?:[0-9]{3}|D[0-9]{2})-[0-9]{7}-[0-9]{7})(?:[^0-9-]|$)`)

// AmazonRelay recognises a relay mail by its sender domain and reads the
// order id (subject first, then body), the marketplace, the buyer's name
// and the buyer's words. ok is false for any other mail, and for relay
// mail without an order id (the channel ties every conversation to an
// order, so such a mail is handled as ordinary mail).
func AmazonRelay(m *Mail) (Relay, bool) {
	if m == nil {
		return Relay{}, false
	}
	_, domain, _ := strings.Cut(m.From.Addr, "@")
	if !relayDomainRe.MatchString(domain) {
		return Relay{}, false
	}
	id := findOrderID(m.Subject)
	if id == "" {
		id = findOrderID(m.Text)
	}
	if id == "" {
		return Relay{}, false
	}
	r := Relay{
		OrderID:     id,
		Marketplace: strings.TrimPrefix(domain, "marketplace."),
		BuyerName:   buyerName(m.From.Name),
		BuyerAddr:   m.From.Addr,
		SellerCopy:  sellerCopyRe.MatchString(m.Text),
	}
	if r.SellerCopy {
		// The display name is the shop's own; the buyer is named in
		// Amazon's first line, where it says so.
		r.BuyerName = ""
		if mm := sentToRe.FindStringSubmatch(m.Text); mm != nil {
			r.BuyerName = strings.TrimSpace(mm[1])
		}
	}
	r.Words = relayWords(m.Text)
	return r, true
}

func findOrderID(s string) string {
	if mm := orderIDRe.FindStringSubmatch(s); mm != nil {
		return mm[1]
	}
	return ""
}

// buyerSuffixRe is Amazon's addition to the buyer's name in the display
// name ("Jonas - Amazon Marketplace", "山田 - Amazon マーケットプレイス",
// "Jonas über Amazon").
var buyerSuffixRe = regexp.MustCompile(`(?i)\s*(?:[-–—|]\s*|\s+(?:via|über|par|por|tramite|através de|通过|経由)\s+)(?:marketplace\s+)?(?:amazon|アマゾン|亚马逊)(?:[^a-z].*)?$`)

func buyerName(display string) string {
	n := strings.TrimSpace(buyerSuffixRe.ReplaceAllString(display, ""))
	if strings.HasPrefix(strings.ToLower(n), "amazon") {
		return "" // the display name was only Amazon's
	}
	return n
}

// sellerCopyRe is the first line of Amazon's copy of a seller's own
// message, in the marketplaces' languages.
var sellerCopyRe = regexp.MustCompile(`(?i)(?:here is a copy of the e-?mail (?:that )?you sent|kopie der e-?mail, die sie an|copie de l.e-?mail que vous avez envoy|copia del (?:e-?mail|correo electr[oó]nico) que (?:has|ha) enviado|copia dell.e-?mail che hai inviato|c[oó]pia do e-?mail que voc[eê] enviou|に送信した(?:e|E|Ｅ)?メールのコピー|发送给.{0,40}的(?:电子)?邮件副本|kopie van de e-?mail die u)`)

var sentToRe = regexp.MustCompile(`(?i)you sent to ([^.\n]{1,80})\.`)

// markerRe is the shape of Amazon's dashed marker lines, in any language:
// "------------- Begin message -------------".
var markerRe = regexp.MustCompile(`^\s*-{5,}\s*([^-].*?)\s*-{5,}\s*$`)

// originalRe names a separator before quoted earlier mail, in the
// languages sellers meet ("--- Original message ---", "-----Ursprüngliche
// Nachricht-----", "Message d'origine", "元のメッセージ", "原始邮件", …).
var originalRe = regexp.MustCompile(`(?i)^\s*(?:-{2,}|_{2,})?\s*(?:original(?:e|a)? ?(?:message|nachricht|mensaje|messaggio|mensagem|bericht)|ursprüngliche nachricht|message d.origine|mensaje original|messaggio originale|mensagem original|oorspronkelijk bericht|wiadomość oryginalna|forwarded message|weitergeleitete nachricht|元のメッセージ|原始邮件|原始郵件|原邮件|---+ ?転送)\s*(?:-{2,}|_{2,})?\s*$`)

// relayWords cuts the buyer's words out of a relay body: between the first
// dashed marker and the next, or, where Amazon sent no markers, the text
// after the order and item lines and before the footer.
func relayWords(text string) string {
	lines := strings.Split(text, "\n")
	begin, end := -1, len(lines)
	for i, l := range lines {
		if !markerRe.MatchString(l) || originalRe.MatchString(l) {
			continue
		}
		if begin < 0 {
			begin = i
			continue
		}
		end = i
		break
	}
	if begin >= 0 {
		return Words(&Mail{Text: strings.Join(lines[begin+1:end], "\n")})
	}
	// No markers: skip Amazon's header and item lines, stop at its footer.
	start := 0
	for i, l := range lines {
		if itemLineRe.MatchString(l) || orderHeaderRe.MatchString(l) {
			start = i + 1
		}
	}
	stop := len(lines)
	for i := start; i < len(lines); i++ {
		if footerRe.MatchString(lines[i]) {
			stop = i
			break
		}
	}
	return Words(&Mail{Text: strings.Join(lines[start:stop], "\n")})
}

// itemLineRe is an item line ("1 of Garden hose [ASIN: B01FCAWEYM]").
var itemLineRe = regexp.MustCompile(`\[ASIN:?\s*[A-Z0-9]{10}\]|^\s*ASIN:?\s*[A-Z0-9]{10}\s*$`)

// orderHeaderRe is the order header line ("Order ID 102-…:", "订单编号：…").
var orderHeaderRe = regexp.MustCompile(`(?i)^\s*(?:order id|order|bestellnummer|bestellung|n° de commande|commande|número de pedido|pedido|numero ordine|ordine|注文番号|订单编号|訂單編號)\b?\s*[:：#]?\s*(?:[0-9]{3}|D[0-9]{2})-[0-9]{7}-[0-9]{7}\s*[:：]?\s*$`)

// footerRe starts Amazon's footer after the message.
var footerRe = regexp.MustCompile(`(?i)^\s*(?:for your information:|to help arbitrate disputes|zu ihrer information:|pour votre information|para tu información|per tua informazione|para sua informação|ご参考までに|供参考|was this email helpful|war diese e-mail hilfreich)`)

// Words returns the sender's new words in a mail: quoted earlier mail
// ("> " lines, "On … wrote:" attributions, "Original message" blocks,
// Outlook's From/Sent block), signatures ("-- ", "Sent from my iPhone")
// removed.
func Words(m *Mail) string {
	if m == nil {
		return ""
	}
	lines := strings.Split(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if cutHere(lines, i) {
			break
		}
		if strings.HasPrefix(strings.TrimLeft(l, " "), ">") {
			continue
		}
		out = append(out, l)
	}
	return tidyBlank(strings.Join(out, "\n"))
}

// cutHere says whether line i starts quoted history or a signature.
func cutHere(lines []string, i int) bool {
	l := strings.TrimRight(lines[i], " \t")
	t := strings.TrimSpace(l)
	if l == "--" || lines[i] == "-- " || l == "—" {
		return true
	}
	if originalRe.MatchString(t) || outlookRuleRe.MatchString(t) || deviceSigRe.MatchString(t) {
		return true
	}
	if attributionRe.MatchString(t) {
		return true
	}
	// An attribution wrapped over two lines: "On Fri, 4 Dec 2026 at 10:02,
	// Shop <a@b>" / "wrote:".
	if i+1 < len(lines) {
		two := t + " " + strings.TrimSpace(lines[i+1])
		if attributionStartRe.MatchString(t) && attributionRe.MatchString(two) {
			return true
		}
	}
	// Any "…<addr>:" line followed by quoted lines is an attribution in a
	// language not listed above.
	if strings.Contains(t, "@") && (strings.HasSuffix(t, ":") || strings.HasSuffix(t, "：")) && nextQuoted(lines, i) {
		return true
	}
	// Outlook's header block: "From: …" then "Sent:"/"Date:" soon after.
	if outlookFromRe.MatchString(t) {
		for j := i + 1; j < len(lines) && j <= i+4; j++ {
			if outlookSentRe.MatchString(strings.TrimSpace(lines[j])) {
				return true
			}
		}
	}
	return false
}

func nextQuoted(lines []string, i int) bool {
	for j := i + 1; j < len(lines) && j <= i+3; j++ {
		if t := strings.TrimSpace(lines[j]); t != "" {
			return strings.HasPrefix(t, ">")
		}
	}
	return false
}

var (
	attributionRe = regexp.MustCompile(`(?i)^(?:on\s.{0,200}\swrote|am\s.{0,200}\sschrieb.{0,120}|le\s.{0,200}\sa écrit|el\s.{0,200}\sescribió|il\s.{0,200}\sha scritto|em\s.{0,200}\sescreveu|op\s.{0,200}\sschreef.{0,120}|w dniu\s.{0,200}\snapisał.{0,60}|.{0,200}のメッセージ|.{0,200}(?:写道|寫道))\s*[:：]?\s*$`)
	// attributionStartRe is the first line of a wrapped attribution.
	attributionStartRe = regexp.MustCompile(`(?i)^(?:on|am|le|el|il|em|op|w dniu)\s.*(?:\d|@|>)`)
	outlookRuleRe      = regexp.MustCompile(`^_{10,}$`)
	deviceSigRe        = regexp.MustCompile(`(?i)^(?:sent from my \w+|von meinem \w+ gesendet|envoyé de mon \w+|enviado desde mi \w+|inviato da(?:l mio)? \w+|get outlook for \w+|iphoneから送信|发自我的\w+)`)
	outlookFromRe      = regexp.MustCompile(`(?i)^\*?(?:from|von|de|da|van|差出人|发件人)\s*\*?[:：]`)
	outlookSentRe      = regexp.MustCompile(`(?i)^\*?(?:sent|date|gesendet|datum|envoyé|enviado|inviato|verzonden|送信日時|发送时间)\s*\*?[:：]`)
)
