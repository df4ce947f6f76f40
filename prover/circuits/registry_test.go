package circuits_test

import (
	"testing"

	"github.com/consensys/gnark/frontend"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/devcircuit"
)

func TestCompile_TestCircuitHashIsDeterministic(t *testing.T) {
	a, err := circuits.Compile(devcircuit.Name, nil)
	require.NoError(t, err)
	b, err := circuits.Compile(devcircuit.Name, circuits.Params{"commitment": "false"})
	require.NoError(t, err)

	require.Equal(t, a.Hash, b.Hash, "compiling twice, and naming the default explicitly, gives the same hash")
	require.Equal(t, "commitment=false", a.Params.Canonical())
	require.Positive(t, a.CS.GetNbConstraints())

	again, err := circuits.HashConstraintSystem(a.CS)
	require.NoError(t, err)
	require.Equal(t, a.Hash, again)
}

func TestCompile_ParametersChangeTheHash(t *testing.T) {
	plain, err := circuits.Compile(devcircuit.Name, nil)
	require.NoError(t, err)
	committed, err := circuits.Compile(devcircuit.Name, circuits.Params{"commitment": "true"})
	require.NoError(t, err)
	require.NotEqual(t, plain.Hash, committed.Hash)
}

func TestCompile_Rejections(t *testing.T) {
	for _, tc := range []struct {
		name    string
		circuit string
		params  circuits.Params
		want    error
	}{
		{"unknown circuit", "no-such-circuit", nil, circuits.ErrUnknownCircuit},
		{"undeclared parameter", devcircuit.Name, circuits.Params{"depth": "3"}, circuits.ErrInvalidParams},
		{"malformed value", devcircuit.Name, circuits.Params{"commitment": "maybe"}, circuits.ErrInvalidParams},
		{"value with separator", devcircuit.Name, circuits.Params{"commitment": "true,x=1"}, circuits.ErrInvalidParams},
		{"empty value", devcircuit.Name, circuits.Params{"commitment": ""}, circuits.ErrInvalidParams},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := circuits.Compile(tc.circuit, tc.params)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

type oneConstraint struct {
	X frontend.Variable `gnark:",public"`
	Y frontend.Variable
}

func (c *oneConstraint) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.Y, c.Y), c.X)
	return nil
}

func TestRegister_ExplicitRegistrationAndDuplicates(t *testing.T) {
	def := circuits.Definition{
		Name:   "registry-test-square",
		Params: []circuits.ParamSpec{{Name: "n", Default: "1"}},
		New: func(p circuits.Params) (frontend.Circuit, error) {
			if _, err := p.Int("n"); err != nil {
				return nil, err
			}
			return &oneConstraint{}, nil
		},
	}
	require.NoError(t, circuits.Register(def))
	require.ErrorIs(t, circuits.Register(def), circuits.ErrAlreadyRegistered)
	require.Panics(t, func() { circuits.MustRegister(def) })
	require.Contains(t, circuits.Names(), "registry-test-square")
	require.Contains(t, circuits.Names(), devcircuit.Name)

	c, err := circuits.Compile("registry-test-square", circuits.Params{"n": "7"})
	require.NoError(t, err)
	require.Equal(t, "registry-test-square(n=7)", c.String())

	_, err = circuits.Compile("registry-test-square", circuits.Params{"n": "seven"})
	require.ErrorIs(t, err, circuits.ErrInvalidParams)

	require.ErrorIs(t, circuits.Register(circuits.Definition{Name: "bad name", New: def.New}), circuits.ErrInvalidParams)
	require.ErrorIs(t, circuits.Register(circuits.Definition{Name: "no-constructor"}), circuits.ErrInvalidParams)
	require.ErrorIs(t, circuits.Register(circuits.Definition{Name: "no-default", New: def.New, Params: []circuits.ParamSpec{{Name: "k"}}}), circuits.ErrInvalidParams)
}

func TestParams_CanonicalRoundTrip(t *testing.T) {
	p, err := circuits.ParseParams([]string{"slots=8", "depth=24"})
	require.NoError(t, err)
	require.Equal(t, "depth=24,slots=8", p.Canonical())
	back, err := circuits.ParseCanonical(p.Canonical())
	require.NoError(t, err)
	require.Equal(t, p, back)

	_, err = circuits.ParseParams([]string{"depth"})
	require.ErrorIs(t, err, circuits.ErrInvalidParams)
	_, err = circuits.ParseParams([]string{"depth=1", "depth=2"})
	require.ErrorIs(t, err, circuits.ErrInvalidParams)
}

func TestCircuitHash_HexRoundTrip(t *testing.T) {
	c, err := circuits.Compile(devcircuit.Name, nil)
	require.NoError(t, err)
	h, err := circuits.ParseCircuitHash(c.Hash.String())
	require.NoError(t, err)
	require.Equal(t, c.Hash, h)
	_, err = circuits.ParseCircuitHash("abcd")
	require.Error(t, err)
}
