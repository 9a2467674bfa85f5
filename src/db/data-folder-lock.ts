import path from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * One process per embedded data folder. PGlite keeps its own copy of the database pages in
 * memory and writes them back to DATA_DIR; two processes on one folder each see their own view
 * and overwrite each other's writes (issue 14). The lock is a directory `pathcast.lock` inside the
 * folder, made atomically by proper-lockfile and touched every LOCK_UPDATE_MS while held; one not
 * touched for LOCK_STALE_MS belongs to a process that died and is taken over. It is removed on a
 * graceful close and, through proper-lockfile's exit hook, on process.exit.
 */

export const LOCK_NAME = 'pathcast.lock';
/** A lock untouched this long is stale. Generous, so a busy machine that stalls the event loop for a few seconds does not lose it. */
export const LOCK_STALE_MS = 20_000;
const LOCK_UPDATE_MS = 5_000;

export class DataFolderInUseError extends Error {
  readonly code = 'DATA_FOLDER_IN_USE';
  readonly dataDir: string;
  constructor(dataDir: string) {
    super(
      `the data folder ${dataDir} is in use by another pathcast process (it holds ${path.join(dataDir, LOCK_NAME)}); ` +
        `stop that process first or set DATA_DIR to another folder (a lock left by a process that died is taken over ${LOCK_STALE_MS / 1000} s after it stopped)`,
    );
    this.dataDir = dataDir;
  }
}

/**
 * Takes the lock on an existing folder. Resolves to a release function (safe to call twice);
 * rejects with DataFolderInUseError at once, without waiting, if a live process holds it.
 */
export async function lockDataFolder(dataDir: string): Promise<() => Promise<void>> {
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, {
      lockfilePath: path.join(dataDir, LOCK_NAME),
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      retries: 0,
      // The lock could not be touched within the stale time (a long stall) or was removed: say so
      // rather than crash the service mid-request; the operator decides.
      onCompromised: (error) => {
        process.stderr.write(`pathcast: warning: the lock on the data folder ${dataDir} was lost (${error.message}); make sure no other pathcast process uses it\n`);
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataFolderInUseError(dataDir);
    throw error;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await release().catch(() => {});
  };
}
