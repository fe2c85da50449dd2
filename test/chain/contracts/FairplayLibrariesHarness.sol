// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FairplayAlpha} from "../../../server/chain/contracts/FairplayAlpha.sol";
import {OutcomeStream} from "../../../server/chain/contracts/OutcomeStream.sol";
import {RaidLoot} from "../../../server/chain/contracts/RaidLoot.sol";

/// @title FairplayLibrariesHarness: the pure on-chain libraries behind external functions, for
/// tests only (never deployed by the server). Tests call it with eth_call and compare every answer
/// with the TypeScript; the `*Gas` functions report the gas a library call itself spends.
contract FairplayLibrariesHarness {
    using OutcomeStream for OutcomeStream.Stream;

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
    ) external pure returns (bytes memory) {
        return FairplayAlpha.alpha(suite, keyId, roomId, drawSeq, game, kind, canonicalAction, players, seeds, prevHash);
    }

    /// Gas of building the alpha of a raid loot draw (its action included) from its fields.
    function raidLootAlphaGas(
        string memory roomId,
        uint64 drawSeq,
        uint256 round,
        uint256 chest,
        address[] memory players,
        bytes32[] memory seeds,
        bytes32 prevHash
    ) external view returns (uint256 used) {
        used = gasleft();
        bytes memory built = FairplayAlpha.alpha(
            "ECVRF-SECP256K1-SHA256-TAI", bytes8(0x0d919fdcbe9bb1e8), roomId, drawSeq, "raid", "loot",
            FairplayAlpha.raidLootAction(round, chest), players, seeds, prevHash
        );
        used -= gasleft();
        require(built.length > 0); // the result is used, so no optimizer may drop the call
    }

    function raidLootAction(uint256 round, uint256 chest) external pure returns (bytes memory) {
        return FairplayAlpha.raidLootAction(round, chest);
    }

    /// `int(n)` for each n in turn on one stream of `beta`, and the bytes they consumed.
    function ints(bytes memory beta, uint256[] memory ns) external pure returns (uint256[] memory values, uint256 consumed) {
        OutcomeStream.Stream memory s = OutcomeStream.open(beta);
        values = new uint256[](ns.length);
        for (uint256 i = 0; i < ns.length; i++) values[i] = s.nextInt(ns[i]);
        consumed = s.consumed;
    }

    /// `weighted(w)` on a fresh stream of `beta`, and the bytes it consumed.
    function weighted(bytes memory beta, uint256[] memory w) external pure returns (uint256 index, uint256 consumed) {
        OutcomeStream.Stream memory s = OutcomeStream.open(beta);
        index = s.nextWeighted(w);
        consumed = s.consumed;
    }

    function uniformInt(bytes memory beta, uint256 n) external pure returns (uint256) {
        return OutcomeStream.uniformInt(beta, n);
    }

    function lootIndex(bytes memory beta, uint256[] memory weights) external pure returns (uint256) {
        return RaidLoot.lootIndex(beta, weights);
    }

    /// Gas of one loot derivation.
    function lootIndexGas(bytes memory beta, uint256[] memory weights) external view returns (uint256 used) {
        used = gasleft();
        uint256 index = RaidLoot.lootIndex(beta, weights);
        used -= gasleft();
        require(index < weights.length); // the result is used, so no optimizer may drop the call
    }
}
