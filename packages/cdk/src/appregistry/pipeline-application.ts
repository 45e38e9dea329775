/**
 * An AWS Service Catalog AppRegistry application for a pipeline stack, as the original solution made for each of its
 * stacks: the application, an attribute group describing the pipeline, and the association of the stack itself, so
 * the pipeline shows up as one application in AppRegistry and myApplications. AppRegistry has no stable L2 in
 * aws-cdk-lib (the L2 is the alpha module), so this wraps the four L1 resources.
 */
import { STREAMKIT_VERSION } from '@streamkit/core';
import { Stack } from 'aws-cdk-lib';
import * as appregistry from 'aws-cdk-lib/aws-servicecatalogappregistry';
import { Construct } from 'constructs';

export interface PipelineApplicationProps {
  /** The preset the pipeline was built from. */
  readonly preset: string;
  /** The pipeline's name (the spec's `name`). */
  readonly pipeline: string;
  /** @default - the pipeline's description, or one naming the preset */
  readonly description?: string;
}

export class PipelineApplication extends Construct {
  readonly application: appregistry.CfnApplication;
  readonly attributeGroup: appregistry.CfnAttributeGroup;

  constructor(scope: Construct, id: string, props: PipelineApplicationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Named after the stack, which is unique in its account and region. The prefixes keep names from starting with
    // "AWS", which AppRegistry refuses (the original's issue #74, for stacks named so).
    this.application = new appregistry.CfnApplication(this, 'Application', {
      name: `App-${stack.stackName}`,
      description: props.description ?? `streamkit pipeline ${props.pipeline} (preset ${props.preset})`,
    });
    this.attributeGroup = new appregistry.CfnAttributeGroup(this, 'AttributeGroup', {
      name: `AttrGrp-${stack.stackName}`,
      description: `What the stack ${stack.stackName} is`,
      attributes: {
        applicationType: 'streamkit',
        preset: props.preset,
        pipeline: props.pipeline,
        version: STREAMKIT_VERSION,
      },
    });
    new appregistry.CfnAttributeGroupAssociation(this, 'AttributeGroupAssociation', {
      application: this.application.attrId,
      attributeGroup: this.attributeGroup.attrId,
    });
    new appregistry.CfnResourceAssociation(this, 'StackAssociation', {
      application: this.application.attrId,
      resource: stack.stackId,
      resourceType: 'CFN_STACK',
    });
  }
}
