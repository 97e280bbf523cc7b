import type { KeyView } from '../protocol/snapshot.js';
import type { ConnectionState } from './useControl.js';
import type { StatusTone } from './uiState.js';

/** Colour carries state, as in k9s: green ok, yellow degraded, red dead. */
export type Colour = 'green' | 'yellow' | 'red' | 'cyan' | 'gray';

export const STATE_COLOURS: Record<KeyView['state'], Colour> = { active: 'green', cooling: 'yellow', invalid: 'red' };

export const TONE_COLOURS: Record<StatusTone, Colour> = { pending: 'cyan', ok: 'green', warn: 'yellow', error: 'red', info: 'cyan' };

export const CONNECTION_COLOURS: Record<ConnectionState, Colour> = { connecting: 'yellow', connected: 'green', disconnected: 'red' };

export const CONNECTION_WORDS: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  connected: 'connected',
  disconnected: 'disconnected — reconnecting…',
};

/** Success share of the last minute: green from 95 %, yellow from 80 %, red below. */
export function successColour(share: number | null): Colour | undefined {
  if (share === null) return undefined;
  if (share >= 0.95) return 'green';
  return share >= 0.8 ? 'yellow' : 'red';
}
