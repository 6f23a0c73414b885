package mailapp

// Bounces and auto-replies. A bounce of one of our replies means the buyer
// never read it: the reply is marked not delivered, the deadline reopens
// and staff are told why. Auto-replies (out of office) must not open a
// conversation or count as a buyer's message.

import (
	"regexp"
	"strings"
)

// Bounce is a delivery failure of a mail we sent.
type Bounce struct {
	// OriginalMessageID is the Message-ID of the mail that failed, without
	// angle brackets; for our replies ParseReplyID recovers conversation
	// and message from it. Empty when the notice does not say.
	OriginalMessageID string
	Recipient         string // the address that failed, lower-case, if known
	Status            string // the DSN status code ("5.1.1"), if any
	// Reason is for staff: Amazon's stated reason, the remote server's
	// diagnostic, or a plain description of the status code.
	Reason  string
	OrderID string // the Amazon order id the failed mail was about, if any
	// OriginalSubject is the failed mail's subject where the notice gives
	// it: a fallback for matching when the Message-ID is missing.
	OriginalSubject string
}

// DetectBounce recognises RFC 3464 delivery reports (and older bounces from
// MAILER-DAEMON or postmaster) and Amazon's own "message not delivered"
// notices. A report that only says delivery is delayed is not a bounce.
func DetectBounce(m *Mail) (Bounce, bool) {
	if m == nil {
		return Bounce{}, false
	}
	local, domain, _ := strings.Cut(m.From.Addr, "@")
	// Relay addresses carry buyers' words ("my parcel was not delivered");
	// Amazon's own notices come from its other addresses.
	if amazonDomainRe.MatchString(domain) && !relayDomainRe.MatchString(domain) && (amazonFailRe.MatchString(m.Subject) || amazonFailRe.MatchString(m.Text)) {
		return amazonNotice(m), true
	}
	daemon := daemonRe.MatchString(local) || daemonRe.MatchString(m.From.Name)
	if !m.report.isReport && len(m.report.status) == 0 && !(daemon && bounceSubjectRe.MatchString(m.Subject)) {
		return Bounce{}, false
	}
	b := Bounce{}
	failed := len(m.report.status) == 0 // an old-style bounce says nothing more
	for _, blk := range m.report.status {
		action := strings.ToLower(strings.TrimSpace(blk.Get("Action")))
		rcpt := addrField(blk.Get("Final-Recipient"))
		if rcpt == "" {
			rcpt = addrField(blk.Get("Original-Recipient"))
		}
		if rcpt == "" {
			continue // the per-message block
		}
		status := strings.TrimSpace(strings.Fields(blk.Get("Status") + " ")[0])
		if action != "failed" && !strings.HasPrefix(status, "5.") {
			continue // delayed, delivered, relayed, expanded
		}
		failed = true
		b.Recipient, b.Status = rcpt, status
		b.Reason = diagnostic(blk.Get("Diagnostic-Code"))
		break
	}
	if !failed {
		return Bounce{}, false
	}
	if b.Reason == "" {
		b.Reason = statusReason(b.Status)
	}
	b.OriginalMessageID, b.OrderID, b.OriginalSubject = originalOf(m)
	if b.Recipient == "" && m.report.hasOriginal {
		if to := addressList(m.report.original.Get("To"), ""); len(to) > 0 {
			b.Recipient = to[0].Addr
		}
	}
	return b, true
}

var (
	// amazonDomainRe is any Amazon sending domain (amazon.com,
	// marketplace.amazon.de, sellercentral.amazon.co.uk, …).
	amazonDomainRe  = regexp.MustCompile(`(?:^|\.)amazon\.(?:(?:com|co)\.[a-z]{2}|[a-z]{2,3})$`)
	amazonFailRe    = regexp.MustCompile(`(?i)(?:message (?:was )?not delivered|could not be delivered|was not delivered|not been delivered|nicht zugestellt|konnte nicht zugestellt|n.a pas pu être (?:livré|remis|envoyé)|non (?:è stato|e' stato) (?:possibile )?(?:recapitat|consegnat)|no se (?:ha )?(?:podido|pudo) entregar|não foi (?:possível )?entregue|não pôde ser entregue|配信できませんでした|配信されませんでした|送信できませんでした|未能送达|无法送达|未送达)`)
	daemonRe        = regexp.MustCompile(`(?i)^(?:mailer-daemon|postmaster|mail delivery (?:subsystem|system)|mail-daemon)$`)
	bounceSubjectRe = regexp.MustCompile(`(?i)undeliver|delivery (?:status notification|failure|has failed)|returned mail|failure notice|nicht zustellbar|unzustellbar|non remis|no entregado|failed`)
	amazonReasonRe  = regexp.MustCompile(`(?im)^\s*(?:reason|grund|raison|motivo|motif|理由|原因)\s*[:：]\s*(.+)$`)
	amazonToRe      = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@marketplace\.amazon\.[a-z.]+[a-z]`)
	msgIDLineRe     = regexp.MustCompile(`(?im)^\s*message-id\s*:\s*<?([^<>\s]+@[^<>\s]+?)>?\s*$`)
	ourIDRe         = regexp.MustCompile(`sd-reply\.[A-Za-z0-9_\-]+\.[0-9]+@[A-Za-z0-9.\-]+`)
)

// amazonNotice reads Amazon's notice that a seller's mail did not reach the
// buyer: the reason Amazon gives, the buyer's relay address and the
// original mail's id or order.
func amazonNotice(m *Mail) Bounce {
	b := Bounce{}
	if mm := amazonReasonRe.FindStringSubmatch(m.Text); mm != nil {
		b.Reason = strings.TrimSpace(mm[1])
	} else {
		b.Reason = failParagraph(m.Text)
	}
	if mm := amazonToRe.FindString(m.Text); mm != "" {
		b.Recipient = strings.ToLower(mm)
	}
	b.OriginalMessageID, b.OrderID, b.OriginalSubject = originalOf(m)
	if b.OriginalSubject == "" {
		// "Message not delivered: RE: Question (Order: …)"
		if loc := amazonFailRe.FindStringIndex(m.Subject); loc != nil {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(m.Subject[loc[1]:]), ":"); ok {
				b.OriginalSubject = strings.TrimSpace(rest)
			}
		}
	}
	if b.OrderID == "" {
		b.OrderID = findOrderID(m.Subject)
	}
	if b.OrderID == "" {
		b.OrderID = findOrderID(m.Text)
	}
	return b
}

// failParagraph is the paragraph that says the mail failed, which is where
// Amazon explains why when it gives no "Reason:" line.
func failParagraph(text string) string {
	for _, para := range strings.Split(text, "\n\n") {
		if amazonFailRe.MatchString(para) {
			return strings.Join(strings.Fields(para), " ")
		}
	}
	return "Amazon did not deliver the message"
}

// originalOf finds the failed mail's Message-ID and order: from the
// returned header if the notice carried one, else from the text.
func originalOf(m *Mail) (id, order, subject string) {
	if m.report.hasOriginal {
		h := m.report.original
		id = firstMsgID(h.Get("Message-Id"))
		subject = strings.TrimSpace(decodeHeader(h.Get("Subject"), ""))
		order = findOrderID(subject)
	}
	if id == "" {
		if mm := msgIDLineRe.FindStringSubmatch(m.Text); mm != nil {
			id = mm[1]
		}
	}
	if id == "" {
		id = ourIDRe.FindString(m.Text)
	}
	return id, order, subject
}

// addrField reads "rfc822; buyer@example.com" from a DSN field.
func addrField(v string) string {
	if _, addr, ok := strings.Cut(v, ";"); ok {
		v = addr
	}
	return strings.ToLower(strings.Trim(strings.TrimSpace(v), "<>"))
}

// diagnostic reads "smtp; 550 5.1.1 <x>: User unknown" as the server's
// words.
func diagnostic(v string) string {
	v = strings.Join(strings.Fields(v), " ")
	if kind, rest, ok := strings.Cut(v, ";"); ok && !strings.Contains(kind, " ") {
		v = strings.TrimSpace(rest)
	}
	return v
}

// statusReason describes an RFC 3463 status code for staff when the server
// gave no diagnostic.
func statusReason(status string) string {
	switch {
	case status == "":
		return "the mail could not be delivered"
	case strings.HasSuffix(status, ".1.1"):
		return "the address does not exist (" + status + ")"
	case strings.HasSuffix(status, ".2.2"):
		return "the mailbox is full (" + status + ")"
	case strings.HasSuffix(status, ".7.1"):
		return "the receiving server refused the mail (" + status + ")"
	case strings.HasPrefix(status, "4."):
		return "delivery failed for now (" + status + ")"
	}
	return "the mail could not be delivered (" + status + ")"
}

// IsAutoReply recognises out-of-office and other automatic answers, which
// must not open a conversation or count as a buyer message. Relay mail
// from Amazon is judged by its subject only: Amazon's relay may add its own
// automation headers to a real buyer's words. A bounce carries the same
// headers but is a bounce (DetectBounce), not an auto-reply.
func IsAutoReply(m *Mail) bool {
	if m == nil {
		return false
	}
	if _, bounce := DetectBounce(m); bounce {
		return false
	}
	if autoSubjectRe.MatchString(m.Subject) {
		return true
	}
	_, domain, _ := strings.Cut(m.From.Addr, "@")
	if relayDomainRe.MatchString(domain) {
		return false
	}
	if v := strings.ToLower(strings.TrimSpace(m.header.Get("Auto-Submitted"))); v != "" && v != "no" {
		return true
	}
	if m.header.Has("X-Autoreply") || m.header.Has("X-Autorespond") || m.header.Has("X-Autoresponse") {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(m.header.Get("Precedence"))) {
	case "auto_reply", "auto-reply":
		return true
	}
	// Exchange sets this on its out-of-office answers.
	if v := strings.ToLower(m.header.Get("X-Auto-Response-Suppress")); strings.Contains(v, "oof") || strings.Contains(v, "all") {
		return true
	}
	return false
}

var autoSubjectRe = regexp.MustCompile(`(?i)^\s*(?:out of (?:the )?office|automatic reply|auto(?:matic)?[ -]?(?:reply|response)\b|auto:|abwesenheitsnotiz|automatische antwort|réponse automatique|absence|respuesta automática|fuera de la oficina|risposta automatica|fuori sede|resposta automática|自動応答|自動返信|不在|自动回复|自動回覆)`)
