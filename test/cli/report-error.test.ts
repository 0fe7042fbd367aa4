/** reportError: every error of the family prints its own safe message and exit code. */
import { describe, expect, it } from 'vitest';
import { CometApiError } from '../../src/api/errors.js';
import { AccessTokenError } from '../../src/api/token.js';
import { BaseUrlError } from '../../src/api/url.js';
import { ForceOptionError, SafetyRefusalError } from '../../src/apply/safety.js';
import { CliError } from '../../src/cli/context.js';
import { reportError } from '../../src/cli/report-error.js';
import { ConfigError } from '../../src/config/config-error.js';
import { SeedError } from '../../src/emulator/seed-file.js';
import { CometkeysError, InternalError } from '../../src/errors.js';
import { PlanError, PlanFileError } from '../../src/plan/errors.js';
import { captureIo } from '../helpers/io.js';

function report(err: unknown, opts: { verbose?: boolean; token?: string } = {}) {
  const io = captureIo({
    env: { NO_COLOR: '1', ...(opts.token ? { COMETAPI_ACCESS_TOKEN: opts.token } : {}) },
  });
  const code = reportError(err, io, opts.verbose === true);
  return { code, err: io.err() };
}

const apiError = new CometApiError({
  method: 'PUT',
  path: '/api/token/',
  status: 200,
  kind: 'api',
  detail: 'success:false — Token name is too long',
});

describe('reportError', () => {
  it.each([
    ['ConfigError', new ConfigError(['a.json: retries: must be an integer', 'a.json: x: unknown'])],
    ['PlanError', new PlanError('2 keys are named "a"; pin one with id')],
    ['PlanFileError', new PlanFileError('plan.json: not a JSON plan')],
    ['BaseUrlError', new BaseUrlError('COMETAPI_BASE_URL: is not a URL')],
    ['AccessTokenError', new AccessTokenError('the access token contains line breaks')],
    ['CometApiError', apiError],
    ['SafetyRefusalError', new SafetyRefusalError('refusing to apply, nothing was written:\n  x')],
    ['ForceOptionError', new ForceOptionError('--force: unknown limit "x"')],
    ['SeedError', new SeedError('seed file s.json is not valid JSON or YAML')],
    ['CliError', new CliError('cannot write out/plan.json: the directory does not exist')],
  ])('prints a %s as it is, with exit code 1', (name, err) => {
    expect(err).toBeInstanceOf(CometkeysError);
    expect(err.name).toBe(name);
    expect(report(err)).toEqual({ code: 1, err: `error: ${err.message}\n` });
    expect(err.message).not.toContain('internal error');
  });

  it('returns the exit code an error carries', () => {
    expect(report(new CliError('stop', { exitCode: 3 }))).toEqual({
      code: 3,
      err: 'error: stop\n',
    });
  });

  it('decides by instanceof, not by name: a look-alike is a bug', () => {
    const impostor = Object.assign(new Error('looks typed'), { name: 'ConfigError', exitCode: 0 });
    expect(report(impostor)).toEqual({
      code: 1,
      err: 'error: internal error (this is a bug): looks typed\n',
    });
  });

  it('reports anything else as an internal error: Error, TypeError, RangeError, a string', () => {
    expect(report(new TypeError('x is undefined')).err).toBe(
      'error: internal error (this is a bug): x is undefined\n',
    );
    expect(report(new RangeError('too far')).err).toBe(
      'error: internal error (this is a bug): too far\n',
    );
    expect(report('thrown text')).toEqual({
      code: 1,
      err: 'error: internal error (this is a bug): thrown text\n',
    });
  });

  it('prints an InternalError once, with its stack only under --verbose', () => {
    const bug = new InternalError('server id 4 listed twice');
    expect(report(bug)).toEqual({
      code: 1,
      err: 'error: internal error (this is a bug): server id 4 listed twice\n',
    });
    const verbose = report(bug, { verbose: true }).err;
    expect(verbose).toMatch(/^error: internal error \(this is a bug\): server id 4 listed twice\n/);
    expect(verbose).toContain('report-error.test.ts');
    // A user's error has no stack, verbose or not.
    expect(report(new PlanError('ambiguous'), { verbose: true }).err).toBe('error: ambiguous\n');
  });

  it('cuts the access token out of an error that is not of the family', () => {
    const token = 'sk-live-token-1234';
    const r = report(new TypeError(`invalid header value "${token}"`), { token, verbose: true });
    expect(r.err).toContain('invalid header value "[redacted]"');
    expect(r.err).not.toContain(token);
  });

  it('escapes control characters that server or file text brings into a message', () => {
    const err = new CometApiError({
      method: 'GET',
      path: '/api/token/1',
      status: 200,
      kind: 'api',
      detail: 'success:false — bad\u001b[2J\u009b31m name\u202e',
      serverMessage: 'bad',
    });
    const printed = report(err).err;
    expect(printed).toBe(
      'error: [GET] /api/token/1: HTTP 200 success:false — bad\\u{1b}[2J\\u{9b}31m name\\u{202e}\n',
    );
    for (const raw of ['\u001b', '\u009b', '\u202e']) expect(printed).not.toContain(raw);
  });
});

describe('CometkeysError', () => {
  it('keeps the newlines of a multi-line message and escapes other control characters', () => {
    const err = new ConfigError(['a: one\tthing', 'b: \u0007two']);
    expect(err.message).toBe('a: one\\u{9}thing\nb: \\u{7}two');
    expect(err.problems).toEqual(['a: one\tthing', 'b: \u0007two']);
  });

  it('names the subclass and carries the cause', () => {
    const cause = new Error('ENOSPC');
    const err = new CliError('cannot write x', { cause });
    expect([err.name, err.exitCode, err.cause]).toEqual(['CliError', 1, cause]);
    expect(new InternalError('x')).toMatchObject({
      name: 'InternalError',
      message: 'internal error (this is a bug): x',
    });
  });
});
