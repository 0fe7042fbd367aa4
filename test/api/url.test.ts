import { describe, expect, it } from 'vitest';
import { BaseUrlError, checkBaseUrl } from '../../src/api/url.js';

describe('checkBaseUrl', () => {
  it('accepts an https origin, with or without the trailing slash', () => {
    expect(checkBaseUrl('https://api.cometapi.com/').href).toBe('https://api.cometapi.com/');
    expect(checkBaseUrl('https://api.cometapi.com').href).toBe('https://api.cometapi.com/');
  });

  it('refuses a path, naming the setting and only the origin', () => {
    expect(() => checkBaseUrl('https://proxy.example/comet/', 'COMETAPI_BASE_URL')).toThrow(
      'COMETAPI_BASE_URL: https://proxy.example must be an origin without a path (e.g. https://api.cometapi.com)',
    );
  });

  it.each(['http://127.0.0.1:8080', 'http://127.9.8.7', 'http://[::1]:3000', 'http://localhost'])(
    'accepts loopback over http: %s',
    (url) => {
      expect(checkBaseUrl(url).protocol).toBe('http:');
    },
  );

  it.each(['http://api.cometapi.com', 'http://10.0.0.1', 'http://[::2]', 'http://128.0.0.1'])(
    'refuses plain http to another machine: %s',
    (url) => {
      expect(() => checkBaseUrl(url)).toThrow(/uses http:\/\//);
    },
  );

  it.each(['ftp://api.cometapi.com', 'file:///etc/passwd', 'not a url'])(
    'refuses other schemes and junk: %s',
    (url) => {
      expect(() => checkBaseUrl(url)).toThrow(BaseUrlError);
    },
  );

  it('refuses credentials without echoing them', () => {
    let message = '';
    try {
      checkBaseUrl('https://user:s3cret@api.cometapi.com');
    } catch (err) {
      expect(err).toBeInstanceOf(BaseUrlError);
      expect((err as Error).name).toBe('BaseUrlError');
      message = (err as Error).message;
    }
    expect(message).toMatch(/credentials/);
    expect(message).not.toContain('s3cret');
  });

  it('never echoes the value, only the origin of an http(s) URL', () => {
    const secret = 'sk-AbCdEf0123456789';
    for (const url of [
      secret,
      `${secret}:x`,
      `ftp://${secret}.example`,
      `https://user:${secret}@api.cometapi.com`,
      `http://10.0.0.1/${secret}`,
      `https://proxy.example/comet?key=${secret}`,
      `https://proxy.example/comet#${secret}`,
    ]) {
      let message = '';
      try {
        checkBaseUrl(url);
      } catch (err) {
        expect(err).toBeInstanceOf(BaseUrlError);
        message = (err as Error).message;
      }
      expect(message, url).toMatch(/^base URL /);
      expect(message, url).not.toContain('AbCdEf');
    }
    expect(() => checkBaseUrl('http://10.0.0.1/x')).toThrow(
      /^base URL http:\/\/10\.0\.0\.1 uses http:\/\//,
    );
  });

  it('names the setting the URL came from', () => {
    expect(() => checkBaseUrl('sk-AbCdEf', 'COMETAPI_BASE_URL')).toThrow(
      /^COMETAPI_BASE_URL: is not a URL$/,
    );
    expect(() => checkBaseUrl('http://10.0.0.1', '--base-url')).toThrow(
      /^--base-url: http:\/\/10\.0\.0\.1 uses http:\/\//,
    );
  });
});
