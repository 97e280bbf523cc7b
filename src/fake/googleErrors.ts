/**
 * google.rpc.Status bodies as the Gemini API writes them, and the request
 * errors that do not depend on the key (auth, routing, bad JSON, bad model).
 *
 * Message texts are copied from captured bodies (see
 * /work/shared/gemini-wire/README.md for each one's source). They are
 * constants here because the daemon must not read ../shared at run time.
 */

export interface GoogleErrorDetail {
  '@type': string;
  [field: string]: unknown;
}

export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details?: GoogleErrorDetail[] };
}

/** An error response before any byte of it is written: HTTP status + body. */
export interface HttpError {
  httpStatus: number;
  body: GoogleErrorBody;
}

const RPC = 'type.googleapis.com/google.rpc.';
export const SERVICE = 'generativelanguage.googleapis.com';

export function googleError(code: number, status: string, message: string, details?: GoogleErrorDetail[]): HttpError {
  // Key order code, message, status, details is the wire order in every capture.
  const error: GoogleErrorBody['error'] = { code, message, status };
  if (details && details.length > 0) error.details = details;
  return { httpStatus: code, body: { error } };
}

export function errorInfo(reason: string, metadata: Record<string, string>): GoogleErrorDetail {
  return { '@type': `${RPC}ErrorInfo`, reason, domain: 'googleapis.com', metadata };
}

export function localizedMessage(message: string): GoogleErrorDetail {
  return { '@type': `${RPC}LocalizedMessage`, locale: 'en-US', message };
}

export function debugInfo(detail: string): GoogleErrorDetail {
  return { '@type': `${RPC}DebugInfo`, detail };
}

export function helpLink(): GoogleErrorDetail {
  return {
    '@type': `${RPC}Help`,
    links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
  };
}

export function retryInfo(seconds: number): GoogleErrorDetail {
  return { '@type': `${RPC}RetryInfo`, retryDelay: `${seconds}s` };
}

export interface FieldViolation {
  field?: string;
  description: string;
}

/** 400 with BadRequest.fieldViolations; several violations are joined with "\n" in `message`. */
export function badRequest(violations: FieldViolation[]): HttpError {
  const details: GoogleErrorDetail[] = [
    {
      '@type': `${RPC}BadRequest`,
      fieldViolations: violations.map((v) => (v.field ? { field: v.field, description: v.description } : { description: v.description })),
    },
  ];
  return googleError(400, 'INVALID_ARGUMENT', violations.map((v) => v.description).join('\n'), details);
}

/** 400 INVALID_ARGUMENT with a plain message and no details (most semantic checks). */
export function invalidArgument(message: string): HttpError {
  return googleError(400, 'INVALID_ARGUMENT', message);
}

/** No key at all: header and `?key=` both absent (error-403-no-key.json). */
export function noKeyError(): HttpError {
  return googleError(
    403,
    'PERMISSION_DENIED',
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  );
}

/**
 * An API key sent as `Authorization: Bearer` is taken for an OAuth token and
 * refused. Message from Google's OAuth front end; whether the Gemini API adds
 * ErrorInfo here is UNCONFIRMED, so none is sent.
 */
export function bearerKeyError(): HttpError {
  return googleError(
    401,
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  );
}

/** Unknown model on a model action (error-404-model-not-found.json). `rpc` is the method named in the text. */
export function modelNotFound(modelId: string, apiVersion: string, rpc: string): HttpError {
  const text = `models/${modelId} is not found for API version ${apiVersion}, or is not supported for ${rpc}. Call ListModels to see the list of available models and their supported methods.`;
  return googleError(404, 'NOT_FOUND', text, [
    debugInfo(`[ORIGINAL ERROR] generic::not_found: ${text} [google.rpc.error_details_ext] { message: ${JSON.stringify(text)} }`),
  ]);
}

/** Any path/method the fake does not serve. Real body UNCONFIRMED (Google often answers with an HTML page). */
export function methodNotFound(): HttpError {
  return googleError(404, 'NOT_FOUND', 'Method not found.');
}

/** Malformed JSON body. Real texts vary with the parse error ("Unexpected token.", "Expected a value."...). */
export function malformedJson(): HttpError {
  return badRequest([{ description: 'Invalid JSON payload received. Unexpected token.' }]);
}

/** A JSON body that is not an object (array, string, number). */
export function rootNotMessage(): HttpError {
  return badRequest([{ description: 'Invalid JSON payload received. Unknown name "": Root element must be a message.' }]);
}

export function badPageToken(): HttpError {
  return invalidArgument('Invalid page token.');
}
