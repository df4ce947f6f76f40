//go:build system

package system

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/wallet"
)

// demoDevnet is devnet.sh with its demo rollups and operators, detached,
// on ports of its own (500 ms blocks and batch timeout).
type demoDevnet struct {
	bin, home string
	// ports: P2P, RPC, gRPC, REST API, operators A, B, C, dashboard, X.
	ports []int
	env   []string
}

// devnetOperators are the demo rollups, whose operators' logs a failed
// test prints.
var devnetOperators = []string{"payments-a", "payments-b", "payments-usdc", "exchange"}

// newDemoDevnet prepares the devnet's environment (extra adds variables)
// and registers its stop: a failed test prints the last lines of every
// operator's log, and SYSTEM_KEEP_LOGS=DIR keeps the whole logs there.
func newDemoDevnet(t *testing.T, extra ...string) *demoDevnet {
	t.Helper()
	d := &demoDevnet{bin: Binary(t), home: filepath.Join(t.TempDir(), "devnet"), ports: FreePorts(t, 9)}
	p := d.ports
	keys := filepath.Join(RepoRoot(t), "build", "test-keys")
	d.env = append([]string{
		"NATIVECHAIND_BIN=" + d.bin, "DEVNET_HOME=" + d.home, "DEVNET_DETACH=1", "DEVNET_SKIP_BUILD=1",
		"DEVNET_P2P_PORT=" + itoa(p[0]), "DEVNET_RPC_PORT=" + itoa(p[1]), "DEVNET_GRPC_PORT=" + itoa(p[2]),
		"DEVNET_API_PORT=" + itoa(p[3]), "DEVNET_OPERATOR_A_PORT=" + itoa(p[4]), "DEVNET_OPERATOR_B_PORT=" + itoa(p[5]),
		"DEVNET_BLOCK_TIME=500ms", "DEVNET_WAIT_TIMEOUT=90", "DEVNET_ROLLUPS=1", "DEVNET_KEYS_DIR=" + keys,
		"DEVNET_BATCH_TIMEOUT=500ms", "DEVNET_OPERATOR_C_PORT=" + itoa(p[6]),
		"DEVNET_DASHBOARD_PORT=" + itoa(p[7]), "DEVNET_OPERATOR_X_PORT=" + itoa(p[8]),
	}, extra...)
	t.Cleanup(func() {
		keep := os.Getenv("SYSTEM_KEEP_LOGS")
		for _, id := range devnetOperators {
			raw, err := os.ReadFile(filepath.Join(d.home, "operators", id, "operator.log"))
			if err != nil {
				continue
			}
			if keep != "" && os.MkdirAll(keep, 0o755) == nil {
				_ = os.WriteFile(filepath.Join(keep, id+".log"), raw, 0o644)
			}
			if t.Failed() {
				lines := strings.Split(string(raw), "\n")
				t.Logf("operator %s log (last lines):\n%s", id, strings.Join(lines[max(0, len(lines)-40):], "\n"))
			}
		}
		RunScript(t, time.Minute, d.env, "devnet.sh", "stop")
	})
	return d
}

// run runs the demo (the script fails on any balance it does not
// expect) and returns its output.
func (d *demoDevnet) run(t *testing.T) string {
	t.Helper()
	return RunScript(t, 9*time.Minute, d.env, "devnet.sh")
}

// url is the HTTP URL of port i of d.ports.
func (d *demoDevnet) url(i int) string { return "http://127.0.0.1:" + itoa(d.ports[i]) }

// waitOperatorsIdle waits until every operator in urls (rollup id → API)
// has verified all it built and holds nothing in flight.
func waitOperatorsIdle(t *testing.T, urls map[string]string) {
	t.Helper()
	for id, u := range urls {
		cl := wallet.NewClient(u)
		require.Eventually(t, func() bool {
			st, err := cl.Status(t.Context())
			return err == nil && st.Halted == "" && st.LastBuilt == st.LastVerified && st.ChainNextBatch-1 == st.LastVerified &&
				st.MempoolPending+st.InFlightTxs == 0
		}, 3*time.Minute, 200*time.Millisecond, "operator %s not idle", id)
	}
}

// restartOperator stops operator id of the devnet at home (SIGTERM) once
// every operator is idle and starts it again as devnet.sh does, with the
// sync fault NATIVECHAIN_SYNC_FAULT=fault ("": none), its pid in
// operator.pid; it returns once the operators are idle again.
func restartOperator(t *testing.T, bin, home, id, fault string, urls map[string]string) int {
	t.Helper()
	waitOperatorsIdle(t, urls)
	dir := filepath.Join(home, "operators", id)
	pidFile := filepath.Join(dir, "operator.pid")
	raw, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	require.NoError(t, err)
	StopPID(t, pid)
	log, err := os.OpenFile(filepath.Join(dir, "operator.log"), os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	defer log.Close()
	fmt.Fprintf(log, "\n---- test: restart with NATIVECHAIN_SYNC_FAULT=%q ----\n", fault)
	cmd := exec.Command(bin, "operator", "start", "--operator-home", dir, "--home", home)
	cmd.Env = os.Environ()
	if fault != "" {
		cmd.Env = append(cmd.Env, "NATIVECHAIN_SYNC_FAULT="+fault)
	}
	cmd.Stdout, cmd.Stderr = log, log
	require.NoError(t, cmd.Start())
	go func() { _ = cmd.Wait() }() // reap it when devnet.sh stop ends it
	require.NoError(t, os.WriteFile(pidFile, []byte(itoa(cmd.Process.Pid)), 0o644))
	cl := wallet.NewClient(urls[id])
	require.Eventually(t, func() bool {
		st, err := cl.Status(t.Context())
		return err == nil && st.ChainHeight > 0
	}, 2*time.Minute, 300*time.Millisecond, "operator %s did not come back", id)
	waitOperatorsIdle(t, urls)
	return cmd.Process.Pid
}

// loadavg is /proc/loadavg, for the figures a test logs.
func loadavg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(raw))
}
