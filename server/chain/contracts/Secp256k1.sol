// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Secp256k1: field and group arithmetic on secp256k1 for VrfSecp256k1's full `verify`.
/// @notice Jacobian coordinates (X, Y, Z) ~ (X/Z^2, Y/Z^3), Z = 0 for the point at infinity,
/// updated in place in memory so that a 256-bit double-and-add allocates nothing per step.
/// Inverses and square roots go through the modexp precompile (0x05): p = 3 mod 4, so a square
/// root of a is a^((p+1)/4) when one exists. Everything here is public data: no constant time.
library Secp256k1 {
    uint256 internal constant P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F;
    uint256 internal constant N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint256 internal constant GX = 0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798;
    uint256 internal constant GY = 0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8;
    uint256 private constant SQRT_EXP = 0x3FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFBFFFFF0C; // (p+1)/4
    uint256 private constant EULER_EXP = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF7FFFFE17; // (p-1)/2
    uint256 private constant INV_EXP = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2D; // p-2

    /// base^e mod p with the modexp precompile (EIP-198).
    function expmod(uint256 base, uint256 e) internal view returns (uint256 r) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, 32)
            mstore(add(m, 32), 32)
            mstore(add(m, 64), 32)
            mstore(add(m, 96), base)
            mstore(add(m, 128), e)
            mstore(add(m, 160), 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F)
            // Fails only when out of gas, and then the whole call is out of gas anyway.
            if iszero(staticcall(gas(), 0x05, m, 192, m, 32)) { revert(0, 0) }
            r := mload(m)
        }
    }

    /// x^3 + 7 mod p: the right-hand side of the curve equation for x < p.
    function rhs(uint256 x) internal pure returns (uint256) {
        return addmod(mulmod(mulmod(x, x, P), x, P), 7, P);
    }

    /// Whether a (0 < a < p) is a quadratic non-residue mod p, by Euler's criterion.
    function isNonResidue(uint256 a) internal view returns (bool) {
        return expmod(a, EULER_EXP) == P - 1;
    }

    /// SEC1 decompression of (x, parity); ok is false when x >= p or x is no point's abscissa.
    function decompress(uint256 x, uint256 parity) internal view returns (bool ok, uint256 y) {
        if (x >= P) return (false, 0);
        uint256 a = rhs(x);
        y = expmod(a, SQRT_EXP);
        if (mulmod(y, y, P) != a) return (false, 0);
        // y = 0 would need a point of order 2: secp256k1 has prime order, so y != 0 here.
        if (y & 1 != parity) y = P - y;
        return (true, y);
    }

    /// p = 2p, in place.
    function double(uint256[3] memory p) internal pure {
        if (p[2] == 0) return;
        uint256 a = mulmod(p[0], p[0], P);
        uint256 b = mulmod(p[1], p[1], P);
        uint256 c = mulmod(b, b, P);
        uint256 d = addmod(p[0], b, P);
        d = addmod(mulmod(d, d, P), P - addmod(a, c, P), P);
        d = addmod(d, d, P);
        uint256 e = mulmod(3, a, P);
        uint256 x3 = addmod(mulmod(e, e, P), P - addmod(d, d, P), P);
        p[2] = mulmod(addmod(p[1], p[1], P), p[2], P);
        p[1] = addmod(mulmod(e, addmod(d, P - x3, P), P), P - mulmod(8, c, P), P);
        p[0] = x3;
    }

    /// p = p + q, in place (q is left as it is); handles infinity, p = q and p = -q.
    function add(uint256[3] memory p, uint256[3] memory q) internal pure {
        if (q[2] == 0) return;
        if (p[2] == 0) {
            (p[0], p[1], p[2]) = (q[0], q[1], q[2]);
            return;
        }
        uint256 z1z1 = mulmod(p[2], p[2], P);
        uint256 z2z2 = mulmod(q[2], q[2], P);
        uint256 u1 = mulmod(p[0], z2z2, P);
        uint256 s1 = mulmod(p[1], mulmod(q[2], z2z2, P), P);
        uint256 h = addmod(mulmod(q[0], z1z1, P), P - u1, P);
        uint256 r = addmod(mulmod(q[1], mulmod(p[2], z1z1, P), P), P - s1, P);
        if (h == 0) {
            if (r == 0) double(p);
            else p[2] = 0;
            return;
        }
        uint256 hh = mulmod(h, h, P);
        uint256 hhh = mulmod(h, hh, P);
        uint256 v = mulmod(u1, hh, P);
        uint256 x3 = addmod(mulmod(r, r, P), P - addmod(hhh, addmod(v, v, P), P), P);
        p[1] = addmod(mulmod(r, addmod(v, P - x3, P), P), P - mulmod(s1, hhh, P), P);
        p[0] = x3;
        p[2] = mulmod(mulmod(p[2], q[2], P), h, P);
    }

    /// a*A + b*B (affine inputs, not infinity) as affine (x, y); infinity reports false.
    /// One shared doubling chain (Shamir's trick) with A, B and A+B precomputed.
    function mulAdd(uint256 a, uint256[2] memory pa, uint256 b, uint256[2] memory pb)
        internal
        view
        returns (bool finite, uint256 x, uint256 y)
    {
        uint256[3] memory qa = [pa[0], pa[1], 1];
        uint256[3] memory qb = [pb[0], pb[1], 1];
        uint256[3] memory qab = [pa[0], pa[1], 1];
        add(qab, qb);
        uint256[3] memory acc;
        for (uint256 i = 256; i > 0; ) {
            unchecked {
                --i;
            }
            double(acc);
            uint256 bits = (((a >> i) & 1) << 1) | ((b >> i) & 1);
            if (bits == 3) add(acc, qab);
            else if (bits == 2) add(acc, qa);
            else if (bits == 1) add(acc, qb);
        }
        if (acc[2] == 0) return (false, 0, 0);
        uint256 zInv = expmod(acc[2], INV_EXP);
        uint256 zInv2 = mulmod(zInv, zInv, P);
        return (true, mulmod(acc[0], zInv2, P), mulmod(acc[1], mulmod(zInv2, zInv, P), P));
    }
}
