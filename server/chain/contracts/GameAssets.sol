// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Supply} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Supply.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title GameAssets: what Fairplay players win, as ERC-1155 tokens.
/// @notice Minting is idempotent by award id (a retried transaction can never mint twice), capped
/// per epoch per token and per player, and the contract keeps the registry of the server's VRF
/// keys, so that anyone can check which key produced the outcomes behind the awards.
/// A player deposits tokens of a depositable id (the coin) back into the game by burning them;
/// the server credits each `Deposited` event once. The supply per id is public (ERC1155Supply),
/// so anyone can reconcile coins in circulation with withdrawals and deposits.
contract GameAssets is ERC1155Supply, AccessControl {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    struct TokenConfig {
        bool exists;
        uint256 epochCap; // per epoch, all players together
        uint256 playerEpochCap; // per epoch, per player
    }

    struct VrfKey {
        string suite;
        bytes publicKey;
        uint64 activatedAt;
    }

    /// Length of an emission epoch in seconds (e.g. one day).
    uint64 public immutable epochLength;

    mapping(bytes32 awardId => bool) public awarded;
    mapping(uint256 id => TokenConfig) public tokens;
    mapping(uint256 epoch => mapping(uint256 id => uint256)) public mintedInEpoch;
    mapping(uint256 epoch => mapping(address player => mapping(uint256 id => uint256))) public playerMintedInEpoch;
    mapping(bytes8 keyId => VrfKey) private _vrfKeys;
    bytes8[] public vrfKeyIds;
    /// Token ids a player may deposit (burn into the game's chips).
    mapping(uint256 id => bool) public depositable;

    error AwardAlreadyMinted(bytes32 awardId);
    error LengthMismatch();
    error UnknownToken(uint256 id);
    error EpochCapExceeded(uint256 id, uint256 epoch);
    error PlayerEpochCapExceeded(address player, uint256 id, uint256 epoch);
    error VrfKeyExists(bytes8 keyId);
    error ZeroEpochLength();
    error NotDepositable(uint256 id);
    error ZeroDeposit();

    event AwardMinted(bytes32 indexed awardId, address indexed to, uint256 indexed id, uint256 amount, uint256 epoch);
    event TokenConfigured(uint256 indexed id, uint256 epochCap, uint256 playerEpochCap);
    event VrfKeyRegistered(bytes8 indexed keyId, string suite, bytes publicKey, uint64 activatedAt);
    event DepositableSet(uint256 indexed id, bool depositable);
    event Deposited(address indexed player, uint256 indexed id, uint256 amount);

    constructor(string memory uri_, address admin, uint64 epochLength_) ERC1155(uri_) {
        if (epochLength_ == 0) revert ZeroEpochLength();
        epochLength = epochLength_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    function currentEpoch() public view returns (uint256) {
        return block.timestamp / epochLength;
    }

    /// Declares a token id and its caps; only declared ids can be minted.
    function configureToken(uint256 id, uint256 epochCap, uint256 playerEpochCap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        tokens[id] = TokenConfig(true, epochCap, playerEpochCap);
        emit TokenConfigured(id, epochCap, playerEpochCap);
    }

    /// Adds a VRF key to the registry. Keys are never removed or replaced: past outcomes stay checkable.
    function registerVrfKey(bytes8 keyId, string calldata suite, bytes calldata publicKey, uint64 activatedAt)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (_vrfKeys[keyId].activatedAt != 0 || _vrfKeys[keyId].publicKey.length != 0) revert VrfKeyExists(keyId);
        _vrfKeys[keyId] = VrfKey(suite, publicKey, activatedAt);
        vrfKeyIds.push(keyId);
        emit VrfKeyRegistered(keyId, suite, publicKey, activatedAt);
    }

    function vrfKey(bytes8 keyId) external view returns (VrfKey memory) {
        return _vrfKeys[keyId];
    }

    function vrfKeyCount() external view returns (uint256) {
        return vrfKeyIds.length;
    }

    /// Mints a batch of awards. Any award id seen before reverts the whole batch, so resending a
    /// transaction (or a batch that overlaps a mined one) can never mint anything twice.
    /// Consecutive awards of one token id to one player are minted as one ERC-1155 transfer, so a
    /// minter that sorts its batch by player and token id pays the transfer once per run, not
    /// once per award; every award still gets its own AwardMinted event.
    function mintAwards(address[] calldata to, uint256[] calldata ids, uint256[] calldata amounts, bytes32[] calldata awardIds)
        external
        onlyRole(MINTER_ROLE)
    {
        uint256 n = awardIds.length;
        if (to.length != n || ids.length != n || amounts.length != n) revert LengthMismatch();
        uint256 epoch = currentEpoch();
        uint256 runStart = 0;
        uint256 runAmount = 0;
        for (uint256 i = 0; i < n; i++) {
            _recordAward(awardIds[i], to[i], ids[i], amounts[i], epoch);
            runAmount += amounts[i];
            if (i + 1 == n || to[i + 1] != to[i] || ids[i + 1] != ids[i]) {
                _mintRun(to[runStart], ids[runStart], runAmount, epoch);
                runStart = i + 1;
                runAmount = 0;
            }
        }
    }

    function _recordAward(bytes32 awardId, address to, uint256 id, uint256 amount, uint256 epoch) private {
        if (awarded[awardId]) revert AwardAlreadyMinted(awardId);
        awarded[awardId] = true;
        emit AwardMinted(awardId, to, id, amount, epoch);
    }

    /// Mints `amount` of token `id` to `to` within the epoch's caps.
    function _mintRun(address to, uint256 id, uint256 amount, uint256 epoch) private {
        TokenConfig storage token = tokens[id];
        if (!token.exists) revert UnknownToken(id);
        uint256 total = mintedInEpoch[epoch][id] + amount;
        if (total > token.epochCap) revert EpochCapExceeded(id, epoch);
        mintedInEpoch[epoch][id] = total;
        uint256 players = playerMintedInEpoch[epoch][to][id] + amount;
        if (players > token.playerEpochCap) revert PlayerEpochCapExceeded(to, id, epoch);
        playerMintedInEpoch[epoch][to][id] = players;
        _mint(to, id, amount, "");
    }

    /// Opens or closes deposits of a token id.
    function setDepositable(uint256 id, bool open) external onlyRole(DEFAULT_ADMIN_ROLE) {
        depositable[id] = open;
        emit DepositableSet(id, open);
    }

    /// Burns `amount` of the caller's tokens `id` into the game: the server credits the caller's
    /// chips once per `Deposited` event, after its confirmations. Reverts when the id is not
    /// depositable, the amount is zero or the caller holds less.
    function deposit(uint256 id, uint256 amount) external {
        if (!depositable[id]) revert NotDepositable(id);
        if (amount == 0) revert ZeroDeposit();
        _burn(msg.sender, id, amount);
        emit Deposited(msg.sender, id, amount);
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC1155, AccessControl) returns (bool) {
        return super.supportsInterface(interfaceId);
    }
}
