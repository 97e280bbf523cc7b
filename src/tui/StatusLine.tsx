import { Text } from 'ink';
import { truncate } from './format.js';
import { TONE_COLOURS } from './theme.js';
import type { StatusMessage } from './uiState.js';

/**
 * The bottom line, lazygit-style: a question waiting for y/n, or the last
 * action's outcome (errors in red), then the keys that work here; the
 * position in the table on the right.
 */
export interface StatusLineProps {
  message: StatusMessage | undefined;
  /** A pending yes/no question; it takes the line. */
  question: string | undefined;
  /** e.g. "12/500 · sort state". */
  position: string;
  width: number;
}

export const KEY_HINTS = '?:help  /:filter  s:sort  r:reset  R:reset all  c:check  l:reload  q:quit';

export function StatusLine({ message, question, position, width }: StatusLineProps) {
  if (question) {
    return (
      <Text wrap="truncate" color="yellow" bold>
        {truncate(question, width)}
      </Text>
    );
  }
  const right = position ? ` ${position}` : '';
  const room = Math.max(0, width - right.length);
  const left = message ? truncate(message.text, room) : '';
  const hints = truncate(left ? `  ${KEY_HINTS}` : KEY_HINTS, room - left.length);
  const gap = ' '.repeat(Math.max(0, room - left.length - hints.length));
  return (
    <Text wrap="truncate">
      <Text color={message ? TONE_COLOURS[message.tone] : undefined}>{left}</Text>
      <Text dimColor>{hints}</Text>
      {gap}
      <Text dimColor>{right}</Text>
    </Text>
  );
}
