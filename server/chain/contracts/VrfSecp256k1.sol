// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Secp256k1} from "./Secp256k1.sol";

/// @title VrfSecp256k1: ECVRF-SECP256K1-SHA256-TAI proofs checked on chain.
/// @notice The suite is RFC 9381's ECVRF with P-256-TAI's rules (section 5.5, suite 0x01) on
/// secp256k1: suite_string 0xFE, SHA-256, 33-byte compressed SEC1 points, try-and-increment
/// encode_to_curve, a 16-byte challenge, pi = Gamma(33) || c(16) || s(32), cofactor 1.
/// Decoding is as strict as vrf/ is: pk and Gamma are 0x02/0x03 || x with x < p on the curve,
/// s < n. Both checks return false on any bad input and never revert (short of gas).
///
/// `verify` does the curve arithmetic itself (about a million gas; tests and reference).
/// `fastVerify` takes the prover's `Witnesses` and checks each with cheap operations:
///  - U = s*B - c*Y with one ecrecover: ecrecover(h, v, r, sig) = r^-1 (sig*R - h*G) with R = Y,
///    r = Y.x, v = 27 + parity(Y), sig = -c*r, h = -s*r (mod n) gives s*G - c*Y, whose address
///    must be keccak256(U.x || U.y)[12:]. In the same way s*H (R = H, sig = s*r, h = 0) and
///    c*Gamma (R = Gamma, sig = c*r, h = 0). ecrecover also decompresses R: a pk, Gamma or H
///    off the curve recovers nothing, and the check fails. (Binding a witness point through its
///    160-bit address is the usual trick, as in Chainlink's VRF.)
///  - V = s*H - c*Gamma from the two witnessed points: the witness V must satisfy the affine
///    addition law, checked without an inverse: with d = x2 - x1 and e = y2 - y1 for P1 = s*H,
///    P2 = -(c*Gamma): (V.x + x1 + x2) d^2 = e^2 and (V.y + y1) d = e (x1 - V.x), mod p.
///  - the try-and-increment counter ctr: H.x is SHA256(0xFE||0x01||pk||alpha||ctr||0x00) and must
///    decode (the s*H ecrecover checks that); each smaller counter must not decode: its hash is
///    >= p, or x^3 + 7 is a non-residue. Since p = 3 mod 4, -1 is a non-residue, so a is one
///    exactly when -a has a square root: for counters 0..3 the witness gives that root (one
///    mulmod); from counter 4 on (probability 1/16) the contract uses Euler's criterion (modexp).
/// Where ecrecover cannot express a step (pk.x, Gamma.x or H.x in [n, p) or 0, c = 0, s = 0, or
/// s*H = +-c*Gamma), each with probability about 2^-128 for an honest proof, fastVerify falls
/// back to `verify` and ignores the witnesses. Otherwise it is true exactly when the proof is
/// valid and the witnesses are the ones `vrf/secp256k1-witnesses.ts` computes (short of a
/// 160-bit address collision for U, s*H or c*Gamma).
library VrfSecp256k1 {
    uint256 private constant P = Secp256k1.P;
    uint256 private constant N = Secp256k1.N;
    /// Counters below this get a non-residue root in the witnesses; later ones use modexp.
    uint256 internal constant ROOT_SLOTS = 4;

    /// @notice fastVerify's witnesses. abi.encode of it is 13 big-endian 32-byte words, 416 bytes:
    ///  [0, 32)     ctr: the try-and-increment counter that gave H (0..255)
    ///  [32, 160)   nonResidueRoots[0..3]: for each i < min(ctr, 4), 0 if hash_i >= p, else the
    ///              even w < p with w^2 = -(hash_i^3 + 7) mod p; 0 for every i >= ctr
    ///  [160, 224)  u: U = s*B - c*Y, affine (x, y)
    ///  [224, 288)  sH: s*H, affine (x, y)
    ///  [288, 352)  cGamma: c*Gamma, affine (x, y)
    ///  [352, 416)  v: V = s*H - c*Gamma, affine (x, y)
    struct Witnesses {
        uint256 ctr;
        uint256[4] nonResidueRoots;
        uint256[2] u;
        uint256[2] sH;
        uint256[2] cGamma;
        uint256[2] v;
    }

    /// pk and pi as integers: prefixes (2 or 3), abscissas, challenge and response.
    struct Decoded {
        uint256 yPrefix;
        uint256 yx;
        uint256 gPrefix;
        uint256 gx;
        uint256 c;
        uint256 s;
    }

    /// The whole check, with secp256k1 arithmetic in Solidity. True iff vrf/ accepts.
    function verify(bytes memory pk, bytes memory proof, bytes memory alpha) internal view returns (bool) {
        (bool ok, Decoded memory d) = decode(pk, proof);
        if (!ok) return false;
        uint256[2] memory y = [d.yx, 0];
        uint256[2] memory gamma = [d.gx, 0];
        uint256[2] memory h;
        (ok, y[1]) = Secp256k1.decompress(d.yx, d.yPrefix - 2);
        if (!ok) return false;
        (ok, gamma[1]) = Secp256k1.decompress(d.gx, d.gPrefix - 2);
        if (!ok) return false;
        bytes memory buf = hashInput(pk, alpha);
        ok = false;
        for (uint256 ctr = 0; !ok; ++ctr) {
            // vrf/ gives up after 256 counters (probability 2^-256).
            if (ctr == 256) return false;
            buf[buf.length - 2] = bytes1(uint8(ctr));
            h[0] = uint256(sha256(buf));
            (ok, h[1]) = Secp256k1.decompress(h[0], 0);
        }
        uint256[2] memory u;
        uint256[2] memory v;
        y[1] = P - y[1];
        (ok, u[0], u[1]) = Secp256k1.mulAdd(d.s, [Secp256k1.GX, Secp256k1.GY], d.c, y);
        if (!ok) return false;
        gamma[1] = P - gamma[1];
        (ok, v[0], v[1]) = Secp256k1.mulAdd(d.s, h, d.c, gamma);
        if (!ok) return false;
        return challenge(d, h[0], u, v) == d.c;
    }

    /// The same verdict as `verify` for the witnesses vrf/ computes, for a few ten thousand gas.
    function fastVerify(bytes memory pk, bytes memory proof, bytes memory alpha, Witnesses memory w)
        internal
        view
        returns (bool)
    {
        (bool ok, Decoded memory d) = decode(pk, proof);
        if (!ok || w.ctr > 255) return false;
        if (d.yx == 0 || d.yx >= N || d.gx == 0 || d.gx >= N || d.c == 0 || d.s == 0) return verify(pk, proof, alpha);
        uint256 hx;
        (ok, hx) = hashToCurveX(pk, alpha, w);
        if (!ok) return false;
        if (hx == 0 || hx >= N) return verify(pk, proof, alpha);
        if (!recovers(N - mulmod(d.s, d.yx, N), d.yPrefix - 2, d.yx, N - mulmod(d.c, d.yx, N), w.u)) return false;
        if (!recovers(0, 0, hx, mulmod(d.s, hx, N), w.sH)) return false;
        if (!recovers(0, d.gPrefix - 2, d.gx, mulmod(d.c, d.gx, N), w.cGamma)) return false;
        if (w.sH[0] == w.cGamma[0]) return verify(pk, proof, alpha);
        if (!isDifference(w.v, w.sH, w.cGamma)) return false;
        return challenge(d, hx, w.u, w.v) == d.c;
    }

    /// beta = SHA256(0xFE || 0x03 || Gamma || 0x00). Call it on a verified proof only.
    function proofToHash(bytes memory proof) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(bytes2(0xFE03), proof[0], bytes32(word(proof, 1)), bytes1(0)));
    }

    /// Lengths, prefixes, x < p for both points and s < n; the rest is left to the curve checks.
    function decode(bytes memory pk, bytes memory proof) private pure returns (bool ok, Decoded memory d) {
        if (pk.length != 33 || proof.length != 81) return (false, d);
        d.yPrefix = uint8(pk[0]);
        d.gPrefix = uint8(proof[0]);
        if ((d.yPrefix != 2 && d.yPrefix != 3) || (d.gPrefix != 2 && d.gPrefix != 3)) return (false, d);
        d.yx = word(pk, 1);
        d.gx = word(proof, 1);
        d.c = word(proof, 33) >> 128;
        d.s = word(proof, 49);
        return (d.yx < P && d.gx < P && d.s < N, d);
    }

    /// 0xFE || 0x01 || pk || alpha || ctr || 0x00, ctr (second to last byte) set by the caller.
    function hashInput(bytes memory pk, bytes memory alpha) private pure returns (bytes memory) {
        return abi.encodePacked(bytes2(0xFE01), pk, alpha, bytes2(0));
    }

    /// H.x at the witness counter, once every smaller counter is shown not to decode.
    function hashToCurveX(bytes memory pk, bytes memory alpha, Witnesses memory w)
        private
        view
        returns (bool ok, uint256 hx)
    {
        // Unused root slots must be zero: one witness encoding per proof.
        for (uint256 i = w.ctr; i < ROOT_SLOTS; ++i) if (w.nonResidueRoots[i] != 0) return (false, 0);
        bytes memory buf = hashInput(pk, alpha);
        uint256 at = buf.length - 2;
        for (uint256 i = 0; i < w.ctr; ++i) {
            buf[at] = bytes1(uint8(i));
            uint256 x = uint256(sha256(buf));
            if (!failsToDecode(x, i < ROOT_SLOTS, i < ROOT_SLOTS ? w.nonResidueRoots[i] : 0)) return (false, 0);
        }
        buf[at] = bytes1(uint8(w.ctr));
        hx = uint256(sha256(buf));
        return (hx < P, hx);
    }

    /// Whether 0x02 || x is no point: x >= p, or x^3 + 7 a non-residue (shown by `root` when
    /// `rooted`, by Euler's criterion otherwise). x^3 + 7 is never 0 (no point of order 2).
    function failsToDecode(uint256 x, bool rooted, uint256 root) private view returns (bool) {
        if (x >= P) return !rooted || root == 0;
        uint256 a = Secp256k1.rhs(x);
        if (!rooted) return Secp256k1.isNonResidue(a);
        return root != 0 && root < P && root & 1 == 0 && mulmod(root, root, P) == P - a;
    }

    /// Whether ecrecover(h, 27 + parity, r, sig) is the address of the point `pt`.
    function recovers(uint256 h, uint256 parity, uint256 r, uint256 sig, uint256[2] memory pt)
        private
        pure
        returns (bool)
    {
        address got = ecrecover(bytes32(h), uint8(27 + parity), bytes32(r), bytes32(sig));
        return got != address(0) && got == address(uint160(uint256(keccak256(abi.encodePacked(pt[0], pt[1])))));
    }

    /// Whether v = p1 - q by the affine addition law (p1.x != q.x, checked by the caller).
    function isDifference(uint256[2] memory v, uint256[2] memory p1, uint256[2] memory q) private pure returns (bool) {
        if (v[0] >= P || v[1] >= P) return false;
        uint256 d = addmod(q[0], P - p1[0], P);
        uint256 e = addmod(P - q[1], P - p1[1], P);
        return mulmod(addmod(addmod(v[0], p1[0], P), q[0], P), mulmod(d, d, P), P) == mulmod(e, e, P)
            && mulmod(addmod(v[1], p1[1], P), d, P) == mulmod(e, addmod(p1[0], P - v[0], P), P);
    }

    /// c' = first 16 bytes of SHA256(0xFE || 0x02 || Y || H || Gamma || U || V || 0x00).
    function challenge(Decoded memory d, uint256 hx, uint256[2] memory u, uint256[2] memory v)
        private
        view
        returns (uint256 c)
    {
        (uint256 yp, uint256 yx, uint256 gp, uint256 gx) = (d.yPrefix, d.yx, d.gPrefix, d.gx);
        (uint256 up, uint256 ux, uint256 vp, uint256 vx) = (2 + (u[1] & 1), u[0], 2 + (v[1] & 1), v[0]);
        bool ok;
        assembly ("memory-safe") {
            // 168 bytes of scratch past the free memory pointer: 2 + 5 * 33 + 1.
            let m := mload(0x40)
            mstore8(m, 0xFE)
            mstore8(add(m, 1), 0x02)
            mstore8(add(m, 2), yp)
            mstore(add(m, 3), yx)
            mstore8(add(m, 35), 0x02)
            mstore(add(m, 36), hx)
            mstore8(add(m, 68), gp)
            mstore(add(m, 69), gx)
            mstore8(add(m, 101), up)
            mstore(add(m, 102), ux)
            mstore8(add(m, 134), vp)
            mstore(add(m, 135), vx)
            mstore8(add(m, 167), 0)
            ok := staticcall(gas(), 0x02, m, 168, 0x00, 32)
            c := shr(128, mload(0x00))
        }
        // The precompile fails only when out of gas; no challenge matches c < 2^128 + 1.
        if (!ok) return type(uint256).max;
    }

    /// The 32 bytes of b from offset off (the caller has checked the length).
    function word(bytes memory b, uint256 off) private pure returns (uint256 w) {
        assembly ("memory-safe") {
            w := mload(add(add(b, 32), off))
        }
    }
}
