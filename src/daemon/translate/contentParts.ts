/**
 * OpenAI message content (a string or an array of typed parts) -> Gemini parts.
 * Media becomes `inlineData`: whether Gemini fetches arbitrary https URLs in
 * `fileData` is unconfirmed, so http(s) images are downloaded by the caller's
 * fetcher and inlined.
 */
import { asRecord, asString, isAbsent } from './shape.js';
import { TranslateError } from './translateError.js';
import type { GeminiInlineData, GeminiPart } from './types.js';

export interface FetchedImage {
  mimeType: string;
  /** base64 */
  data: string;
}

export interface ImageFetcher {
  (url: string): Promise<FetchedImage>;
}

/** Audio formats Gemini accepts as inline data; OpenAI itself only sends wav/mp3. */
const AUDIO_FORMATS = new Set(['wav', 'mp3', 'aiff', 'aac', 'ogg', 'flac']);

/** A user message's content: text, images, audio and files. */
export async function userContentToParts(
  content: unknown,
  param: string,
  fetchImage: ImageFetcher,
): Promise<GeminiPart[]> {
  if (typeof content === 'string') return textPart(content);
  if (!Array.isArray(content)) {
    throw new TranslateError(`${param} must be a string or an array of content parts`, param);
  }
  const parts: GeminiPart[] = [];
  for (let i = 0; i < content.length; i++) {
    parts.push(...(await userPart(content[i], `${param}[${i}]`, fetchImage)));
  }
  return parts;
}

async function userPart(raw: unknown, param: string, fetchImage: ImageFetcher): Promise<GeminiPart[]> {
  const part = asRecord(raw);
  const type = asString(part?.type);
  if (!part || !type) throw new TranslateError(`${param} must be an object with a "type"`, param);
  switch (type) {
    case 'text':
      return textPart(requireString(part.text, `${param}.text`));
    case 'image_url':
      return [{ inlineData: await imageData(part.image_url, `${param}.image_url`, fetchImage) }];
    case 'input_audio':
      return [{ inlineData: audioData(part.input_audio, `${param}.input_audio`) }];
    case 'file':
      return [{ inlineData: fileData(part.file, `${param}.file`) }];
    default:
      throw new TranslateError(`${param}.type "${type}" is not supported for Gemini`, `${param}.type`);
  }
}

/**
 * Content that may only hold text: system/developer messages, and assistant
 * messages (whose `refusal` parts are text the model said, so they are kept).
 */
export function textContentToParts(content: unknown, param: string, allowRefusal: boolean): GeminiPart[] {
  if (isAbsent(content)) return [];
  if (typeof content === 'string') return textPart(content);
  if (!Array.isArray(content)) {
    throw new TranslateError(`${param} must be a string or an array of text parts`, param);
  }
  const parts: GeminiPart[] = [];
  content.forEach((raw, i) => {
    const part = asRecord(raw);
    const type = asString(part?.type);
    if (part && type === 'text') parts.push(...textPart(requireString(part.text, `${param}[${i}].text`)));
    else if (part && type === 'refusal' && allowRefusal) {
      parts.push(...textPart(requireString(part.refusal, `${param}[${i}].refusal`)));
    } else {
      throw new TranslateError(`${param}[${i}] must be a text part`, `${param}[${i}]`);
    }
  });
  return parts;
}

/** A tool result's content as one string (OpenAI allows an array of text parts). */
export function contentAsText(content: unknown, param: string): string {
  return textContentToParts(content, param, false)
    .map((part) => part.text ?? '')
    .join('');
}

/** Gemini rejects empty text parts in some positions and they carry nothing, so skip them. */
function textPart(text: string): GeminiPart[] {
  return text === '' ? [] : [{ text }];
}

function requireString(value: unknown, param: string): string {
  if (typeof value !== 'string') throw new TranslateError(`${param} must be a string`, param);
  return value;
}

async function imageData(raw: unknown, param: string, fetchImage: ImageFetcher): Promise<GeminiInlineData> {
  const url = requireString(asRecord(raw)?.url, `${param}.url`);
  if (url.startsWith('data:')) return parseDataUrl(url, `${param}.url`);
  if (!/^https?:\/\//i.test(url)) {
    throw new TranslateError(`${param}.url must be a data: URL or an http(s) URL`, `${param}.url`);
  }
  try {
    return await fetchImage(url);
  } catch (error) {
    // The URL itself stays out of the message: signed URLs carry credentials.
    if (error instanceof TranslateError) {
      throw error.param ? error : new TranslateError(error.message, `${param}.url`, error.status, error.code);
    }
    throw new TranslateError(`${param}.url: the image could not be fetched`, `${param}.url`);
  }
}

function audioData(raw: unknown, param: string): GeminiInlineData {
  const audio = asRecord(raw);
  const data = requireString(audio?.data, `${param}.data`);
  const format = requireString(audio?.format, `${param}.format`).toLowerCase();
  if (!AUDIO_FORMATS.has(format)) {
    throw new TranslateError(`${param}.format "${format}" is not supported`, `${param}.format`);
  }
  return { mimeType: `audio/${format}`, data };
}

function fileData(raw: unknown, param: string): GeminiInlineData {
  const file = asRecord(raw);
  const fileDataUrl = asString(file?.file_data);
  if (fileDataUrl === undefined) {
    // file_id points into OpenAI's Files API, which Gemini cannot read.
    throw new TranslateError(`${param}.file_data is required (file_id is not supported)`, `${param}.file_data`);
  }
  if (!fileDataUrl.startsWith('data:')) {
    throw new TranslateError(`${param}.file_data must be a data: URL`, `${param}.file_data`);
  }
  return parseDataUrl(fileDataUrl, `${param}.file_data`);
}

/**
 * `data:<mime>[;params];base64,<payload>` -> inlineData. A non-base64 data URL
 * (percent-encoded text) is re-encoded, since Gemini wants base64.
 */
export function parseDataUrl(url: string, param: string): GeminiInlineData {
  const comma = url.indexOf(',');
  if (comma < 0) throw new TranslateError(`${param} is not a valid data: URL`, param);
  const meta = url.slice('data:'.length, comma);
  const payload = url.slice(comma + 1);
  const fields = meta.split(';');
  const mimeType = (fields[0] ?? '').trim();
  if (mimeType === '') throw new TranslateError(`${param} needs a media type (data:<type>;base64,...)`, param);
  if (fields.slice(1).some((field) => field.toLowerCase() === 'base64')) return { mimeType, data: payload };
  try {
    return { mimeType, data: Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64') };
  } catch {
    throw new TranslateError(`${param} is not a valid data: URL`, param);
  }
}

/**
 * Starts every http(s) image download of the conversation at once, so a
 * request with N image URLs waits for the slowest one instead of their sum.
 * Returns a fetcher that hands out the downloads already under way. Limiting
 * concurrency and size is the caller's fetcher's job.
 */
export function prefetchImages(messages: unknown[], fetchImage: ImageFetcher): ImageFetcher {
  const started = new Map<string, Promise<FetchedImage>>();
  for (const raw of messages) {
    const message = asRecord(raw);
    if (message?.role !== 'user' || !Array.isArray(message.content)) continue;
    for (const part of message.content) {
      const url = asString(asRecord(asRecord(part)?.image_url)?.url);
      if (!url || !/^https?:\/\//i.test(url) || started.has(url)) continue;
      const download = Promise.resolve().then(() => fetchImage(url));
      // A failure is reported where the part is translated; until then keep it from being "unhandled".
      download.catch(() => undefined);
      started.set(url, download);
    }
  }
  return (url) => started.get(url) ?? fetchImage(url);
}
