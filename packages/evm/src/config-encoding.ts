import { AbiCoder, getBytes, hexlify, type BytesLike } from 'ethers';
import { err, ok, type Result } from '@oracle/core';

/** libocr refuses to decode a larger `encoded` blob (resource-exhaustion bound). */
export const MAX_ENCODED_CONFIG_BYTES = 20_000;
/** The only `encodedConfigVersion` an OCR1 node accepts. */
export const ENCODED_CONFIG_VERSION = 1n;

/** The dealer's encryption of the 16-byte shared secret, one AES block per oracle (ocr1.md §5). */
export interface SharedSecretEncryptions {
  /** X25519 public point of the dealer's ephemeral scalar, 0x + 32 bytes. */
  readonly diffieHellmanPoint: string;
  /** keccak256 of the plaintext secret, 0x + 32 bytes. */
  readonly sharedSecretHash: string;
  /** One 0x + 16-byte ciphertext per oracle, in oracle order. */
  readonly encryptions: readonly string[];
}

/** The contents of `encoded` (ocr1.md §3). Durations are nanoseconds, as Go's time.Duration on chain. */
export interface OffchainConfig {
  readonly deltaProgressNs: bigint;
  readonly deltaResendNs: bigint;
  readonly deltaRoundNs: bigint;
  readonly deltaGraceNs: bigint;
  readonly deltaCNs: bigint;
  /** Deviation threshold in parts per billion (uint64). */
  readonly alphaPpb: bigint;
  readonly deltaStageNs: bigint;
  /** Rounds per epoch (uint8). */
  readonly rMax: number;
  /** Transmission schedule: oracles per stage (uint8 each). */
  readonly s: readonly number[];
  /** Ed25519 off-chain public keys, 0x + 32 bytes each, in oracle order. */
  readonly offchainPublicKeys: readonly string[];
  /** libp2p peer IDs (`12D3KooW…`, no `p2p_` prefix), in oracle order. */
  readonly peerIds: readonly string[];
  readonly sharedSecretEncryptions: SharedSecretEncryptions;
}

const TUPLE_TYPE =
  'tuple(int64 deltaProgress, int64 deltaResend, int64 deltaRound, int64 deltaGrace, int64 deltaC, uint64 alpha, ' +
  'int64 deltaStage, uint8 rMax, uint8[] s, bytes32[] offchainPublicKeys, string peerIDs, ' +
  'tuple(bytes32 diffieHellmanPoint, bytes32 sharedSecretHash, bytes16[] encryptions) sharedSecretEncryptions)';

const coder = AbiCoder.defaultAbiCoder();

/** ABI-encodes the config as one tuple argument, byte-identical to libocr's `encode()`. */
export function encodeOffchainConfig(config: OffchainConfig): string {
  if (config.peerIds.some((id) => id.includes(','))) throw new Error('peer IDs must not contain ","');
  const sse = config.sharedSecretEncryptions;
  const encoded = coder.encode(
    [TUPLE_TYPE],
    [
      [
        config.deltaProgressNs,
        config.deltaResendNs,
        config.deltaRoundNs,
        config.deltaGraceNs,
        config.deltaCNs,
        config.alphaPpb,
        config.deltaStageNs,
        config.rMax,
        config.s,
        config.offchainPublicKeys,
        config.peerIds.join(','),
        [sse.diffieHellmanPoint, sse.sharedSecretHash, sse.encryptions],
      ],
    ],
  );
  if (getBytes(encoded).length > MAX_ENCODED_CONFIG_BYTES)
    throw new Error('encoded config exceeds 20000 bytes');
  return encoded;
}

/** Decodes `encoded`; malformed or oversized input is an error value, never an exception. */
export function decodeOffchainConfig(encoded: BytesLike): Result<OffchainConfig, string> {
  let bytes: Uint8Array;
  try {
    bytes = getBytes(encoded);
  } catch {
    return err('encoded config is not valid bytes');
  }
  if (bytes.length > MAX_ENCODED_CONFIG_BYTES) return err(`encoded config too long (${bytes.length} bytes)`);
  try {
    const [t] = coder.decode([TUPLE_TYPE], bytes);
    const sse = t[11];
    const peerIdsJoined = String(t[10]);
    return ok({
      deltaProgressNs: BigInt(t[0]),
      deltaResendNs: BigInt(t[1]),
      deltaRoundNs: BigInt(t[2]),
      deltaGraceNs: BigInt(t[3]),
      deltaCNs: BigInt(t[4]),
      alphaPpb: BigInt(t[5]),
      deltaStageNs: BigInt(t[6]),
      rMax: Number(t[7]),
      s: Array.from(t[8] as ArrayLike<bigint>, Number),
      offchainPublicKeys: Array.from(t[9] as ArrayLike<string>, (k) => hexlify(k)),
      // Go's strings.Split is skipped for "" (no peers), so "" decodes to an empty list.
      peerIds: peerIdsJoined === '' ? [] : peerIdsJoined.split(','),
      sharedSecretEncryptions: {
        diffieHellmanPoint: hexlify(sse[0]),
        sharedSecretHash: hexlify(sse[1]),
        encryptions: Array.from(sse[2] as ArrayLike<string>, (e) => hexlify(e)),
      },
    });
  } catch (e) {
    return err(`could not decode encoded config: ${e instanceof Error ? e.message : String(e)}`);
  }
}
