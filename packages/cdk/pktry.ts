import { packagePresets } from './src/package/index.ts';
const presets = process.argv.slice(2) as never[];
const jar = new URL('./test/fixtures/flink-job.jar', import.meta.url).pathname;
const r = packagePresets(presets, { outdir: process.env.PKOUT ?? '/tmp/pk-out', bucketName: 'my-bucket', flinkJobJars: { sqlRunner: jar, enrichment: jar }, onProgress: (m) => console.log(m) });
console.log(JSON.stringify(r.presets.map(p => [p.preset, p.parameters.length, p.assets.length, p.synths])));
