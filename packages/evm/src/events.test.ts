import { id } from 'ethers';
import { describe, expect, it } from 'vitest';
import { ocr1AggregatorInterface } from './abi.js';
import {
  ANSWER_UPDATED_TOPIC,
  CONFIG_SET_TOPIC,
  decodeConfigSetLog,
  decodeNewTransmissionLog,
  decodeRoundRequestedLog,
  NEW_ROUND_TOPIC,
  NEW_TRANSMISSION_TOPIC,
  ROUND_REQUESTED_TOPIC,
} from './events.js';
import { GOLDEN_CONTRACT_CONFIG } from './fixtures/golden-config.js';
import { encodeReportContext } from './report-context.js';

describe('event topics', () => {
  it('are keccak256 of the canonical event signatures (ocr1.md §13)', () => {
    expect(id('ConfigSet(uint32,uint64,address[],address[],uint8,uint64,bytes)')).toBe(CONFIG_SET_TOPIC);
    expect(id('NewTransmission(uint32,int192,address,int192[],bytes,bytes32)')).toBe(NEW_TRANSMISSION_TOPIC);
    expect(id('NewRound(uint256,address,uint256)')).toBe(NEW_ROUND_TOPIC);
    expect(id('AnswerUpdated(int256,uint256,uint256)')).toBe(ANSWER_UPDATED_TOPIC);
    expect(id('RoundRequested(address,bytes16,uint32,uint8)')).toBe(ROUND_REQUESTED_TOPIC);
  });

  it('match the ABI the package exports', () => {
    const topics = ['ConfigSet', 'NewTransmission', 'NewRound', 'AnswerUpdated', 'RoundRequested'].map(
      (name) => ocr1AggregatorInterface.getEvent(name)?.topicHash,
    );
    expect(topics).toEqual([
      CONFIG_SET_TOPIC,
      NEW_TRANSMISSION_TOPIC,
      NEW_ROUND_TOPIC,
      ANSWER_UPDATED_TOPIC,
      ROUND_REQUESTED_TOPIC,
    ]);
  });
});

describe('event decoders', () => {
  const c = GOLDEN_CONTRACT_CONFIG;

  it('decode ConfigSet into the contract config', () => {
    const event = ocr1AggregatorInterface.getEvent('ConfigSet');
    if (!event) throw new Error('no ConfigSet');
    const log = ocr1AggregatorInterface.encodeEventLog(event, [
      77,
      3n,
      c.signers,
      c.transmitters,
      c.threshold,
      c.encodedConfigVersion,
      c.encoded,
    ]);
    const decoded = decodeConfigSetLog(log);
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.value).toMatchObject({
      previousConfigBlockNumber: 77,
      configCount: 3n,
      threshold: 1,
      encodedConfigVersion: 1n,
      encoded: c.encoded,
    });
    expect(decoded.value.signers.map((s) => s.toLowerCase())).toEqual(c.signers);
  });

  it('decode NewTransmission and RoundRequested', () => {
    const context = { configDigest: '0x' + '12'.repeat(16), epoch: 9, round: 4 };
    const nt = ocr1AggregatorInterface.getEvent('NewTransmission');
    const rr = ocr1AggregatorInterface.getEvent('RoundRequested');
    if (!nt || !rr) throw new Error('missing events');
    const log = ocr1AggregatorInterface.encodeEventLog(nt, [
      5,
      20n,
      c.transmitters[0],
      [10n, 20n, 30n],
      '0x020100',
      encodeReportContext(context),
    ]);
    expect(decodeNewTransmissionLog(log)).toMatchObject({
      ok: true,
      value: {
        aggregatorRoundId: 5,
        answer: 20n,
        observations: [10n, 20n, 30n],
        observers: [2, 1, 0],
        context,
      },
    });
    const rrLog = ocr1AggregatorInterface.encodeEventLog(rr, [c.transmitters[1], context.configDigest, 9, 4]);
    expect(decodeRoundRequestedLog(rrLog)).toMatchObject({
      ok: true,
      value: { configDigest: context.configDigest, epoch: 9, round: 4 },
    });
  });

  it('return errors for other or malformed logs', () => {
    expect(decodeConfigSetLog({ topics: [NEW_ROUND_TOPIC], data: '0x' }).ok).toBe(false);
    expect(decodeConfigSetLog({ topics: [CONFIG_SET_TOPIC], data: '0x1234' }).ok).toBe(false);
  });
});
