//go:build !unix

package modelfile

// Elsewhere the model's arrays are ordinary slices (see offheap_unix.go).
func int8s(n int) []int8       { return make([]int8, n) }
func entrySlice(n int) []Entry { return make([]Entry, n) }
