import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { call, emulators, fullBody, offline } from './helpers.js';
import { tempDirs } from '../helpers/temp.js';

offline();
const start = emulators();

const tempDir = tempDirs('emu');

describe('emulator state file', () => {
  it('writes { nextId, keys } after every write and reloads it on the next start', async () => {
    const dir = tempDir();
    const stateFile = path.join(dir, 'state.json');
    const first = await start({ seed: 3, stateFile });
    await call(first, 'POST', '/api/token/', { body: fullBody({ name: 'created' }) });
    await call(first, 'PUT', '/api/token/', { body: fullBody({ id: 1, name: 'updated' }) });
    await call(first, 'DELETE', '/api/token/4');
    const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(saved.nextId).toBe(5);
    expect(saved.keys.map((k: { id: number }) => k.id)).toEqual([1, 2, 3]);
    const before = first.records();
    await first.close();

    // A different seed is ignored: the state file wins.
    const second = await start({ seed: 10, stateFile });
    expect(second.records()).toEqual(before);
    await call(second, 'POST', '/api/token/', { body: fullBody({ name: 'after-restart' }) });
    expect(second.records().map((r) => r.id)).toEqual([1, 2, 3, 5]);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('saves out-of-band changes too', async () => {
    const stateFile = path.join(tempDir(), 'state.json');
    const emu = await start({ stateFile });
    const { id } = emu.insert({ name: 'oob' });
    emu.use(id, 10);
    const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(saved.keys[0]).toMatchObject({ id, name: 'oob', used_quota: 10 });
  });

  it('does not write on a refused request', async () => {
    const stateFile = path.join(tempDir(), 'state.json');
    const emu = await start({ seed: 1, stateFile });
    const before = readFileSync(stateFile, 'utf8');
    await call(emu, 'PUT', '/api/token/', { body: fullBody({ id: 1, remain_quota: -1 }) });
    expect(readFileSync(stateFile, 'utf8')).toBe(before);
  });

  it('refuses an invalid state file with a clear error', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"nextId": 0, "keys": []}');
    await expect(startEmulator({ stateFile: bad })).rejects.toThrow(/nextId must be a positive/);
    writeFileSync(bad, 'not json');
    await expect(startEmulator({ stateFile: bad })).rejects.toThrow(/is not valid JSON/);
    writeFileSync(bad, '{"nextId": 2, "keys": [{"name": "no id"}]}');
    await expect(startEmulator({ stateFile: bad })).rejects.toThrow(/items\[0\]: missing id/);
  });
});
