/** The result shape every value parser of this module returns. */

/** A parsed value or the reason it was refused. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
