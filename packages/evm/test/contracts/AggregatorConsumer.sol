// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.19;

import {AggregatorV3Interface} from "../../contracts/interfaces/AggregatorV3Interface.sol";

/// A DeFi-style consumer: reads the feed only through AggregatorV3Interface.
contract AggregatorConsumer {
  AggregatorV3Interface public immutable feed;

  constructor(AggregatorV3Interface _feed) {
    feed = _feed;
  }

  function latestPrice() external view returns (int256 answer, uint256 updatedAt, uint8 decimals) {
    (, answer,, updatedAt,) = feed.latestRoundData();
    decimals = feed.decimals();
  }

  /// latestTransmissionDetails is for EOAs (oracle nodes) only; a contract calling it must fail.
  function transmissionDetailsFromContract() external view returns (bytes16 digest) {
    (bool ok, bytes memory result) = address(feed).staticcall(abi.encodeWithSignature("latestTransmissionDetails()"));
    if (!ok) {
      assembly {
        revert(add(result, 32), mload(result))
      }
    }
    (digest,,,,) = abi.decode(result, (bytes16, uint32, uint8, int192, uint64));
  }
}
