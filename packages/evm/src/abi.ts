import { Interface } from 'ethers';

/** What an aggregator and its proxy both offer: ownership and AggregatorV2V3Interface. */
const OWNED_AGGREGATOR_V2V3 = [
  'function owner() view returns (address)',
  'function transferOwnership(address _to)',
  'function acceptOwnership()',
  'function decimals() view returns (uint8)',
  'function description() view returns (string)',
  'function version() view returns (uint256)',
  'function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  'function getRoundData(uint80 _roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  'function latestAnswer() view returns (int256)',
  'function latestTimestamp() view returns (uint256)',
  'function latestRound() view returns (uint256)',
  'function getAnswer(uint256 _roundId) view returns (int256)',
  'function getTimestamp(uint256 _roundId) view returns (uint256)',
] as const;

/**
 * The part of the stock OCR1 OffchainAggregator ABI that oracle nodes, deployers and feed readers
 * use. It is Chainlink's interface, so code built on it works against their contract and ours.
 */
export const OCR1_AGGREGATOR_ABI = [
  'function setConfig(address[] _signers, address[] _transmitters, uint8 _threshold, uint64 _encodedConfigVersion, bytes _encoded)',
  'function latestConfigDetails() view returns (uint32 configCount, uint32 blockNumber, bytes16 configDigest)',
  'function transmitters() view returns (address[])',
  'function transmit(bytes _report, bytes32[] _rs, bytes32[] _ss, bytes32 _rawVs)',
  'function latestTransmissionDetails() view returns (bytes16 configDigest, uint32 epoch, uint8 round, int192 latestAnswer, uint64 latestTimestamp)',
  'function requestNewRound() returns (uint80)',
  'function setPayees(address[] _transmitters, address[] _payees)',
  'function typeAndVersion() pure returns (string)',
  'function minAnswer() view returns (int192)',
  'function maxAnswer() view returns (int192)',
  ...OWNED_AGGREGATOR_V2V3,
  'event ConfigSet(uint32 previousConfigBlockNumber, uint64 configCount, address[] signers, address[] transmitters, uint8 threshold, uint64 encodedConfigVersion, bytes encoded)',
  'event NewTransmission(uint32 indexed aggregatorRoundId, int192 answer, address transmitter, int192[] observations, bytes observers, bytes32 rawReportContext)',
  'event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt)',
  'event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)',
  'event RoundRequested(address indexed requester, bytes16 configDigest, uint32 epoch, uint8 round)',
  'event PayeeshipTransferred(address indexed transmitter, address indexed previous, address indexed current)',
] as const;

export const ocr1AggregatorInterface = new Interface(OCR1_AGGREGATOR_ABI);

const STOCK_SET_CONFIG = OCR1_AGGREGATOR_ABI[0];

/** The OCR1 tuple of the Super Protocol setConfig: the oracles and everything per oracle in `encoded`. */
export const CONSENSUS_DON_CONFIG_TUPLE =
  'tuple(address[] signers, address[] transmitters, uint8 threshold, uint8[] s, bytes32[] offchainPublicKeys, ' +
  'string peerIDs, tuple(bytes32 diffieHellmanPoint, bytes32 sharedSecretHash, bytes16[] encryptions) sharedSecretEncryptions)';

/**
 * Super Protocol's fork of the OCR1 aggregator (and ours of that flavour): the stock reads, transmit
 * and events, with the stock setConfig replaced by the owner's setConsensusConfig and the
 * confidential admin's setConfig(ConsensusDonConfig).
 */
export const SUPER_PROTOCOL_AGGREGATOR_ABI = [
  ...OCR1_AGGREGATOR_ABI.filter((fragment) => fragment !== STOCK_SET_CONFIG),
  `function setConfig(${CONSENSUS_DON_CONFIG_TUPLE} donConfig)`,
  'function setConsensusConfig(int64 deltaProgress, int64 deltaResend, int64 deltaRound, int64 deltaGrace, int64 deltaC, uint64 alphaPPB, int64 deltaStage, uint8 rMax, uint64 encodedConfigVersion)',
  'function adminCertificateHelper() view returns (address)',
  'function setAdminCertificateHelper(address helper)',
] as const;

export const superProtocolAggregatorInterface = new Interface(SUPER_PROTOCOL_AGGREGATOR_ABI);

/** The confidential admin's registry (Super Protocol's AdminCertificateHelper and our local stand-in). */
export const ADMIN_CERTIFICATE_HELPER_ABI = [
  'function isAdmin(address account) view returns (bool)',
  'function getSignatureNonce() view returns (uint256)',
  'function getAuthorizedSolutionHash() view returns (bytes32)',
  'function addAdmin(tuple(bytes[] nonSerializedParts, bytes expirationDate, bytes ca, bytes32 userData, bytes publicKey, bytes serialNumber, bytes32 mrEnclave, bytes32 mrSigner, bytes signature)[] certsChain, uint256 rootCertId, bytes signature)',
  'function owner() view returns (address)',
  // Our stand-in (LocalAdminCertificateHelper) only:
  'function admin() view returns (address)',
  'function appointAdmin(address admin)',
  'function setAuthorizedSolutionHash(bytes32 hash)',
] as const;

/** The reads and the aggregator switch of an EACAggregatorProxy (and of our AggregatorProxy). */
export const AGGREGATOR_PROXY_ABI = [
  'function aggregator() view returns (address)',
  'function phaseId() view returns (uint16)',
  'function phaseAggregators(uint16 phaseId) view returns (address)',
  'function proposedAggregator() view returns (address)',
  'function proposeAggregator(address aggregator)',
  'function confirmAggregator(address aggregator)',
  'function proposedGetRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  'function proposedLatestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  ...OWNED_AGGREGATOR_V2V3,
] as const;
