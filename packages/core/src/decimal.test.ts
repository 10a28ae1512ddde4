import { describe, expect, it } from 'vitest';
import { formatScaled, normalizeDecimal, numberToDecimalString, parseDecimal, toFixedPoint } from './decimal.js';

describe('decimal', () => {
  it('parses plain, signed and exponent forms exactly', () => {
    expect(parseDecimal('123.45')).toEqual({ units: 12345n, scale: 2 });
    expect(parseDecimal('-0.5')).toEqual({ units: -5n, scale: 1 });
    expect(parseDecimal('1e-7')).toEqual({ units: 1n, scale: 7 });
    expect(parseDecimal('1.2E+3')).toEqual({ units: 1200n, scale: 0 });
  });

  it('rejects what is not a decimal number', () => {
    for (const bad of ['', 'NaN', 'abc', '0x10', '1.2.3', '--1', 'Infinity', '1e99999']) {
      expect(parseDecimal(bad), bad).toBeUndefined();
    }
  });

  it('converts to fixed point with truncation towards zero', () => {
    expect(toFixedPoint('65432.123456789', 8)).toBe(6543212345678n);
    expect(toFixedPoint('1', 18)).toBe(10n ** 18n);
    expect(toFixedPoint('-1.999', 2)).toBe(-199n);
    expect(toFixedPoint('junk', 8)).toBeUndefined();
  });

  it('formats and normalises without exponent or trailing zeros', () => {
    expect(formatScaled(12345n, 2)).toBe('123.45');
    expect(formatScaled(-5n, 3)).toBe('-0.005');
    expect(formatScaled(100n, 2)).toBe('1');
    expect(normalizeDecimal('0001.500')).toBe('1.5');
    expect(numberToDecimalString(1e-7)).toBe('0.0000001');
    expect(numberToDecimalString(Number.NaN)).toBeUndefined();
  });
});
