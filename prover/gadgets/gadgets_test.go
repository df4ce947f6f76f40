package gadgets

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/rangecheck"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

func byteVars(b []byte) []frontend.Variable {
	out := make([]frontend.Variable, len(b))
	for i := range b {
		out[i] = b[i]
	}
	return out
}

// bytesDigestCircuit hashes a fixed-length byte string with a tag.
type bytesDigestCircuit struct {
	tag    string
	Data   []frontend.Variable
	Digest frontend.Variable `gnark:",public"`
}

func (c *bytesDigestCircuit) Define(api frontend.API) error {
	h, err := NewHasher(api)
	if err != nil {
		return err
	}
	api.AssertIsEqual(h.BytesDigest(c.tag, c.Data), c.Digest)
	return nil
}

func TestBytesDigest_MatchesNativeDigests(t *testing.T) {
	cases := []struct {
		tag    string
		data   []byte
		native fr.Element
	}{
		{protocol.TagDA, nil, protocol.DAHash(nil)},
		{protocol.TagDA, []byte("abc"), protocol.DAHash([]byte("abc"))},
		{protocol.TagDA, seq(63), protocol.DAHash(seq(63))},
		{protocol.TagAddress, bytes.Repeat([]byte{0x11}, 20), protocol.AddressDigest(bytes.Repeat([]byte{0x11}, 20))},
		{protocol.TagAddress, seq(64), protocol.AddressDigest(seq(64))},
		{protocol.TagRollupID, []byte("payments"), protocol.RollupIDDigest("payments")},
	}
	for _, tc := range cases {
		circuit := &bytesDigestCircuit{tag: tc.tag, Data: make([]frontend.Variable, len(tc.data))}
		assignment := &bytesDigestCircuit{Data: byteVars(tc.data), Digest: tc.native}
		require.NoError(t, test.IsSolved(circuit, assignment, ecc.BN254.ScalarField()), "%s %x", tc.tag, tc.data)
		tampered := &bytesDigestCircuit{Data: byteVars(tc.data), Digest: tc.native}
		if len(tc.data) > 0 {
			tampered.Data[len(tc.data)-1] = int(tc.data[len(tc.data)-1]) ^ 1
			require.Error(t, test.IsSolved(circuit, tampered, ecc.BN254.ScalarField()))
		}
	}
}

// daPrefixCircuit hashes a variable-length prefix of a fixed array.
type daPrefixCircuit struct {
	Data     []frontend.Variable
	Length   frontend.Variable
	NbChunks frontend.Variable
	Digest   frontend.Variable `gnark:",public"`
}

func (c *daPrefixCircuit) Define(api frontend.API) error {
	h, err := NewHasher(api)
	if err != nil {
		return err
	}
	api.AssertIsEqual(h.DAHashPrefix(c.Data, c.Length, c.NbChunks, rangecheck.New(api)), c.Digest)
	return nil
}

func TestDAHashPrefix_MatchesNativeForEveryLength(t *testing.T) {
	const max = 70
	for _, n := range []int{0, 1, 30, 31, 32, 62, 63, 69, 70} {
		data := make([]byte, max)
		copy(data, seq(n))
		circuit := &daPrefixCircuit{Data: make([]frontend.Variable, max)}
		chunks := (n + 30) / 31
		ok := &daPrefixCircuit{Data: byteVars(data), Length: n, NbChunks: chunks, Digest: protocol.DAHash(seq(n))}
		require.NoError(t, test.IsSolved(circuit, ok, ecc.BN254.ScalarField()), "length %d", n)
		wrongChunks := &daPrefixCircuit{Data: byteVars(data), Length: n, NbChunks: chunks + 1, Digest: protocol.DAHash(seq(n))}
		require.Error(t, test.IsSolved(circuit, wrongChunks, ecc.BN254.ScalarField()), "length %d", n)
	}
}

// entriesCircuit checks inbox and outbox entry hashes, the accumulator and
// the outbox hash against native values.
type entriesCircuit struct {
	In        [2]InboxEntry
	InBefore  frontend.Variable
	InAfter   frontend.Variable `gnark:",public"`
	Out       [2]OutboxEntry
	OutCount  frontend.Variable
	OutEmit   [3]frontend.Variable
	OutHash   frontend.Variable `gnark:",public"`
	EntryHash frontend.Variable `gnark:",public"`
}

func (c *entriesCircuit) Define(api frontend.API) error {
	h, err := NewHasher(api)
	if err != nil {
		return err
	}
	rc := rangecheck.New(api)
	in := h.NewInboxConsumer(c.InBefore)
	for i := range c.In {
		AssertHeaderRanges(rc, c.In[i].Sequence, c.In[i].Kind, c.In[i].Amount)
		in.Consume(1, h.InboxEntryHash(c.In[i]))
	}
	api.AssertIsEqual(in.Accumulator(), c.InAfter)
	out := h.NewOutbox(c.OutCount)
	api.AssertIsEqual(h.OutboxEntryHash(c.Out[0]), c.EntryHash)
	// emit entry 0, a skipped slot, then entry 1
	out.Append(c.OutEmit[0], h.OutboxEntryHash(c.Out[0]))
	out.Append(c.OutEmit[1], h.OutboxEntryHash(c.Out[0]))
	out.Append(c.OutEmit[2], h.OutboxEntryHash(c.Out[1]))
	api.AssertIsEqual(out.Hash(), c.OutHash)
	return nil
}

func nativeInbox() []protocol.InboxEntry {
	return []protocol.InboxEntry{
		{Sequence: 0, Kind: protocol.InboxKindDeposit, Sender: bytes.Repeat([]byte{0x11}, 20),
			Recipient: bytes.Repeat([]byte{0x22}, 32), Denom: "unat", Amount: protocol.NewUint128(1_000_000)},
		{Sequence: 1, Kind: protocol.InboxKindCrossRollupMessage, Sender: bytes.Repeat([]byte{0x33}, 32),
			Recipient: bytes.Repeat([]byte{0x44}, 32), SourceRollupID: "dex", Payload: []byte("hello")},
	}
}

func nativeOutbox() []protocol.OutboxEntry {
	return []protocol.OutboxEntry{
		{Kind: protocol.OutboxKindWithdrawal, Sender: bytes.Repeat([]byte{0x77}, 32),
			Recipient: bytes.Repeat([]byte{0x55}, 20), Denom: "unat", Amount: protocol.NewUint128(250_000)},
		{Kind: protocol.OutboxKindCrossRollupMessage, Sender: bytes.Repeat([]byte{0x77}, 32),
			Recipient: bytes.Repeat([]byte{0x66}, 32), DestRollupID: "dex", Denom: "unat",
			Amount: protocol.Uint128{Hi: 1}, Payload: []byte{0xde, 0xad, 0xbe, 0xef}},
	}
}

func inboxVars(e protocol.InboxEntry) InboxEntry {
	return InboxEntry{
		Sequence: e.Sequence, Kind: uint32(e.Kind), Amount: e.Amount.BigInt(),
		SenderDigest: protocol.AddressDigest(e.Sender), RecipientDigest: protocol.AddressDigest(e.Recipient),
		SourceRollupDigest: protocol.RollupIDDigest(e.SourceRollupID), DenomDigest: protocol.DenomDigest(e.Denom),
		PayloadDigest: protocol.PayloadDigest(e.Payload),
	}
}

func outboxVars(e protocol.OutboxEntry) OutboxEntry {
	return OutboxEntry{
		Kind: uint32(e.Kind), Amount: e.Amount.BigInt(),
		SenderDigest: protocol.AddressDigest(e.Sender), RecipientDigest: protocol.AddressDigest(e.Recipient),
		DestRollupDigest: protocol.RollupIDDigest(e.DestRollupID), DenomDigest: protocol.DenomDigest(e.Denom),
		PayloadDigest: protocol.PayloadDigest(e.Payload),
	}
}

func validEntries() *entriesCircuit {
	in, out := nativeInbox(), nativeOutbox()
	acc0 := protocol.InboxAccumulatorGenesis()
	acc := protocol.InboxAccumulate(protocol.InboxAccumulate(acc0, in[0]), in[1])
	return &entriesCircuit{
		In: [2]InboxEntry{inboxVars(in[0]), inboxVars(in[1])}, InBefore: acc0, InAfter: acc,
		Out: [2]OutboxEntry{outboxVars(out[0]), outboxVars(out[1])}, OutCount: 2,
		OutEmit: [3]frontend.Variable{1, 0, 1}, OutHash: protocol.OutboxHash(out), EntryHash: out[0].Hash(),
	}
}

func TestInboxOutbox_MatchNative(t *testing.T) {
	require.NoError(t, test.IsSolved(&entriesCircuit{}, validEntries(), ecc.BN254.ScalarField()))
}

func TestInboxOutbox_RejectTampering(t *testing.T) {
	cases := map[string]func(c *entriesCircuit){
		"inbox entries swapped": func(c *entriesCircuit) { c.In[0], c.In[1] = c.In[1], c.In[0] },
		"inbox amount + 1":      func(c *entriesCircuit) { c.In[0].Amount = 1_000_001 },
		"inbox amount moved into kind": func(c *entriesCircuit) {
			// same header element, fields out of range
			c.In[0].Kind = 0
			c.In[0].Amount = new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1_000_000))
		},
		"outbox count claims one more": func(c *entriesCircuit) { c.OutCount = 3 },
		"outbox skipped slot emitted":  func(c *entriesCircuit) { c.OutEmit[1] = 1 },
		"outbox sender changed":        func(c *entriesCircuit) { c.Out[0].SenderDigest = protocol.AddressDigest([]byte{1}) },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			a := validEntries()
			mutate(a)
			require.Error(t, test.IsSolved(&entriesCircuit{}, a, ecc.BN254.ScalarField()))
		})
	}
}

type commitmentCircuit struct {
	Pre    [protocol.BatchCommitmentArity]frontend.Variable
	Public frontend.Variable `gnark:",public"`
}

func (c *commitmentCircuit) Define(api frontend.API) error {
	h, err := NewHasher(api)
	if err != nil {
		return err
	}
	p := c.Pre
	h.AssertBatchCommitment(c.Public, BatchCommitment{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10]})
	return nil
}

func exampleCommitment() protocol.BatchCommitment {
	in := nativeInbox()
	acc := protocol.InboxAccumulate(protocol.InboxAccumulatorGenesis(), in[0])
	var one, two fr.Element
	one.SetUint64(1)
	two.SetUint64(2)
	return protocol.BatchCommitment{
		ChainID: "nativechain-1", RollupID: "payments", BatchIndex: 7,
		PrevStateRoot: one, NewStateRoot: two, DAHash: protocol.DAHash([]byte("abc")),
		InboxBefore: protocol.InboxAccumulatorGenesis(), InboxAfter: protocol.InboxAccumulate(acc, in[1]),
		OutboxHash: protocol.OutboxHash(nativeOutbox()), L2TxCount: 5, Submitter: bytes.Repeat([]byte{0x88}, 20),
	}
}

func TestBatchCommitment_MatchesNative(t *testing.T) {
	c := exampleCommitment()
	pre, err := c.Preimage()
	require.NoError(t, err)
	pi, err := c.PublicInputs()
	require.NoError(t, err)
	a := &commitmentCircuit{Public: pi[0]}
	for i := range pre {
		a.Pre[i] = pre[i]
	}
	require.NoError(t, test.IsSolved(&commitmentCircuit{}, a, ecc.BN254.ScalarField()))
	a.Pre[9] = c.L2TxCount + 1
	require.Error(t, test.IsSolved(&commitmentCircuit{}, a, ecc.BN254.ScalarField()))
}

func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}
