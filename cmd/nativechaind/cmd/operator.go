package cmd

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark/logger"
	"github.com/spf13/cobra"

	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/setup"

	// Circuit packages register themselves in prover/circuits from their
	// init functions, rollup kinds in prover/rollupkit: import each one a
	// rollup operator may name here. devcircuit is "test", the development
	// circuit (--circuit test); payments and exchange are kinds with their
	// circuits.
	_ "github.com/nativechain/nativechain/prover/devcircuit"
	_ "github.com/nativechain/nativechain/prover/exchange"
	_ "github.com/nativechain/nativechain/prover/payments"
)

const (
	flagCircuit  = "circuit"
	flagKind     = "kind"
	flagParam    = "param"
	flagKeysDir  = "keys-dir"
	flagForce    = "force"
	flagDir      = "dir"
	flagIn       = "in"
	flagOut      = "out"
	flagBeacon   = "beacon"
	flagKeys     = "keys"
	keysDirUsage = "root of the key cache; keys go to <root>/<circuit hash>/ (default $HOME/.nativechain/keys)"
)

// OperatorCmd is the parent of the rollup operator's commands. Each
// subcommand is built by its own function; add new ones to the list.
func OperatorCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "operator",
		Short: "Rollup operator: proving keys and the trusted setup",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		operatorSetupCmd(),
		operatorCeremonyCmd(),
	)
	cmd.AddCommand(operatorDaemonCmds()...)
	return cmd
}

func operatorSetupCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "setup",
		Short: "Make an UNSAFE development Groth16 key pair for a circuit (cached by circuit hash)",
		Long: `Compiles the circuit, runs gnark's single-party Groth16 setup and writes
<keys-dir>/<circuit hash>/{pk.bin, vk.bin, keys.json}. A second run with the
same circuit reuses the cached keys after checking their hashes.

UNSAFE: the setup's secret randomness existed in this process. Whoever ran it
could forge proofs. Use these keys for development and tests only; a rollup
that holds value needs keys from 'nativechaind operator ceremony'.

vk.bin is the file 'tx rollups register --vk-file' takes.`,
		Example: `nativechaind operator setup --circuit test
nativechaind operator setup --circuit payments --param depth=24 --param slots=8`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := compileFromFlags(cmd)
			if err != nil {
				return err
			}
			root, err := keysRootFromFlags(cmd)
			if err != nil {
				return err
			}
			force, _ := cmd.Flags().GetBool(flagForce)
			stderr := cmd.ErrOrStderr()
			res, err := setup.DevSetup(c, setup.DevSetupOptions{
				KeysRoot: root, Force: force, Log: stderr, Interactive: setup.IsTerminal(stderr),
			})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if res.Reused {
				fmt.Fprintf(out, "reusing cached keys (no setup run; --force to redo)\n")
			}
			printKeySet(out, c, res)
			return nil
		},
	}
	addCircuitFlags(cmd)
	cmd.Flags().String(flagKeysDir, "", keysDirUsage)
	cmd.Flags().Bool(flagForce, false, "recompute even if valid keys are cached (never replaces ceremony keys)")
	return cmd
}

func operatorCeremonyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ceremony",
		Short: "Multi-party Groth16 setup (gnark mpcsetup): init, contribute, verify, finalize",
		Long: `A two-phase multi-party computation that makes a Groth16 key pair nobody
can forge proofs with, as long as one contributor in each phase was honest
and destroyed their randomness. See docs/trusted-setup.md.

  coordinator   ceremony init --circuit C --dir D            -> D/phase1_0000.bin
  contributor   ceremony contribute --in D/phase1_000N.bin   -> phase1_000N+1.bin
  coordinator   ceremony finalize --beacon B1 D              -> D/srs.bin, D/phase2_0000.bin
  contributor   ceremony contribute --in D/phase2_000N.bin   -> phase2_000N+1.bin
  coordinator   ceremony finalize --beacon B2 D              -> <keys-dir>/<circuit hash>/
  anyone        ceremony verify D [--keys <keys-dir>/<circuit hash>]`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		ceremonyInitCmd(),
		ceremonyContributeCmd(),
		ceremonyVerifyCmd(),
		ceremonyFinalizeCmd(),
	)
	return cmd
}

func ceremonyInitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Start a ceremony: write the initial phase-1 state for the circuit's domain size",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := compileFromFlags(cmd)
			if err != nil {
				return err
			}
			dir, _ := cmd.Flags().GetString(flagDir)
			path, err := setup.CeremonyInit(c, dir)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "circuit       %s\n", c)
			fmt.Fprintf(out, "circuit hash  %s\n", c.Hash)
			fmt.Fprintf(out, "constraints   %d\n", c.CS.GetNbConstraints())
			fmt.Fprintf(out, "domain size   %d (phase 1 depends only on this)\n", setup.CeremonyDomainSize(c))
			fmt.Fprintf(out, "wrote         %s\n", path)
			fmt.Fprintf(out, "next: the first contributor runs 'nativechaind operator ceremony contribute --in %s'\n", path)
			return nil
		},
	}
	addCircuitFlags(cmd)
	cmd.Flags().String(flagDir, "", "ceremony directory (created)")
	_ = cmd.MarkFlagRequired(flagDir)
	return cmd
}

func ceremonyContributeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "contribute",
		Short: "Add your randomness to a phase-1 or phase-2 state (the phase is read from the file)",
		Long: `Reads the latest state, adds fresh randomness from the operating system with
a proof of knowledge bound to that state, and writes the next state. The
randomness never leaves this process and is gone when it exits. Publish the
printed contribution hash: it is how you find your contribution in the
final transcript and in the manifest of the keys.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, _ := cmd.Flags().GetString(flagIn)
			out, _ := cmd.Flags().GetString(flagOut)
			stderr := cmd.ErrOrStderr()
			res, err := setup.Contribute(in, out, stderr, setup.IsTerminal(stderr))
			if err != nil {
				return err
			}
			h := res.Header
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s contribution #%d for %s\n", h.Kind, h.Index, h.CircuitLabel())
			fmt.Fprintf(w, "wrote              %s\n", res.Path)
			fmt.Fprintf(w, "contribution hash  %s\n", res.Hash)
			return nil
		},
	}
	cmd.Flags().String(flagIn, "", "the latest state (phase1_NNNN.bin or phase2_NNNN.bin)")
	cmd.Flags().String(flagOut, "", "where to write the new state (default: next index in the same directory)")
	_ = cmd.MarkFlagRequired(flagIn)
	return cmd
}

func ceremonyVerifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify PATH...",
		Short: "Verify a ceremony transcript from scratch (anyone can run it)",
		Long: `PATH is a ceremony directory or ceremony files. Verify recomputes the
initial states, checks every contribution's proof against its predecessor,
re-seals phase 1 with the beacon recorded in srs.bin, recompiles the circuit
and checks its hash. With --keys it also re-derives the keys with the
phase-2 beacon in keys.json and checks that vk.bin and pk.bin are those keys.`,
		Example: `nativechaind operator ceremony verify ./ceremony
nativechaind operator ceremony verify ./ceremony --keys ~/.nativechain/keys/<circuit hash>`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			quietGnark()
			t, err := setup.LoadTranscript(args...)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			rep, err := t.Verify(out)
			if err != nil {
				return err
			}
			if keys, _ := cmd.Flags().GetString(flagKeys); keys != "" {
				if err := rep.VerifyKeys(keys, out); err != nil {
					return err
				}
			}
			fmt.Fprintf(out, "transcript ok: %s, circuit hash %s, %d phase-1 and %d phase-2 contributions\n",
				circuits.Describe(rep.Circuit, rep.Params), rep.CircuitHash, len(rep.Phase1), len(rep.Phase2))
			return nil
		},
	}
	cmd.Flags().String(flagKeys, "", "also check the key set in this directory against the transcript")
	return cmd
}

func ceremonyFinalizeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "finalize PATH...",
		Short: "Verify the transcript, then seal the current phase with a public beacon",
		Long: `After phase 1: verifies it, seals it with the beacon and writes srs.bin and the
initial phase-2 state (phase2_0000.bin) for the circuit.
After phase 2: verifies everything, seals phase 2 with the beacon and writes
the key set (pk.bin, vk.bin, keys.json) to <keys-dir>/<circuit hash>/.

The beacon must be public randomness fixed in advance and unknown until after
the last contribution: announce before the phase closes which future value
you will use (say, the hash of block H of a public chain) and use exactly
that value. It is recorded, and anyone re-runs the sealing to check it.`,
		Example: `nativechaind operator ceremony finalize --beacon <hash of block H1> ./ceremony
nativechaind operator ceremony finalize --beacon <hash of block H2> ./ceremony`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			quietGnark()
			beaconHex, _ := cmd.Flags().GetString(flagBeacon)
			beacon, err := setup.ParseBeacon(beaconHex)
			if err != nil {
				return err
			}
			t, err := setup.LoadTranscript(args...)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			rep, err := t.Verify(out)
			if err != nil {
				return err
			}
			if len(t.Phase2) == 0 {
				outDir, _ := cmd.Flags().GetString(flagOut)
				if outDir == "" {
					outDir = defaultCeremonyDir(args[0])
				}
				srs, p2, err := rep.FinalizePhase1(beacon, outDir, cmd.ErrOrStderr())
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "phase 1 sealed: %s\nphase 2 starts from %s\n", srs, p2)
				fmt.Fprintf(out, "next: the first contributor runs 'nativechaind operator ceremony contribute --in %s'\n", p2)
				return nil
			}
			root, err := keysRootFromFlags(cmd)
			if err != nil {
				return err
			}
			res, err := rep.FinalizePhase2(beacon, root, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			c, err := circuits.Compile(rep.Circuit, mustParams(rep.Params))
			if err != nil {
				return err
			}
			printKeySet(out, c, res)
			return nil
		},
	}
	cmd.Flags().String(flagBeacon, "", "public randomness fixed in advance, hex (at least 16 bytes)")
	cmd.Flags().String(flagOut, "", "phase 1: directory for srs.bin and phase2_0000.bin (default: the ceremony directory)")
	cmd.Flags().String(flagKeysDir, "", "phase 2: "+keysDirUsage)
	_ = cmd.MarkFlagRequired(flagBeacon)
	return cmd
}

func addCircuitFlags(cmd *cobra.Command) {
	cmd.Flags().String(flagCircuit, "", "registered circuit: "+strings.Join(circuits.Names(), ", "))
	cmd.Flags().StringArray(flagParam, nil, "circuit parameter key=value (repeatable)")
	_ = cmd.MarkFlagRequired(flagCircuit)
}

// quietGnark silences gnark's compile logging: these commands print their
// own summary on stdout and progress on stderr.
func quietGnark() { logger.Disable() }

func compileFromFlags(cmd *cobra.Command) (*circuits.Compiled, error) {
	quietGnark()
	name, _ := cmd.Flags().GetString(flagCircuit)
	kvs, _ := cmd.Flags().GetStringArray(flagParam)
	params, err := circuits.ParseParams(kvs)
	if err != nil {
		return nil, err
	}
	return circuits.Compile(name, params)
}

func keysRootFromFlags(cmd *cobra.Command) (string, error) {
	root, _ := cmd.Flags().GetString(flagKeysDir)
	if root != "" {
		return root, nil
	}
	return setup.DefaultKeysRoot()
}

func mustParams(canonical string) circuits.Params {
	p, err := circuits.ParseCanonical(canonical)
	if err != nil {
		return circuits.Params{}
	}
	return p
}

// defaultCeremonyDir is the directory finalize writes phase-2 files to:
// the first path if it is a directory, else the directory of that file.
func defaultCeremonyDir(first string) string {
	if st, err := os.Stat(first); err == nil && st.IsDir() {
		return first
	}
	return filepath.Dir(first)
}

func printKeySet(w io.Writer, c *circuits.Compiled, res *setup.SetupResult) {
	m := res.Manifest
	if m.UnsafeDevSetup {
		fmt.Fprintf(w, "\n*** %s ***\n\n", m.Warning)
	}
	fmt.Fprintf(w, "circuit          %s\n", c)
	fmt.Fprintf(w, "circuit hash     %s\n", m.CircuitHash)
	fmt.Fprintf(w, "constraints      %d\n", m.NbConstraints)
	fmt.Fprintf(w, "keys             %s\n", res.Dir)
	fmt.Fprintf(w, "proving key      %s (%d bytes)\n", filepath.Join(res.Dir, m.ProvingKey.File), m.ProvingKey.Bytes)
	fmt.Fprintf(w, "verifying key    %s (%d bytes)\n", filepath.Join(res.Dir, m.VerifyingKey.File), m.VerifyingKey.Bytes)
	fmt.Fprintf(w, "vk hash          %s\n", m.VerifyingKey.SHA256)
	fmt.Fprintf(w, "unsafe_dev_setup %t\n", m.UnsafeDevSetup)
	if !res.Reused {
		fmt.Fprintf(w, "setup time       %.1fs\n", res.Elapsed.Seconds())
	}
	fmt.Fprintf(w, "register with    nativechaind tx rollups register <rollup-id> --vk-file %s ...\n",
		filepath.Join(res.Dir, m.VerifyingKey.File))
}
