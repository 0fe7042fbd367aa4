/** Unit tests of the one order of keys in output. */
import { describe, expect, it } from 'vitest';
import { compareNameId } from '../../src/values/index.js';

describe('compareNameId', () => {
  it('orders by name in code units, then id, a key without id after those with ids', () => {
    const keys = [
      { name: 'b', id: 2 },
      { name: 'a', id: null },
      { name: 'a', id: 9 },
      { name: 'B' },
      { name: 'a', id: 3 },
    ];
    expect([...keys].sort(compareNameId)).toEqual([
      { name: 'B' },
      { name: 'a', id: 3 },
      { name: 'a', id: 9 },
      { name: 'a', id: null },
      { name: 'b', id: 2 },
    ]);
  });
});
