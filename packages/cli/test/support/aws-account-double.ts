/**
 * A test double of the AWS APIs the CDK toolkit calls to deploy, diff and destroy one stack: STS, SSM, S3 and
 * CloudFormation, on 127.0.0.1, for `AWS_ENDPOINT_URL`. It stands in for a remote account the tests cannot reach.
 *
 * It is kept small and honest: every call is recorded (service, action, parameters, body) so tests assert what the
 * toolkit sent; state changes only as the real service's would (a change set creates the stack in
 * REVIEW_IN_PROGRESS, executing it completes — or, when told to, fails and rolls back with a failed resource event);
 * anything it does not implement answers an error naming the action, so a new call shows up instead of passing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  readonly service: 'sts' | 'ssm' | 's3' | 'cloudformation' | string;
  /** The API action (`CreateChangeSet`), or for S3 the HTTP method and path (`PUT /bucket/key`). */
  readonly action: string;
  /** Query-protocol parameters as sent (`Parameters.member.1.ParameterKey`), or the JSON body for SSM. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** A resource the next ExecuteChangeSet fails on, as CloudFormation reports it. */
export interface ResourceFailureScenario {
  readonly logicalId: string;
  readonly reason: string;
}

export interface AwsAccountDoubleOptions {
  readonly account?: string;
  readonly region?: string;
  /** The bootstrap version in SSM (`/cdk-bootstrap/hnb659fds/version`); undefined: the parameter does not exist. */
  readonly bootstrapVersion?: number | undefined;
  /** Make the stack's creation fail on this resource and roll back (ROLLBACK_COMPLETE). */
  readonly failCreation?: ResourceFailureScenario;
}

interface StackEvent {
  readonly EventId: string;
  readonly StackId: string;
  readonly StackName: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId: string;
  readonly ResourceType: string;
  readonly ResourceStatus: string;
  readonly ResourceStatusReason?: string;
  readonly Timestamp: string;
}

interface Stack {
  readonly id: string;
  readonly name: string;
  status: string;
  template: string;
  outputs: Record<string, string>;
  readonly events: StackEvent[];
  changeSet?: { id: string; name: string; template: string; type: string } | undefined;
}

const BOOTSTRAP_PARAMETER = '/cdk-bootstrap/hnb659fds/version';

export class AwsAccountDouble {
  readonly calls: RecordedCall[] = [];
  /** S3 objects by `bucket/key`. */
  readonly objects = new Map<string, Buffer>();
  readonly stacks = new Map<string, Stack>();
  readonly account: string;
  readonly region: string;
  private readonly server: Server;
  private eventCounter = 0;
  private clock = Date.parse('2026-01-01T00:00:00Z');

  constructor(private readonly options: AwsAccountDoubleOptions = {}) {
    this.account = options.account ?? '111111111111';
    this.region = options.region ?? 'eu-west-1';
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => {
        res.writeHead(500).end(error.stack);
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The calls of one service, as `Action` names in order. */
  actions(service: string): string[] {
    return this.calls.filter((c) => c.service === service).map((c) => c.action);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const service = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '?';
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      const action = target.split('.')[1] ?? target;
      const params = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      this.calls.push({ service, action, params });
      if (service === 'ssm' && action === 'GetParameter') return this.getParameter(params, res);
      json(res, 400, { __type: 'UnknownOperationException', message: `${target} is not implemented` });
      return;
    }
    const isQuery =
      req.method === 'POST' && req.url === '/' && /x-www-form-urlencoded/.test(req.headers['content-type'] ?? '');
    if (isQuery) {
      const params = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
      const action = params.Action ?? '?';
      this.calls.push({ service, action, params });
      if (service === 'sts') return this.sts(action, res);
      if (service === 'cloudformation') return this.cloudFormation(action, params, res);
      queryError(res, 400, 'InvalidAction', `${service} ${action} is not implemented`);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    this.calls.push({
      service: 's3',
      action: `${req.method} ${url.pathname}`,
      params: Object.fromEntries(url.searchParams),
    });
    return this.s3(req, url, decodeAwsChunked(req, body), res);
  }

  private getParameter(params: Record<string, unknown>, res: ServerResponse): void {
    const version = this.options.bootstrapVersion;
    if (params.Name !== BOOTSTRAP_PARAMETER || version === undefined) {
      json(res, 400, { __type: 'ParameterNotFound', message: '' });
      return;
    }
    json(res, 200, {
      Parameter: { Name: BOOTSTRAP_PARAMETER, Type: 'String', Value: String(version), Version: 1 },
    });
  }

  private sts(action: string, res: ServerResponse): void {
    if (action === 'GetCallerIdentity') {
      queryResult(res, action, {
        Arn: `arn:aws:iam::${this.account}:user/deployer`,
        UserId: 'AIDADOUBLE',
        Account: this.account,
      });
      return;
    }
    if (action === 'AssumeRole') {
      queryResult(res, action, {
        Credentials: {
          AccessKeyId: 'ASIADOUBLE',
          SecretAccessKey: 'assumed-secret',
          SessionToken: 'assumed-token',
          Expiration: '2099-01-01T00:00:00Z',
        },
        AssumedRoleUser: { Arn: `arn:aws:sts::${this.account}:assumed-role/deploy/session`, AssumedRoleId: 'AROA:s' },
      });
      return;
    }
    queryError(res, 400, 'InvalidAction', `sts ${action} is not implemented`);
  }

  private s3(req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): void {
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (req.method === 'PUT' && key) {
      this.objects.set(`${bucket}/${key}`, body);
      res.writeHead(200, { ETag: '"double"' }).end();
      return;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && key) {
      const object = this.objects.get(`${bucket}/${key}`);
      if (!object) {
        s3Error(res, 404, 'NoSuchKey', key);
        return;
      }
      res.writeHead(200, { 'Content-Length': object.length }).end(req.method === 'GET' ? object : undefined);
      return;
    }
    if (req.method === 'GET' && url.searchParams.has('location')) {
      xmlResponse(res, 200, `<LocationConstraint>${this.region}</LocationConstraint>`);
      return;
    }
    if (req.method === 'GET' && url.searchParams.has('encryption')) {
      s3Error(res, 404, 'ServerSideEncryptionConfigurationNotFoundError', bucket);
      return;
    }
    if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const keys = [...this.objects.keys()]
        .filter((k) => k.startsWith(`${bucket}/${prefix}`))
        .map((k) => k.slice(bucket.length + 1));
      const contents = keys.map((k) => `<Contents><Key>${escapeXml(k)}</Key><Size>1</Size></Contents>`).join('');
      xmlResponse(
        res,
        200,
        `<ListBucketResult><Name>${bucket}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
      );
      return;
    }
    s3Error(res, 501, 'NotImplemented', `${req.method} ${url.pathname}${url.search}`);
  }

  private cloudFormation(action: string, params: Record<string, string>, res: ServerResponse): void {
    const stack = this.findStack(params.StackName);
    switch (action) {
      case 'DescribeStacks': {
        if (!stack) {
          notFound(res, params.StackName);
          return;
        }
        queryResult(res, action, { Stacks: [this.describe(stack)] });
        return;
      }
      case 'GetTemplate': {
        if (!stack) {
          notFound(res, params.StackName);
          return;
        }
        queryResult(res, action, { TemplateBody: stack.template, StagesAvailable: ['Original', 'Processed'] });
        return;
      }
      case 'CreateChangeSet':
        this.createChangeSet(params, res);
        return;
      case 'DescribeChangeSet': {
        if (!stack?.changeSet) {
          queryError(res, 404, 'ChangeSetNotFound', `${params.ChangeSetName} not found`);
          return;
        }
        queryResult(res, action, {
          ChangeSetId: stack.changeSet.id,
          ChangeSetName: stack.changeSet.name,
          StackId: stack.id,
          StackName: stack.name,
          Status: 'CREATE_COMPLETE',
          ExecutionStatus: 'AVAILABLE',
          Changes: resourceChanges(stack.template, stack.changeSet.template),
        });
        return;
      }
      case 'ExecuteChangeSet': {
        if (!stack?.changeSet) {
          queryError(res, 404, 'ChangeSetNotFound', `${params.ChangeSetName} not found`);
          return;
        }
        this.execute(stack);
        queryResult(res, action, {});
        return;
      }
      case 'DeleteChangeSet': {
        if (stack) stack.changeSet = undefined;
        queryResult(res, action, {});
        return;
      }
      case 'DescribeStackEvents': {
        if (!stack) {
          notFound(res, params.StackName);
          return;
        }
        queryResult(res, action, { StackEvents: [...stack.events].reverse() });
        return;
      }
      case 'DeleteStack': {
        if (stack) this.delete(stack);
        queryResult(res, action, {});
        return;
      }
      default: {
        queryError(res, 400, 'InvalidAction', `cloudformation ${action} is not implemented`);
        return;
      }
    }
  }

  /** By name only while the stack is alive; by id also after deletion, as CloudFormation. */
  private findStack(nameOrId: string | undefined): Stack | undefined {
    if (!nameOrId) return undefined;
    for (const stack of this.stacks.values()) {
      if (stack.id === nameOrId) return stack;
      if (stack.name === nameOrId && stack.status !== 'DELETE_COMPLETE') return stack;
    }
    return undefined;
  }

  private describe(stack: Stack): Record<string, unknown> {
    return {
      StackId: stack.id,
      StackName: stack.name,
      StackStatus: stack.status,
      CreationTime: new Date(this.clock).toISOString(),
      Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    };
  }

  private createChangeSet(params: Record<string, string>, res: ServerResponse): void {
    const name = params.StackName ?? '';
    const template = this.templateOf(params);
    if (template === undefined) {
      queryError(res, 400, 'ValidationError', `TemplateURL ${params.TemplateURL} names no uploaded object`);
      return;
    }
    let stack = this.findStack(name);
    if (!stack) {
      stack = {
        id: `arn:aws:cloudformation:${this.region}:${this.account}:stack/${name}/${this.stacks.size + 1}`,
        name,
        status: 'REVIEW_IN_PROGRESS',
        template: '{}',
        outputs: {},
        events: [],
      };
      this.stacks.set(stack.id, stack);
    }
    const id = `arn:aws:cloudformation:${this.region}:${this.account}:changeSet/${params.ChangeSetName}/1`;
    stack.changeSet = { id, name: params.ChangeSetName ?? '', template, type: params.ChangeSetType ?? 'UPDATE' };
    queryResult(res, 'CreateChangeSet', { Id: id, StackId: stack.id });
  }

  /** The template of a CreateChangeSet: its TemplateBody, or the uploaded object its TemplateURL names. */
  private templateOf(params: Record<string, string>): string | undefined {
    if (params.TemplateBody) return params.TemplateBody;
    const url = params.TemplateURL;
    if (!url) return undefined;
    const path = new URL(url).pathname.slice(1);
    for (const [key, body] of this.objects) {
      if (path === key || path.endsWith(`/${key.split('/').slice(1).join('/')}`) || key.endsWith(path)) {
        return body.toString('utf8');
      }
    }
    return undefined;
  }

  private execute(stack: Stack): void {
    const changeSet = stack.changeSet;
    if (!changeSet) return;
    stack.changeSet = undefined;
    const resources = Object.entries(
      (JSON.parse(changeSet.template) as { Resources?: Record<string, { Type: string }> }).Resources ?? {},
    );
    const verb = changeSet.type === 'CREATE' ? 'CREATE' : 'UPDATE';
    this.event(stack, stack.name, 'AWS::CloudFormation::Stack', `${verb}_IN_PROGRESS`, 'User Initiated');
    const failure = this.options.failCreation;
    if (failure && verb === 'CREATE') {
      for (const [logicalId, { Type }] of resources) {
        if (logicalId === failure.logicalId) this.event(stack, logicalId, Type, 'CREATE_FAILED', failure.reason);
      }
      for (const [logicalId, { Type }] of resources) {
        if (logicalId !== failure.logicalId) {
          this.event(stack, logicalId, Type, 'CREATE_FAILED', 'Resource creation cancelled');
        }
      }
      const reason = `The following resource(s) failed to create: [${failure.logicalId}]. Rollback requested by user.`;
      this.event(stack, stack.name, 'AWS::CloudFormation::Stack', 'ROLLBACK_IN_PROGRESS', reason);
      this.event(stack, stack.name, 'AWS::CloudFormation::Stack', 'ROLLBACK_COMPLETE');
      stack.status = 'ROLLBACK_COMPLETE';
      return;
    }
    for (const [logicalId, { Type }] of resources) this.event(stack, logicalId, Type, `${verb}_COMPLETE`);
    this.event(stack, stack.name, 'AWS::CloudFormation::Stack', `${verb}_COMPLETE`);
    stack.status = `${verb}_COMPLETE`;
    stack.template = changeSet.template;
    stack.outputs = outputsOf(changeSet.template, this.region);
  }

  private delete(stack: Stack): void {
    this.event(stack, stack.name, 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS', 'User Initiated');
    this.event(stack, stack.name, 'AWS::CloudFormation::Stack', 'DELETE_COMPLETE');
    stack.status = 'DELETE_COMPLETE';
  }

  /** Events carry a logical clock that starts after now, so the toolkit's monitor counts them as this deployment's. */
  private event(stack: Stack, logicalId: string, type: string, status: string, reason?: string): void {
    this.eventCounter += 1;
    stack.events.push({
      EventId: `event-${this.eventCounter}`,
      StackId: stack.id,
      StackName: stack.name,
      LogicalResourceId: logicalId,
      PhysicalResourceId: logicalId === stack.name ? stack.id : `${logicalId}-physical`,
      ResourceType: type,
      ResourceStatus: status,
      ...(reason && { ResourceStatusReason: reason }),
      Timestamp: new Date(Math.max(Date.now(), this.clock) + this.eventCounter * 1000).toISOString(),
    });
  }
}

/** The change set's resource changes: what the template adds, modifies and removes compared with the stack's. */
function resourceChanges(current: string, next: string): Record<string, unknown>[] {
  const resources = (t: string) =>
    (JSON.parse(t) as { Resources?: Record<string, { Type: string }> }).Resources ?? ({} as Record<string, never>);
  const before = resources(current);
  const after = resources(next);
  const change = (Action: string, LogicalResourceId: string, ResourceType: string) => ({
    Type: 'Resource',
    ResourceChange: { Action, LogicalResourceId, ResourceType },
  });
  return [
    ...Object.entries(after).map(([id, r]) => change(before[id] ? 'Modify' : 'Add', id, r.Type)),
    ...Object.entries(before)
      .filter(([id]) => !after[id])
      .map(([id, r]) => change('Remove', id, r.Type)),
  ];
}

/** Outputs a deployed stack would have: the ingest API's URL is made up, as CloudFormation would resolve it. */
function outputsOf(template: string, region: string): Record<string, string> {
  const outputs = (JSON.parse(template) as { Outputs?: Record<string, unknown> }).Outputs ?? {};
  return Object.fromEntries(
    Object.keys(outputs).map((key) => [
      key,
      key === 'ApiUrl' ? `https://abc123.execute-api.${region}.amazonaws.com/prod/` : `${key}-value`,
    ]),
  );
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** S3 uploads from streams arrive in the aws-chunked encoding (size;chunk, then trailing checksums). */
function decodeAwsChunked(req: IncomingMessage, body: Buffer): Buffer {
  if (!req.headers['x-amz-decoded-content-length']) return body;
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '0', 16);
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Query-protocol XML: arrays as `<member>` lists. */
function toXml(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .map(([key, v]) => `<${key}>${toXml(v)}</${key}>`)
      .join('');
  }
  return escapeXml(String(value));
}

function xmlResponse(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'Content-Type': 'text/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>${xml}`);
}

function queryResult(res: ServerResponse, action: string, result: Record<string, unknown>): void {
  xmlResponse(
    res,
    200,
    `<${action}Response><${action}Result>${toXml(result)}</${action}Result><ResponseMetadata><RequestId>double</RequestId></ResponseMetadata></${action}Response>`,
  );
}

function queryError(res: ServerResponse, status: number, code: string, message: string): void {
  xmlResponse(
    res,
    status,
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>double</RequestId></ErrorResponse>`,
  );
}

function notFound(res: ServerResponse, stackName: string | undefined): void {
  queryError(res, 400, 'ValidationError', `Stack with id ${stackName} does not exist`);
}

function s3Error(res: ServerResponse, status: number, code: string, resource: string): void {
  xmlResponse(
    res,
    status,
    `<Error><Code>${code}</Code><Message>${code}</Message><Resource>${escapeXml(resource)}</Resource></Error>`,
  );
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
}
