//go:build unix

package modelfile

import (
	"syscall"
	"unsafe"
)

// offHeap returns n zeroed bytes outside Go's heap (an anonymous mapping),
// or nil if the system refuses. The model's large arrays live there: the
// garbage collector lets the heap grow to twice what is live before it
// runs, so a model on the heap costs twice its size in memory, and it is
// never freed anyway (one per process, read-only once decoded).
func offHeap(n int) []byte {
	if n == 0 {
		return nil
	}
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil
	}
	return b
}

// int8s and entrySlice view off-heap memory as the arrays the model holds.
func int8s(n int) []int8 {
	if b := offHeap(n); b != nil {
		return unsafe.Slice((*int8)(unsafe.Pointer(&b[0])), n)
	}
	return make([]int8, n)
}

func entrySlice(n int) []Entry {
	if b := offHeap(2 * n); b != nil {
		return unsafe.Slice((*Entry)(unsafe.Pointer(&b[0])), n)
	}
	return make([]Entry, n)
}
