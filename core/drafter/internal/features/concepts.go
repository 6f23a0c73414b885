package features

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// concepts.tsv maps words, stems and CJK words of the seven languages to
// shared concept tokens (its header says how), so that what one language's
// examples teach about a concept counts in every language.
//
//go:embed concepts.tsv
var conceptsTSV string

// Lexicon is the concept lexicon's text, for the model's fingerprint.
func Lexicon() string { return conceptsTSV }

// questionConcept is emitted for a question mark, which the tokens drop.
const questionConcept = "QUESTION"

// part is one word of a lexicon phrase: a whole word, or a stem that
// matches every word it begins.
type part struct {
	text string
	stem bool
}

// phrase is a Latin-script pattern, indexed by its last word; before holds
// the words that must come just before it.
type phrase struct {
	concept uint16
	before  []part
}

type cjkWord struct {
	concept uint16
	runes   []rune
}

// lexicon is concepts.tsv parsed for matching while the tokens stream by.
type lexicon struct {
	names    []string
	unigram  []hash              // per concept: its feature key
	words    map[string][]phrase // phrases whose last word is this word
	stems    map[string][]phrase // phrases whose last word is this stem
	minStem  int
	maxStem  int                // bytes
	cjk      map[rune][]cjkWord // CJK words by their first character
	question uint16
}

// loadConcepts parses the embedded lexicon once, on first use (as the
// drafter decodes its models), so a program that never reads concepts (the
// language model's features) does not pay for it; it is never written after.
var loadConcepts = sync.OnceValue(func() *lexicon {
	lx, err := parseLexicon(conceptsTSV)
	if err != nil {
		panic("features: concepts.tsv: " + err.Error())
	}
	return lx
})

// parseLexicon reads the lexicon format (see concepts.tsv). Patterns are
// read with the tokenizer the model reads text with, so "Rücksendung",
// "d'accord" and "ci-joint" match what buyers type.
func parseLexicon(src string) (*lexicon, error) {
	lx := &lexicon{words: map[string][]phrase{}, stems: map[string][]phrase{}, cjk: map[rune][]cjkWord{}, minStem: 1 << 30}
	id := map[string]uint16{}
	conceptID := func(name string) uint16 {
		if c, ok := id[name]; ok {
			return c
		}
		c := uint16(len(lx.names))
		id[name] = c
		lx.names = append(lx.names, name)
		lx.unigram = append(lx.unigram, hash(offset32).byte(gConcept).str(name))
		return c
	}
	seen := map[string]bool{}
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, pats, ok := strings.Cut(line, "\t")
		if !ok || name == "" || strings.ToUpper(name) != name {
			return nil, fmt.Errorf("line %d: want CONCEPT<TAB>patterns", n+1)
		}
		c := conceptID(name)
		for _, p := range strings.Split(pats, "|") {
			p = strings.TrimSpace(p)
			if p == "" {
				return nil, fmt.Errorf("line %d: empty pattern", n+1)
			}
			key := name + "\x00" + p
			if seen[key] {
				continue
			}
			seen[key] = true
			if err := lx.add(c, p); err != nil {
				return nil, fmt.Errorf("line %d: %q: %w", n+1, p, err)
			}
		}
	}
	lx.question = conceptID(questionConcept)
	return lx, nil
}

func (lx *lexicon) add(c uint16, p string) error {
	var parts []part
	var cjk []rune
	for _, field := range strings.Fields(p) {
		stem := strings.HasSuffix(field, "*")
		field = strings.TrimSuffix(field, "*")
		if field == NumToken || field == MoneyToken {
			parts = append(parts, part{text: field})
			continue
		}
		var ts []token
		tokenize(field, true, func(t token) {
			t.runes = append([]rune(nil), t.runes...)
			ts = append(ts, t)
		})
		for i, t := range ts {
			switch {
			case t.cjk:
				cjk = append(cjk, t.runes...)
			case t.word != "":
				parts = append(parts, part{text: t.word})
			default:
				parts = append(parts, part{text: string(t.runes), stem: stem && i == len(ts)-1})
			}
		}
	}
	switch {
	case len(cjk) > 0 && len(parts) > 0:
		return fmt.Errorf("mixes CJK and other words")
	case len(cjk) > 0:
		if strings.Contains(p, "*") {
			return fmt.Errorf("a CJK pattern is a substring already; no stems")
		}
		lx.cjk[cjk[0]] = append(lx.cjk[cjk[0]], cjkWord{c, cjk})
		return nil
	case len(parts) == 0:
		return fmt.Errorf("no word")
	}
	last := parts[len(parts)-1]
	ph := phrase{concept: c, before: parts[:len(parts)-1]}
	if !last.stem {
		lx.words[last.text] = append(lx.words[last.text], ph)
		return nil
	}
	if utf8.RuneCountInString(last.text) < 3 {
		return fmt.Errorf("stem shorter than three letters")
	}
	lx.stems[last.text] = append(lx.stems[last.text], ph)
	lx.minStem = min(lx.minStem, len(last.text))
	lx.maxStem = max(lx.maxStem, len(last.text))
	return nil
}

// conceptMatcher collects the concepts of one message in the order they
// are found: at the last word of a Latin-script phrase, at the first
// character of a CJK word.
type conceptMatcher struct {
	lx     *lexicon
	hist   []string // the Latin-script words so far (since the last CJK run)
	events []uint16
}

func (m *conceptMatcher) emit(c uint16) {
	// A concept said twice in a row ("refund, refund!") or by two of its
	// patterns at once is one event.
	if n := len(m.events); n > 0 && m.events[n-1] == c {
		return
	}
	m.events = append(m.events, c)
}

// token matches one token: a CJK run, or the word w (and, after an
// elision such as l'adresse or dell'ordine, the word without it).
func (m *conceptMatcher) token(t token, w string) {
	if t.cjk {
		m.cjkRun(t.runes)
		return
	}
	m.matchLast(w)
	if e := elision(t); e != "" {
		m.matchLast(e)
	}
	m.hist = append(m.hist, w)
}

func (m *conceptMatcher) matchLast(w string) {
	for _, ph := range m.lx.words[w] {
		m.matchBefore(ph)
	}
	for n := m.lx.minStem; n <= min(len(w), m.lx.maxStem); n++ {
		for _, ph := range m.lx.stems[w[:n]] {
			m.matchBefore(ph)
		}
	}
}

func (m *conceptMatcher) matchBefore(ph phrase) {
	k := len(ph.before)
	if k > len(m.hist) {
		return
	}
	prev := m.hist[len(m.hist)-k:]
	for i, p := range ph.before {
		if prev[i] != p.text && !(p.stem && strings.HasPrefix(prev[i], p.text)) {
			return
		}
	}
	m.emit(ph.concept)
}

// cjkRun matches CJK words as substrings of a run of CJK characters.
func (m *conceptMatcher) cjkRun(rs []rune) {
	m.hist = m.hist[:0]
	for i, r := range rs {
		for _, cw := range m.lx.cjk[r] {
			if len(cw.runes) <= len(rs)-i && slices.Equal(rs[i:i+len(cw.runes)], cw.runes) {
				m.emit(cw.concept)
			}
		}
	}
}

// features adds the concept unigrams, the pairs of neighbouring concepts
// and, for a question mark, the question concept.
func (m *conceptMatcher) features(text string, c Config, add func(hash, float32)) {
	for i, e := range m.events {
		if c.Concept > 0 {
			add(m.lx.unigram[e], c.Concept)
		}
		if i > 0 && c.ConceptPair > 0 {
			a, b := m.events[i-1], e
			add(hash(offset32).byte(gConceptPair).str(m.lx.names[a]).byte(0).str(m.lx.names[b]), c.ConceptPair)
		}
	}
	if c.Concept > 0 && strings.ContainsAny(text, "?？") {
		add(m.lx.unigram[m.lx.question], c.Concept)
	}
}

// Concepts lists the concept tokens text carries, in order (for tests and
// for reading what the lexicon sees).
func Concepts(text string) []string {
	lx := loadConcepts()
	m := conceptMatcher{lx: lx}
	tokenize(text, true, func(t token) {
		w := t.word
		if w == "" && !t.cjk {
			w = string(t.runes)
		}
		m.token(t, w)
	})
	var out []string
	for _, e := range m.events {
		out = append(out, lx.names[e])
	}
	if strings.ContainsAny(text, "?？") {
		out = append(out, questionConcept)
	}
	return out
}

// elision is a word without the short prefix an apostrophe cut off
// (l'adresse, dell'ordine, qu'il), or "".
func elision(t token) string {
	if t.elided == 0 || t.elided >= len(t.runes) {
		return ""
	}
	return string(t.runes[t.elided:])
}
