-- The original solution's Studio notebook example (its KPL -> Kinesis -> Studio pattern), as SQL the SQL runner deploys
-- as an application: stock ticks from a Kinesis stream, with an event-time watermark, the ticks above a price written
-- as JSON to S3 (locally: the object store's directory), partitioned by ticker, date and hour.
--
-- Parameters (runtime property group SqlParameters): InputStreamArn, KinesisEndpoint (empty on AWS),
-- InitialPosition (TRIM_HORIZON or LATEST), OutputPath (s3://bucket/prefix/ or file:///...), MinPrice, and
-- RolloverInterval: how long a part file stays open (a JSON part file becomes visible at the first checkpoint after
-- it is rolled; on AWS 1 min, locally the checkpoint interval).
SET 'table.local-time-zone' = 'UTC';

CREATE TABLE stock_table (
  ticker VARCHAR(6),
  price DOUBLE,
  event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kinesis',
  'stream.arn' = '${InputStreamArn}',
  'aws.endpoint' = '${KinesisEndpoint}',
  'source.init.position' = '${InitialPosition}',
  'format' = 'json',
  'json.timestamp-format.standard' = 'SQL'
);

CREATE TABLE stock_output (
  ticker VARCHAR(6),
  price DOUBLE,
  event_time TIMESTAMP(3),
  dt STRING,
  hr STRING
) PARTITIONED BY (ticker, dt, hr) WITH (
  'connector' = 'filesystem',
  'path' = '${OutputPath}',
  'format' = 'json',
  'sink.rolling-policy.rollover-interval' = '${RolloverInterval}',
  'sink.rolling-policy.check-interval' = '${RolloverInterval}'
);

INSERT INTO stock_output
SELECT ticker, price, event_time, DATE_FORMAT(event_time, 'yyyy-MM-dd'), DATE_FORMAT(event_time, 'HH')
FROM stock_table
WHERE price > ${MinPrice};
