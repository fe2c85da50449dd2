// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {FairplayAlpha} from "./FairplayAlpha.sol";
import {VrfSecp256k1} from "./VrfSecp256k1.sol";

/// @title ProvenLoot: a raid loot draw's beta, proven on chain from the receipt's fields.
/// @notice GameAssets.mintWithProof uses it to mint the item a loot draw found without taking the
/// server's word for it: alpha is rebuilt here from the receipt's fields (FAIRNESS.md section 3,
/// game "raid", kind "loot", the action `{"chest":C,"round":R,"table":"raid-loot-v1"}`), the
/// proof is checked with `VrfSecp256k1.fastVerify`, and beta comes from the verified proof. The
/// caller never hands over alpha or beta, so neither can be forged.
/// The award id is the server's (server/awards/award-sink.ts `awardId`, index 0 of the draw's
/// outcome record), so the batched `mintAwards` and this path share one award-id space.
library ProvenLoot {
    /// The one suite a contract can verify at mint time (issue 19).
    string internal constant SUITE = "ECVRF-SECP256K1-SHA256-TAI";

    /// The receipt fields that fix a raid loot draw's alpha, and the record that holds its outcome.
    struct Draw {
        bytes8 keyId;
        string roomId;
        uint64 drawSeq;
        uint256 round;
        uint256 chest;
        /// The draw's players (a loot draw has one: the opener) and the seeds they revealed.
        address[] players;
        bytes32[] seeds;
        /// The receipt's `prev`: hash of the record before the draw's receipt.
        bytes32 prevHash;
        /// The receipt's `rulesHash`: which registered loot table the draw used.
        bytes32 rulesHash;
        /// The outcome record's sequence number and hash: the award id's source, as the server's.
        uint64 recordSeq;
        bytes32 recordHash;
    }

    /// The proof does not verify for the alpha the fields give, under the key.
    error ProofInvalid();
    /// The room id holds a character canonical JSON escapes; the server's room ids never do.
    error RoomIdNotPlain();

    /// alpha of the draw, byte for byte as `receiptAlpha` (vrf/protocol/alpha.ts) builds it.
    function alpha(Draw calldata d) internal pure returns (bytes memory) {
        bytes memory action = FairplayAlpha.raidLootAction(d.round, d.chest);
        return FairplayAlpha.alpha(SUITE, d.keyId, d.roomId, d.drawSeq, "raid", "loot", action, d.players, d.seeds, d.prevHash);
    }

    /// beta of the draw's verified proof; reverts ProofInvalid on any proof or witness that fails.
    function beta(Draw calldata d, bytes memory publicKey, bytes calldata pi, VrfSecp256k1.Witnesses calldata w)
        internal
        view
        returns (bytes32)
    {
        if (!VrfSecp256k1.fastVerify(publicKey, pi, alpha(d), w)) revert ProofInvalid();
        return VrfSecp256k1.proofToHash(pi);
    }

    /// SHA-256 of `{"index":0,"source":{"drawSeq":D,"recordHash":"<hex>","recordSeq":S,"roomId":"R"}}`,
    /// the canonical JSON the server hashes for the draw's award. The room id goes in unescaped, so
    /// one that JSON would escape (a quote, a backslash, a control character) is refused: its id
    /// would differ from the server's.
    function awardId(Draw calldata d) internal pure returns (bytes32) {
        bytes memory room = bytes(d.roomId);
        for (uint256 i = 0; i < room.length; i++) {
            bytes1 ch = room[i];
            if (ch < 0x20 || ch == '"' || ch == "\\") revert RoomIdNotPlain();
        }
        if (d.drawSeq > FairplayAlpha.MAX_SAFE_INTEGER) revert FairplayAlpha.NotSafeInteger(d.drawSeq);
        if (d.recordSeq > FairplayAlpha.MAX_SAFE_INTEGER) revert FairplayAlpha.NotSafeInteger(d.recordSeq);
        bytes memory source = abi.encodePacked(
            '{"drawSeq":', Strings.toString(d.drawSeq), ',"recordHash":"', hex64(d.recordHash),
            '","recordSeq":', Strings.toString(d.recordSeq), ',"roomId":"', room, '"}'
        );
        return sha256(abi.encodePacked('{"index":0,"source":', source, "}"));
    }

    /// The draw's key for "once per draw": its room and sequence number, whatever record it cites.
    function drawKey(Draw calldata d) internal pure returns (bytes32) {
        return keccak256(abi.encode(d.roomId, d.drawSeq));
    }

    /// 64 lowercase hex digits, no 0x (as the server writes hashes).
    function hex64(bytes32 value) private pure returns (bytes memory out) {
        out = new bytes(64);
        bytes16 digits = "0123456789abcdef";
        for (uint256 i = 0; i < 32; i++) {
            out[2 * i] = digits[uint8(value[i]) >> 4];
            out[2 * i + 1] = digits[uint8(value[i]) & 15];
        }
    }
}
