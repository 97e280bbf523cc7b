import { Text } from 'ink';

/** The `/` filter, k9s-style: live while typing, kept with Enter, cleared with Esc. */
export interface FilterBarProps {
  text: string;
  editing: boolean;
  matched: number;
  total: number;
}

export function FilterBar({ text, editing, matched, total }: FilterBarProps) {
  return (
    <Text wrap="truncate">
      <Text color="cyan" bold>
        /{text}
      </Text>
      {editing ? <Text inverse> </Text> : null}
      <Text dimColor>
        {'  '}
        {matched} of {total} keys
        {editing ? '  (Enter keeps, Esc clears)' : '  (/ edits, Esc clears)'}
      </Text>
    </Text>
  );
}
