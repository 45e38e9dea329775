/**
 * The local Kafka Connect worker's properties come from core's S3 sink configuration — the one the cloud stack gives
 * MSK Connect — so a setting of the spec acts on both targets. Unit tests, no JVM.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSpecText, requirePreset, s3SinkConnectorConfiguration } from '@streamkit/core';
import { formatProperties, LOCAL_S3_SINK, localSinkConnectorProperties, localWorkerProperties } from '../src/index.ts';

const spec = requirePreset(
  parseSpecText(
    [
      'name: sink',
      'preset: msk-connect-s3',
      'topics: [{ name: ticks }, { name: trades }]',
      'connector:',
      '  flushSize: 250',
      '  rotateIntervalMs: 5000',
      '  tasksMax: 3',
      '  connectorConfiguration: { filename.offset.zero.pad.width: 12, s3.bucket.name: cloud-bucket }',
      '  workerConfiguration: { offset.flush.interval.ms: 9000, bootstrap.servers: "b-1.example:9098" }',
    ].join('\n'),
    { source: 'test' },
  ),
  'msk-connect-s3',
);

describe('the local Kafka Connect worker’s properties', () => {
  test('the connector runs the cloud configuration with streamkit’s sink class, the local bucket and store', () => {
    const local = localSinkConnectorProperties(spec, {
      connectorName: 'sink-s3-sink',
      storeRoot: '/d/s3',
      bucket: 'sink-output',
    });
    const cloud = s3SinkConnectorConfiguration({
      connectorClass: spec.connector.connectorClass,
      tasksMax: spec.connector.tasksMax,
      topics: spec.connector.topics,
      bucketName: 'anything',
      region: 'eu-west-1',
      flushSize: spec.connector.flushSize,
      rotateIntervalMs: spec.connector.rotateIntervalMs,
      connectorConfiguration: spec.connector.connectorConfiguration,
    });
    const differs = Object.keys(cloud).filter((key) => local[key] !== cloud[key]);
    assert.deepEqual(differs.sort(), ['connector.class', 's3.bucket.name', 's3.region']);
    assert.equal(local['connector.class'], LOCAL_S3_SINK.connectorClass);
    assert.equal(local['s3.bucket.name'], 'sink-output', 'the local output bucket, whatever the cloud one is');
    assert.equal(local['store.root'], '/d/s3');
    assert.equal(local.name, 'sink-s3-sink');
    assert.equal(local.topics, 'ticks,trades');
    assert.equal(local['flush.size'], '250');
    assert.equal(local['rotate.schedule.interval.ms'], '5000');
    assert.equal(local['tasks.max'], '3');
    assert.equal(local['filename.offset.zero.pad.width'], '12');
  });

  test('the spec’s worker configuration wins over streamkit’s defaults, never over the local broker and REST port', () => {
    const worker = localWorkerProperties({
      bootstrapServers: ['127.0.0.1:9092'],
      offsetsFile: '/d/connect/connect.offsets',
      workerConfiguration: spec.connector.workerConfiguration,
    });
    assert.equal(worker['offset.flush.interval.ms'], '9000');
    assert.equal(worker['bootstrap.servers'], '127.0.0.1:9092');
    assert.equal(worker.listeners, 'http://127.0.0.1:0');
    assert.equal(worker['value.converter'], 'org.apache.kafka.connect.json.JsonConverter');
    assert.equal(worker['value.converter.schemas.enable'], 'false');
  });

  test('properties files escape what java.util.Properties would read otherwise', () => {
    assert.equal(
      formatProperties({ a: 'x=y', 'b:c': ' lead', d: 'C:\\dir\nnext' }),
      'a=x=y\nb\\:c=\\ lead\nd=C:\\\\dir\\nnext\n',
    );
  });
});
