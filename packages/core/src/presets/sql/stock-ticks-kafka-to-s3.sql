-- msk-flink-s3: the original solution's Studio example (M4) as a SQL application over a Kafka topic.
-- Stock ticks from the topic; those above $50 go to S3 as JSON, partitioned by ticker, day and hour.
--
-- ${BOOTSTRAP_SERVERS}, ${TOPIC}, ${GROUP_ID}, ${OUTPUT_PATH} are replaced by the SQL runner before it runs the
-- statements (on AWS from the application's runtime properties, locally by `streamkit dev`); see
-- docs/presets/msk-flink-s3.md. The group's offsets are committed at each checkpoint, so a restart resumes there.

CREATE TABLE stock_table (
  ticker VARCHAR(6),
  price DOUBLE,
  event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'properties.group.id' = '${GROUP_ID}',
  'properties.security.protocol' = '${KAFKA_SECURITY_PROTOCOL:-PLAINTEXT}',
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = 'earliest',
  'format' = 'json',
  'json.timestamp-format.standard' = 'SQL'
);

CREATE TABLE stock_s3 (
  ticker VARCHAR(6),
  price DOUBLE,
  event_time TIMESTAMP(3),
  dt STRING,
  hr STRING
) PARTITIONED BY (ticker, dt, hr) WITH (
  'connector' = 'filesystem',
  'path' = '${OUTPUT_PATH}',
  'format' = 'json',
  'sink.partition-commit.policy.kind' = 'success-file',
  'sink.partition-commit.delay' = '1 min',
  -- Part files are finished at the first checkpoint after this long (Flink's default is 30 minutes).
  'sink.rolling-policy.rollover-interval' = '${ROLLOVER_INTERVAL:-1 min}',
  'sink.rolling-policy.check-interval' = '${ROLLOVER_INTERVAL:-1 min}'
);

INSERT INTO stock_s3
SELECT
  ticker,
  price,
  event_time,
  DATE_FORMAT(event_time, 'yyyy-MM-dd'),
  DATE_FORMAT(event_time, 'HH')
FROM stock_table
WHERE price > 50;
