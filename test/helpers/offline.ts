/**
 * Network isolation for tests (CONTRIBUTING "Tests are offline"): nock refuses every real
 * connection except, where a test starts its own servers, to 127.0.0.1.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** Offline except for the servers the tests start on 127.0.0.1. */
export function offline(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
}

/** Fully offline: every request must meet a nock interceptor, cleared after each test. */
export function nockOnly(): void {
  beforeAll(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
}
