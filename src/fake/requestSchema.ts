/**
 * The request messages of the Gemini API (v1beta), as the proto3-JSON parser
 * in Google's front end sees them: field names (lowerCamelCase json name or
 * proto snake_case, both accepted), types, repetition and oneofs.
 *
 * Field lists follow @google/genai's mldev converters and the API reference.
 * Members whose inner layout the fake does not model (googleSearch, speechConfig,
 * imageConfig...) are typed `struct`, which accepts any object: being lenient
 * there is safer than rejecting something the real API takes.
 */

export type Scalar = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'float' | 'double';

export type FieldType =
  | { kind: 'scalar'; scalar: Scalar }
  | { kind: 'enum'; name: string; values: readonly string[] }
  | { kind: 'message'; msg: () => MessageDesc }
  | { kind: 'map'; value: FieldType }
  /** google.protobuf.Struct: any JSON object. */
  | { kind: 'struct' }
  /** google.protobuf.Value: any JSON value. */
  | { kind: 'value' };

export interface FieldDesc {
  /** proto name, used in error paths (`generation_config`). */
  proto: string;
  /** lowerCamelCase json name. */
  json: string;
  type: FieldType;
  repeated: boolean;
  /** Name of the oneof group the field belongs to (Part.data). */
  oneof?: string;
}

export interface MessageDesc {
  /** Full proto type name, as printed in "Invalid value" errors. */
  typeName: string;
  fields: FieldDesc[];
  /** Both spellings of every field name. */
  byKey: Map<string, FieldDesc>;
}

const PKG = 'google.ai.generativelanguage.v1beta';

const S: FieldType = { kind: 'scalar', scalar: 'string' };
const BYTES: FieldType = { kind: 'scalar', scalar: 'bytes' };
const BOOL: FieldType = { kind: 'scalar', scalar: 'bool' };
const I32: FieldType = { kind: 'scalar', scalar: 'int32' };
const I64: FieldType = { kind: 'scalar', scalar: 'int64' };
const F32: FieldType = { kind: 'scalar', scalar: 'float' };
const F64: FieldType = { kind: 'scalar', scalar: 'double' };
const STRUCT: FieldType = { kind: 'struct' };
const VALUE: FieldType = { kind: 'value' };
const m = (msg: () => MessageDesc): FieldType => ({ kind: 'message', msg });
const e = (name: string, values: readonly string[]): FieldType => ({ kind: 'enum', name: `${PKG}.${name}`, values });

type FieldSpec = [proto: string, type: FieldType, flags?: 'rep' | `oneof:${string}`];

function snakeToCamel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function message(name: string, specs: FieldSpec[]): MessageDesc {
  const fields: FieldDesc[] = specs.map(([proto, type, flags]) => ({
    proto,
    json: snakeToCamel(proto),
    type,
    repeated: flags === 'rep',
    oneof: flags?.startsWith('oneof:') ? flags.slice(6) : undefined,
  }));
  const byKey = new Map<string, FieldDesc>();
  for (const f of fields) {
    byKey.set(f.json, f);
    byKey.set(f.proto, f);
  }
  return { typeName: `${PKG}.${name}`, fields, byKey };
}

const TYPE_ENUM = e('Type', ['TYPE_UNSPECIFIED', 'STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);

/**
 * The OpenAPI-subset Schema of `parameters` / `responseSchema`. JSON-Schema
 * keywords outside it (additionalProperties, const, $schema, $ref, oneOf,
 * strict, title...) are unknown names and give 400, as translators learn the
 * hard way. `title` is in newer protos; it is rejected here on purpose, as
 * the brief and the 2024-25 reports have it.
 */
export const SCHEMA: MessageDesc = message('Schema', [
  ['type', TYPE_ENUM],
  ['format', S],
  ['description', S],
  ['nullable', BOOL],
  ['enum', S, 'rep'],
  ['max_items', I64],
  ['min_items', I64],
  ['properties', { kind: 'map', value: m(() => SCHEMA) }],
  ['required', S, 'rep'],
  ['min_properties', I64],
  ['max_properties', I64],
  ['min_length', I64],
  ['max_length', I64],
  ['pattern', S],
  ['example', VALUE],
  ['any_of', m(() => SCHEMA), 'rep'],
  ['property_ordering', S, 'rep'],
  ['default', VALUE],
  ['items', m(() => SCHEMA)],
  ['minimum', F64],
  ['maximum', F64],
]);

const BLOB = message('Blob', [
  ['mime_type', S],
  ['data', BYTES],
]);
const FILE_DATA = message('FileData', [
  ['mime_type', S],
  ['file_uri', S],
]);
const FUNCTION_CALL = message('FunctionCall', [
  ['id', S],
  ['name', S],
  ['args', STRUCT],
]);
const FUNCTION_RESPONSE_PART = message('FunctionResponsePart', [
  ['inline_data', m(() => BLOB), 'oneof:data'],
  ['file_data', m(() => FILE_DATA), 'oneof:data'],
]);
const FUNCTION_RESPONSE = message('FunctionResponse', [
  ['id', S],
  ['name', S],
  ['response', STRUCT],
  ['parts', m(() => FUNCTION_RESPONSE_PART), 'rep'],
  ['will_continue', BOOL],
  ['scheduling', e('FunctionResponse.Scheduling', ['SCHEDULING_UNSPECIFIED', 'SILENT', 'WHEN_IDLE', 'INTERRUPT'])],
]);
const EXECUTABLE_CODE = message('ExecutableCode', [
  ['language', e('ExecutableCode.Language', ['LANGUAGE_UNSPECIFIED', 'PYTHON'])],
  ['code', S],
]);
const CODE_EXECUTION_RESULT = message('CodeExecutionResult', [
  ['outcome', e('CodeExecutionResult.Outcome', ['OUTCOME_UNSPECIFIED', 'OUTCOME_OK', 'OUTCOME_FAILED', 'OUTCOME_DEADLINE_EXCEEDED'])],
  ['output', S],
]);
const VIDEO_METADATA = message('VideoMetadata', [
  ['start_offset', S],
  ['end_offset', S],
  ['fps', F64],
]);
const MEDIA_RESOLUTION_VALUES = [
  'MEDIA_RESOLUTION_UNSPECIFIED',
  'MEDIA_RESOLUTION_LOW',
  'MEDIA_RESOLUTION_MEDIUM',
  'MEDIA_RESOLUTION_HIGH',
  'MEDIA_RESOLUTION_ULTRA_HIGH',
];
/** Per-part media resolution is a message (`{"level": ...}`), unlike the GenerationConfig enum. */
const PART_MEDIA_RESOLUTION = message('Part.MediaResolution', [['level', e('Part.MediaResolution.Level', MEDIA_RESOLUTION_VALUES)]]);

export const PART = message('Part', [
  ['text', S, 'oneof:data'],
  ['inline_data', m(() => BLOB), 'oneof:data'],
  ['file_data', m(() => FILE_DATA), 'oneof:data'],
  ['function_call', m(() => FUNCTION_CALL), 'oneof:data'],
  ['function_response', m(() => FUNCTION_RESPONSE), 'oneof:data'],
  ['executable_code', m(() => EXECUTABLE_CODE), 'oneof:data'],
  ['code_execution_result', m(() => CODE_EXECUTION_RESULT), 'oneof:data'],
  ['thought', BOOL],
  ['thought_signature', BYTES],
  ['video_metadata', m(() => VIDEO_METADATA)],
  ['media_resolution', m(() => PART_MEDIA_RESOLUTION)],
]);

export const CONTENT = message('Content', [
  ['parts', m(() => PART), 'rep'],
  ['role', S],
]);

const FUNCTION_DECLARATION = message('FunctionDeclaration', [
  ['name', S],
  ['description', S],
  ['behavior', e('FunctionDeclaration.Behavior', ['UNSPECIFIED', 'BLOCKING', 'NON_BLOCKING'])],
  ['parameters', m(() => SCHEMA)],
  ['parameters_json_schema', VALUE],
  ['response', m(() => SCHEMA)],
  ['response_json_schema', VALUE],
]);

const EMPTY_CODE_EXECUTION = message('CodeExecution', []);
const URL_CONTEXT = message('UrlContext', []);

const TOOL = message('Tool', [
  ['function_declarations', m(() => FUNCTION_DECLARATION), 'rep'],
  ['google_search_retrieval', STRUCT],
  ['code_execution', m(() => EMPTY_CODE_EXECUTION)],
  ['google_search', STRUCT],
  ['url_context', m(() => URL_CONTEXT)],
  ['file_search', STRUCT],
  ['google_maps', STRUCT],
  ['computer_use', STRUCT],
]);

const FUNCTION_CALLING_CONFIG = message('FunctionCallingConfig', [
  ['mode', e('FunctionCallingConfig.Mode', ['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED'])],
  ['allowed_function_names', S, 'rep'],
]);

const TOOL_CONFIG = message('ToolConfig', [
  ['function_calling_config', m(() => FUNCTION_CALLING_CONFIG)],
  ['retrieval_config', STRUCT],
]);

const SAFETY_SETTING = message('SafetySetting', [
  [
    'category',
    e('HarmCategory', [
      'HARM_CATEGORY_UNSPECIFIED',
      'HARM_CATEGORY_DEROGATORY',
      'HARM_CATEGORY_TOXICITY',
      'HARM_CATEGORY_VIOLENCE',
      'HARM_CATEGORY_SEXUAL',
      'HARM_CATEGORY_MEDICAL',
      'HARM_CATEGORY_DANGEROUS',
      'HARM_CATEGORY_HARASSMENT',
      'HARM_CATEGORY_HATE_SPEECH',
      'HARM_CATEGORY_SEXUALLY_EXPLICIT',
      'HARM_CATEGORY_DANGEROUS_CONTENT',
      'HARM_CATEGORY_CIVIC_INTEGRITY',
    ]),
  ],
  [
    'threshold',
    e('SafetySetting.HarmBlockThreshold', [
      'HARM_BLOCK_THRESHOLD_UNSPECIFIED',
      'BLOCK_LOW_AND_ABOVE',
      'BLOCK_MEDIUM_AND_ABOVE',
      'BLOCK_ONLY_HIGH',
      'BLOCK_NONE',
      'OFF',
    ]),
  ],
]);

const THINKING_CONFIG = message('ThinkingConfig', [
  ['include_thoughts', BOOL],
  ['thinking_budget', I32],
  ['thinking_level', e('ThinkingConfig.ThinkingLevel', ['THINKING_LEVEL_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH'])],
]);

export const GENERATION_CONFIG = message('GenerationConfig', [
  ['candidate_count', I32],
  ['stop_sequences', S, 'rep'],
  ['max_output_tokens', I32],
  ['temperature', F32],
  ['top_p', F32],
  ['top_k', I32],
  ['seed', I32],
  ['response_mime_type', S],
  ['response_schema', m(() => SCHEMA)],
  ['response_json_schema', VALUE],
  ['response_modalities', e('GenerationConfig.Modality', ['MODALITY_UNSPECIFIED', 'TEXT', 'IMAGE', 'AUDIO']), 'rep'],
  ['presence_penalty', F32],
  ['frequency_penalty', F32],
  ['response_logprobs', BOOL],
  ['logprobs', I32],
  ['enable_enhanced_civic_answers', BOOL],
  ['speech_config', STRUCT],
  ['thinking_config', m(() => THINKING_CONFIG)],
  ['image_config', STRUCT],
  ['media_resolution', e('GenerationConfig.MediaResolution', MEDIA_RESOLUTION_VALUES)],
]);

const GENERATE_FIELDS: FieldSpec[] = [
  ['contents', m(() => CONTENT), 'rep'],
  ['system_instruction', m(() => CONTENT)],
  ['tools', m(() => TOOL), 'rep'],
  ['tool_config', m(() => TOOL_CONFIG)],
  ['safety_settings', m(() => SAFETY_SETTING), 'rep'],
  ['generation_config', m(() => GENERATION_CONFIG)],
  ['cached_content', S],
  ['labels', { kind: 'map', value: S }],
  ['service_tier', S],
];

/** Body of :generateContent / :streamGenerateContent (the model comes from the URL). */
export const GENERATE_CONTENT_REQUEST = message('GenerateContentRequest', GENERATE_FIELDS);

/** The same request nested in countTokens, where `model` is a body field. */
const NESTED_GENERATE_CONTENT_REQUEST = message('GenerateContentRequest', [['model', S], ...GENERATE_FIELDS]);

export const COUNT_TOKENS_REQUEST = message('CountTokensRequest', [
  ['contents', m(() => CONTENT), 'rep'],
  ['generate_content_request', m(() => NESTED_GENERATE_CONTENT_REQUEST)],
]);

const TASK_TYPE = e('TaskType', [
  'TASK_TYPE_UNSPECIFIED',
  'RETRIEVAL_QUERY',
  'RETRIEVAL_DOCUMENT',
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
  'CODE_RETRIEVAL_QUERY',
]);

export const EMBED_CONTENT_REQUEST = message('EmbedContentRequest', [
  ['model', S],
  ['content', m(() => CONTENT)],
  ['task_type', TASK_TYPE],
  ['title', S],
  ['output_dimensionality', I32],
]);

export const BATCH_EMBED_CONTENTS_REQUEST = message('BatchEmbedContentsRequest', [
  ['requests', m(() => EMBED_CONTENT_REQUEST), 'rep'],
]);

function camelToSnake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Reads a field that may be spelled in lowerCamelCase or snake_case (both are
 * valid proto3 JSON). `name` is the camelCase spelling.
 */
export function pick(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const o = obj as Record<string, unknown>;
  if (o[name] !== undefined && o[name] !== null) return o[name];
  const snake = camelToSnake(name);
  return o[snake] === null ? undefined : o[snake];
}

/** `pick` for repeated fields: always an array (absent or null gives []). */
export function pickList(obj: unknown, name: string): unknown[] {
  const v = pick(obj, name);
  return Array.isArray(v) ? v : [];
}
