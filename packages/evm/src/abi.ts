import { Interface } from 'ethers';

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
  'function minAnswer() view returns (int192)',
  'function maxAnswer() view returns (int192)',
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
  'event ConfigSet(uint32 previousConfigBlockNumber, uint64 configCount, address[] signers, address[] transmitters, uint8 threshold, uint64 encodedConfigVersion, bytes encoded)',
  'event NewTransmission(uint32 indexed aggregatorRoundId, int192 answer, address transmitter, int192[] observations, bytes observers, bytes32 rawReportContext)',
  'event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt)',
  'event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)',
  'event RoundRequested(address indexed requester, bytes16 configDigest, uint32 epoch, uint8 round)',
] as const;

export const ocr1AggregatorInterface = new Interface(OCR1_AGGREGATOR_ABI);
