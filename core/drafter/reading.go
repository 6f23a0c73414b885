package drafter

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core/drafter/internal/features"
)

// Several intents in one message ("it arrived broken and I want my money
// back") are found clause by clause: the message is cut at sentence ends
// and at the words that join two requests, and each clause long enough to
// carry a request is classified on its own. A clause's intent joins the
// reading only when the model is sure of it (secondaryConfidence), so a
// single request is not split into imagined ones.

// secondaryConfidence is the calibrated confidence a clause's intent needs
// to be added to a reading as a further intent.
const secondaryConfidence = 0.8

// secondaryWhole is the probability the whole message must give a clause's
// intent for it to be added.
const secondaryWhole = 0.01

// secondarySure is the clause confidence that adds an intent whatever the
// whole message says of it.
const secondarySure = 0.97

// joiners separate two requests inside a sentence, per language, as they
// appear in folded (lower-case) text with spaces around Latin words.
var joiners = map[string][]string{
	"en": {" and ", " but ", " also ", " plus ", " and also "},
	"de": {" und ", " aber ", " außerdem ", " ausserdem ", " sowie "},
	"fr": {" et ", " mais ", " aussi ", " en plus "},
	"it": {" e ", " ma ", " inoltre ", " anche "},
	"es": {" y ", " pero ", " además ", " ademas ", " también "},
	"ja": {"、そして", "そして", "それと", "また、", "あと、", "それから", "ので、", "けど、", "が、"},
	"zh": {"，而且", "而且", "还有", "另外", "并且", "，但是", "但是", "，然后", "然后", "，我要", "，我想", "，请"},
}

// sentenceEnd cuts sentences in every script.
func sentenceEnd(r rune) bool {
	switch r {
	case '.', '!', '?', ';', '\n', '。', '！', '？', '；', '…':
		return true
	}
	return false
}

// clause is a part of a message that may carry a request of its own.
// comma marks a piece of a clause cut at a comma ("the kettle leaks, I
// want my money back"): commas also list things and set off greetings, so
// a piece's intent joins a reading only beyond doubt (see read).
type clause struct {
	text  string
	comma bool
}

// clauses cuts text into the parts that may carry a request of their own:
// sentences cut at the words that join two requests, then, where a part
// holds a comma, its pieces too. Parts too short to carry a request (a
// greeting, an order id) are dropped; a message that does not split
// returns nil.
func clauses(text, lang string) []clause {
	var b strings.Builder
	for _, r := range text {
		b.WriteRune(features.Fold(r))
	}
	parts := strings.FieldsFunc(b.String(), sentenceEnd)
	for _, j := range joiners[lang] {
		var next []string
		for _, p := range parts {
			next = append(next, strings.Split(p, j)...)
		}
		parts = next
	}
	var whole, pieces []clause
	for _, p := range parts {
		if p = trimClause(p); !substantial(p) {
			continue
		}
		whole = append(whole, clause{text: p})
		if !strings.Contains(p, ",") {
			continue // one piece, the part itself: read and checked already
		}
		var cut []clause
		for q := range strings.SplitSeq(p, ",") {
			if q = trimClause(q); substantial(q) {
				cut = append(cut, clause{text: q, comma: true})
			}
		}
		if len(cut) > 1 {
			pieces = append(pieces, cut...)
		}
	}
	if len(whole) < 2 {
		// One part: the whole message again, read already.
		whole = nil
	}
	return append(whole, pieces...)
}

func trimClause(p string) string {
	return strings.TrimFunc(p, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
}

// substantial: at least two words of letters, or four CJK characters.
func substantial(p string) bool {
	words, cjk := 0, 0
	for _, t := range features.Tokens(p) {
		if t.CJK {
			cjk += utf8.RuneCountInString(t.Text)
		} else if t.Text != features.NumToken && t.Text != features.MoneyToken {
			words++
		}
	}
	return words >= 2 || cjk >= 4
}

// photoWords and sentWords: a message mentioning both says photos are
// attached or sent ("photos attached", "Fotos anbei", "je joins des
// photos", "allego le foto", "adjunto fotos", "写真を添付", "附上照片").
// Matched on folded, accent-free text.
var (
	photoWords = []string{"photo", "picture", "pic ", "pics", "image", "screenshot", "foto", "bild", "写真", "画像", "照片", "图片", "圖片", "截图", "附图"}
	sentWords  = []string{"attach", "enclos", "sent ", "sending", "i send", "uploaded", "here are", "here is", "see the",
		"anbei", "anhang", "angehangt", "beigefugt", "geschickt", "gesendet", "schicke",
		"joint", "joins", "envoye", "envoie",
		"allegat", "allego", "inviat", "mandat", "invio",
		"adjunt", "envie", "envio", "mando",
		"添付", "送り", "送付", "送信", "付け",
		"附上", "附件", "已发", "发给", "发了", "上传", "见附", "附圖", "附图", "拍了"}
)

// mentionsPhotos reports whether the buyer says photos are attached or
// sent: a photo word with a sent word in its sentence or the one either
// side ("I took photos. See attached."), so that the listing's photos in
// one sentence and "I won't send it back" two sentences on do not count.
// One pass over the sentences; the long list of sent words is read only
// beside a photo word.
func mentionsPhotos(text string) bool {
	has := func(sent string, list []string) bool {
		for _, w := range list {
			if strings.Contains(sent, w) {
				return true
			}
		}
		return false
	}
	prev, prevPhoto := "", false
	for sent := range strings.FieldsFuncSeq(features.Deaccent(text), sentenceEnd) {
		sent += " " // "sent " matches at the sentence's end
		photo := has(sent, photoWords)
		if (photo || prevPhoto) && has(sent, sentWords) || photo && has(prev, sentWords) {
			return true
		}
		prev, prevPhoto = sent, photo
	}
	return false
}
