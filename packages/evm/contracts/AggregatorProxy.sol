// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.19;

import {Owned} from "./Owned.sol";
import {AggregatorV2V3Interface} from "./interfaces/AggregatorV2V3Interface.sol";

/**
 * The stable address consumers read a feed at, compatible with Chainlink's EACAggregatorProxy
 * reads: it forwards to the current aggregator, and the owner can switch aggregators in two steps
 * (proposeAggregator, then confirmAggregator) without consumers changing anything.
 *
 * Each aggregator it ever pointed at is a phase (1, 2, …). Round ids seen through the proxy carry
 * the phase: phaseId << 64 | aggregatorRoundId, so they keep increasing across a switch, and
 * getRoundData of an old round still reads the aggregator of its phase. Reads are open to every
 * caller (no access controller).
 */
contract AggregatorProxy is Owned, AggregatorV2V3Interface {
  uint256 private constant PHASE_OFFSET = 64;
  uint256 private constant PHASE_SIZE = 16;
  uint256 private constant MAX_ID = 2 ** (PHASE_OFFSET + PHASE_SIZE) - 1;

  struct Phase {
    uint16 id;
    AggregatorV2V3Interface aggregator;
  }

  Phase private s_currentPhase;
  AggregatorV2V3Interface private s_proposedAggregator;
  mapping(uint16 => AggregatorV2V3Interface) private s_phaseAggregators;

  event AggregatorProposed(address indexed current, address indexed proposed);
  event AggregatorConfirmed(address indexed previous, address indexed latest);

  constructor(address _aggregator) {
    _setAggregator(_aggregator);
  }

  modifier hasProposal() {
    require(address(s_proposedAggregator) != address(0), "No proposed aggregator present");
    _;
  }

  // ---------------------------------------------------------------- switching aggregators

  function aggregator() external view returns (address) {
    return address(s_currentPhase.aggregator);
  }

  function phaseId() external view returns (uint16) {
    return s_currentPhase.id;
  }

  function phaseAggregators(uint16 _phaseId) external view returns (address) {
    return address(s_phaseAggregators[_phaseId]);
  }

  function proposedAggregator() external view returns (address) {
    return address(s_proposedAggregator);
  }

  /// Step one: readers can try the new aggregator through proposedLatestRoundData meanwhile.
  function proposeAggregator(address _aggregator) external onlyOwner {
    s_proposedAggregator = AggregatorV2V3Interface(_aggregator);
    emit AggregatorProposed(address(s_currentPhase.aggregator), _aggregator);
  }

  /// Step two: the proposed aggregator becomes the next phase.
  function confirmAggregator(address _aggregator) external onlyOwner {
    require(_aggregator == address(s_proposedAggregator), "Invalid proposed aggregator");
    delete s_proposedAggregator;
    address previous = address(s_currentPhase.aggregator);
    _setAggregator(_aggregator);
    emit AggregatorConfirmed(previous, _aggregator);
  }

  function proposedGetRoundData(uint80 _roundId)
    external
    view
    hasProposal
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    return s_proposedAggregator.getRoundData(_roundId);
  }

  function proposedLatestRoundData()
    external
    view
    hasProposal
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    return s_proposedAggregator.latestRoundData();
  }

  // ---------------------------------------------------------------- feed reads (v3)

  function decimals() external view override returns (uint8) {
    return s_currentPhase.aggregator.decimals();
  }

  function description() external view override returns (string memory) {
    return s_currentPhase.aggregator.description();
  }

  function version() external view override returns (uint256) {
    return s_currentPhase.aggregator.version();
  }

  /// A round of any phase, by its proxy round id.
  function getRoundData(uint80 _roundId)
    external
    view
    override
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    (uint16 phase, uint64 aggregatorRoundId) = _parseIds(_roundId);
    AggregatorV2V3Interface phaseAggregator = s_phaseAggregators[phase];
    require(address(phaseAggregator) != address(0), "No data present");
    (roundId, answer, startedAt, updatedAt, answeredInRound) = phaseAggregator.getRoundData(aggregatorRoundId);
    return (_addPhase(phase, roundId), answer, startedAt, updatedAt, _addPhase(phase, answeredInRound));
  }

  function latestRoundData()
    external
    view
    override
    returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
  {
    Phase memory current = s_currentPhase;
    (roundId, answer, startedAt, updatedAt, answeredInRound) = current.aggregator.latestRoundData();
    return (_addPhase(current.id, roundId), answer, startedAt, updatedAt, _addPhase(current.id, answeredInRound));
  }

  // ---------------------------------------------------------------- feed reads (v2)

  function latestAnswer() external view override returns (int256) {
    return s_currentPhase.aggregator.latestAnswer();
  }

  function latestTimestamp() external view override returns (uint256) {
    return s_currentPhase.aggregator.latestTimestamp();
  }

  function latestRound() external view override returns (uint256) {
    Phase memory current = s_currentPhase;
    return _addPhase(current.id, current.aggregator.latestRound());
  }

  /// 0 for a round id beyond the phase bits or of a phase that never was.
  function getAnswer(uint256 _roundId) external view override returns (int256) {
    if (_roundId > MAX_ID) return 0;
    (uint16 phase, uint64 aggregatorRoundId) = _parseIds(_roundId);
    AggregatorV2V3Interface phaseAggregator = s_phaseAggregators[phase];
    if (address(phaseAggregator) == address(0)) return 0;
    return phaseAggregator.getAnswer(aggregatorRoundId);
  }

  function getTimestamp(uint256 _roundId) external view override returns (uint256) {
    if (_roundId > MAX_ID) return 0;
    (uint16 phase, uint64 aggregatorRoundId) = _parseIds(_roundId);
    AggregatorV2V3Interface phaseAggregator = s_phaseAggregators[phase];
    if (address(phaseAggregator) == address(0)) return 0;
    return phaseAggregator.getTimestamp(aggregatorRoundId);
  }

  // ---------------------------------------------------------------- round ids

  function _setAggregator(address _aggregator) private {
    uint16 id = s_currentPhase.id + 1;
    s_currentPhase = Phase(id, AggregatorV2V3Interface(_aggregator));
    s_phaseAggregators[id] = AggregatorV2V3Interface(_aggregator);
  }

  function _addPhase(uint16 _phase, uint256 _aggregatorRoundId) private pure returns (uint80) {
    return uint80((uint256(_phase) << PHASE_OFFSET) | uint64(_aggregatorRoundId));
  }

  function _parseIds(uint256 _roundId) private pure returns (uint16 phase, uint64 aggregatorRoundId) {
    phase = uint16(_roundId >> PHASE_OFFSET);
    aggregatorRoundId = uint64(_roundId);
  }
}
