/** What this tab keeps across a reload (sessionStorage), read back as JSON; a damaged entry reads as nothing. */
export function readTabJson<T>(key: string): T | undefined {
  try {
    return (JSON.parse(sessionStorage.getItem(key) ?? 'null') as T | null) ?? undefined;
  } catch {
    return undefined;
  }
}
