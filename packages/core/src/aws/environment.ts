/** The account and region the local target pretends to be, so ARNs and events look like AWS's. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

export const arn = {
  stream: (name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT) =>
    `arn:aws:kinesis:${region}:${account}:stream/${name}`,
  function: (name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT) =>
    `arn:aws:lambda:${region}:${account}:function:${name}`,
  queue: (name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT) => `arn:aws:sqs:${region}:${account}:${name}`,
};

/** Names of a pipeline's resources on the local target (the cloud target lets CloudFormation name them). */
export const localNames = {
  stream: (pipeline: string) => `${pipeline}-stream`,
  function: (pipeline: string, consumer: string) => `${pipeline}-${consumer}`,
  deadLetterQueue: (pipeline: string, consumer: string) => `${pipeline}-${consumer}-dlq`,
};
