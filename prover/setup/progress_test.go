package setup

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestProgress_StatusGivesETAThenAdmitsOverrun(t *testing.T) {
	p := &progress{label: "setup", estimate: 40 * time.Second}
	require.Equal(t, "setup: 10s elapsed, about 30s left (~25%)", p.status(10*time.Second))
	require.Equal(t, "setup: 50s elapsed, taking longer than estimated", p.status(50*time.Second))

	p.estimate = 0
	require.Equal(t, "setup: 3s elapsed", p.status(3*time.Second))
}

func TestProgress_NonInteractivePrintsOnlyStartAndFinish(t *testing.T) {
	var out bytes.Buffer
	p := startProgress(&out, false, "step", 2*time.Second)
	p.finish(nil)
	p = startProgress(&out, false, "step", 0)
	p.finish(errors.New("boom"))
	lines := bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n"))
	require.Len(t, lines, 4)
	require.Contains(t, string(lines[0]), "step: started, estimated 2s")
	require.Contains(t, string(lines[1]), "step: done in")
	require.Contains(t, string(lines[3]), "failed after")
	require.NotContains(t, out.String(), "\r")
}

func TestEstimateDevSetup_ScalesWithConstraints(t *testing.T) {
	require.Greater(t, EstimateDevSetup(1<<16), EstimateDevSetup(1<<14))
	require.Positive(t, EstimateDevSetup(2047))
}
