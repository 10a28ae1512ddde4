/**
 * The TEE side of registering a confidential admin with Super Protocol's AdminCertificateHelper:
 * cutting the order's X.509 chain into ChunkedX509Cert parts and signing the registration message
 * with the leaf certificate's key.
 *
 * The cut is the one @super-protocol/sdk-js (CertificateSerializer.serializeForBlockchain, 3.14.0)
 * makes, re-implemented here with a small DER reader because the SDK is far too big for the image
 * (proved byte for byte against it in admin-certificate.sdk.test.ts). In our words, the rule is:
 *
 * - Walk the certificate's DER once, front to back. Everything the verifier must see as a value is
 *   lifted out as a named part; every run of bytes in between ("glue": tags, lengths, the fields
 *   nobody reads) becomes a non-serialized part. Adjacent glue is merged into one part, except at
 *   a few fixed places where a new part is started so the verifier can re-assemble by position.
 * - Part 0 is the outer Certificate header. A new glue part then starts: the TBSCertificate header,
 *   the version and the serial number's tag and length; the serial's content is `serialNumber`.
 * - The glue up to notAfter (signature algorithm, issuer, notBefore, notAfter's header) then the
 *   notAfter content (the UTCTime/GeneralizedTime characters) is `expirationDate`.
 * - The glue up to the subject public key's BIT STRING, its header, the unused-bits byte and the
 *   0x04 "uncompressed" byte; the 64 bytes X ‖ Y are `publicKey`.
 * - For each extension, in the certificate's order, whose OID is basicConstraints (`ca`), the
 *   order report's user data 1.3.6.1.3.8888.2.4 (`userData`), the challenge id 1.3.6.1.3.8888.1.2
 *   (`mrEnclave`) or the challenge common id 1.3.6.1.3.8888.1.3 (`mrSigner`): glue up to the
 *   extension's extnValue OCTET STRING content, then that content as the part.
 * - The rest of the TBS (other extensions) as glue, but started as a new part if there is any; then
 *   a new part with the outer signatureAlgorithm (header and content), the signature BIT STRING's
 *   header and unused-bits byte, the ECDSA-Sig-Value SEQUENCE header and r's INTEGER header
 *   (with r's 0x00 sign byte if r has 33 bytes); then a new part with s's INTEGER header (and sign
 *   byte); `signature` is r ‖ s, each left-padded to 32 bytes.
 * - Only secp256k1 certificates can be cut (the SDK refuses others), and basicConstraints must be
 *   present; userData, mrEnclave and mrSigner are optional (zero bytes32 on chain when absent).
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SigningKey,
  computeAddress,
  getAddress,
  hexlify,
  keccak256,
  ZeroHash,
  type BigNumberish,
  type Signer,
} from 'ethers';
import { adminCertificateHelperAt, type ChunkedX509Cert } from './aggregator.js';
import { adminRegistrationHash } from './super-protocol.js';

export const OID_BASIC_CONSTRAINTS = '2.5.29.19';
/** The order report's user data: the hash of the solution running in the enclave. */
export const OID_USER_DATA = '1.3.6.1.3.8888.2.4';
export const OID_MR_ENCLAVE = '1.3.6.1.3.8888.1.2';
export const OID_MR_SIGNER = '1.3.6.1.3.8888.1.3';

/** A certificate's parts as the SDK returns them (optional extensions may be missing). */
export interface CertificateParts {
  readonly nonSerializedParts: Uint8Array[];
  readonly expirationDate: Uint8Array;
  readonly ca: Uint8Array;
  readonly userData?: Uint8Array;
  readonly serialNumber: Uint8Array;
  readonly signature: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly mrEnclave?: Uint8Array;
  readonly mrSigner?: Uint8Array;
}

interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte in the whole certificate. */
  readonly start: number;
  /** Offset of the first content byte. */
  readonly contentStart: number;
  readonly end: number;
}

function readTlv(der: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw new Error('certificate DER is truncated');
  const tag = der[at]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('certificate DER uses a multi-byte tag');
  let length = der[at + 1]!;
  let contentStart = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('certificate DER has an unsupported length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new Error('certificate DER is truncated');
  return { tag, start: at, contentStart, end };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end;) {
    const child = readTlv(der, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

function decodeOid(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

/** The bytes of r or s as the SDK keeps them: at most the last 32 content bytes. */
function integerValue(der: Uint8Array, tlv: Tlv): Uint8Array {
  const content = der.subarray(tlv.contentStart, tlv.end);
  return content.length > 32 ? content.subarray(content.length - 32) : content;
}

function pad32(value: Uint8Array): Uint8Array {
  if (value.length >= 32) return value;
  const out = new Uint8Array(32);
  out.set(value, 32 - value.length);
  return out;
}

/** True if `pem` is a certificate with a secp256k1 public key. */
function isSecp256k1(cert: X509Certificate): boolean {
  const details = cert.publicKey.asymmetricKeyDetails;
  return cert.publicKey.asymmetricKeyType === 'ec' && details?.namedCurve === 'secp256k1';
}

/** Cuts one PEM certificate the way the SDK's serializeForBlockchain does (see the file comment). */
export function splitCertificate(pem: string): CertificateParts {
  const cert = new X509Certificate(pem);
  if (!isSecp256k1(cert)) {
    throw new Error(`certificate ${cert.subject.replace(/\n/g, ', ')} does not have a secp256k1 key`);
  }
  const der = new Uint8Array(cert.raw);
  const outer = readTlv(der, 0, der.length);
  const [tbs, outerSigAlg, sigValue] = children(der, outer);
  if (!tbs || !outerSigAlg || !sigValue) throw new Error('certificate DER is not a Certificate');

  const glue: Uint8Array[] = [];
  const named = new Map<string, Uint8Array>();
  let last = 0;
  let lastWasGlue = false;
  const addGlue = (from: number, to: number, newPart = false): void => {
    if (to <= from) return;
    const bytes = der.slice(from, to);
    if (lastWasGlue && !newPart) {
      const prev = glue.pop()!;
      const merged = new Uint8Array(prev.length + bytes.length);
      merged.set(prev);
      merged.set(bytes, prev.length);
      glue.push(merged);
    } else glue.push(bytes);
    lastWasGlue = true;
  };
  const addNamed = (name: string, value: Uint8Array): void => {
    if (named.has(name)) throw new Error(`certificate has ${name} twice`);
    named.set(name, value);
    lastWasGlue = false;
  };
  /** Glue up to `tlv`, its header, then its content as the part `name`. */
  const lift = (tlv: Tlv, name: string, newPrefix = false): void => {
    addGlue(last, tlv.start, newPrefix);
    addGlue(tlv.start, tlv.contentStart);
    addNamed(name, der.slice(tlv.contentStart, tlv.end));
    last = tlv.end;
  };

  addGlue(0, tbs.start);
  last = tbs.start;
  const fields = children(der, tbs);
  let i = 0;
  if (fields[i]?.tag === 0xa0) i++; // version
  const serial = fields[i++];
  if (serial?.tag !== 0x02) throw new Error('certificate DER: expected the serial number');
  lift(serial, 'serialNumber', true);
  i++; // signature algorithm
  i++; // issuer
  const validity = fields[i++];
  const notAfter = validity ? children(der, validity)[1] : undefined;
  if (!notAfter) throw new Error('certificate DER: no validity');
  lift(notAfter, 'expirationDate');
  i++; // subject
  const spki = fields[i++];
  const keyBits = spki ? children(der, spki)[1] : undefined;
  if (keyBits?.tag !== 0x03) throw new Error('certificate DER: no subject public key');
  // BIT STRING: header and unused-bits byte, then 0x04, then X ‖ Y.
  addGlue(last, keyBits.contentStart + 2);
  addNamed('publicKey', der.slice(keyBits.contentStart + 2, keyBits.end));
  last = keyBits.end;
  // issuerUniqueID [1], subjectUniqueID [2] (v2+, rare): skipped, they stay glue.
  while ([0x81, 0xa1, 0x82, 0xa2].includes(fields[i]?.tag ?? -1)) i++;
  const wanted: Record<string, string> = {
    [OID_BASIC_CONSTRAINTS]: 'ca',
    [OID_USER_DATA]: 'userData',
    [OID_MR_ENCLAVE]: 'mrEnclave',
    [OID_MR_SIGNER]: 'mrSigner',
  };
  const extensions = fields[i];
  if (extensions?.tag === 0xa3) {
    const list = children(der, extensions)[0];
    for (const extension of list ? children(der, list) : []) {
      const parts = children(der, extension);
      const name = wanted[decodeOid(der.subarray(parts[0]!.contentStart, parts[0]!.end))];
      if (!name) continue;
      const value = parts[parts.length === 3 ? 2 : 1];
      if (value?.tag !== 0x04) throw new Error(`certificate DER: extension ${name} has no OCTET STRING`);
      lift(value, name);
    }
  }

  // The outer signature algorithm: a new part for what precedes it, and a new part for itself.
  addGlue(last, outerSigAlg.start, true);
  addGlue(outerSigAlg.start, outerSigAlg.contentStart, true);
  addGlue(outerSigAlg.contentStart, outerSigAlg.end);
  // The signature BIT STRING (header, unused-bits byte), the ECDSA-Sig-Value header, r and s.
  if (sigValue.tag !== 0x03) throw new Error('certificate DER: no signature');
  addGlue(sigValue.start, sigValue.contentStart + 1);
  const ecdsa = readTlv(der, sigValue.contentStart + 1, sigValue.end);
  const [r, s] = children(der, ecdsa);
  if (r?.tag !== 0x02 || s?.tag !== 0x02) throw new Error('certificate signature is not ECDSA');
  const rValue = integerValue(der, r);
  const sValue = integerValue(der, s);
  addGlue(ecdsa.start, r.end - rValue.length);
  addGlue(r.end, s.start);
  addGlue(s.start, s.end - sValue.length, true);
  const signature = new Uint8Array(64);
  signature.set(pad32(rValue), 0);
  signature.set(pad32(sValue), 32);
  addNamed('signature', signature);
  addGlue(s.end, der.length);

  const get = (name: string): Uint8Array => {
    const value = named.get(name);
    if (!value) throw new Error(`Part with name or OID "${name}" not found in certificate`);
    return value;
  };
  return {
    nonSerializedParts: glue,
    expirationDate: get('expirationDate'),
    ca: get('ca'),
    userData: named.get('userData'),
    serialNumber: get('serialNumber'),
    signature: get('signature'),
    publicKey: get('publicKey'),
    mrEnclave: named.get('mrEnclave'),
    mrSigner: named.get('mrSigner'),
  };
}

function bytes32OrZero(value: Uint8Array | undefined, what: string): string {
  if (!value) return ZeroHash;
  if (value.length !== 32) throw new Error(`certificate ${what} is ${value.length} bytes, not 32`);
  return hexlify(value);
}

/** The contract's tuple for one certificate's parts (absent userData/mrEnclave/mrSigner → zero). */
export function toChunkedX509Cert(parts: CertificateParts): ChunkedX509Cert {
  return {
    nonSerializedParts: parts.nonSerializedParts.map((p) => hexlify(p)),
    expirationDate: hexlify(parts.expirationDate),
    ca: hexlify(parts.ca),
    userData: bytes32OrZero(parts.userData, 'userData'),
    publicKey: hexlify(parts.publicKey),
    serialNumber: hexlify(parts.serialNumber),
    mrEnclave: bytes32OrZero(parts.mrEnclave, 'mrEnclave'),
    mrSigner: bytes32OrZero(parts.mrSigner, 'mrSigner'),
    signature: hexlify(parts.signature),
  };
}

/** The PEM certificates in `text`, in order. */
export function splitPemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * The chain as addAdmin takes it: the leaf (order_cert.crt) first, then the CA bundle's
 * certificates in the bundle's order (intermediate, then root, as the platform writes it).
 */
export function chunkCertificateChain(leafPem: string, caBundlePem: string): ChunkedX509Cert[] {
  const leaf = splitPemCertificates(leafPem);
  if (leaf.length === 0) throw new Error('no certificate in the order certificate file');
  return [...leaf, ...splitPemCertificates(caBundlePem)].map((pem) =>
    toChunkedX509Cert(splitCertificate(pem)),
  );
}

/** The address the helper derives from a chunked leaf: address(keccak256(publicKey)). */
export function leafKeyAddress(leaf: ChunkedX509Cert): string {
  return getAddress(`0x${keccak256(leaf.publicKey).slice(-40)}`);
}

function signingKeyOf(keyPem: string | KeyObject): SigningKey {
  const key = typeof keyPem === 'string' ? createPrivateKey(keyPem) : keyPem;
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType !== 'ec' || details?.namedCurve !== 'secp256k1') {
    throw new Error('the order certificate key is not a secp256k1 key');
  }
  const d = key.export({ format: 'jwk' }).d;
  if (!d) throw new Error('the order certificate key has no private part');
  return new SigningKey(`0x${Buffer.from(d, 'base64url').toString('hex').padStart(64, '0')}`);
}

/**
 * The addAdmin signature: the leaf key's ECDSA signature (65 bytes r ‖ s ‖ v, v 27/28, low s) of
 * sha256(abi.encode(newAdmin, chainId, helper, nonce)).
 */
export function signAdminRegistration(
  certKeyPem: string | KeyObject,
  newAdmin: string,
  chainId: BigNumberish,
  helper: string,
  nonce: BigNumberish,
): { readonly hash: string; readonly signature: string; readonly signer: string } {
  const key = signingKeyOf(certKeyPem);
  const hash = adminRegistrationHash(newAdmin, chainId, helper, nonce);
  const signature = key.sign(hash).serialized;
  return { hash, signature, signer: computeAddress(key.publicKey) };
}

/** The order's certificate files as the platform mounts them (in /sp/certs). */
export const ORDER_CERT_FILES = {
  leaf: 'order_cert.crt',
  caBundle: 'order_cert_ca_bundle.crt',
  key: 'order_cert.key',
} as const;

export interface OrderCertificates {
  readonly leafPem: string;
  readonly caBundlePem: string;
  readonly keyPem: string;
}

/** Reads order_cert.crt, order_cert_ca_bundle.crt and order_cert.key from `dir`. */
export function readOrderCertificates(dir: string): OrderCertificates {
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  return {
    leafPem: read(ORDER_CERT_FILES.leaf),
    caBundlePem: read(ORDER_CERT_FILES.caBundle),
    keyPem: read(ORDER_CERT_FILES.key),
  };
}

export type AdminRegistrationOutcome =
  | { readonly status: 'already-admin'; readonly admin: string }
  | {
      readonly status: 'registered';
      readonly admin: string;
      readonly transactionHash: string;
      /** The leaf key's address, address(keccak256(publicKey)). */
      readonly certificateSigner: string;
    };

/**
 * Makes `signer`'s account the confidential admin of the AdminCertificateHelper at `helper` unless
 * it already is: chunks the chain, checks the leaf carries the authorized solution hash and that the
 * key file matches the leaf (clear errors instead of a bare revert), signs the registration with
 * the helper's current nonce and sends addAdmin(chain, rootCertId, signature) from `signer`.
 */
export async function registerConfidentialAdmin(options: {
  readonly signer: Signer;
  readonly helper: string;
  readonly rootCertId: BigNumberish;
  readonly certificates: OrderCertificates;
}): Promise<AdminRegistrationOutcome> {
  const { signer, certificates } = options;
  const provider = signer.provider;
  if (!provider) throw new Error('the admin signer has no provider');
  const admin = await signer.getAddress();
  const helper = adminCertificateHelperAt(options.helper, signer);
  if (await helper.isAdmin(admin)) return { status: 'already-admin', admin };

  const chain = chunkCertificateChain(certificates.leafPem, certificates.caBundlePem);
  const leaf = chain[0]!;
  const authorized = await helper.getAuthorizedSolutionHash();
  if (hexlify(leaf.userData).toLowerCase() !== authorized.toLowerCase()) {
    throw new Error(
      `the order certificate's solution hash ${hexlify(leaf.userData)} is not the helper's authorized ${authorized}`,
    );
  }
  const { chainId } = await provider.getNetwork();
  const nonce = await helper.getSignatureNonce();
  const signed = signAdminRegistration(certificates.keyPem, admin, chainId, options.helper, nonce);
  const certificateSigner = leafKeyAddress(leaf);
  if (signed.signer !== certificateSigner) {
    throw new Error('order_cert.key is not the key of order_cert.crt');
  }
  const tx = await helper.addAdmin(chain, options.rootCertId, signed.signature);
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) throw new Error(`addAdmin ${tx.hash} failed`);
  if (!(await helper.isAdmin(admin))) throw new Error(`addAdmin ${tx.hash} mined but ${admin} is not admin`);
  return { status: 'registered', admin, transactionHash: tx.hash, certificateSigner };
}
