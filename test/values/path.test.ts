/** Unit tests of paths as messages show them. */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { displayPath, formatPath } from '../../src/values/index.js';

describe('formatPath', () => {
  it('renders document paths', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['keys', 2, 'allow_ips', 1])).toBe('keys[2].allow_ips[1]');
    expect(formatPath(['defaults', 'group'])).toBe('defaults.group');
  });
});

describe('displayPath', () => {
  it('shows a file inside the working directory relative to it, others as given', () => {
    const cwd = path.resolve('/work/repo');
    expect(displayPath(cwd, path.join(cwd, 'conf', 'keys.yaml'))).toBe(
      path.join('conf', 'keys.yaml'),
    );
    expect(displayPath(cwd, path.resolve('/elsewhere/keys.yaml'))).toBe(
      path.resolve('/elsewhere/keys.yaml'),
    );
    expect(displayPath(cwd, cwd)).toBe(cwd);
  });
});
