/**
 * A reference implementation of AWS Signature Version 4 (header signing) written from the AWS documentation with
 * node:crypto only — a test oracle independent of @smithy/signature-v4. It signs every header it is given plus host
 * and x-amz-date, and (as botocore does for execute-api) sends no x-amz-content-sha256.
 */
import { createHash, createHmac } from 'node:crypto';

export interface ReferenceSigningInput {
  readonly method: string;
  readonly url: string;
  /** Headers to sign, lowercase names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly service: string;
  /** `YYYYMMDD'T'HHMMSS'Z'` */
  readonly amzDate: string;
}

export interface ReferenceSignature {
  readonly canonicalRequest: string;
  readonly signature: string;
  readonly signedHeaders: string;
  /** Every header to send, authorization included (host as well, which fetch sets by itself). */
  readonly headers: Readonly<Record<string, string>>;
}

const hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept). */
const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function referenceSign(input: ReferenceSigningInput): ReferenceSignature {
  const url = new URL(input.url);
  const headers: Record<string, string> = { ...input.headers, host: url.host, 'x-amz-date': input.amzDate };
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((name) => `${name}:${headers[name]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const query = [...url.searchParams]
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .sort()
    .join('&');
  // Services other than S3 encode each path segment twice: once in the URL, once here.
  const path = url.pathname
    .split('/')
    .map((segment) => encode(segment))
    .join('/');
  const canonicalRequest = [input.method, path, query, canonicalHeaders, signedHeaders, hex(input.body)].join('\n');
  const date = input.amzDate.slice(0, 8);
  const scope = `${date}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', input.amzDate, scope, hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${input.secretAccessKey}`, date);
  for (const part of [input.region, input.service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return {
    canonicalRequest,
    signature,
    signedHeaders,
    headers: {
      ...headers,
      authorization: `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
  };
}

/** `20150830T123600Z` */
export function amzDate(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
