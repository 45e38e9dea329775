/**
 * The Glue table record format conversion reads its schema from: a database and a table of this stack (no fixed
 * names), describing Parquet files under the delivery stream's prefix. Nothing account-wide is touched — the
 * original's Flink stacks set the Data Catalog's encryption for the whole account and region (bug 7); this does not.
 */
import type { ColumnType } from '@streamkit/core';
import { Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as iamPolicies from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { invalid } from '../validate.ts';

export interface RecordFormatColumn {
  /** Lower-case: Hive and Glue keep column names in lower case. */
  readonly name: string;
  readonly type: ColumnType;
}

export interface RecordFormatTableProps {
  readonly columns: readonly RecordFormatColumn[];
  /** The bucket the Parquet files are written to. */
  readonly bucket: s3.IBucket;
  /**
   * Where in the bucket the files are (the prefix up to its first expression), for the table's location.
   * @default '' (the whole bucket)
   */
  readonly location?: string;
}

export class RecordFormatTable extends Construct {
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;

  constructor(scope: Construct, id: string, props: RecordFormatTableProps) {
    super(scope, id);
    if (props.columns.length === 0) throw invalid(this, 'columns', 'must list at least one column');
    const stack = Stack.of(this);
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { description: `Schema of the Parquet files written by ${stack.stackName}` },
    });
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: this.database.ref,
      tableInput: {
        description: 'Columns Firehose converts JSON records to (OpenX JSON in, Parquet out)',
        tableType: 'EXTERNAL_TABLE',
        parameters: { classification: 'parquet' },
        storageDescriptor: {
          columns: props.columns.map((c) => ({ name: c.name, type: c.type })),
          location: `s3://${props.bucket.bucketName}/${props.location ?? ''}`,
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
  }

  /** Exactly what Firehose reads of the schema: the table, in this database, in this catalog. */
  grantRead(grantee: iam.IGrantable): void {
    const stack = Stack.of(this);
    const arn = (resource: string) => `arn:${stack.partition}:glue:${stack.region}:${stack.account}:${resource}`;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iamPolicies.PolicyStatement({
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: [
          arn('catalog'),
          arn(`database/${this.database.ref}`),
          arn(`table/${this.database.ref}/${this.table.ref}`),
        ],
      }),
    );
  }
}
