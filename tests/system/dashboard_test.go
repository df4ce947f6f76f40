//go:build system

package system

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
)

const (
	dashLive   = "dash-live"
	dashFrozen = "dash-frozen"
	// dashDeadline is inbox_deadline_blocks: a deposit nobody consumes
	// freezes its rollup this many blocks later (a few seconds here).
	dashDeadline = 20
)

// The dashboard in headless Chromium against a real chain: one rollup
// whose batches land while the page is open, one whose operator never
// consumes a deposit so the chain freezes it. A person would check that
// every rollup has its row, that a new batch shows up without a reload,
// that the bridge invariant is green, that the frozen rollup says so, and
// that an operator that is down is named as unreachable.
func TestDashboard_ShowsRollupsLiveBatchesBridgeAndFrozenRollup(t *testing.T) {
	// ARRANGE: Chromium (Debian's chromium; .ci/run installs it), the
	// test-circuit keys, a chain with a short inbox deadline and its REST
	// API on.
	bin := Binary(t)
	chromium := chromiumPath(t)
	proverCh := make(chan *batchprover.Prover, 1)
	go func() {
		p, err := batchprover.New()
		if err != nil {
			t.Errorf("test circuit setup: %v", err)
		}
		proverCh <- p
	}()
	c := NewSingleNodeChain(t, "alice", "bob")
	n := c.Node
	setRollupsGenesisParam(t, n, "inbox_deadline_blocks", fmt.Sprint(dashDeadline))
	EditTOML(t, filepath.Join(n.Home, "config", "app.toml"), TOMLEdit{"api", "enable", "true"})
	n.Start(t)
	n.WaitForHeight(t, 2, startTimeout)
	prover := <-proverCh
	require.NotNil(t, prover)

	files := rollupFiles{t: t, dir: t.TempDir()}
	vk := files.write("vk.bin", prover.VerifyingKey())
	root := []fr.Element{rootElement(0x20), rootElement(0x21), rootElement(0x22)}
	for _, id := range []string{dashLive, dashFrozen} {
		n.WaitForTx(t, n.MustBroadcast(t, "rollups", "register", id, "--vk-file", vk,
			"--genesis-root", rootHex(root[0]), "--bond", coin(rollupBond), "--from", "alice"), 30*time.Second)
	}
	live := dashBatches{t: t, prover: prover, files: files, chainID: n.ChainID, submitter: rawAddress(t, c.Accounts["alice"])}
	n.WaitForTx(t, n.MustBroadcast(t, live.prove(1, root[0], root[1], 7).submitArgs("alice")...), 30*time.Second)

	apiURL := fmt.Sprintf("http://127.0.0.1:%d", n.Ports.API)
	require.Eventually(t, func() bool {
		resp, err := http.Get(apiURL + "/nativechain/rollups/v1/rollups")
		if err == nil {
			_ = resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	}, 30*time.Second, 200*time.Millisecond, "REST API up")

	ports := FreePorts(t, 2)
	downOperator := fmt.Sprintf("http://127.0.0.1:%d", ports[1]) // nothing listens there
	dashURL := startDashboard(t, bin, "--node", n.Ports.NodeRPC(), "--api", apiURL,
		"--operators", downOperator, "--listen", fmt.Sprintf("127.0.0.1:%d", ports[0]), "--fleet-interval", "1s")

	// The deposit nobody will consume: its deadline is dashDeadline blocks
	// away.
	n.WaitForTx(t, n.MustBroadcast(t, "crossrollup", "deposit", dashFrozen, "0a1b2c3d4e5f", coin(2_500_000), "--from", "bob"), 30*time.Second)

	ctx := browser(t, chromium)

	// ACT 1: open the page.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(dashURL)))

	// ASSERT 1: both rollup rows, batch 1 of the live rollup with its L2
	// transactions, and the page marked so that a reload would show.
	for _, id := range []string{dashLive, dashFrozen} {
		waitJS(t, ctx, fmt.Sprintf(`!!document.querySelector('#rollups tr[data-rollup=%q]')`, id), "rollup row "+id)
	}
	waitJS(t, ctx, `(() => { const r = document.querySelector('#batches tr[data-batch="dash-live/1"]');
		return r && r.querySelector('.txs').textContent === '7'; })()`, "batch 1 row with its 7 L2 txs")
	_, err := chromedp.Run(ctx, chromedp.Evaluate[any](`window.__sameDocument = true`))
	require.NoError(t, err)
	waitJS(t, ctx, `window.dashboard.wsConnected`, "websocket subscribed")

	// ACT 2: a new batch lands.
	n.WaitForTx(t, n.MustBroadcast(t, live.prove(2, root[1], root[2], 12).submitArgs("alice")...), 30*time.Second)

	// ASSERT 2: it appears without a reload, with its L2 txs and gas.
	waitJS(t, ctx, `(() => { const r = document.querySelector('#batches tr[data-batch="dash-live/2"]');
		return r && r.querySelector('.txs').textContent === '12' && r.children[5].textContent !== '—'; })()`, "batch 2 row, live")
	same, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__sameDocument === true`))
	require.NoError(t, err)
	require.True(t, same, "the page was not reloaded")

	// ASSERT 3: the bridge invariant is green and the deposit is listed.
	waitJS(t, ctx, `document.querySelector('#invariant').classList.contains('ok')`, "invariant green")
	waitJS(t, ctx, `!!document.querySelector('#bridge-events tr[data-event="deposit"]')`, "deposit event")

	// ASSERT 4: the rollup whose deposit was never consumed freezes, and
	// the page says so.
	waitJSFor(t, ctx, 60*time.Second, `(() => { const r = document.querySelector('#rollups tr[data-rollup="dash-frozen"]');
		return r && r.dataset.status === 'frozen' && r.querySelector('.status').textContent.includes('frozen'); })()`, "frozen rollup")
	liveStatus, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#rollups tr[data-rollup="dash-live"]').dataset.status`))
	require.NoError(t, err)
	require.Equal(t, "active", liveStatus)

	// ASSERT 5: the operator that is down is named as unreachable.
	waitJS(t, ctx, `(() => { const li = document.querySelector('#reach li[data-upstream="operator 0"]');
		return li && li.classList.contains('down') && li.textContent.startsWith('cannot reach'); })()`, "operator shown unreachable")
	waitJS(t, ctx, `(() => { const li = document.querySelector('#reach li[data-upstream="node RPC"]'); return li && li.classList.contains('up'); })()`, "node RPC shown reachable")

	// A screenshot for the reviewer.
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	out := filepath.Join(RepoRoot(t), "build", "dashboard.png")
	require.NoError(t, os.MkdirAll(filepath.Dir(out), 0o755))
	require.NoError(t, os.WriteFile(out, png, 0o644))
	t.Logf("screenshot: %s (%d bytes)", out, len(png))
}

// chromiumPath finds Debian's chromium (or CHROMIUM_BIN). Missing, it fails
// the test: a browser test that skips silently proves nothing.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM_BIN"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatalf("no chromium on PATH: install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_BIN")
	return ""
}

// browser starts headless Chromium for the test; console errors of the
// page are logged.
func browser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.WindowSize(1500, 1700),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}

func waitJS(t *testing.T, ctx context.Context, predicate, what string) {
	t.Helper()
	waitJSFor(t, ctx, 30*time.Second, predicate, what)
}

// waitJSFor polls a JavaScript predicate in the page until it is true.
func waitJSFor(t *testing.T, ctx context.Context, timeout time.Duration, predicate, what string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](predicate,
		chromedp.WithPollingInterval(200*time.Millisecond), chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('main') ? document.querySelector('main').innerText.slice(0, 3000) : ''`))
		reach, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#reach') ? document.querySelector('#reach').innerText : ''`))
		t.Fatalf("%s: %v\nupstreams: %s\npage:\n%s", what, err, reach, body)
	}
}

// startDashboard runs `nativechaind dashboard` and waits for its page.
func startDashboard(t *testing.T, bin string, args ...string) string {
	t.Helper()
	var listen string
	for i, a := range args {
		if a == "--listen" && i+1 < len(args) {
			listen = args[i+1]
		}
	}
	logPath := filepath.Join(t.TempDir(), "dashboard.log")
	logF, err := os.Create(logPath)
	require.NoError(t, err)
	cmd := exec.Command(bin, append([]string{"dashboard"}, args...)...)
	cmd.Stdout, cmd.Stderr = logF, logF
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); _ = logF.Close(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			raw, _ := os.ReadFile(logPath)
			t.Logf("dashboard log:\n%s", raw)
		}
	})
	url := "http://" + listen
	require.Eventually(t, func() bool {
		resp, err := http.Get(url + "/config.json")
		if err == nil {
			_ = resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	}, 20*time.Second, 100*time.Millisecond, "dashboard up")
	return url
}

// dashBatches proves test-circuit batches of dashLive that consume
// nothing from the inbox and report an L2 transaction count.
type dashBatches struct {
	t         *testing.T
	prover    *batchprover.Prover
	files     rollupFiles
	chainID   string
	submitter []byte
}

type dashBatch struct {
	index              uint64
	newRoot            fr.Element
	l2Txs              uint64
	dataPath, proofPth string
}

func (b dashBatches) prove(index uint64, prev, next fr.Element, l2Txs uint64) dashBatch {
	b.t.Helper()
	data := []byte(strings.Repeat(fmt.Sprintf("batch %d ", index), int(l2Txs)))
	acc := protocol.InboxAccumulatorGenesis()
	proof, err := b.prover.Prove(protocol.BatchCommitment{
		ChainID: b.chainID, RollupID: dashLive, BatchIndex: index,
		PrevStateRoot: prev, NewStateRoot: next, DAHash: protocol.DAHash(data),
		InboxBefore: acc, InboxAfter: acc, OutboxHash: protocol.OutboxHash(nil),
		L2TxCount: l2Txs, Submitter: b.submitter,
	})
	require.NoError(b.t, err)
	return dashBatch{index: index, newRoot: next, l2Txs: l2Txs,
		dataPath: b.files.write(fmt.Sprintf("dash-%d-data.bin", index), data),
		proofPth: b.files.write(fmt.Sprintf("dash-%d-proof.bin", index), proof)}
}

func (b dashBatch) submitArgs(key string) []string {
	return []string{"rollups", "submit-batch", dashLive,
		"--index", fmt.Sprint(b.index), "--new-root", rootHex(b.newRoot),
		"--data-file", b.dataPath, "--inbox-consumed", "0", "--proof-file", b.proofPth,
		"--l2-tx-count", fmt.Sprint(b.l2Txs), "--from", key}
}
