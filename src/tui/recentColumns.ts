import type { RecentRequest } from '../protocol/snapshot.js';
import { columnsForWidth, type ColumnSpec, type PlacedColumn } from './columns.js';
import { fitCell, formatClock, formatLatency, shortModel } from './format.js';

/** The recent-requests panel's columns, in display order; the request line goes first when narrow. */
export type RecentColumnId = 'time' | 'status' | 'surface' | 'model' | 'key' | 'attempts' | 'latency' | 'request';

export const RECENT_COLUMNS: readonly ColumnSpec<RecentColumnId>[] = [
  { id: 'time', title: 'time', min: 8, priority: 0 },
  { id: 'status', title: 'st', min: 3, align: 'right', priority: 0 },
  { id: 'surface', title: 'surface', min: 7, priority: 5 },
  { id: 'model', title: 'model', min: 8, max: 20, priority: 3 },
  { id: 'key', title: 'key', min: 9, priority: 1 },
  { id: 'attempts', title: 'try', min: 3, align: 'right', priority: 4 },
  { id: 'latency', title: 'latency', min: 7, align: 'right', priority: 2 },
  { id: 'request', title: 'request', min: 12, max: Infinity, priority: 6 },
];

export function recentColumnsForWidth(width: number): PlacedColumn<RecentColumnId>[] {
  return columnsForWidth(RECENT_COLUMNS, width);
}

export function recentCellText(id: RecentColumnId, request: RecentRequest): string {
  switch (id) {
    case 'time':
      return formatClock(request.at);
    case 'status':
      return String(request.status);
    case 'surface':
      return request.surface;
    case 'model':
      return request.model ? shortModel(request.model) : '-';
    case 'key':
      return request.key ?? '-';
    case 'attempts':
      return String(request.attempts);
    case 'latency':
      return formatLatency(request.ms);
    case 'request':
      return `${request.method} ${request.path}`;
  }
}

export function recentCells(request: RecentRequest, columns: readonly PlacedColumn<RecentColumnId>[]): string[] {
  return columns.map((column) => fitCell(recentCellText(column.id, request), column.width, column.align));
}

/** Newest first, at most `limit`. */
export function latestRequests(recent: readonly RecentRequest[], limit: number): RecentRequest[] {
  if (limit <= 0) return [];
  return [...recent].sort((a, b) => b.at - a.at).slice(0, limit);
}

export function statusColor(status: number): 'green' | 'yellow' | 'red' {
  if (status >= 200 && status < 300) return 'green';
  if (status >= 500 || status === 0) return 'red';
  return 'yellow';
}
