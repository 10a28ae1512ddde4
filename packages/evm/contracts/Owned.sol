// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.19;

/// Two-step ownership: the owner proposes, the new owner accepts.
abstract contract Owned {
  address public owner;
  address private s_pendingOwner;

  event OwnershipTransferRequested(address indexed from, address indexed to);
  event OwnershipTransferred(address indexed from, address indexed to);

  constructor() {
    owner = msg.sender;
    emit OwnershipTransferred(address(0), msg.sender);
  }

  modifier onlyOwner() {
    require(msg.sender == owner, "Only callable by owner");
    _;
  }

  function transferOwnership(address to) external onlyOwner {
    require(to != msg.sender, "Cannot transfer to self");
    s_pendingOwner = to;
    emit OwnershipTransferRequested(owner, to);
  }

  function acceptOwnership() external {
    require(msg.sender == s_pendingOwner, "Must be proposed owner");
    address previous = owner;
    owner = msg.sender;
    s_pendingOwner = address(0);
    emit OwnershipTransferred(previous, msg.sender);
  }
}
