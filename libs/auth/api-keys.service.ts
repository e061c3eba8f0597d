import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AppConfig } from '../config/index.js';
import { ClickHouseService, toClickHouseTime } from '../storage/index.js';
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

const keyRow = z.object({
  key_id: z.string(),
  tenant_id: z.string(),
  scopes: z.array(z.enum(SCOPES as [Scope, ...Scope[]])),
  secret_hash: z.string(),
  revoked: z.union([z.boolean(), z.number()]).transform(Boolean),
});
type KeyRow = z.infer<typeof keyRow>;

/** A minted key: the secret text appears here once and is never stored. */
export interface CreatedKey {
  key: string;
  keyId: string;
  tenantId: string;
  scopes: Scope[];
}

/** How long a looked-up key is trusted before it is read again (revocation elsewhere). */
const CACHE_MS = 2_000;

/** Mints, checks and revokes API keys. Keys are never logged; only their hashes are stored. */
@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, { row: KeyRow | undefined; until: number }>();
  /** Reads in flight per key id: concurrent requests with one key share one read. */
  private readonly reading = new Map<string, Promise<KeyRow | undefined>>();

  constructor(
    private readonly config: AppConfig,
    private readonly clickhouse: ClickHouseService,
  ) {}

  /**
   * Registers a key whose text the operator chose (e.g. CAUSEWAY_DEMO_KEY), unless it already
   * exists for the tenant. Answers false when the text is taken by another tenant.
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
      return existing.tenant_id === tenantId && !existing.revoked;
    }
    await this.store(parsed.keyId, parsed.secret, tenantId, scopes);
    return true;
  }

  async create(tenantId: string, scopes: Scope[]): Promise<CreatedKey> {
    const { key, keyId, secret } = generateKey();
    const unique = await this.store(keyId, secret, tenantId, scopes);
    return { key, keyId, tenantId, scopes: unique };
  }

  private async store(
    keyId: string,
    secret: string,
    tenantId: string,
    scopes: Scope[],
  ): Promise<Scope[]> {
    if (!tenantIdPattern.test(tenantId) || tenantId === ADMIN_TENANT) {
      throw new AuthException(
        AuthErrorCode.InvalidRequest,
        'tenantId must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
      );
    }
    if (scopes.length === 0) {
      throw new AuthException(AuthErrorCode.InvalidRequest, 'at least one scope is required');
    }
    const now = toClickHouseTime(Date.now());
    const unique = [...new Set(scopes)];
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
        },
      ],
    });
    return unique;
  }

  /** Revokes a key of `tenantId` (any tenant's key when tenantId is undefined); effective at once. */
  async revoke(keyId: string, tenantId?: string): Promise<boolean> {
    const row = await this.lookup(keyId, true);
    if (row === undefined || (tenantId !== undefined && row.tenant_id !== tenantId)) {
      return false;
    }
    const now = toClickHouseTime(Date.now());
    await this.clickhouse.command(
      'auth.revoke_key',
      `INSERT INTO api_keys (key_id, tenant_id, scopes, secret_hash, created_at, revoked_at, updated_at)
       SELECT key_id, tenant_id, scopes, secret_hash, created_at, {now:DateTime64(3, 'UTC')}, {now:DateTime64(3, 'UTC')}
       FROM api_keys FINAL WHERE key_id = {keyId:String}`,
      { keyId, now },
    );
    this.forget(keyId);
    return true;
  }

  /** The principal a presented key stands for; throws when it is missing, unknown or revoked. */
  async authenticate(presented: string | undefined): Promise<Principal> {
    if (presented === undefined || presented === '') {
      throw new AuthException(AuthErrorCode.MissingKey, 'missing Authorization: Bearer <api key>');
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
    return { keyId: row.key_id, tenantId: row.tenant_id, scopes: row.scopes };
  }

  /** Drops what is known of a key, a read in flight included (it is not kept when it lands). */
  private forget(keyId: string): void {
    this.cache.delete(keyId);
    this.reading.delete(keyId);
  }

  /**
   * The stored row of a key. A row read less than CACHE_MS ago is trusted unless `fresh`; a read
   * already in flight is shared, so a burst of requests with one key costs the engine one query.
   */
  private lookup(keyId: string, fresh: boolean): Promise<KeyRow | undefined> {
    const cached = this.cache.get(keyId);
    if (!fresh && cached !== undefined && cached.until > Date.now()) {
      return Promise.resolve(cached.row);
    }
    const inFlight = this.reading.get(keyId);
    if (!fresh && inFlight !== undefined) {
      return inFlight;
    }
    const started = Date.now();
    const read = this.clickhouse
      .query({
        tag: 'auth.lookup_key',
        sql: `SELECT key_id, tenant_id, scopes, secret_hash, revoked_at IS NOT NULL AS revoked
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
