// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {VrfSecp256k1} from "VrfSecp256k1.sol";

/// @title VrfSecp256k1Harness: the library's internal functions as external calls, for tests
/// and the gas bench only (never deployed by the server).
contract VrfSecp256k1Harness {
    function verify(bytes calldata pk, bytes calldata proof, bytes calldata alpha) external view returns (bool) {
        return VrfSecp256k1.verify(pk, proof, alpha);
    }

    function fastVerify(bytes calldata pk, bytes calldata proof, bytes calldata alpha, VrfSecp256k1.Witnesses calldata w)
        external
        view
        returns (bool)
    {
        return VrfSecp256k1.fastVerify(pk, proof, alpha, w);
    }

    /// fastVerify's verdict and the gas the library call used inside this call (no 21k base,
    /// no calldata, no ABI decoding of the arguments).
    function fastVerifyGas(bytes calldata pk, bytes calldata proof, bytes calldata alpha, VrfSecp256k1.Witnesses calldata w)
        external
        view
        returns (bool ok, uint256 gasUsed)
    {
        (bytes memory pkm, bytes memory proofm, bytes memory alpham, VrfSecp256k1.Witnesses memory wm) = (pk, proof, alpha, w);
        uint256 before = gasleft();
        ok = VrfSecp256k1.fastVerify(pkm, proofm, alpham, wm);
        gasUsed = before - gasleft();
    }

    function proofToHash(bytes calldata proof) external pure returns (bytes32) {
        return VrfSecp256k1.proofToHash(proof);
    }
}
