/**
 * Gives the event loop a turn. The embedded database (PGlite) runs each statement synchronously
 * on the service thread and resolves its promise in a microtask, so a loop of statements never
 * lets a timer or a socket run between them: a 20,000-row import held /health for seconds
 * (issue 14). Long loops of statements await this between batches; on PostgreSQL it costs
 * one turn of the loop.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
