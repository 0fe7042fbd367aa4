/** Generation names of rotated keys (docs/rotation.md#generations). */
import { describe, expect, it } from 'vitest';
import {
  generationBases,
  isGenerationOf,
  nextGenerationName,
  parseGeneration,
} from '../../src/values/index.js';

const NOW = new Date('2026-12-01T23:59:59Z');

describe('generation names', () => {
  it('names the first rotation of a UTC day NAME~YYYYMMDD, later ones ~2, ~3', () => {
    expect(nextGenerationName('backend-prod', NOW, new Set())).toBe('backend-prod~20261201');
    expect(nextGenerationName('backend-prod', NOW, new Set(['backend-prod~20261201']))).toBe(
      'backend-prod~20261201~2',
    );
    expect(
      nextGenerationName(
        'backend-prod',
        NOW,
        new Set(['backend-prod~20261201', 'backend-prod~20261201~2']),
      ),
    ).toBe('backend-prod~20261201~3');
    // The day is UTC, not local time.
    expect(nextGenerationName('k', new Date('2026-12-02T00:00:00Z'), new Set())).toBe('k~20261202');
  });

  it('gives up when the name would pass 50 characters', () => {
    const name = 'x'.repeat(41);
    expect(nextGenerationName(name, NOW, new Set())).toHaveLength(50);
    expect(nextGenerationName(name, NOW, new Set([`${name}~20261201`]))).toBeUndefined();
  });

  it('reads a generation of a declared name, with its day and counter', () => {
    expect(parseGeneration('backend-prod~20261201', 'backend-prod')).toEqual({
      date: '20261201',
      n: 1,
    });
    expect(parseGeneration('backend-prod~20261201~2', 'backend-prod')).toEqual({
      date: '20261201',
      n: 2,
    });
    for (const name of [
      'backend-prod',
      'backend-prod~2026120',
      'backend-prod~20261301',
      'backend-prod~20260230',
      'backend-prod~20261201~1',
      'backend-prod~20261201~02',
      'backend-prod~20261201x',
      'backend-prodx~20261201',
      'other~20261201',
    ]) {
      expect(isGenerationOf(name, 'backend-prod'), name).toBe(false);
    }
    expect(isGenerationOf('a~b~20261201', 'a~b')).toBe(true);
    expect(isGenerationOf('a~b~20261201', 'a')).toBe(false);
  });

  it('lists every declared name a server name could be a generation of', () => {
    expect(generationBases('a~20261201~20261202')).toEqual(['a~20261201', 'a']);
    expect(generationBases('a~20261201')).toEqual(['a']);
    expect(generationBases('plain')).toEqual([]);
  });
});
