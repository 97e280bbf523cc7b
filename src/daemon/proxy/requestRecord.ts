/**
 * What the pipeline knows about one finished request: logged as one line,
 * and (later) kept in the recent-requests ring and in metrics.
 */
export interface RequestRecord {
  surface: 'native' | 'openai' | 'admin';
  method: string;
  path: string;
  model?: string;
  status: number;
  attempts: number;
  keyMasked?: string;
  upstreamMs?: number;
  error?: string;
}
