import type { Failover, FailoverResult } from './failover.js';

/**
 * The upstream model list for GET /v1/models: every page, fetched with a pool
 * key, cached for `ttlMs`. Concurrent callers share one fetch.
 */
const MAX_PAGES = 20;

export type CatalogResult = { ok: true; models: unknown[] } | { ok: false; failure: Exclude<FailoverResult, { kind: 'unary' | 'stream' }> };

export class ModelCatalog {
  private cached?: { models: unknown[]; fetchedAt: number };
  private pending?: Promise<CatalogResult>;

  constructor(
    private readonly failover: Failover,
    private readonly settings: { readonly ttlMs: number },
    private readonly clock: () => number,
  ) {}

  list(signal: AbortSignal): Promise<CatalogResult> {
    if (this.cached && this.clock() - this.cached.fetchedAt < this.settings.ttlMs) {
      return Promise.resolve({ ok: true, models: this.cached.models });
    }
    this.pending ??= this.fetchAll(signal).finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetchAll(signal: AbortSignal): Promise<CatalogResult> {
    const models: unknown[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const query = `?pageSize=1000${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
      const result = await this.failover.run(
        { model: '', stream: false, expectsCandidates: false, request: { method: 'GET', pathAndQuery: `/v1beta/models${query}`, headers: {} } },
        signal,
      );
      if (result.kind === 'stream') throw new Error('unexpected stream from models.list');
      if (result.kind !== 'unary') return { ok: false, failure: result };
      const body = JSON.parse(result.body.toString('utf8')) as { models?: unknown[]; nextPageToken?: string };
      models.push(...(body.models ?? []));
      pageToken = body.nextPageToken;
      if (!pageToken) break;
    }
    this.cached = { models, fetchedAt: this.clock() };
    return { ok: true, models };
  }
}
