/**
 * The confidential admin's registration from openssl-made TEE certificates, against our
 * AdminCertificateHelper stand-in on anvil: the chunked chain and the leaf key's signature are
 * what the helper verifies (userData = the authorized solution hash, the signature recovers to
 * address(keccak256(leaf.publicKey))), a wrong key or solution hash is refused, and registering
 * again is a no-op.
 */
import { rmSync } from 'node:fs';
import { id } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chunkCertificateChain,
  deployLocalAdminCertificateHelper,
  readOrderCertificates,
  registerConfidentialAdmin,
  signAdminRegistration,
  type AdminCertificateHelperContract,
} from '@oracle/evm';
import { makeTeeCertificates, type TeeCertificates } from '../src/fixtures/tee-certificates.js';
import { buildContracts, revertReason, startChain, type Chain } from './chain.js';

const SOLUTION = id('the authorized solution');

let chain: Chain;
let helper: AdminCertificateHelperContract;
let helperAddress: string;
let good: TeeCertificates;
let otherSolution: TeeCertificates;

beforeAll(async () => {
  buildContracts();
  chain = await startChain();
  helper = await deployLocalAdminCertificateHelper(chain.wallet(0), SOLUTION);
  helperAddress = await helper.getAddress();
  good = makeTeeCertificates({ solutionHash: SOLUTION, mrEnclave: id('enclave'), mrSigner: id('signer') });
  otherSolution = makeTeeCertificates({ solutionHash: id('another solution') });
});

afterAll(async () => {
  await chain?.anvil.stop();
  for (const c of [good, otherSolution]) if (c) rmSync(c.dir, { recursive: true, force: true });
});

describe('registering the confidential admin from the order certificates', () => {
  it('refuses a wrong key and a wrong solution hash on chain', async () => {
    const node1 = chain.wallet(1);
    const asNode1 = helper.connect(node1);
    const nonce = await helper.getSignatureNonce();
    const certs = chunkCertificateChain(good.leafPem, good.caBundlePem);
    expect(certs).toHaveLength(3);
    // Signed by the other chain's leaf key: not the key of this leaf.
    const wrongKey = signAdminRegistration(
      otherSolution.leafKeyPem,
      node1.address,
      1337n,
      helperAddress,
      nonce,
    );
    expect(await revertReason(asNode1.addAdmin.staticCall(certs, 1, wrongKey.signature))).toBe(
      'Invalid data signature',
    );
    // A chain whose leaf carries another solution hash, correctly signed.
    const other = chunkCertificateChain(otherSolution.leafPem, otherSolution.caBundlePem);
    const signed = signAdminRegistration(
      otherSolution.leafKeyPem,
      node1.address,
      1337n,
      helperAddress,
      nonce,
    );
    expect(await revertReason(asNode1.addAdmin.staticCall(other, 1, signed.signature))).toBe(
      'Only authorized solution',
    );
    // Our registration refuses both before sending anything.
    await expect(
      registerConfidentialAdmin({
        signer: node1,
        helper: helperAddress,
        rootCertId: 1,
        certificates: readOrderCertificates(otherSolution.dir),
      }),
    ).rejects.toThrow(/not the helper's authorized/);
    await expect(
      registerConfidentialAdmin({
        signer: node1,
        helper: helperAddress,
        rootCertId: 1,
        certificates: { ...readOrderCertificates(good.dir), keyPem: otherSolution.leafKeyPem },
      }),
    ).rejects.toThrow(/not the key of order_cert.crt/);
    expect(await helper.isAdmin(node1.address)).toBe(false);
  });

  it('registers node 1 with the helper, then is a no-op', async () => {
    const node1 = chain.wallet(1);
    const certificates = readOrderCertificates(good.dir);
    const first = await registerConfidentialAdmin({
      signer: node1,
      helper: helperAddress,
      rootCertId: 1,
      certificates,
    });
    expect(first.status).toBe('registered');
    expect(await helper.isAdmin(node1.address)).toBe(true);
    expect(await helper.getSignatureNonce()).toBe(1n);
    const again = await registerConfidentialAdmin({
      signer: node1,
      helper: helperAddress,
      rootCertId: 1,
      certificates,
    });
    expect(again).toEqual({ status: 'already-admin', admin: node1.address });
    expect(await helper.getSignatureNonce()).toBe(1n);
  });
});
