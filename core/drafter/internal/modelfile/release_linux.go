//go:build linux

package modelfile

import (
	"os"
	"syscall"
	"unsafe"
)

// madvPageout asks the kernel to reclaim pages now (Linux 5.4 and later):
// clean file-backed pages are dropped and read again from the file when
// touched; anonymous pages are swapped out or stay. Contents never change.
const madvPageout = 21

// Release tells the system that data, a model file that has been decoded,
// will not be read again soon, so the whole pages inside it may leave
// memory. An embedded model is mapped from the binary and read once by
// Decode; without this the intent model's 17 MB stay resident for the life of the
// process. It is only advice: the bytes read the same afterwards, and an
// older kernel that does not know it changes nothing.
func Release(data []byte) {
	if len(data) == 0 {
		return
	}
	page := uintptr(os.Getpagesize())
	base := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	start, end := (base+page-1)&^(page-1), (base+uintptr(len(data)))&^(page-1)
	if end <= start {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, start, end-start, madvPageout)
}
