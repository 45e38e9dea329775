/**
 * The stack synthesizer of packaged templates. CDK's default synthesizer points assets at the bootstrap bucket
 * (`cdk-hnb659fds-assets-<account>-<region>`) and adds a `BootstrapVersion` parameter and rule; a template a console
 * user launches has no bootstrap stack behind it. This synthesizer points every file asset at the bucket and key
 * prefix the template's own parameters name — the original solution's convention of one bucket per region,
 * `<AssetsBucketName>-<region>`, holding `<AssetsKeyPrefix><asset hash>.zip` — and records the assets, so the packager
 * can zip them into `regional-s3-assets/`. It writes no bootstrap parameter or rule and no asset manifest.
 */
import { extname } from 'node:path';
import { StreamkitError } from '@streamkit/core';
import {
  Aws,
  CfnParameter,
  type DockerImageAssetLocation,
  type DockerImageAssetSource,
  type FileAssetLocation,
  FileAssetPackaging,
  type FileAssetSource,
  Fn,
  type ISynthesisSession,
  type Stack,
  StackSynthesizer,
} from 'aws-cdk-lib';

/** The parameters of every packaged template that say where its assets are. */
export const ASSET_PARAMETERS = {
  bucket: 'AssetsBucketName',
  keyPrefix: 'AssetsKeyPrefix',
} as const;

/** A file asset of a packaged stack: where CDK staged it and the object key it has under the key prefix. */
export interface PackagedAsset {
  /** The staged file or directory, relative to the cloud assembly directory (or absolute). */
  readonly source: string;
  readonly packaging: 'zip' | 'file';
  /** `<hash>.zip` for directories, `<hash><extension>` for files (CDK's own naming). */
  readonly objectKey: string;
}

export class PackageSynthesizer extends StackSynthesizer {
  private readonly recorded = new Map<string, PackagedAsset>();

  /** Every file asset the stack references, by object key. */
  get assets(): readonly PackagedAsset[] {
    return [...this.recorded.values()];
  }

  /** Declares the asset parameters in the stack, so that the references to them validate at synthesis. */
  override bind(stack: Stack): void {
    super.bind(stack);
    new CfnParameter(stack, ASSET_PARAMETERS.bucket, { type: 'String' });
    new CfnParameter(stack, ASSET_PARAMETERS.keyPrefix, { type: 'String' });
  }

  override addFileAsset(asset: FileAssetSource): FileAssetLocation {
    if (!asset.fileName) {
      throw new StreamkitError(
        'SK_VALIDATION',
        'a packaged template can only carry file assets with a path (got an asset built by a command)',
      );
    }
    const packaging = asset.packaging === FileAssetPackaging.ZIP_DIRECTORY ? 'zip' : 'file';
    const objectKey = `${asset.sourceHash}${packaging === 'zip' ? '.zip' : extname(asset.fileName)}`;
    this.recorded.set(objectKey, { source: asset.fileName, packaging, objectKey });
    const bucketName = Fn.join('-', [Fn.ref(ASSET_PARAMETERS.bucket), Aws.REGION]);
    const key = Fn.join('', [Fn.ref(ASSET_PARAMETERS.keyPrefix), objectKey]);
    return {
      bucketName,
      objectKey: key,
      httpUrl: Fn.join('', ['https://s3.', Aws.REGION, '.', Aws.URL_SUFFIX, '/', bucketName, '/', key]),
      s3ObjectUrl: Fn.join('', ['s3://', bucketName, '/', key]),
    };
  }

  override addDockerImageAsset(_asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new StreamkitError('SK_VALIDATION', 'a packaged template cannot carry container image assets');
  }

  override synthesize(session: ISynthesisSession): void {
    this.synthesizeTemplate(session);
    this.emitArtifact(session);
  }
}
