// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.19;

/**
 * An X.509 certificate cut into the parts an on-chain verifier re-assembles. `userData` of a TEE
 * order certificate carries the hash of the solution running in the enclave; `publicKey` is the
 * 64-byte uncompressed secp256k1 key (no 0x04 prefix), so keccak256 of it gives an address.
 */
struct ChunkedX509Cert {
  bytes[] nonSerializedParts;
  bytes expirationDate;
  bytes ca;
  bytes32 userData;
  bytes publicKey;
  bytes serialNumber;
  bytes32 mrEnclave;
  bytes32 mrSigner;
  bytes signature;
}

/**
 * Who may set a Super Protocol aggregator's oracles: the "confidential admin", an account that
 * proved with a TEE certificate chain that the authorized solution controls it.
 */
interface IAdminCertificateHelper {
  function isAdmin(address account) external view returns (bool);

  /// Signed into the next addAdmin, so a signature is good for one registration only.
  function getSignatureNonce() external view returns (uint256);

  /// The solution hash the leaf certificate's userData must carry.
  function getAuthorizedSolutionHash() external view returns (bytes32);

  /**
   * Makes msg.sender the admin. `signature` (65 bytes r, s, v) is by the leaf certificate's key,
   * over sha256(abi.encode(msg.sender, block.chainid, address(this), getSignatureNonce())).
   */
  function addAdmin(ChunkedX509Cert[] calldata certsChain, uint256 rootCertId, bytes calldata signature) external;
}
