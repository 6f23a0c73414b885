package modelfile

import (
	"bytes"
	"encoding/binary"
	"reflect"
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
		Class:          []uint8{0, 2, 1, 0, 1},
		Weight:         []int16{100, -32767, 5, 32767, -1},
	}
}

func TestRoundTrip(t *testing.T) {
	var a, b bytes.Buffer
	if err := Encode(&a, sample()); err != nil {
		t.Fatal(err)
	}
	if err := Encode(&b, sample()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("encoding is not deterministic")
	}
	got, err := Decode(a.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sample()) {
		t.Errorf("round trip\n got %+v\nwant %+v", got, sample())
	}
}

func TestScores(t *testing.T) {
	m := sample()
	v := features.Vector{Hashes: []uint32{1, 3, 1 << 31}, Values: []float32{9, 1, 2}}
	out := make([]float32, 3)
	m.Scores(&v, out)
	want := []float32{0.5 + 0.1 + 2*32.767, -0.25 - 2*0.001, -32.767}
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
