package modelfile

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/core/drafter/internal/features"
)

func sample() *Model {
	return &Model{
		FeatureVersion: features.Version,
		Config:         features.Default(),
		Fingerprint:    "bitext=00 seeds=11 buyers=22",
		Labels:         []string{"a", "b", "c"},
		Intents:        []string{"track_order", "other", "other"},
		Bias:           []float32{0.5, -0.25, 0},
		Scale:          0.001,
		Temperature:    1.5,
		Hashes:         []uint32{3, 70000, 1 << 31},
		Offsets:        []uint32{0, 2, 3, 5},
		Entries:        entries([]int{0, 2, 1, 0, 1}, []int{100, -MaxEntryWeight, 5, MaxEntryWeight, -1}),
	}
}

// entries packs the test models' classes and weights, all in range.
func entries(classes, weights []int) []Entry {
	var out []Entry
	for i, c := range classes {
		e, ok := NewEntry(c, weights[i])
		if !ok {
			panic(fmt.Sprintf("entry %d/%d out of range", c, weights[i]))
		}
		out = append(out, e)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	for name, model := range map[string]func() *Model{"linear": sample, "with a net": withNet} {
		var a, b bytes.Buffer
		if err := Encode(&a, model()); err != nil {
			t.Fatal(err)
		}
		if err := Encode(&b, model()); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: encoding is not deterministic", name)
		}
		got, err := Decode(a.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, model()) {
			t.Errorf("%s: round trip\n got %+v\nwant %+v", name, got, model())
		}
		// Sized from the file's count, never grown by append (which would
		// move them onto Go's heap).
		if cap(got.Entries) != len(got.Entries) {
			t.Errorf("%s: weight array of capacity %d for %d weights", name, cap(got.Entries), len(got.Entries))
		}
	}
}

// A file whose weight count disagrees with its features is refused.
func TestDecodeRefusesAWrongWeightCount(t *testing.T) {
	for _, delta := range []int{-1, 1} {
		m := sample()
		raw := unzipped(t, m)
		// The count (5) comes between the feature count (3) and the first
		// hash (3); each is one varint byte here.
		i := bytes.Index(raw, []byte{3, 5, 3})
		if i < 0 {
			t.Fatal("weight count not found")
		}
		raw[i+1] = byte(len(m.Entries) + delta)
		if _, err := Decode(reencode(t, raw)); err == nil {
			t.Errorf("weight count %d for %d weights: decoded", len(m.Entries)+delta, len(m.Entries))
		}
	}
}

// The table's columns are checked as they are read: an entry count over
// the classes, counts that do not add up to the weight count, and a class
// that does not exist are refused.
func TestDecodeRefusesBadColumns(t *testing.T) {
	raw := unzipped(t, sample())
	// The counts column (2 1 2) and then the classes column (0 2 1 0 1),
	// one varint byte each here.
	at := bytes.Index(raw, []byte{2, 1, 2, 0, 2, 1, 0, 1})
	if at < 0 {
		t.Fatal("columns not found")
	}
	for name, edit := range map[string]func(b []byte){
		"count_over_classes": func(b []byte) { b[at] = 4 },
		"counts_short":       func(b []byte) { b[at+1] = 0 },
		"class_unknown":      func(b []byte) { b[at+4] = 3 },
		// The fourth weight, 2047 (zig-zag 4094: FE 1F), made 2048 (80 20).
		"weight_over_range": func(b []byte) {
			i := bytes.Index(b[at+8:], []byte{0xfe, 0x1f})
			if i < 0 {
				t.Fatal("weight 2047 not found")
			}
			b[at+8+i], b[at+8+i+1] = 0x80, 0x20
		},
	} {
		b := bytes.Clone(raw)
		edit(b)
		if _, err := Decode(reencode(t, b)); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	if _, err := Decode(reencode(t, raw)); err != nil {
		t.Fatalf("the unedited stream: %v", err)
	}
}

func TestScores(t *testing.T) {
	m := sample()
	v := features.Vector{Hashes: []uint32{1, 3, 1 << 31}, Values: []float32{9, 1, 2}}
	out := make([]float32, 3)
	m.Scores(&v, out)
	want := []float32{0.5 + 0.1 + 2*2.047, -0.25 - 2*0.001, -2.047}
	for i := range want {
		if d := out[i] - want[i]; d > 1e-3 || d < -1e-3 {
			t.Errorf("class %d score %v, want %v", i, out[i], want[i])
		}
	}
	Softmax(out)
	if out[0] < 0.99 {
		t.Errorf("softmax %v", out)
	}
}

func TestDecodeRefusesGarbage(t *testing.T) {
	var good bytes.Buffer
	if err := Encode(&good, sample()); err != nil {
		t.Fatal(err)
	}
	// The gzip trailer's size (ISIZE, the last four bytes), which sizes the
	// buffer, made smaller, larger or absurd: refused, never read short.
	trailer := func(n uint32) []byte {
		b := bytes.Clone(good.Bytes())
		binary.LittleEndian.PutUint32(b[len(b)-4:], n)
		return b
	}
	size := binary.LittleEndian.Uint32(good.Bytes()[good.Len()-4:])
	for name, data := range map[string][]byte{
		"empty":            nil,
		"not_gzip":         []byte("SDIM"),
		"truncated":        good.Bytes()[:good.Len()/2],
		"size_understated": trailer(size - 1),
		"size_overstated":  trailer(size + 1),
		"size_absurd":      trailer(1 << 31),
	} {
		if _, err := Decode(data); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

// withNet is sample with a net of 2^2 buckets of 2 units.
func withNet() *Model {
	m := sample()
	m.Net = &Net{
		Bits: 2, Dim: 2, Mix: 0.25, Scale: 0.01,
		Emb:     []int8{1, -2, 127, -128, 0, 0, 5, 6},
		Bias:    []float32{0.1, -0.1},
		Out:     []float32{1, 0, 0, 1, -1, -1},
		OutBias: []float32{0, 0.5, -0.5},
	}
	return m
}

// TestScoresNet checks the ensemble against the two models scored apart:
// a mix of their log-probabilities.
func TestScoresNet(t *testing.T) {
	m := withNet()
	v := features.Vector{Hashes: []uint32{3, 99, 1 << 31}, Values: []float32{0.6, 0.5, 0.2}}
	lin, nn, got := make([]float32, 3), make([]float32, 3), make([]float32, 3)
	m.Linear(&v, lin)
	m.Net.Logits(&v, nn)
	m.Scores(&v, got)

	// The net by hand: embeddings summed with the values, ReLU, output.
	hid := []float32{0.1, -0.1}
	for i, h := range v.Hashes {
		b := Bucket(h, 2) * 2
		for d := range 2 {
			hid[d] += v.Values[i] * 0.01 * float32(m.Net.Emb[b+d])
		}
	}
	for d := range hid {
		hid[d] = max(hid[d], 0)
	}
	for c := range 3 {
		want := m.Net.OutBias[c] + m.Net.Out[2*c]*hid[0] + m.Net.Out[2*c+1]*hid[1]
		if d := nn[c] - want; d > 1e-5 || d < -1e-5 {
			t.Errorf("net class %d: %v, want %v", c, nn[c], want)
		}
	}
	LogSoftmax(lin)
	LogSoftmax(nn)
	for c := range 3 {
		want := 0.75*lin[c] + 0.25*nn[c]
		if d := got[c] - want; d > 1e-5 || d < -1e-5 {
			t.Errorf("ensemble class %d: %v, want %v", c, got[c], want)
		}
	}
}

// unzipped is m as Encode writes it, before gzip: the bytes the refusal
// tests edit.
func unzipped(t *testing.T, m *Model) []byte {
	var b bytes.Buffer
	if err := Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// reencode gzips raw model bytes as Encode does.
func reencode(t *testing.T, raw []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDecodeRefusesBadNet(t *testing.T) {
	raw := unzipped(t, withNet())
	if _, err := Decode(reencode(t, raw)); err != nil {
		t.Fatalf("re-encoded model: %v", err)
	}
	// The net starts right after the last feature entry: find its flag by
	// encoding the same model without a net.
	m := withNet()
	m.Net = nil
	at := len(unzipped(t, m)) - 1 // the net flag
	edit := func(f func(b []byte) []byte) []byte { return reencode(t, f(bytes.Clone(raw))) }
	for name, data := range map[string][]byte{
		"truncated_emb":  edit(func(b []byte) []byte { return b[:at+10] }),
		"truncated_tail": edit(func(b []byte) []byte { return b[:len(b)-1] }),
		"trailing":       edit(func(b []byte) []byte { return append(b, 0) }),
		"bad_flag":       edit(func(b []byte) []byte { b[at] = 2; return b }),
		"zero_bits":      edit(func(b []byte) []byte { b[at+1] = 0; return b }),
		"huge_bits":      edit(func(b []byte) []byte { b[at+1] = 60; return b }),
		"bits_lie":       edit(func(b []byte) []byte { b[at+1] = 20; return b }),
		"zero_dim":       edit(func(b []byte) []byte { b[at+2] = 0; return b }),
	} {
		if _, err := Decode(data); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

func TestDecodeRefusesOtherVersion(t *testing.T) {
	raw := unzipped(t, sample())
	raw[len(magic)]-- // the version, one varint byte
	_, err := Decode(reencode(t, raw))
	if err == nil || !strings.Contains(err.Error(), "file version") {
		t.Errorf("a file of the previous version: %v", err)
	}
}

func TestEncodeRefusesANetOfTheWrongShape(t *testing.T) {
	bad := withNet()
	bad.Net.Emb = bad.Net.Emb[:7]
	var b bytes.Buffer
	if err := Encode(&b, bad); err == nil {
		t.Error("encoded a net whose embeddings do not match its shape")
	}
}

// Release is advice: a file released reads the same and decodes again,
// even from ordinary (anonymous) memory, which the kernel may only swap.
func TestReleaseKeepsTheBytes(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, withNet()); err != nil {
		t.Fatal(err)
	}
	// Several pages, so whole pages fall inside it.
	data := bytes.Repeat(buf.Bytes(), 1+3*os.Getpagesize()/buf.Len())
	want := bytes.Clone(data)
	Release(data)
	if !bytes.Equal(data, want) {
		t.Fatal("Release changed the bytes")
	}
	if _, err := Decode(data[:buf.Len()]); err != nil {
		t.Fatalf("decode after Release: %v", err)
	}
}

func TestEntryPacksClassAndWeight(t *testing.T) {
	for c := range MaxEntryClasses {
		for _, w := range []int{-MaxEntryWeight, -1024, -1, 0, 1, 1023, MaxEntryWeight} {
			e, ok := NewEntry(c, w)
			if !ok || e.Class() != c || int(e.Weight()) != w {
				t.Errorf("NewEntry(%d, %d) = %d, %v: class %d weight %d", c, w, e, ok, e.Class(), e.Weight())
			}
		}
	}
	for _, bad := range [][2]int{{-1, 0}, {MaxEntryClasses, 0}, {0, MaxEntryWeight + 1}, {0, -MaxEntryWeight - 1}} {
		if _, ok := NewEntry(bad[0], bad[1]); ok {
			t.Errorf("NewEntry(%d, %d) packed", bad[0], bad[1])
		}
	}
}

func TestEncodeRefusesTooManyClasses(t *testing.T) {
	m := sample()
	for range MaxEntryClasses {
		m.Labels = append(m.Labels, "x")
		m.Intents = append(m.Intents, "other")
		m.Bias = append(m.Bias, 0)
	}
	if err := Encode(io.Discard, m); err == nil {
		t.Errorf("%d classes encoded", len(m.Labels))
	}
}
