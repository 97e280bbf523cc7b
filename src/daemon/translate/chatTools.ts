/**
 * OpenAI `tools` / `functions` / `tool_choice` / `function_call` -> Gemini
 * `tools` + `toolConfig`.
 *
 * All functions go into ONE Tool's functionDeclarations. The client's JSON
 * Schema is sent unchanged as `parametersJsonSchema`, which (unlike
 * `parameters`, an OpenAPI subset) accepts real JSON Schema including
 * `additionalProperties` and `$schema`, so no schema cleaning is needed.
 */
import { asRecord, asString, isAbsent, type JsonObject } from './shape.js';
import { TranslateError } from './translateError.js';
import type { GeminiFunctionCallingConfig, GeminiFunctionDeclaration } from './types.js';

export interface TranslatedTools {
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: { functionCallingConfig: GeminiFunctionCallingConfig };
}

export function translateTools(body: JsonObject): TranslatedTools {
  let declarations = [
    ...listOf(body.tools, 'tools').map((tool, i) => fromTool(tool, `tools[${i}]`)),
    ...listOf(body.functions, 'functions').map((fn, i) => fromFunction(fn, `functions[${i}]`)),
  ];
  const choice = !isAbsent(body.tool_choice)
    ? fromToolChoice(body.tool_choice)
    : !isAbsent(body.function_call)
      ? fromFunctionCall(body.function_call)
      : undefined;
  if (choice?.onlyNames) {
    const allowed = new Set(choice.onlyNames);
    declarations = declarations.filter((declaration) => allowed.has(declaration.name));
  }
  // Without declarations there is nothing for a calling mode to govern.
  if (declarations.length === 0) return {};
  const result: TranslatedTools = { tools: [{ functionDeclarations: declarations }] };
  if (choice) result.toolConfig = { functionCallingConfig: choice.config };
  return result;
}

function listOf(value: unknown, param: string): unknown[] {
  if (isAbsent(value)) return [];
  if (!Array.isArray(value)) throw new TranslateError(`${param} must be an array`, param);
  return value;
}

function fromTool(raw: unknown, param: string): GeminiFunctionDeclaration {
  const tool = asRecord(raw);
  if (!tool) throw new TranslateError(`${param} must be an object`, param);
  if (tool.type !== 'function') {
    throw new TranslateError(`${param}.type must be "function" (other tool types are not supported for Gemini)`, `${param}.type`);
  }
  const fn = asRecord(tool.function);
  if (!fn) throw new TranslateError(`${param}.function must be an object`, `${param}.function`);
  return fromFunction(fn, `${param}.function`);
}

/** `strict` is dropped: Gemini has no strict mode, and the schema itself is unchanged. */
function fromFunction(raw: unknown, param: string): GeminiFunctionDeclaration {
  const fn = asRecord(raw);
  if (!fn) throw new TranslateError(`${param} must be an object`, param);
  const name = asString(fn.name);
  if (!name) throw new TranslateError(`${param}.name must be a non-empty string`, `${param}.name`);
  const declaration: GeminiFunctionDeclaration = { name };
  if (!isAbsent(fn.description)) {
    const description = asString(fn.description);
    if (description === undefined) throw new TranslateError(`${param}.description must be a string`, `${param}.description`);
    declaration.description = description;
  }
  if (!isAbsent(fn.parameters)) {
    if (!asRecord(fn.parameters)) throw new TranslateError(`${param}.parameters must be a JSON Schema object`, `${param}.parameters`);
    declaration.parametersJsonSchema = fn.parameters;
  }
  return declaration;
}

interface Choice {
  config: GeminiFunctionCallingConfig;
  /** allowed_tools with mode "auto": Gemini cannot restrict AUTO, so only these are declared. */
  onlyNames?: string[];
}

function fromToolChoice(raw: unknown): Choice {
  const param = 'tool_choice';
  if (raw === 'none') return { config: { mode: 'NONE' } };
  if (raw === 'auto') return { config: { mode: 'AUTO' } };
  if (raw === 'required') return { config: { mode: 'ANY' } };
  const choice = asRecord(raw);
  if (choice?.type === 'function') {
    const name = asString(asRecord(choice.function)?.name);
    if (!name) throw new TranslateError(`${param}.function.name must be a non-empty string`, `${param}.function.name`);
    return { config: { mode: 'ANY', allowedFunctionNames: [name] } };
  }
  if (choice?.type === 'allowed_tools') return fromAllowedTools(asRecord(choice.allowed_tools), `${param}.allowed_tools`);
  throw new TranslateError(
    `${param} must be "none", "auto", "required", {type:"function",function:{name}} or {type:"allowed_tools",...}`,
    param,
  );
}

function fromAllowedTools(allowed: JsonObject | undefined, param: string): Choice {
  if (!allowed || !Array.isArray(allowed.tools)) throw new TranslateError(`${param}.tools must be an array`, `${param}.tools`);
  const names = allowed.tools.map((raw, i) => {
    const name = asString(asRecord(asRecord(raw)?.function)?.name);
    if (!name) throw new TranslateError(`${param}.tools[${i}].function.name must be a non-empty string`, `${param}.tools[${i}]`);
    return name;
  });
  if (allowed.mode === 'required') return { config: { mode: 'ANY', allowedFunctionNames: names } };
  if (allowed.mode === 'auto') return { config: { mode: 'AUTO' }, onlyNames: names };
  throw new TranslateError(`${param}.mode must be "auto" or "required"`, `${param}.mode`);
}

/** The legacy `function_call` parameter: "none" | "auto" | {name}. */
function fromFunctionCall(raw: unknown): Choice {
  if (raw === 'none') return { config: { mode: 'NONE' } };
  if (raw === 'auto') return { config: { mode: 'AUTO' } };
  const name = asString(asRecord(raw)?.name);
  if (!name) throw new TranslateError('function_call must be "none", "auto" or {name}', 'function_call');
  return { config: { mode: 'ANY', allowedFunctionNames: [name] } };
}
