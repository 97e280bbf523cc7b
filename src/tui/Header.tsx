import { Box, Text } from 'ink';
import { Fragment } from 'react';
import type { Snapshot } from '../protocol/snapshot.js';
import { fitSegments, formatDuration, formatLatency, formatPercent, formatRate, truncateStart, type Segment } from './format.js';
import { CONNECTION_COLOURS, CONNECTION_WORDS, successColour, type Colour } from './theme.js';
import type { ConnectionState } from './useControl.js';

/**
 * Two lines of facts, htop-style: who we are attached to and whether the link
 * is up; then the meters (req/s, success, latency, keys by state). Segments
 * drop by priority when the terminal is narrow.
 */
export interface HeaderProps {
  target: string;
  connection: ConnectionState;
  /** How old the data on screen is, when the link is down and something is still shown. */
  staleForMs?: number;
  daemon?: Snapshot['daemon'];
  stats?: Snapshot['stats'];
  totals?: Snapshot['totals'];
  /** The daemon's clock, for the uptime. */
  now: number;
  width: number;
}

interface HeaderSegment extends Segment {
  colour?: Colour;
  bold?: boolean;
}

const TARGET_MAX = 40;

export function Header({ target, connection, staleForMs, daemon, stats, totals, now, width }: HeaderProps) {
  const facts: HeaderSegment[] = [
    { text: 'gemini-pool', priority: 0, bold: true },
    { text: daemon ? `v${daemon.version}` : '', priority: 7 },
    { text: `@ ${truncateStart(target, TARGET_MAX)}`, priority: 3 },
    { text: CONNECTION_WORDS[connection], priority: 0, colour: CONNECTION_COLOURS[connection], bold: connection !== 'connected' },
    { text: staleForMs !== undefined ? `data ${formatDuration(staleForMs)} old` : '', priority: 1, colour: 'yellow' },
    { text: daemon ? `up ${formatDuration(now - daemon.startedAt)}` : '', priority: 2 },
    { text: daemon ? daemon.url : '', priority: 5 },
    { text: daemon ? `pid ${daemon.pid}` : '', priority: 6 },
  ];
  const meters: HeaderSegment[] =
    stats && totals
      ? [
          { text: `req/s ${formatRate(stats.requestsPerS)}`, priority: 0 },
          { text: `ok ${formatPercent(stats.successRate)}`, priority: 0, colour: successColour(stats.successRate) },
          { text: `p50 ${formatLatency(stats.latencyP50Ms)} p95 ${formatLatency(stats.latencyP95Ms)}`, priority: 2 },
          { text: `in-flight ${stats.inflight}`, priority: 5 },
          { text: `keys ${totals.available} avail`, priority: 0, colour: totals.available > 0 ? 'green' : 'red' },
          { text: `${totals.cooling} cooling`, priority: 1, colour: totals.cooling > 0 ? 'yellow' : undefined },
          { text: `${totals.invalid} invalid`, priority: 1, colour: totals.invalid > 0 ? 'red' : undefined },
          { text: `${totals.total} total`, priority: 4 },
        ]
      : [{ text: connection === 'disconnected' ? 'no data yet: is the daemon running? (gemini-pool start)' : 'waiting for the first snapshot…', priority: 0 }];
  return (
    <Box flexDirection="column" width={width}>
      <SegmentLine segments={facts} width={width} />
      <SegmentLine segments={meters} width={width} dim={connection !== 'connected'} />
    </Box>
  );
}

function SegmentLine({ segments, width, dim = false }: { segments: HeaderSegment[]; width: number; dim?: boolean }) {
  const shown = fitSegments(
    segments.filter((segment) => segment.text !== ''),
    width,
  );
  return (
    <Text wrap="truncate" dimColor={dim}>
      {shown.map((segment, index) => (
        <Fragment key={index}>
          {index > 0 ? '  ' : ''}
          <Text color={segment.colour} bold={segment.bold}>
            {segment.text}
          </Text>
        </Fragment>
      ))}
    </Text>
  );
}
