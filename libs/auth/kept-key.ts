import { chmod, readFile, writeFile } from 'node:fs/promises';
import { addDays } from 'date-fns';
import type { ApiKeysService } from './api-keys.service.js';
import { generateKey, parseKey, type Scope } from './keys.js';

/** How long a key minted where none can be kept stays valid. */
export const UNKEPT_KEY_DAYS = 30;

/** A tenant key for a command that starts again and again (the demo), and where it came from. */
export interface KeptKey {
  key: string;
  /**
   * `kept`: the one a previous run wrote to the file; `minted`: new, and written to the file;
   * `replaced`: new, because the file's key was revoked, expired or belongs to another tenant;
   * `expiring`: new, with no file to keep it in, valid for {@link UNKEPT_KEY_DAYS} days.
   */
  origin: 'kept' | 'minted' | 'replaced' | 'expiring';
  expiresAt: Date | null;
}

/**
 * The key of `tenantId` kept in `file` (a key per line is not a format: the file holds one key),
 * so that every run of a command hands out the same key rather than one more that stays valid:
 * a key minted by each run would pile up, every one of them still opening the tenant's data.
 * Written owner-only (0600), beside the data it opens. Without a file, a new key is minted each
 * time and expires after {@link UNKEPT_KEY_DAYS} days.
 */
export async function keptKey(
  keys: ApiKeysService,
  file: string | undefined,
  tenantId: string,
  scopes: Scope[],
  now = new Date(),
): Promise<KeptKey> {
  if (file === undefined) {
    const expiresAt = addDays(now, UNKEPT_KEY_DAYS);
    const { key } = await keys.create(tenantId, scopes, expiresAt);
    return { key, origin: 'expiring', expiresAt };
  }
  const held = await readKey(file);
  if (held !== undefined && parseKey(held) !== undefined) {
    if (await keys.ensure(held, tenantId, scopes)) {
      return { key: held, origin: 'kept', expiresAt: null };
    }
  }
  const { key } = generateKey();
  await keys.ensure(key, tenantId, scopes);
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  // the mode above applies only to a file it creates
  await chmod(file, 0o600);
  // a file edited into something that is no key is replaced, as a revoked key is
  return { key, origin: held === undefined ? 'minted' : 'replaced', expiresAt: null };
}

async function readKey(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  return text.trim();
}
