package setup

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/devcircuit"
)

// Setup time, key sizes and proving-key load time, per circuit:
//
//	go test ./prover/setup/ -run '^$' -bench . -benchtime 3x
//
// To add a circuit, append it here (and blank-import its package).
var benchCircuits = []struct {
	name   string
	params circuits.Params
}{
	{devcircuit.Name, nil},
}

func forEachBenchCircuit(b *testing.B, f func(b *testing.B, c *circuits.Compiled)) {
	for _, bc := range benchCircuits {
		c, err := circuits.Compile(bc.name, bc.params)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.String(), func(b *testing.B) { f(b, c) })
	}
}

// BenchmarkDevSetup is groth16.Setup, with the key sizes as metrics and
// the throughput that EstimateDevSetup assumes.
func BenchmarkDevSetup(b *testing.B) {
	forEachBenchCircuit(b, func(b *testing.B, c *circuits.Compiled) {
		var pk groth16.ProvingKey
		var vk groth16.VerifyingKey
		for b.Loop() {
			var err error
			if pk, vk, err = groth16.Setup(c.CS); err != nil {
				b.Fatal(err)
			}
		}
		perOp := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(float64(c.CS.GetNbConstraints()), "constraints")
		b.ReportMetric(float64(c.CS.GetNbConstraints())/perOp, "constraints/s")
		b.ReportMetric(float64(encodedLen(b, pk.WriteTo)), "pk-compressed-B")
		b.ReportMetric(float64(encodedLen(b, pk.(*groth16bn254.ProvingKey).WriteRawTo)), "pk-raw-B")
		b.ReportMetric(float64(encodedLen(b, vk.WriteTo)), "vk-B")
	})
}

func encodedLen(b *testing.B, write func(io.Writer) (int64, error)) int64 {
	n, err := write(io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkLoadProvingKey compares decoding the proving key from gnark's
// compressed encoding, from the raw encoding with and without subgroup
// checks, and the operator's full start-up check (LoadKeys: hash both
// files, validate the VK with the chain's verifier, decode the raw PK).
func BenchmarkLoadProvingKey(b *testing.B) {
	forEachBenchCircuit(b, func(b *testing.B, c *circuits.Compiled) {
		root := b.TempDir()
		res, err := DevSetup(c, DevSetupOptions{KeysRoot: root})
		if err != nil {
			b.Fatal(err)
		}
		keys, err := LoadKeys(res.Dir, c.Hash)
		if err != nil {
			b.Fatal(err)
		}
		pk := keys.PK.(*groth16bn254.ProvingKey)
		var compressed, raw bytes.Buffer
		if _, err := pk.WriteTo(&compressed); err != nil {
			b.Fatal(err)
		}
		if _, err := pk.WriteRawTo(&raw); err != nil {
			b.Fatal(err)
		}
		decode := func(bz []byte, read func(*groth16bn254.ProvingKey, io.Reader) (int64, error)) func(b *testing.B) {
			return func(b *testing.B) {
				b.SetBytes(int64(len(bz)))
				for b.Loop() {
					var k groth16bn254.ProvingKey
					if _, err := read(&k, bytes.NewReader(bz)); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		b.Run("compressed", decode(compressed.Bytes(), (*groth16bn254.ProvingKey).ReadFrom))
		b.Run("raw-checked", decode(raw.Bytes(), (*groth16bn254.ProvingKey).ReadFrom))
		b.Run("raw-unsafe", decode(raw.Bytes(), (*groth16bn254.ProvingKey).UnsafeReadFrom))
		b.Run("LoadKeys", func(b *testing.B) {
			st, err := os.Stat(filepath.Join(res.Dir, ProvingKeyFile))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Size())
			for b.Loop() {
				if _, err := LoadKeys(res.Dir, c.Hash); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// BenchmarkCeremony times the ceremony's steps for the circuit's domain.
func BenchmarkCeremony(b *testing.B) {
	forEachBenchCircuit(b, func(b *testing.B, c *circuits.Compiled) {
		n := CeremonyDomainSize(c)
		p1 := mpcsetup.NewPhase1(n)
		b.Run("phase1-contribute", func(b *testing.B) {
			for b.Loop() {
				p1.Contribute()
			}
			b.ReportMetric(float64(encodedLen(b, p1.WriteTo)), "file-B")
		})
		var next mpcsetup.Phase1
		var buf bytes.Buffer
		if _, err := p1.WriteTo(&buf); err != nil {
			b.Fatal(err)
		}
		if _, err := next.ReadFrom(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
		p1.Contribute()
		var p1b mpcsetup.Phase1
		buf.Reset()
		if _, err := p1.WriteTo(&buf); err != nil {
			b.Fatal(err)
		}
		if _, err := p1b.ReadFrom(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
		b.Run("phase1-verify", func(b *testing.B) {
			for b.Loop() {
				if err := next.Verify(&p1b); err != nil {
					b.Fatal(err)
				}
			}
		})
		commons := p1b.Seal([]byte("benchmark beacon"))
		var p2 mpcsetup.Phase2
		b.Run("phase2-init", func(b *testing.B) {
			for b.Loop() {
				p2 = mpcsetup.Phase2{}
				p2.Initialize(c.R1CS(), &commons)
			}
		})
		b.Run("phase2-contribute", func(b *testing.B) {
			for b.Loop() {
				p2.Contribute()
			}
			b.ReportMetric(float64(encodedLen(b, p2.WriteTo)), "file-B")
		})
	})
}

// squareChain is a synthetic circuit of n multiplication constraints, to
// measure how setup time scales beyond the small test circuit.
type squareChain struct {
	X frontend.Variable `gnark:",public"`
	Y frontend.Variable
	n int
}

func (c *squareChain) Define(api frontend.API) error {
	acc := c.Y
	for i := 0; i < c.n; i++ {
		acc = api.Mul(acc, acc)
	}
	api.AssertIsEqual(acc, c.X)
	return nil
}

// BenchmarkDevSetupScaling measures groth16.Setup throughput at 2^14 and
// 2^16 constraints: the rate behind EstimateDevSetup.
func BenchmarkDevSetupScaling(b *testing.B) {
	for _, logN := range []int{14, 16} {
		n := 1<<logN - 2
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &squareChain{n: n})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("2^%d", logN), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := groth16.Setup(cs); err != nil {
					b.Fatal(err)
				}
			}
			perOp := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(cs.GetNbConstraints())/perOp, "constraints/s")
		})
	}
}
