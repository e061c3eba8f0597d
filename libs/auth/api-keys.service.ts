import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { AuditLogService } from '../audit/index.js';
import { AppConfig } from '../config/index.js';
import {
  ClickHouseService,
  dateFromClickHouse,
  dateToClickHouse,
  fromClickHouseTime,
  toClickHouseTime,
} from '../storage/index.js';
import { AuthErrorCode, AuthException } from './auth.errors.js';
import {
  ADMIN_TENANT,
  constantTimeEquals,
  generateKey,
  hashSecret,
  parseKey,
  Scope,
  SCOPES,
  secretMatches,
  tenantIdPattern,
  type Principal,
} from './keys.js';
import { loggedFailure } from '../errors/index.js';

const keyRow = z.object({
  key_id: z.string(),
  tenant_id: z.string(),
  scopes: z.array(z.enum(SCOPES as [Scope, ...Scope[]])),
  secret_hash: z.string(),
  revoked: z.union([z.boolean(), z.number()]).transform(Boolean),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  /** The expiry the key was minted with, which a rotation leaves as it is (migration 0138). */
  minted_expires_at: z.string().nullable(),
});
type KeyRow = z.infer<typeof keyRow>;

const listedKeyRow = z.object({
  key_id: z.string(),
  tenant_id: z.string(),
  scopes: z.array(z.enum(SCOPES as [Scope, ...Scope[]])),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

/** A minted key: the secret text appears here once and is never stored. */
export interface CreatedKey {
  key: string;
  keyId: string;
  /** The same public id (docs/design.md §10 names it `id`). */
  id: string;
  tenantId: string;
  scopes: Scope[];
  expiresAt: Date | null;
}

/** A key as listed: never its text. */
export interface ApiKeyListing {
  id: string;
  tenantId: string;
  scopes: Scope[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who asks for a key change, for the audit log; undefined: the command line on the store. */
export interface KeyActor {
  actorKeyId?: string;
  /** A key whose text the operator chose (`ensure`): it is recorded before it is stored. */
  chosenText?: boolean;
}

/** How often at most a key's use is written down (lastUsedAt is known to this precision). */
const USE_NOTE_MS = 60_000;

/** The longest grace a rotated key keeps working: 90 days. */
export const MAX_GRACE_HOURS = 24 * 90;

/** How long a looked-up key is trusted before it is read again (revocation elsewhere). */
const CACHE_MS = 2_000;

/**
 * The most looked-up key ids kept, the least recently used dropped first: a header of any 16
 * printable characters is looked up (and its absence kept, so that a flood of one wrong key costs
 * one read each CACHE_MS), so without a bound every distinct wrong key presented, with no key
 * needed to present it, would stay in memory for good.
 */
export const KEY_CACHE_ENTRIES = 10_000;

interface CachedKey {
  row: KeyRow | undefined;
  until: number;
}

/** The distinct scopes of a key of `tenantId`; throws when the tenant or the scopes are none. */
function checkedKey(tenantId: string, scopes: Scope[]): Scope[] {
  if (!tenantIdPattern.test(tenantId) || tenantId === ADMIN_TENANT) {
    throw new AuthException(
      AuthErrorCode.InvalidRequest,
      'tenantId must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
  if (scopes.length === 0) {
    throw new AuthException(AuthErrorCode.InvalidRequest, 'at least one scope is required');
  }
  return [...new Set(scopes)];
}

/** Mints, checks and revokes API keys. Keys are never logged; only their hashes are stored. */
@Injectable()
export class ApiKeysService implements BeforeApplicationShutdown {
  private readonly cache = new LRUCache<string, CachedKey>({ max: this.cacheEntries() });
  /** Reads in flight per key id: concurrent requests with one key share one read. */
  private readonly reading = new Map<string, Promise<KeyRow | undefined>>();

  /** When each key's use was last written down, so a busy key costs one insert a minute. */
  private readonly usesNoted = new Map<string, number>();
  /** Notes of use being written, awaited before the store closes. */
  private readonly notesInFlight = new Set<Promise<void>>();
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly clickhouse: ClickHouseService,
    private readonly audit: AuditLogService,
  ) {}

  /** The bound of the lookup cache (a spec makes it small). */
  protected cacheEntries(): number {
    return KEY_CACHE_ENTRIES;
  }

  /**
   * Registers a key whose text the operator chose (e.g. CAUSEWAY_DEMO_KEY), unless it already
   * exists for the tenant. Answers false when the text is taken by another tenant, or is a key
   * that no longer works (revoked, or expired: rotated and past its grace, say).
   */
  async ensure(key: string, tenantId: string, scopes: Scope[]): Promise<boolean> {
    const parsed = parseKey(key);
    if (parsed === undefined) {
      throw new AuthException(
        AuthErrorCode.InvalidRequest,
        'a key needs 16-256 printable characters',
      );
    }
    const existing = await this.lookup(parsed.keyId, true);
    if (existing !== undefined) {
      const expired =
        existing.expires_at !== null && fromClickHouseTime(existing.expires_at) <= Date.now();
      return existing.tenant_id === tenantId && !existing.revoked && !expired;
    }
    await this.mint(parsed.keyId, parsed.secret, tenantId, scopes, null, { chosenText: true });
    return true;
  }

  /** Mints a key (optionally expiring at `expiresAt`) and records it in the audit log. */
  async create(
    tenantId: string,
    scopes: Scope[],
    expiresAt: Date | null = null,
    actor: KeyActor = {},
  ): Promise<CreatedKey> {
    if (expiresAt !== null && !(expiresAt.getTime() > Date.now())) {
      throw new AuthException(AuthErrorCode.InvalidRequest, 'expiresAt must be in the future');
    }
    const { key, keyId, secret } = generateKey();
    const unique = await this.mint(keyId, secret, tenantId, scopes, expiresAt, actor);
    return { key, keyId, id: keyId, tenantId, scopes: unique, expiresAt };
  }

  /**
   * Stores a new key and records it in the audit log: after, for a key minted here (one whose
   * entry could not be written was never shown); before, for a text the operator chose (`ensure`),
   * which works as soon as it is stored, so that none does unrecorded.
   */
  private async mint(
    keyId: string,
    secret: string,
    tenantId: string,
    scopes: Scope[],
    expiresAt: Date | null,
    actor: KeyActor,
  ): Promise<Scope[]> {
    const chosen = actor.chosenText === true;
    const entry = {
      tenantId,
      actorKeyId: actor.actorKeyId,
      action: 'key.minted',
      target: keyId,
      detail: { scopes: checkedKey(tenantId, scopes), expiresAt: expiresAt?.toISOString() ?? null },
    };
    if (chosen) {
      await this.audit.record(entry);
    }
    const unique = await this.store(keyId, secret, tenantId, scopes, expiresAt);
    if (!chosen) {
      await this.audit.record(entry);
    }
    return unique;
  }

  /**
   * Mints a successor of a key with the same tenant and scopes (and, when the key was minted to
   * expire, the same lifetime from now, whatever grace an earlier rotation gave it), and lets the
   * old key work `graceHours` more, not after: clients switch to the new key within the grace
   * period. A revoked or expired key cannot be rotated.
   */
  async rotate(
    keyId: string,
    graceHours: number,
    tenantId?: string,
    actor: KeyActor = {},
  ): Promise<CreatedKey> {
    if (!Number.isInteger(graceHours) || graceHours < 0 || graceHours > MAX_GRACE_HOURS) {
      throw new AuthException(
        AuthErrorCode.InvalidRequest,
        `graceHours must be a whole number from 0 to ${MAX_GRACE_HOURS}`,
      );
    }
    const old = await this.lookup(keyId, true);
    if (old === undefined || (tenantId !== undefined && old.tenant_id !== tenantId)) {
      throw new AuthException(AuthErrorCode.InvalidRequest, `no key ${keyId} to rotate`);
    }
    const now = Date.now();
    const oldExpiry = old.expires_at === null ? null : fromClickHouseTime(old.expires_at);
    if (old.revoked || (oldExpiry !== null && oldExpiry <= now)) {
      throw new AuthException(
        AuthErrorCode.InvalidRequest,
        `key ${keyId} is revoked or expired; mint a new one`,
      );
    }
    // the key's own lifetime: a rotation before this one shortened expires_at to its grace's end
    const mintedExpiry =
      old.minted_expires_at === null ? null : fromClickHouseTime(old.minted_expires_at);
    const lifetime =
      mintedExpiry === null ? null : mintedExpiry - fromClickHouseTime(old.created_at);
    const { key, keyId: newId, secret } = generateKey();
    const expiresAt = lifetime === null ? null : new Date(now + lifetime);
    const graceEnd = Math.min(now + graceHours * 3_600_000, oldExpiry ?? Number.POSITIVE_INFINITY);
    // recorded first: a failed write stops the rotation, which never happens unrecorded
    await this.audit.record({
      tenantId: old.tenant_id,
      actorKeyId: actor.actorKeyId,
      action: 'key.rotated',
      target: keyId,
      detail: { successor: newId, oldKeyExpiresAt: new Date(graceEnd).toISOString(), graceHours },
    });
    const scopes = await this.store(newId, secret, old.tenant_id, old.scopes, expiresAt);
    await this.setExpiry(keyId, toClickHouseTime(graceEnd));
    return { key, keyId: newId, id: newId, tenantId: old.tenant_id, scopes, expiresAt };
  }

  /** The keys of a tenant (every tenant's when undefined), oldest first; never their text. */
  async list(tenantId?: string): Promise<ApiKeyListing[]> {
    const rows = await this.clickhouse.query({
      tag: 'auth.list_keys',
      sql: `SELECT k.key_id AS key_id, k.tenant_id AS tenant_id, k.scopes AS scopes,
                   toString(k.created_at) AS created_at, toString(k.expires_at) AS expires_at,
                   -- the earliest revocation, appended or (before they were kept apart) on the row
                   toString(if(r.revoked_at IS NULL OR k.revoked_at < r.revoked_at,
                               k.revoked_at, r.revoked_at)) AS revoked_at
            FROM api_keys AS k FINAL
            LEFT JOIN (
              SELECT key_id, min(toNullable(revoked_at)) AS revoked_at
              FROM api_key_revocations GROUP BY key_id
            ) AS r ON r.key_id = k.key_id
            WHERE {all:Bool} OR k.tenant_id = {tenantId:String}
            ORDER BY created_at, key_id`,
      params: { all: tenantId === undefined, tenantId: tenantId ?? '' },
      row: listedKeyRow,
    });
    const uses = await this.clickhouse.query({
      tag: 'auth.key_uses',
      sql: `SELECT key_id, toString(max(used_at)) AS used_at FROM api_key_usage
            WHERE key_id IN {ids:Array(String)} GROUP BY key_id`,
      params: { ids: rows.map((r) => r.key_id) },
      row: z.object({ key_id: z.string(), used_at: z.string() }),
    });
    const lastUse = new Map(uses.map((u) => [u.key_id, u.used_at]));
    return rows.map((r) => ({
      id: r.key_id,
      tenantId: r.tenant_id,
      scopes: r.scopes,
      createdAt: dateFromClickHouse(r.created_at),
      expiresAt: dateFromClickHouse(r.expires_at),
      lastUsedAt: dateFromClickHouse(lastUse.get(r.key_id) ?? null),
      revokedAt: dateFromClickHouse(r.revoked_at),
    }));
  }

  private async store(
    keyId: string,
    secret: string,
    tenantId: string,
    scopes: Scope[],
    expiresAt: Date | null,
  ): Promise<Scope[]> {
    const unique = checkedKey(tenantId, scopes);
    const now = toClickHouseTime(Date.now());
    this.forget(keyId);
    await this.clickhouse.insert({
      table: 'api_keys',
      tag: 'auth.create_key',
      rows: [
        {
          key_id: keyId,
          tenant_id: tenantId,
          scopes: unique,
          secret_hash: hashSecret(secret, this.config.env.CAUSEWAY_KEY_PEPPER),
          created_at: now,
          revoked_at: null,
          updated_at: now,
          expires_at: dateToClickHouse(expiresAt),
          minted_expires_at: dateToClickHouse(expiresAt),
        },
      ],
    });
    return unique;
  }

  /** Revokes a key of `tenantId` (any tenant's key when tenantId is undefined); effective at once. */
  async revoke(keyId: string, tenantId?: string, actor: KeyActor = {}): Promise<boolean> {
    const row = await this.lookup(keyId, true);
    if (row === undefined || (tenantId !== undefined && row.tenant_id !== tenantId)) {
      return false;
    }
    // recorded first: a failed write stops the revocation, which never happens unrecorded
    await this.audit.record({
      tenantId: row.tenant_id,
      actorKeyId: actor.actorKeyId,
      action: 'key.revoked',
      target: keyId,
    });
    // appended, never a rewrite of the key's row: no rewrite racing it can copy the key back
    await this.clickhouse.insert({
      table: 'api_key_revocations',
      tag: 'auth.revoke_key',
      rows: [{ key_id: keyId, revoked_at: toClickHouseTime(Date.now()) }],
    });
    this.forget(keyId);
    return true;
  }

  /**
   * Writes a newer version of a key's row with its expiry changed (the others copied forward), and
   * forgets what was known of the key so the change holds at once. Two of these at once may lose
   * one's change, which is why a revocation is never one (api_key_revocations).
   */
  private async setExpiry(keyId: string, expiresAt: string): Promise<void> {
    await this.clickhouse.command(
      'auth.rotate_key',
      `INSERT INTO api_keys (key_id, tenant_id, scopes, secret_hash, created_at, revoked_at, updated_at, expires_at,
                             minted_expires_at)
       SELECT key_id, tenant_id, scopes, secret_hash, created_at, revoked_at,
              greatest(updated_at + INTERVAL 1 MILLISECOND, now64(3)),
              {expiresAt:DateTime64(3, 'UTC')}, minted_expires_at
       FROM api_keys FINAL WHERE key_id = {keyId:String}`,
      { keyId, expiresAt },
    );
    this.forget(keyId);
  }

  /**
   * The principal a presented key stands for; throws when it is missing, unknown, revoked or
   * expired.
   */
  async authenticate(presented: string | undefined): Promise<Principal> {
    if (presented === undefined || presented === '') {
      throw new AuthException(
        AuthErrorCode.MissingKey,
        'missing Authorization: Bearer <api key> (or HTTP Basic with the key as user name)',
      );
    }
    const admin = this.config.env.CAUSEWAY_ADMIN_KEY;
    if (admin !== undefined && constantTimeEquals(presented, admin)) {
      return { keyId: 'env-admin', tenantId: ADMIN_TENANT, scopes: [Scope.ADMIN] };
    }
    const parsed = parseKey(presented);
    const row = parsed === undefined ? undefined : await this.lookup(parsed.keyId, false);
    if (
      parsed === undefined ||
      row === undefined ||
      row.revoked ||
      !secretMatches(parsed.secret, row.secret_hash, this.config.env.CAUSEWAY_KEY_PEPPER)
    ) {
      throw new AuthException(AuthErrorCode.InvalidKey, 'invalid or revoked API key');
    }
    // only the key's holder (the secret matched) learns that it expired, and when
    if (row.expires_at !== null && fromClickHouseTime(row.expires_at) <= Date.now()) {
      throw new AuthException(
        AuthErrorCode.ExpiredKey,
        `this API key expired at ${dateFromClickHouse(row.expires_at).toISOString()}; ` +
          'an ADMIN key mints a new one (createApiKey, or npm run causeway -- keys create)',
      );
    }
    this.noteUse(row.key_id);
    return { keyId: row.key_id, tenantId: row.tenant_id, scopes: row.scopes };
  }

  /**
   * Writes down that a key was used, at most once a minute per key, without holding up the
   * request. A failed write is logged and costs only lastUsedAt's precision, never the request.
   */
  private noteUse(keyId: string): void {
    const now = Date.now();
    if (now - (this.usesNoted.get(keyId) ?? 0) < USE_NOTE_MS) {
      return;
    }
    this.usesNoted.set(keyId, now);
    const note = this.clickhouse
      .insert({
        table: 'api_key_usage',
        tag: 'auth.note_use',
        rows: [{ key_id: keyId, used_at: toClickHouseTime(now) }],
      })
      .catch((error: unknown) => {
        this.usesNoted.delete(keyId);
        this.logger.warn({ err: loggedFailure(error), keyId }, 'could not note the use of a key');
      })
      .finally(() => this.notesInFlight.delete(note));
    this.notesInFlight.add(note);
  }

  /** Waits for the notes of use being written (before the store closes, and in tests). */
  async flushUses(): Promise<void> {
    await Promise.all([...this.notesInFlight]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flushUses();
  }

  /** Drops what is known of a key, a read in flight included (it is not kept when it lands). */
  private forget(keyId: string): void {
    this.cache.delete(keyId);
    this.reading.delete(keyId);
  }

  /**
   * The stored row of a key. A row read less than CACHE_MS ago is trusted unless `fresh`; a read
   * already in flight is shared, so a burst of requests with one key costs the engine one query.
   * A row past half that age is still answered, and read again in the background: a steady stream
   * of requests with one key never waits for the engine (at each expiry, every request of that
   * moment waited for the read).
   */
  private lookup(keyId: string, fresh: boolean): Promise<KeyRow | undefined> {
    const cached = this.cache.get(keyId);
    const now = Date.now();
    if (!fresh && cached !== undefined && cached.until > now) {
      if (cached.until - now <= CACHE_MS / 2 && !this.reading.has(keyId)) {
        // a failed renewal leaves the row to expire; the request after that reads and fails
        this.read(keyId).catch(() => undefined);
      }
      return Promise.resolve(cached.row);
    }
    const inFlight = this.reading.get(keyId);
    if (!fresh && inFlight !== undefined) {
      return inFlight;
    }
    return this.read(keyId);
  }

  /** Reads a key's row, shared with the lookups that come while it runs, and keeps it. */
  private read(keyId: string): Promise<KeyRow | undefined> {
    const started = Date.now();
    const read = this.clickhouse
      .query({
        tag: 'auth.lookup_key',
        sql: `SELECT key_id, tenant_id, scopes, secret_hash,
                     -- revoked by any revocation, whatever version of the row is the latest
                     revoked_at IS NOT NULL OR key_id IN (
                       SELECT key_id FROM api_key_revocations WHERE key_id = {keyId:String}
                     ) AS revoked,
                     toString(created_at) AS created_at, toString(expires_at) AS expires_at,
                     toString(minted_expires_at) AS minted_expires_at
              FROM api_keys FINAL WHERE key_id = {keyId:String}`,
        params: { keyId },
        row: keyRow,
      })
      .then((rows) => {
        const row = rows[0];
        if (this.reading.get(keyId) === read) {
          this.cache.set(keyId, { row, until: started + CACHE_MS });
        }
        return row;
      })
      .finally(() => {
        if (this.reading.get(keyId) === read) {
          this.reading.delete(keyId);
        }
      });
    this.reading.set(keyId, read);
    return read;
  }
}

/** Throws unless the principal holds the scope. */
export function requireScope(principal: Principal, scope: Scope): void {
  if (!principal.scopes.includes(scope)) {
    throw new AuthException(
      AuthErrorCode.Forbidden,
      `this key lacks the ${scope} scope (it has ${principal.scopes.join(', ')})`,
    );
  }
}
