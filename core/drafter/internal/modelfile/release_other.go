//go:build !linux

package modelfile

// Release is advice the system can ignore; only Linux is told (see
// release_linux.go).
func Release(data []byte) {}
