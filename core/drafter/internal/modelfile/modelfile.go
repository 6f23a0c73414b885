// Package modelfile is the intent model as it is stored (a small gzipped
// binary the drafter embeds) and scored. The generator writes it; the
// drafter reads it.
//
// Layout, after gzip, all integers unsigned varints unless noted:
//
//	"SDIM" version
//	feature-version config(word bigram char cjk as float32 bits, charmin charmax, cjk3 cjkrun as float32 bits, accents 0/1,
//	  concept conceptpair mood neg edge as float32 bits)
//	fingerprint(len, bytes)
//	classes K (at most 16), then per class: label(len, bytes) intent(len, bytes) bias(float32 bits)
//	scale(float32 bits) temperature(float32 bits)
//	features N, entries E, then N hash deltas, then N entry counts, then E
//	  classes, then E weights (zig-zag varints, -2047..2047; weight = w * scale)
//	net 0/1, and if 1: bits dim mix(float32 bits) scale(float32 bits),
//	  2^bits*dim embedding bytes (int8; value = b * scale), dim hidden
//	  biases, K*dim output weights, K output biases (float32 bits each)
//
// Only weights that matter survive pruning, so most features carry one to
// three classes. The table is stored a column at a time (version 8): gzip
// finds the classes' and the weights' patterns when they are not
// interleaved, which saved 3.4 MB of 19.
package modelfile

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/sellerdesk/sellerdesk/core/drafter/internal/features"
)

const (
	magic   = "SDIM"
	version = 8
)

// Limits on a net Decode accepts (and Scores' stack buffers assume; the
// classes are at most MaxEntryClasses).
const (
	maxBits = 24
	maxDim  = 256
)

// Model is a linear (multinomial logistic regression) intent model over
// hashed features.
type Model struct {
	FeatureVersion int
	Config         features.Config
	Fingerprint    string
	Labels         []string  // training classes
	Intents        []string  // the drafter intent of each class
	Bias           []float32 // per class
	Scale          float32
	// Temperature divides the scores before the softmax, so that a
	// probability is the chance of being right (fitted by the generator on
	// messages the model was not trained on); 0 reads as 1.
	Temperature float32
	Hashes      []uint32 // sorted
	Offsets     []uint32 // entries of Hashes[i] are [Offsets[i], Offsets[i+1])
	Entries     []Entry
	// Net, when present, is ensembled with the linear model: the scores
	// are then a mix of the two models' log-probabilities.
	Net *Net
}

// Entry is one weight of the table: its class in the top 4 bits and the
// quantised weight below, a 12-bit signed integer (weight = w * Scale).
// The table is most of the drafter's memory, and two bytes an entry
// instead of three (a class byte and an int16) keep 6 MB of it out of the
// service's resident set.
type Entry uint16

// The ranges an Entry holds: classes 0-15, weights -2047..2047 (gen
// quantises to 1,023 steps).
const (
	MaxEntryClasses = 16
	MaxEntryWeight  = 1<<11 - 1
)

// NewEntry packs class c and weight w; ok is false when either is out of
// range.
func NewEntry(c, w int) (e Entry, ok bool) {
	if c < 0 || c >= MaxEntryClasses || w < -MaxEntryWeight || w > MaxEntryWeight {
		return 0, false
	}
	return Entry(c)<<12 | Entry(uint16(w)&0x0fff), true
}

// Class is the entry's class.
func (e Entry) Class() int { return int(e >> 12) }

// Weight is the entry's quantised weight.
func (e Entry) Weight() int16 { return int16(e<<4) >> 4 }

// Net is a small non-linear model over the same feature vectors: each
// feature hash picks an embedding bucket, the embeddings are summed with
// the vector's values, and a ReLU hidden layer of Dim units feeds a softmax
// over the model's classes. It sees feature conjunctions ("not" with
// "arrive" with a question) that a linear model can only add up.
type Net struct {
	Bits    int     // 2^Bits embedding buckets
	Dim     int     // embedding and hidden width
	Mix     float32 // weight of the net's log-probabilities (the linear model's: 1-Mix)
	Scale   float32 // embedding value = int8 * Scale
	Emb     []int8  // bucket b is Emb[b*Dim : (b+1)*Dim]
	Bias    []float32
	Out     []float32 // class c is Out[c*Dim : (c+1)*Dim]
	OutBias []float32
}

// Bucket is the embedding bucket of feature hash h: the top bits of a
// multiplicative mix, since FNV's low bits alone cluster.
func Bucket(h uint32, bits int) int { return int((h * 0x9E3779B1) >> (32 - bits)) }

// Logits writes the net's class scores for v into out (len = classes).
func (n *Net) Logits(v *features.Vector, out []float32) {
	var buf [maxDim]float32
	hid := buf[:n.Dim]
	copy(hid, n.Bias)
	for i, h := range v.Hashes {
		b := Bucket(h, n.Bits) * n.Dim
		x := v.Values[i] * n.Scale
		for d, e := range n.Emb[b : b+n.Dim] {
			hid[d] += x * float32(e)
		}
	}
	for d, z := range hid {
		hid[d] = max(z, 0)
	}
	for c := range out {
		s := n.OutBias[c]
		for d, w := range n.Out[c*n.Dim : (c+1)*n.Dim] {
			s += w * hid[d]
		}
		out[c] = s
	}
}

// Scores writes the model's class scores for v into out (len = classes):
// the linear scores, or with a net the mix of both models'
// log-probabilities.
func (m *Model) Scores(v *features.Vector, out []float32) {
	m.Linear(v, out)
	if m.Net == nil {
		return
	}
	var buf [MaxEntryClasses]float32
	nn := buf[:len(out)]
	m.Net.Logits(v, nn)
	LogSoftmax(out)
	LogSoftmax(nn)
	a := m.Net.Mix
	for i := range out {
		out[i] = (1-a)*out[i] + a*nn[i]
	}
}

// LogSoftmax turns scores into log-probabilities in place.
func LogSoftmax(s []float32) {
	mx := float32(math.Inf(-1))
	for _, x := range s {
		mx = max(mx, x)
	}
	var sum float64
	for _, x := range s {
		sum += math.Exp(float64(x - mx))
	}
	lse := mx + float32(math.Log(sum))
	for i := range s {
		s[i] -= lse
	}
}

// Linear writes the linear model's class scores for v into out.
func (m *Model) Linear(v *features.Vector, out []float32) {
	copy(out, m.Bias)
	// Both lists are sorted: walk them together, jumping with a binary
	// search through the (much longer) model list.
	lo := 0
	for i, h := range v.Hashes {
		j, ok := slices.BinarySearch(m.Hashes[lo:], h)
		j += lo
		lo = j
		if !ok {
			continue
		}
		x := v.Values[i] * m.Scale
		for _, e := range m.Entries[m.Offsets[j]:m.Offsets[j+1]] {
			out[e.Class()] += x * float32(e.Weight())
		}
	}
}

// Probabilities writes the calibrated class probabilities of v into out.
func (m *Model) Probabilities(v *features.Vector, out []float32) {
	m.Scores(v, out)
	if t := m.Temperature; t > 0 && t != 1 {
		for i := range out {
			out[i] /= t
		}
	}
	Softmax(out)
}

// Softmax turns scores into probabilities in place.
func Softmax(s []float32) {
	LogSoftmax(s)
	for i, x := range s {
		s[i] = float32(math.Exp(float64(x)))
	}
}

type writer struct {
	w   *bufio.Writer
	buf [binary.MaxVarintLen64]byte
}

func (w *writer) uint(x uint64) { w.w.Write(w.buf[:binary.PutUvarint(w.buf[:], x)]) }
func (w *writer) int(x int64)   { w.w.Write(w.buf[:binary.PutVarint(w.buf[:], x)]) }
func (w *writer) f32(x float32) { w.uint(uint64(math.Float32bits(x))) }
func (w *writer) str(s string)  { w.uint(uint64(len(s))); w.w.WriteString(s) }

// Encode writes m, gzipped. The output depends only on m (no timestamps), so
// regenerating from the same inputs gives the same bytes.
func Encode(out io.Writer, m *Model) error {
	if k := len(m.Labels); k == 0 || k > MaxEntryClasses {
		return fmt.Errorf("modelfile: %d classes, want 1 to %d", k, MaxEntryClasses)
	}
	zw, err := gzip.NewWriterLevel(out, gzip.BestCompression)
	if err != nil {
		return err
	}
	w := &writer{w: bufio.NewWriter(zw)}
	w.w.WriteString(magic)
	w.uint(version)
	w.uint(uint64(m.FeatureVersion))
	c := m.Config
	for _, f := range []float32{c.Word, c.Bigram, c.Char, c.CJK} {
		w.f32(f)
	}
	w.uint(uint64(c.CharMin))
	w.uint(uint64(c.CharMax))
	w.f32(c.CJK3)
	w.f32(c.CJKRun)
	if c.Accents {
		w.uint(1)
	} else {
		w.uint(0)
	}
	for _, f := range []float32{c.Concept, c.ConceptPair, c.Mood, c.Neg, c.Edge, c.Cond} {
		w.f32(f)
	}
	w.str(m.Fingerprint)
	w.uint(uint64(len(m.Labels)))
	for i := range m.Labels {
		w.str(m.Labels[i])
		w.str(m.Intents[i])
		w.f32(m.Bias[i])
	}
	w.f32(m.Scale)
	w.f32(m.Temperature)
	w.uint(uint64(len(m.Hashes)))
	w.uint(uint64(len(m.Entries)))
	var prev uint32
	for _, h := range m.Hashes {
		w.uint(uint64(h - prev))
		prev = h
	}
	for i := range m.Hashes {
		w.uint(uint64(m.Offsets[i+1] - m.Offsets[i]))
	}
	for _, e := range m.Entries {
		w.uint(uint64(e.Class()))
	}
	for _, e := range m.Entries {
		w.int(int64(e.Weight()))
	}
	if n := m.Net; n == nil {
		w.uint(0)
	} else {
		if len(n.Emb) != n.Dim<<n.Bits || len(n.Bias) != n.Dim || len(n.Out) != n.Dim*len(m.Labels) || len(n.OutBias) != len(m.Labels) {
			return errors.New("modelfile: net tables do not match its shape")
		}
		w.uint(1)
		w.uint(uint64(n.Bits))
		w.uint(uint64(n.Dim))
		w.f32(n.Mix)
		w.f32(n.Scale)
		for _, e := range n.Emb {
			w.w.WriteByte(byte(e))
		}
		for _, t := range [][]float32{n.Bias, n.Out, n.OutBias} {
			for _, x := range t {
				w.f32(x)
			}
		}
	}
	if err := w.w.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// reader parses the decompressed model; the first error sticks.
// reader reads the decompressed stream as it comes, so that decoding never
// holds the whole file (about 25 MB with the net) beside the arrays it
// fills: the process's peak memory is the model's, not twice it.
type reader struct {
	br  *bufio.Reader
	err error
}

func (r *reader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	x, err := binary.ReadUvarint(r.br)
	if err != nil {
		r.fail("truncated")
		return 0
	}
	return x
}

func (r *reader) int() int64 {
	if r.err != nil {
		return 0
	}
	x, err := binary.ReadVarint(r.br)
	if err != nil {
		r.fail("truncated")
		return 0
	}
	return x
}

func (r *reader) f32() float32 { return math.Float32frombits(uint32(r.uint())) }

// maxString bounds a label or fingerprint.
const maxString = 1 << 16

func (r *reader) str() string {
	n := r.uint()
	if r.err != nil || n > maxString {
		r.fail("bad string")
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r.br, b); err != nil {
		r.fail("truncated string")
		return ""
	}
	return string(b)
}

// net reads a Net for k classes.
func (r *reader) net(k int) *Net {
	n := &Net{Bits: int(r.uint()), Dim: int(r.uint())}
	if r.err != nil || n.Bits < 1 || n.Bits > maxBits || n.Dim < 1 || n.Dim > maxDim {
		r.fail("bad net shape")
		return nil
	}
	n.Mix, n.Scale = r.f32(), r.f32()
	size := n.Dim << n.Bits
	if r.err != nil || size > maxDecoded {
		r.fail("bad net size")
		return nil
	}
	n.Emb = int8s(size)
	var chunk [32 << 10]byte
	for at := 0; at < size; {
		c := chunk[:min(len(chunk), size-at)]
		if _, err := io.ReadFull(r.br, c); err != nil {
			r.fail("truncated net")
			return nil
		}
		for i, b := range c {
			n.Emb[at+i] = int8(b)
		}
		at += len(c)
	}
	floats := func(n int) []float32 {
		t := make([]float32, n) // n is at most maxDim * MaxEntryClasses
		for i := range t {
			t[i] = r.f32()
		}
		return t
	}
	n.Bias, n.Out, n.OutBias = floats(n.Dim), floats(n.Dim*k), floats(k)
	return n
}

func (r *reader) fail(msg string) {
	if r.err == nil {
		r.err = errors.New(msg)
	}
}

// maxDecoded bounds a model file's decompressed size.
const maxDecoded = 64 << 20

// Decode reads a model written by Encode.
func Decode(data []byte) (*Model, error) {
	// The gzip trailer's size (ISIZE) is checked by the gzip reader at the
	// stream's end; an absurd one is refused before reading anything.
	if len(data) < 4 {
		return nil, errors.New("intent model: not a gzip file")
	}
	if n := binary.LittleEndian.Uint32(data[len(data)-4:]); n > maxDecoded {
		return nil, fmt.Errorf("intent model: decompressed size %d over %d", n, maxDecoded)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("intent model: %w", err)
	}
	r := &reader{br: bufio.NewReaderSize(io.LimitReader(zr, maxDecoded), 64<<10)}
	var head [len(magic)]byte
	if _, err := io.ReadFull(r.br, head[:]); err != nil || string(head[:]) != magic {
		return nil, errors.New("intent model: not a model file")
	}
	if v := r.uint(); v != version {
		return nil, fmt.Errorf("intent model: file version %d, want %d", v, version)
	}
	m := &Model{FeatureVersion: int(r.uint())}
	m.Config.Word, m.Config.Bigram, m.Config.Char, m.Config.CJK = r.f32(), r.f32(), r.f32(), r.f32()
	m.Config.CharMin, m.Config.CharMax = int(r.uint()), int(r.uint())
	m.Config.CJK3 = r.f32()
	m.Config.CJKRun = r.f32()
	m.Config.Accents = r.uint() == 1
	m.Config.Concept, m.Config.ConceptPair = r.f32(), r.f32()
	m.Config.Mood, m.Config.Neg, m.Config.Edge = r.f32(), r.f32(), r.f32()
	m.Config.Cond = r.f32()
	m.Fingerprint = r.str()
	k := r.uint()
	if k == 0 || k > MaxEntryClasses {
		r.fail("bad class count")
	}
	for range k {
		if r.err != nil {
			break
		}
		m.Labels = append(m.Labels, r.str())
		m.Intents = append(m.Intents, r.str())
		m.Bias = append(m.Bias, r.f32())
	}
	m.Scale = r.f32()
	m.Temperature = r.f32()
	n := r.uint()
	if n > 1<<24 {
		r.fail("too many features")
	}
	// The weight arrays are sized once, from the count the file gives,
	// and never grow: grown by append they would land on Go's heap.
	entries := r.uint()
	if entries > n*k || entries > maxDecoded/2 { // an entry takes at least two bytes of the file
		r.fail("bad weight count")
	}
	if r.err == nil {
		m.Hashes = make([]uint32, 0, n)
		m.Offsets = make([]uint32, 1, n+1)
		m.Entries = entrySlice(int(entries))[:0]
	}
	var h uint32
	for i := uint64(0); i < n && r.err == nil; i++ {
		d := r.uint()
		if i > 0 && d == 0 {
			r.fail("features out of order")
		}
		h += uint32(d)
		m.Hashes = append(m.Hashes, h)
	}
	var sum uint64
	for i := uint64(0); i < n && r.err == nil; i++ {
		cnt := r.uint()
		if cnt > k || sum+cnt > entries {
			r.fail("bad entry count")
		}
		sum += cnt
		m.Offsets = append(m.Offsets, uint32(sum))
	}
	if r.err == nil && sum != entries {
		r.fail("fewer weights than the file says")
	}
	for i := uint64(0); i < entries && r.err == nil; i++ {
		c := r.uint()
		if c >= k {
			r.fail("bad entry class")
		}
		e, _ := NewEntry(int(c), 0) // c < k <= MaxEntryClasses; the weight follows
		m.Entries = append(m.Entries, e)
	}
	for i := uint64(0); i < entries && r.err == nil; i++ {
		w := r.int()
		e, ok := NewEntry(m.Entries[i].Class(), int(w))
		if !ok {
			r.fail("bad entry weight")
		}
		m.Entries[i] = e
	}
	switch r.uint() {
	case 0:
	case 1:
		m.Net = r.net(int(k))
	default:
		r.fail("bad net flag")
	}
	// The stream must end here; reading its end also makes the gzip reader
	// check the checksum and the trailer's size.
	if _, err := r.br.ReadByte(); r.err == nil && err != io.EOF {
		r.fail("trailing bytes, or a corrupt file")
	}
	var one [1]byte // and not merely at maxDecoded
	if k, err := zr.Read(one[:]); r.err == nil && (k != 0 || err != io.EOF) {
		r.fail("longer than its model")
	}
	if r.err != nil {
		return nil, fmt.Errorf("intent model: %w", r.err)
	}
	return m, nil
}
