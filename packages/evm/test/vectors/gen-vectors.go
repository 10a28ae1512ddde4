// Command gen-vectors prints test vectors for the OCR1 primitives that must match libocr bit for
// bit: Leader(e), the transmission permutation (Go math/rand Shuffle over an AES-128-CTR source),
// transmission delays, shared-secret dealing and the derived keys, and observation payloads.
// It uses only Go's standard library and golang.org/x/crypto, the same building blocks libocr uses.
//
// Regenerate (Debian: apt-get install golang-go golang-golang-x-crypto-dev):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run gen-vectors.go > ../../src/fixtures/go-vectors.json
package main

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"math/rand"
	"os"

	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/sha3"
)

func keccak(parts ...[]byte) []byte {
	h := sha3.NewLegacyKeccak256()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

func le64(v uint64) []byte {
	b := make([]byte, 8)
	binary.LittleEndian.PutUint64(b, v)
	return b
}

func hexOf(b []byte) string { return "0x" + hex.EncodeToString(b) }

// A deterministic byte stream for inputs: keccak(label || counter).
func seeded(label string, i int) []byte { return keccak([]byte(label), le64(uint64(i))) }

func leader(epoch uint32, n int, key []byte) int {
	r := new(big.Int).SetBytes(keccak(key, le64(uint64(epoch))))
	return int(new(big.Int).Mod(r, big.NewInt(int64(n))).Int64())
}

type ctrSource struct{ stream cipher.Stream }

func (s *ctrSource) Int63() int64 {
	var buf [8]byte
	s.stream.XORKeyStream(buf[:], buf[:])
	return int64(binary.LittleEndian.Uint64(buf[:]) & (1<<63 - 1))
}
func (s *ctrSource) Seed(int64) { panic("not supported") }

func permutation(n int, key []byte) []int {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	r := rand.New(&ctrSource{cipher.NewCTR(block, make([]byte, 16))})
	r.Shuffle(n, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func aesBlock(key, in []byte, encrypt bool) []byte {
	c, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := make([]byte, 16)
	if encrypt {
		c.Encrypt(out, in)
	} else {
		c.Decrypt(out, in)
	}
	return out
}

func x25519(scalar, point []byte) []byte {
	out, err := curve25519.X25519(scalar, point)
	if err != nil {
		panic(err)
	}
	return out
}

func reportContext(digest []byte, epoch uint32, round uint8) []byte {
	ctx := make([]byte, 32)
	copy(ctx[11:27], digest)
	binary.BigEndian.PutUint32(ctx[27:31], epoch)
	ctx[31] = round
	return ctx
}

func int192(v *big.Int) []byte {
	x := new(big.Int).Set(v)
	if x.Sign() < 0 {
		x.Add(x, new(big.Int).Lsh(big.NewInt(1), 192))
	}
	b := make([]byte, 24)
	x.FillBytes(b)
	return b
}

type leaderVector struct {
	Key     string `json:"key"`
	N       int    `json:"n"`
	Leaders []int  `json:"leadersForEpochs1to20"`
}

type permutationVector struct {
	Key         string `json:"key"`
	N           int    `json:"n"`
	Permutation []int  `json:"permutation"`
}

type delayVector struct {
	TransmissionOrderKey string    `json:"transmissionOrderKey"`
	ConfigDigest         string    `json:"configDigest"`
	Epoch                uint32    `json:"epoch"`
	Round                uint8     `json:"round"`
	N                    int       `json:"n"`
	S                    []int     `json:"s"`
	DeltaStageNs         string    `json:"deltaStageNs"`
	PermutationKey       string    `json:"permutationKey"`
	DelaysNs             []*string `json:"delaysNs"`
}

type sharedSecretVector struct {
	Secret               string   `json:"secret"`
	DealerScalar         string   `json:"dealerScalar"`
	OracleScalars        []string `json:"oracleScalars"`
	OraclePublicKeys     []string `json:"oraclePublicKeys"`
	DiffieHellmanPoint   string   `json:"diffieHellmanPoint"`
	SharedSecretHash     string   `json:"sharedSecretHash"`
	Encryptions          []string `json:"encryptions"`
	LeaderSelectionKey   string   `json:"leaderSelectionKey"`
	TransmissionOrderKey string   `json:"transmissionOrderKey"`
}

type observationVector struct {
	ConfigDigest string `json:"configDigest"`
	Epoch        uint32 `json:"epoch"`
	Round        uint8  `json:"round"`
	Value        string `json:"value"`
	Payload      string `json:"payload"`
	// Ed25519 signature of the payload with a key made from OffchainSeed (libocr signs with ed25519.Sign).
	OffchainSeed      string `json:"offchainSeed"`
	OffchainPublicKey string `json:"offchainPublicKey"`
	Signature         string `json:"signature"`
}

func main() {
	out := map[string]interface{}{}

	var leaders []leaderVector
	for i, n := range []int{4, 7, 31} {
		key := seeded("leader", i)[:16]
		v := leaderVector{Key: hexOf(key), N: n}
		for e := uint32(1); e <= 20; e++ {
			v.Leaders = append(v.Leaders, leader(e, n, key))
		}
		leaders = append(leaders, v)
	}
	out["leader"] = leaders

	var perms []permutationVector
	for i, n := range []int{1, 2, 4, 7, 10, 16, 31, 100} {
		key := seeded("permutation", i)[:16]
		perms = append(perms, permutationVector{hexOf(key), n, permutation(n, key)})
	}
	out["permutation"] = perms

	var delays []delayVector
	for i, tc := range []struct {
		n     int
		s     []int
		epoch uint32
		round uint8
	}{{4, []int{1, 2, 2, 2}, 1, 1}, {4, []int{1, 2, 2, 2}, 7, 3}, {7, []int{1, 1, 2}, 42, 6}, {10, []int{2, 3}, 0xfffffff0, 255}} {
		tok := seeded("transmission order key", i)[:16]
		digest := seeded("digest", i)[:16]
		deltaStage := int64(60_000_000_000)
		key := keccak(tok, digest, le64(uint64(tc.epoch)), le64(uint64(tc.round)))[:16]
		pi := permutation(tc.n, key)
		v := delayVector{hexOf(tok), hexOf(digest), tc.epoch, tc.round, tc.n, tc.s, big.NewInt(deltaStage).String(), hexOf(key), nil}
		for id := 0; id < tc.n; id++ {
			var d *string
			sum := 0
			for stage, s := range tc.s {
				sum += s
				if pi[id] < sum {
					str := big.NewInt(int64(stage) * deltaStage).String()
					d = &str
					break
				}
			}
			v.DelaysNs = append(v.DelaysNs, d)
		}
		delays = append(delays, v)
	}
	out["transmissionDelay"] = delays

	{
		secret := seeded("shared secret", 0)[:16]
		dealer := seeded("dealer scalar", 0)
		v := sharedSecretVector{Secret: hexOf(secret), DealerScalar: hexOf(dealer)}
		dhPoint := x25519(dealer, curve25519.Basepoint)
		v.DiffieHellmanPoint = hexOf(dhPoint)
		v.SharedSecretHash = hexOf(keccak(secret))
		for i := 0; i < 4; i++ {
			scalar := seeded("oracle config scalar", i)
			pub := x25519(scalar, curve25519.Basepoint)
			v.OracleScalars = append(v.OracleScalars, hexOf(scalar))
			v.OraclePublicKeys = append(v.OraclePublicKeys, hexOf(pub))
			enc := aesBlock(keccak(x25519(dealer, pub))[:16], secret, true)
			// the oracle's side, as libocr decrypts
			dec := aesBlock(keccak(x25519(scalar, dhPoint))[:16], enc, false)
			if hex.EncodeToString(dec) != hex.EncodeToString(secret) {
				panic("round trip failed")
			}
			v.Encryptions = append(v.Encryptions, hexOf(enc))
		}
		v.LeaderSelectionKey = hexOf(keccak(secret, []byte("chainlink offchain reporting v1 leader selection key"))[:16])
		v.TransmissionOrderKey = hexOf(keccak(secret, []byte("chainlink offchain reporting v1 transmission order key"))[:16])
		out["sharedSecret"] = v
	}

	var observations []observationVector
	maxInt192 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 191), big.NewInt(1))
	minInt192 := new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 191))
	for i, value := range []*big.Int{big.NewInt(0), big.NewInt(6543212345678), big.NewInt(-1), big.NewInt(-123456789), maxInt192, minInt192} {
		digest := seeded("observation digest", i)[:16]
		epoch, round := uint32(1000+i), uint8(i+1)
		payload := append(reportContext(digest, epoch, round), int192(value)...)
		seed := seeded("offchain seed", i)
		key := ed25519.NewKeyFromSeed(seed)
		observations = append(observations, observationVector{
			hexOf(digest), epoch, round, value.String(), hexOf(payload),
			hexOf(seed), hexOf(key.Public().(ed25519.PublicKey)), hexOf(ed25519.Sign(key, payload)),
		})
	}
	out["observationPayload"] = observations

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
