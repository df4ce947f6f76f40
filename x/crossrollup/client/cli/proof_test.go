package cli_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/client"

	"github.com/nativechain/nativechain/x/crossrollup/client/cli"
)

// runProofCmd runs `crossrollup <args>` under a fresh root, as the lead's
// wiring will place the commands. Nothing listens on the node address, so
// only what fails before the network is tested here; tests/system runs the
// commands against a live node.
func runProofCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := &cobra.Command{Use: "nativechaind", SilenceUsage: true, SilenceErrors: true}
	q := &cobra.Command{Use: "crossrollup"}
	q.AddCommand(cli.ProofCommands()...)
	root.AddCommand(q)
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append([]string{"crossrollup"}, append(args, "--node", "tcp://127.0.0.1:1")...))
	clientCtx := client.Context{}.WithChainID("nativechain-test-1").WithOutput(&out)
	err := root.ExecuteContext(context.WithValue(context.Background(), client.ClientContextKey, &clientCtx))
	return out.String(), err
}

func TestProofCommands_AreTheThreeProvenQueries(t *testing.T) {
	var names []string
	for _, c := range cli.ProofCommands() {
		names = append(names, c.Name())
		for _, f := range []string{cli.FlagTrustHeight, cli.FlagTrustHash, cli.FlagTrustingPeriod, cli.FlagWitness, cli.FlagTrustNode, "node", "height", "output"} {
			require.NotNil(t, c.Flags().Lookup(f), "%s lacks --%s", c.Name(), f)
		}
	}
	require.Equal(t, []string{"proven-inbox", "proven-ledger", "proven-status"}, names)
}

func TestProofCommands_RejectBadInputBeforeAskingTheNode(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no trust root", []string{"proven-ledger", "payments", "unat"}, "--trust-height and --trust-hash"},
		{"trust hash without height", []string{"proven-inbox", "payments", "0", "--trust-hash", "AB"}, "--trust-height and --trust-hash"},
		{"trust node and trust root", []string{"proven-status", "payments", "0", "--trust-node", "--trust-height", "2"}, "--trust-node excludes"},
		{"trust hash not hex", []string{"proven-inbox", "payments", "0", "--trust-height", "2", "--trust-hash", "zz"}, "--trust-hash"},
		{"seq not a number", []string{"proven-inbox", "payments", "first", "--trust-node"}, `seq "first"`},
		{"status seq not a number", []string{"proven-status", "payments", "1e3", "--trust-node"}, `seq "1e3"`},
		{"missing argument", []string{"proven-ledger", "payments", "--trust-node"}, "accepts 2 arg(s)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runProofCmd(t, tc.args...)
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}
