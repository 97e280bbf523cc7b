/**
 * Structural check of a JSON body against a proto message, reproducing the
 * errors of Google's proto3-JSON front end: unknown names, values of the
 * wrong type, lists given for singular fields. All problems are collected,
 * like the real parser does, and reported together in one BadRequest.
 *
 * Error paths use proto (snake_case) names with indices, and map entries
 * appear as `properties[N].value`, e.g.
 * `tools[0].function_declarations[5].parameters.properties[8].value.any_of[0]`
 * (zed-industries/zed#44875).
 */
import type { FieldViolation } from './googleErrors.js';
import type { FieldType, MessageDesc, Scalar } from './requestSchema.js';

const SCALAR_LABEL: Record<Scalar, string> = {
  string: 'TYPE_STRING',
  bytes: 'TYPE_BYTES',
  bool: 'TYPE_BOOL',
  int32: 'TYPE_INT32',
  int64: 'TYPE_INT64',
  float: 'TYPE_FLOAT',
  double: 'TYPE_DOUBLE',
};

const INT_STRING = /^-?\d+$/;
const FLOAT_STRING = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** Standard or URL-safe base64, padding optional (both are accepted for bytes). */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** How a bad value is shown in the message: strings quoted, the rest as compact JSON, cut short. */
function render(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function at(path: string): string {
  return path ? ` at '${path}'` : '';
}

function unknownName(key: string, path: string): FieldViolation {
  const description = `Invalid JSON payload received. Unknown name ${JSON.stringify(key)}${at(path)}: Cannot find field.`;
  return path ? { field: path, description } : { description };
}

function notRepeating(key: string, path: string): FieldViolation {
  const description = `Invalid JSON payload received. Unknown name ${JSON.stringify(key)}${at(path)}: Proto field is not repeating, cannot start list.`;
  return path ? { field: path, description } : { description };
}

function invalidValue(path: string, label: string, value: unknown): FieldViolation {
  return { field: path, description: `Invalid value at '${path}' (${label}), ${render(value)}` };
}

function typeLabel(type: FieldType): string {
  switch (type.kind) {
    case 'scalar':
      return SCALAR_LABEL[type.scalar];
    case 'enum':
      return `type.googleapis.com/${type.name}`;
    case 'message':
      return `type.googleapis.com/${type.msg().typeName}`;
    case 'struct':
      return 'type.googleapis.com/google.protobuf.Struct';
    case 'value':
      return 'type.googleapis.com/google.protobuf.Value';
    case 'map':
      return 'map';
  }
}

function checkScalar(scalar: Scalar, value: unknown): boolean {
  switch (scalar) {
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'bytes':
      return typeof value === 'string' && BASE64.test(value);
    case 'int32':
    case 'int64': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && INT_STRING.test(value) ? Number(value) : NaN;
      if (!Number.isInteger(n)) return false;
      return scalar === 'int64' || (n >= -2147483648 && n <= 2147483647);
    }
    case 'float':
    case 'double':
      if (typeof value === 'number') return true;
      return typeof value === 'string' && (FLOAT_STRING.test(value) || ['NaN', 'Infinity', '-Infinity'].includes(value));
  }
}

function checkValue(value: unknown, type: FieldType, path: string, out: FieldViolation[]): void {
  switch (type.kind) {
    case 'scalar':
      if (!checkScalar(type.scalar, value)) {
        if (type.scalar === 'bytes' && typeof value === 'string') {
          out.push({ field: path, description: `Invalid value at '${path}' (TYPE_BYTES), Base64 decoding failed for ${render(value)}` });
        } else out.push(invalidValue(path, typeLabel(type), value));
      }
      return;
    case 'enum': {
      // Enum names are matched case-insensitively: Google's own docs send `"thinkingLevel": "low"`.
      const ok =
        (typeof value === 'string' && type.values.includes(value.toUpperCase())) ||
        (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < type.values.length);
      if (!ok) out.push(invalidValue(path, typeLabel(type), value));
      return;
    }
    case 'message': {
      const desc = type.msg();
      if (!isPlainObject(value)) out.push(invalidValue(path, typeLabel(type), value));
      else checkMessage(value, desc, path, out);
      return;
    }
    case 'struct':
      if (!isPlainObject(value)) out.push(invalidValue(path, typeLabel(type), value));
      return;
    case 'map':
      if (!isPlainObject(value)) {
        out.push(invalidValue(path, typeLabel(type), value));
        return;
      }
      Object.values(value).forEach((v, i) => {
        if (v !== null) checkValue(v, type.value, `${path}[${i}].value`, out);
      });
      return;
    case 'value':
      return;
  }
}

/** Checks `obj` against `desc`; `path` is '' for the request body itself. */
export function checkMessage(obj: Record<string, unknown>, desc: MessageDesc, path: string, out: FieldViolation[]): void {
  const oneofs = new Map<string, string>();
  for (const [key, value] of Object.entries(obj)) {
    const field = desc.byKey.get(key);
    if (!field) {
      out.push(unknownName(key, path));
      continue;
    }
    // proto3 JSON: null means "default value" for any field.
    if (value === null) continue;
    const fieldPath = path ? `${path}.${field.proto}` : field.proto;
    if (field.oneof) {
      const first = oneofs.get(field.oneof);
      if (first !== undefined) {
        out.push({
          field: path || undefined,
          description: `Invalid JSON payload received. Oneof field '${field.oneof}' is already set. Cannot set '${key}'`,
        });
        continue;
      }
      oneofs.set(field.oneof, key);
    }
    if (field.repeated) {
      if (!Array.isArray(value)) {
        out.push(invalidValue(fieldPath, typeLabel(field.type), value));
        continue;
      }
      value.forEach((item, i) => checkValue(item, field.type, `${fieldPath}[${i}]`, out));
    } else if (Array.isArray(value) && field.type.kind !== 'value') {
      out.push(notRepeating(key, path));
    } else {
      checkValue(value, field.type, fieldPath, out);
    }
  }
}

/** Entry point: the whole body. Returns the violations (empty when the body is well-formed). */
export function checkBody(body: Record<string, unknown>, desc: MessageDesc): FieldViolation[] {
  const out: FieldViolation[] = [];
  checkMessage(body, desc, '', out);
  return out;
}
