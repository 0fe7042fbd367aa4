/** Diagnostic helpers: order and text form; and byte decoding of key files. */
import { describe, expect, it } from 'vitest';
import { formatDiagnostics, hasErrors, sortDiagnostics } from '../../src/desired/diagnostics.js';
import { decodeKeyFileBytes } from '../../src/desired/read-key-file.js';
import { formatDiagnostic, type Diagnostic } from '../../src/model.js';

const d = (over: Partial<Diagnostic>): Diagnostic => ({
  severity: 'error',
  file: 'a.yaml',
  line: 1,
  col: 1,
  path: '',
  message: 'm',
  ...over,
});

describe('diagnostics', () => {
  it('sorts by file, line, column, then errors before warnings', () => {
    const list = [
      d({ file: 'b.yaml' }),
      d({ line: 3, col: 2 }),
      d({ line: 3, col: 1, severity: 'warning' }),
      d({ line: 3, col: 1 }),
      d({ line: 0, col: 0 }),
    ];
    expect(sortDiagnostics(list)).toEqual([list[4], list[3], list[2], list[1], list[0]]);
  });

  it('formats with and without a position and path', () => {
    expect(
      formatDiagnostic(d({ line: 14, col: 7, path: 'keys[2].allow_ips[1]', message: 'bad' })),
    ).toBe('a.yaml:14:7: error: keys[2].allow_ips[1]: bad');
    expect(formatDiagnostic(d({ line: 0, col: 0, message: 'file not found' }))).toBe(
      'a.yaml: error: file not found',
    );
    expect(formatDiagnostics([])).toBe('');
  });

  it('tells errors from warnings', () => {
    expect(hasErrors([d({ severity: 'warning' })])).toBe(false);
    expect(hasErrors([d({ severity: 'warning' }), d({})])).toBe(true);
  });
});

describe('decodeKeyFileBytes', () => {
  it('decodes UTF-8 and drops a byte order mark', () => {
    expect(decodeKeyFileBytes(Buffer.from('\ufeffname: é\n'))).toEqual({
      ok: true,
      text: 'name: é\n',
    });
  });

  it('points at the first invalid UTF-8 byte', () => {
    const bytes = Buffer.concat([
      Buffer.from('a: 1\nbb: '),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('\n'),
    ]);
    expect(decodeKeyFileBytes(bytes)).toEqual({
      ok: false,
      message: 'is not valid UTF-8 text; save it as UTF-8',
      line: 2,
      col: 5,
    });
  });

  it('refuses NUL bytes and UTF-16', () => {
    expect(decodeKeyFileBytes(Buffer.from([0x61, 0x00]))).toMatchObject({
      ok: false,
      message: expect.stringContaining('binary'),
    });
    expect(decodeKeyFileBytes(Buffer.from([0xfe, 0xff, 0x00, 0x61]))).toMatchObject({
      ok: false,
      message: 'is UTF-16 encoded; save it as UTF-8',
    });
  });
});
