/**
 * The settings of a packaged template that become CloudFormation parameters, and how each reaches the spec.
 * The tables per preset are in `preset-parameters.ts`.
 */

/** Spec input as a user writes it (before defaults), e.g. `{ stream: { shardCount: 2 } }`. */
export type RawSpec = { readonly [key: string]: unknown };

export type ParameterValue = string | number;

export interface TemplateParameter {
  /** The parameter's logical id, the original solution's name where it had one (`ShardCount`). */
  readonly name: string;
  /** CloudFormation's parameter type; the SSM AMI type only for the AMI parameter CDK declares itself. */
  readonly type: 'Number' | 'String' | 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>';
  /** What the console shows next to the field (`AWS::CloudFormation::Interface` ParameterLabels). */
  readonly label: string;
  /** The parameter's Description: what it controls and its range. */
  readonly description: string;
  readonly default: ParameterValue;
  readonly allowedValues?: readonly string[];
  readonly minValue?: number;
  readonly maxValue?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  /**
   * The spec settings a value of the parameter stands for, merged over the preset's packaged spec. `parameterValue` gives
   * the value of another parameter, for settings two parameters make up together.
   */
  readonly toSpec: (value: ParameterValue, parameterValue: (name: string) => ParameterValue) => RawSpec;
  /**
   * A value other than the default that finds where the setting lands in the template: packaging synthesizes once with
   * every probe and replaces each place the value shows up by a `Ref` (or a `Fn::Join` around one).
   * Without a probe the parameter is a switch: packaging synthesizes once per allowed value and writes `Fn::If` where
   * the templates differ (a `Ref` when they differ exactly by the value).
   */
  readonly probe?: ParameterValue;
}

/** One `ParameterGroups` entry of `AWS::CloudFormation::Interface`. */
export interface ParameterGroup {
  readonly label: string;
  readonly parameters: readonly TemplateParameter[];
}

/** A setting a packaged template keeps fixed, and why it cannot be a parameter. */
export interface FixedSetting {
  readonly setting: string;
  readonly why: string;
}

/** How one preset is packaged. */
export interface PresetPackage {
  /** Spec input every packaged template of the preset starts from (beyond the preset's defaults). */
  readonly base: RawSpec;
  /** Why `base` differs from the preset's defaults, for docs/package.md. */
  readonly baseReason?: string;
  readonly groups: readonly ParameterGroup[];
  /**
   * The name (the original's) of the parameter CDK adds for the instance's AMI (the SSM path of the latest Amazon
   * Linux 2023), and the group it joins, for presets with an EC2 instance.
   */
  readonly amiParameter?: { readonly name: string; readonly label: string; readonly group: string };
  /** Settings of the original that stay fixed (or do not exist in streamkit), for docs/package.md. */
  readonly fixed: readonly FixedSetting[];
}
