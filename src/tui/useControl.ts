import { useEffect, useState } from 'react';
import type { ControlClient } from '../protocol/client.js';
import type { Snapshot } from '../protocol/snapshot.js';

/**
 * The daemon as the dashboard sees it: the latest snapshot and whether the
 * connection is up. Takes a first snapshot with `status`, subscribes, and
 * returns the unsubscribe on unmount. The client reconnects and subscribes
 * again by itself after a daemon restart; this hook only listens.
 */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface ControlView {
  snapshot: Snapshot | undefined;
  connection: ConnectionState;
  /** Daemon clock minus ours when the snapshot arrived: add it to Date.now() to count down cooldowns locally. */
  clockOffsetMs: number;
  /** Our clock when the latest snapshot arrived (0 before any). */
  receivedAt: number;
}

interface Received {
  snapshot: Snapshot;
  clockOffsetMs: number;
  receivedAt: number;
}

export function useControl(client: ControlClient): ControlView {
  const [received, setReceived] = useState<Received | undefined>(undefined);
  const [connection, setConnection] = useState<ConnectionState>('connecting');

  useEffect(() => {
    let mounted = true;
    /** Bumped on every connection event, so an old `status` failure cannot overrule a newer event. */
    let generation = 0;
    const accept = (snapshot: Snapshot) => {
      if (!mounted) return;
      const receivedAt = Date.now();
      // A late `status` answer must not replace a newer pushed snapshot of the same daemon.
      setReceived((previous) =>
        previous && previous.snapshot.daemon.pid === snapshot.daemon.pid && previous.snapshot.now > snapshot.now
          ? previous
          : { snapshot, clockOffsetMs: snapshot.now - receivedAt, receivedAt },
      );
      setConnection('connected');
    };
    const fetchStatus = () => {
      const asked = generation;
      client.request('status').then(accept, () => {
        if (mounted && asked === generation) setConnection('disconnected');
      });
    };
    const stopListening = client.onConnection((connected) => {
      generation += 1;
      if (!mounted) return;
      setConnection(connected ? 'connected' : 'disconnected');
      if (connected) fetchStatus();
    });
    const unsubscribe = client.subscribe(accept);
    fetchStatus();
    return () => {
      mounted = false;
      unsubscribe();
      stopListening();
    };
  }, [client]);

  return {
    snapshot: received?.snapshot,
    connection,
    clockOffsetMs: received?.clockOffsetMs ?? 0,
    receivedAt: received?.receivedAt ?? 0,
  };
}
