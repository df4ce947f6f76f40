// Package system holds the system tests: they drive the real nativechaind
// binary as child processes (init, configure, start, CLI transactions and
// queries, stop) on free 127.0.0.1 ports.
//
// Everything else in this folder sits behind the `system` build tag, so a
// plain `go test ./...` skips it; `make test` builds the binary first and then
// runs `go test -tags system ./tests/system/...`. Slow scenarios also need the
// `long` tag (`make test-long`).
//
// The binary is found through NATIVECHAIND_BIN, defaulting to
// <repo>/build/nativechaind.
package system
