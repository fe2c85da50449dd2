/**
 * A chain to anchor on, for the anchor tests: anvil on loopback with a minimal contract that has
 * exactly the fairness registry's anchor interface (issue 15's design, section 2: `anchor`,
 * `anchorCount`, `anchorAt`, `Anchored`), compiled here with solc-js, and a funded fairness key
 * that alone may anchor. The registry's own contract replaces it once it is in the tree.
 */
import { ContractFactory, Wallet, type Contract } from 'ethers';
import solc from 'solc';
import { startAnvil } from '../../server/chain/anvil.ts';
import { rpcProvider } from '../../server/chain/chain.ts';

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
contract AnchorsOnly {
  struct Anchor { bytes32 root; uint64 timestamp; uint64 blockNumber; uint32 leafCount; }
  error AnchorOutOfOrder(uint64 index, uint64 expected);
  error NotAnchorer();
  event Anchored(uint256 indexed index, bytes32 root, uint32 leafCount);
  address private immutable anchorer;
  Anchor[] private anchors;
  constructor(address a) { anchorer = a; }
  function anchor(uint64 index, bytes32 root, uint32 leafCount) external {
    if (msg.sender != anchorer) revert NotAnchorer();
    if (index != anchors.length) revert AnchorOutOfOrder(index, uint64(anchors.length));
    anchors.push(Anchor(root, uint64(block.timestamp), uint64(block.number), leafCount));
    emit Anchored(index, root, leafCount);
  }
  function anchorCount() external view returns (uint64) { return uint64(anchors.length); }
  function anchorAt(uint64 index) external view returns (bytes32 root, uint64 timestamp, uint64 blockNumber, uint32 leafCount) {
    Anchor storage a = anchors[index];
    return (a.root, a.timestamp, a.blockNumber, a.leafCount);
  }
}
`;

function compile(): { abi: unknown[]; bytecode: string } {
  const input = {
    language: 'Solidity',
    sources: { 'AnchorsOnly.sol': { content: SOURCE } },
    settings: { evmVersion: 'cancun', optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const c = out.contracts['AnchorsOnly.sol']!['AnchorsOnly']!;
  return { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object };
}

export async function startAnchorChain() {
  const node = await startAnvil();
  const provider = rpcProvider(node.url);
  const wallet = Wallet.createRandom().connect(provider);
  await provider.send('anvil_setBalance', [wallet.address, '0x3635c9adc5dea00000']);
  const { abi, bytecode } = compile();
  const factory = new ContractFactory(abi as never, bytecode, await provider.getSigner(0));
  const deployed = await factory.deploy(wallet.address);
  await deployed.waitForDeployment();
  const registry = deployed as unknown as Contract;
  return {
    node,
    provider,
    /** The fairness key: the contract's only anchorer. */
    wallet,
    registry,
    registryAddress: (await registry.getAddress()).toLowerCase(),
    async close(): Promise<void> {
      provider.destroy();
      await node.stop();
    },
  };
}
