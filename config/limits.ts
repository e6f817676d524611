/**
 * Limits that the configuration checks and the runtime applies, in a module of their own so that a
 * Lambda bundle that needs one does not pull in the configuration schema.
 */

/** Largest pause between two attempts of an HTTP registry source, in ms (the configuration checks attempts fit in an invocation). */
export const HTTP_MAX_BACKOFF_MS = 200;
