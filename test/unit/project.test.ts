import { describe, expect, it } from 'vitest';
import { identityVerification } from '../../contracts/population/identity-verification.ts';
import { residence } from '../../contracts/population/residence.ts';
import { project, ProjectionError } from '../../domain/lookup/project.ts';

const record = {
  nationalId: '001203004567',
  fullName: 'Nguyễn Thị An',
  dateOfBirth: '2003-04-05',
  sex: 'FEMALE',
  status: 'LIVING',
  permanentResidence: { line: '12 Hàng Bạc', commune: 'Phường Hoàn Kiếm', province: 'Hà Nội' },
  temporaryResidence: null,
  household: { headNationalId: '001203004567', relationship: 'Chủ hộ' },
};

describe('project', () => {
  it('keeps exactly the fields of the contract version', () => {
    const data = project(record, identityVerification.versions[0]!);
    expect(Object.keys(data).sort()).toEqual(['dateOfBirth', 'fullName', 'nationalId', 'status']);
    expect(data).toEqual({ nationalId: record.nationalId, fullName: record.fullName, dateOfBirth: record.dateOfBirth, status: 'LIVING' });
  });

  it('projects the same record differently for another contract', () => {
    const data = project(record, residence.versions[0]!);
    expect(Object.keys(data).sort()).toEqual(['nationalId', 'permanentResidence', 'temporaryResidence']);
  });

  it('refuses a record that does not fit, naming paths but not values', () => {
    const bad = { ...record, dateOfBirth: 'yesterday' };
    expect(() => project(bad, identityVerification.versions[0]!)).toThrow(ProjectionError);
    try {
      project(bad, identityVerification.versions[0]!);
    } catch (e) {
      expect((e as Error).message).toContain('dateOfBirth');
      expect((e as Error).message).not.toContain('yesterday');
    }
  });
});
