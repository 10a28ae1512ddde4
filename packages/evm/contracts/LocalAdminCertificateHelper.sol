// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.19;

import {Owned} from "./Owned.sol";
import {ChunkedX509Cert, IAdminCertificateHelper} from "./interfaces/IAdminCertificateHelper.sol";

/**
 * A stand-in for Super Protocol's AdminCertificateHelper, for local chains and tests: the same
 * interface and the same registration message, so the admin-gated path of the Super Protocol
 * aggregator is exercised as in production.
 *
 * Unlike the real helper it does not verify the certificate chain (no root certificates, no
 * blacklists): it trusts the chain it is given. It does check what binds the chain to the new admin:
 * the leaf's userData is the authorized solution hash, and the signature over
 * sha256(abi.encode(newAdmin, block.chainid, address(this), nonce)) recovers to the address of the
 * leaf's public key. For local runs the owner may also appoint the admin directly (appointAdmin).
 */
contract LocalAdminCertificateHelper is Owned, IAdminCertificateHelper {
  /// secp256k1n / 2: signatures with a larger s are the malleable twin of another one.
  uint256 private constant HALF_CURVE_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

  address private s_admin;
  uint256 private s_signatureNonce;
  bytes32 private s_authorizedSolutionHash;

  event SetAdmin(address indexed oldAdmin, address indexed newAdmin, uint256 rootCertId);
  event SetAuthorizedSolutionHash(bytes32 indexed oldAuthorizedSolutionHash, bytes32 indexed newAuthorizedSolutionHash);

  constructor(bytes32 _authorizedSolutionHash) {
    _setAuthorizedSolutionHash(_authorizedSolutionHash);
  }

  function isAdmin(address _account) external view override returns (bool) {
    return _account != address(0) && _account == s_admin;
  }

  function admin() external view returns (address) {
    return s_admin;
  }

  function getSignatureNonce() external view override returns (uint256) {
    return s_signatureNonce;
  }

  function getAuthorizedSolutionHash() external view override returns (bytes32) {
    return s_authorizedSolutionHash;
  }

  function setAuthorizedSolutionHash(bytes32 _authorizedSolutionHash) external onlyOwner {
    _setAuthorizedSolutionHash(_authorizedSolutionHash);
  }

  /// Local runs only: the owner names the admin without a certificate.
  function appointAdmin(address _admin) external onlyOwner {
    _setAdmin(_admin, 0);
  }

  function addAdmin(ChunkedX509Cert[] calldata _certsChain, uint256 _rootCertId, bytes calldata _signature)
    external
    override
  {
    require(_certsChain.length != 0, "Empty certificate chain");
    ChunkedX509Cert calldata leaf = _certsChain[0];
    require(leaf.userData == s_authorizedSolutionHash, "Only authorized solution");
    bytes32 dataHash = sha256(abi.encode(msg.sender, block.chainid, address(this), s_signatureNonce));
    address leafKey = address(uint160(uint256(keccak256(leaf.publicKey))));
    require(_recover(dataHash, _signature) == leafKey, "Invalid data signature");
    s_signatureNonce++;
    _setAdmin(msg.sender, _rootCertId);
  }

  /// ecrecover of a 65-byte r ‖ s ‖ v signature (v 27 or 28, low s); address(0) for anything else.
  function _recover(bytes32 _hash, bytes calldata _signature) private pure returns (address) {
    if (_signature.length != 65) return address(0);
    bytes32 r = bytes32(_signature[0:32]);
    bytes32 s = bytes32(_signature[32:64]);
    uint8 v = uint8(_signature[64]);
    if (uint256(s) > HALF_CURVE_ORDER || (v != 27 && v != 28)) return address(0);
    return ecrecover(_hash, v, r, s);
  }

  function _setAdmin(address _admin, uint256 _rootCertId) private {
    emit SetAdmin(s_admin, _admin, _rootCertId);
    s_admin = _admin;
  }

  function _setAuthorizedSolutionHash(bytes32 _authorizedSolutionHash) private {
    require(_authorizedSolutionHash != 0, "AuthorizedSolutionHash cannot be zero");
    emit SetAuthorizedSolutionHash(s_authorizedSolutionHash, _authorizedSolutionHash);
    s_authorizedSolutionHash = _authorizedSolutionHash;
  }
}
