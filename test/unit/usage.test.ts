import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractUsage } from '../../src/daemon/upstream/usage.js';

test('usage from the last usageMetadata of a body or SSE tail, as text or bytes', () => {
  const sse =
    'data: {"candidates": [{"content": {"parts": [{"text": "a"}]}}],"usageMetadata": {"promptTokenCount": 7,"candidatesTokenCount": 1,"totalTokenCount": 8}}\r\n\r\n' +
    'data: {"candidates": [{"content": {"parts": [{"text": "é{"}]}}],"usageMetadata": {"promptTokenCount": 7,"candidatesTokenCount": 3,"totalTokenCount": 15,"thoughtsTokenCount": 5,"toolUsePromptTokenCount": 2}}\r\n\r\n';
  const expected = { prompt: 9, completion: 3, thoughts: 5 };
  assert.deepEqual(extractUsage(sse), expected);
  assert.deepEqual(extractUsage(Buffer.from(sse)), expected);
  assert.equal(extractUsage('{"candidates": []}'), undefined);
  assert.equal(extractUsage('{"usageMetadata": {"promptTokenCount": 1'), undefined, 'a cut-off object is no usage');
});
