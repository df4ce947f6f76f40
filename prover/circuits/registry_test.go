package circuits

import (
	"testing"

	"github.com/consensys/gnark/frontend"
	"github.com/stretchr/testify/require"
)

func TestCompile_TestCircuitHashIsDeterministic(t *testing.T) {
	a, err := Compile(TestCircuitName, nil)
	require.NoError(t, err)
	b, err := Compile(TestCircuitName, Params{"commitment": "false"})
	require.NoError(t, err)

	require.Equal(t, a.Hash, b.Hash, "compiling twice, and naming the default explicitly, gives the same hash")
	require.Equal(t, "commitment=false", a.Params.Canonical())
	require.Positive(t, a.CS.GetNbConstraints())

	again, err := HashConstraintSystem(a.CS)
	require.NoError(t, err)
	require.Equal(t, a.Hash, again)
}

func TestCompile_ParametersChangeTheHash(t *testing.T) {
	plain, err := Compile(TestCircuitName, nil)
	require.NoError(t, err)
	committed, err := Compile(TestCircuitName, Params{"commitment": "true"})
	require.NoError(t, err)
	require.NotEqual(t, plain.Hash, committed.Hash)
}

func TestCompile_Rejections(t *testing.T) {
	for _, tc := range []struct {
		name    string
		circuit string
		params  Params
		want    error
	}{
		{"unknown circuit", "no-such-circuit", nil, ErrUnknownCircuit},
		{"undeclared parameter", TestCircuitName, Params{"depth": "3"}, ErrInvalidParams},
		{"malformed value", TestCircuitName, Params{"commitment": "maybe"}, ErrInvalidParams},
		{"value with separator", TestCircuitName, Params{"commitment": "true,x=1"}, ErrInvalidParams},
		{"empty value", TestCircuitName, Params{"commitment": ""}, ErrInvalidParams},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(tc.circuit, tc.params)
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
	def := Definition{
		Name:   "registry-test-square",
		Params: []ParamSpec{{Name: "n", Default: "1"}},
		New: func(p Params) (frontend.Circuit, error) {
			if _, err := p.Int("n"); err != nil {
				return nil, err
			}
			return &oneConstraint{}, nil
		},
	}
	require.NoError(t, Register(def))
	require.ErrorIs(t, Register(def), ErrAlreadyRegistered)
	require.Panics(t, func() { MustRegister(def) })
	require.Contains(t, Names(), "registry-test-square")
	require.Contains(t, Names(), TestCircuitName)

	c, err := Compile("registry-test-square", Params{"n": "7"})
	require.NoError(t, err)
	require.Equal(t, "registry-test-square(n=7)", c.String())

	_, err = Compile("registry-test-square", Params{"n": "seven"})
	require.ErrorIs(t, err, ErrInvalidParams)

	require.ErrorIs(t, Register(Definition{Name: "bad name", New: def.New}), ErrInvalidParams)
	require.ErrorIs(t, Register(Definition{Name: "no-constructor"}), ErrInvalidParams)
	require.ErrorIs(t, Register(Definition{Name: "no-default", New: def.New, Params: []ParamSpec{{Name: "k"}}}), ErrInvalidParams)
}

func TestParams_CanonicalRoundTrip(t *testing.T) {
	p, err := ParseParams([]string{"slots=8", "depth=24"})
	require.NoError(t, err)
	require.Equal(t, "depth=24,slots=8", p.Canonical())
	back, err := ParseCanonical(p.Canonical())
	require.NoError(t, err)
	require.Equal(t, p, back)

	_, err = ParseParams([]string{"depth"})
	require.ErrorIs(t, err, ErrInvalidParams)
	_, err = ParseParams([]string{"depth=1", "depth=2"})
	require.ErrorIs(t, err, ErrInvalidParams)
}

func TestCircuitHash_HexRoundTrip(t *testing.T) {
	c, err := Compile(TestCircuitName, nil)
	require.NoError(t, err)
	h, err := ParseCircuitHash(c.Hash.String())
	require.NoError(t, err)
	require.Equal(t, c.Hash, h)
	_, err = ParseCircuitHash("abcd")
	require.Error(t, err)
}
