package features

import (
	"slices"
	"strings"
	"testing"
)

func TestConceptsAcrossLanguages(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Where is my package? It still hasn't arrived", []string{"WHERE", "PACKAGE", "STILL", "NEG", "ARRIVE", "QUESTION"}},
		{"Wo ist mein Paket? Es ist immer noch nicht angekommen", []string{"WHERE", "PACKAGE", "STILL", "NEG", "ARRIVE", "QUESTION"}},
		{"荷物がまだ届いていません", []string{"PACKAGE", "STILL", "ARRIVE", "NEG"}},
		{"我还没收到包裹，想退货退款", []string{"STILL", "NEG", "ARRIVE", "PACKAGE", "WANT", "RETURN", "ITEM", "REFUND"}},
		{"quiero devolver el producto, llegó roto", []string{"WANT", "RETURN", "ITEM", "ARRIVE", "BROKEN"}},
		// Phrases, stems, placeholders.
		{"can I talk to a real person on the phone", []string{"QWORD", "TALK", "PERSON", "CALL"}},
		{"Order 113-1234567-1234567 charged twice $40", []string{"ORDER", "NUMBER", "CHARGE", "DUPLICATE", "MONEY"}},
		{"Ich möchte eine Rechnung für meine Bestellung", []string{"WANT", "INVOICE", "ORDER"}},
	}
	for _, tt := range tests {
		if got := Concepts(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Concepts(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSpeechActs(t *testing.T) {
	tests := []struct {
		in       string
		has, not []string
	}{
		// The same concept asked about, stated, or negated.
		{"Where is my refund?", []string{"q REFUND"}, nil},
		{"Refund arrived, thanks!", nil, []string{"q REFUND"}},
		{"Wo bleibt die Erstattung?", []string{"q REFUND"}, nil},
		{"How do returns work? I have nothing to return.", []string{"q RETURN", "n RETURN"}, nil},
		{"no need for the return label anymore", []string{"n RETURN"}, nil},
		{"不用退货了，谢谢", []string{"n RETURN"}, nil},
		{"返品は必要ありません", []string{"n RETURN"}, nil},
		{"返品できますか", []string{"q RETURN"}, nil},
		{"可以退货吗", []string{"q RETURN"}, nil},
		// First and last sentences; a closing thanks only when nothing asks.
		{"Thanks for the help. Where is my order?", []string{"f S THANKS", "l Q ORDER", "l ORDER"}, []string{"L THANKS"}},
		{"Where is my order? Found it, thanks.", []string{"f Q ORDER", "l S THANKS"}, []string{"L THANKS"}},
		{"The parcel came today. Thanks!", []string{"f S PACKAGE", "L THANKS"}, nil},
		{"Wo ist mein Paket?! Danke", []string{"f Q PACKAGE", "l THANKS"}, nil},
		// A rule asked about "if" I order: hypothetical, in its sentence only.
		{"If I order it now, can I still cancel tomorrow?", []string{"h CANCEL", "h ORDER"}, []string{"h IF"}},
		{"Wenn ich heute bestelle, kann ich dann noch stornieren?", []string{"h CANCEL"}, nil},
		{"如果我现在下单，明天还能取消吗", []string{"h CANCEL"}, nil},
		{"Cancel my order please. If you can, today.", []string{"f R CANCEL"}, []string{"h CANCEL"}},
		// One sentence has no first and last.
		{"thanks", nil, []string{"f THANKS", "l THANKS", "L THANKS"}},
	}
	for _, tt := range tests {
		got := speechActs(tt.in)
		for _, w := range tt.has {
			if !slices.Contains(got, w) {
				t.Errorf("speechActs(%q) = %q: %q missing", tt.in, got, w)
			}
		}
		for _, w := range tt.not {
			if slices.Contains(got, w) {
				t.Errorf("speechActs(%q) = %q: has %q", tt.in, got, w)
			}
		}
	}
}

func TestNegatedConceptIsNotTheConcept(t *testing.T) {
	ret := uint32(loadConcepts().unigram[slices.Index(loadConcepts().names, "RETURN")])
	has := func(text string) bool {
		var v Vector
		Extract(text, Default(), &v)
		_, ok := slices.BinarySearch(v.Hashes, ret)
		return ok
	}
	if !has("I want to return it") {
		t.Errorf("a return does not carry the RETURN concept")
	}
	if has("I have nothing to return") {
		t.Errorf("nothing to return carries the RETURN concept")
	}
}

func TestConceptsReadElisionsAndAccents(t *testing.T) {
	// l'adresse is one token "ladresse" to the word features; the concept
	// is still found, with or without accents.
	for _, in := range []string{"changer l'adresse de livraison", "dell'indirizzo", "Rücksendung", "rucksendung"} {
		got := Concepts(in)
		if !slices.Contains(got, "ADDRESS") && !slices.Contains(got, "RETURN") {
			t.Errorf("Concepts(%q) = %q: the address or return is missing", in, got)
		}
	}
	// A short word that only begins like a stem is not the stem's concept.
	if got := Concepts("can"); slices.Contains(got, "CANCEL") {
		t.Errorf("Concepts(can) = %q", got)
	}
}

func TestConceptsReachTheFeatures(t *testing.T) {
	// Two languages' ways of asking for a refund share features only
	// through their concepts.
	shared := func(c Config) int {
		var a, b Vector
		Extract("refund", c, &a)
		Extract("返金", c, &b)
		n := 0
		for _, h := range a.Hashes {
			if _, ok := slices.BinarySearch(b.Hashes, h); ok {
				n++
			}
		}
		return n
	}
	c := Default()
	if n := shared(c); n != 1 {
		t.Errorf("refund and 返金 share %d features, want the concept", n)
	}
	c.Concept, c.ConceptPair, c.Mood, c.Neg, c.Edge = 0, 0, 0, 0, 0
	if n := shared(c); n != 0 {
		t.Errorf("without concepts, refund and 返金 share %d features", n)
	}
}

func TestLexiconRejectsBadLines(t *testing.T) {
	for _, src := range []string{
		"REFUND refund",                 // no tab
		"refund\trefund",                // not a concept name
		"REFUND\trefund | | money back", // empty pattern
		"REFUND\tre*",                   // stem too short
		"REFUND\t返金*",                   // stem of CJK
		"REFUND\tmoney 返金",              // CJK and words in one pattern
	} {
		_, err := parseLexicon(src)
		if err == nil {
			t.Errorf("parseLexicon(%q) accepted it", src)
			continue
		}
		if !strings.Contains(err.Error(), "line 1") {
			t.Errorf("parseLexicon(%q) = %v: the line is not named", src, err)
		}
	}
	if lx, err := parseLexicon("# only a comment\n\nREFUND\trefund* | money back\n"); err != nil || len(lx.names) != 2 {
		t.Errorf("parseLexicon = %v, %v", lx, err)
	}
}
