// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {FairnessRegistry} from "./FairnessRegistry.sol";
import {FairplayAlpha} from "./FairplayAlpha.sol";
import {GameAssets} from "./GameAssets.sol";
import {VrfSecp256k1} from "./VrfSecp256k1.sol";

/// @title RevealCourt: a void after a reveal costs the house, paid from a bond the house cannot block.
/// @notice A player holding an operator-signed receipt whose draw was never settled reveals its
/// seed here; the seed is then public and timestamped. The server must answer with the draw's
/// outcome (VRF beta and proof, checkable off chain by any ECVRF verifier) within `answerWindow`
/// seconds, paying the player the coins that outcome awards (0 for a draw its room settled). If it
/// does not, anyone may claim for the player the receipt's maximum payout.
/// Every payment comes from a bond of coin tokens this contract holds itself: it does not mint,
/// and GameAssets has no pause or admin transfer and burns only the caller's own tokens (a deposit),
/// so those coins move only as this contract says. A reveal reserves its maximum payout from the bond; the admin can take out only coins
/// no open case has reserved, and only `withdrawDelay` seconds after announcing it, so a player
/// who saw enough free bond before revealing is paid. A payment the player's address refuses (a
/// receiver hook) is held for the player to `collect`, so no hook can block an answer or a claim.
/// A case whose draw is of the suite ECVRF-SECP256K1-SHA256-TAI (by the receipt's suite, or the
/// suite its keyId has in the registry) is answered only by `answerProven`: the court rebuilds the
/// draw's alpha and verifies the proof and beta itself, so a wrong answer is refused and the case
/// stays open to be claimed, as if none had come.
contract RevealCourt is AccessControl, ERC1155Holder {
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
        /// The answer must carry a proof the court verifies (`answerProven`).
        bool proven;
    }

    /// A withdrawal of bond the admin announced; none when `executableAt` is 0.
    struct Withdrawal {
        uint256 amount;
        uint64 executableAt;
    }

    bytes32 private constant RECEIPT_TYPEHASH = keccak256(
        "DrawReceipt(string roomId,uint64 drawSeq,uint64 recordSeq,bytes32 prevHash,string game,string kind,string action,address[] players,bytes32[] commitments,string suite,string keyId,uint64 issuedAt,bytes32 rulesHash,uint64 revealDeadline,uint64 maxPayout)"
    );
    bytes32 private constant COURT_REVEAL_TYPEHASH = keccak256("CourtReveal(bytes32 receipt)");
    bytes32 private constant DOMAIN_TYPEHASH = keccak256("EIP712Domain(string name,string version)");
    bytes16 private constant SEED_TAG = "fairplay-seed-v1";
    /// The one suite whose proofs the court checks on chain (VrfSecp256k1.sol).
    bytes32 private constant PROVEN_SUITE = keccak256("ECVRF-SECP256K1-SHA256-TAI");
    /// Gas a payment's transfer may use. GameAssets' transfer to a fresh holder costs about 35,000
    /// (two balance writes, the event, the receiver check); the rest leaves a receiving contract's
    /// hook (a smart wallet, an EIP-7702 delegate) room to run. A hook that refuses, or burns all
    /// it is given, cannot make an answer or a claim fail: the payment is held for the player
    /// (`collect`), and such a hook costs the caller at most this much gas.
    uint256 private constant PAY_GAS = 150_000;
    /// What holding a payment costs at most after a failed transfer: two storage writes from zero
    /// (owed[player], owedTotal: about 22,100 each), the event and the bookkeeping around them.
    uint256 private constant HOLD_GAS = 60_000;

    FairnessRegistry public immutable registry;
    GameAssets public immutable assets;
    /// The token the bond is held and every payment made in.
    uint256 public immutable coinTokenId;
    /// Seconds the server has to answer a reveal.
    uint64 public immutable answerWindow;
    /// Seconds between announcing a withdrawal of bond and making it.
    uint64 public immutable withdrawDelay;
    /// The EIP-712 domain separator of {name: "Fairplay", version: "2"} (no chain id, no contract).
    bytes32 public immutable domainSeparator;

    mapping(bytes32 caseId => Case) private _cases;
    /// The coins open cases may still take: the sum of `maxPayout` over cases with status Revealed.
    uint256 public reserved;
    Withdrawal public pendingWithdrawal;
    /// Coins held for each player whose payment its receiver refused: theirs, paid out by `collect`.
    mapping(address player => uint256) public owed;
    /// The sum of `owed`: never bond the court may reserve or withdraw.
    uint256 public owedTotal;

    error NotSinglePlayer();
    error NotOperatorSigned();
    error NotPlayerSigned();
    error SeedMismatch();
    error RevealTooLate();
    error CaseExists(bytes32 caseId);
    error NotOpen(bytes32 caseId);
    error AnswerWindowOpen(bytes32 caseId, uint64 answerBy);
    error BondTooSmall(uint256 needed, uint256 available);
    error PayoutAboveMax(uint64 payout, uint64 maxPayout);
    error NoWithdrawal();
    error WithdrawalNotDue(uint64 executableAt);
    error NotCoin();
    error NothingOwed(address player);
    error PayGasTooLow();
    error ProofRequired(bytes32 caseId);
    error NotProvenSuite();
    error KeyNotInForce();
    error WrongProof();
    error WrongBeta();

    event Revealed(bytes32 indexed caseId, address indexed player, string roomId, uint64 drawSeq, bytes32 seed, uint64 answerBy);
    event Answered(bytes32 indexed caseId, bytes beta, bytes pi, uint64 payout);
    event Claimed(bytes32 indexed caseId, address indexed player, uint64 amount);
    event WithdrawalAnnounced(uint256 amount, uint64 executableAt);
    event Withdrawn(address indexed to, uint256 amount);
    event PaymentHeld(address indexed player, uint256 amount);
    event Collected(address indexed player, uint256 amount);

    constructor(
        FairnessRegistry registry_,
        GameAssets assets_,
        uint256 coinTokenId_,
        uint64 answerWindow_,
        uint64 withdrawDelay_,
        address admin
    ) {
        registry = registry_;
        assets = assets_;
        coinTokenId = coinTokenId_;
        answerWindow = answerWindow_;
        withdrawDelay = withdrawDelay_;
        domainSeparator = keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("Fairplay"), keccak256("2")));
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// The coins this contract holds.
    function bond() public view returns (uint256) {
        return assets.balanceOf(address(this), coinTokenId);
    }

    /// What a new reveal may still reserve, less any announced withdrawal: what a player checks
    /// before revealing a seed to a room.
    function freeBond() external view returns (uint256) {
        return _saturatingSub(_unreserved(), pendingWithdrawal.amount);
    }

    /// The player reveals the seed of an unsettled single-player draw. The case id is the
    /// receipt's EIP-712 digest, so one receipt makes at most one case. The receipt's maximum
    /// payout is reserved from the bond; an announced withdrawal does not count against it, so
    /// announcing one never blocks a reveal (and the withdrawal never takes reserved coins).
    function reveal(Receipt calldata r, bytes calldata operatorSignature, bytes calldata playerSignature, bytes32 seed) external {
        if (r.players.length != 1 || r.commitments.length != 1) revert NotSinglePlayer();
        bytes32 caseId = receiptDigest(r);
        _checkSignatures(caseId, r.issuedAt, r.players[0], operatorSignature, playerSignature);
        if (sha256(abi.encodePacked(SEED_TAG, seed)) != r.commitments[0]) revert SeedMismatch();
        if (block.timestamp * 1000 > r.revealDeadline) revert RevealTooLate();
        if (_cases[caseId].status != Status.None) revert CaseExists(caseId);
        uint256 available = _unreserved();
        if (r.maxPayout > available) revert BondTooSmall(r.maxPayout, available);
        reserved += r.maxPayout;
        uint64 answerBy = SafeCast.toUint64(block.timestamp) + answerWindow;
        _cases[caseId] = Case(r.players[0], r.maxPayout, uint64(block.timestamp), answerBy, Status.Revealed, _isProvenSuite(r));
        emit Revealed(caseId, r.players[0], r.roomId, r.drawSeq, seed, answerBy);
    }

    /// A case: its player, maximum payout, reveal time, answer deadline and status (as before
    /// proven answers: whether one is required is `provenAnswer`).
    function cases(bytes32 caseId) external view returns (address player, uint64 maxPayout, uint64 revealedAt, uint64 answerBy, Status status) {
        Case storage c = _cases[caseId];
        return (c.player, c.maxPayout, c.revealedAt, c.answerBy, c.status);
    }

    /// Whether the case's answer must be an `answerProven` the court verifies.
    function provenAnswer(bytes32 caseId) external view returns (bool) {
        return _cases[caseId].proven;
    }

    /// A case is proven when the receipt names the secp256k1 suite, or when its keyId names a
    /// registered key of that suite: neither a receipt's suite nor its key lets the server pick
    /// the unchecked answer for a key whose proofs the chain can check.
    function _isProvenSuite(Receipt calldata r) private view returns (bool) {
        if (keccak256(bytes(r.suite)) == PROVEN_SUITE) return true;
        (bool ok, bytes8 keyId) = _keyIdBytes(r.keyId);
        if (!ok) return false;
        (string memory suite, , ) = registry.vrfKey(keyId);
        return keccak256(bytes(suite)) == PROVEN_SUITE;
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

    /// The server's answer: the draw's VRF output and proof, as calldata for anyone to check, and
    /// the coins the draw's outcome awards the player (0 for a draw its room settled: the room paid
    /// it), paid from the case's reservation; the rest of the reservation is released.
    /// Accepted while the case is open, also after `answerBy` as long as nobody has claimed.
    /// Refused for a proven case (`answerProven` only).
    function answer(bytes32 caseId, bytes calldata beta, bytes calldata pi, uint64 payout) external onlyRole(ANSWER_ROLE) {
        if (_cases[caseId].proven) revert ProofRequired(caseId);
        _settle(caseId, beta, pi, payout);
    }

    /// The answer to a proven case (suite ECVRF-SECP256K1-SHA256-TAI), checked here: the receipt
    /// (its digest is the case id), the seed the player revealed (it must open the receipt's
    /// commitment), and the proof, its `fastVerify` witnesses and beta. The court rebuilds alpha
    /// from the receipt and the seed (FairplayAlpha), verifies pi under the public key the
    /// registry holds for the receipt's keyId (the key in force at the receipt's issue and before
    /// the reveal), and takes beta only as pi's output. Any mismatch
    /// reverts: the case stays open, and is claimed after `answerBy` as an unanswered one is.
    function answerProven(Receipt calldata r, ProvenAnswer calldata a) external onlyRole(ANSWER_ROLE) {
        bytes32 caseId = receiptDigest(r);
        Case storage c = _cases[caseId];
        if (c.status != Status.Revealed) revert NotOpen(caseId);
        _checkProof(r, a, c.revealedAt);
        _settle(caseId, a.beta, a.pi, a.payout);
    }

    /// What `answerProven` takes besides the receipt.
    struct ProvenAnswer {
        bytes32 seed;
        bytes beta;
        bytes pi;
        VrfSecp256k1.Witnesses witnesses;
        uint64 payout;
    }

    /// Reverts unless `a` proves the draw of `r`: see `answerProven`.
    function _checkProof(Receipt calldata r, ProvenAnswer calldata a, uint64 revealedAt) private view {
        // The case exists, so reveal checked: one player, one commitment, the seed opened it.
        if (sha256(abi.encodePacked(SEED_TAG, a.seed)) != r.commitments[0]) revert SeedMismatch();
        if (keccak256(bytes(r.suite)) != PROVEN_SUITE) revert NotProvenSuite();
        (bool ok, bytes8 keyId) = _keyIdBytes(r.keyId);
        if (!ok) revert NotProvenSuite();
        (string memory suite, bytes memory publicKey, uint64 activeFrom) = registry.vrfKey(keyId);
        if (keccak256(bytes(suite)) != PROVEN_SUITE) revert NotProvenSuite();
        // The key in force when the receipt was issued, as the receipt verifier requires, and in
        // force before the seed was public: no key registered after the reveal (one ground for a
        // beta the house likes) can answer.
        if (activeFrom > revealedAt || registry.vrfKeyAt(r.issuedAt / 1000) != keyId) revert KeyNotInForce();
        if (!VrfSecp256k1.fastVerify(publicKey, a.pi, _alpha(r, keyId, a.seed), a.witnesses)) revert WrongProof();
        if (a.beta.length != 32 || bytes32(a.beta) != VrfSecp256k1.proofToHash(a.pi)) revert WrongBeta();
    }

    /// alpha of the receipt's draw with the revealed seed (FAIRNESS.md section 3; the receipt's
    /// action is its canonical JSON, as signed).
    function _alpha(Receipt calldata r, bytes8 keyId, bytes32 seed) private pure returns (bytes memory) {
        bytes32[] memory seeds = new bytes32[](1);
        seeds[0] = seed;
        return FairplayAlpha.alpha(r.suite, keyId, r.roomId, r.drawSeq, r.game, r.kind, bytes(r.action), r.players, seeds, r.prevHash);
    }

    /// A receipt's keyId (16 lowercase hex digits, as records hold it) as the registry's bytes8.
    function _keyIdBytes(string calldata keyId) private pure returns (bool ok, bytes8 id) {
        bytes calldata b = bytes(keyId);
        if (b.length != 16) return (false, 0);
        uint64 v;
        for (uint256 i = 0; i < 16; i++) {
            uint8 ch = uint8(b[i]);
            uint8 digit;
            if (ch >= 0x30 && ch <= 0x39) digit = ch - 0x30;
            else if (ch >= 0x61 && ch <= 0x66) digit = ch - 0x61 + 10;
            else return (false, 0);
            v = (v << 4) | digit;
        }
        return (true, bytes8(v));
    }

    /// Closes an open case with its answer: pays `payout` from its reservation, releases the rest.
    function _settle(bytes32 caseId, bytes calldata beta, bytes calldata pi, uint64 payout) private {
        Case storage c = _cases[caseId];
        if (c.status != Status.Revealed) revert NotOpen(caseId);
        if (payout > c.maxPayout) revert PayoutAboveMax(payout, c.maxPayout);
        c.status = Status.Answered; // before the transfer: a receiving contract cannot answer or claim again
        reserved -= c.maxPayout;
        if (payout != 0) _pay(c.player, payout);
        emit Answered(caseId, beta, pi, payout);
    }

    /// Pays an unanswered case: the receipt's maximum payout in coins, to the player, once.
    /// Anyone may call it (the player need not).
    function claim(bytes32 caseId) external {
        Case storage c = _cases[caseId];
        if (c.status != Status.Revealed) revert NotOpen(caseId);
        if (block.timestamp <= c.answerBy) revert AnswerWindowOpen(caseId, c.answerBy);
        c.status = Status.Claimed; // before the transfer: a receiving contract cannot claim again
        address player = c.player;
        uint64 amount = c.maxPayout;
        reserved -= amount;
        if (amount != 0) _pay(player, amount);
        emit Claimed(caseId, player, amount);
    }

    /// Pays `player` the coins held for them since their receiver refused a payment. Anyone may
    /// call it; the transfer has all the gas the caller gives it (the receiver chose its hook,
    /// and a player whose hook accepts only its own transactions calls this itself).
    function collect(address player) external {
        uint256 amount = owed[player];
        if (amount == 0) revert NothingOwed(player);
        owed[player] = 0; // before the transfer: a receiving contract cannot collect twice
        owedTotal -= amount;
        assets.safeTransferFrom(address(this), player, coinTokenId, amount, "");
        emit Collected(player, amount);
    }

    /// Pays a player, or holds the coins for them when their receiver refuses the transfer (a
    /// hook that reverts, or needs more than PAY_GAS), so a payment never blocks an answer or a
    /// claim. The call must have gas enough, before the transfer, for the transfer to get all of
    /// PAY_GAS (EIP-150 passes at most 63/64 of what is left) and for a hold after it; otherwise
    /// the whole call fails (`PayGasTooLow`). So the receiver always runs with the same gas,
    /// whatever gas the caller sent above that floor: a hook cannot accept in one band of gas
    /// limits and refuse in another, and no caller can push a payment into a hold by sending less.
    function _pay(address player, uint256 amount) private {
        if (gasleft() < (PAY_GAS * 64) / 63 + HOLD_GAS) revert PayGasTooLow();
        try assets.safeTransferFrom{gas: PAY_GAS}(address(this), player, coinTokenId, amount, "") {
            return;
        } catch {
            owed[player] += amount;
            owedTotal += amount;
            emit PaymentHeld(player, amount);
        }
    }

    /// Announces taking `amount` coins of bond out, `withdrawDelay` seconds from now. Replaces any
    /// pending announcement and restarts its clock. Until it is made it counts against `freeBond()`,
    /// so players see it coming; it never blocks a reveal.
    function announceWithdrawal(uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint64 executableAt = SafeCast.toUint64(block.timestamp) + withdrawDelay;
        pendingWithdrawal = Withdrawal(amount, executableAt);
        emit WithdrawalAnnounced(amount, executableAt);
    }

    /// Makes the announced withdrawal once due: pays `to` the amount announced, or as much of it as
    /// no open case has reserved and no player is owed.
    function withdraw(address to) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Withdrawal memory pending = pendingWithdrawal;
        if (pending.executableAt == 0) revert NoWithdrawal();
        if (block.timestamp < pending.executableAt) revert WithdrawalNotDue(pending.executableAt);
        uint256 amount = Math.min(pending.amount, _unreserved());
        delete pendingWithdrawal;
        if (amount != 0) assets.safeTransferFrom(address(this), to, coinTokenId, amount, "");
        emit Withdrawn(to, amount);
    }

    /// Takes coins of `assets` into the bond (from anyone), and nothing else: any other token
    /// would be stuck here.
    function onERC1155Received(address, address, uint256 id, uint256, bytes memory) public override returns (bytes4) {
        if (msg.sender != address(assets) || id != coinTokenId) revert NotCoin();
        return this.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(address, address, uint256[] memory ids, uint256[] memory, bytes memory)
        public
        override
        returns (bytes4)
    {
        if (msg.sender != address(assets)) revert NotCoin();
        for (uint256 i = 0; i < ids.length; i++) if (ids[i] != coinTokenId) revert NotCoin();
        return this.onERC1155BatchReceived.selector;
    }

    function supportsInterface(bytes4 interfaceId) public view override(AccessControl, ERC1155Holder) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    /// Bond no open case has reserved and no player is owed (the bond never holds less than those,
    /// as coins leave only by answer, claim, collect and withdraw; floored at 0 all the same).
    function _unreserved() private view returns (uint256) {
        return _saturatingSub(bond(), reserved + owedTotal);
    }

    function _saturatingSub(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a - b : 0;
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
