/**
 * The fake's model catalogue and models.list pagination.
 *
 * Entries follow the real July 2025 `GET /v1beta/models` dump (gemini-wire
 * models-list-page.EXCERPT.json): same fields, same quirks. In particular
 * `baseModelId` is left out, as in that dump, so clients are tested not to
 * require it, and no model lists `streamGenerateContent` even though it works.
 */

export interface FakeModel {
  name: string;
  version: string;
  displayName: string;
  description?: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: string[];
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTemperature?: number;
  thinking?: boolean;
}

const GEN_METHODS = ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'];

function gemini(
  id: string,
  version: string,
  displayName: string,
  description: string,
  outputTokenLimit: number,
  extra: Partial<FakeModel> = {},
): FakeModel {
  return {
    name: `models/${id}`,
    version,
    displayName,
    description,
    inputTokenLimit: 1048576,
    outputTokenLimit,
    supportedGenerationMethods: [...GEN_METHODS],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    ...extra,
  };
}

function embedding(id: string, version: string, displayName: string, methods: string[]): FakeModel {
  return {
    name: `models/${id}`,
    version,
    displayName,
    description: 'Obtain a distributed representation of a text.',
    inputTokenLimit: 2048,
    outputTokenLimit: 1,
    supportedGenerationMethods: methods,
  };
}

/** 14 models, so that pageSize=5 gives three pages. Order is the listing order. */
export const FAKE_MODELS: readonly FakeModel[] = [
  gemini(
    'gemini-2.5-flash',
    '001',
    'Gemini 2.5 Flash',
    'Stable version of Gemini 2.5 Flash, our mid-size multimodal model that supports up to 1 million tokens, released in June of 2025.',
    65536,
    { thinking: true },
  ),
  gemini('gemini-2.5-pro', '2.5', 'Gemini 2.5 Pro', 'Stable release (June 17th, 2025) of Gemini 2.5 Pro', 65536, {
    thinking: true,
  }),
  gemini('gemini-2.0-flash', '2.0', 'Gemini 2.0 Flash', 'Gemini 2.0 Flash', 8192, { topK: 40 }),
  gemini('gemini-2.0-flash-exp', '2.0', 'Gemini 2.0 Flash Experimental', 'Gemini 2.0 Flash Experimental', 8192, {
    topK: 40,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'bidiGenerateContent'],
  }),
  gemini('gemini-2.0-flash-lite', '2.0', 'Gemini 2.0 Flash-Lite', 'Gemini 2.0 Flash-Lite', 8192, { topK: 40 }),
  gemini(
    'gemini-2.5-flash-lite',
    '001',
    'Gemini 2.5 Flash-Lite',
    'Stable verion of Gemini 2.5 Flash-Lite, released in July of 2025',
    65536,
    { thinking: true },
  ),
  gemini('gemini-flash-latest', '001', 'Gemini Flash Latest', 'Latest release of Gemini Flash', 65536, {
    thinking: true,
  }),
  gemini('gemini-3-pro-preview', '3-pro-preview-11-2025', 'Gemini 3 Pro Preview', 'Gemini 3 Pro Preview', 65536, {
    thinking: true,
  }),
  {
    name: 'models/gemma-3-27b-it',
    version: '001',
    displayName: 'Gemma 3 27B',
    inputTokenLimit: 131072,
    outputTokenLimit: 8192,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
    temperature: 1,
    topP: 0.95,
    topK: 64,
  },
  embedding('embedding-001', '001', 'Embedding 001', ['embedContent']),
  embedding('text-embedding-004', '004', 'Text Embedding 004', ['embedContent']),
  embedding('gemini-embedding-001', '001', 'Gemini Embedding 001', ['embedContent']),
  {
    name: 'models/aqa',
    version: '001',
    displayName: 'Model that performs Attributed Question Answering.',
    description:
      'Model trained to return answers to questions that are grounded in provided sources, along with estimating answerable probability.',
    inputTokenLimit: 7168,
    outputTokenLimit: 1024,
    supportedGenerationMethods: ['generateAnswer'],
    temperature: 0.2,
    topP: 1,
    topK: 40,
  },
  {
    name: 'models/imagen-4.0-generate-preview-06-06',
    version: '01',
    displayName: 'Imagen 4 (Preview)',
    description: 'Vertex served Imagen 4.0 model',
    inputTokenLimit: 480,
    outputTokenLimit: 8192,
    supportedGenerationMethods: ['predict'],
  },
];

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/**
 * A model is known when it is listed, or when its id starts with `gemini-`
 * (so tests can use model names newer than this catalogue). `gemini-missing*`
 * is reserved for "unknown model" tests.
 */
export function findModel(id: string): FakeModel | undefined {
  const listed = FAKE_MODELS.find((m) => m.name === `models/${id}`);
  if (listed) return listed;
  if (!id.startsWith('gemini-') || id.startsWith('gemini-missing')) return undefined;
  if (id.includes('embedding')) return embedding(id, '001', id, ['embedContent']);
  return gemini(id, '001', id, `Simulated model ${id}`, 65536, { thinking: true });
}

/** Which RPC a model must support; the real 404 names it ("... not supported for generateContent"). */
export type ModelCapability = 'generateContent' | 'countTokens' | 'embedContent';

export function modelSupports(model: FakeModel, capability: ModelCapability): boolean {
  if (capability === 'countTokens') {
    // Every model that can generate or embed can count; aqa/imagen cannot.
    return model.supportedGenerationMethods.some((m) => m === 'generateContent' || m === 'embedContent' || m === 'countTokens');
  }
  return model.supportedGenerationMethods.includes(capability);
}

export interface ModelsPage {
  models: FakeModel[];
  nextPageToken?: string;
}

/**
 * The real token is base64 of protobuf field 1 holding the last model name of
 * the page (`\n` + length + `models/...`). We build it the same way; clients
 * must treat it as opaque.
 */
export function encodePageToken(lastName: string): string {
  const name = Buffer.from(lastName, 'utf8');
  return Buffer.concat([Buffer.from([0x0a, name.length]), name]).toString('base64');
}

export function decodePageToken(token: string): string | undefined {
  const buf = Buffer.from(token, 'base64');
  if (buf.length < 2 || buf[0] !== 0x0a || buf[1] !== buf.length - 2) return undefined;
  return buf.subarray(2).toString('utf8');
}

/** Returns the page, or undefined when the page token is not one we issued. */
export function listModelsPage(pageSizeParam: string | undefined, pageToken: string | undefined): ModelsPage | undefined {
  let size = Number.parseInt(pageSizeParam ?? '', 10);
  if (!Number.isFinite(size) || size <= 0) size = DEFAULT_PAGE_SIZE;
  size = Math.min(size, MAX_PAGE_SIZE);
  let start = 0;
  if (pageToken) {
    const last = decodePageToken(pageToken);
    const idx = last === undefined ? -1 : FAKE_MODELS.findIndex((m) => m.name === last);
    if (idx < 0) return undefined;
    start = idx + 1;
  }
  const models = FAKE_MODELS.slice(start, start + size).map((m) => ({ ...m, supportedGenerationMethods: [...m.supportedGenerationMethods] }));
  const page: ModelsPage = { models };
  if (start + size < FAKE_MODELS.length && models.length > 0) {
    page.nextPageToken = encodePageToken(models[models.length - 1].name);
  }
  return page;
}
