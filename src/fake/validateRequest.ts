/**
 * Strict request validation, so that a translation mistake in the daemon
 * fails a test the way it would fail against Google.
 *
 * Two stages, in the real order: the proto3-JSON parse (unknown names, wrong
 * types: protoJsonCheck.ts), then the service's own checks. Service messages
 * marked [confirmed] were seen in real responses; the others are UNCONFIRMED
 * wordings of documented constraints.
 */
import { badRequest, invalidArgument, rootNotMessage, type HttpError } from './googleErrors.js';
import { checkBody } from './protoJsonCheck.js';
import {
  BATCH_EMBED_CONTENTS_REQUEST,
  COUNT_TOKENS_REQUEST,
  EMBED_CONTENT_REQUEST,
  GENERATE_CONTENT_REQUEST,
  pick,
  pickList,
  type MessageDesc,
} from './requestSchema.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Stage 1 for any body. */
function parseStage(body: unknown, desc: MessageDesc): HttpError | undefined {
  if (!isObj(body)) return rootNotMessage();
  const violations = checkBody(body, desc);
  return violations.length > 0 ? badRequest(violations) : undefined;
}

/** "* Request.path: text\n" lines, the format of the service's own 400s [confirmed]. */
function starLines(request: string, problems: Array<[path: string, text: string]>): HttpError | undefined {
  if (problems.length === 0) return undefined;
  return invalidArgument(problems.map(([p, t]) => `* ${request}.${p}: ${t}\n`).join(''));
}

const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
const RESPONSE_MIME_TYPES = ['text/plain', 'application/json', 'application/xml', 'application/yaml', 'text/x.enum'];
const PART_DATA_FIELDS = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'];

/** OBJECT schemas need properties [confirmed: "should be non-empty for OBJECT type"]. Walks nested schemas too. */
function checkObjectSchemas(schema: unknown, path: string, problems: Array<[string, string]>): void {
  if (!isObj(schema)) return;
  const type = pick(schema, 'type');
  const props = pick(schema, 'properties');
  if (typeof type === 'string' && type.toUpperCase() === 'OBJECT' && (!isObj(props) || Object.keys(props).length === 0)) {
    problems.push([`${path}.properties`, 'should be non-empty for OBJECT type']);
  }
  if (isObj(props)) Object.values(props).forEach((p, i) => checkObjectSchemas(p, `${path}.properties[${i}].value`, problems));
  checkObjectSchemas(pick(schema, 'items'), `${path}.items`, problems);
  pickList(schema, 'anyOf').forEach((s, i) => checkObjectSchemas(s, `${path}.any_of[${i}]`, problems));
}

function functionDeclarations(body: Obj): Obj[] {
  return pickList(body, 'tools').flatMap((t) => pickList(t, 'functionDeclarations')).filter(isObj);
}

/** Stage 2 for a GenerateContentRequest (also the one nested in countTokens). */
function serviceChecks(body: Obj, request: string): HttpError | undefined {
  const problems: Array<[string, string]> = [];
  const contents = pickList(body, 'contents');
  if (contents.length === 0) problems.push(['contents', 'contents is not specified']);
  contents.forEach((c, i) => {
    const parts = pickList(c, 'parts');
    if (parts.length === 0) problems.push([`contents[${i}].parts`, 'contents.parts must not be empty.']);
    parts.forEach((p, j) => {
      if (!PART_DATA_FIELDS.some((f) => pick(p, f) !== undefined)) {
        problems.push([`contents[${i}].parts[${j}].data`, "required oneof field 'data' must have one initialized field"]);
      }
    });
  });
  pickList(body, 'tools').forEach((tool, i) => {
    pickList(tool, 'functionDeclarations').forEach((fd, j) => {
      const path = `tools[${i}].function_declarations[${j}]`;
      const name = pick(fd, 'name');
      if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
        problems.push([
          `${path}.name`,
          'Invalid function name. Must start with a letter or an underscore. Must be a-z, A-Z, 0-9, or contain underscores, dots, colons and dashes, with a maximum length of 64.',
        ]);
      }
      if (pick(fd, 'parameters') !== undefined && pick(fd, 'parametersJsonSchema') !== undefined) {
        problems.push([`${path}.parameters`, 'parameters and parameters_json_schema cannot both be set']); // UNCONFIRMED wording
      }
      checkObjectSchemas(pick(fd, 'parameters'), `${path}.parameters`, problems);
    });
  });
  const fcc = pick(pick(body, 'toolConfig'), 'functionCallingConfig');
  const mode = String(pick(fcc, 'mode') ?? 'AUTO').toUpperCase();
  if (pickList(fcc, 'allowedFunctionNames').length > 0 && mode !== 'ANY' && mode !== 'VALIDATED') {
    // UNCONFIRMED wording; the constraint is documented (js-genai types).
    problems.push(['tool_config.function_calling_config.allowed_function_names', 'allowed_function_names can only be set when mode is ANY or VALIDATED']);
  }
  const gc = pick(body, 'generationConfig');
  if (pickList(gc, 'stopSequences').length > 5) {
    problems.push(['generation_config.stop_sequences', 'at most 5 stop sequences are allowed']); // UNCONFIRMED wording
  }
  const mime = pick(gc, 'responseMimeType');
  if (typeof mime === 'string' && mime !== '' && !RESPONSE_MIME_TYPES.includes(mime)) {
    problems.push([
      'generation_config.response_mime_type',
      'allowed mimetypes are `text/plain`, `application/json`, `application/xml`, `application/yaml` and `text/x.enum`.',
    ]);
  }
  const schema = pick(gc, 'responseSchema');
  const jsonSchema = pick(gc, 'responseJsonSchema');
  if (schema !== undefined && jsonSchema !== undefined) {
    problems.push(['generation_config.response_schema', 'response_schema and response_json_schema cannot both be set']); // UNCONFIRMED wording
  } else if ((schema !== undefined || jsonSchema !== undefined) && mime !== 'application/json' && mime !== 'text/x.enum') {
    problems.push(['generation_config.response_mime_type', 'a response schema requires response_mime_type application/json or text/x.enum']); // UNCONFIRMED wording
  }
  checkObjectSchemas(schema, 'generation_config.response_schema', problems);
  const tc = pick(gc, 'thinkingConfig');
  if (pick(tc, 'thinkingBudget') !== undefined && pick(tc, 'thinkingLevel') !== undefined) {
    problems.push(['generation_config.thinking_config', 'thinking_budget and thinking_level cannot both be set']); // UNCONFIRMED wording
  }
  const stars = starLines(request, problems);
  if (stars) return stars;

  const turnError = checkTurns(contents);
  if (turnError) return invalidArgument(turnError);

  if (mime === 'application/json' && functionDeclarations(body).length > 0) {
    return invalidArgument("Function calling with a response mime type: 'application/json' is unsupported"); // [confirmed]
  }
  return undefined;
}

function countParts(content: unknown, field: string): number {
  return pickList(content, 'parts').filter((p) => pick(p, field) !== undefined).length;
}

/** Role and function-call turn rules; all messages [confirmed] in real 400s. */
function checkTurns(contents: unknown[]): string | undefined {
  for (let i = 0; i < contents.length; i++) {
    const role = pick(contents[i], 'role');
    if (role !== undefined && role !== '' && role !== 'user' && role !== 'model') return 'Please use a valid role: user, model.';
  }
  for (let i = 0; i < contents.length; i++) {
    const calls = countParts(contents[i], 'functionCall');
    const responses = countParts(contents[i], 'functionResponse');
    if (calls > 0 && responses > 0) {
      return 'Please ensure that function call turn contains at least one function_call part which can not be mixed with function_response parts.';
    }
    const prev = i > 0 ? contents[i - 1] : undefined;
    if (responses > 0) {
      const prevCalls = prev === undefined ? 0 : countParts(prev, 'functionCall');
      if (prevCalls === 0) return 'Please ensure that function response turn comes immediately after a function call turn.';
      if (prevCalls !== responses) {
        return 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.';
      }
    }
    if (calls > 0 && (prev === undefined || pick(prev, 'role') === 'model')) {
      return 'Please ensure that function call turn comes immediately after a user turn or after a function response turn.';
    }
  }
  return undefined;
}

/**
 * Gemini 3 requires the thoughtSignature it returned on the first functionCall
 * part of every model step of the current turn (since the last user text) to
 * come back [confirmed message; "position" is the 1-based content index].
 */
function checkThoughtSignatures(contents: unknown[]): string | undefined {
  let start = 0;
  for (let i = contents.length - 1; i >= 0; i--) {
    if (pick(contents[i], 'role') !== 'model' && pickList(contents[i], 'parts').some((p) => pick(p, 'text') !== undefined)) {
      start = i;
      break;
    }
  }
  for (let i = start + 1; i < contents.length; i++) {
    if (pick(contents[i], 'role') !== 'model') continue;
    const first = pickList(contents[i], 'parts').find((p) => pick(p, 'functionCall') !== undefined);
    if (first !== undefined && !pick(first, 'thoughtSignature')) {
      const name = String(pick(pick(first, 'functionCall'), 'name'));
      return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , position ${i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
    }
  }
  return undefined;
}

/** :generateContent and :streamGenerateContent. Gemini 3 models also check thought signatures. */
export function validateGenerateContent(body: unknown, modelId = ''): HttpError | undefined {
  const error = parseStage(body, GENERATE_CONTENT_REQUEST) ?? serviceChecks(body as Obj, 'GenerateContentRequest');
  if (error || !modelId.startsWith('gemini-3')) return error;
  const missing = checkThoughtSignatures(pickList(body, 'contents'));
  return missing ? invalidArgument(missing) : undefined;
}

const MODEL_NAME = /^models\/[A-Za-z0-9._-]+$/;

/** :countTokens takes `{contents}` or `{generateContentRequest: {model, contents, ...}}`. */
export function validateCountTokens(body: unknown): HttpError | undefined {
  const parsed = parseStage(body, COUNT_TOKENS_REQUEST);
  if (parsed) return parsed;
  const nested = pick(body, 'generateContentRequest');
  const contents = pickList(body, 'contents');
  if (nested !== undefined && contents.length > 0) {
    return starLines('CountTokensRequest', [['contents', 'only one of contents and generate_content_request may be set']]);
  }
  if (nested !== undefined) {
    const model = pick(nested, 'model');
    if (typeof model !== 'string' || !MODEL_NAME.test(model)) {
      return starLines('CountTokensRequest', [['generate_content_request.model', 'unexpected model name format']]);
    }
    return serviceChecks(nested as Obj, 'CountTokensRequest.generate_content_request');
  }
  return serviceChecks({ contents }, 'CountTokensRequest');
}

function embedChecks(req: unknown, path: string, problems: Array<[string, string]>): void {
  const model = pick(req, 'model');
  if (model !== undefined && (typeof model !== 'string' || !MODEL_NAME.test(model))) {
    problems.push([`${path}model`, 'unexpected model name format']); // [confirmed wording]
  }
  const content = pick(req, 'content');
  if (content === undefined) problems.push([`${path}content`, 'content is not specified']);
  else if (pickList(content, 'parts').length === 0) problems.push([`${path}content.parts`, 'contents.parts must not be empty.']);
  const dims = pick(req, 'outputDimensionality');
  if (dims !== undefined && Number(dims) < 0) problems.push([`${path}output_dimensionality`, 'must be positive']);
}

/** :embedContent. */
export function validateEmbedContent(body: unknown): HttpError | undefined {
  const parsed = parseStage(body, EMBED_CONTENT_REQUEST);
  if (parsed) return parsed;
  const problems: Array<[string, string]> = [];
  embedChecks(body, '', problems);
  return starLines('EmbedContentRequest', problems);
}

export const MAX_BATCH_EMBED = 100;

/** :batchEmbedContents. Every request names the URL's model, `models/` prefix included. */
export function validateBatchEmbedContents(body: unknown, modelId: string): HttpError | undefined {
  const parsed = parseStage(body, BATCH_EMBED_CONTENTS_REQUEST);
  if (parsed) return parsed;
  const requests = pickList(body, 'requests');
  const problems: Array<[string, string]> = [];
  if (requests.length === 0) problems.push(['requests', 'requests is not specified']);
  if (requests.length > MAX_BATCH_EMBED) problems.push(['requests', `at most ${MAX_BATCH_EMBED} requests can be in one batch`]);
  requests.forEach((r, i) => {
    const path = `requests[${i}].`;
    const model = pick(r, 'model');
    if (model === undefined) problems.push([`${path}model`, 'unexpected model name format']);
    else if (model !== `models/${modelId}` && typeof model === 'string' && MODEL_NAME.test(model)) {
      problems.push([`${path}model`, `model must be the same as the batch model models/${modelId}`]); // UNCONFIRMED wording
    }
    embedChecks(r, path, problems);
  });
  return starLines('BatchEmbedContentsRequest', problems);
}
