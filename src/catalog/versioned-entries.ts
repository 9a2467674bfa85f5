/** Compares "1.10.0" and "1.9.3" as versions, not as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Versions of named things (models, scenario files), newest first per id: one id and version
 * is defined once, and asking for an id without a version gives the newest.
 */
export class VersionedEntries<T extends { id: string; version: string }> {
  private readonly byId = new Map<string, T[]>();

  /** The entry already holding this id and version, if any. */
  clash(id: string, version: string): T | undefined {
    return this.byId.get(id)?.find((e) => e.version === version);
  }

  add(entry: T): void {
    const versions = this.byId.get(entry.id) ?? [];
    versions.push(entry);
    versions.sort((a, b) => compareVersions(b.version, a.version));
    this.byId.set(entry.id, versions);
  }

  /** Every version, by id and then newest version first. */
  list(): T[] {
    return [...this.byId.keys()].sort().flatMap((id) => this.byId.get(id) ?? []);
  }

  /** A version, or the newest version of the id when none is given. */
  get(id: string, version?: string): T | undefined {
    const versions = this.byId.get(id);
    if (!versions) return undefined;
    return version === undefined ? versions[0] : versions.find((e) => e.version === version);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }
}
