// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @title FairplayAlpha: the VRF input of a draw (FAIRNESS.md section 3), rebuilt on chain.
/// @notice A contract that verifies a draw's VRF proof must verify it for the alpha the receipt
/// fixes, not for bytes the caller hands over: it rebuilds alpha here from the receipt's fields
/// and the revealed seeds, byte for byte as `encodeAlpha` in vrf/protocol/alpha.ts:
///
///   field(x) = u32(len(x)) ‖ x
///   alpha = field("fairplay-alpha") ‖ field(0x01) ‖ field(suite) ‖ field(keyId) ‖ field(roomId)
///         ‖ field(u64(drawSeq)) ‖ field(game) ‖ field(kind) ‖ field(canonicalJSON(action))
///         ‖ field(for each player, by address bytes ascending: address ‖ seed) ‖ field(prevHash)
///
/// Strings are taken as their UTF-8 bytes (ABI strings are), as the TypeScript encodes them.
library FairplayAlpha {
    /// The version byte of the alpha encoding (section 3), unchanged since protocol version 1.
    uint8 internal constant VERSION = 1;
    /// The largest integer canonical JSON may hold (2^53 - 1): section 4 allows safe integers only.
    uint256 internal constant MAX_SAFE_INTEGER = 2 ** 53 - 1;
    /// The highest chest index a raid loot action may name (games/raid/rules.ts, LootActionSchema).
    uint256 internal constant MAX_CHEST = 15;

    /// `players` and `seeds` must pair up one to one, in the receipt's player order.
    error PlayersSeedsMismatch(uint256 players, uint256 seeds);
    /// A receipt's players are distinct (section 4); a repeated one would make two alphas equal.
    error DuplicatePlayer(address player);
    /// canonical JSON holds only safe integers; the TypeScript refuses to encode others.
    error NotSafeInteger(uint256 value);
    /// The raid's loot action schema accepts chests 0 to 15 only.
    error ChestOutOfRange(uint256 chest);

    /// alpha of a draw. `players[i]` revealed `seeds[i]`; the order is free (alpha sorts them).
    function alpha(
        string memory suite,
        bytes8 keyId,
        string memory roomId,
        uint64 drawSeq,
        string memory game,
        string memory kind,
        bytes memory canonicalAction,
        address[] memory players,
        bytes32[] memory seeds,
        bytes32 prevHash
    ) internal pure returns (bytes memory) {
        // Built in three parts: one expression with every field would not fit the EVM stack.
        bytes memory head = bytes.concat(
            field("fairplay-alpha"),
            field(abi.encodePacked(VERSION)),
            field(bytes(suite)),
            field(abi.encodePacked(keyId)),
            field(bytes(roomId)),
            field(abi.encodePacked(drawSeq))
        );
        bytes memory draw = bytes.concat(field(bytes(game)), field(bytes(kind)), field(canonicalAction));
        return bytes.concat(head, draw, field(participants(players, seeds)), field(abi.encodePacked(prevHash)));
    }

    /// `address ‖ seed` (20 + 32 bytes) per player, by address ascending. The caller's arrays are
    /// left as they are: the order is sorted through an index list.
    function participants(address[] memory players, bytes32[] memory seeds) internal pure returns (bytes memory out) {
        uint256 n = players.length;
        if (seeds.length != n) revert PlayersSeedsMismatch(n, seeds.length);
        uint256[] memory order = new uint256[](n);
        // Insertion sort: a draw has a handful of players (at most the room's 8), so n^2 is nothing.
        for (uint256 i = 0; i < n; i++) {
            uint256 j = i;
            while (j > 0 && players[order[j - 1]] > players[i]) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        out = new bytes(52 * n);
        for (uint256 k = 0; k < n; k++) {
            address player = players[order[k]];
            if (k > 0 && players[order[k - 1]] == player) revert DuplicatePlayer(player);
            bytes32 seed = seeds[order[k]];
            // Each word store spills past its 20 or 32 bytes only into the place the next store
            // (or, after the last seed, nothing) fills, and stays inside `out`.
            assembly ("memory-safe") {
                let ptr := add(add(out, 32), mul(k, 52))
                mstore(ptr, shl(96, player))
                mstore(add(ptr, 20), seed)
            }
        }
    }

    /// The canonical JSON (section 4) of the raid's loot action, as the raid room signs it
    /// (games/raid/room.ts): `{"chest":C,"round":R,"table":"raid-loot-v1"}`, keys sorted.
    function raidLootAction(uint256 round, uint256 chest) internal pure returns (bytes memory) {
        if (round > MAX_SAFE_INTEGER) revert NotSafeInteger(round);
        if (chest > MAX_CHEST) revert ChestOutOfRange(chest);
        return abi.encodePacked(
            '{"chest":', Strings.toString(chest), ',"round":', Strings.toString(round), ',"table":"raid-loot-v1"}'
        );
    }

    /// A length-prefixed field: 4-byte big-endian length, then the bytes. The length always fits
    /// 4 bytes: no call has the gas to hold 4 GiB in memory.
    function field(bytes memory x) internal pure returns (bytes memory) {
        return abi.encodePacked(uint32(x.length), x);
    }
}
