package types_test

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

// The proofs in x/rollups/testdata prove exactly these commitments.

type fixtureCommitment struct {
	ChainID       string `json:"chain_id"`
	RollupID      string `json:"rollup_id"`
	BatchIndex    uint64 `json:"batch_index"`
	PrevStateRoot string `json:"prev_state_root"`
	NewStateRoot  string `json:"new_state_root"`
	DAHash        string `json:"da_hash"`
	InboxBefore   string `json:"inbox_before"`
	InboxAfter    string `json:"inbox_after"`
	OutboxHash    string `json:"outbox_hash"`
	L2TxCount     uint64 `json:"l2_tx_count"`
	Submitter     string `json:"submitter"` // hex of the raw address bytes
}

type fixtureFile struct {
	Proofs []struct {
		File         string            `json:"file"`
		Commitment   fixtureCommitment `json:"commitment"`
		PublicInputs []string          `json:"public_inputs"`
	} `json:"proofs"`
}

func TestFixtures_PublicInputsMatchCommitments(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "inputs.json"))
	require.NoError(t, err)
	var f fixtureFile
	require.NoError(t, json.Unmarshal(raw, &f))
	require.NotEmpty(t, f.Proofs)
	for _, p := range f.Proofs {
		fc := p.Commitment
		c := protocol.BatchCommitment{
			ChainID:       fc.ChainID,
			RollupID:      fc.RollupID,
			BatchIndex:    fc.BatchIndex,
			PrevStateRoot: mustElementHex(t, fc.PrevStateRoot),
			NewStateRoot:  mustElementHex(t, fc.NewStateRoot),
			DAHash:        mustElementHex(t, fc.DAHash),
			InboxBefore:   mustElementHex(t, fc.InboxBefore),
			InboxAfter:    mustElementHex(t, fc.InboxAfter),
			OutboxHash:    mustElementHex(t, fc.OutboxHash),
			L2TxCount:     fc.L2TxCount,
			Submitter:     mustHex(t, fc.Submitter),
		}
		pi, err := c.PublicInputs()
		require.NoError(t, err, p.File)
		require.Len(t, p.PublicInputs, len(pi), p.File)
		for i := range pi {
			require.Equal(t, p.PublicInputs[i], hexElement(pi[i]), p.File)
		}
	}
}

func hexElement(e fr.Element) string {
	b := e.Bytes()
	return hex.EncodeToString(b[:])
}

func mustElementHex(t testing.TB, s string) fr.Element {
	t.Helper()
	bz, err := hex.DecodeString(s)
	require.NoError(t, err)
	e, err := protocol.ParseFieldElement(bz)
	require.NoError(t, err)
	return e
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	bz, err := hex.DecodeString(s)
	require.NoError(t, err)
	return bz
}
