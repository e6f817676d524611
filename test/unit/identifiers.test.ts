/** Identifier validators: enterprise codes (check digit), social insurance codes, land parcel ids. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EnterpriseCode,
  enterpriseCheckDigit,
  formatParcelId,
  ParcelId,
  parseEnterpriseCode,
  parseParcelId,
  SocialInsuranceCode,
} from '../../contracts/identifiers.ts';
import { OwnerSubject } from '../../contracts/land/vocabulary.ts';

describe('enterprise codes', () => {
  it('accepts published examples of the tax code (10 digits) and branch codes (10-3)', () => {
    expect(parseEnterpriseCode('0100233488')).toEqual({ enterprise: '0100233488' });
    expect(parseEnterpriseCode('0314409058-002')).toEqual({ enterprise: '0314409058', branch: '002' });
    expect(EnterpriseCode.safeParse('0100112437').success).toBe(true);
  });

  it('refuses a wrong check digit, a zero serial, branch 000, and other shapes', () => {
    for (const bad of [
      '0100233480',
      '0100233489',
      '0100000007',
      '0314409058-000',
      '0314409058002',
      '031440905-8002',
      '12345',
      '01002334880',
      ' 0100233488',
      '010023348A',
    ]) {
      expect(parseEnterpriseCode(bad), bad).toBeUndefined();
      expect(EnterpriseCode.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('computes the check digit as 10 − (Σ wᵢ·dᵢ mod 11), with no digit when the sum is a multiple of 11', () => {
    expect(enterpriseCheckDigit('010023348')).toBe('8');
    expect(enterpriseCheckDigit('031440905')).toBe('8');
    expect(enterpriseCheckDigit('12345678')).toBeUndefined();
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), (first9) => {
        const weights = [31, 29, 23, 19, 17, 13, 7, 5, 3];
        const sum = [...first9].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
        const check = enterpriseCheckDigit(first9);
        if (sum % 11 === 0) return check === undefined;
        // Exactly one of the ten candidate codes is valid (unless the serial is all zeros).
        const valid = [...'0123456789'].filter((d) => parseEnterpriseCode(`${first9}${d}`) !== undefined);
        return check === String(10 - (sum % 11)) && (first9.slice(2) === '0000000' ? valid.length === 0 : valid.join() === check);
      }),
    );
  });

  it('catches every single-digit typo in the first nine digits that the check digit can see', () => {
    const code = '0314409058';
    let caught = 0;
    let total = 0;
    for (let i = 0; i < 9; i++) {
      for (const d of '0123456789') {
        if (d === code[i]) continue;
        total++;
        if (!parseEnterpriseCode(`${code.slice(0, i)}${d}${code.slice(i + 1)}`)) caught++;
      }
    }
    // Weights are distinct and non-zero mod 11, so every single substitution changes the sum mod 11.
    expect(caught).toBe(total);
  });
});

describe('social insurance codes', () => {
  it('are 10 digits (no published check digit: format only)', () => {
    expect(SocialInsuranceCode.safeParse('0123456789').success).toBe(true);
    for (const bad of ['012345678', '01234567890', '012345678A', '']) expect(SocialInsuranceCode.safeParse(bad).success, bad).toBe(false);
  });
});

describe('land parcel ids', () => {
  it('are commune code, map sheet and parcel number in fixed widths, none zero', () => {
    expect(parseParcelId('00127-0012-00345')).toEqual({ commune: '00127', mapSheet: 12, parcelNumber: 345 });
    for (const bad of [
      '00127-12-345',
      '00000-0012-00345',
      '00127-0000-00345',
      '00127-0012-00000',
      '00127 0012 00345',
      '0127-0012-00345',
      '00127-0012-003450',
    ]) {
      expect(parseParcelId(bad), bad).toBeUndefined();
      expect(ParcelId.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('format and parse are inverse, so one parcel has one id', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999 }), fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 99_999 }), (c, s, p) => {
        const parts = { commune: String(c).padStart(5, '0'), mapSheet: s, parcelNumber: p };
        return JSON.stringify(parseParcelId(formatParcelId(parts))) === JSON.stringify(parts);
      }),
    );
    expect(() => formatParcelId({ commune: '00001', mapSheet: 0, parcelNumber: 1 })).toThrow(RangeError);
  });
});

describe('land users as subjects', () => {
  it('take exactly one of a national ID or an enterprise code', () => {
    expect(OwnerSubject.safeParse({ nationalId: '001203004567' }).success).toBe(true);
    expect(OwnerSubject.safeParse({ enterpriseCode: '0100233488' }).success).toBe(true);
    expect(OwnerSubject.safeParse({}).success).toBe(false);
    expect(OwnerSubject.safeParse({ nationalId: '001203004567', enterpriseCode: '0100233488' }).success).toBe(false);
    expect(OwnerSubject.safeParse({ ownerId: '001203004567' }).success).toBe(false);
  });
});
