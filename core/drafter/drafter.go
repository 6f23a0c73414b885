// Package drafter is the offline drafter: it reads a buyer message, detects
// its language and intent, and writes a reply grounded in the order's facts
// and the shop's policies, for staff to check and send. It needs no network
// and no service, so it always works (the LLM drafter falls back to it), and
// it is pure: the same message, order, policy and time give the same draft.
//
// What a draft may say comes only from the order. It says "refunded" only
// when a refund exists, "shipped" only with a recorded shipment, "cancelled"
// only when the order is; a request it cannot fulfil itself (cancel, change
// an address) is answered with what staff will do, never that it is done.
// It never quotes the buyer's message, so the buyer's email, phone or street
// written there never comes back, and it names no order but the buyer's own.
//
// Drafts are written in the buyer's language for English, German, French,
// Italian, Spanish, Japanese and Chinese; a buyer writing in another
// language gets English and staff get a note saying so, plus a one-line
// summary in the staff language whenever the two differ. A message asking
// several things gets one reply answering each, and an action (cancel,
// change the address, return, refund) the model is unsure of is asked back
// rather than offered.
package drafter

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Shop is what a draft needs to know about the seller.
type Shop struct {
	Name   string      // signs the draft
	Policy core.Policy // return window, handling days, refund days, time zone
	// StaffLanguage is the language staff read (ISO 639-1, "en" when
	// empty); it decides when a summary is added and the language of staff
	// notes ("en" or "zh").
	StaffLanguage string
}

// Facts is what is known about the conversation when drafting.
type Facts struct {
	// Order is the buyer's own order, nil when the buyer is not verified or
	// named no order. A draft never mentions any other order.
	Order *core.Order
	// Now is the time of drafting (an injected clock); return windows and
	// late shipments are judged against it. Zero means time.Now().
	Now time.Time
	// Photos: the buyer's messages came with images (a mail's
	// attachments), so the draft does not ask for photos either.
	Photos bool
}

// Draft is a proposed reply and what staff should know about it.
type Draft struct {
	Language   string  // detected buyer language, ISO 639-1 ("en", "zh", "de", "ja", ...)
	Intent     Intent  // what the buyer asks for
	Confidence float64 // the model's probability for its best guess, 0-1; below 0.2 the intent is Other and the draft generic
	// NeedsResponse is false for closing messages ("thanks!", "ok got it"):
	// staff are offered "no response needed" instead of a draft, and a
	// person still confirms.
	NeedsResponse bool
	Text          string // the reply in the buyer's language (see Languages; English for any other); empty when no response is needed
	TextLanguage  string // the language of Text, one of Languages()
	// Intents are the intents the draft answers, the main one (Intent)
	// first; most messages carry one.
	Intents   []Scored
	StaffNote string // for staff only: language, missing order, suggested command, why no response is needed
	Summary   string // one line in the staff language when it differs from the buyer's; else empty
}

// Drafter drafts replies for one shop. It is safe for concurrent use.
type Drafter struct {
	shop Shop
	pre  *prepared // readings started by Prepare, not yet drafted
}

// Below minConfidence the model's guess is not worth a specific template
// and the draft is the generic one (Other); below sureConfidence the
// specific draft is kept but staff are told it is a guess. The confidence
// is calibrated (README: temperature fitted on held-out families): on the
// blind set, readings at 0.9 or more were right 98% of the time and those
// below about half, so the note goes on everything below 0.9 — it flags
// 33 of the blind set's 36 errors, where 0.4 flagged 6.
const (
	minConfidence  = 0.2
	sureConfidence = 0.9
)

// maxMessage bounds the text read: a message past it is drafted from its
// start (the help channel already caps messages at 4 KB).
const maxMessage = 8 << 10

// New returns a drafter for shop. An unset Policy (no handling days and no
// return window) means core.DefaultPolicy().
func New(shop Shop) *Drafter {
	shop.Policy = shop.Policy.OrDefault()
	if shop.StaffLanguage == "" {
		shop.StaffLanguage = "en"
	}
	shop.Name = strings.TrimSpace(shop.Name)
	loadModel()
	return &Drafter{shop: shop, pre: &prepared{m: map[string]*preRead{}}}
}

// orderIDPattern is the marketplace's order id shape (3-7-7 digits).
var orderIDPattern = regexp.MustCompile(`\d{3}-\d{7}-\d{7}`)

// Draft drafts a reply to one buyer message.
func (d *Drafter) Draft(message string, f Facts) Draft {
	message = clip(message)
	if f.Now.IsZero() {
		f.Now = time.Now()
	}
	if p := d.pre.take(message); p != nil {
		<-p.done
		return d.draft(message, p.lang, p.r, f)
	}
	lang := DetectLanguage(message)
	return d.draft(message, lang, d.read(message, lang), f)
}

// clip is the part of a message the drafter reads.
func clip(message string) string {
	if len(message) > maxMessage {
		message = message[:maxMessage]
	}
	return strings.ToValidUTF8(message, "\uFFFD")
}

// Prepare starts reading message (its language and intents, most of a
// draft's work; they depend on the text alone) on another goroutine, so
// that a Draft of the same text soon after finds them done. The engine
// calls it before its round trips to the store, while the CPU would
// otherwise wait (core.Preparer). The reading is the one Draft would make.
func (d *Drafter) Prepare(message string) {
	message = clip(message)
	p := d.pre.start(message)
	if p == nil {
		return
	}
	go func() {
		defer close(p.done)
		p.lang = DetectLanguage(message)
		p.r = d.read(message, p.lang)
	}()
}

// maxPrepared bounds the readings waiting for their Draft: one whose
// message was refused (a buyer writing too fast) is never taken, and the
// lot is dropped when the bound is reached.
const maxPrepared = 256

// prepared holds the readings Prepare started, by message text.
type prepared struct {
	mu sync.Mutex
	m  map[string]*preRead
}

// preRead is one reading in the making; lang and r are set when done closes.
type preRead struct {
	done chan struct{}
	lang string
	r    Reading
}

// start records a reading of message about to be made, or returns nil if
// one already is.
func (p *prepared) start(message string) *preRead {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.m[message]; ok {
		return nil
	}
	if len(p.m) >= maxPrepared {
		clear(p.m)
	}
	r := &preRead{done: make(chan struct{})}
	p.m[message] = r
	return r
}

// take removes and returns the reading started for message, if any.
func (p *prepared) take(message string) *preRead {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.m[message]
	delete(p.m, message)
	return r
}

// draft writes the draft for a message read as r: the reply, the staff
// notes and the summary.
func (d *Drafter) draft(message, lang string, r Reading, f Facts) Draft {
	out := Draft{Language: lang, TextLanguage: replyLanguage(lang), NeedsResponse: true}
	staff := d.shop.StaffLanguage
	fx := newFacts(d.shop.Policy, f.Order, f.Now)
	var notes []string

	r.Photos = r.Photos || f.Photos
	prim := r.Primary()
	out.Intent, out.Confidence = prim.Intent, prim.Confidence
	if out.Intent == NoResponseNeeded {
		out.NeedsResponse = false
		notes = append(notes, staffNote(staff, noteCloser))
	} else {
		kept, unsure := d.weigh(r, staff)
		notes = append(notes, unsure...)
		if len(kept) == 0 {
			kept = []Scored{{Intent: Other, Confidence: out.Confidence}}
		}
		out.Intent = kept[0].Intent
		out.Intents = kept
		points := plan(kept, fx)
		w := &writer{shop: d.shop, f: fx, lang: out.TextLanguage, photos: r.Photos, points: points}
		out.Text = w.reply()
		if out.TextLanguage != lang {
			name := lang // staff reading neither English nor Chinese get the code
			if staff == "en" || staff == "zh" || !slices.Contains(Languages(), staff) {
				name = languageName(lang, staff)
			}
			notes = append(notes, staffNote(staff, noteInEnglish, name))
		}
		if !fx.has {
			notes = append(notes, staffNote(staff, noteNoOrder))
		}
		if len(points) > 1 {
			names := make([]string, len(points))
			for i, p := range points {
				names[i] = string(p.in)
			}
			notes = append(notes, staffNote(staff, noteSeveralPoints, strings.Join(names, ", ")))
		}
		for _, p := range points {
			if p.confirm {
				notes = append(notes, staffNote(staff, noteConfirm, p.in, 100*confidenceOf(kept, p.in), 100*actionThreshold))
				continue
			}
			if hint := actionHint(p.in, fx); hint != "" {
				notes = append(notes, staffNote(staff, noteSuggested, hint))
			}
			if p.in == PaymentIssue && fx.has {
				notes = append(notes, staffNote(staff, noteTwoCharges, fx.id, duplicateChargeDays))
			}
			if p.in == DamagedOrWrongItem && r.Photos {
				notes = append(notes, staffNote(staff, notePhotos))
			}
		}
	}
	if fx.has {
		for _, id := range orderIDPattern.FindAllString(message, 3) {
			if id != fx.id {
				notes = append(notes, staffNote(staff, noteOtherOrder, id, fx.id, fx.id))
				break
			}
		}
	}
	out.StaffNote = strings.Join(unique(notes), " ") // two points may suggest one command
	if !sameLanguage(lang, staff) {
		out.Summary = summary(staff, lang, out.intents(), fx)
	}
	return out
}

// weigh keeps the intents of a reading a draft answers and says, for
// staff, which of them it is unsure of. Below minConfidence the main
// intent becomes Other (the generic draft) and a secondary one is left
// out; below sureConfidence it is answered with a "not sure" note (an
// action below actionThreshold gets its own note where it is asked back).
// An intent the reading leaves unanswered is named in a note too.
func (d *Drafter) weigh(r Reading, staff string) (kept []Scored, notes []string) {
	for _, s := range r.Unanswered {
		notes = append(notes, staffNote(staff, noteMayAlsoMean, s.Intent, 100*s.Confidence))
	}
	for _, s := range r.Intents {
		if s.Intent == NoResponseNeeded || !s.Intent.Valid() {
			continue
		}
		main := len(kept) == 0
		pct := 100 * s.Confidence
		switch {
		case main && s.Confidence < minConfidence:
			if s.Intent == Other {
				notes = append(notes, staffNote(staff, noteUnclear))
			} else {
				notes = append(notes, staffNote(staff, noteUnclearGuess, s.Intent, pct))
			}
			return []Scored{{Intent: Other, Confidence: s.Confidence}}, notes
		case s.Confidence < minConfidence:
			notes = append(notes, staffNote(staff, noteMayAlsoMean, s.Intent, pct))
			continue
		case s.Confidence < sureConfidence && s.Intent != Other && !(s.Intent.Action() && s.Confidence < actionThreshold):
			if main {
				notes = append(notes, staffNote(staff, noteNotSure, s.Intent, pct))
			} else {
				notes = append(notes, staffNote(staff, noteNotSureAlso, s.Intent, pct))
			}
		}
		if !slices.ContainsFunc(kept, func(k Scored) bool { return k.Intent == s.Intent }) {
			kept = append(kept, s)
		}
	}
	return kept, notes
}

// unique keeps the first of equal strings, in order.
func unique(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func confidenceOf(ss []Scored, in Intent) float64 {
	for _, s := range ss {
		if s.Intent == in {
			return s.Confidence
		}
	}
	return 0
}

// intents are the draft's intents, the main one first.
func (d Draft) intents() []Intent {
	if len(d.Intents) == 0 {
		return []Intent{d.Intent}
	}
	out := make([]Intent, len(d.Intents))
	for i, s := range d.Intents {
		out[i] = s.Intent
	}
	return out
}

// Reply writes the draft text for a given intent in a given language (one
// of Languages(); any other gets English), without reading a message: for
// staff who correct the intent and redraft, and for tests. It is empty for
// NoResponseNeeded.
func (d *Drafter) Reply(in Intent, lang string, f Facts) string {
	if in == NoResponseNeeded {
		return ""
	}
	return d.Compose(Reading{Intents: []Scored{{Intent: in, Confidence: 1}}}, lang, f)
}

// Compose writes one reply answering each intent of r, as Draft does after
// reading a message: the points in a sensible order, an action intent
// below actionThreshold asked back instead of offered, the damaged-item
// answer not asking for photos the buyer attached. It is empty when r has
// nothing to answer but NoResponseNeeded.
func (d *Drafter) Compose(r Reading, lang string, f Facts) string {
	if f.Now.IsZero() {
		f.Now = time.Now()
	}
	var ins []Scored
	for _, s := range r.Intents {
		if s.Intent == NoResponseNeeded {
			continue
		}
		if !s.Intent.Valid() {
			s.Intent = Other
		}
		ins = append(ins, s)
	}
	if len(ins) == 0 {
		if len(r.Intents) > 0 {
			return ""
		}
		ins = []Scored{{Intent: Other, Confidence: 1}}
	}
	fx := newFacts(d.shop.Policy, f.Order, f.Now)
	w := &writer{shop: d.shop, f: fx, lang: replyLanguage(lang), photos: r.Photos || f.Photos, points: plan(ins, fx)}
	return w.reply()
}

func sameLanguage(a, b string) bool {
	return strings.EqualFold(a, b)
}

// actionHint is the desk command that would carry out what the buyer asks,
// when one clearly applies; staff decide whether to run it.
func actionHint(in Intent, f *facts) string {
	if !f.has || f.marketplace {
		return ""
	}
	st := f.stage()
	switch in {
	case CancelOrder:
		if st == unshipped || st == partial {
			return fmt.Sprintf("cancel %s buyer_canceled", f.id)
		}
	case ChangeAddress:
		if st == unshipped {
			return fmt.Sprintf("once the buyer confirms, cancel %s buyer_canceled", f.id)
		}
	case ReturnRequest, DamagedOrWrongItem:
		if f.returnOK && (f.ret == nil || f.ret.Status == core.ReturnRejected) {
			return fmt.Sprintf("return %s <reason>", f.id)
		}
	}
	return ""
}
