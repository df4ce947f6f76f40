package types_test

import (
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/x/crossrollup/types"
)

// The verifier the app wires under protocol.ExitLayoutPaymentsV1 is the
// keeper's kind of verifier.
var _ types.ExitVerifier = paymentsv1.ExitVerifier{}
