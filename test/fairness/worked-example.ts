/**
 * The worked example of FAIRNESS.md section 9, computed from fixed inputs with the protocol
 * code. The test checks that every value printed in FAIRNESS.md is the one computed here.
 */
import { SigningKey, TypedDataEncoder, Wallet } from 'ethers';
import { getSuite } from '../../vrf/index.ts';
import { encodeAlpha } from '../../vrf/protocol/alpha.ts';
import { seedCommitment, vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { bytesToHex, hexToBytes } from '../../vrf/protocol/encoding.ts';
import { outcomeMappings } from '../../games/registry.ts';
import { RECEIPT_DOMAIN, RECEIPT_TYPES, receiptMessage } from '../../vrf/protocol/receipt.ts';
import { GENESIS_HASH, recordHash, type OutcomeRecord, type ReceiptRecord } from '../../vrf/protocol/records.ts';
import { TRANSCRIPT_FORMAT_V1, type Transcript } from '../../vrf/protocol/transcript.ts';

export const inputs = {
  suite: 'ECVRF-EDWARDS25519-SHA512-TAI',
  vrfSecretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  operatorKey: '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318',
  playerKey: '0x0123456789012345678901234567890123456789012345678901234567890123',
  seed: '5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed',
  roomId: 'worked-example',
  issuedAt: 1795300000000,
  action: { stake: 10, target: 5000, direction: 'under', edgeBps: 100 },
} as const;

export function buildWorkedExample() {
  const suite = getSuite(inputs.suite);
  const vrfPublicKey = suite.publicKey(hexToBytes(inputs.vrfSecretKey));
  const keyId = vrfKeyId(suite.name, vrfPublicKey);
  const operator = new Wallet(inputs.operatorKey);
  const player = new Wallet(inputs.playerKey).address;
  const commitment = seedCommitment(inputs.seed);
  const unsigned = {
    seq: 0,
    prev: GENESIS_HASH,
    roomId: inputs.roomId,
    drawSeq: 0,
    type: 'receipt' as const,
    game: 'dice',
    kind: 'roll',
    action: { ...inputs.action },
    players: [player],
    commitments: [commitment],
    suite: suite.name,
    keyId,
    issuedAt: inputs.issuedAt,
  };
  const receiptDigest = TypedDataEncoder.hash(RECEIPT_DOMAIN, RECEIPT_TYPES, receiptMessage(unsigned));
  const receipt: ReceiptRecord = { ...unsigned, signature: new SigningKey(inputs.operatorKey).sign(receiptDigest).serialized };
  const receiptHash = recordHash(receipt);
  const alpha = encodeAlpha({
    suite: suite.name,
    keyId,
    roomId: inputs.roomId,
    drawSeq: 0,
    game: 'dice',
    kind: 'roll',
    action: receipt.action,
    participants: [{ address: player, seed: inputs.seed }],
    prevHash: GENESIS_HASH,
  });
  const pi = suite.prove(hexToBytes(inputs.vrfSecretKey), alpha);
  const beta = suite.proofToHash(pi);
  const outcome: OutcomeRecord = {
    seq: 1,
    prev: receiptHash,
    roomId: inputs.roomId,
    drawSeq: 0,
    type: 'outcome',
    receiptSeq: 0,
    seeds: [inputs.seed],
    alpha: bytesToHex(alpha),
    pi: bytesToHex(pi),
    beta: bytesToHex(beta),
    result: outcomeMappings['dice/roll']!.result(beta, receipt.action, []),
  };
  const outcomeHash = recordHash(outcome);
  const transcript: Transcript = {
    format: TRANSCRIPT_FORMAT_V1, // the worked example is a v1 transcript: section 9 is unchanged
    roomId: inputs.roomId,
    suite: suite.name,
    keyId,
    publicKey: bytesToHex(vrfPublicKey),
    receiptSigner: operator.address,
    records: [
      { ...receipt, hash: receiptHash },
      { ...outcome, hash: outcomeHash },
    ],
  };
  return { publicKey: bytesToHex(vrfPublicKey), keyId, operator: operator.address, player, commitment, receiptDigest, receipt, receiptHash, alpha: bytesToHex(alpha), pi: bytesToHex(pi), beta: bytesToHex(beta), outcome, outcomeHash, transcript };
}
