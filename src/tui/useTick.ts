import { useEffect, useState } from 'react';

/**
 * Re-renders once a second (on the second), so countdowns and ages move
 * between snapshots. Returns our clock at the last tick.
 */
export function useTick(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let timer: NodeJS.Timeout;
    const schedule = () => {
      timer = setTimeout(() => {
        setNow(Date.now());
        schedule();
      }, intervalMs - (Date.now() % intervalMs) + 5);
    };
    schedule();
    return () => clearTimeout(timer);
  }, [intervalMs]);
  return now;
}
