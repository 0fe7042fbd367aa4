/**
 * The rules of a key's `rotate:` block (docs/rotation.md#the-key-file), after its shape passed the
 * schema: a rotating key gets a new id at every rotation, so it cannot pin one; its successor's
 * secret must reach its consumer, so it must declare `deliver`; and `NAME~YYYYMMDD` must fit the
 * server's 50 characters.
 */
import type { RotateSpec } from '../model.js';
import { countCodePoints, MAX_ROTATING_NAME_CHARS } from '../values/index.js';

/** One problem, at a path below the key (`['rotate']`, `['name']`, …). */
export interface RotateProblem {
  at: (string | number)[];
  message: string;
}

/** The problems of a rotating key; empty when it may rotate. */
export function rotateProblems(
  rotate: RotateSpec,
  key: { name: string; id: number | undefined; deliver: readonly string[] | undefined },
): RotateProblem[] {
  const out: RotateProblem[] = [];
  if (key.id !== undefined) {
    out.push({
      at: ['id'],
      message:
        'a key that declares rotate cannot pin id: every rotation gives it a new id (remove id, or remove rotate)',
    });
  }
  if (!key.deliver || key.deliver.length === 0) {
    out.push({
      at: ['rotate'],
      message:
        "a key that declares rotate must declare deliver (on the key or in defaults): the successor's secret has to reach the place that uses it",
    });
  }
  const chars = countCodePoints(key.name);
  if (chars > MAX_ROTATING_NAME_CHARS) {
    out.push({
      at: ['name'],
      message: `is ${chars} characters; a key that declares rotate may have at most ${MAX_ROTATING_NAME_CHARS}, so that its predecessor's name NAME~YYYYMMDD fits the server's 50`,
    });
  }
  const del = rotate.delete_after_days;
  if (del !== undefined && del <= rotate.overlap_days) {
    out.push({
      at: ['rotate', 'delete_after_days'],
      message: `${del} is not more than overlap_days (${rotate.overlap_days}): a predecessor is deleted only after its overlap ended and it was disabled`,
    });
  }
  return out;
}

/** The block as the desired key holds it (only the fields the schema knows). */
export function rotateSpec(r: RotateSpec): RotateSpec {
  return {
    after_days: r.after_days,
    overlap_days: r.overlap_days,
    ...(r.delete_after_days !== undefined ? { delete_after_days: r.delete_after_days } : {}),
  };
}
