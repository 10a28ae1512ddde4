// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.19;

import {OffchainAggregatorBase} from "./OffchainAggregatorBase.sol";
import {IAdminCertificateHelper} from "./interfaces/IAdminCertificateHelper.sol";

/**
 * The Super Protocol flavour: configuring is split between two parties, and `encoded` is built
 * here rather than passed in.
 *
 * - The owner sets the consensus timings per feed (setConsensusConfig). Once oracles are set, that
 *   publishes a new config at once.
 * - Only the confidential admin (adminCertificateHelper().isAdmin) sets the oracles, their keys and
 *   the encrypted shared secret (setConfig(ConsensusDonConfig)). A transmitter with no payee gets
 *   the owner as payee.
 *
 * `encoded` in ConfigSet is abi.encode of the OCR1 offchain-config tuple (timings, schedule, keys,
 * peer ids, shared secret) assembled from both, so nodes decode it and compute the digest exactly
 * as for the stock contract. A config published before setConsensusConfig carries version 0 and
 * zero timings, which nodes ignore.
 */
contract SuperProtocolOffchainAggregator is OffchainAggregatorBase {
  struct SharedSecretEncryptions {
    bytes32 diffieHellmanPoint;
    bytes32 sharedSecretHash;
    bytes16[] encryptions;
  }

  /// What the confidential admin sets: the oracle set and everything per oracle in `encoded`.
  struct ConsensusDonConfig {
    address[] signers;
    address[] transmitters;
    uint8 threshold;
    uint8[] s;
    bytes32[] offchainPublicKeys;
    string peerIDs;
    SharedSecretEncryptions sharedSecretEncryptions;
  }

  /// What the owner sets. Durations in nanoseconds.
  struct ConsensusTimings {
    int64 deltaProgress;
    int64 deltaResend;
    int64 deltaRound;
    int64 deltaGrace;
    int64 deltaC;
    uint64 alphaPPB;
    int64 deltaStage;
    uint8 rMax;
  }

  /// The OCR1 offchain-config tuple, field for field in the order nodes decode it.
  struct EncodedConfig {
    int64 deltaProgress;
    int64 deltaResend;
    int64 deltaRound;
    int64 deltaGrace;
    int64 deltaC;
    uint64 alphaPPB;
    int64 deltaStage;
    uint8 rMax;
    uint8[] s;
    bytes32[] offchainPublicKeys;
    string peerIDs;
    SharedSecretEncryptions sharedSecretEncryptions;
  }

  IAdminCertificateHelper private s_adminCertificateHelper;
  ConsensusTimings private s_timings;
  uint64 private s_encodedConfigVersion;
  uint8[] private s_schedule;
  bytes32[] private s_offchainPublicKeys;
  string private s_peerIDs;
  SharedSecretEncryptions private s_sharedSecret;

  event AdminCertificateHelperSet(IAdminCertificateHelper previous, IAdminCertificateHelper current);

  constructor(
    int192 _minAnswer,
    int192 _maxAnswer,
    uint8 _decimals,
    string memory _description,
    IAdminCertificateHelper _adminCertificateHelper
  ) OffchainAggregatorBase(_minAnswer, _maxAnswer, _decimals, _description) {
    _setAdminCertificateHelper(_adminCertificateHelper);
  }

  function adminCertificateHelper() external view returns (IAdminCertificateHelper) {
    return s_adminCertificateHelper;
  }

  function setAdminCertificateHelper(IAdminCertificateHelper _helper) external onlyOwner {
    _setAdminCertificateHelper(_helper);
  }

  function _setAdminCertificateHelper(IAdminCertificateHelper _helper) private {
    require(address(_helper) != address(0), "adminCertificateHelper cannot be zero address");
    emit AdminCertificateHelperSet(s_adminCertificateHelper, _helper);
    s_adminCertificateHelper = _helper;
  }

  /// The owner's part. Republishes the config at once when oracles are already set.
  function setConsensusConfig(
    int64 _deltaProgress,
    int64 _deltaResend,
    int64 _deltaRound,
    int64 _deltaGrace,
    int64 _deltaC,
    uint64 _alphaPPB,
    int64 _deltaStage,
    uint8 _rMax,
    uint64 _encodedConfigVersion
  ) external onlyOwner {
    s_timings = ConsensusTimings(
      _deltaProgress, _deltaResend, _deltaRound, _deltaGrace, _deltaC, _alphaPPB, _deltaStage, _rMax
    );
    s_encodedConfigVersion = _encodedConfigVersion;
    if (s_transmitters.length != 0) _publishConfig(s_encodedConfigVersion, _encoded());
  }

  /// The confidential admin's part: the oracles. The stock validity checks come first.
  function setConfig(ConsensusDonConfig calldata _don) external {
    _requireValidOracleSet(_don.signers.length, _don.transmitters.length, _don.threshold);
    require(s_adminCertificateHelper.isAdmin(msg.sender), "Only confidential admin");
    _replaceOracles(_don.signers, _don.transmitters, _don.threshold);
    s_schedule = _don.s;
    s_offchainPublicKeys = _don.offchainPublicKeys;
    s_peerIDs = _don.peerIDs;
    s_sharedSecret.diffieHellmanPoint = _don.sharedSecretEncryptions.diffieHellmanPoint;
    s_sharedSecret.sharedSecretHash = _don.sharedSecretEncryptions.sharedSecretHash;
    s_sharedSecret.encryptions = _don.sharedSecretEncryptions.encryptions;
    _publishConfig(s_encodedConfigVersion, _encoded());
  }

  function _onTransmitterWithoutPayee(address _transmitter) internal override {
    s_payees[_transmitter] = owner;
    emit PayeeshipTransferred(_transmitter, address(0), owner);
  }

  function _encoded() private view returns (bytes memory) {
    ConsensusTimings memory t = s_timings;
    return abi.encode(
      EncodedConfig(
        t.deltaProgress,
        t.deltaResend,
        t.deltaRound,
        t.deltaGrace,
        t.deltaC,
        t.alphaPPB,
        t.deltaStage,
        t.rMax,
        s_schedule,
        s_offchainPublicKeys,
        s_peerIDs,
        s_sharedSecret
      )
    );
  }
}
