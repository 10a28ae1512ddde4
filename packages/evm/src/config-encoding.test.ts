import { describe, expect, it } from 'vitest';
import { decodeOffchainConfig, encodeOffchainConfig, MAX_ENCODED_CONFIG_BYTES } from './config-encoding.js';
import { GOLDEN_ENCODED, GOLDEN_OFFCHAIN_CONFIG } from './fixtures/golden-config.js';

describe('config encoding', () => {
  it('encodes the golden config to the exact ABI tuple bytes', () => {
    expect(encodeOffchainConfig(GOLDEN_OFFCHAIN_CONFIG)).toBe(GOLDEN_ENCODED);
  });

  it('decodes the golden bytes back to the same config', () => {
    expect(decodeOffchainConfig(GOLDEN_ENCODED)).toEqual({ ok: true, value: GOLDEN_OFFCHAIN_CONFIG });
  });

  it('round-trips negative durations and empty lists', () => {
    const config = {
      ...GOLDEN_OFFCHAIN_CONFIG,
      deltaGraceNs: -1n,
      s: [],
      offchainPublicKeys: [],
      peerIds: [],
      sharedSecretEncryptions: { ...GOLDEN_OFFCHAIN_CONFIG.sharedSecretEncryptions, encryptions: [] },
    };
    expect(decodeOffchainConfig(encodeOffchainConfig(config))).toEqual({ ok: true, value: config });
  });

  it('returns errors for garbage, truncated and oversized blobs', () => {
    expect(decodeOffchainConfig('0x1234').ok).toBe(false);
    expect(decodeOffchainConfig('not hex').ok).toBe(false);
    expect(decodeOffchainConfig(GOLDEN_ENCODED.slice(0, GOLDEN_ENCODED.length - 64)).ok).toBe(false);
    const oversized = GOLDEN_ENCODED + '00'.repeat(MAX_ENCODED_CONFIG_BYTES);
    expect(decodeOffchainConfig(oversized)).toEqual({ ok: false, error: expect.stringMatching(/too long/) });
  });

  it('refuses peer IDs that would split differently', () => {
    expect(() => encodeOffchainConfig({ ...GOLDEN_OFFCHAIN_CONFIG, peerIds: ['a,b'] })).toThrow(/","/);
  });
});
