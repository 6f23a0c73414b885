package draftcheck

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// normalized is a draft as the checks read it, with the way back to what
// was written so a staff note can quote it.
type normalized struct {
	text string
	orig string
	from []int // from[i] is the byte of orig that text[i] came from; from[len(text)] is len(orig)
}

// original returns what was written for text[i:j] as a staff note may
// quote it (quotable).
func (n normalized) original(i, j int) string { return quotable(n.orig[n.from[i]:n.from[j]]) }

// quotable keeps of model text only what a quote in a staff note needs:
// letters, digits, spaces and the marks of amounts and words. Invisible
// characters go, so a quote cannot hide or reorder anything, and so do
// markup and mention characters (*, _, [, ], <, >, @, …), so a quote renders
// as plain text on every desk, whatever escaping the desk does.
func quotable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case invisible(r):
			return -1
		case unicode.IsLetter(r), unicode.IsDigit(r), unicode.Is(unicode.Mn, r), r == ' ':
			return r
		case strings.ContainsRune("'’.,-/%€$£¥₩…", r):
			return r
		}
		return -1
	}, s)
}

// normalize makes text read the way a buyer reads it, so a check cannot be
// slipped past with characters that look the same: full-width forms become
// ASCII, look-alike Cyrillic and Greek letters become Latin, every dash is
// "-" and every space " ", invisible characters (zero-width, soft hyphen,
// bidirectional controls) and markup are dropped, Latin accents are taken off
// ("remboursé" is matched as "rembourse", "zurück" as "zurueck") and the
// text is lower-cased.
func normalize(s string) string { return normalizeText(s).text }

// markup is Markdown and mrkdwn emphasis and link brackets: a desk renders
// "re*fund*ed" and "[issued](…)" as the words, so the checks read the words.
const markup = "*_~`[]"

func normalizeText(s string) normalized {
	var b strings.Builder
	b.Grow(len(s))
	from := make([]int, 0, len(s)+1)
	for at, r := range s {
		switch {
		case (r == '。' || r == '｡') && hostDot(b.String(), s[at+len(string(r)):]):
			// Browsers read an ideographic full stop inside a host name
			// as a dot: "acme-refund。com" is acme-refund.com.
			r = '.'

		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		case r == 0xFFE5: // full-width yen sign
			r = '¥'
		case r == 0x3000 || r == 0x00A0 || (r >= 0x2000 && r <= 0x200A) || r == 0x202F || r == 0x205F:
			r = ' '
		case r >= 0x2010 && r <= 0x2015, r == 0x2212, r == 0xFE58, r == 0xFE63:
			r = '-'
		case r == 0x2018 || r == 0x2019 || r == 0x02BC || r == 0x2032:
			r = '\''
		case invisible(r), strings.ContainsRune(markup, r):
			continue
		}
		out := string(unicode.ToLower(r))
		if f, ok := fold[r]; ok {
			out = f
		}
		for range len(out) {
			from = append(from, at)
		}
		b.WriteString(out)
	}
	return normalized{text: b.String(), orig: s, from: append(from, len(s))}
}

// hostDot reports whether a full stop between before and after joins two
// labels of a host name: ASCII letters or digits (full-width too) on both
// sides.
func hostDot(before, after string) bool {
	if before == "" || after == "" {
		return false
	}
	p := before[len(before)-1]
	next, _ := utf8.DecodeRuneInString(after)
	if next >= 0xFF01 && next <= 0xFF5E {
		next -= 0xFEE0
	}
	alnum := func(c rune) bool { return c < utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c)) }
	return alnum(rune(p)) && alnum(next)
}

// invisible reports characters a reader does not see: zero-width ones, the
// soft hyphen, bidirectional controls and combining accents on Latin
// letters (which normalize takes off with the accent-folding).
func invisible(r rune) bool {
	return r == 0x00AD || (r >= 0x200B && r <= 0x200F) || (r >= 0x202A && r <= 0x202E) ||
		(r >= 0x2060 && r <= 0x2069) || r == 0xFEFF || r == 0x180E || r == 0x034F ||
		(r >= 0x0300 && r <= 0x036F)
}

// fold maps accented Latin letters to their base letter and letters that
// look Latin (Cyrillic, Greek) to the Latin one they imitate.
var fold = func() map[rune]string {
	m := map[rune]string{}
	add := func(to string, from string) {
		for _, r := range from {
			m[r] = to
			if u := unicode.ToUpper(r); u != r {
				m[u] = to
			}
		}
	}
	// German umlauts fold as Germans write them without: "würde" (would)
	// must not become "wurde" (was).
	add("ae", "ä")
	add("oe", "ö")
	add("ue", "ü")
	add("ss", "ß")
	add("a", "àáâãåāăą")
	add("c", "çćĉċč")
	add("e", "èéêëēĕėęě")
	add("i", "ìíîïĩīĭįı")
	add("n", "ñńņň")
	add("o", "òóôõøōŏő")
	add("u", "ùúûũūŭůűų")
	add("y", "ýÿŷ")
	add("s", "śŝşš")
	add("z", "źżž")
	// Cyrillic and Greek look-alikes.
	add("a", "аα")
	add("c", "с")
	add("e", "еε")
	add("i", "іι")
	add("j", "ј")
	add("k", "кκ")
	add("o", "оο")
	add("p", "рρ")
	add("s", "ѕ")
	add("x", "хχ")
	add("y", "у")
	add("v", "ν")
	add("t", "τ")
	return m
}()

// sentence is one sentence of a draft and where it starts.
type sentence struct {
	text string
	at   int
}

// sentences splits normalised text at sentence ends, including the
// Chinese and Japanese ones. A full stop between digits (28.75) or inside
// a word (example.com) does not end a sentence.
func sentences(t string) []sentence {
	var out []sentence
	start := 0
	rs := []rune(t)
	pos := 0 // byte offset of rs[i]
	for i, r := range rs {
		size := len(string(r))
		end := false
		switch r {
		case '!', '?', ';', '\n', '…', '。', '！', '？', '；':
			end = true
		case '.':
			// Only a stop followed by a space or the end ends a sentence; a
			// colon only breaks a clause ("Refund status: done" is one).
			// The stop of a German day ("am 25. März") ends nothing.
			end = (i+1 == len(rs) || unicode.IsSpace(rs[i+1])) && !germanDay(t[:pos], t[pos+size:])
		}
		if end {
			if s := t[start : pos+size]; strings.TrimSpace(s) != "" {
				out = append(out, sentence{text: s, at: start})
			}
			start = pos + size
		}
		pos += size
	}
	if s := t[start:]; strings.TrimSpace(s) != "" {
		out = append(out, sentence{text: s, at: start})
	}
	return out
}

// wordsBefore returns the words of s before byte offset at, back to the
// nearest clause break (a comma, a colon, a spaced dash, brackets or
// quotes), nearest first. Numbers and currency signs are not words:
// "28,75 € erstattet" reads as "erstattet" with nothing in front.
func wordsBefore(s string, at int) []string {
	head := s[:at]
	for i := len(head) - 1; i >= 0; i-- {
		if clauseBreak(head, i) {
			head = head[i+1:]
			break
		}
	}
	fields := strings.FieldsFunc(head, func(r rune) bool {
		return !(unicode.IsLetter(r) || r == '\'')
	})
	for i, j := 0, len(fields)-1; i < j; i, j = i+1, j-1 {
		fields[i], fields[j] = fields[j], fields[i]
	}
	return fields
}

// clauseBreak reports whether the byte at i of s ends a clause. A comma
// between digits groups thousands and a hyphen inside a word joins it; the
// Chinese and Japanese commas are multi-byte, so their last byte is matched.
func clauseBreak(s string, i int) bool {
	switch s[i] {
	case ',':
		return !(i > 0 && isDigit(s[i-1]) && i+1 < len(s) && isDigit(s[i+1]))
	case '-':
		return (i > 0 && s[i-1] == ' ') || (i+1 < len(s) && s[i+1] == ' ')
	case ':', '(', ')', '"', '[', ']':
		return true
	}
	for _, b := range []string{"，", "、", "：", "（", "）", "“", "”", "«", "»", "「", "」"} {
		if i+1 >= len(b) && s[i+1-len(b):i+1] == b {
			return true
		}
	}
	return false
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// germanDay reports whether a full stop between before and after is the
// ordinal stop of a German date: one or two digits standing alone, then a
// month ("25. märz 2026", normalised).
func germanDay(before, after string) bool {
	n := 0
	for n < len(before) && n < 3 && isDigit(before[len(before)-1-n]) {
		n++
	}
	if n == 0 || n > 2 || (len(before) > n && !unicode.IsSpace(rune(before[len(before)-1-n]))) {
		return false
	}
	return germanMonth.MatchString(after)
}

var germanMonth = regexp.MustCompile(`^ (?:januar|jaenner|februar|maerz|april|mai|juni|juli|august|september|oktober|november|dezember|jan|feb|mrz|apr|jun|jul|aug|sep|sept|okt|nov|dez)\b`)
