/**
 * Maps a method and path to a route. Pure, so the table is testable without
 * sockets. GET /v1/models belongs to the OpenAI surface; POST
 * /v1/models/{model}:action is Gemini's v1 and stays native.
 */
export type Route =
  | { kind: 'health' }
  | { kind: 'metrics' }
  | { kind: 'admin' }
  | { kind: 'nativeAction'; version: string; model: string; action: string }
  | { kind: 'nativeModels'; version: string; model?: string }
  | { kind: 'openaiChat' }
  | { kind: 'openaiEmbeddings' }
  | { kind: 'openaiModels'; model?: string }
  | { kind: 'methodNotAllowed'; allowed: string; surface: Surface }
  | { kind: 'notFound'; surface: Surface };

export type Surface = 'native' | 'openai';

const MODEL_ACTION = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):([A-Za-z]+)$/;
const NATIVE_MODELS = /^\/(v1beta|v1alpha)\/models(?:\/([^/:]+))?$/;
const OPENAI_MODELS = /^\/v1\/models(?:\/([^/:]+))?$/;

interface RouteMatch {
  method: string;
  route: Route;
}

export function matchRoute(method: string, path: string): Route {
  const match = findRoute(path);
  if (!match) return { kind: 'notFound', surface: surfaceOf(path) };
  if (match.method === '*' || method === match.method || (method === 'HEAD' && match.method === 'GET')) return match.route;
  return { kind: 'methodNotAllowed', allowed: match.method, surface: surfaceOf(path) };
}

function findRoute(path: string): RouteMatch | undefined {
  if (path === '/health' || path === '/healthz') return { method: 'GET', route: { kind: 'health' } };
  if (path === '/metrics') return { method: 'GET', route: { kind: 'metrics' } };
  // The admin API checks methods itself (GET events, POST call).
  if (path.startsWith('/admin/')) return { method: '*', route: { kind: 'admin' } };
  if (path === '/v1/chat/completions') return { method: 'POST', route: { kind: 'openaiChat' } };
  if (path === '/v1/embeddings') return { method: 'POST', route: { kind: 'openaiEmbeddings' } };
  const action = MODEL_ACTION.exec(path);
  if (action) return { method: 'POST', route: { kind: 'nativeAction', version: action[1], model: decodeURIComponent(action[2]), action: action[3] } };
  const native = NATIVE_MODELS.exec(path);
  if (native) return { method: 'GET', route: { kind: 'nativeModels', version: native[1], model: native[2] && decodeURIComponent(native[2]) } };
  const openai = OPENAI_MODELS.exec(path);
  if (openai) return { method: 'GET', route: { kind: 'openaiModels', model: openai[1] && decodeURIComponent(openai[1]) } };
  return undefined;
}

/** Which error format a path's clients expect. */
export function surfaceOf(path: string): Surface {
  return path.startsWith('/v1/') && !path.includes(':') ? 'openai' : 'native';
}
