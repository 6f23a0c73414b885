package drafter

import (
	_ "embed"
	"fmt"
	"slices"
	"sync"

	"github.com/sellerdesk/sellerdesk/core/drafter/internal/closers"
	"github.com/sellerdesk/sellerdesk/core/drafter/internal/features"
	"github.com/sellerdesk/sellerdesk/core/drafter/internal/modelfile"
)

// Intent is what a buyer message asks for. The names are used as they are
// in JSON, metrics and templates.
type Intent string

const (
	TrackOrder         Intent = "track_order"
	DeliveryTime       Intent = "delivery_time"
	CancelOrder        Intent = "cancel_order"
	ChangeAddress      Intent = "change_address"
	ReturnRequest      Intent = "return_request"
	RefundStatus       Intent = "refund_status"
	DamagedOrWrongItem Intent = "damaged_or_wrong_item"
	Invoice            Intent = "invoice"
	PaymentIssue       Intent = "payment_issue"
	Complaint          Intent = "complaint"
	HumanAgent         Intent = "human_agent"
	NoResponseNeeded   Intent = "no_response_needed"
	Other              Intent = "other"
)

// Intents lists every intent, in the order above.
func Intents() []Intent {
	return []Intent{TrackOrder, DeliveryTime, CancelOrder, ChangeAddress, ReturnRequest, RefundStatus,
		DamagedOrWrongItem, Invoice, PaymentIssue, Complaint, HumanAgent, NoResponseNeeded, Other}
}

// Valid reports whether in is a known intent.
func (in Intent) Valid() bool { return slices.Contains(Intents(), in) }

// index is in's place in Intents() (and in a distribution), -1 if unknown.
func (in Intent) index() int { return slices.Index(Intents(), in) }

// The intent model: multinomial logistic regression over hashed word uni-
// and bigrams, accent-free character 3-5-grams, CJK character uni-, bi- and
// trigrams and Japanese kanji/katakana runs, ensembled with a small net
// over the same features (modelfile.Net), with a calibration temperature;
// trained by ./gen on the hand-written buyer messages in ./data/buyers (held-out
// families excluded), the seeds in ./seeds and Bitext's customer-service
// dataset. See model/NOTICE.md for the data's licence and README.md for its
// accuracy.
//
//go:generate go run ./gen -out model
//go:embed model/intents.bin.gz
var modelData []byte

// loadModel decodes the embedded model once. A model that does not decode
// is a build defect (a broken go generate), not a runtime condition.
var loadModel = sync.OnceValue(func() *classifier {
	m, err := modelfile.Decode(modelData)
	if err != nil {
		panic(fmt.Sprintf("drafter: embedded %v; run go generate ./core/drafter", err))
	}
	modelfile.Release(modelData) // decoded: its pages in the binary need not stay in memory (lang.go does the same)
	if m.FeatureVersion != features.Version {
		panic(fmt.Sprintf("drafter: embedded intent model has feature version %d, the code %d; run go generate ./core/drafter", m.FeatureVersion, features.Version))
	}
	names := make([]string, len(Intents()))
	for i, in := range Intents() {
		names[i] = string(in)
	}
	c := &classifier{m: m, intentOf: make([]int, len(m.Intents)), classes: closers.ClassesOf(names)}
	for i, name := range m.Intents {
		j := Intent(name).index()
		if j < 0 {
			panic(fmt.Sprintf("drafter: embedded intent model has unknown intent %q; run go generate ./core/drafter", name))
		}
		c.intentOf[i] = j
	}
	c.scratch.New = func() any {
		return &scratch{scores: make([]float32, len(m.Labels))}
	}
	// DetectLanguage's model is decoded here too, so New pays for both.
	loadLanguages()
	return c
})

type classifier struct {
	m        *modelfile.Model
	intentOf []int           // model class -> index in Intents()
	classes  closers.Classes // Intents() as closers.Primary treats them
	scratch  sync.Pool
}

type scratch struct {
	v      features.Vector
	scores []float32
}

// distribution is a probability for each intent, indexed as Intents().
type distribution [13]float64

// classify scores text against every intent.
func (c *classifier) classify(text string) distribution {
	s := c.scratch.Get().(*scratch)
	defer c.scratch.Put(s)
	features.Extract(text, c.m.Config, &s.v)
	c.m.Probabilities(&s.v, s.scores)
	var d distribution
	for i, p := range s.scores {
		d[c.intentOf[i]] += float64(p)
	}
	return d
}

// of is the probability d gives in.
func (d distribution) of(in Intent) float64 { return d[in.index()] }

// best is the likeliest intent.
func (d distribution) best() (Intent, float64) {
	bi, bp := Other, -1.0
	for i, in := range Intents() {
		if d[i] > bp {
			bi, bp = in, d[i]
		}
	}
	return bi, bp
}

// Classify names the intent of a buyer message and the model's probability
// for it (0-1). It is the model alone; Draft also applies the closer rules
// and falls back to Other when the model is unsure.
func (d *Drafter) Classify(text string) (Intent, float64) {
	return loadModel().classify(text).best()
}

// Scored is an intent and the model's confidence in it (0–1).
type Scored struct {
	Intent     Intent
	Confidence float64
}

// Reading is what the model makes of one buyer message: the intents it
// carries, the most confident first (most messages carry one; "it arrived
// broken and I want my money back" carries two), and what the buyer says
// they have already done.
type Reading struct {
	Intents []Scored
	// Photos: the buyer says photos are attached or sent, so the draft
	// does not ask for them again.
	Photos bool
	// Unanswered are intents the model saw that the draft does not answer:
	// an action it led with in a message that may not be about an order of
	// the buyer's at all (closers.OtherVeto). Staff are told of them.
	Unanswered []Scored
}

// Primary is the reading's main intent.
func (r Reading) Primary() Scored {
	if len(r.Intents) == 0 {
		return Scored{Intent: Other}
	}
	return r.Intents[0]
}

// read is the model's reading of message, written in lang (DetectLanguage).
//
// The closer rules come first ("thanks!" is no_response_needed, sure). Then
// the model reads the whole message as it was written (the model learnt
// its thanks and greetings: trimming them first cost 1.8 points out of
// fold, most of them closers that report news, "it arrived, thank you!"):
// its best intent is the primary one, with the calibrated probability of
// being right, except that the model's own no_response_needed stands only
// where closers.Primary allows it (no guess, nothing asked: "thanks,
// where is my package?" is a question), and an action intent stands only
// while other is below closers.OtherVeto ("does it cancel noise on
// planes?" is not a cancellation). Then each clause (see clauses),
// courtesies trimmed, is read alone, and an intent the whole message did not
// lead with joins the reading when a clause carries it with at least
// secondaryConfidence and the whole message gives it at least
// secondaryWhole (a clause read alone loses its context: "returned it, no
// refund yet" is not a return request), or when the clause is beyond doubt
// (secondarySure: "where's my order? and email me the invoice"). A piece
// cut at a comma needs both: beyond doubt, and not ruled out by the whole
// ("the kettle leaks, I want my money back"; on the development sets this
// found 91.0% -> 93.2% of mixed messages' intents answered, with single
// messages given a wrong further intent 1.9% -> 2.0%).
func (d *Drafter) read(message, lang string) Reading {
	if closers.Closes(message) {
		return Reading{Intents: []Scored{{Intent: NoResponseNeeded, Confidence: 1}}}
	}
	c := loadModel()
	whole := c.classify(message)
	b, vetoed := closers.Primary(message, whole[:], c.classes)
	in, p := Intents()[b], whole[b]
	r := Reading{Intents: []Scored{{Intent: in, Confidence: p}}, Photos: mentionsPhotos(message)}
	if vetoed >= 0 {
		r.Unanswered = []Scored{{Intent: Intents()[vetoed], Confidence: whole[vetoed]}}
	}
	if in == NoResponseNeeded {
		return r
	}
	for _, cl := range clauses(closers.TrimCourtesy(message), lang) {
		ci, cp := c.classify(cl.text).best()
		supported := cp >= secondarySure || cp >= secondaryConfidence && whole.of(ci) >= secondaryWhole
		if cl.comma {
			supported = cp >= secondarySure && whole.of(ci) >= secondaryWhole
		}
		if !supported || ci == Other || ci == NoResponseNeeded || r.has(ci) {
			continue
		}
		// A clause's intent is only as sure as the message being about an
		// order of the buyer's at all: "if I order it and it doesn't fit,
		// is the return free?" has a return clause in a message that asks
		// for nothing (other), and an action read there is asked back, not
		// offered.
		r.Intents = append(r.Intents, Scored{Intent: ci, Confidence: cp * (1 - whole.of(Other))})
	}
	// The primary stays first; further intents, most confident first.
	slices.SortStableFunc(r.Intents[1:], func(a, b Scored) int {
		switch {
		case a.Confidence > b.Confidence:
			return -1
		case a.Confidence < b.Confidence:
			return 1
		}
		return 0
	})
	return r
}

// has reports whether the reading carries in.
func (r Reading) has(in Intent) bool {
	for _, s := range r.Intents {
		if s.Intent == in {
			return true
		}
	}
	return false
}

// Action reports whether in asks the seller to act on the order (cancel
// it, change its address, take it back, refund it): a draft offers to do
// so only at actionThreshold or above.
func (in Intent) Action() bool {
	switch in {
	case CancelOrder, ChangeAddress, ReturnRequest, RefundStatus:
		return true
	}
	return false
}

// actionThreshold is the confidence an action intent (cancel, change
// address, return, refund) must reach before the draft offers to act on
// it; below it the draft asks the buyer to confirm what they want. Set
// from held-out data: ./gen prints the lowest calibrated confidence, from
// sureConfidence up (a draft never offers what staff are told is a guess),
// at which action intents were right at least 97% of the time, and
// other-labelled (out-of-scope) messages were offered an action less than
// 1% of the time, on training families the model scoring them had not
// seen (cross-validated by family); TestEvalCalibration checks the
// precision above it on the held-out families. With the other veto at
// 0.10 the two conditions alone allow a lower one (0.44 with rounds
// r25-r26); the floor binds.
const actionThreshold = 0.90
