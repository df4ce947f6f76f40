package cli_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rollups/client/cli"
	"github.com/nativechain/nativechain/x/rollups/types"
)

func TestRegisterCmd_ReadsTheExitLayout(t *testing.T) {
	f := newFixture(t)
	msg, err := f.run(cli.NewRegisterCmd(f.ac), "payments",
		"--vk-file", f.file("vk.bin", []byte{1}), "--genesis-root", rootOne, "--bond", "1unat",
		"--exit-layout", "payments-v1", "--exit-depth", "20", "--exit-denom", "unat")
	require.NoError(t, err)
	require.Equal(t, &types.ExitLayout{Name: "payments-v1", Depth: 20, Denom: "unat"}, msg.(*types.MsgRegisterRollup).ExitLayout)
}

func TestRegisterCmd_ReadsATwoDenomExitLayout(t *testing.T) {
	f := newFixture(t)
	msg, err := f.run(cli.NewRegisterCmd(f.ac), "exchange",
		"--vk-file", f.file("vk.bin", []byte{1}), "--genesis-root", rootOne, "--bond", "1unat",
		"--exit-layout", "exchange-v1", "--exit-depth", "20", "--exit-denom", "unat", "--exit-quote-denom", "uusdc")
	require.NoError(t, err)
	require.Equal(t, &types.ExitLayout{Name: "exchange-v1", Depth: 20, Denom: "unat", QuoteDenom: "uusdc"}, msg.(*types.MsgRegisterRollup).ExitLayout)
}

func TestRegisterCmd_NoExitLayoutByDefault(t *testing.T) {
	f := newFixture(t)
	msg, err := f.run(cli.NewRegisterCmd(f.ac), "payments",
		"--vk-file", f.file("vk.bin", []byte{1}), "--genesis-root", rootOne, "--bond", "1unat")
	require.NoError(t, err)
	require.Nil(t, msg.(*types.MsgRegisterRollup).ExitLayout)
}

func TestRegisterCmd_RejectsABadExitLayout(t *testing.T) {
	f := newFixture(t)
	base := []string{"payments", "--vk-file", f.file("vk.bin", []byte{1}), "--genesis-root", rootOne, "--bond", "1unat"}
	cases := []struct {
		name    string
		args    []string
		wantErr string
		wantIs  error
	}{
		{"layout without depth and denom", []string{"--exit-layout", "payments-v1"}, "go together", nil},
		{"depth without layout", []string{"--exit-depth", "20", "--exit-denom", "unat"}, "go together", nil},
		{"depth above 32", []string{"--exit-layout", "payments-v1", "--exit-depth", "33", "--exit-denom", "unat"}, "", types.ErrInvalidExitLayout},
		{"upper-case name", []string{"--exit-layout", "Payments", "--exit-depth", "20", "--exit-denom", "unat"}, "", types.ErrInvalidExitLayout},
		{"bad denom", []string{"--exit-layout", "payments-v1", "--exit-depth", "20", "--exit-denom", "1!"}, "", types.ErrInvalidExitLayout},
		{"quote denom alone", []string{"--exit-quote-denom", "uusdc"}, "needs", nil},
		{"quote denom on payments-v1", []string{"--exit-layout", "payments-v1", "--exit-depth", "20", "--exit-denom", "unat", "--exit-quote-denom", "uusdc"}, "", types.ErrInvalidExitLayout},
		{"exchange-v1 without quote denom", []string{"--exit-layout", "exchange-v1", "--exit-depth", "20", "--exit-denom", "unat"}, "", types.ErrInvalidExitLayout},
		{"quote denom equals denom", []string{"--exit-layout", "exchange-v1", "--exit-depth", "20", "--exit-denom", "unat", "--exit-quote-denom", "unat"}, "", types.ErrInvalidExitLayout},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.run(cli.NewRegisterCmd(f.ac), append(append([]string{}, base...), tc.args...)...)
			require.Error(t, err)
			if tc.wantIs != nil {
				require.ErrorIs(t, err, tc.wantIs)
			}
			require.Contains(t, err.Error(), tc.wantErr)
		})
	}
}
