// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title FairnessRegistry: what a Fairplay verifier needs from the operator, fixed on chain.
/// @notice Append-only records of the server's VRF keys, its receipt signer and each game's rules
/// hash, and the Merkle roots of the rooms' transcript heads (anchors). Every registered value is
/// an entry of its slot in force from its `activeFrom` until the next entry's: the first entry of a
/// slot applies at once, every later one only after `changeDelay`, so a player sees a change
/// before it binds them. Nothing is ever removed or replaced: past draws stay checkable.
contract FairnessRegistry is AccessControl {
    bytes32 public constant ANCHOR_ROLE = keccak256("ANCHOR_ROLE");

    /// One registered value of a slot. `value` holds a key id, an address or a rules hash.
    struct Entry {
        bytes32 value;
        uint64 activeFrom;
        uint64 registeredAt;
    }

    struct VrfKey {
        string suite;
        bytes publicKey;
        uint64 activeFrom;
    }

    struct Anchor {
        bytes32 root;
        uint64 timestamp;
        uint64 blockNumber;
        uint32 leafCount;
    }

    /// Seconds between registering a change and its taking effect.
    uint64 public immutable changeDelay;

    Entry[] private _vrfKeyEntries;
    Entry[] private _signerEntries;
    mapping(bytes32 gameHash => Entry[]) private _rulesEntries;
    mapping(bytes8 keyId => VrfKey) private _vrfKeys;
    Anchor[] private _anchors;

    error AlreadyRegistered();
    error EmptyValue();
    error AnchorOutOfOrder(uint64 expected, uint64 given);

    event VrfKeyRegistered(bytes8 indexed keyId, string suite, bytes publicKey, uint64 activeFrom);
    event SignerRegistered(address indexed signer, uint64 activeFrom);
    event RulesRegistered(string game, bytes32 indexed rulesHash, uint64 activeFrom);
    event Anchored(uint256 indexed index, bytes32 root, uint32 leafCount);

    constructor(address admin, uint64 changeDelay_) {
        changeDelay = changeDelay_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---- registration -------------------------------------------------------------------------

    /// Adds a VRF key. A key id is registered once ever (it names one public key for good).
    function registerVrfKey(bytes8 keyId, string calldata suite, bytes calldata publicKey) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (keyId == bytes8(0) || publicKey.length == 0 || bytes(suite).length == 0) revert EmptyValue();
        if (_vrfKeys[keyId].publicKey.length != 0) revert AlreadyRegistered();
        uint64 activeFrom = _append(_vrfKeyEntries, bytes32(keyId));
        _vrfKeys[keyId] = VrfKey(suite, publicKey, activeFrom);
        emit VrfKeyRegistered(keyId, suite, publicKey, activeFrom);
    }

    /// Names the address whose EIP-712 signatures make receipts.
    function registerSigner(address signer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (signer == address(0)) revert EmptyValue();
        emit SignerRegistered(signer, _append(_signerEntries, bytes32(uint256(uint160(signer)))));
    }

    /// Pins the hash of a game's rules document (protocol v2's `rulesHash`).
    function registerRules(string calldata game, bytes32 rulesHash) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (rulesHash == bytes32(0) || bytes(game).length == 0) revert EmptyValue();
        emit RulesRegistered(game, rulesHash, _append(_rulesEntries[keccak256(bytes(game))], rulesHash));
    }

    /// Appends `value` to `slot`: at once if it is the slot's first entry, after the delay otherwise.
    function _append(Entry[] storage slot, bytes32 value) private returns (uint64 activeFrom) {
        uint256 n = slot.length;
        if (n != 0 && slot[n - 1].value == value) revert AlreadyRegistered();
        uint64 now_ = uint64(block.timestamp);
        activeFrom = n == 0 ? now_ : now_ + changeDelay;
        slot.push(Entry(value, activeFrom, now_));
    }

    // ---- lookups ------------------------------------------------------------------------------

    function vrfKey(bytes8 keyId) external view returns (string memory suite, bytes memory publicKey, uint64 activeFrom) {
        VrfKey storage k = _vrfKeys[keyId];
        return (k.suite, k.publicKey, k.activeFrom);
    }

    function vrfKeyEntries() external view returns (bytes8[] memory ids, uint64[] memory activeFrom) {
        uint256 n = _vrfKeyEntries.length;
        ids = new bytes8[](n);
        activeFrom = new uint64[](n);
        for (uint256 i = 0; i < n; i++) (ids[i], activeFrom[i]) = (bytes8(_vrfKeyEntries[i].value), _vrfKeyEntries[i].activeFrom);
    }

    function signerEntries() external view returns (address[] memory signers, uint64[] memory activeFrom) {
        uint256 n = _signerEntries.length;
        signers = new address[](n);
        activeFrom = new uint64[](n);
        for (uint256 i = 0; i < n; i++) (signers[i], activeFrom[i]) = (address(uint160(uint256(_signerEntries[i].value))), _signerEntries[i].activeFrom);
    }

    function rulesEntries(string calldata game) external view returns (bytes32[] memory hashes, uint64[] memory activeFrom) {
        Entry[] storage slot = _rulesEntries[keccak256(bytes(game))];
        uint256 n = slot.length;
        hashes = new bytes32[](n);
        activeFrom = new uint64[](n);
        for (uint256 i = 0; i < n; i++) (hashes[i], activeFrom[i]) = (slot[i].value, slot[i].activeFrom);
    }

    /// The key id in force at `time` (seconds), zero when none was.
    function vrfKeyAt(uint64 time) external view returns (bytes8) {
        return bytes8(_valueAt(_vrfKeyEntries, time));
    }

    /// The receipt signer in force at `time` (seconds), zero when none was.
    function signerAt(uint64 time) external view returns (address) {
        return address(uint160(uint256(_valueAt(_signerEntries, time))));
    }

    /// The rules hash of `game` in force at `time` (seconds), zero when none was.
    function rulesAt(string calldata game, uint64 time) external view returns (bytes32) {
        return _valueAt(_rulesEntries[keccak256(bytes(game))], time);
    }

    /// The value of the last entry whose activeFrom is at or before `time`. Entries are in
    /// registration order and, the delay being fixed, their activeFrom never decreases: binary search.
    function _valueAt(Entry[] storage slot, uint64 time) private view returns (bytes32) {
        uint256 lo = 0;
        uint256 hi = slot.length; // answer: the number of entries with activeFrom <= time
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (slot[mid].activeFrom <= time) lo = mid + 1;
            else hi = mid;
        }
        return lo == 0 ? bytes32(0) : slot[lo - 1].value;
    }

    // ---- anchors ------------------------------------------------------------------------------

    /// Posts the Merkle root over the rooms' heads of one anchor period. `leafCount` is recorded
    /// as stated (the tree is published off chain), so the cost does not depend on it.
    function anchor(uint64 index, bytes32 root, uint32 leafCount) external onlyRole(ANCHOR_ROLE) {
        uint64 expected = uint64(_anchors.length);
        if (index != expected) revert AnchorOutOfOrder(expected, index);
        _anchors.push(Anchor(root, uint64(block.timestamp), uint64(block.number), leafCount));
        emit Anchored(index, root, leafCount);
    }

    function anchorCount() external view returns (uint64) {
        return uint64(_anchors.length);
    }

    /// Anchor `index`; all zero when there is none yet (a verifier's comparison then fails plainly).
    function anchorAt(uint64 index) external view returns (bytes32 root, uint64 timestamp, uint64 blockNumber, uint32 leafCount) {
        if (index >= _anchors.length) return (bytes32(0), 0, 0, 0);
        Anchor storage a = _anchors[index];
        return (a.root, a.timestamp, a.blockNumber, a.leafCount);
    }
}
