/**
 * The fare API key's rotation, as pure decisions (the calls are in `handler.ts`). Secrets Manager runs a rotation in
 * four steps, each an invocation with the secret, a client request token (the new version's id) and the step:
 *
 * 1. `createSecret` — put a new random key as the AWSPENDING version (once per token);
 * 2. `setSecret` — create an API Gateway key with that value and add it to the fare API's usage plan;
 * 3. `testSecret` — call the API with it until API Gateway accepts it (a new key takes a few seconds);
 * 4. `finishSecret` — make it AWSCURRENT (the old version becomes AWSPREVIOUS), then delete the keys of versions that
 *    are neither: the key that was current until now stays valid until the next rotation, so a running job that
 *    still holds it keeps working — and re-reads the secret on its first 403 anyway.
 *
 * Every step may run again (Secrets Manager retries a failed rotation with the same token), so each decides from
 * what it finds. Keys belong to the rotation by a tag naming the usage plan (the role may delete only those) and a
 * tag naming the secret version they hold.
 */

/** The JSON field of the secret that holds the key (what the Flink job reads: ApiKeySource.SECRET_FIELD). */
export const SECRET_FIELD = 'apiKey';
/** Tags on every key the rotation creates. */
export const USAGE_PLAN_TAG = 'streamkit:usage-plan';
export const VERSION_TAG = 'streamkit:secret-version';
/** API Gateway takes keys of 20 to 128 characters; Secrets Manager generates them without punctuation. */
export const KEY_LENGTH = 40;

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
export const ROTATION_STEPS: readonly RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/** What DescribeSecret says about the secret. */
export interface SecretDescription {
  readonly RotationEnabled?: boolean;
  readonly VersionIdsToStages?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Whether this invocation has work to do: Secrets Manager's own checks of a rotation request. `done` when the
 * token is already current (a repeated finishSecret); an Error for a request that must not proceed.
 */
export function checkRequest(secret: SecretDescription, token: string, step: string): 'proceed' | 'done' | Error {
  if (!ROTATION_STEPS.includes(step as RotationStep)) {
    return new Error(`unknown rotation step ${JSON.stringify(step)}; expected one of ${ROTATION_STEPS.join(', ')}`);
  }
  if (secret.RotationEnabled === false) return new Error('rotation is not enabled on the secret');
  const stages = secret.VersionIdsToStages?.[token];
  if (!stages) return new Error(`the secret has no version ${token} to rotate to`);
  if (stages.includes('AWSCURRENT')) return 'done';
  if (!stages.includes('AWSPENDING'))
    return new Error(`version ${token} is not AWSPENDING (it is ${stages.join(', ')})`);
  return 'proceed';
}

/** The secret's text for a key. */
export function secretString(apiKey: string): string {
  return JSON.stringify({ [SECRET_FIELD]: apiKey });
}

/** The key in a secret's text; an Error names what is wrong without showing the text. */
export function apiKeyOf(text: string | undefined): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    throw new Error(`the secret is not JSON; expected {"${SECRET_FIELD}": "…"}`);
  }
  const value = (parsed as Record<string, unknown> | null)?.[SECRET_FIELD];
  if (typeof value !== 'string' || value.length < 20) {
    throw new Error(`the secret has no "${SECRET_FIELD}" string of at least 20 characters`);
  }
  return value;
}

/** An API Gateway key as GetApiKeys lists it. */
export interface ApiKeySummary {
  readonly id: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The rotation's key for a secret version, if setSecret already created it. */
export function keyOfVersion(keys: readonly ApiKeySummary[], usagePlanId: string, versionId: string) {
  return keys.find((key) => key.tags?.[USAGE_PLAN_TAG] === usagePlanId && key.tags?.[VERSION_TAG] === versionId);
}

/** The tags of the key holding `versionId`. */
export function keyTags(usagePlanId: string, versionId: string): Record<string, string> {
  return { [USAGE_PLAN_TAG]: usagePlanId, [VERSION_TAG]: versionId };
}

/**
 * The keys finishSecret deletes: the rotation's keys of this usage plan whose secret version is neither current nor
 * previous (AWSPREVIOUS keeps working until the next rotation: the grace period of jobs that still hold it).
 */
export function keysToRetire(
  keys: readonly ApiKeySummary[],
  usagePlanId: string,
  stages: Readonly<Record<string, readonly string[]>>,
): ApiKeySummary[] {
  const keep = new Set(
    Object.entries(stages)
      .filter(([, s]) => s.includes('AWSCURRENT') || s.includes('AWSPREVIOUS'))
      .map(([version]) => version),
  );
  return keys.filter((key) => {
    if (key.tags?.[USAGE_PLAN_TAG] !== usagePlanId) return false;
    const version = key.tags?.[VERSION_TAG];
    return version === undefined || !keep.has(version);
  });
}

/** The version that is AWSCURRENT, which finishSecret moves the stage away from. */
export function currentVersion(stages: Readonly<Record<string, readonly string[]>>): string | undefined {
  return Object.entries(stages).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
}

/**
 * What one test call's answer means: a 2xx passes; a 403 is a key API Gateway does not accept yet (it takes a few
 * seconds) — try again while attempts remain; anything else fails the rotation now (the old key stays current).
 */
export function testOutcome(status: number, attempt: number, attempts: number): 'passed' | 'again' | Error {
  if (status >= 200 && status < 300) return 'passed';
  if (status === 403 && attempt < attempts) return 'again';
  return new Error(
    status === 403
      ? `the fare API still refused the new key after ${attempts} calls (HTTP 403); the old key stays current`
      : `the fare API answered HTTP ${status} to a call with the new key; the old key stays current`,
  );
}

/** The ride the test call asks about: a valid request of the fare API's model. */
export const TEST_RIDE = {
  ride_id: 'streamkit-key-rotation-test',
  pickup_datetime: '2026-01-01 12:00:00.000',
  passenger_count: 1,
  trip_distance: 1,
} as const;
