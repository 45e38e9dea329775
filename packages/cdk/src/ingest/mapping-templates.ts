/**
 * The ingest API's mapping templates (Velocity, as API Gateway runs them). They turn the request bodies described by
 * core's `PUT_RECORD_MODEL` / `PUT_RECORDS_MODEL` into Kinesis PutRecord / PutRecords calls, and Kinesis' answers
 * into the API's responses. The local ingest API implements the same contract in TypeScript.
 *
 * `data` follows core's `recordBytes` rule: a JSON string is stored as its own text, any other JSON value as its JSON
 * text. `$input.json(path)` gives the JSON text of a value, so a value whose JSON text starts with a quote is a string,
 * and `$input.path(path)` gives that string's raw text.
 *
 * `#set` never receives a possibly-null value: Velocity keeps a variable's previous value when asked to set it to
 * null, which inside `#foreach` would leak one record's optional field into the next.
 */

/** The `"Data": "…"` member for the record at JSON path `path` (`$.data`, `$.records[$i].data`). */
function dataMember(path: string): string {
  return [
    `#set($data = $input.json("${path}"))`,
    `#if($data.startsWith('"'))`,
    `"Data": "$util.base64Encode($input.path("${path}"))"`,
    '#else',
    `"Data": "$util.base64Encode($data)"`,
    '#end',
  ].join('\n');
}

/**
 * `"PartitionKey": …` and, when present, `"ExplicitHashKey": …`, each followed by a comma. The hash key is reset
 * before it is read, and tested through a quiet reference, so an absent key renders nothing whether or not Velocity
 * lets `#set` assign null. The path is double-quoted because `$i` must be interpolated into it.
 */
function keyMembers(prefix: string): string {
  return [
    `"PartitionKey": $input.json("${prefix}.partitionKey"),`,
    '#set($explicitHashKey = "")',
    `#set($explicitHashKey = $input.path("${prefix}.explicitHashKey"))`,
    '#if("$!explicitHashKey" != "")',
    `"ExplicitHashKey": $input.json("${prefix}.explicitHashKey"),`,
    '#end',
  ].join('\n');
}

/** `POST /record` → Kinesis PutRecord. `streamName` may be a CDK token. */
export function putRecordRequestTemplate(streamName: string): string {
  return ['{', `"StreamName": "${streamName}",`, keyMembers('$'), dataMember('$.data'), '}'].join('\n');
}

/** `POST /records` → Kinesis PutRecords, one entry per element of `records`, in order. */
export function putRecordsRequestTemplate(streamName: string): string {
  return [
    '{',
    `"StreamName": "${streamName}",`,
    '"Records": [',
    `#foreach($record in $input.path('$.records'))`,
    '#set($i = $foreach.index)',
    '{',
    keyMembers('$.records[$i]'),
    dataMember('$.records[$i].data'),
    '}#if($foreach.hasNext),#end',
    '#end',
    ']',
    '}',
  ].join('\n');
}

/** Kinesis' own answer (`SequenceNumber`, `ShardId`; or `FailedRecordCount` and `Records`), passed through as is. */
export const SUCCESS_RESPONSE_TEMPLATE = '$input.body';

/**
 * A Kinesis 4xx (validation, throttling, missing stream…) becomes a 400 naming Kinesis' error type, e.g.
 * `{"message": "Rate exceeded for shard…", "type": "ProvisionedThroughputExceededException"}`. AWS JSON 1.1 errors
 * spell the message `message` or `Message`.
 */
export const CLIENT_ERROR_RESPONSE_TEMPLATE = [
  `#set($lowerMessage = "$!input.path('$.message')")`,
  `#set($upperMessage = "$!input.path('$.Message')")`,
  `#set($type = "$!input.path('$.__type')")`,
  '{',
  `"message": #if($lowerMessage != "")$input.json('$.message')#elseif($upperMessage != "")$input.json('$.Message')#else"Kinesis rejected the request"#end,`,
  `"type": #if($type != "")$input.json('$.__type')#else"KinesisError"#end`,
  '}',
].join('\n');

/** A Kinesis 5xx becomes a 500 that reveals nothing about the backend. */
export const SERVER_ERROR_RESPONSE_TEMPLATE = '{"message": "Internal server error"}';

/**
 * A body that fails the request model gets a 400 that says what is wrong (API Gateway's default only says
 * "Invalid request body"). `escapeJavaScript` also escapes single quotes, which JSON does not allow; the
 * `replaceAll` that undoes it is the one the API Gateway developer guide gives.
 */
export const BAD_REQUEST_BODY_RESPONSE_TEMPLATE = String.raw`{"message": "Invalid request body: $util.escapeJavaScript($context.error.validationErrorString).replaceAll("\\'","'")"}`;
