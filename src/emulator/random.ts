/**
 * Deterministic randomness for seeds and faults, and the shape of secrets. The emulator is a
 * test tool: the same `seedRandom` must give the same keys and the same fault pattern.
 */
import { randomBytes } from 'node:crypto';

/** A PRNG returning floats in [0, 1). */
export type Random = () => number;

/** mulberry32: tiny, fast, and good enough for test data. */
export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from `seed` and `text` (FNV-1a), for a PRNG per named event. */
export function hashSeed(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** An integer in [min, max] inclusive. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Total length of a secret, `sk-` included. */
export const SECRET_LENGTH = 48;

/** A secret `sk-` + 45 alphanumerics, from the PRNG when given, else from crypto. */
export function generateSecret(random?: Random): string {
  const n = SECRET_LENGTH - 3;
  let out = 'sk-';
  if (random) {
    for (let i = 0; i < n; i++) out += ALPHABET[Math.floor(random() * ALPHABET.length)];
    return out;
  }
  const bytes = randomBytes(n);
  for (let i = 0; i < n; i++) out += ALPHABET[(bytes[i] as number) % ALPHABET.length];
  return out;
}

/** A random access token for the emulator (crypto; never printed except by the CLI's line). */
export function generateAccessToken(): string {
  return `ck-emu-${randomBytes(18).toString('base64url')}`;
}

/**
 * Masks a secret like newer servers: first 4 + 10 stars + last 4
 * (docs/write-protocol.md#masked-secrets).
 */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return '*'.repeat(10);
  return `${secret.slice(0, 4)}${'*'.repeat(10)}${secret.slice(-4)}`;
}
