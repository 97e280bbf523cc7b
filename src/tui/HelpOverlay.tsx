import { Box, Text } from 'ink';

/** `?`: the key map. Any of ?, Esc or q closes it. */
export const KEY_MAP: ReadonlyArray<readonly [keys: string, does: string]> = [
  ['↑ ↓  j k', 'select the previous / next key'],
  ['PgUp PgDn', 'move a page'],
  ['g G  Home End', 'first / last key'],
  ['r', 'reset the selected key (back in rotation, cooldowns cleared)'],
  ['R', 'reset all keys (asks first)'],
  ['c', 'check the selected key against Google'],
  ['l', 'reload keys.txt'],
  ['s', 'cycle the sort: state, requests, errors, name'],
  ['/', 'filter: key, label, project, state (Enter keeps, Esc clears)'],
  ['Esc', 'clear the filter'],
  ['?', 'this help'],
  ['q  Ctrl-C', 'quit'],
];

export function HelpOverlay({ height }: { height: number }) {
  const rows = KEY_MAP.slice(0, Math.max(1, height - 3));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>keys — press ? or Esc to close</Text>
      {rows.map(([keys, does]) => (
        <Text key={keys} wrap="truncate">
          <Text color="cyan">{keys.padEnd(15)}</Text>
          {does}
        </Text>
      ))}
    </Box>
  );
}
