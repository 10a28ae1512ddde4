// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.19;

import {AggregatorInterface} from "./AggregatorInterface.sol";
import {AggregatorV3Interface} from "./AggregatorV3Interface.sol";

/// Both generations of price feed reads: what a proxy forwards and what consumers of a proxy call.
interface AggregatorV2V3Interface is AggregatorInterface, AggregatorV3Interface {}
