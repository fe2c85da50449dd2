// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OutcomeStream} from "./OutcomeStream.sol";

/// @title RaidLoot: what a raid chest holds (mapping raid-loot-v1), derived from a loot draw's beta.
/// @notice The row of the loot table a beta picks, exactly as `lootOutcome` in games/raid/rules.ts:
/// `weighted` over the table's weights, in the table's order, from the start of beta's
/// fairplay-outcome-v1 stream (OutcomeStream).
///
/// Which table: the `lootTable` of the raid rules document whose SHA-256 is the receipt's
/// `rulesHash` (FAIRNESS.md section 8), the document the FairnessRegistry pins for the game. Today
/// that is LOOT_TABLE (weights 50, 25, 15, 8, 2: 10 bonus chips, 25 bonus chips, emerald 101,
/// ruby 102, crown 103); receipts pinning the first published document (and protocol v1 receipts,
/// which pin none) use COIN_LOOT_TABLE (the same weights, coins of token 1 in the first two rows).
/// The caller passes that table's weights and reads the item (token id and amount, or bonus chips,
/// which mint nothing) from the same table's row at the returned index. This library cannot tell
/// one table from another: a caller that takes the weights from an unpinned source lets whoever
/// supplies them choose the loot.
library RaidLoot {
    /// The mapping version a loot receipt's action names (`"table":"raid-loot-v1"`).
    string internal constant MAPPING = "raid-loot-v1";
    /// A rules document's loot table holds 1 to 64 rows, each weighing 1 to 1,000,000 (the schema
    /// of `lootTableOf`); the server reads no other table, so none other yields loot here either.
    uint256 internal constant MAX_ROWS = 64;
    uint256 internal constant MAX_WEIGHT = 1_000_000;

    error BadLootTable();

    /// The index of the loot table row that `beta` (32 or 64 bytes) picks among `weights`.
    function lootIndex(bytes memory beta, uint256[] memory weights) internal pure returns (uint256) {
        if (weights.length == 0 || weights.length > MAX_ROWS) revert BadLootTable();
        for (uint256 i = 0; i < weights.length; i++) {
            if (weights[i] == 0 || weights[i] > MAX_WEIGHT) revert BadLootTable();
        }
        return OutcomeStream.weightedPick(beta, weights);
    }
}
