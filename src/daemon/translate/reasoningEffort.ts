/**
 * OpenAI `reasoning_effort` -> Gemini `thinkingConfig`. Implementations
 * disagree (openai-mapping.md B.4); these choices are deliberate:
 *
 * Gemini 3 (`thinkingLevel`; sending a budget as well is a 400):
 *   none, minimal, low -> LOW   (Gemini 3 cannot turn thinking off, and Gemini 3
 *                               Pro rejected MINIMAL at launch, so LOW is the
 *                               lowest level every Gemini 3 model accepts)
 *   medium             -> MEDIUM (a model that rejects MEDIUM answers 400; we do
 *                               not silently change what the client asked for)
 *   high, xhigh, max   -> HIGH
 *
 * Other models (`thinkingBudget`, Google's own compat-layer numbers:
 * "low/medium/high map to 1K, 8K and 24K", "none" disables thinking):
 *   none -> 0, minimal -> 512, low -> 1024, medium -> 8192, high/xhigh/max -> 24576
 *   Gemini 2.5 Pro cannot disable thinking, so "none" there is its minimum, 128.
 *
 * includeThoughts is never set from reasoning_effort: OpenAI returns no
 * reasoning text for it, and thoughts stay billed either way. Clients that
 * want thought text ask via extra_body thinking_config.include_thoughts.
 */
import { TranslateError } from './translateError.js';

const EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
type Effort = (typeof EFFORTS)[number];

const LEVELS: Record<Effort, 'LOW' | 'MEDIUM' | 'HIGH'> = {
  none: 'LOW',
  minimal: 'LOW',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  xhigh: 'HIGH',
  max: 'HIGH',
};

const BUDGETS: Record<Effort, number> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
  max: 24576,
};

const GEMINI_25_PRO_MIN_BUDGET = 128;

/** Gemini 3.x models use thinking levels and require thought signatures on function calls. */
export function isGemini3Model(model: string): boolean {
  return /^gemini-3(?:[.-]|$)/.test(model);
}

export function thinkingConfigFor(effort: unknown, model: string): { thinkingLevel: string } | { thinkingBudget: number } {
  if (typeof effort !== 'string' || !(EFFORTS as readonly string[]).includes(effort)) {
    throw new TranslateError(`reasoning_effort must be one of ${EFFORTS.join(', ')}`, 'reasoning_effort');
  }
  const known = effort as Effort;
  if (isGemini3Model(model)) return { thinkingLevel: LEVELS[known] };
  const budget = BUDGETS[known];
  if (budget === 0 && model.startsWith('gemini-2.5-pro')) return { thinkingBudget: GEMINI_25_PRO_MIN_BUDGET };
  return { thinkingBudget: budget };
}
