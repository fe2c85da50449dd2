// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {FairnessRegistry} from "./FairnessRegistry.sol";
import {GameAssets} from "./GameAssets.sol";

/// @title RevealCourt: a void after a reveal costs the house.
/// @notice A player holding an operator-signed receipt whose draw was never settled reveals its
/// seed here; the seed is then public and timestamped. The server must answer with the draw's
/// outcome (VRF beta and proof, checkable off chain by any ECVRF verifier) within `answerWindow`
/// seconds. If it does not, anyone may claim for the player the receipt's maximum payout in coin
/// tokens, minted through GameAssets (this contract holds its minter role) within a court budget
/// per epoch. An honest server always answers and never pays.
contract RevealCourt is AccessControl {
    bytes32 public constant ANSWER_ROLE = keccak256("ANSWER_ROLE");

    /// A v2 receipt with its court terms, field for field as the operator signs it (EIP-712
    /// `DrawReceipt`, domain {name: "Fairplay", version: "2"}, FAIRNESS.md).
    struct Receipt {
        string roomId;
        uint64 drawSeq;
        uint64 recordSeq;
        bytes32 prevHash;
        string game;
        string kind;
        string action;
        address[] players;
        bytes32[] commitments;
        string suite;
        string keyId;
        uint64 issuedAt;
        bytes32 rulesHash;
        uint64 revealDeadline;
        uint64 maxPayout;
    }

    enum Status {
        None,
        Revealed,
        Answered,
        Claimed
    }

    struct Case {
        address player;
        uint64 maxPayout;
        uint64 revealedAt;
        uint64 answerBy;
        Status status;
    }

    bytes32 private constant RECEIPT_TYPEHASH = keccak256(
        "DrawReceipt(string roomId,uint64 drawSeq,uint64 recordSeq,bytes32 prevHash,string game,string kind,string action,address[] players,bytes32[] commitments,string suite,string keyId,uint64 issuedAt,bytes32 rulesHash,uint64 revealDeadline,uint64 maxPayout)"
    );
    bytes32 private constant COURT_REVEAL_TYPEHASH = keccak256("CourtReveal(bytes32 receipt)");
    bytes32 private constant DOMAIN_TYPEHASH = keccak256("EIP712Domain(string name,string version)");
    bytes16 private constant SEED_TAG = "fairplay-seed-v1";

    FairnessRegistry public immutable registry;
    GameAssets public immutable assets;
    uint256 public immutable coinTokenId;
    /// Seconds the server has to answer a reveal.
    uint64 public immutable answerWindow;
    /// Most coins all claims together may mint in one epoch.
    uint256 public immutable budgetPerEpoch;
    uint64 public immutable epochLength;
    /// The EIP-712 domain separator of {name: "Fairplay", version: "2"} (no chain id, no contract).
    bytes32 public immutable domainSeparator;

    mapping(bytes32 caseId => Case) public cases;
    mapping(uint256 epoch => uint256) public spentInEpoch;

    error NotSinglePlayer();
    error NotOperatorSigned();
    error NotPlayerSigned();
    error SeedMismatch();
    error RevealTooLate();
    error CaseExists(bytes32 caseId);
    error NotOpen(bytes32 caseId);
    error AnswerWindowOpen(bytes32 caseId, uint64 answerBy);
    error CourtBudgetExceeded(uint256 epoch);
    error ZeroEpochLength();

    event Revealed(bytes32 indexed caseId, address indexed player, string roomId, uint64 drawSeq, bytes32 seed, uint64 answerBy);
    event Answered(bytes32 indexed caseId, bytes beta, bytes pi);
    event Claimed(bytes32 indexed caseId, address indexed player, uint64 amount);

    constructor(
        FairnessRegistry registry_,
        GameAssets assets_,
        uint256 coinTokenId_,
        uint64 answerWindow_,
        uint256 budgetPerEpoch_,
        uint64 epochLength_,
        address admin
    ) {
        if (epochLength_ == 0) revert ZeroEpochLength();
        registry = registry_;
        assets = assets_;
        coinTokenId = coinTokenId_;
        answerWindow = answerWindow_;
        budgetPerEpoch = budgetPerEpoch_;
        epochLength = epochLength_;
        domainSeparator = keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("Fairplay"), keccak256("2")));
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// The player reveals the seed of an unsettled single-player draw. The case id is the
    /// receipt's EIP-712 digest, so one receipt makes at most one case.
    function reveal(Receipt calldata r, bytes calldata operatorSignature, bytes calldata playerSignature, bytes32 seed) external {
        if (r.players.length != 1 || r.commitments.length != 1) revert NotSinglePlayer();
        bytes32 caseId = receiptDigest(r);
        _checkSignatures(caseId, r.issuedAt, r.players[0], operatorSignature, playerSignature);
        if (sha256(abi.encodePacked(SEED_TAG, seed)) != r.commitments[0]) revert SeedMismatch();
        if (block.timestamp * 1000 > r.revealDeadline) revert RevealTooLate();
        if (cases[caseId].status != Status.None) revert CaseExists(caseId);
        uint64 answerBy = uint64(block.timestamp) + answerWindow;
        cases[caseId] = Case(r.players[0], r.maxPayout, uint64(block.timestamp), answerBy, Status.Revealed);
        emit Revealed(caseId, r.players[0], r.roomId, r.drawSeq, seed, answerBy);
    }

    /// The operator signed the receipt with the signer registered at its issue time (in seconds),
    /// and the player asked for this court case. A malformed signature counts as not signed.
    function _checkSignatures(bytes32 caseId, uint64 issuedAt, address player, bytes calldata operatorSignature, bytes calldata playerSignature)
        private
        view
    {
        (address operator, ECDSA.RecoverError opError, ) = ECDSA.tryRecover(caseId, operatorSignature);
        if (opError != ECDSA.RecoverError.NoError || operator != registry.signerAt(issuedAt / 1000)) revert NotOperatorSigned();
        (address signer, ECDSA.RecoverError plError, ) = ECDSA.tryRecover(courtRevealDigest(caseId), playerSignature);
        if (plError != ECDSA.RecoverError.NoError || signer != player) revert NotPlayerSigned();
    }

    /// The server's answer: the draw's VRF output and proof, as calldata for anyone to check.
    /// Accepted while the case is open, also after `answerBy` as long as nobody has claimed.
    function answer(bytes32 caseId, bytes calldata beta, bytes calldata pi) external onlyRole(ANSWER_ROLE) {
        Case storage c = cases[caseId];
        if (c.status != Status.Revealed) revert NotOpen(caseId);
        c.status = Status.Answered;
        emit Answered(caseId, beta, pi);
    }

    /// Pays an unanswered case: the receipt's maximum payout in coins, to the player, once.
    /// Anyone may call it (the player need not). The award id is the case id, so GameAssets'
    /// own once-only rule holds too.
    function claim(bytes32 caseId) external {
        Case storage c = cases[caseId];
        if (c.status != Status.Revealed) revert NotOpen(caseId);
        if (block.timestamp <= c.answerBy) revert AnswerWindowOpen(caseId, c.answerBy);
        uint256 epoch = block.timestamp / epochLength;
        uint256 spent = spentInEpoch[epoch] + c.maxPayout;
        if (spent > budgetPerEpoch) revert CourtBudgetExceeded(epoch);
        spentInEpoch[epoch] = spent;
        c.status = Status.Claimed; // before the mint: a receiving contract cannot claim again
        address player = c.player;
        uint64 amount = c.maxPayout;
        if (amount != 0) {
            address[] memory to = new address[](1);
            uint256[] memory ids = new uint256[](1);
            uint256[] memory amounts = new uint256[](1);
            bytes32[] memory awardIds = new bytes32[](1);
            (to[0], ids[0], amounts[0], awardIds[0]) = (player, coinTokenId, amount, caseId);
            assets.mintAwards(to, ids, amounts, awardIds);
        }
        emit Claimed(caseId, player, amount);
    }

    /// The receipt's EIP-712 digest: what the operator signed, and the case id.
    function receiptDigest(Receipt calldata r) public view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(domainSeparator, _hashReceipt(r));
    }

    /// What the player signs to take a receipt to the court: EIP-712 `CourtReveal(bytes32 receipt)`.
    function courtRevealDigest(bytes32 receipt) public view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(domainSeparator, keccak256(abi.encode(COURT_REVEAL_TYPEHASH, receipt)));
    }

    /// hashStruct of a receipt, written out in two halves (one abi.encode of 16 words is too deep
    /// a stack without the IR pipeline); each dynamic field is hashed as EIP-712 says.
    function _hashReceipt(Receipt calldata r) private pure returns (bytes32) {
        bytes memory head = abi.encode(
            RECEIPT_TYPEHASH,
            keccak256(bytes(r.roomId)),
            r.drawSeq,
            r.recordSeq,
            r.prevHash,
            keccak256(bytes(r.game)),
            keccak256(bytes(r.kind)),
            keccak256(bytes(r.action))
        );
        bytes memory tail = abi.encode(
            keccak256(abi.encodePacked(r.players)),
            keccak256(abi.encodePacked(r.commitments)),
            keccak256(bytes(r.suite)),
            keccak256(bytes(r.keyId)),
            r.issuedAt,
            r.rulesHash,
            r.revealDeadline,
            r.maxPayout
        );
        return keccak256(bytes.concat(head, tail));
    }
}
