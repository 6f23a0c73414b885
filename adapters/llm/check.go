package llm

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/draftcheck"
)

// maxReplyRunes caps a draft: a help-channel answer is a few sentences, and
// a model that writes pages has lost the thread.
const maxReplyRunes = 1500

// maxSummaryRunes caps the staff summary, which is meant to be one line.
const maxSummaryRunes = 300

// leakMarkers show a reply repeating its prompt.
var leakMarkers = []string{"buyer_message", "staff_reply", "get_order", "rules for every reply"}

// maxReasons is how many failed checks a staff note lists; the rest are
// counted.
const maxReasons = 3

// checkReply returns why text may not be offered to staff as a draft, or nil
// when it may. What a model's answer may say about the order — amounts,
// claims that something was refunded, cancelled, shipped or returned, order
// ids, links — is core's rule (core/draftcheck), judged against req's order;
// this adds what only a model gets wrong: an empty or overlong answer, or
// one that repeats its prompt. The staff note quotes what the answer got
// wrong; the log names only the rules, as it holds no model or buyer text.
func checkReply(text string, req core.DraftRequest, allowedLinks []string) *failure {
	if strings.TrimSpace(text) == "" {
		return checkFailed("empty answer")
	}
	if n := utf8.RuneCountInString(text); n > maxReplyRunes {
		return checkFailed(fmt.Sprintf("too long: %d characters, limit %d", n, maxReplyRunes))
	}
	lower := strings.ToLower(text)
	for _, m := range leakMarkers {
		if strings.Contains(lower, m) {
			return checkFailed("repeats its instructions")
		}
	}
	ps := draftcheck.Check(text, req, draftcheck.Policy{AllowedLinks: allowedLinks})
	if len(ps) == 0 {
		return nil
	}
	reason := draftcheck.Reasons(ps[:min(len(ps), maxReasons)])
	if n := len(ps) - maxReasons; n > 0 {
		reason += fmt.Sprintf("; and %d more", n)
	}
	var rules []string
	for _, p := range ps {
		if !slices.Contains(rules, string(p.Rule)) {
			rules = append(rules, string(p.Rule))
		}
	}
	return &failure{reason: reason, logReason: "failed checks: " + strings.Join(rules, ", ")}
}

// checkSummary splits the model's answer into the staff summary (its first
// line) and the line-by-line translation after translationMark, if any;
// reason is set when there is no usable summary. The translation is kept
// to maxTranslationLines lines of at most maxSummaryRunes each: it is for
// staff to read, not a place for a model to write at length.
func checkSummary(s string) (line, translation, reason string) {
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")), "\n")
	line = strings.TrimSpace(lines[0])
	if line == "" || line == translationMark {
		return "", "", "empty summary"
	}
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != translationMark {
			continue
		}
		var kept []string
		for _, l := range lines[i+1:] {
			if l = strings.TrimSpace(l); l != "" && len(kept) < maxTranslationLines {
				kept = append(kept, clipRunes(l, maxSummaryRunes))
			}
		}
		translation = strings.Join(kept, "\n")
		break
	}
	return clipRunes(line, maxSummaryRunes), translation, ""
}

// maxTranslationLines caps the staff translation.
const maxTranslationLines = 60

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
