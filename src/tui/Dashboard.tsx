import { Box, useApp } from 'ink';
import { useCallback, useMemo } from 'react';
import type { ControlClient } from '../protocol/client.js';
import { ClientsPanel } from './ClientsPanel.js';
import { FilterBar } from './FilterBar.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { keyColumnsForWidth, optionalColumnsOf } from './keyColumns.js';
import { orderKeys } from './keyOrder.js';
import { KeysTable } from './KeysTable.js';
import { planLayout } from './layout.js';
import { latestRequests, recentColumnsForWidth } from './recentColumns.js';
import { RecentRequests } from './RecentRequests.js';
import { StatusLine } from './StatusLine.js';
import { activeFilter, type UiState } from './uiState.js';
import { useControl } from './useControl.js';
import { useKeyActions } from './useKeyActions.js';
import { useKeyboard } from './useKeyboard.js';
import { useSelection } from './useSelection.js';
import { useTerminalSize } from './useTerminalSize.js';
import { useTick } from './useTick.js';
import { useUiState } from './useUiState.js';

/**
 * The whole screen: header, keys table, client usage, recent requests, status line. It
 * renders from one snapshot at a time; everything below gets only what it
 * shows. Quitting (q, Ctrl-C) exits the Ink app; runDashboard cleans up.
 */
export interface DashboardProps {
  client: ControlClient;
}

export function Dashboard({ client }: DashboardProps) {
  const { exit } = useApp();
  const { snapshot, connection, clockOffsetMs, receivedAt } = useControl(client);
  const { columns: width, rows: height } = useTerminalSize();
  useTick();
  const [ui, dispatch, getUi] = useUiState();

  const filter = activeFilter(ui);
  const filterBar = ui.mode === 'filter' || ui.filter !== '';
  const clients = snapshot?.clients ?? [];
  const layout = planLayout(height, { filterBar, clients: clients.length });
  const allKeys = snapshot?.keys;
  const keys = useMemo(() => orderKeys(allKeys ?? [], filter, ui.sort), [allKeys, filter, ui.sort]);
  const selection = useSelection(keys, ui.selectedId, layout.tableRows);
  const { label: hasLabels, project: hasProjects } = useMemo(() => optionalColumnsOf(allKeys ?? []), [allKeys]);
  const keyColumns = useMemo(() => keyColumnsForWidth(width, { label: hasLabels, project: hasProjects }), [width, hasLabels, hasProjects]);
  const recentColumns = useMemo(() => recentColumnsForWidth(width), [width]);
  const recent = useMemo(() => latestRequests(snapshot?.recent ?? [], layout.recentRows), [snapshot?.recent, layout.recentRows]);

  const actions = useKeyActions(client, dispatch);
  const quit = useCallback(() => exit(), [exit]);
  useKeyboard({ getUi, dispatch, keys, pageSize: layout.tableRows, actions, quit });

  // Our clock moved to the daemon's: countdowns tick every second between snapshots.
  const now = Date.now() + clockOffsetMs;
  const stale = connection !== 'connected' && snapshot !== undefined;
  const total = allKeys?.length ?? 0;

  return (
    <Box flexDirection="column" width={width} height={Math.max(1, height - 1)}>
      <Header
        target={client.target}
        connection={connection}
        staleForMs={stale ? Date.now() - receivedAt : undefined}
        daemon={snapshot?.daemon}
        stats={snapshot?.stats}
        totals={snapshot?.totals}
        now={now}
        width={width}
      />
      {filterBar ? <FilterBar text={filter} editing={ui.mode === 'filter'} matched={keys.length} total={total} /> : null}
      {ui.mode === 'help' ? (
        <HelpOverlay height={height - 5} />
      ) : (
        <>
          <Box flexDirection="column" flexGrow={1}>
            <KeysTable keys={selection.visible} columns={keyColumns} selectedId={selection.selected?.id} now={now} stale={stale} emptyText={emptyText(snapshot !== undefined, total, ui)} />
          </Box>
          {layout.clientRows > 0 ? <ClientsPanel clients={clients} rows={layout.clientRows} stale={stale} /> : null}
          {layout.recentRows > 0 && snapshot ? <RecentRequests requests={recent} columns={recentColumns} stale={stale} /> : null}
        </>
      )}
      <StatusLine
        message={ui.status}
        question={ui.mode === 'confirmResetAll' ? `Reset all ${total} keys (back in rotation, cooldowns cleared)? y/n` : undefined}
        position={keys.length > 0 ? `${selection.index + 1}/${keys.length} · sort ${ui.sort}` : ''}
        width={width}
      />
    </Box>
  );
}

function emptyText(haveSnapshot: boolean, total: number, ui: UiState): string {
  if (!haveSnapshot) return 'no data yet';
  if (total === 0) return 'no keys: add some to keys.txt, then press l to reload';
  return `no key matches "${activeFilter(ui)}" (Esc clears the filter)`;
}
