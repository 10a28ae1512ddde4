// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.19;

/// Solidity's own abi.encode of libocr's setConfig tuple: an independent check of our encoder.
contract ConfigEncoder {
  struct SharedSecretEncryptions {
    bytes32 diffieHellmanPoint;
    bytes32 sharedSecretHash;
    bytes16[] encryptions;
  }

  struct SetConfigEncodedComponents {
    int64 deltaProgress;
    int64 deltaResend;
    int64 deltaRound;
    int64 deltaGrace;
    int64 deltaC;
    uint64 alpha;
    int64 deltaStage;
    uint8 rMax;
    uint8[] s;
    bytes32[] offchainPublicKeys;
    string peerIDs;
    SharedSecretEncryptions sharedSecretEncryptions;
  }

  function encode(SetConfigEncodedComponents calldata config) external pure returns (bytes memory) {
    return abi.encode(config);
  }
}
