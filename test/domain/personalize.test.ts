import { describe, expect, it } from 'vitest';
import { mapColumns, personalizeRow } from '../../app/domain/personalize.js';

describe('personalizeRow', () => {
  it('uses first name, title and company when present, whatever their header spelling', () => {
    const columns = mapColumns(['Email', 'First Name', 'Job-Title', 'Company']);
    const line = personalizeRow(['a@x', 'Ada Lovelace', 'CTO', 'Analytical Engines'], columns);
    expect(line).toBe(
      'Hi Ada, as CTO at Analytical Engines, you know how much time outreach takes; we help people write lines like this one in seconds.',
    );
  });

  it('falls back to neutral text when no known column exists or cells are empty', () => {
    const columns = mapColumns(['foo', 'first_name']);
    expect(personalizeRow(['x', '  '], columns)).toBe(
      'Hi there, outreach that feels personal usually takes hours; we help people write lines like this one in seconds.',
    );
  });

  it('is deterministic', () => {
    const columns = mapColumns(['name', 'company', 'industry']);
    const row = ['Grace', 'Navy', 'defence'];
    expect(personalizeRow(row, columns)).toBe(personalizeRow(row, columns));
    expect(personalizeRow(row, columns)).toContain('in defence');
  });
});
