//go:build system

package system

import (
	"fmt"
	"math/rand/v2"
	"net"
	"testing"
)

// FreePorts returns n distinct TCP ports that were free on 127.0.0.1 a moment
// ago. All listeners are held open together so the kernel cannot hand the
// same port out twice, then closed before returning.
func FreePorts(t testing.TB, n int) []int {
	t.Helper()
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("find a free port: %v", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// FreePortBlock returns the first port of a run of size consecutive ports
// that are all free on 127.0.0.1, for scripts that lay ports out from a base.
func FreePortBlock(t testing.TB, size int) int {
	t.Helper()
	for range 50 {
		base := 20000 + rand.IntN(20000)
		if portsFree(base, size) {
			return base
		}
	}
	t.Fatalf("no block of %d free consecutive ports found on 127.0.0.1", size)
	return 0
}

func portsFree(base, size int) bool {
	listeners := make([]net.Listener, 0, size)
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	for p := base; p < base+size; p++ {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			return false
		}
		listeners = append(listeners, l)
	}
	return true
}
