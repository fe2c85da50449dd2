// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title OutcomeStream: unbiased game values from a VRF output, as vrf/outcome.ts reads them.
/// @notice The fairplay-outcome-v1 byte stream of a 32- or 64-byte beta, read strictly in order:
///
///   beta ‖ B(0) ‖ B(1) ‖ ...   where  B(i) = SHA-256("fairplay-outcome-v1" ‖ beta ‖ u32(i))
///
/// - `nextInt(n)`, 1 <= n <= 2^53: uniform in [0, n). n = 1 gives 0 and reads nothing. Otherwise
///   b = bit length of n - 1, k = ceil(b / 8); read k bytes big-endian, keep the low b bits; if
///   the result is < n return it, else discard those k bytes and read again (rejection sampling:
///   no modulo bias).
/// - `nextWeighted(w)`: r = nextInt(sum(w)); the smallest i with w[0] + ... + w[i] > r.
/// A contract that replays the same calls on the same beta as `OutcomeReader` gets the same values
/// and the same number of bytes consumed; it reverts exactly where the TypeScript throws.
library OutcomeStream {
    /// Largest n of `nextInt` and largest total weight: 2^53, so the TypeScript's values stay exact.
    uint256 internal constant MAX_RANGE = 2 ** 53;
    /// The stream may hold 2^32 hash blocks (their counter is 4 bytes).
    uint256 internal constant MAX_BLOCKS = 2 ** 32;

    /// A stream being read. `consumed` counts the bytes read so far (rejected attempts included),
    /// as `OutcomeReader.bytesConsumed`; `hashBlock` caches hash block `blockIndex - 1` (0: none yet).
    struct Stream {
        bytes beta;
        uint256 consumed;
        uint256 blockIndex;
        bytes32 hashBlock;
    }

    error BetaLength(uint256 length);
    error RangeOutOfBounds(uint256 n);
    error NoWeights();
    error WeightsSumOutOfBounds();
    error StreamExhausted();

    /// The stream of `beta`, a 32- or 64-byte VRF output.
    function open(bytes memory beta) internal pure returns (Stream memory s) {
        if (beta.length != 32 && beta.length != 64) revert BetaLength(beta.length);
        s.beta = beta;
    }

    /// The next byte of the stream. Its hash blocks are computed only when reached.
    function nextByte(Stream memory s) internal pure returns (uint256 value) {
        uint256 position = s.consumed++;
        uint256 betaLength = s.beta.length;
        if (position < betaLength) return uint8(s.beta[position]);
        uint256 i = (position - betaLength) / 32;
        if (s.blockIndex != i + 1) {
            if (i >= MAX_BLOCKS) revert StreamExhausted();
            s.hashBlock = sha256(abi.encodePacked("fairplay-outcome-v1", s.beta, uint32(i)));
            s.blockIndex = i + 1;
        }
        return uint8(s.hashBlock[(position - betaLength) % 32]);
    }

    /// Uniform integer in [0, n), 1 <= n <= 2^53 (mask and reject; see the library comment).
    function nextInt(Stream memory s, uint256 n) internal pure returns (uint256 v) {
        if (n < 1 || n > MAX_RANGE) revert RangeOutOfBounds(n);
        if (n == 1) return 0;
        uint256 b = Math.log2(n - 1) + 1; // bit length of n - 1, which is >= 1 here
        uint256 k = (b + 7) / 8;
        uint256 topMask = (1 << (b - 8 * (k - 1))) - 1; // bits kept from the first byte: 1..8
        while (true) {
            v = nextByte(s) & topMask;
            for (uint256 j = 1; j < k; j++) v = (v << 8) | nextByte(s);
            if (v < n) return v;
        }
    }

    /// Index i with probability w[i] / sum(w); zero weights are never picked. The sum must be in
    /// [1, 2^53], checked as the TypeScript checks it, so both refuse the same tables.
    function nextWeighted(Stream memory s, uint256[] memory w) internal pure returns (uint256 i) {
        if (w.length == 0) revert NoWeights();
        uint256 sum = 0;
        for (uint256 j = 0; j < w.length; j++) {
            // Each weight a safe integer (< 2^53), as the TypeScript demands, then the running sum.
            if (w[j] >= MAX_RANGE || w[j] > MAX_RANGE - sum) revert WeightsSumOutOfBounds();
            sum += w[j];
        }
        if (sum == 0) revert WeightsSumOutOfBounds();
        uint256 r = nextInt(s, sum);
        uint256 cumulative = 0;
        for (i = 0; ; i++) {
            cumulative += w[i];
            if (cumulative > r) return i;
        }
    }

    /// `uniformInt` of vrf/outcome.ts: one uniform integer in [0, n) from a fresh stream of `beta`.
    function uniformInt(bytes memory beta, uint256 n) internal pure returns (uint256) {
        return nextInt(open(beta), n);
    }

    /// `weightedPick` of vrf/outcome.ts: one weighted index from a fresh stream of `beta`.
    function weightedPick(bytes memory beta, uint256[] memory w) internal pure returns (uint256) {
        return nextWeighted(open(beta), w);
    }
}
