package proof_test

import (
	"bytes"
	"testing"

	"github.com/cometbft/cometbft/proto/tendermint/crypto"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/crossrollup/client/proof"
)

// provenState is a committed multistore with a rollup, two deposits (the
// first consumed) and the rollup's ledger, plus the app hash of that version.
type provenState struct {
	*chainState
	height  int64
	appHash []byte
}

func newProvenState(t *testing.T) provenState {
	s := newChainState(t)
	s.registerRollup(testRollup)
	s.cms.GetKVStore(s.keys[otherStore]).Set([]byte("balance"), []byte("42"))
	s.commit()
	s.deposit(testRollup, 5)
	s.deposit(testRollup, 7)
	s.consume(testRollup, 1)
	h, appHash := s.commit()
	return provenState{chainState: s, height: h, appHash: appHash}
}

func inboxKey(t *testing.T, seq uint64) []byte {
	k, err := proof.InboxKey(testRollup, seq)
	require.NoError(t, err)
	return k
}

func cloneOps(ops *crypto.ProofOps) *crypto.ProofOps {
	out := &crypto.ProofOps{}
	for _, op := range ops.Ops {
		out.Ops = append(out.Ops, crypto.ProofOp{
			Type: op.Type, Key: bytes.Clone(op.Key), Data: bytes.Clone(op.Data),
		})
	}
	return out
}

func TestVerify_AcceptsRealProofs(t *testing.T) {
	s := newProvenState(t)
	ledgerKey, err := proof.LedgerKey(testRollup, testDenom)
	require.NoError(t, err)
	rollupKey, err := proof.RollupKey(testRollup)
	require.NoError(t, err)

	tests := []struct {
		name  string
		store string
		key   []byte
	}{
		{"inbox entry", proof.RollupsStore, inboxKey(t, 1)},
		{"rollup record", proof.RollupsStore, rollupKey},
		{"ledger", proof.CrossrollupStore, ledgerKey},
		{"absent inbox entry", proof.RollupsStore, inboxKey(t, 2)},
		{"absent ledger", proof.CrossrollupStore, mustLedgerKey(t, testRollup, "uother")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := s.query(tc.store, tc.key, s.height)
			require.NoError(t, proof.Verify(s.appHash, tc.store, tc.key, res.Value, res.ProofOps))
		})
	}
}

func mustLedgerKey(t *testing.T, rollupID, denom string) []byte {
	k, err := proof.LedgerKey(rollupID, denom)
	require.NoError(t, err)
	return k
}

func TestVerify_RejectsWhatTheProofDoesNotProve(t *testing.T) {
	s := newProvenState(t)
	key := inboxKey(t, 1)
	res := s.query(proof.RollupsStore, key, s.height)
	require.NotEmpty(t, res.Value)
	absentKey := inboxKey(t, 2)
	absent := s.query(proof.RollupsStore, absentKey, s.height)
	require.Empty(t, absent.Value)

	// An older version's app hash: a real root, just not this state's.
	oldHash := s.cms.LastCommitID().Hash
	s.deposit(testRollup, 9)
	_, newHash := s.commit()
	require.NotEqual(t, oldHash, newHash)

	tampered := bytes.Clone(res.Value)
	tampered[len(tampered)-1] ^= 1

	tests := []struct {
		name    string
		appHash []byte
		store   string
		key     []byte
		value   []byte
		ops     func() *crypto.ProofOps
		wantErr error
	}{
		{
			name: "tampered value", appHash: s.appHash, store: proof.RollupsStore, key: key, value: tampered,
			ops: func() *crypto.ProofOps { return res.ProofOps }, wantErr: proof.ErrValueMismatch,
		},
		{
			name: "value claimed absent", appHash: s.appHash, store: proof.RollupsStore, key: key, value: nil,
			ops: func() *crypto.ProofOps { return res.ProofOps }, wantErr: proof.ErrValueMismatch,
		},
		{
			name: "absent key claimed present", appHash: s.appHash, store: proof.RollupsStore, key: absentKey, value: res.Value,
			ops: func() *crypto.ProofOps { return absent.ProofOps }, wantErr: proof.ErrValueMismatch,
		},
		{
			name: "wrong key", appHash: s.appHash, store: proof.RollupsStore, key: inboxKey(t, 0), value: res.Value,
			ops: func() *crypto.ProofOps { return res.ProofOps }, wantErr: proof.ErrKeyMismatch,
		},
		{
			// A server relabelling the operation to the asked key: ics23
			// checks the key inside the proof.
			name: "wrong key, relabelled operation", appHash: s.appHash, store: proof.RollupsStore, key: inboxKey(t, 0), value: res.Value,
			ops: func() *crypto.ProofOps {
				ops := cloneOps(res.ProofOps)
				ops.Ops[0].Key = inboxKey(t, 0)
				return ops
			},
			wantErr: proof.ErrValueMismatch,
		},
		{
			name: "wrong store name", appHash: s.appHash, store: proof.CrossrollupStore, key: key, value: res.Value,
			ops: func() *crypto.ProofOps { return res.ProofOps }, wantErr: proof.ErrKeyMismatch,
		},
		{
			name: "wrong store name, relabelled operation", appHash: s.appHash, store: proof.CrossrollupStore, key: key, value: res.Value,
			ops: func() *crypto.ProofOps {
				ops := cloneOps(res.ProofOps)
				ops.Ops[1].Key = []byte(proof.CrossrollupStore)
				return ops
			},
			wantErr: proof.ErrValueMismatch,
		},
		{
			name: "wrong app hash (a later state)", appHash: newHash, store: proof.RollupsStore, key: key, value: res.Value,
			ops: func() *crypto.ProofOps { return res.ProofOps }, wantErr: proof.ErrAppHashMismatch,
		},
		{
			name: "wrong app hash (flipped bit)", appHash: flip(s.appHash), store: proof.RollupsStore, key: key, value: res.Value,
			ops: func() *crypto.ProofOps { return res.ProofOps }, wantErr: proof.ErrAppHashMismatch,
		},
		{
			name: "truncated: multistore operation dropped", appHash: s.appHash, store: proof.RollupsStore, key: key, value: res.Value,
			ops: func() *crypto.ProofOps {
				ops := cloneOps(res.ProofOps)
				ops.Ops = ops.Ops[:1]
				return ops
			},
			wantErr: proof.ErrMalformedProof,
		},
		{
			name: "truncated: store proof bytes cut", appHash: s.appHash, store: proof.RollupsStore, key: key, value: res.Value,
			ops: func() *crypto.ProofOps {
				ops := cloneOps(res.ProofOps)
				ops.Ops[0].Data = ops.Ops[0].Data[:len(ops.Ops[0].Data)/2]
				return ops
			},
			wantErr: proof.ErrMalformedProof,
		},
		{
			name: "no proof", appHash: s.appHash, store: proof.RollupsStore, key: key, value: res.Value,
			ops: func() *crypto.ProofOps { return nil }, wantErr: proof.ErrMalformedProof,
		},
		{
			name: "operations swapped", appHash: s.appHash, store: proof.RollupsStore, key: key, value: res.Value,
			ops: func() *crypto.ProofOps {
				ops := cloneOps(res.ProofOps)
				ops.Ops[0], ops.Ops[1] = ops.Ops[1], ops.Ops[0]
				return ops
			},
			wantErr: proof.ErrMalformedProof,
		},
		{
			name: "no app hash", appHash: nil, store: proof.RollupsStore, key: key, value: res.Value,
			ops: func() *crypto.ProofOps { return res.ProofOps }, wantErr: proof.ErrTrust,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := proof.Verify(tc.appHash, tc.store, tc.key, tc.value, tc.ops())
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
	// The untouched proof still verifies: the cases above changed copies.
	require.NoError(t, proof.Verify(s.appHash, proof.RollupsStore, key, res.Value, res.ProofOps))
}

func flip(b []byte) []byte {
	out := bytes.Clone(b)
	out[0] ^= 0x80
	return out
}
