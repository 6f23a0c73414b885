//go:build !unix

package modelfile

// Elsewhere the model's arrays are ordinary slices (see offheap_unix.go).
func int8s(n int) []int8   { return make([]int8, n) }
func int16s(n int) []int16 { return make([]int16, n) }
func uint8s(n int) []uint8 { return make([]uint8, n) }
