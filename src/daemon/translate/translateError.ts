/**
 * Thrown when an OpenAI-shaped request cannot be translated (missing messages,
 * an unknown role, token-array embeddings input, an image that cannot be
 * fetched...). The proxy turns it into an OpenAI error body with `status`,
 * `param` and `code`, so the client sees which field was wrong. Messages are
 * written for humans and must never contain key material or upstream URLs
 * with keys in them.
 */
export class TranslateError extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
    readonly status = 400,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'TranslateError';
  }
}
