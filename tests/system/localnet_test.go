//go:build system && long

package system

import (
	"path/filepath"
	"testing"
	"time"
)

func TestLocalnetScript_FourValidatorsAdvanceAndStop(t *testing.T) {
	// ARRANGE
	bin := Binary(t)
	const n = 4
	dir := filepath.Join(t.TempDir(), "localnet")
	env := []string{
		"NATIVECHAIND_BIN=" + bin,
		"LOCALNET_DIR=" + dir,
		"LOCALNET_N=" + itoa(n),
		"LOCALNET_SKIP_BUILD=1",
		"LOCALNET_BASE_PORT=" + itoa(FreePortBlock(t, 10*n)),
		"LOCALNET_WAIT_TIMEOUT=240",
	}
	t.Cleanup(func() { RunScript(t, 2*time.Minute, env, "localnet.sh", "stop") })

	// ACT: the script returns only once every node is past height 3.
	RunScript(t, 5*time.Minute, env, "localnet.sh")

	// ASSERT: the chain keeps going with all validators, then stops on request.
	status := RunScript(t, time.Minute, env, "localnet.sh", "status")
	t.Logf("localnet status:\n%s", status)
	RunScript(t, 2*time.Minute, env, "localnet.sh", "stop")
	for i := range n {
		if pidFile := filepath.Join(dir, "node"+itoa(i)+".pid"); fileExists(pidFile) {
			t.Fatalf("%s still present after stop", pidFile)
		}
	}
}
