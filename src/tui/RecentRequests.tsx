import { Box, Text } from 'ink';
import { Fragment, memo } from 'react';
import type { RecentRequest } from '../protocol/snapshot.js';
import type { PlacedColumn } from './columns.js';
import { fitCell } from './format.js';
import { recentCells, statusColor, type RecentColumnId } from './recentColumns.js';

/** The last requests, newest first; the caller decides how many fit. */
export interface RecentRequestsProps {
  requests: readonly RecentRequest[];
  columns: readonly PlacedColumn<RecentColumnId>[];
  stale: boolean;
}

function RecentRequestsView({ requests, columns, stale }: RecentRequestsProps) {
  const statusCell = columns.findIndex((column) => column.id === 'status');
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" bold dimColor>
        {columns.map((column, index) => fitCell(index === 0 ? 'recent' : column.title, column.width, column.align)).join(' ')}
      </Text>
      {requests.length === 0 ? (
        <Text dimColor>no requests yet</Text>
      ) : (
        requests.map((request, row) => (
          <Text key={`${request.at}-${row}`} wrap="truncate" dimColor={stale}>
            {recentCells(request, columns).map((cell, index) => (
              <Fragment key={index}>
                {index > 0 ? ' ' : ''}
                {index === statusCell ? <Text color={statusColor(request.status)}>{cell}</Text> : cell}
              </Fragment>
            ))}
          </Text>
        ))
      )}
    </Box>
  );
}

export const RecentRequests = memo(RecentRequestsView);
