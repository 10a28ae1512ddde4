/**
 * Our Super Protocol-flavour aggregator and the local AdminCertificateHelper stand-in, on anvil:
 * who may configure what, the ConfigSet it emits (byte-identical `encoded`, the stock digest), the
 * stand-in's registration check, and flavour probing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBytes, id, Wallet, ZeroAddress, type SigningKey, type TransactionReceipt } from 'ethers';
import {
  adminRegistrationHash,
  configDigest,
  decodeConfigSetLog,
  deployAggregator,
  deployLocalAdminCertificateHelper,
  deploySuperProtocolAggregator,
  encodeOffchainConfig,
  encodeReport,
  ENCODED_CONFIG_VERSION,
  loadContractArtifact,
  probeAggregatorFlavour,
  signReport,
  splitForSuperProtocol,
  transmitArgs,
  type AdminCertificateHelperContract,
  type ChunkedX509Cert,
  type ContractConfig,
  type SuperProtocolAggregatorContract,
} from '@oracle/evm';
import { sampleDon } from '../src/fixtures/sample-config.js';
import { buildContracts, revertReason, startChain, type Chain } from './chain.js';

const SOLUTION_HASH = id('the authorized solution');
const don = sampleDon('super-protocol-int');

let chain: Chain;
let helper: AdminCertificateHelperContract;
let helperAddress: string;
let aggregator: SuperProtocolAggregatorContract;
let address: string;
let wanted: ContractConfig;

const configSetOf = (receipt: TransactionReceipt) =>
  receipt.logs.flatMap((log) => {
    const decoded = decodeConfigSetLog(log);
    return decoded.ok ? [decoded.value] : [];
  });

beforeAll(async () => {
  buildContracts();
  chain = await startChain();
  const owner = chain.wallet(0);
  helper = await deployLocalAdminCertificateHelper(owner, SOLUTION_HASH);
  helperAddress = await helper.getAddress();
  aggregator = await deploySuperProtocolAggregator(owner, {
    minAnswer: 1n,
    maxAnswer: 10n ** 20n,
    decimals: 8,
    description: 'ETH / USD',
    adminCertificateHelper: helperAddress,
  });
  address = await aggregator.getAddress();
  wanted = {
    signers: don.keys.map((k) => k.onchainSigningAddress),
    transmitters: don.keys.map((k) => k.transmitterAddress),
    threshold: 1,
    encodedConfigVersion: ENCODED_CONFIG_VERSION,
    encoded: encodeOffchainConfig(don.offchainConfig),
  };
});

afterAll(async () => {
  await chain?.anvil.stop();
});

describe('the Super Protocol flavour', () => {
  it('needs a helper, and tells the probe what it is (typeAndVersion does not)', async () => {
    const artifact = loadContractArtifact('SuperProtocolOffchainAggregator');
    expect((artifact.deployedBytecode.length - 2) / 2).toBeLessThanOrEqual(24_576);
    expect(
      await revertReason(
        deploySuperProtocolAggregator(chain.wallet(0), {
          minAnswer: 1n,
          maxAnswer: 2n,
          decimals: 0,
          description: 'x',
          adminCertificateHelper: ZeroAddress,
        }),
      ),
    ).toBe('adminCertificateHelper cannot be zero address');
    expect(await aggregator.typeAndVersion()).toBe('OffchainAggregator 4.0.0');
    expect(await aggregator.adminCertificateHelper()).toBe(helperAddress);
    expect(await probeAggregatorFlavour(chain.provider, address)).toEqual({
      flavour: 'superProtocol',
      adminCertificateHelper: helperAddress,
    });
    const stock = await deployAggregator(chain.wallet(0), {
      minAnswer: 1n,
      maxAnswer: 2n,
      decimals: 0,
      description: 'stock',
    });
    expect(await probeAggregatorFlavour(chain.provider, await stock.getAddress())).toEqual({
      flavour: 'stock',
    });
  });

  it('lets only the owner set the timings; without oracles that publishes nothing', async () => {
    const { timings } = splitForSuperProtocol(wanted);
    expect(
      await revertReason(aggregator.connect(chain.wallet(1)).setConsensusConfig.staticCall(...timings)),
    ).toBe('Only callable by owner');
    const receipt = (await (await aggregator.setConsensusConfig(...timings)).wait()) as TransactionReceipt;
    expect(configSetOf(receipt)).toEqual([]);
    expect((await aggregator.latestConfigDetails()).configCount).toBe(0n);
  });

  it('lets only the confidential admin set the oracles, after the stock validity checks', async () => {
    const { don: donConfig } = splitForSuperProtocol(wanted);
    const owner = chain.wallet(0);
    const admin = chain.wallet(1);
    // Not even the owner may, until it is the admin.
    expect(await revertReason(aggregator.setConfig.staticCall(donConfig))).toBe('Only confidential admin');
    expect(await revertReason(aggregator.connect(admin).setConfig.staticCall(donConfig))).toBe(
      'Only confidential admin',
    );
    expect(
      await revertReason(aggregator.connect(admin).setConfig.staticCall({ ...donConfig, threshold: 2 })),
    ).toBe('faulty-oracle threshold too high');
    expect(await revertReason(helper.connect(admin).appointAdmin.staticCall(admin.address))).toBe(
      'Only callable by owner',
    );
    await (await helper.connect(owner).appointAdmin(admin.address)).wait();
    expect(await helper.isAdmin(admin.address)).toBe(true);
    expect(await helper.isAdmin(owner.address)).toBe(false);
    expect(await revertReason(aggregator.setConfig.staticCall(donConfig))).toBe('Only confidential admin');

    const receipt = (await (
      await aggregator.connect(admin).setConfig(donConfig)
    ).wait()) as TransactionReceipt;
    const [event] = configSetOf(receipt);
    // The contract re-assembles exactly the tuple we encode; the digest is the stock formula.
    expect(event).toEqual({ ...wanted, previousConfigBlockNumber: 0, configCount: 1n });
    const details = await aggregator.latestConfigDetails();
    expect(details.configDigest).toBe(configDigest(address, 1n, wanted));
    expect(details.blockNumber).toBe(BigInt(receipt.blockNumber));
    // Transmitters without a payee get the owner.
    const payees = receipt.logs.filter(
      (l) => l.topics[0] === id('PayeeshipTransferred(address,address,address)'),
    );
    expect(payees.map((l) => `0x${l.topics[3]?.slice(26)}`)).toEqual(
      wanted.transmitters.map(() => owner.address.toLowerCase()),
    );
  });

  it('republishes the config at once when the owner changes the timings, shared secret kept', async () => {
    const before = await aggregator.latestConfigDetails();
    const slower = { ...don.offchainConfig, deltaCNs: 2n * don.offchainConfig.deltaCNs, alphaPpb: 1n };
    const changed = { ...wanted, encoded: encodeOffchainConfig(slower) };
    const receipt = (await (
      await aggregator.setConsensusConfig(...splitForSuperProtocol(changed).timings)
    ).wait()) as TransactionReceipt;
    const [event] = configSetOf(receipt);
    expect(event).toEqual({
      ...changed,
      previousConfigBlockNumber: Number(before.blockNumber),
      configCount: 2n,
    });
    expect((await aggregator.latestConfigDetails()).configDigest).toBe(configDigest(address, 2n, changed));
  });

  it('accepts transmissions like the stock contract', async () => {
    const { configDigest: digest } = await aggregator.latestConfigDetails();
    const report = encodeReport({ configDigest: digest, epoch: 1, round: 1 }, [
      { observer: 0, value: 100n },
      { observer: 1, value: 200n },
      { observer: 2, value: 300n },
    ]);
    const args = transmitArgs(
      report,
      [0, 1].map((i) => signReport(report, don.keys[i]!.reveal().onchainSigningKey)),
    );
    const transmitter = new Wallet(don.keys[3]!.reveal().transmitterPrivateKey, chain.provider);
    await (await chain.wallet(0).sendTransaction({ to: transmitter.address, value: 10n ** 18n })).wait();
    await (
      await aggregator.connect(transmitter).transmit(args.report, [...args.rs], [...args.ss], args.rawVs)
    ).wait();
    expect((await aggregator.latestRoundData()).answer).toBe(200n);
  });
});

describe('the local AdminCertificateHelper stand-in', () => {
  /** A leaf certificate whose key is `key`, carrying `userData`; the rest of the chain is not checked. */
  const leaf = (key: { signingKey: SigningKey }, userData: string): ChunkedX509Cert => ({
    nonSerializedParts: ['0x01'],
    expirationDate: '0x',
    ca: '0x',
    userData,
    publicKey: getBytes(key.signingKey.publicKey).slice(1),
    serialNumber: '0x02',
    mrEnclave: id('enclave'),
    mrSigner: id('signer'),
    signature: '0x',
  });

  async function registration(key: { signingKey: SigningKey }, newAdmin: string): Promise<string> {
    const nonce = await helper.getSignatureNonce();
    return key.signingKey.sign(adminRegistrationHash(newAdmin, 1337n, helperAddress, nonce)).serialized;
  }

  it('registers the sender whose registration the leaf key signed, once per nonce', async () => {
    const enclaveKey = Wallet.createRandom();
    const candidate = chain.wallet(2);
    const asCandidate = helper.connect(candidate);
    const cert = leaf(enclaveKey, SOLUTION_HASH);
    const signature = await registration(enclaveKey, candidate.address);

    expect(await revertReason(asCandidate.addAdmin.staticCall([], 0, signature))).toBe(
      'Empty certificate chain',
    );
    expect(
      await revertReason(
        asCandidate.addAdmin.staticCall([leaf(enclaveKey, id('other')), cert], 7, signature),
      ),
    ).toBe('Only authorized solution');
    // Signed by another key, or sent by someone else than the account signed for.
    const stranger = await registration(Wallet.createRandom(), candidate.address);
    expect(await revertReason(asCandidate.addAdmin.staticCall([cert], 7, stranger))).toBe(
      'Invalid data signature',
    );
    expect(
      await revertReason(helper.connect(chain.wallet(3)).addAdmin.staticCall([cert], 7, signature)),
    ).toBe('Invalid data signature');

    const nonce = await helper.getSignatureNonce();
    await (await asCandidate.addAdmin([cert], 7, signature)).wait();
    expect(await helper.isAdmin(candidate.address)).toBe(true);
    expect(await helper.isAdmin(chain.wallet(1).address)).toBe(false);
    expect(await helper.getSignatureNonce()).toBe(nonce + 1n);
    expect(await helper.getAuthorizedSolutionHash()).toBe(SOLUTION_HASH);
    // The same signature does not work twice: the nonce moved on.
    expect(await revertReason(asCandidate.addAdmin.staticCall([cert], 7, signature))).toBe(
      'Invalid data signature',
    );
    // The new admin configures; the previous one no longer may.
    const { don: donConfig } = splitForSuperProtocol(wanted);
    expect(await revertReason(aggregator.connect(chain.wallet(1)).setConfig.staticCall(donConfig))).toBe(
      'Only confidential admin',
    );
    await aggregator.connect(candidate).setConfig.staticCall(donConfig);
  });
});
