/** The `error.type` of a failure: the error's string `code` (driver errors), else its name. */
export function errorType(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.name : 'unknown';
}
