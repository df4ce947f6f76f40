package protocol

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/stretchr/testify/require"
)

// ---------------------------------------------------------------------------
// Test vectors. These are the vectors printed in
// docs/spec/batch-commitment.md; the prover's gadget tests check the same.

func hexElement(e fr.Element) string {
	b := e.Bytes()
	return hex.EncodeToString(b[:])
}

func elementFromUint64(v uint64) fr.Element {
	var e fr.Element
	e.SetUint64(v)
	return e
}

// seqBytes returns n bytes 0x00, 0x01, ..., (n-1) mod 256.
func seqBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func exampleDeposit() InboxEntry {
	return InboxEntry{
		Sequence:  0,
		Kind:      InboxKindDeposit,
		Sender:    bytes.Repeat([]byte{0x11}, 20),
		Recipient: bytes.Repeat([]byte{0x22}, 32),
		Denom:     "unat",
		Amount:    NewUint128(1_000_000),
	}
}

func exampleInboxMessage() InboxEntry {
	return InboxEntry{
		Sequence:       1,
		Kind:           InboxKindCrossRollupMessage,
		Sender:         bytes.Repeat([]byte{0x33}, 32),
		Recipient:      bytes.Repeat([]byte{0x44}, 32),
		SourceRollupID: "dex",
		Payload:        []byte("hello"),
	}
}

func exampleOutbox() []OutboxEntry {
	return []OutboxEntry{
		{
			Kind:      OutboxKindWithdrawal,
			Sender:    bytes.Repeat([]byte{0x77}, 32),
			Recipient: bytes.Repeat([]byte{0x55}, 20),
			Denom:     "unat",
			Amount:    NewUint128(250_000),
		},
		{
			Kind:         OutboxKindCrossRollupMessage,
			Sender:       bytes.Repeat([]byte{0x77}, 32),
			Recipient:    bytes.Repeat([]byte{0x66}, 32),
			DestRollupID: "dex",
			Denom:        "unat",
			Amount:       Uint128{Hi: 1, Lo: 0}, // 2^64
			Payload:      []byte{0xde, 0xad, 0xbe, 0xef},
		},
	}
}

func exampleCommitment() BatchCommitment {
	acc := InboxAccumulatorGenesis()
	acc1 := InboxAccumulate(acc, exampleDeposit())
	acc2 := InboxAccumulate(acc1, exampleInboxMessage())
	return BatchCommitment{
		ChainID:       "nativechain-1",
		RollupID:      "payments",
		BatchIndex:    7,
		PrevStateRoot: elementFromUint64(1),
		NewStateRoot:  elementFromUint64(2),
		DAHash:        DAHash([]byte("abc")),
		InboxBefore:   acc,
		InboxAfter:    acc2,
		OutboxHash:    OutboxHash(exampleOutbox()),
		L2TxCount:     5,
		Submitter:     bytes.Repeat([]byte{0x88}, 20),
	}
}

func permute(a, b fr.Element) [2]fr.Element {
	s := [2]fr.Element{a, b}
	if err := poseidon2Perm.Permutation(s[:]); err != nil {
		panic(err)
	}
	return s
}

type specVector struct {
	name    string
	compute func() string
	want    string
}

func specVectors() []specVector {
	var zero fr.Element
	one := elementFromUint64(1)
	return []specVector{
		{"tag(nativechain/batch-commitment/v2)", func() string { return hexElement(TagElement(TagBatchCommitment)) },
			"006e6174697665636861696e2f62617463682d636f6d6d69746d656e742f7632"},
		{"P(0, 1)[0]", func() string { return hexElement(permute(zero, one)[0]) },
			"1cea81d812c4552760b21d75d1fd4c11e43e3f60c67632e7e38f656236378e5d"},
		{"P(0, 1)[1]", func() string { return hexElement(permute(zero, one)[1]) },
			"1ae0efd28c01163c0a58440757ef2339affb17836ad3b1fedacabeaab56ca0e1"},
		{"round key 0 (full round, both lanes)", func() string {
			rk := poseidon2.GetDefaultParameters().RoundKeys[0]
			return hexElement(rk[0]) + " " + hexElement(rk[1])
		}, "1da4d6adfb0d0b494584f763db50a81908580a5f5e295e168b9b8d31770fac4f 0946129a2e33b4e819707a56a3b3790eab80d0a0c7a0c63451fab2a59acc074c"},
		{"compress(0, 0)", func() string { return hexElement(Compress(zero, zero)) },
			"292c3a4b9343aec63e584aefa8bedeaefae44e6d718451a75736def795109dfb"},
		{"compress(0, 1)", func() string { return hexElement(Compress(zero, one)) },
			"1ae0efd28c01163c0a58440757ef2339affb17836ad3b1fedacabeaab56ca0e2"},
		{"ChainIDDigest(\"nativechain-1\")", func() string { return hexElement(ChainIDDigest("nativechain-1")) },
			"2eac78a72efd8bc448cb0d52d75f0b329018b15a9fc4a32e857d347623613010"},
		{"RollupIDDigest(\"payments\")", func() string { return hexElement(RollupIDDigest("payments")) },
			"21145d92e7cbf2240c8f77e02c00bf42f2cd5fd09fd780da141ce8e0ea140660"},
		{"DAHash(\"\")", func() string { return hexElement(DAHash(nil)) },
			"066159aba98e41d24ce21bec122488e29db14f807a3e6ec61368fbf7f31f0fb6"},
		{"DAHash(\"abc\")", func() string { return hexElement(DAHash([]byte("abc"))) },
			"259be31ef26c8a9170a96f88229c722ff780b48ddddee4866e55d8e573d6b87d"},
		{"DAHash(00 01 .. 3e)", func() string { return hexElement(DAHash(seqBytes(63))) },
			"27386b4cdf9a5cf23b00fa95bfe3f68f1804e11fd84cbb12f41835c22086181e"},
		{"acc_0 = InboxAccumulatorGenesis()", func() string { return hexElement(InboxAccumulatorGenesis()) },
			"26e62294c3308699c82590a67e6b5be17f189aa879a228c70f399047bcb5a5b9"},
		{"deposit.Hash()", func() string { return hexElement(exampleDeposit().Hash()) },
			"2eae81bbf80e0f64b7480d8cd734b69a27515c9764ef6aa060567f1fcf307c82"},
		{"InboxAccumulate(acc_0, deposit)", func() string { return hexElement(InboxAccumulate(InboxAccumulatorGenesis(), exampleDeposit())) },
			"02c07dce171ee3858930d984e4d33ee6a3c4e620d935c976b831e1a1b6feb540"},
		{"message.Hash()", func() string { return hexElement(exampleInboxMessage().Hash()) },
			"17b806352aa5475ab65b31e9f2cdaaf98bae06df548abd49c5cd40e59c9a6ac8"},
		{"InboxAccumulate(acc_1, message)", func() string { return hexElement(exampleCommitment().InboxAfter) },
			"0d5b0e02ffc471818439352a39679f8e13005eece00fe4f6813b7d5ff2b294c2"},
		{"AddressDigest(0x11 x 20)", func() string { return hexElement(AddressDigest(bytes.Repeat([]byte{0x11}, 20))) },
			"05a7f2468a0e6930ab96dbac26859c7a6978517fee1651b32e239f0bbda1aa35"},
		{"DenomDigest(\"unat\")", func() string { return hexElement(DenomDigest("unat")) },
			"1c95e57b81a831a5a099cc35b6a336754f9983d887b71f42fb45e1975bf5e720"},
		{"RollupIDDigest(\"\")", func() string { return hexElement(RollupIDDigest("")) },
			"1c8d33136016b0a043d0f76c554183333737cd6637e48c694a95f68c5b332fe7"},
		{"PayloadDigest(\"\")", func() string { return hexElement(PayloadDigest(nil)) },
			"1b1af07f107b2d76e2401539ab3aeaffe619ed7509933e3045f2551aae392e36"},
		{"withdrawal.Hash()", func() string { return hexElement(exampleOutbox()[0].Hash()) },
			"2d7e50b402b92cdf323cbcef2cee82d636c1eb02ce702ba52318a80e272c1a46"},
		{"send.Hash()", func() string { return hexElement(exampleOutbox()[1].Hash()) },
			"0f93b1fcadc1a96a77ce0b6c690724e138589cec02ea87d91291a92f6a8d27ca"},
		{"OutboxHash([])", func() string { return hexElement(OutboxHash(nil)) },
			"13352c5e4b82cc226fa4c42f99fbd054d49375a6148345b36ac88efc8d2c1c1b"},
		{"EncodeOutbox([withdrawal, send])", func() string {
			bz, err := EncodeOutbox(exampleOutbox())
			if err != nil {
				return err.Error()
			}
			return hex.EncodeToString(bz)
		}, "02012077777777777777777777777777777777777777777777777777777777777777771455555555555555555555555555555555555555550004756e61740303d09000022077777777777777777777777777777777777777777777777777777777777777772066666666666666666666666666666666666666666666666666666666666666660364657804756e61740901000000000000000004deadbeef"},
		{"OutboxHash([withdrawal, send])", func() string { return hexElement(OutboxHash(exampleOutbox())) },
			"2e771cd167812cc979be07faf885ce398cc37ba77e71cd946dc65a37c056e315"},
		{"example commitment: PublicInputs()[0]", func() string {
			pi, err := exampleCommitment().PublicInputs()
			if err != nil {
				return err.Error()
			}
			return hexElement(pi[0])
		}, "22da7dd1f2010c203168cfaadfb9f303ebc9c82596ede1dee6715e06021789d0"},
	}
}

func TestSpecVectors(t *testing.T) {
	for _, v := range specVectors() {
		t.Run(v.name, func(t *testing.T) {
			require.Equal(t, v.want, v.compute())
		})
	}
}

// The spec's test-vector table must list exactly these vectors.
func TestSpecDoc_VectorsMatchImplementation(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "docs", "spec", "batch-commitment.md"))
	require.NoError(t, err)
	row := regexp.MustCompile("^\\| `([^`]+)` \\| `([0-9a-f ]+)` \\|$")
	inDoc := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if m := row.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			inDoc[m[1]] = m[2]
		}
	}
	for _, v := range specVectors() {
		got, ok := inDoc[v.name]
		require.True(t, ok, "vector %q missing from the spec", v.name)
		require.Equal(t, v.compute(), got, "vector %q", v.name)
		delete(inDoc, v.name)
	}
	// Tag rows are checked by TestSpecDoc_TagsMatch; nothing else may remain.
	require.Empty(t, inDoc)
}

func TestSpecDoc_TagsMatch(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "docs", "spec", "batch-commitment.md"))
	require.NoError(t, err)
	row := regexp.MustCompile("^\\| `(nativechain/[^`]+)` \\| (\\d+) \\| `([0-9a-f]{64})` \\|$")
	n := 0
	for _, line := range strings.Split(string(raw), "\n") {
		m := row.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		n++
		require.Equal(t, fmt.Sprint(len(m[1])), m[2], m[1])
		require.Equal(t, hexElement(TagElement(m[1])), m[3], m[1])
	}
	require.Equal(t, 12, n, "every tag appears in the spec")
}

// ---------------------------------------------------------------------------
// The hash primitive is the library's Poseidon2, with pinned parameters.

func TestPoseidon2_MatchesLibraryDefaultsAndCompress(t *testing.T) {
	p := poseidon2.GetDefaultParameters()
	require.Equal(t, Poseidon2Width, p.Width)
	require.Equal(t, Poseidon2FullRounds, p.NbFullRounds)
	require.Equal(t, Poseidon2PartialRounds, p.NbPartialRounds)

	// compress must equal gnark-crypto's byte-oriented Compress, which is what
	// gnark std's in-circuit Compress mirrors.
	left, right := elementFromUint64(12345), TagElement(TagInbox)
	lb, rb := left.Bytes(), right.Bytes()
	got, err := poseidon2.NewDefaultPermutation().Compress(lb[:], rb[:])
	require.NoError(t, err)
	want := Compress(left, right)
	wb := want.Bytes()
	require.Equal(t, got, wb[:])
}

func TestTagElement_FitsAndPanicsOnLongTag(t *testing.T) {
	for _, tag := range []string{TagBatchCommitment, TagChainID, TagRollupID, TagAddress, TagDenom, TagPayload,
		TagDA, TagInboxGenesis, TagInbox, TagInboxEntry, TagOutbox, TagOutboxEntry} {
		require.LessOrEqual(t, len(tag), ChunkBytes, tag)
	}
	require.Panics(t, func() { TagElement(strings.Repeat("x", 32)) })
	require.Panics(t, func() { TagElement("") })
}

// ---------------------------------------------------------------------------
// Field elements and state roots

func modulusBytes() []byte {
	b := make([]byte, 32)
	fr.Modulus().FillBytes(b)
	return b
}

func TestParseStateRoot_Rejections(t *testing.T) {
	modMinus1 := new(big.Int).Sub(fr.Modulus(), big.NewInt(1)).FillBytes(make([]byte, 32))
	modPlus1 := new(big.Int).Add(fr.Modulus(), big.NewInt(1)).FillBytes(make([]byte, 32))
	tests := []struct {
		name    string
		in      []byte
		wantErr error
	}{
		{"nil", nil, ErrStateRootLength},
		{"31 bytes", make([]byte, 31), ErrStateRootLength},
		{"33 bytes", make([]byte, 33), ErrStateRootLength},
		{"equal to modulus", modulusBytes(), ErrStateRootNonCanonical},
		{"modulus plus one", modPlus1, ErrStateRootNonCanonical},
		{"all ones", bytes.Repeat([]byte{0xff}, 32), ErrStateRootNonCanonical},
		{"zero", make([]byte, 32), nil},
		{"modulus minus one", modMinus1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, err := ParseStateRoot(tc.in)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.in, StateRootBytes(root))
		})
	}
}

func TestParseFieldElement_Rejections(t *testing.T) {
	_, err := ParseFieldElement(make([]byte, 64))
	require.ErrorIs(t, err, ErrFieldElementLength)
	_, err = ParseFieldElement(modulusBytes())
	require.ErrorIs(t, err, ErrFieldElementNonCanonical)
}

func TestIsReducedElement(t *testing.T) {
	notReduced := fr.Element(frModulusLimbs)
	require.False(t, IsReducedElement(&notReduced))
	allOnes := fr.Element{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
	require.False(t, IsReducedElement(&allOnes))
	var minusOne fr.Element
	minusOne.SetInt64(-1)
	require.True(t, IsReducedElement(&minusOne))
}

// ---------------------------------------------------------------------------
// Amounts

func TestUint128_Rejections(t *testing.T) {
	two128 := new(big.Int).Lsh(big.NewInt(1), 128)
	_, err := Uint128FromBig(nil)
	require.ErrorIs(t, err, ErrInvalidAmount)
	_, err = Uint128FromBig(big.NewInt(-1))
	require.ErrorIs(t, err, ErrInvalidAmount)
	_, err = Uint128FromBig(two128)
	require.ErrorIs(t, err, ErrAmountOverflow)
	max, err := Uint128FromBig(new(big.Int).Sub(two128, big.NewInt(1)))
	require.NoError(t, err)
	require.Equal(t, Uint128{Hi: ^uint64(0), Lo: ^uint64(0)}, max)

	tests := []struct {
		in      string
		wantErr error
	}{
		{"", ErrInvalidAmount},
		{"-1", ErrInvalidAmount},
		{"+1", ErrInvalidAmount},
		{"01", ErrInvalidAmount},
		{"00", ErrInvalidAmount},
		{"1.0", ErrInvalidAmount},
		{"1e3", ErrInvalidAmount},
		{" 1", ErrInvalidAmount},
		{two128.String(), ErrAmountOverflow},
		{"1" + strings.Repeat("0", 39), ErrAmountOverflow},
		{"0", nil},
		{max.String(), nil},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			a, err := ParseUint128(tc.in)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.in, a.String())
		})
	}
}

func TestPackHeader_Layout(t *testing.T) {
	h := packHeader(0x0102030405060708, 0x0a0b0c0d, Uint128{Hi: 0x1112131415161718, Lo: 0x191a1b1c1d1e1f20})
	require.Equal(t,
		"000000000102030405060708"+"0a0b0c0d"+"1112131415161718191a1b1c1d1e1f20",
		hexElement(h))
}

// ---------------------------------------------------------------------------
// Batch commitment

func TestBatchCommitment_Rejections(t *testing.T) {
	notReduced := fr.Element(frModulusLimbs)
	tests := []struct {
		name    string
		mutate  func(*BatchCommitment)
		wantErr error
	}{
		{"empty chain id", func(c *BatchCommitment) { c.ChainID = "" }, ErrInvalidChainID},
		{"long chain id", func(c *BatchCommitment) { c.ChainID = strings.Repeat("c", MaxChainIDLen+1) }, ErrInvalidChainID},
		{"empty rollup id", func(c *BatchCommitment) { c.RollupID = "" }, ErrInvalidRollupID},
		{"long rollup id", func(c *BatchCommitment) { c.RollupID = strings.Repeat("r", MaxRollupIDLen+1) }, ErrInvalidRollupID},
		{"no submitter", func(c *BatchCommitment) { c.Submitter = nil }, ErrInvalidAddress},
		{"long submitter", func(c *BatchCommitment) { c.Submitter = make([]byte, MaxAddressLen+1) }, ErrInvalidAddress},
		{"prev root not reduced", func(c *BatchCommitment) { c.PrevStateRoot = notReduced }, ErrCommitmentInputNotReduced},
		{"new root not reduced", func(c *BatchCommitment) { c.NewStateRoot = notReduced }, ErrCommitmentInputNotReduced},
		{"da hash not reduced", func(c *BatchCommitment) { c.DAHash = notReduced }, ErrCommitmentInputNotReduced},
		{"inbox before not reduced", func(c *BatchCommitment) { c.InboxBefore = notReduced }, ErrCommitmentInputNotReduced},
		{"inbox after not reduced", func(c *BatchCommitment) { c.InboxAfter = notReduced }, ErrCommitmentInputNotReduced},
		{"outbox hash not reduced", func(c *BatchCommitment) { c.OutboxHash = notReduced }, ErrCommitmentInputNotReduced},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := exampleCommitment()
			tc.mutate(&c)
			_, err := c.PublicInputs()
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}

func TestBatchCommitment_PreimageLayout(t *testing.T) {
	c := exampleCommitment()
	pre, err := c.Preimage()
	require.NoError(t, err)
	require.Len(t, pre, BatchCommitmentArity)
	want := []fr.Element{ChainIDDigest(c.ChainID), RollupIDDigest(c.RollupID), elementFromUint64(c.BatchIndex),
		c.PrevStateRoot, c.NewStateRoot, c.DAHash, c.InboxBefore, c.InboxAfter, c.OutboxHash,
		elementFromUint64(c.L2TxCount), AddressDigest(c.Submitter)}
	require.Equal(t, want, pre)

	pi, err := c.PublicInputs()
	require.NoError(t, err)
	require.Len(t, pi, 1)
	require.Equal(t, Chain(TagElement(TagBatchCommitment), want...), pi[0])
}

func TestBatchCommitment_EverySingleFieldChangesTheCommitment(t *testing.T) {
	bump := func(e *fr.Element) { e.Add(e, &fr.Element{1}) }
	mutations := map[string]func(*BatchCommitment){
		"chain id":        func(c *BatchCommitment) { c.ChainID += "x" },
		"rollup id":       func(c *BatchCommitment) { c.RollupID += "x" },
		"batch index":     func(c *BatchCommitment) { c.BatchIndex++ },
		"prev state root": func(c *BatchCommitment) { bump(&c.PrevStateRoot) },
		"new state root":  func(c *BatchCommitment) { bump(&c.NewStateRoot) },
		"da hash":         func(c *BatchCommitment) { bump(&c.DAHash) },
		"inbox before":    func(c *BatchCommitment) { bump(&c.InboxBefore) },
		"inbox after":     func(c *BatchCommitment) { bump(&c.InboxAfter) },
		"outbox hash":     func(c *BatchCommitment) { bump(&c.OutboxHash) },
		"l2 tx count":     func(c *BatchCommitment) { c.L2TxCount++ },
		"submitter":       func(c *BatchCommitment) { c.Submitter = bytes.Repeat([]byte{0x89}, 20) },
		"swap roots":      func(c *BatchCommitment) { c.PrevStateRoot, c.NewStateRoot = c.NewStateRoot, c.PrevStateRoot },
		"swap inbox":      func(c *BatchCommitment) { c.InboxBefore, c.InboxAfter = c.InboxAfter, c.InboxBefore },
		"move id boundary": func(c *BatchCommitment) {
			c.ChainID, c.RollupID = c.ChainID+c.RollupID[:1], c.RollupID[1:]
		},
	}
	base, err := exampleCommitment().Commitment()
	require.NoError(t, err)
	seen := map[fr.Element]string{base: "base"}
	for name, mutate := range mutations {
		c := exampleCommitment()
		mutate(&c)
		got, err := c.Commitment()
		require.NoError(t, err, name)
		prev, dup := seen[got]
		require.False(t, dup, "%s collides with %s", name, prev)
		seen[got] = name
	}
}

// ---------------------------------------------------------------------------
// DA hash

func TestDAHash_LengthIsBound(t *testing.T) {
	inputs := [][]byte{
		nil,
		{0},
		{0, 0},
		make([]byte, 30),
		make([]byte, 31),
		make([]byte, 32),
		make([]byte, 62),
		[]byte("abc"),
		[]byte("abc\x00"),
		seqBytes(31),
		seqBytes(32),
	}
	seen := map[fr.Element]int{}
	for i, in := range inputs {
		h := DAHash(in)
		j, dup := seen[h]
		require.False(t, dup, "input %d collides with input %d", i, j)
		seen[h] = i
	}
}

func TestDAHash_MatchesChunkDefinition(t *testing.T) {
	data := seqBytes(40)
	var chunk1, chunk2 fr.Element
	chunk1.SetBytes(data[:31])
	padded := make([]byte, 31)
	copy(padded, data[31:])
	chunk2.SetBytes(padded)
	want := Chain(TagElement(TagDA), elementFromUint64(40), chunk1, chunk2)
	require.Equal(t, want, DAHash(data))
}

// ---------------------------------------------------------------------------
// Inbox

func TestInboxEntry_Validate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*InboxEntry)
		wantErr error
	}{
		{"valid deposit", func(e *InboxEntry) {}, nil},
		{"unknown kind", func(e *InboxEntry) { e.Kind = 9 }, ErrUnknownInboxKind},
		{"unspecified kind", func(e *InboxEntry) { e.Kind = InboxKindUnspecified }, ErrUnknownInboxKind},
		{"no sender", func(e *InboxEntry) { e.Sender = nil }, ErrInvalidAddress},
		{"long sender", func(e *InboxEntry) { e.Sender = make([]byte, MaxAddressLen+1) }, ErrInvalidAddress},
		{"deposit without recipient", func(e *InboxEntry) { e.Recipient = nil }, ErrInvalidAddress},
		{"long recipient", func(e *InboxEntry) { e.Recipient = make([]byte, MaxAddressLen+1) }, ErrInvalidAddress},
		{"deposit of zero", func(e *InboxEntry) { e.Amount = Uint128{}; e.Denom = "" }, ErrInvalidInboxEntry},
		{"deposit without denom", func(e *InboxEntry) { e.Denom = "" }, ErrInvalidDenom},
		{"bad denom", func(e *InboxEntry) { e.Denom = "1nat" }, ErrInvalidDenom},
		{"deposit with source rollup", func(e *InboxEntry) { e.SourceRollupID = "dex" }, ErrInvalidInboxEntry},
		{"payload too large", func(e *InboxEntry) { e.Payload = make([]byte, MaxPayloadLen+1) }, ErrPayloadTooLarge},
		{"message without source", func(e *InboxEntry) { *e = exampleInboxMessage(); e.SourceRollupID = "" }, ErrInvalidRollupID},
		{"message with denom but no value", func(e *InboxEntry) { *e = exampleInboxMessage(); e.Denom = "unat" }, ErrInvalidDenom},
		{"valid message", func(e *InboxEntry) { *e = exampleInboxMessage() }, nil},
		{"valid l1 call", func(e *InboxEntry) {
			*e = InboxEntry{Kind: InboxKindL1Call, Sender: []byte{1}, Payload: []byte{2}}
		}, nil},
		{"forced tx with value", func(e *InboxEntry) { e.Kind = InboxKindForcedTx; e.Payload = []byte{1} }, ErrInvalidInboxEntry},
		{"forced tx without payload", func(e *InboxEntry) {
			*e = InboxEntry{Kind: InboxKindForcedTx, Sender: []byte{1}}
		}, ErrInvalidInboxEntry},
		{"valid forced tx", func(e *InboxEntry) {
			*e = InboxEntry{Kind: InboxKindForcedTx, Sender: []byte{1}, Payload: []byte{2}}
		}, nil},
		{"valid refund", func(e *InboxEntry) { *e = exampleInboxMessage(); e.Kind = InboxKindRefund }, nil},
		{"refund without source", func(e *InboxEntry) {
			*e = exampleInboxMessage()
			e.Kind, e.SourceRollupID = InboxKindRefund, ""
		}, ErrInvalidRollupID},
		{"refund without recipient", func(e *InboxEntry) {
			*e = exampleInboxMessage()
			e.Kind, e.Recipient = InboxKindRefund, nil
		}, ErrInvalidAddress},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := exampleDeposit()
			tc.mutate(&e)
			err := e.Validate()
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}

func TestInboxEntry_EverySingleFieldChangesTheHash(t *testing.T) {
	mutations := map[string]func(*InboxEntry){
		"sequence":        func(e *InboxEntry) { e.Sequence++ },
		"kind":            func(e *InboxEntry) { e.Kind = InboxKindL1Call },
		"sender":          func(e *InboxEntry) { e.Sender = append(e.Sender, 0) },
		"recipient":       func(e *InboxEntry) { e.Recipient[0] ^= 1 },
		"swap addresses":  func(e *InboxEntry) { e.Sender, e.Recipient = e.Recipient, e.Sender },
		"source rollup":   func(e *InboxEntry) { e.SourceRollupID = "dex" },
		"denom":           func(e *InboxEntry) { e.Denom = "uatom" },
		"amount low":      func(e *InboxEntry) { e.Amount.Lo++ },
		"amount high":     func(e *InboxEntry) { e.Amount.Hi++ },
		"payload":         func(e *InboxEntry) { e.Payload = []byte{0} },
		"sequence max":    func(e *InboxEntry) { e.Sequence = ^uint64(0) },
		"kind max":        func(e *InboxEntry) { e.Kind = InboxKind(^uint32(0)) },
		"amount into seq": func(e *InboxEntry) { e.Amount = Uint128{Hi: 1 << 63}; e.Sequence = 0 },
	}
	base := exampleDeposit().Hash()
	seen := map[fr.Element]string{base: "base"}
	for name, mutate := range mutations {
		e := exampleDeposit()
		e.Sender = bytes.Clone(e.Sender)
		e.Recipient = bytes.Clone(e.Recipient)
		mutate(&e)
		h := e.Hash()
		prev, dup := seen[h]
		require.False(t, dup, "%s collides with %s", name, prev)
		seen[h] = name
	}
}

func TestInboxAccumulate_OrderAndGenesis(t *testing.T) {
	a, b := exampleDeposit(), exampleInboxMessage()
	acc0 := InboxAccumulatorGenesis()
	require.Equal(t, Chain(TagElement(TagInboxGenesis), fr.Element{}), acc0)
	ab := InboxAccumulate(InboxAccumulate(acc0, a), b)
	ba := InboxAccumulate(InboxAccumulate(acc0, b), a)
	require.NotEqual(t, ab, ba)
	require.Equal(t, Chain(TagElement(TagInbox), acc0, a.Hash()), InboxAccumulate(acc0, a))
}

// ---------------------------------------------------------------------------
// Outbox

func TestOutboxEntry_Validate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*OutboxEntry)
		wantErr error
	}{
		{"valid withdrawal", func(e *OutboxEntry) {}, nil},
		{"unknown kind", func(e *OutboxEntry) { e.Kind = 3 }, ErrUnknownOutboxKind},
		{"withdrawal with destination", func(e *OutboxEntry) { e.DestRollupID = "dex" }, ErrInvalidOutboxEntry},
		{"withdrawal of zero", func(e *OutboxEntry) { e.Amount = Uint128{}; e.Denom = "" }, ErrInvalidOutboxEntry},
		{"withdrawal with payload", func(e *OutboxEntry) { e.Payload = []byte{1} }, ErrInvalidOutboxEntry},
		{"no recipient", func(e *OutboxEntry) { e.Recipient = nil }, ErrInvalidAddress},
		{"withdrawal without sender", func(e *OutboxEntry) { e.Sender = nil }, nil},
		{"long sender", func(e *OutboxEntry) { e.Sender = make([]byte, MaxAddressLen+1) }, ErrInvalidAddress},
		{"message without sender", func(e *OutboxEntry) { *e = exampleOutbox()[1]; e.Sender = nil }, ErrInvalidAddress},
		{"long recipient", func(e *OutboxEntry) { e.Recipient = make([]byte, MaxAddressLen+1) }, ErrInvalidAddress},
		{"bad denom", func(e *OutboxEntry) { e.Denom = "u" }, ErrInvalidDenom},
		{"denom with bad char", func(e *OutboxEntry) { e.Denom = "un@t" }, ErrInvalidDenom},
		{"long denom", func(e *OutboxEntry) { e.Denom = "u" + strings.Repeat("a", MaxDenomLen) }, ErrInvalidDenom},
		{"message without destination", func(e *OutboxEntry) { *e = exampleOutbox()[1]; e.DestRollupID = "" }, ErrInvalidRollupID},
		{"message payload too large", func(e *OutboxEntry) {
			*e = exampleOutbox()[1]
			e.Payload = make([]byte, MaxPayloadLen+1)
		}, ErrPayloadTooLarge},
		{"valid message", func(e *OutboxEntry) { *e = exampleOutbox()[1] }, nil},
		{"valid message without value", func(e *OutboxEntry) {
			*e = exampleOutbox()[1]
			e.Amount, e.Denom = Uint128{}, ""
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := exampleOutbox()[0]
			tc.mutate(&e)
			err := e.Validate()
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}

func TestOutboxEntry_EverySingleFieldChangesTheHash(t *testing.T) {
	mutations := map[string]func(*OutboxEntry){
		"kind":                      func(e *OutboxEntry) { e.Kind = OutboxKindWithdrawal },
		"sender":                    func(e *OutboxEntry) { e.Sender = append(bytes.Clone(e.Sender), 0) },
		"no sender":                 func(e *OutboxEntry) { e.Sender = nil },
		"swap sender and recipient": func(e *OutboxEntry) { e.Sender, e.Recipient = e.Recipient, e.Sender },
		"recipient":                 func(e *OutboxEntry) { e.Recipient = append(bytes.Clone(e.Recipient), 0) },
		"destination":               func(e *OutboxEntry) { e.DestRollupID = "dey" },
		"denom":                     func(e *OutboxEntry) { e.Denom = "uatom" },
		"amount low":                func(e *OutboxEntry) { e.Amount.Lo++ },
		"amount high":               func(e *OutboxEntry) { e.Amount.Hi++ },
		"payload":                   func(e *OutboxEntry) { e.Payload = nil },
	}
	base := exampleOutbox()[1].Hash()
	seen := map[fr.Element]string{base: "base"}
	for name, mutate := range mutations {
		e := exampleOutbox()[1]
		mutate(&e)
		h := e.Hash()
		prev, dup := seen[h]
		require.False(t, dup, "%s collides with %s", name, prev)
		seen[h] = name
	}
}

func TestOutboxHash_OrderAndCountAreBound(t *testing.T) {
	out := exampleOutbox()
	swapped := []OutboxEntry{out[1], out[0]}
	require.NotEqual(t, OutboxHash(out), OutboxHash(swapped))
	require.NotEqual(t, OutboxHash(out), OutboxHash(out[:1]))
	require.NotEqual(t, OutboxHash(nil), OutboxHash(out[:1]))
	require.Equal(t, Chain(TagElement(TagOutbox), elementFromUint64(2), out[0].Hash(), out[1].Hash()), OutboxHash(out))
}

func TestOutbox_RoundTrip(t *testing.T) {
	out := exampleOutbox()
	bz, err := EncodeOutbox(out)
	require.NoError(t, err)
	got, err := DecodeOutbox(bz)
	require.NoError(t, err)
	require.Equal(t, out, got)
	again, err := EncodeOutbox(got)
	require.NoError(t, err)
	require.Equal(t, bz, again)

	empty, err := EncodeOutbox(nil)
	require.NoError(t, err)
	require.Empty(t, empty)
	got, err = DecodeOutbox(nil)
	require.NoError(t, err)
	require.Empty(t, got)

	// The largest amount round-trips.
	largest := []OutboxEntry{out[0]}
	largest[0].Amount = Uint128{Hi: ^uint64(0), Lo: ^uint64(0)}
	bz, err = EncodeOutbox(largest)
	require.NoError(t, err)
	got, err = DecodeOutbox(bz)
	require.NoError(t, err)
	require.Equal(t, largest, got)
}

func TestDecodeOutbox_EveryTruncationIsRejected(t *testing.T) {
	bz, err := EncodeOutbox(exampleOutbox())
	require.NoError(t, err)
	for n := 1; n < len(bz); n++ {
		_, err := DecodeOutbox(bz[:n])
		require.ErrorIs(t, err, ErrOutboxTruncated, "prefix of %d bytes", n)
	}
}

// rawEntry hand-assembles one encoded entry, sent by rawSender, so that
// single fields can be corrupted.
func rawEntry(kind byte, recipient, dest, denom, amount, payload []byte) []byte {
	return rawEntryFrom(kind, rawSender, recipient, dest, denom, amount, payload)
}

var rawSender = bytes.Repeat([]byte{0x77}, 32)

func rawEntryFrom(kind byte, sender, recipient, dest, denom, amount, payload []byte) []byte {
	var out []byte
	out = append(out, kind)
	out = append(out, byte(len(sender)))
	out = append(out, sender...)
	out = append(out, byte(len(recipient)))
	out = append(out, recipient...)
	out = append(out, byte(len(dest)))
	out = append(out, dest...)
	out = append(out, byte(len(denom)))
	out = append(out, denom...)
	out = append(out, amount...)
	out = append(out, byte(len(payload)))
	return append(out, payload...)
}

func TestDecodeOutbox_Rejections(t *testing.T) {
	addr := bytes.Repeat([]byte{0x55}, 20)
	okAmount := []byte{1, 0x07}
	valid := append([]byte{1}, rawEntry(1, addr, nil, []byte("unat"), okAmount, nil)...)
	_, err := DecodeOutbox(valid)
	require.NoError(t, err, "the base case must decode")

	withCount := func(count []byte, entry []byte) []byte { return append(bytes.Clone(count), entry...) }
	tests := []struct {
		name    string
		in      []byte
		wantErr error
	}{
		{"trailing byte", append(bytes.Clone(valid), 0), ErrOutboxTrailingBytes},
		{"oversize", make([]byte, MaxOutboxBytes+1), ErrOutboxTooLarge},
		{"explicit zero count", []byte{0}, ErrOutboxNonCanonical},
		{"non-minimal count", withCount([]byte{0x81, 0x00}, rawEntry(1, addr, nil, []byte("unat"), okAmount, nil)), ErrOutboxNonCanonical},
		{"varint too long", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, ErrOutboxNonCanonical},
		{"too many entries", withCount([]byte{0x81, 0x08}, bytes.Repeat([]byte{0}, 7*1025)), ErrOutboxTooManyEntries},
		{"count larger than input", []byte{0x05, 1, 0, 0, 0, 0, 0, 0}, ErrOutboxTruncated},
		{"huge field length", withCount([]byte{1}, []byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0}), ErrInvalidAddress},
		{"unknown kind", withCount([]byte{1}, rawEntry(3, addr, nil, []byte("unat"), okAmount, nil)), ErrUnknownOutboxKind},
		{"zero kind", withCount([]byte{1}, rawEntry(0, addr, nil, []byte("unat"), okAmount, nil)), ErrUnknownOutboxKind},
		{"recipient too long", withCount([]byte{1}, rawEntry(1, make([]byte, MaxAddressLen+1), nil, []byte("unat"), okAmount, nil)), ErrInvalidAddress},
		{"sender too long", withCount([]byte{1}, rawEntryFrom(1, make([]byte, MaxAddressLen+1), addr, nil, []byte("unat"), okAmount, nil)), ErrInvalidAddress},
		{"message without sender", withCount([]byte{1}, rawEntryFrom(2, nil, addr, []byte("dex"), nil, []byte{0}, nil)), ErrInvalidAddress},
		{"empty recipient", withCount([]byte{1}, rawEntry(1, nil, nil, []byte("unat"), okAmount, nil)), ErrInvalidAddress},
		{"amount with leading zero", withCount([]byte{1}, rawEntry(1, addr, nil, []byte("unat"), []byte{2, 0x00, 0x07}, nil)), ErrOutboxNonCanonical},
		{"amount of 17 bytes", withCount([]byte{1}, rawEntry(1, addr, nil, []byte("unat"), append([]byte{17}, bytes.Repeat([]byte{1}, 17)...), nil)), ErrAmountOverflow},
		{"withdrawal of zero", withCount([]byte{1}, rawEntry(1, addr, nil, nil, []byte{0}, nil)), ErrInvalidOutboxEntry},
		{"invalid denom", withCount([]byte{1}, rawEntry(1, addr, nil, []byte("9at"), okAmount, nil)), ErrInvalidDenom},
		{"denom on zero-value message", withCount([]byte{1}, rawEntry(2, addr, []byte("dex"), []byte("unat"), []byte{0}, nil)), ErrInvalidDenom},
		{"message without destination", withCount([]byte{1}, rawEntry(2, addr, nil, nil, []byte{0}, nil)), ErrInvalidRollupID},
		{"payload too large", withCount([]byte{1}, append(rawEntry(2, addr, []byte("dex"), nil, []byte{0}, nil)[:1+1+32+1+20+1+3+1+1],
			0x81, 0x20)), ErrPayloadTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeOutbox(tc.in)
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}

func TestEncodeOutbox_Rejections(t *testing.T) {
	bad := exampleOutbox()
	bad[1].DestRollupID = ""
	_, err := EncodeOutbox(bad)
	require.ErrorIs(t, err, ErrInvalidRollupID)

	many := make([]OutboxEntry, MaxOutboxEntries+1)
	for i := range many {
		many[i] = exampleOutbox()[0]
	}
	_, err = EncodeOutbox(many)
	require.ErrorIs(t, err, ErrOutboxTooManyEntries)
}

// ---------------------------------------------------------------------------
// Native cost, for gas: the chain hashes every posted byte.

func BenchmarkDAHash_128KiB(b *testing.B) {
	data := seqBytes(128 * 1024)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		DAHash(data)
	}
}

func BenchmarkBatchCommitment_PublicInputs(b *testing.B) {
	c := exampleCommitment()
	for b.Loop() {
		if _, err := c.PublicInputs(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOutboxHash_16Entries(b *testing.B) {
	out := make([]OutboxEntry, 16)
	for i := range out {
		out[i] = exampleOutbox()[i%2]
	}
	for b.Loop() {
		OutboxHash(out)
	}
}
