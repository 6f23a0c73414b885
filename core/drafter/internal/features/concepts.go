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
	// the concepts the speech-act features read (absent: noConcept)
	neg, qword, please, want, noneed, cond uint16
}

const noConcept = 1<<16 - 1

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
	find := func(name string) uint16 {
		if c, ok := id[name]; ok {
			return c
		}
		return noConcept
	}
	lx.neg, lx.qword, lx.please, lx.want, lx.noneed, lx.cond = find("NEG"), find("QWORD"), find("PLEASE"), find("WANT"), find("NONEED"), find("IF")
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
		}, nil)
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
// character of a CJK word; with each, where it was (for the speech-act
// features).
type conceptMatcher struct {
	lx     *lexicon
	hist   []string // the Latin-script words so far (since the last CJK run)
	events []uint16
	at     []place
	pos    int32 // words so far; a CJK character counts as one
	// sentences: those ended so far, and whether the current one has begun.
	sentences []sentence
	open      bool
}

// place is where a concept was found: its word position and sentence.
type place struct {
	pos, sentence int32
	cjk           bool
}

// sentence is how one sentence ended, and whether CJK grammar asked (か,
// 吗, 呢 at its end).
type sentence struct {
	end   rune
	asked bool
}

func (m *conceptMatcher) cur() *sentence {
	if len(m.sentences) == 0 || !m.open {
		m.sentences = append(m.sentences, sentence{})
		m.open = true
	}
	return &m.sentences[len(m.sentences)-1]
}

func (m *conceptMatcher) emit(c uint16, pos int32, cjk bool) {
	// A concept said twice in a row ("refund, refund!") or by two of its
	// patterns at once is one event.
	if n := len(m.events); n > 0 && m.events[n-1] == c {
		return
	}
	m.cur()
	m.events = append(m.events, c)
	m.at = append(m.at, place{pos, int32(len(m.sentences) - 1), cjk})
}

// brk ends the current sentence with the mark r ("!?" asks, too).
func (m *conceptMatcher) brk(r rune) {
	switch {
	case m.open:
		m.sentences[len(m.sentences)-1].end = r
		m.open = false
	case r == '?' && len(m.sentences) > 0:
		m.sentences[len(m.sentences)-1].end = r
	}
}

// token matches one token: a CJK run, or the word w (and, after an
// elision such as l'adresse or dell'ordine, the word without it).
func (m *conceptMatcher) token(t token, w string) {
	m.cur()
	if t.cjk {
		m.cjkRun(t.runes)
		m.pos += int32(len(t.runes))
		return
	}
	m.matchLast(w)
	if e := elision(t); e != "" {
		m.matchLast(e)
	}
	m.hist = append(m.hist, w)
	m.pos++
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
	m.emit(ph.concept, m.pos, false)
}

// cjkRun matches CJK words as substrings of a run of CJK characters.
func (m *conceptMatcher) cjkRun(rs []rune) {
	m.hist = m.hist[:0]
	for i, r := range rs {
		for _, cw := range m.lx.cjk[r] {
			if len(cw.runes) <= len(rs)-i && slices.Equal(rs[i:i+len(cw.runes)], cw.runes) {
				m.emit(cw.concept, m.pos+int32(i), true)
			}
		}
	}
	switch rs[len(rs)-1] {
	case 'か', '吗', '嗎', '呢':
		m.cur().asked = true
	}
}

// Negation scope, in words (a CJK character is one): a negation this
// close before a concept governs it ("nothing to return", 不用退); a
// "nothing to do" phrase one word further ("no need for the return
// label"); in CJK text also a negation just after it (Japanese negates at
// the verb's end: 返品は必要ありません).
const (
	negBefore    = 3
	noNeedBefore = 4
	negAfterCJK  = 6
)

// features adds the concept unigrams (a negated concept's only as its
// speech act: "nothing to return" is no return), the pairs of
// neighbouring concepts and, for a question mark, the question concept;
// then the speech acts.
func (m *conceptMatcher) features(text string, c Config, add func(hash, float32)) {
	var buf [32]bool
	neg := m.negations(c, buf[:0])
	for i, e := range m.events {
		if c.Concept > 0 && !neg[i] {
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
	m.acts(c, neg, func(kind, mood byte, name string, w float32) {
		h := hash(offset32).byte(gAct).byte(kind).str(name)
		if mood != 0 {
			h = h.byte(mood)
		}
		add(h, w)
	})
}

// negations reports, for each concept, whether a negation governs it and
// it is read as negated (Config.Neg), appended to buf: once per message,
// for both the unigrams and the speech acts.
func (m *conceptMatcher) negations(c Config, buf []bool) []bool {
	for i, e := range m.events {
		buf = append(buf, c.Neg > 0 && e != m.lx.neg && e != m.lx.noneed && m.negated(i))
	}
	return buf
}

// negated reports whether a negation governs the i-th concept.
func (m *conceptMatcher) negated(i int) bool {
	lx := m.lx
	p := m.at[i]
	for j, e := range m.events {
		q := m.at[j]
		if e != lx.neg && e != lx.noneed || q.sentence != p.sentence || j == i {
			continue
		}
		before := int32(negBefore)
		if e == lx.noneed {
			before = noNeedBefore
		}
		if q.pos < p.pos && p.pos-q.pos <= before || p.cjk && q.cjk && q.pos > p.pos && q.pos-p.pos <= negAfterCJK {
			return true
		}
	}
	return false
}

// sentenceRead is what the speech acts read of one sentence.
type sentenceRead struct {
	mood byte // asks, requests or states
	cond bool // it has "if"
}

// Sentence moods.
const (
	asks     = 'Q' // a question mark, an interrogative (QWORD), か or 吗 at the end
	requests = 'R' // not asking, but please or want
	states   = 'S'
)

// acts calls f with the speech-act features of the concepts (Config.Mood,
// Neg, Edge, Cond): kind 'q' a concept in a question; 'n' a negated one
// (neg, from negations); 'h' one in a sentence with "if"; 'f'
// and 'l' one in the first or last of several sentences,
// once alone and once with the sentence's mood; 'L' one in the last
// sentence of a message that asks nothing (a closing "thanks").
func (m *conceptMatcher) acts(c Config, neg []bool, f func(kind, mood byte, name string, w float32)) {
	if !c.hasActs() || len(m.events) == 0 {
		return
	}
	lx := m.lx
	n := int32(len(m.sentences))
	// Each sentence's mood, and whether it has "if" (wenn, si, もし, 如果):
	// then it is hypothetical, "if I order it, can I cancel?" asks about a
	// rule, not for an action.
	var buf [8]sentenceRead
	sents := buf[:0]
	if n > int32(len(buf)) {
		sents = make([]sentenceRead, 0, n)
	}
	for _, s := range m.sentences {
		mood := byte(states)
		if s.end == '?' || s.asked {
			mood = asks
		}
		sents = append(sents, sentenceRead{mood: mood})
	}
	for i, e := range m.events {
		s := &sents[m.at[i].sentence]
		switch e {
		case lx.cond:
			s.cond = true
		case lx.qword:
			s.mood = asks
		case lx.please, lx.want:
			if s.mood == states {
				s.mood = requests
			}
		}
	}
	asked := slices.ContainsFunc(sents, func(s sentenceRead) bool { return s.mood == asks })
	for i, e := range m.events {
		name := lx.names[e]
		s := m.at[i].sentence
		if c.Mood > 0 && sents[s].mood == asks {
			f('q', 0, name, c.Mood)
		}
		if neg[i] {
			f('n', 0, name, c.Neg)
		}
		if c.Cond > 0 && sents[s].cond && e != lx.cond {
			f('h', 0, name, c.Cond)
		}
		if c.Edge > 0 && n > 1 {
			if s == 0 {
				f('f', 0, name, c.Edge)
				f('f', sents[s].mood, name, c.Edge)
			}
			if s == n-1 {
				f('l', 0, name, c.Edge)
				f('l', sents[s].mood, name, c.Edge)
				if !asked {
					f('L', 0, name, c.Edge)
				}
			}
		}
	}
}

// speechActs lists the speech-act features of text as kind, mood and
// concept (for tests: "q RETURN", "l S THANKS").
func speechActs(text string) []string {
	m := conceptMatcher{lx: loadConcepts()}
	tokenize(text, true, func(t token) {
		w := t.word
		if w == "" && !t.cjk {
			w = string(t.runes)
		}
		m.token(t, w)
	}, m.brk)
	var out []string
	m.acts(Default(), m.negations(Default(), nil), func(kind, mood byte, name string, _ float32) {
		s := string(kind) + " "
		if mood != 0 {
			s += string(mood) + " "
		}
		out = append(out, s+name)
	})
	return out
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
	}, nil)
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
