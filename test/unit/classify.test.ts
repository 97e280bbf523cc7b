import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { nextPacificMidnight, pacificDate } from '../../src/daemon/pool/pacificTime.js';
import { classifyError, classifyNetworkError, isEmptyAnswer } from '../../src/daemon/upstream/classify.js';
import { scrubSecrets } from '../../src/daemon/secrets.js';

// Real error bodies, shared by every developer and CI beside the project.
const wire = (name: string) => readFileSync(new URL(`../../../shared/gemini-wire/${name}`, import.meta.url), 'utf8');

const now = Date.UTC(2026, 0, 15, 20, 0, 0); // 12:00 PST
const context = { now, dailyThresholdS: 300, defaultQuotaCooldownMs: 60_000 };

describe('classifyError', () => {
  const dead: Array<[string, number, string]> = [
    ['error-400-api-key-invalid.json', 400, 'API_KEY_INVALID'],
    ['error-400-api-key-expired.RECONSTRUCTED.json', 400, 'API_KEY_INVALID'],
    ['error-403-leaked-key.json', 403, 'LEAKED'],
    ['error-403-consumer-suspended.json', 403, 'CONSUMER_SUSPENDED'],
    ['error-403-api-key-service-blocked.json', 403, 'API_KEY_SERVICE_BLOCKED'],
    ['error-403-no-key.json', 403, 'NO_KEY'],
  ];
  for (const [file, status, reason] of dead) {
    test(`${file} -> dead key (${reason})`, () => {
      const outcome = classifyError(status, wire(file), context);
      assert.equal(outcome.kind, 'deadKey');
      assert.equal(outcome.kind === 'deadKey' && outcome.reason, reason);
    });
  }

  test('any 401 is a dead key', () => {
    assert.equal(classifyError(401, '{}', context).kind, 'deadKey');
  });

  test('array-mode error bodies are read too', () => {
    assert.equal(classifyError(400, wire('error-stream-json-array-mode.json'), context).kind, 'deadKey');
  });

  test('per-minute quota uses RetryInfo.retryDelay', () => {
    const outcome = classifyError(429, wire('error-429-quota-2025-06.json'), context);
    assert.deepEqual(outcome.kind === 'quota' && [outcome.daily, outcome.until], [false, now + 26_000]);
  });

  test('late-2025 quota format (message delay, details reordered)', () => {
    const outcome = classifyError(429, wire('error-429-quota-2025-11.tail-RECONSTRUCTED.json'), context);
    assert.deepEqual(outcome.kind === 'quota' && [outcome.daily, outcome.until], [false, now + 47_000]);
  });

  test('a per-day quotaId lasts until Pacific midnight whatever retryDelay says', () => {
    const body = wire('error-429-quota-2025-06.json').replace('GenerateContentInputTokensPerModelPerMinute-FreeTier', 'GenerateRequestsPerDayPerProjectPerModel-FreeTier');
    const outcome = classifyError(429, body, context);
    assert.equal(outcome.kind, 'quota');
    assert.equal(outcome.kind === 'quota' && outcome.daily, true);
    assert.equal(outcome.kind === 'quota' && outcome.until, Date.UTC(2026, 0, 16, 8, 0, 0));
  });

  test('a delay over the threshold counts as daily', () => {
    const body = wire('error-429-quota-2025-06.json').replace('"26s"', '"3600s"');
    const outcome = classifyError(429, body, context);
    assert.equal(outcome.kind === 'quota' && outcome.daily, true);
  });

  test('"Please retry in Ns" from the message when there is no RetryInfo', () => {
    const body = JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded. Please retry in 12.5s.', details: [] } });
    const outcome = classifyError(429, body, context);
    assert.equal(outcome.kind === 'quota' && outcome.until, now + 12_500);
  });

  test('quota with details but no delay: the default cooldown', () => {
    const body = JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota', details: [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'X-PerMinute' }] }] } });
    const outcome = classifyError(429, body, context);
    assert.equal(outcome.kind === 'quota' && outcome.until, now + 60_000);
  });

  test('a bare 429 and 5xx are transient', () => {
    assert.equal(classifyError(429, wire('error-429-resource-exhausted-bare.json'), context).kind, 'transient');
    for (const [file, status] of [['error-500-internal.json', 500], ['error-503-overloaded.json', 503], ['error-503-high-demand.json', 503], ['error-504-deadline-exceeded.UNCONFIRMED.json', 504]] as const) {
      assert.equal(classifyError(status, wire(file), context).kind, 'transient', file);
    }
  });

  test('other 4xx are the client\'s own mistake', () => {
    for (const [file, status] of [['error-400-unknown-field.json', 400], ['error-404-model-not-found.json', 404], ['error-400-input-token-limit.json', 400]] as const) {
      assert.deepEqual(classifyError(status, wire(file), context), { kind: 'clientError', status }, file);
    }
  });

  test('network errors are transient', () => {
    assert.equal(classifyNetworkError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).kind, 'transient');
  });

  test('an answer without candidates or prompt feedback is empty', () => {
    assert.equal(isEmptyAnswer(wire('generateContent-response.json')), false);
    assert.equal(isEmptyAnswer(wire('response-prompt-blocked.json')), false);
    assert.equal(isEmptyAnswer('{"usageMetadata": {"promptTokenCount": 3}}'), true);
  });
});

describe('Pacific midnight', () => {
  test('winter (PST, UTC-8) and summer (PDT, UTC-7)', () => {
    assert.equal(nextPacificMidnight(Date.UTC(2026, 0, 15, 20)), Date.UTC(2026, 0, 16, 8));
    assert.equal(nextPacificMidnight(Date.UTC(2026, 6, 15, 20)), Date.UTC(2026, 6, 16, 7));
  });
  test('just before and after midnight', () => {
    assert.equal(nextPacificMidnight(Date.UTC(2026, 0, 16, 7, 59, 59)), Date.UTC(2026, 0, 16, 8));
    assert.equal(nextPacificMidnight(Date.UTC(2026, 0, 16, 8)), Date.UTC(2026, 0, 17, 8));
  });
  test('across the spring-forward change (2026-03-08)', () => {
    assert.equal(nextPacificMidnight(Date.UTC(2026, 2, 8, 12)), Date.UTC(2026, 2, 9, 7));
    assert.equal(pacificDate(Date.UTC(2026, 2, 8, 12)), '2026-03-08');
  });
});

describe('scrubSecrets', () => {
  test('masks key-shaped text and known secrets', () => {
    const text = "Permission denied: Consumer 'api_key:AIzaTEST-secret-0001' has been suspended; also other-secret-value-1234567890";
    const scrubbed = scrubSecrets(text, new Set(['other-secret-value-1234567890']));
    assert.ok(!scrubbed.includes('AIzaTEST-secret-0001'));
    assert.ok(!scrubbed.includes('other-secret-value-1234567890'));
    assert.match(scrubbed, /AIza…0001/);
  });
});
