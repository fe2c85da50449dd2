// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Supply} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Supply.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ProvenLoot} from "./ProvenLoot.sol";
import {RaidLoot} from "./RaidLoot.sol";
import {VrfSecp256k1} from "./VrfSecp256k1.sol";

/// @title GameAssets: what Fairplay players win, as ERC-1155 tokens.
/// @notice Minting is idempotent by award id (a retried transaction can never mint twice), capped
/// per epoch per token and per player, and the contract keeps the registry of the server's VRF
/// keys, so that anyone can check which key produced the outcomes behind the awards.
/// A player deposits tokens of a depositable id (the coin) back into the game by burning them;
/// the server credits each `Deposited` event once. The supply per id is public (ERC1155Supply),
/// so anyone can reconcile coins in circulation with withdrawals and deposits.
/// A raid loot item can instead be minted with its draw's VRF proof (`mintWithProof`): the
/// contract derives the item itself from the draw, so the minter cannot pick it.
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

    /// A row of a registered loot table: its weight, and what it holds (`tokenId` 0: bonus chips,
    /// which are credited off chain and mint nothing).
    struct LootRow {
        uint256 weight;
        uint256 tokenId;
        uint256 amount;
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
    /// Loot tables by the SHA-256 of the rules document that publishes them; never replaced.
    mapping(bytes32 rulesHash => LootRow[]) private _lootTables;
    /// Draws (room, sequence number) whose loot was minted with a proof: once per draw.
    mapping(bytes32 drawKey => bool) public provenDraw;

    error AwardAlreadyMinted(bytes32 awardId);
    error LengthMismatch();
    error UnknownToken(uint256 id);
    error EpochCapExceeded(uint256 id, uint256 epoch);
    error PlayerEpochCapExceeded(address player, uint256 id, uint256 epoch);
    error VrfKeyExists(bytes8 keyId);
    error ZeroEpochLength();
    error NotDepositable(uint256 id);
    error ZeroDeposit();
    error LootTableExists(bytes32 rulesHash);
    error BadLootRow(uint256 row);
    error UnknownLootTable(bytes32 rulesHash);
    error NotProvableKey(bytes8 keyId);
    error NotOneOpener(uint256 players);
    error DrawAlreadyMinted(bytes32 drawKey);
    error NotTheDrawnItem(uint256 claimed, uint256 drawn);

    event AwardMinted(bytes32 indexed awardId, address indexed to, uint256 indexed id, uint256 amount, uint256 epoch);
    event TokenConfigured(uint256 indexed id, uint256 epochCap, uint256 playerEpochCap);
    event VrfKeyRegistered(bytes8 indexed keyId, string suite, bytes publicKey, uint64 activatedAt);
    event DepositableSet(uint256 indexed id, bool depositable);
    event Deposited(address indexed player, uint256 indexed id, uint256 amount);
    event LootTableRegistered(bytes32 indexed rulesHash, uint256 rows);
    /// With the award's AwardMinted: the beta the proof gave and the loot table row it picked.
    event LootProven(bytes32 indexed awardId, bytes32 indexed rulesHash, bytes32 beta, uint256 row);

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

    /// Publishes the loot table of a rules document (FAIRNESS.md section 8), once: rows in the
    /// document's order, each with weight 1..1,000,000 (as `lootTableOf` accepts), tokenId 0 for
    /// bonus chips. The contract cannot read the document: the admin vouches that `rulesHash` is
    /// its SHA-256 and the rows its table, and anyone can check that against the published document.
    function registerLootTable(bytes32 rulesHash, LootRow[] calldata rows) external onlyRole(DEFAULT_ADMIN_ROLE) {
        LootRow[] storage table = _lootTables[rulesHash];
        if (table.length != 0) revert LootTableExists(rulesHash);
        if (rows.length == 0 || rows.length > RaidLoot.MAX_ROWS) revert BadLootRow(rows.length);
        for (uint256 i = 0; i < rows.length; i++) {
            if (rows[i].weight == 0 || rows[i].weight > RaidLoot.MAX_WEIGHT || rows[i].amount == 0) revert BadLootRow(i);
            table.push(rows[i]);
        }
        emit LootTableRegistered(rulesHash, rows.length);
    }

    function lootTable(bytes32 rulesHash) external view returns (LootRow[] memory) {
        return _lootTables[rulesHash];
    }

    /// Mints the item a raid loot draw found, proven: the key must be registered with the suite
    /// ECVRF-SECP256K1-SHA256-TAI; alpha is rebuilt from the draw's fields, the proof verified with
    /// its witnesses, and the item read from beta over the loot table registered for the draw's
    /// `rulesHash`. Only that item, and only if it is `tokenId`, goes to the opener, once per draw,
    /// under the server's award id (so `mintAwards` cannot mint it again), within the same caps.
    /// Not checked here (see FAIRNESS.md, "Proven mints"): the operator's receipt signature, the
    /// seed's commitment, and that the receipt pinned `rulesHash`.
    function mintWithProof(
        ProvenLoot.Draw calldata draw,
        bytes calldata pi,
        VrfSecp256k1.Witnesses calldata witnesses,
        uint256 tokenId
    ) external onlyRole(MINTER_ROLE) {
        if (draw.players.length != 1) revert NotOneOpener(draw.players.length);
        // The award id first: a resent call is refused as mintAwards refuses one, and the minter
        // adopts the mint it finds on chain; DrawAlreadyMinted means another record's award.
        bytes32 awardId = ProvenLoot.awardId(draw);
        if (awarded[awardId]) revert AwardAlreadyMinted(awardId);
        bytes32 drawKey = ProvenLoot.drawKey(draw);
        if (provenDraw[drawKey]) revert DrawAlreadyMinted(drawKey);
        provenDraw[drawKey] = true;
        (bytes32 beta, uint256 row, LootRow memory item) = _drawnItem(draw, pi, witnesses);
        if (item.tokenId == 0 || item.tokenId != tokenId) revert NotTheDrawnItem(tokenId, item.tokenId);
        uint256 epoch = currentEpoch();
        _recordAward(awardId, draw.players[0], tokenId, item.amount, epoch);
        _mintRun(draw.players[0], tokenId, item.amount, epoch);
        emit LootProven(awardId, draw.rulesHash, beta, row);
    }

    /// The verified beta of the draw, the loot table row it picks and that row.
    function _drawnItem(ProvenLoot.Draw calldata draw, bytes calldata pi, VrfSecp256k1.Witnesses calldata witnesses)
        private
        view
        returns (bytes32 beta, uint256 row, LootRow memory item)
    {
        VrfKey storage key = _vrfKeys[draw.keyId];
        if (keccak256(bytes(key.suite)) != keccak256(bytes(ProvenLoot.SUITE))) revert NotProvableKey(draw.keyId);
        LootRow[] storage table = _lootTables[draw.rulesHash];
        if (table.length == 0) revert UnknownLootTable(draw.rulesHash);
        beta = ProvenLoot.beta(draw, key.publicKey, pi, witnesses);
        uint256[] memory weights = new uint256[](table.length);
        for (uint256 i = 0; i < weights.length; i++) weights[i] = table[i].weight;
        row = RaidLoot.lootIndex(abi.encodePacked(beta), weights);
        item = table[row];
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
