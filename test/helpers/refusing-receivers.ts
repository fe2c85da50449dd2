/**
 * Receivers that refuse the court's coins, for the court tests: `Picky` takes a transfer only in
 * a transaction it sent itself (tx.origin is its own address), `Burner` burns all the gas its hook
 * is given. An EOA takes either as its code by EIP-7702 delegation (`delegate`), as a hostile
 * player would, so the address the court pays stays one recovered from a signature.
 */
import { ContractFactory, type JsonRpcProvider, type Wallet } from 'ethers';
import solc from 'solc';

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
contract Picky {
  function onERC1155Received(address, address, uint256, uint256, bytes calldata) external view returns (bytes4) {
    require(tx.origin == address(this), "paid only in my own transactions");
    return this.onERC1155Received.selector;
  }
  function onERC1155BatchReceived(address, address, uint256[] calldata, uint256[] calldata, bytes calldata) external view returns (bytes4) {
    require(tx.origin == address(this), "paid only in my own transactions");
    return this.onERC1155BatchReceived.selector;
  }
  function supportsInterface(bytes4) external pure returns (bool) { return true; }
}
contract Burner {
  uint256 private spins;
  function onERC1155Received(address, address, uint256, uint256, bytes calldata) external returns (bytes4) {
    while (true) spins++;
    return this.onERC1155Received.selector;
  }
  function supportsInterface(bytes4) external pure returns (bool) { return true; }
}`;

export type ReceiverName = 'Picky' | 'Burner';

/** A codeless address the delegating transaction is sent to (the wallet's own address would run the new code). */
const SINK = '0x000000000000000000000000000000000000dEaD';

let compiled: Record<ReceiverName, { abi: unknown[]; bytecode: string }> | undefined;

function compile(): Record<ReceiverName, { abi: unknown[]; bytecode: string }> {
  if (compiled) return compiled;
  const input = { language: 'Solidity', sources: { 'Receivers.sol': { content: SOURCE } }, settings: { evmVersion: 'cancun', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } } };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const of = (name: ReceiverName) => ({ abi: out.contracts['Receivers.sol']![name]!.abi, bytecode: '0x' + out.contracts['Receivers.sol']![name]!.evm.bytecode.object });
  return (compiled = { Picky: of('Picky'), Burner: of('Burner') });
}

/** Deploys a receiver from `from` (a funded wallet): its address. */
export async function deployReceiver(name: ReceiverName, from: Wallet): Promise<string> {
  const { abi, bytecode } = compile()[name];
  return (await (await new ContractFactory(abi as never, bytecode, from).deploy()).waitForDeployment()).getAddress();
}

/** Gives `wallet`'s own address the code at `target` (EIP-7702: a type-4 transaction the wallet signs and sends). */
export async function delegate(wallet: Wallet, provider: JsonRpcProvider, target: string): Promise<void> {
  const { chainId } = await provider.getNetwork();
  const nonce = await provider.getTransactionCount(wallet.address);
  // The sender's own nonce is used by the transaction before the authorization is read: nonce + 1.
  const auth = await wallet.authorize({ address: target, nonce: nonce + 1, chainId });
  await (await wallet.sendTransaction({ type: 4, to: SINK, value: 0, authorizationList: [auth] })).wait();
  if ((await provider.getCode(wallet.address)) === '0x') throw new Error('the delegation did not take');
}
