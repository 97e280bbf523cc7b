import { request } from 'undici';
import { TranslateError } from '../translate/translateError.js';

/**
 * Fetches an http(s) image URL of an OpenAI message so it can be inlined
 * (whether Gemini fetches arbitrary URLs itself is unconfirmed). Bounded in
 * size and time; any failure is the client's 400, without the URL (signed
 * URLs carry credentials).
 */
export function createImageFetcher(options: { maxBytes: number; timeoutMs: number }) {
  return async (url: string): Promise<{ mimeType: string; data: string }> => {
    let response;
    try {
      response = await request(url, { method: 'GET', headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
    } catch (error) {
      throw new TranslateError(`could not fetch an image_url (${(error as { code?: string }).code ?? 'network error'})`, 'messages');
    }
    if (response.statusCode !== 200) {
      void response.body.dump().catch(() => undefined);
      throw new TranslateError(`could not fetch an image_url: HTTP ${response.statusCode}`, 'messages');
    }
    const declared = Number(response.headers['content-length']);
    if (declared > options.maxBytes) {
      void response.body.dump().catch(() => undefined);
      throw new TranslateError(`an image_url is larger than ${options.maxBytes} bytes`, 'messages');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > options.maxBytes) {
        void response.body.dump().catch(() => undefined);
        throw new TranslateError(`an image_url is larger than ${options.maxBytes} bytes`, 'messages');
      }
      chunks.push(chunk);
    }
    const mimeType = String(response.headers['content-type'] ?? 'application/octet-stream').split(';')[0].trim();
    if (!mimeType.startsWith('image/')) throw new TranslateError(`an image_url did not return an image (content-type ${mimeType})`, 'messages');
    return { mimeType, data: Buffer.concat(chunks).toString('base64') };
  };
}
