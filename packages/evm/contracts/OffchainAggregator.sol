// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.19;

import {OffchainAggregatorBase} from "./OffchainAggregatorBase.sol";

/**
 * The stock flavour: Chainlink's OffchainAggregator 4.0.0 as far as configuring goes. The owner sets
 * oracles and `encoded` in one setConfig; every transmitter needs a payee first (setPayees), or
 * setConfig reverts "payee must be set", as in libocr's contract.
 */
contract OffchainAggregator is OffchainAggregatorBase {
  constructor(int192 _minAnswer, int192 _maxAnswer, uint8 _decimals, string memory _description)
    OffchainAggregatorBase(_minAnswer, _maxAnswer, _decimals, _description)
  {}

  /// The stock checks come before the owner check, as in the stock contract.
  modifier validOracleSet(uint256 _numSigners, uint256 _numTransmitters, uint8 _threshold) {
    _requireValidOracleSet(_numSigners, _numTransmitters, _threshold);
    _;
  }

  /**
   * Replaces the oracle set. `encoded` is opaque here: the oracles decode it (timings, keys, the
   * encrypted shared secret). Every new config restarts epochs and rounds from zero.
   */
  function setConfig(
    address[] calldata _signers,
    address[] calldata _transmitters,
    uint8 _threshold,
    uint64 _encodedConfigVersion,
    bytes calldata _encoded
  ) external validOracleSet(_signers.length, _transmitters.length, _threshold) onlyOwner {
    _replaceOracles(_signers, _transmitters, _threshold);
    _publishConfig(_encodedConfigVersion, _encoded);
  }

  function _onTransmitterWithoutPayee(address) internal pure override {
    revert("payee must be set");
  }
}
