package protocol_test

import (
	"errors"
	"testing"

	errorsmod "cosmossdk.io/errors"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

// The chain turns a failed transaction's error into (codespace, code, log)
// with cosmossdk.io/errors' ABCIInfo, which finds ABCICode and Codespace on
// the error or on what its Cause chain leads to. A protocol error must be
// found there however it was wrapped: by this package, by errorsmod in a
// keeper, or both.
func TestError_ABCIInfoReportsTheProtocolCodespaceAndCode(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"bare", protocol.ErrInvalidRollupID},
		{"wrapped here", protocol.ErrInvalidRollupID.Wrapf("length %d", 65)},
		{"wrapped by errorsmod", errorsmod.Wrap(protocol.ErrInvalidRollupID, "register")},
		{"wrapped twice", errorsmod.Wrapf(protocol.ErrInvalidRollupID.Wrap("length 65"), "msg %d", 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			codespace, code, log := errorsmod.ABCIInfo(tc.err, false)
			require.Equal(t, protocol.Codespace, codespace)
			require.Equal(t, uint32(105), code, "codes keep their x/rollups numbers")
			require.Equal(t, tc.err.Error(), log)
			require.ErrorIs(t, tc.err, protocol.ErrInvalidRollupID)
			require.NotErrorIs(t, tc.err, protocol.ErrInvalidChainID)
		})
	}
}

func TestError_WrapReadsLikeErrorsmod(t *testing.T) {
	err := protocol.ErrOutboxTruncated.Wrap("varint")
	require.Equal(t, "varint: encoded outbox truncated", err.Error())
	require.Equal(t, errorsmod.Wrap(errors.New("encoded outbox truncated"), "varint").Error(), err.Error())
}

// Decoders add context to an error that is already wrapped; the code and
// errors.Is survive.
func TestError_ContextKeepsTheCode(t *testing.T) {
	_, err := protocol.DecodeOutbox([]byte{0x01, 0x09, 0, 0, 0, 0, 0, 0})
	require.ErrorIs(t, err, protocol.ErrUnknownOutboxKind)
	require.Contains(t, err.Error(), "outbox entry 0")
	codespace, code, _ := errorsmod.ABCIInfo(err, false)
	require.Equal(t, protocol.Codespace, codespace)
	require.Equal(t, protocol.ErrUnknownOutboxKind.ABCICode(), code)
}
