import { Agent, ProxyAgent, type Dispatcher } from 'undici';

/**
 * The only code that talks to Gemini. One keep-alive connection pool per
 * origin (undici's Agent), or a ProxyAgent when an outbound proxy is set.
 * The pool key goes in the `x-goog-api-key` header, never in the URL, so it
 * cannot end up in an access log or an error message that quotes the URL.
 */
export interface UpstreamSettings {
  baseUrl: string;
  proxy: string | null;
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  streamIdleTimeoutMs: number;
  connections: number;
}

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Path and query, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`. */
  pathAndQuery: string;
  headers: Record<string, string>;
  body?: Buffer | string;
  signal: AbortSignal;
}

export class UpstreamClient {
  private readonly dispatcher: Dispatcher;
  private readonly origin: string;
  private readonly basePath: string;

  constructor(private readonly settings: UpstreamSettings) {
    const url = new URL(settings.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/$/, '');
    const agentOptions = {
      connections: settings.connections,
      keepAliveTimeout: 30_000,
      connect: { timeout: settings.connectTimeoutMs },
      headersTimeout: settings.firstByteTimeoutMs,
      bodyTimeout: settings.streamIdleTimeoutMs,
    };
    this.dispatcher = settings.proxy ? new ProxyAgent({ uri: settings.proxy, ...agentOptions }) : new Agent(agentOptions);
  }

  /** Sends one request with `secret` as the key. Rejects on network errors and timeouts. */
  send(request: UpstreamRequest, secret: string): Promise<Dispatcher.ResponseData> {
    return this.dispatcher.request({
      origin: this.origin,
      path: this.basePath + request.pathAndQuery,
      method: request.method,
      headers: { ...request.headers, 'x-goog-api-key': secret },
      body: request.body,
      signal: request.signal,
      headersTimeout: this.settings.firstByteTimeoutMs,
      bodyTimeout: this.settings.streamIdleTimeoutMs,
    });
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  destroy(): Promise<void> {
    return this.dispatcher.destroy();
  }
}
