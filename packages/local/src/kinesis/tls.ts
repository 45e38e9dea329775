/**
 * The engine's HTTPS certificate: self-signed for `localhost`, `127.0.0.1` and `::1`, made on first start and kept
 * (PEM, key readable by the owner only) so that a client told to trust it once keeps trusting it:
 *
 * - in `<dataDir>/tls/` when the engine has a data directory;
 * - otherwise in the user's cache directory, `streamkit/kinesis-tls/` under `$XDG_CACHE_HOME` or `~/.cache` (Linux),
 *   `~/Library/Caches` (macOS) or `%LOCALAPPDATA%` (Windows), falling back to the OS temp directory.
 *
 * A kept certificate is made anew when it is unreadable, expires within `RENEW_BEFORE_EXPIRY_DAYS`, or does not cover
 * the names above. Engines starting at once (test runs, several `streamkit dev`) make it once: the first takes a lock
 * directory, the others wait for it and read what it wrote, so the certificate on disk is the one every engine serves.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StreamkitError } from '@streamkit/core';
import { generate } from 'selfsigned';
import { userCacheDirectory } from '../user-cache-directory.ts';

export const CERTIFICATE_FILE = 'kinesis-localhost.crt';
export const KEY_FILE = 'kinesis-localhost.key';
/** Names the certificate covers: what clients on this machine put in an endpoint. */
export const CERTIFICATE_HOSTS = { dns: ['localhost'], ip: ['127.0.0.1', '::1'] } as const;
const VALIDITY_DAYS = 825;
const RENEW_BEFORE_EXPIRY_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A lock older than this was left by a process that died while making the certificate. */
const STALE_LOCK_MS = 30_000;
const LOCK_POLL_MS = 25;

export interface EngineCertificate {
  /** The certificate, PEM. Clients trust it as a CA: `NODE_EXTRA_CA_CERTS`, a Java trust store, `curl --cacert`. */
  readonly certificate: string;
  readonly key: string;
  readonly certificatePath: string;
  readonly keyPath: string;
}

/** Where the certificate is kept for an engine with (or without) a data directory. */
export function certificateDirectory(dataDir: string | undefined): string {
  return dataDir === undefined
    ? path.join(userCacheDirectory(), 'streamkit', 'kinesis-tls')
    : path.join(dataDir, 'tls');
}

/** The certificate kept in `directory`, made (and kept) first when there is none that is still good. */
export async function loadOrCreateCertificate(directory: string, now = new Date()): Promise<EngineCertificate> {
  const certificatePath = path.join(directory, CERTIFICATE_FILE);
  const keyPath = path.join(directory, KEY_FILE);
  const kept = await readKept(certificatePath, keyPath, now);
  if (kept) return kept;
  const lock = path.join(directory, '.lock');
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await acquire(lock);
  } catch (error) {
    throw cannotKeep(directory, error);
  }
  try {
    // Another engine may have made it while this one waited for the lock.
    const madeMeanwhile = await readKept(certificatePath, keyPath, now);
    if (madeMeanwhile) return madeMeanwhile;
    const made = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'rsa',
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - DAY_MS),
      notAfterDate: new Date(now.getTime() + VALIDITY_DAYS * DAY_MS),
      extensions: [
        // A CA as well as a server certificate, so that trust stores which want a CA (Java's, OpenSSL's) accept it.
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            ...CERTIFICATE_HOSTS.dns.map((value) => ({ type: 2 as const, value })),
            ...CERTIFICATE_HOSTS.ip.map((ip) => ({ type: 7 as const, ip })),
          ],
        },
      ],
    });
    const suffix = `.${process.pid}.tmp`;
    await writeFile(keyPath + suffix, made.private, { mode: 0o600 });
    await writeFile(certificatePath + suffix, made.cert, { mode: 0o644 });
    await rename(keyPath + suffix, keyPath);
    await rename(certificatePath + suffix, certificatePath);
    await chmod(keyPath, 0o600);
    return { certificate: made.cert, key: made.private, certificatePath, keyPath };
  } catch (error) {
    throw cannotKeep(directory, error);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Takes the lock directory, waiting while another process holds it (and breaking it when it is stale). */
async function acquire(lock: string): Promise<void> {
  for (;;) {
    try {
      await mkdir(lock);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const since = await stat(lock).then(
      (info) => Date.now() - info.mtimeMs,
      () => 0,
    );
    if (since > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
    else await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

function cannotKeep(directory: string, error: unknown): StreamkitError {
  return new StreamkitError(
    'SK_UNAVAILABLE',
    `The local Kinesis engine cannot keep its HTTPS certificate in ${directory}: ${String(error)}`,
    { path: 'dataDir', cause: error },
  );
}

async function readKept(certificatePath: string, keyPath: string, now: Date): Promise<EngineCertificate | undefined> {
  let certificate: string;
  let key: string;
  try {
    [certificate, key] = await Promise.all([readFile(certificatePath, 'utf8'), readFile(keyPath, 'utf8')]);
  } catch {
    return undefined;
  }
  try {
    const x509 = new X509Certificate(certificate);
    const expiresIn = Date.parse(x509.validTo) - now.getTime();
    if (!(expiresIn > RENEW_BEFORE_EXPIRY_DAYS * DAY_MS)) return undefined;
    const coversEveryHost =
      CERTIFICATE_HOSTS.dns.every((host) => x509.checkHost(host) !== undefined) &&
      CERTIFICATE_HOSTS.ip.every((ip) => x509.checkIP(ip) !== undefined);
    if (!coversEveryHost || !x509.checkPrivateKey(createPrivateKey(key))) return undefined;
  } catch {
    return undefined;
  }
  return { certificate, key, certificatePath, keyPath };
}
