import { Box, Text } from 'ink';
import { memo } from 'react';
import type { ClientView } from '../protocol/snapshot.js';
import { fitCell, formatCount } from './format.js';

/** Usage per client token (by name, never the token): the busiest first, as many as fit. */
export interface ClientsPanelProps {
  clients: readonly ClientView[];
  rows: number;
  stale: boolean;
}

const COLUMNS: ReadonlyArray<{ title: string; width: number; cell: (client: ClientView) => string }> = [
  { title: 'client', width: 18, cell: (client) => client.name },
  { title: 'last min', width: 8, cell: (client) => formatCount(client.lastMinute) },
  { title: 'today', width: 7, cell: (client) => formatCount(client.today.requests) },
  { title: 'tokens today', width: 12, cell: (client) => formatCount(client.today.promptTokens + client.today.completionTokens) },
  { title: 'errors', width: 6, cell: (client) => formatCount(client.today.errors) },
  { title: 'total', width: 7, cell: (client) => formatCount(client.lifetime.requests) },
];

function ClientsPanelView({ clients, rows, stale }: ClientsPanelProps) {
  const shown = [...clients].sort((a, b) => b.today.requests - a.today.requests).slice(0, rows);
  const line = (cells: string[]) => cells.map((cell, index) => fitCell(cell, COLUMNS[index].width, index === 0 ? 'left' : 'right')).join(' ');
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" bold dimColor>
        {line(COLUMNS.map((column) => column.title))}
      </Text>
      {shown.map((client) => (
        <Text key={client.name} wrap="truncate" dimColor={stale}>
          {line(COLUMNS.map((column) => column.cell(client)))}
        </Text>
      ))}
    </Box>
  );
}

export const ClientsPanel = memo(ClientsPanelView);
