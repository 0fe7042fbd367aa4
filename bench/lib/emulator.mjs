// Parent side of bench/emulator-child.mjs: forks the emulator and sends it commands.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('../emulator-child.mjs', import.meta.url));
const START_TIMEOUT_MS = 60_000;

/**
 * Starts the emulator in a child process with `startEmulator` options.
 * @returns {Promise<{ url: string, token: string, call: (cmd: string, arg?: unknown) => Promise<any>, close: () => Promise<void> }>}
 */
export function startChildEmulator(options) {
  const child = fork(CHILD, [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the emulator did not start')),
      START_TIMEOUT_MS,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited early (${code})`));
    });
    child.on('message', (msg) => {
      if (msg.ready) {
        clearTimeout(timer);
        resolve({ url: msg.url, token: msg.token, call, close });
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new Error(msg.error));
    });
  });

  function call(cmd, arg) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, arg });
    });
  }

  async function close() {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await call('close');
    } catch {
      child.kill('SIGTERM');
    }
    await exited;
  }
}
