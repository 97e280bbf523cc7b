/**
 * Narrowing helpers for the untyped JSON this module receives (request bodies
 * from clients, responses from Gemini). Everything arrives as `unknown`; these
 * keep the translators free of `any` and of repeated typeof chains.
 */
export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as an object, or undefined (arrays and null are not objects here). */
export function asRecord(value: unknown): JsonObject | undefined {
  return isRecord(value) ? value : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** OpenAI clients often send `"field": null` to mean "not set". */
export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}
