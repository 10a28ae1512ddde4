// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.19;

import {Owned} from "./Owned.sol";
import {AggregatorV2V3Interface} from "./interfaces/AggregatorV2V3Interface.sol";

/**
 * What both flavours of our OCR1 price feed share: n oracles agree off-chain on a report of sorted
 * observations, f+1 of them sign it, and one transmits it here; the median becomes the new answer.
 * The flavours differ only in how the oracle set and `encoded` are set (OffchainAggregator: the
 * stock owner-only setConfig; SuperProtocolOffchainAggregator: timings by the owner, oracles by the
 * confidential admin), so each supplies its setConfig and what happens to a transmitter without a
 * payee.
 *
 * Everything an oracle node reads or sends behaves as in Chainlink's OffchainAggregator 4.0.0
 * (libocr contract/OffchainAggregator.sol): the config digest, ConfigSet, transmit with the same
 * checks in the same order and the same revert strings, latestTransmissionDetails, the events, and
 * the v2/v3 reads. Payees are recorded as in the stock contract (setPayees), but nothing is ever
 * paid: LINK billing, the answer validator and read access control are left out on purpose.
 */
abstract contract OffchainAggregatorBase is Owned, AggregatorV2V3Interface {
  uint256 internal constant MAX_NUM_ORACLES = 31;

  /// selector + 3 offsets + rawVs + 3 lengths: the fixed part of canonical transmit calldata.
  uint256 private constant TRANSMIT_MSGDATA_CONSTANT_LENGTH_COMPONENT = 4 + 32 * 7;

  string private constant V3_NO_DATA_ERROR = "No data present";

  /// State read and written by every transmit, packed in one storage slot.
  struct HotVars {
    bytes16 latestConfigDigest;
    /// epoch << 8 | round of the latest accepted report; reset to 0 by every new config.
    uint40 latestEpochAndRound;
    /// f: the number of faulty oracles tolerated.
    uint8 threshold;
    uint32 latestAggregatorRoundId;
  }

  struct Transmission {
    int192 answer;
    uint64 timestamp;
  }

  enum Role {
    Unset,
    Signer,
    Transmitter
  }

  struct Oracle {
    uint8 index;
    Role role;
  }

  HotVars internal s_hotVars;
  mapping(uint32 => Transmission) internal s_transmissions;
  mapping(address => Oracle) internal s_oracles;
  address[] internal s_signers;
  address[] internal s_transmitters;
  /// transmitter => the account its (never paid) rewards would go to.
  mapping(address => address) internal s_payees;
  uint32 internal s_configCount;
  uint32 internal s_latestConfigBlockNumber;

  int192 public immutable minAnswer;
  int192 public immutable maxAnswer;
  uint8 public immutable override decimals;
  uint256 public constant override version = 4;
  string private s_description;

  event ConfigSet(
    uint32 previousConfigBlockNumber,
    uint64 configCount,
    address[] signers,
    address[] transmitters,
    uint8 threshold,
    uint64 encodedConfigVersion,
    bytes encoded
  );

  event NewTransmission(
    uint32 indexed aggregatorRoundId,
    int192 answer,
    address transmitter,
    int192[] observations,
    bytes observers,
    bytes32 rawReportContext
  );

  event RoundRequested(address indexed requester, bytes16 configDigest, uint32 epoch, uint8 round);

  event PayeeshipTransferred(address indexed transmitter, address indexed previous, address indexed current);

  constructor(int192 _minAnswer, int192 _maxAnswer, uint8 _decimals, string memory _description) {
    minAnswer = _minAnswer;
    maxAnswer = _maxAnswer;
    decimals = _decimals;
    s_description = _description;
  }

  /// The stock contract's answer; both flavours give it, so it cannot tell them apart.
  function typeAndVersion() external pure virtual returns (string memory) {
    return "OffchainAggregator 4.0.0";
  }

  // ---------------------------------------------------------------- configuration

  /**
   * Records who would be paid for each transmitter, as the stock contract does before setConfig.
   * A payee can be set once: setting the same one again is a no-op, another one reverts.
   */
  function setPayees(address[] calldata _transmitters, address[] calldata _payees) external onlyOwner {
    require(_transmitters.length == _payees.length, "transmitters.size != payees.size");
    for (uint256 i = 0; i < _transmitters.length; i++) {
      address current = s_payees[_transmitters[i]];
      require(current == address(0) || current == _payees[i], "payee already set");
      if (current != _payees[i]) {
        s_payees[_transmitters[i]] = _payees[i];
        emit PayeeshipTransferred(_transmitters[i], current, _payees[i]);
      }
    }
  }

  /// The stock validity checks of a new oracle set, with the stock messages.
  function _requireValidOracleSet(uint256 _numSigners, uint256 _numTransmitters, uint8 _threshold) internal pure {
    require(_numSigners <= MAX_NUM_ORACLES, "too many signers");
    require(_threshold > 0, "threshold must be positive");
    require(_numSigners == _numTransmitters, "oracle addresses out of registration");
    require(_numSigners > 3 * uint256(_threshold), "faulty-oracle threshold too high");
  }

  /// Called for each new transmitter while the oracle set is replaced: require or assign its payee.
  function _onTransmitterWithoutPayee(address _transmitter) internal virtual;

  /// Replaces the oracle set (signers and transmitters by OracleID) and f. Checks come first.
  function _replaceOracles(address[] calldata _signers, address[] calldata _transmitters, uint8 _threshold)
    internal
  {
    while (s_signers.length != 0) {
      delete s_oracles[s_signers[s_signers.length - 1]];
      delete s_oracles[s_transmitters[s_transmitters.length - 1]];
      s_signers.pop();
      s_transmitters.pop();
    }
    for (uint256 i = 0; i < _signers.length; i++) {
      require(s_oracles[_signers[i]].role == Role.Unset, "repeated signer address");
      s_oracles[_signers[i]] = Oracle(uint8(i), Role.Signer);
      if (s_payees[_transmitters[i]] == address(0)) _onTransmitterWithoutPayee(_transmitters[i]);
      require(s_oracles[_transmitters[i]].role == Role.Unset, "repeated transmitter address");
      s_oracles[_transmitters[i]] = Oracle(uint8(i), Role.Transmitter);
      s_signers.push(_signers[i]);
      s_transmitters.push(_transmitters[i]);
    }
    s_hotVars.threshold = _threshold;
  }

  /**
   * Starts a new config over the current oracle set: the next config count, its block, the digest,
   * epoch and round back to zero, and ConfigSet.
   */
  function _publishConfig(uint64 _encodedConfigVersion, bytes memory _encoded) internal {
    address[] memory signers = s_signers;
    address[] memory transmitters_ = s_transmitters;
    uint8 threshold = s_hotVars.threshold;
    uint32 previousConfigBlockNumber = s_latestConfigBlockNumber;
    s_latestConfigBlockNumber = uint32(block.number);
    s_configCount += 1;
    uint64 configCount = s_configCount;
    s_hotVars.latestConfigDigest = bytes16(
      keccak256(
        abi.encode(address(this), configCount, signers, transmitters_, threshold, _encodedConfigVersion, _encoded)
      )
    );
    s_hotVars.latestEpochAndRound = 0;
    emit ConfigSet(
      previousConfigBlockNumber, configCount, signers, transmitters_, threshold, _encodedConfigVersion, _encoded
    );
  }

  function latestConfigDetails() external view returns (uint32 configCount, uint32 blockNumber, bytes16 configDigest) {
    return (s_configCount, s_latestConfigBlockNumber, s_hotVars.latestConfigDigest);
  }

  function transmitters() external view returns (address[] memory) {
    return s_transmitters;
  }

  // ---------------------------------------------------------------- transmission

  /**
   * Accepts a report: abi.encode(bytes32 rawReportContext, bytes32 rawObservers, int192[] observations),
   * with signatures (rs[i], ss[i], byte i of rawVs) over keccak256(report) from more than f oracles.
   */
  function transmit(bytes calldata _report, bytes32[] calldata _rs, bytes32[] calldata _ss, bytes32 _rawVs) external {
    // Canonical encoding only: no padding the calldata.
    require(
      msg.data.length == TRANSMIT_MSGDATA_CONSTANT_LENGTH_COMPONENT + _report.length + _rs.length * 32 + _ss.length * 32,
      "transmit message too long"
    );

    HotVars memory hotVars = s_hotVars;
    (bytes32 rawReportContext, bytes32 rawObservers, int192[] memory observations) =
      abi.decode(_report, (bytes32, bytes32, int192[]));

    // rawReportContext: 11 zero bytes | configDigest (16) | epoch (4) | round (1)
    require(hotVars.latestConfigDigest == bytes16(rawReportContext << 88), "configDigest mismatch");
    uint40 epochAndRound = uint40(uint256(rawReportContext));
    require(hotVars.latestEpochAndRound < epochAndRound, "stale report");

    require(_rs.length > hotVars.threshold, "not enough signatures");
    require(_rs.length <= MAX_NUM_ORACLES, "too many signatures");
    require(_ss.length == _rs.length, "signatures out of registration");
    require(observations.length <= MAX_NUM_ORACLES, "num observations out of bounds");
    require(observations.length > 2 * uint256(hotVars.threshold), "too few values to trust median");

    bytes memory observers = _distinctObservers(rawObservers, observations.length);
    _requireAuthorizedTransmitter();
    _requireSignedByDistinctOracles(keccak256(_report), _rs, _ss, _rawVs);

    for (uint256 i = 0; i + 1 < observations.length; i++) {
      require(observations[i] <= observations[i + 1], "observations not sorted");
    }
    int192 median = observations[observations.length / 2];
    require(minAnswer <= median && median <= maxAnswer, "median is out of min-max range");

    hotVars.latestEpochAndRound = epochAndRound;
    hotVars.latestAggregatorRoundId++;
    s_hotVars = hotVars;
    s_transmissions[hotVars.latestAggregatorRoundId] = Transmission(median, uint64(block.timestamp));

    emit NewTransmission(hotVars.latestAggregatorRoundId, median, msg.sender, observations, observers, rawReportContext);
    emit NewRound(hotVars.latestAggregatorRoundId, address(0), block.timestamp);
    emit AnswerUpdated(median, hotVars.latestAggregatorRoundId, block.timestamp);
  }

  /// The first `count` bytes of rawObservers, each an OracleID seen at most once.
  function _distinctObservers(bytes32 rawObservers, uint256 count) private pure returns (bytes memory observers) {
    observers = new bytes(count);
    bool[MAX_NUM_ORACLES] memory seen;
    for (uint256 i = 0; i < count; i++) {
      uint8 observerIndex = uint8(rawObservers[i]);
      require(!seen[observerIndex], "observer index repeated");
      seen[observerIndex] = true;
      observers[i] = rawObservers[i];
    }
  }

  function _requireAuthorizedTransmitter() private view {
    Oracle memory transmitter = s_oracles[msg.sender];
    require(
      transmitter.role == Role.Transmitter && msg.sender == s_transmitters[transmitter.index],
      "unauthorized transmitter"
    );
  }

  function _requireSignedByDistinctOracles(
    bytes32 reportHash,
    bytes32[] calldata _rs,
    bytes32[] calldata _ss,
    bytes32 _rawVs
  ) private view {
    bool[MAX_NUM_ORACLES] memory signed;
    for (uint256 i = 0; i < _rs.length; i++) {
      uint8 v;
      unchecked {
        v = uint8(_rawVs[i]) + 27;
      }
      Oracle memory o = s_oracles[ecrecover(reportHash, v, _rs[i], _ss[i])];
      require(o.role == Role.Signer, "address not authorized to sign");
      require(!signed[o.index], "non-unique signature");
      signed[o.index] = true;
    }
  }

  /// What oracle nodes read before reporting and transmitting. EOA callers only, as in the stock contract.
  function latestTransmissionDetails()
    external
    view
    returns (bytes16 configDigest, uint32 epoch, uint8 round, int192 latestAnswer_, uint64 latestTimestamp_)
  {
    require(msg.sender == tx.origin, "Only callable by EOA");
    HotVars memory hotVars = s_hotVars;
    Transmission memory latest = s_transmissions[hotVars.latestAggregatorRoundId];
    return (
      hotVars.latestConfigDigest,
      uint32(hotVars.latestEpochAndRound >> 8),
      uint8(hotVars.latestEpochAndRound),
      latest.answer,
      latest.timestamp
    );
  }

  /**
   * Asks the oracles for a fresh report regardless of deviation and heartbeat: they report in a
   * round after the (epoch, round) named here, under the digest named here.
   */
  function requestNewRound() external returns (uint80) {
    require(msg.sender == owner, "Only owner&requester can call");
    HotVars memory hotVars = s_hotVars;
    emit RoundRequested(
      msg.sender,
      hotVars.latestConfigDigest,
      uint32(hotVars.latestEpochAndRound >> 8),
      uint8(hotVars.latestEpochAndRound)
    );
    return hotVars.latestAggregatorRoundId + 1;
  }

  // ---------------------------------------------------------------- feed reads (v2)

  function latestAnswer() public view override returns (int256) {
    return s_transmissions[s_hotVars.latestAggregatorRoundId].answer;
  }

  function latestTimestamp() public view override returns (uint256) {
    return s_transmissions[s_hotVars.latestAggregatorRoundId].timestamp;
  }

  function latestRound() public view override returns (uint256) {
    return s_hotVars.latestAggregatorRoundId;
  }

  function getAnswer(uint256 _roundId) public view override returns (int256) {
    if (_roundId > type(uint32).max) return 0;
    return s_transmissions[uint32(_roundId)].answer;
  }

  function getTimestamp(uint256 _roundId) public view override returns (uint256) {
    if (_roundId > type(uint32).max) return 0;
    return s_transmissions[uint32(_roundId)].timestamp;
  }

  // ---------------------------------------------------------------- feed reads (v3)

  function description() public view override returns (string memory) {
    return s_description;
  }

  /// startedAt = updatedAt = the block time of the transmit; unknown rounds read as zeros.
  function getRoundData(uint80 _roundId)
    public
    view
    override
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    require(_roundId <= type(uint32).max, V3_NO_DATA_ERROR);
    Transmission memory transmission = s_transmissions[uint32(_roundId)];
    return (_roundId, transmission.answer, transmission.timestamp, transmission.timestamp, _roundId);
  }

  /// Never reverts: zeros before the first report.
  function latestRoundData()
    public
    view
    override
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    roundId = s_hotVars.latestAggregatorRoundId;
    Transmission memory transmission = s_transmissions[uint32(roundId)];
    return (roundId, transmission.answer, transmission.timestamp, transmission.timestamp, roundId);
  }
}
