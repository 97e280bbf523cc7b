/**
 * Deterministic answers: what the fake model "says" for a (valid) request,
 * decided once per request as a ReplyPlan that fakeResponses.ts then shapes
 * into a unary body or stream events. Everything here is a pure function of
 * the request, except the response id and Gemini 3 call ids, so tests can
 * assert exact texts and token counts.
 *
 * Prompt markers ([[block]], [[chunks:N]]...) are read from the last user
 * text; see PromptMarkers.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { pick, pickList } from './requestSchema.js';

type Obj = Record<string, unknown>;

export const NO_TEXT_ANSWER = 'Hello! This is the simulated Gemini model.';
export const THOUGHT_TEXT = 'Thinking about it.';
export const THOUGHTS_TOKEN_COUNT = 12;
export const FUNCTION_CALL_FINISH_MESSAGE = 'Model generated function call(s).';

export interface PromptMarkers {
  block: boolean;
  safety: boolean;
  recitation: boolean;
  maxTokens: boolean;
  /** [[chunks:N]]: stream the text in N events. */
  chunks?: number;
  /** [[delay:MS]]: wait MS between stream events. */
  delayMs?: number;
  gate: boolean;
  /** gemini-1.x streams: finishReason on every chunk. Also on for gemini-1.* models. */
  legacy: boolean;
  /** Gemini 3: call ids, and a final `{"text": ""}` + finishReason event. Also on for gemini-3* models. */
  gemini3: boolean;
  parallel: boolean;
  /** [[no_tools]]: answer with text even though functions are declared (mode AUTO). */
  noTools: boolean;
}

export type Outcome = 'answer' | 'blocked' | 'safety' | 'recitation' | 'empty';

export interface ReplyPlan {
  outcome: Outcome;
  modelVersion: string;
  /** Constant across all events of one response. */
  responseId: string;
  thought?: string;
  /** The answer text (all stream deltas concatenated give exactly this). */
  text?: string;
  /** Function-call parts, each `{functionCall, thoughtSignature?}`. */
  calls?: Obj[];
  finishReason: 'STOP' | 'MAX_TOKENS';
  finishMessage?: string;
  promptTokens: number;
  thoughtsTokens: number;
  markers: PromptMarkers;
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function textsOf(content: unknown): string[] {
  return pickList(content, 'parts')
    .filter((p) => typeof pick(p, 'text') === 'string' && pick(p, 'thought') !== true)
    .map((p) => pick(p, 'text') as string);
}

/** Ids look like real ones ("qS77aMCqBu6mvr0PsJiykAw": 23 base64url chars). */
export function newResponseId(): string {
  return randomBytes(18).toString('base64url').slice(0, 23);
}

/** Tokens are estimated as ceil(chars / 4), at least 1: every text, call and tool result the request carries. */
export function promptTokenCount(body: unknown): number {
  let chars = 0;
  const contents = [...pickList(body, 'contents'), pick(body, 'systemInstruction')].filter((c) => c !== undefined);
  for (const c of contents) {
    for (const p of pickList(c, 'parts')) {
      const text = pick(p, 'text');
      if (typeof text === 'string') chars += text.length;
      const call = pick(p, 'functionCall');
      if (call !== undefined) chars += JSON.stringify(call).length;
      const resp = pick(p, 'functionResponse');
      if (resp !== undefined) chars += JSON.stringify(resp).length;
    }
  }
  return Math.max(1, Math.ceil(chars / 4));
}

export function tokensFor(chars: number): number {
  return Math.ceil(chars / 4);
}

/** The last user turn that has text: its last text part is echoed, all its text is scanned for markers. */
function lastUserText(contents: unknown[]): { last?: string; all: string } {
  for (let i = contents.length - 1; i >= 0; i--) {
    if (pick(contents[i], 'role') === 'model') continue;
    const texts = textsOf(contents[i]);
    if (texts.length > 0) return { last: texts[texts.length - 1], all: texts.join('\n') };
  }
  return { all: '' };
}

export function parseMarkers(text: string, modelId: string): PromptMarkers {
  const num = (re: RegExp): number | undefined => {
    const m = re.exec(text);
    return m ? Number(m[1]) : undefined;
  };
  return {
    block: text.includes('[[block]]'),
    safety: text.includes('[[safety]]'),
    recitation: text.includes('[[recitation]]'),
    maxTokens: text.includes('[[max_tokens]]'),
    chunks: num(/\[\[chunks:(\d+)\]\]/),
    delayMs: num(/\[\[delay:(\d+)\]\]/),
    gate: text.includes('[[gate]]'),
    legacy: text.includes('[[legacy]]') || modelId.startsWith('gemini-1.'),
    gemini3: text.includes('[[gemini3]]') || modelId.startsWith('gemini-3'),
    parallel: text.includes('[[parallel]]'),
    noTools: text.includes('[[no_tools]]'),
  };
}

/**
 * A sample value for a schema, OpenAPI-subset (`"type": "OBJECT"`) or JSON
 * Schema (`"type": "object"`, `["string","null"]`): strings "test", numbers 1,
 * booleans true, objects with all their properties, arrays with one item.
 */
export function sampleValue(schema: unknown, depth = 0): unknown {
  if (!isObj(schema) || depth > 8) return 'test';
  const en = schema.enum;
  if (Array.isArray(en) && en.length > 0) return en[0];
  if ('const' in schema) return schema.const;
  const alt = pickList(schema, 'anyOf')[0] ?? pickList(schema, 'oneOf')[0];
  if (alt !== undefined) return sampleValue(alt, depth + 1);
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null' && t !== 'NULL') ?? 'null';
  const t = typeof type === 'string' ? type.toLowerCase() : isObj(schema.properties) ? 'object' : 'string';
  switch (t) {
    case 'object': {
      const out: Obj = {};
      const props = isObj(schema.properties) ? schema.properties : {};
      for (const [k, v] of Object.entries(props)) out[k] = sampleValue(v, depth + 1);
      return out;
    }
    case 'array':
      return [sampleValue(schema.items, depth + 1)];
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'test';
  }
}

function functionCalls(body: Obj, markers: PromptMarkers): Obj[] | undefined {
  const decls = pickList(body, 'tools')
    .flatMap((t) => pickList(t, 'functionDeclarations'))
    .filter(isObj);
  if (decls.length === 0) return undefined;
  const fcc = pick(pick(body, 'toolConfig'), 'functionCallingConfig');
  const mode = String(pick(fcc, 'mode') ?? 'AUTO').toUpperCase();
  if (mode === 'NONE' || (markers.noTools && mode !== 'ANY')) return undefined;
  const contents = pickList(body, 'contents');
  const last = contents[contents.length - 1];
  if (pick(last, 'role') === 'model') return undefined;
  if (pickList(last, 'parts').some((p) => pick(p, 'functionResponse') !== undefined)) return undefined;
  const allowed = pickList(fcc, 'allowedFunctionNames').filter((n): n is string => typeof n === 'string');
  const names = allowed.length > 0 ? allowed : decls.map((d) => String(pick(d, 'name')));
  return names.slice(0, markers.parallel ? 2 : 1).map((name, i) => {
    const decl = decls.find((d) => pick(d, 'name') === name);
    const args = sampleValue(pick(decl, 'parameters') ?? pick(decl, 'parametersJsonSchema') ?? { type: 'object' });
    const call: Obj = markers.gemini3 ? { id: `call_${randomInt(100000, 1000000)}`, name, args } : { name, args };
    const part: Obj = { functionCall: call };
    // Only the first call of a turn carries the signature (thought-signatures docs).
    if (i === 0) part.thoughtSignature = Buffer.from(`fake-thought-signature/${name}`).toString('base64');
    return part;
  });
}

function mediaNotes(contents: unknown[]): string {
  const notes: string[] = [];
  for (const c of contents) {
    for (const p of pickList(c, 'parts')) {
      const blob = pick(p, 'inlineData');
      if (!isObj(blob)) continue;
      const data = pick(blob, 'data');
      const bytes = typeof data === 'string' ? Buffer.from(data, 'base64').length : 0;
      notes.push(` [${String(pick(blob, 'mimeType') ?? 'application/octet-stream')} ${bytes} bytes]`);
    }
  }
  return notes.join('');
}

function textAnswer(body: Obj, echoText: string | undefined, markers: PromptMarkers): string {
  const contents = pickList(body, 'contents');
  const last = contents[contents.length - 1];
  const response = pickList(last, 'parts')
    .map((p) => pick(p, 'functionResponse'))
    .find((r) => r !== undefined);
  const sys = textsOf(pick(body, 'systemInstruction')).join(' ');
  const prefix = sys ? `(system: ${sys.slice(0, 40)}) ` : '';
  let text = response !== undefined ? `Tool result: ${JSON.stringify(pick(response, 'response') ?? {})}` : echoText !== undefined ? `Echo: ${echoText}` : NO_TEXT_ANSWER;
  text = prefix + text + mediaNotes(contents);
  if (markers.chunks !== undefined) {
    // Make sure N non-empty word pieces exist, in unary answers too, so unary and stream texts are equal.
    let words = text.split(/\s+/).filter(Boolean).length;
    while (words < markers.chunks) {
      text += ' more';
      words++;
    }
  }
  return text;
}

function structuredAnswer(gc: unknown, mime: string, fallback: string): string {
  const schema = pick(gc, 'responseJsonSchema') ?? pick(gc, 'responseSchema');
  if (mime === 'text/x.enum') {
    const en = isObj(schema) ? schema.enum : undefined;
    return Array.isArray(en) && en.length > 0 ? String(en[0]) : fallback;
  }
  return JSON.stringify(schema === undefined ? { answer: fallback } : sampleValue(schema));
}

/** Decides the whole reply for a valid generateContent request. `empty` is the 'empty' key fault. */
export function planReply(body: Obj, modelId: string, options: { empty?: boolean } = {}): ReplyPlan {
  const contents = pickList(body, 'contents');
  const { last, all } = lastUserText(contents);
  const markers = parseMarkers(all, modelId);
  const gc = pick(body, 'generationConfig');
  const tc = pick(gc, 'thinkingConfig');
  const budget = pick(tc, 'thinkingBudget');
  // proto3 JSON allows numbers as strings: "0" turns thinking off too.
  const thinking = tc !== undefined && (budget === undefined || Number(budget) !== 0);
  const plan: ReplyPlan = {
    outcome: 'answer',
    modelVersion: modelId,
    responseId: newResponseId(),
    finishReason: markers.maxTokens ? 'MAX_TOKENS' : 'STOP',
    promptTokens: promptTokenCount(body),
    thoughtsTokens: thinking ? THOUGHTS_TOKEN_COUNT : 0,
    markers,
  };
  if (options.empty) return { ...plan, outcome: 'empty' };
  if (markers.block) return { ...plan, outcome: 'blocked', thoughtsTokens: 0 };
  if (markers.safety) return { ...plan, outcome: 'safety' };
  if (thinking && pick(tc, 'includeThoughts') === true) plan.thought = THOUGHT_TEXT;
  const calls = functionCalls(body, markers);
  if (calls) {
    plan.calls = calls;
    plan.finishMessage = FUNCTION_CALL_FINISH_MESSAGE;
    return plan;
  }
  const mime = pick(gc, 'responseMimeType');
  const text = textAnswer(body, last, markers);
  plan.text = mime === 'application/json' || mime === 'text/x.enum' ? structuredAnswer(gc, mime, text) : text;
  if (markers.recitation) plan.outcome = 'recitation';
  return plan;
}
