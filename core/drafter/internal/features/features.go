// Package features turns a buyer message into the sparse feature vector the
// intent model reads. The generator (training) and the drafter (scoring)
// both use it, so a message is seen the same way at both ends.
//
// Features are hashed (FNV-1a, 32 bits) instead of kept as strings: the
// model stores four bytes per feature and scoring allocates nothing per
// feature. Two features that collide simply share a weight, in training and
// in scoring alike.
package features

import (
	"math"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Version changes whenever Extract sees text differently; a model records the
// version it was trained with and the drafter refuses any other.
const Version = 6

// Config weighs the feature groups. It travels inside the model file so the
// scorer extracts exactly what the trainer did.
type Config struct {
	Word, Bigram, Char, CJK float32 // group weights before L2 normalisation
	CharMin, CharMax        int     // character n-gram lengths within a word
	// CJK3 weighs CJK character trigrams: Japanese and Chinese words are
	// often two or three characters (発送済み, 退货政策), which bigrams alone
	// split.
	CJK3 float32
	// CJKRun weighs runs of kanji or of katakana between kana (Japanese
	// writes its content words that way: 返品, キャンセル), read as words.
	CJKRun float32
	// Accents keeps accented letters as they are (the language detector
	// needs ß, ñ, è); the intent model reads them plainly.
	Accents bool
	// Concept weighs the cross-lingual concepts (concepts.tsv) a message
	// carries, ConceptPair each two neighbouring ones in order ("not" then
	// "arrive"): what one language's examples teach about a refund counts
	// for every language's word for it.
	Concept, ConceptPair float32
	// Speech acts: the same words ask, report or withdraw. Mood weighs a
	// concept in a question ("where is my refund?", 返品できますか), Neg one
	// a negation governs ("nothing to return", 不用退), which then stands
	// instead of the concept's own feature; Edge one in the first or last
	// sentence of several (a request opens or closes a message; a closing
	// thanks is only a closer when nothing asks).
	Mood, Neg, Edge float32
	// Cond weighs a concept in a sentence with "if" (wenn, si, もし, 如果):
	// a rule asked about before buying, not a request.
	Cond float32
}

// hasActs reports whether c weighs any speech act.
func (c Config) hasActs() bool { return c.Mood > 0 || c.Neg > 0 || c.Edge > 0 || c.Cond > 0 }

// Default is the configuration the generator trains with.
func Default() Config {
	return Config{Word: 1, Bigram: 1, Char: 0.5, CJK: 1, CharMin: 3, CharMax: 5, CJK3: 0.5, CJKRun: 1, Concept: 1, ConceptPair: 1, Mood: 1.5, Neg: 0.5, Edge: 1.5, Cond: 1}
}

// Vector is a sparse, L2-normalised feature vector, sorted by hash.
type Vector struct {
	Hashes []uint32
	Values []float32
}

const (
	offset32 = 2166136261
	prime32  = 16777619
)

type hash uint32

func (h hash) byte(b byte) hash { return (h ^ hash(b)) * prime32 }

func (h hash) str(s string) hash {
	for i := 0; i < len(s); i++ {
		h = h.byte(s[i])
	}
	return h
}

func (h hash) rune(r rune) hash {
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	for _, b := range buf[:n] {
		h = h.byte(b)
	}
	return h
}

func (h hash) runes(rs []rune) hash {
	for _, r := range rs {
		h = h.rune(r)
	}
	return h
}

// Feature group prefixes, hashed first so groups never share a key.
const (
	gWord   = 'w'
	gBigram = 'b'
	gChar   = 'c'
	gHan    = 'h'
	gHan2   = 'H'
	gHan3   = '3'
	gRun    = 'r'
	// concepts
	gConcept     = 'k'
	gConceptPair = 'K'
	gAct         = 'a' // speech acts: a concept with its mood, negation or place
)

// Placeholder tokens: order ids, amounts and other numbers say something
// about the request ("refund of $40") but their digits do not.
const (
	NumToken   = "<num>"
	MoneyToken = "<money>"
)

// IsCJK reports whether r is written without spaces between words (Han,
// kana), so it is read as character uni- and bigrams rather than words.
func IsCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || r == 'ー'
}

// Fold maps full-width ASCII to ASCII, typographic apostrophes to ', and
// lower-cases, the way buyers' phones and IMEs vary.
func Fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000:
		r = ' '
	case r == '\u2019' || r == '\u2018' || r == '`' || r == '\u00b4':
		r = '\''
	}
	return unicode.ToLower(r)
}

func isCurrency(r rune) bool {
	return r == '$' || r == '€' || r == '£' || r == '¥' || r == '￥' || r == '₹' || r == '₩'
}

// token is one word-like unit: a word (runes), a number placeholder, an
// emoji, or a run of CJK characters.
type token struct {
	runes []rune
	word  string // placeholder or emoji text when set
	cjk   bool
	// elided is how many letters came before an apostrophe in the word
	// (l'adresse: 1), when they were few enough to be an elided article.
	elided int
}

// Tokens folds text and splits it into words, placeholders, emoji and CJK runs.
// Extract reads the same tokens; the language detector and closer rules use
// this form.
func Tokens(text string) []Token {
	var out []Token
	tokenize(text, false, func(t token) {
		if t.word != "" {
			out = append(out, Token{Text: t.word})
			return
		}
		out = append(out, Token{Text: string(t.runes), CJK: t.cjk})
	}, nil)
	return out
}

// Token is one unit of a message as Tokens returns it.
type Token struct {
	Text string
	CJK  bool
}

// tokenize splits text into tokens; with plain, Latin letters also lose
// their accents (Deaccent), as the model reads them.
// brk, when not nil, is called with each sentence-ending mark (. ! ? 。 ;
// and a line break) between the tokens it separates.
func tokenize(text string, plain bool, emit func(token), brk func(rune)) {
	rs := make([]rune, 0, len(text))
	for _, r := range text {
		r = Fold(r)
		if plain && r >= 0xC0 && r < 0x250 {
			if s, ok := deaccent[r]; ok {
				rs = append(rs, []rune(s)...)
				continue
			}
		}
		rs = append(rs, r)
	}
	var (
		word    []rune
		inWord  bool
		digits  bool // the word holds a digit: it becomes a placeholder
		money   bool // a currency sign came just before
		lastNum bool // the previous token was a placeholder
		cjk     []rune
		elided  int
	)
	flushWord := func() {
		if !inWord {
			return
		}
		inWord = false
		el := elided
		elided = 0
		if digits {
			w := NumToken
			if money {
				w = MoneyToken
			}
			money, digits = false, false
			// "order 113 1234567" and "12 34" are one number to the reader.
			if !lastNum {
				emit(token{word: w})
			}
			lastNum = true
			return
		}
		lastNum, money = false, false
		emit(token{runes: word, elided: el})
		word = word[:0]
	}
	flushCJK := func() {
		if len(cjk) == 0 {
			return
		}
		lastNum = false
		emit(token{runes: cjk, cjk: true})
		cjk = cjk[:0]
	}
	for i, r := range rs {
		switch {
		case IsCJK(r):
			flushWord()
			cjk = append(cjk, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			flushCJK()
			if !inWord {
				inWord = true
				word = word[:0]
			}
			if unicode.IsDigit(r) {
				digits = true
			}
			word = append(word, r)
		case r == '\'' && inWord && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
			// "don't" and "dont" are the same word to a buyer in a hurry.
			if elided == 0 && !digits && len(word) <= 5 {
				elided = len(word)
			}
		case (r == '-' || r == '.' || r == ',' || r == '/') && inWord && digits && i+1 < len(rs) && unicode.IsDigit(rs[i+1]):
			// 113-1234567-1234567, 12.50 and 1,200 stay one number.
		case isCurrency(r):
			flushWord()
			flushCJK()
			money = true
		case unicode.Is(unicode.So, r):
			flushWord()
			flushCJK()
			lastNum = false
			emit(token{word: string(r)})
		case r == 0xFE0F || r == 0x200D || unicode.Is(unicode.Sk, r) || unicode.Is(unicode.Me, r):
			// Emoji presentation selectors, joiners and skin tones carry nothing.
		default:
			flushWord()
			flushCJK()
			if !unicode.IsSpace(r) {
				money = false
			}
			if brk != nil && sentenceEnd(r) {
				brk(r)
			}
		}
	}
	flushWord()
	flushCJK()
}

// sentenceEnd reports whether r ends a sentence (after Fold: full-width
// marks are ASCII by then).
func sentenceEnd(r rune) bool {
	switch r {
	case '.', '!', '?', ';', '\n', '。', '…':
		return true
	}
	return false
}

// deaccent writes accented Latin letters (lower case, as Fold leaves them)
// plainly: buyers on a foreign keyboard write "Rucksendung", "numero",
// "perche", and the model should read them as the accented words.
var deaccent = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d"}
	for plain, accented := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćč", "e": "èéêëēėęě", "i": "ìíîïīį", "n": "ñńň",
		"o": "òóôõöōő", "u": "ùúûüūůű", "y": "ýÿ", "s": "śšş", "z": "źżž", "g": "ğ", "r": "ř",
	} {
		for _, r := range accented {
			m[r] = plain
		}
	}
	return m
}()

// Deaccent is text as the model reads its letters: folded (Fold) and
// without accents.
func Deaccent(text string) string {
	var b []rune
	for _, r := range text {
		r = Fold(r)
		if s, ok := deaccent[r]; ok {
			b = append(b, []rune(s)...)
			continue
		}
		b = append(b, r)
	}
	return string(b)
}

// runs calls f with each run of two to six kanji, or of katakana, in a CJK
// token: in Japanese, the content words between the kana of grammar.
func runs(rs []rune, f func([]rune)) {
	kind := func(r rune) int {
		switch {
		case unicode.Is(unicode.Han, r):
			return 1
		case unicode.Is(unicode.Katakana, r) || r == 'ー':
			return 2
		}
		return 0
	}
	start := 0
	for i := 1; i <= len(rs); i++ {
		if i < len(rs) && kind(rs[i]) == kind(rs[start]) {
			continue
		}
		if n := i - start; kind(rs[start]) != 0 && n >= 2 && n <= 6 {
			f(rs[start:i])
		}
		start = i
	}
}

type entry struct {
	h hash
	v float32
}

// Extract writes the features of text into v, reusing its slices.
func Extract(text string, c Config, v *Vector) {
	var es []entry
	var prev string
	havePrev := false
	add := func(h hash, w float32) {
		es = append(es, entry{h, w})
	}
	concept := c.Concept > 0 || c.ConceptPair > 0 || c.hasActs()
	var cm conceptMatcher
	var brk func(rune)
	if concept {
		cm.lx = loadConcepts()
		brk = cm.brk
	}
	tokenize(text, !c.Accents, func(t token) {
		if t.cjk {
			if concept {
				cm.token(t, "")
			}
			havePrev = false
			base1 := hash(offset32).byte(gHan)
			base2 := hash(offset32).byte(gHan2)
			base3 := hash(offset32).byte(gHan3)
			for i, r := range t.runes {
				add(base1.rune(r), c.CJK)
				if i+1 < len(t.runes) {
					add(base2.rune(r).rune(t.runes[i+1]), c.CJK)
				}
				if c.CJK3 > 0 && i+2 < len(t.runes) {
					add(base3.rune(r).rune(t.runes[i+1]).rune(t.runes[i+2]), c.CJK3)
				}
			}
			if c.CJKRun > 0 {
				runs(t.runes, func(run []rune) {
					add(hash(offset32).byte(gRun).runes(run), c.CJKRun)
				})
			}
			return
		}
		w := t.word
		if w == "" {
			w = string(t.runes)
		}
		if concept {
			cm.token(t, w)
		}
		add(hash(offset32).byte(gWord).str(w), c.Word)
		if havePrev {
			add(hash(offset32).byte(gBigram).str(prev).byte(0).str(w), c.Bigram)
		}
		prev, havePrev = w, true
		if t.word != "" || c.Char == 0 {
			return
		}
		// Character n-grams of the word with boundary marks: "delivey" still
		// shares most of its grams with "delivery".
		padded := make([]rune, 0, len(t.runes)+2)
		padded = append(padded, '\x02')
		padded = append(padded, t.runes...)
		padded = append(padded, '\x03')
		for n := c.CharMin; n <= c.CharMax; n++ {
			if n > len(padded) {
				break
			}
			for i := 0; i+n <= len(padded); i++ {
				add(hash(offset32).byte(gChar).runes(padded[i:i+n]), c.Char)
			}
		}
	}, brk)
	if concept {
		cm.features(text, c, add)
	}
	slices.SortFunc(es, func(a, b entry) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		return 0
	})
	v.Hashes = v.Hashes[:0]
	v.Values = v.Values[:0]
	var norm float64
	for i, e := range es {
		// Presence, not counts: a repeated word says no more than once.
		if i > 0 && es[i-1].h == e.h {
			if e.v > v.Values[len(v.Values)-1] {
				norm += float64(e.v*e.v) - float64(v.Values[len(v.Values)-1]*v.Values[len(v.Values)-1])
				v.Values[len(v.Values)-1] = e.v
			}
			continue
		}
		v.Hashes = append(v.Hashes, uint32(e.h))
		v.Values = append(v.Values, e.v)
		norm += float64(e.v * e.v)
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := range v.Values {
			v.Values[i] *= inv
		}
	}
}
