/**
 * Byte-for-byte compatibility with @super-protocol/sdk-js 3.14.0 (a dev dependency, loaded only in
 * tests): our certificate cut is the SDK's CertificateSerializer.serializeForBlockchain, part for
 * part, for openssl-made chains, and the registration signature recovers to the address the
 * helper derives from the SDK's own publicKey part.
 */
import { X509Certificate } from 'node:crypto';
import { rmSync } from 'node:fs';
import { CertificateSerializer } from '@super-protocol/sdk-js';
import { getAddress, hexlify, id, keccak256, recoverAddress, Wallet } from 'ethers';
import { afterAll, describe, expect, it } from 'vitest';
import {
  chunkCertificateChain,
  leafKeyAddress,
  signAdminRegistration,
  splitCertificate,
  type CertificateParts,
} from './admin-certificate.js';
import { makeTeeCertificates, type TeeCertificates } from './fixtures/tee-certificates.js';
import { adminRegistrationHash } from './super-protocol.js';

const SOLUTION = id('the authorized solution');
const made: TeeCertificates[] = [];
const make = (options: Parameters<typeof makeTeeCertificates>[0] = {}): TeeCertificates => {
  const certs = makeTeeCertificates(options);
  made.push(certs);
  return certs;
};
afterAll(() => {
  for (const c of made) rmSync(c.dir, { recursive: true, force: true });
});

const hexParts = (
  parts: CertificateParts | ReturnType<typeof CertificateSerializer.serializeForBlockchain>,
) => ({
  nonSerializedParts: parts.nonSerializedParts.map((p) => hexlify(p)),
  expirationDate: hexlify(parts.expirationDate),
  ca: hexlify(parts.ca),
  userData: parts.userData && hexlify(parts.userData),
  serialNumber: hexlify(parts.serialNumber),
  signature: hexlify(parts.signature),
  publicKey: hexlify(parts.publicKey),
  mrEnclave: parts.mrEnclave && hexlify(parts.mrEnclave),
  mrSigner: parts.mrSigner && hexlify(parts.mrSigner),
});

describe('certificate chunking, against the SDK', () => {
  it('cuts leaf, intermediate and root exactly as serializeForBlockchain, and re-assembles', () => {
    // Several chains: r and s of the certificates' signatures are sometimes 31 or 33 bytes.
    const chains = [
      make({ solutionHash: SOLUTION }),
      make({ solutionHash: SOLUTION, mrEnclave: id('enclave'), mrSigner: id('signer') }),
      make({}),
      make({ solutionHash: id('another') }),
    ];
    for (const chain of chains) {
      for (const pem of [chain.leafPem, chain.intermediatePem, chain.rootPem]) {
        const sdk = CertificateSerializer.serializeForBlockchain(pem);
        const ours = splitCertificate(pem);
        expect(hexParts(ours)).toEqual(hexParts(sdk));
        // The SDK's inverse gives the certificate back from our parts.
        const back = CertificateSerializer.deserializeFromBlockchain(ours);
        expect(back.replace(/\s/g, '')).toBe(pem.replace(/\s/g, ''));
      }
    }
    const leaf = splitCertificate(chains[1]!.leafPem);
    expect(hexlify(leaf.userData!)).toBe(SOLUTION);
    expect(hexlify(leaf.mrEnclave!)).toBe(id('enclave'));
    expect(hexlify(leaf.mrSigner!)).toBe(id('signer'));
    expect(leaf.publicKey).toHaveLength(64);
    expect(leaf.signature).toHaveLength(64);
  });

  it('cuts signatures with short and long r and s as the SDK does', () => {
    // Re-sign a leaf by hand (the splitter does not verify): r and s of 31, 32 and 33 content
    // bytes, the padding and sign-byte cases that random certificates hit only sometimes.
    const { leafPem } = make({ solutionHash: SOLUTION });
    const der = Buffer.from(new X509Certificate(leafPem).raw);
    const tlvEnd = (at: number): [number, number] => {
      const len = der[at + 1]!;
      if (len < 0x80) return [at + 2, at + 2 + len];
      const n = len & 0x7f;
      const l = der.subarray(at + 2, at + 2 + n).reduce((a, b) => a * 256 + b, 0);
      return [at + 2 + n, at + 2 + n + l];
    };
    const [tbsStart] = tlvEnd(0);
    const [, tbsEnd] = tlvEnd(tbsStart);
    const [, algEnd] = tlvEnd(tbsEnd);
    const head = der.subarray(tbsStart, algEnd);
    const int = (bytes: number, high: boolean, fill = 0x5a): Buffer => {
      const v = Buffer.alloc(bytes, fill);
      if (high) {
        v[0] = 0x00;
        v[1] = 0xc3;
      }
      return Buffer.concat([Buffer.from([0x02, bytes]), v]);
    };
    const tlv = (tag: number, body: Buffer): Buffer => {
      const len = body.length;
      const header =
        len < 0x80 ? [tag, len] : len < 0x100 ? [tag, 0x81, len] : [tag, 0x82, len >> 8, len & 0xff];
      return Buffer.concat([Buffer.from(header), body]);
    };
    for (const [r, s] of [
      [int(31, false), int(32, false)],
      [int(33, true), int(31, false)],
      [int(32, false), int(33, true)],
      // (r and s byte-identical would differ: the SDK finds s by searching for its bytes, and finds
      // r's; a real signature never has r = s.)
      [int(30, false), int(30, false, 0x3c)],
    ] as const) {
      const sig = tlv(0x03, Buffer.concat([Buffer.from([0]), tlv(0x30, Buffer.concat([r, s]))]));
      const cert = tlv(0x30, Buffer.concat([head, sig]));
      const pem = `-----BEGIN CERTIFICATE-----\n${cert.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
      const ours = splitCertificate(pem);
      expect(hexParts(ours)).toEqual(hexParts(CertificateSerializer.serializeForBlockchain(pem)));
      expect(ours.signature).toHaveLength(64);
    }
  });

  it('refuses what the SDK refuses: a non-secp256k1 key', async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = make().dir;
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'p256.key',
        '-subj',
        '/CN=p256',
        '-days',
        '1',
        '-out',
        'p256.crt',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    const { readFileSync } = await import('node:fs');
    const pem = readFileSync(`${dir}/p256.crt`, 'utf8');
    expect(() => CertificateSerializer.serializeForBlockchain(pem)).toThrow(/secp256k1/);
    expect(() => splitCertificate(pem)).toThrow(/secp256k1/);
  });
});

describe('the registration signature', () => {
  it('recovers to address(keccak256(publicKey)) of the SDK-cut leaf', () => {
    const certs = make({ solutionHash: SOLUTION });
    const admin = Wallet.createRandom().address;
    const helper = Wallet.createRandom().address;
    const signed = signAdminRegistration(certs.leafKeyPem, admin, 5611, helper, 3);
    expect(signed.hash).toBe(adminRegistrationHash(admin, 5611, helper, 3));
    const sdkLeaf = CertificateSerializer.serializeForBlockchain(certs.leafPem);
    const expected = getAddress(`0x${keccak256(sdkLeaf.publicKey).slice(-40)}`);
    expect(recoverAddress(signed.hash, signed.signature)).toBe(expected);
    expect(signed.signer).toBe(expected);
    const [leaf] = chunkCertificateChain(certs.leafPem, certs.caBundlePem);
    expect(leafKeyAddress(leaf!)).toBe(expected);
    // v is 27/28 and s is low: what the helper's ecrecover path accepts.
    const v = parseInt(signed.signature.slice(-2), 16);
    expect([27, 28]).toContain(v);
  });
});
