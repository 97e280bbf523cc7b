import { useMemo, type Dispatch } from 'react';
import type { ControlClient } from '../protocol/client.js';
import type { ProbeResultView } from '../protocol/messages.js';
import type { KeyView } from '../protocol/snapshot.js';
import type { StatusMessage, UiAction } from './uiState.js';

/**
 * The operator's commands, sent over the control socket without blocking
 * input: each one says "…ing" in the status line at once, then its outcome
 * (errors in red). The next snapshot shows the effect on the keys.
 */
export interface KeyActions {
  reset(key: KeyView): void;
  resetAll(): void;
  check(key: KeyView): void;
  reloadKeys(): void;
}

export function describeProbe(probe: ProbeResultView | undefined): StatusMessage {
  if (!probe) return { text: 'check: no result', tone: 'warn' };
  const detail = probe.message ? ` — ${probe.message}` : '';
  const tone = probe.result === 'good' ? 'ok' : probe.result === 'dead' ? 'error' : 'warn';
  return { text: `check ${probe.masked}: ${probe.result}${detail}`, tone };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function useKeyActions(client: ControlClient, dispatch: Dispatch<UiAction>): KeyActions {
  return useMemo(() => {
    const show = (status: StatusMessage) => dispatch({ type: 'status', status });
    const run = <T>(pending: string, work: Promise<T>, done: (result: T) => StatusMessage, failed: string) => {
      show({ text: pending, tone: 'pending' });
      work.then(
        (result) => show(done(result)),
        (error: unknown) => show({ text: `${failed}: ${errorText(error)}`, tone: 'error' }),
      );
    };
    return {
      reset: (key) =>
        run(
          `resetting ${key.masked}…`,
          client.request('keys.reset', { id: key.id }),
          (result) => ({ text: `reset ${result.reset.map((entry) => entry.masked).join(', ') || key.masked}`, tone: 'ok' }),
          `reset ${key.masked} failed`,
        ),
      resetAll: () =>
        run(
          'resetting all keys…',
          client.request('keys.reset', { all: true }),
          (result) => ({ text: `reset all: ${result.reset.length} key${result.reset.length === 1 ? '' : 's'} back in rotation`, tone: 'ok' }),
          'reset all failed',
        ),
      check: (key) =>
        run(
          `checking ${key.masked}…`,
          client.request('keys.check', { id: key.id }),
          (result) => describeProbe(result.results.find((probe) => probe.id === key.id) ?? result.results[0]),
          `check ${key.masked} failed`,
        ),
      reloadKeys: () =>
        run(
          'reloading keys…',
          client.request('keys.reload'),
          (result) => ({ text: `reload: ${result.message}`, tone: result.ok ? 'ok' : 'error' }),
          'reload failed',
        ),
    };
  }, [client, dispatch]);
}
