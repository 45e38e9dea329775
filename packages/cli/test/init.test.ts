/**
 * The user's path, as a user walks it: `streamkit init` into an empty directory, `npm install` there, then the
 * project's own test, typecheck, `streamkit validate`, `streamkit synth`, `npx cdk synth` and a short `streamkit dev`
 * run — all through the project's own `node_modules/.bin`, with no edit to what init wrote.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const bin = new URL('../bin/streamkit.js', import.meta.url).pathname;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, timeoutMs = 300_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const ok = (r: Run, what: string) => assert.equal(r.code, 0, `${what} failed:\n${r.stdout}\n${r.stderr}`);

for (const preset of ['apigw-kinesis-lambda', 'kinesis-firehose-s3', 'msk-lambda']) {
  describe(`streamkit init --preset ${preset}`, () => {
    const parent = mkdtempSync(join(tmpdir(), 'streamkit-init-'));
    const dir = join(parent, `My_Ticks-${preset.split('-')[0]}`);
    after(() => rmSync(parent, { recursive: true, force: true }));

    test('scaffolds a project that installs, tests, validates, synthesizes and runs without edits', async () => {
      ok(await run(process.execPath, [bin, 'init', dir, '--preset', preset], parent), 'streamkit init');
      for (const file of [
        'streamkit.yaml',
        'src/handler.ts',
        'src/process-record.ts',
        'test/handler.test.ts',
        'package.json',
        'README.md',
        'cdk.json',
        'infra/app.ts',
        'tsconfig.json',
        '.gitignore',
      ]) {
        assert.ok(existsSync(join(dir, file)), `${file} was written`);
      }
      assert.match(
        readFileSync(join(dir, 'streamkit.yaml'), 'utf8'),
        new RegExp(`name: my-ticks-${preset.split('-')[0]}\\n`),
      );

      // --prefer-offline: the packages are those this checkout installed, so npm's cache has them.
      ok(await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], dir), 'npm install');
      ok(await run('npm', ['test'], dir), 'the project’s own test');
      ok(await run('npx', ['tsc', '-p', '.'], dir), 'typecheck');

      const validate = await run('npx', ['streamkit', 'validate', '--json'], dir);
      ok(validate, 'streamkit validate');
      assert.equal(JSON.parse(validate.stdout).preset, preset);

      const synth = await run('npx', ['streamkit', 'synth', '--json'], dir);
      ok(synth, 'streamkit synth');
      assert.ok(existsSync(JSON.parse(synth.stdout).templatePath));

      const cdk = await run('npx', ['cdk', 'synth', '-q', '-o', 'cdk-app.out'], dir);
      ok(cdk, 'npx cdk synth (cdk.json)');
      assert.ok(existsSync(join(dir, 'cdk-app.out/manifest.json')));

      const dev = await run(
        'npx',
        [
          'streamkit',
          'dev',
          '--produce',
          '20',
          '--duration',
          '2s',
          '--kinesis-port',
          '0',
          '--ingest-port',
          '0',
          '--firehose-port',
          '0',
        ],
        dir,
      );
      ok(dev, 'streamkit dev');
      assert.match(dev.stdout, /Dashboard {4}http:\/\/127\.0\.0\.1:\d+\//);
      assert.match(dev.stdout, /stopped everything this run started/);
      // Every produced tick reached the handler (processed) or the object store (delivered).
      const produced = Number(/produced (\d+)/.exec(dev.stdout)?.[1]);
      assert.ok(produced > 0, dev.stdout);
      assert.match(dev.stdout, new RegExp(`(processed|delivered) ${produced}\\b`));
    });
  });
}

test('init refuses a directory that has files, and names the way out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamkit-init-busy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  const result = await run(process.execPath, [bin, 'init', dir, '--preset', 'apigw-kinesis-lambda'], dir);
  assert.equal(result.code, 4);
  assert.match(result.stderr, /is not empty.*--force/);
});

test('init refuses a pipeline name the spec would refuse, before writing anything', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamkit-init-name-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const result = await run(
    process.execPath,
    [bin, 'init', join(dir, 'p'), '--preset', 'apigw-kinesis-lambda', '--name', 'Bad_Name'],
    dir,
  );
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /--name must be 1–40 lowercase letters, digits and hyphens, starting with a letter \(got "Bad_Name"\)/,
  );
  assert.ok(!existsSync(join(dir, 'p')));
});
