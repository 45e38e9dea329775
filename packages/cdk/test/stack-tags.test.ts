/**
 * Every pipeline stack, through the production path (`synthesize`), carries streamkit's tags on the stack and on its
 * taggable resources, and — when the spec asks — an AppRegistry application associated with the stack, cdk-nag clean.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { SpecValidationError, STREAMKIT_VERSION } from '@streamkit/core';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { synthesize } from '../src/synth.ts';
import { specOf, tempDir } from './support/stacks.ts';

interface CfnTemplate {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: { readonly Tags?: unknown } }>;
}

function synth(yaml: string, preset: Parameters<typeof specOf>[1]) {
  const spec = specOf(yaml, preset);
  const result = synthesize(spec, { outdir: tempDir() });
  const json = JSON.parse(readFileSync(result.templatePath, 'utf8')) as CfnTemplate;
  const manifestTags = new CloudAssembly(result.outdir).getStackByName(result.stackName).tags;
  return { spec, result, json, template: Template.fromJSON(json), manifestTags };
}

/** The value of tag `key` on a resource, whether its Tags are a list of Key/Value pairs or a map. */
function tagOf(tags: unknown, key: string): unknown {
  if (Array.isArray(tags)) return (tags as { Key: string; Value: unknown }[]).find((t) => t.Key === key)?.Value;
  if (tags && typeof tags === 'object') return (tags as Record<string, unknown>)[key];
  return undefined;
}

for (const [preset, name] of [
  ['apigw-kinesis-lambda', 'orders'],
  ['msk-cluster', 'events'],
] as const) {
  describe(`streamkit's tags on a ${preset} stack`, () => {
    const { json, manifestTags, result } = synth(`name: ${name}\ntags:\n  team: data\n`, preset);
    const expected = {
      'streamkit:preset': preset,
      'streamkit:pipeline': name,
      'streamkit:version': STREAMKIT_VERSION,
      team: 'data',
    };

    test('the stack carries them (CloudFormation tags every resource it creates with them)', () => {
      assert.deepEqual(manifestTags, expected);
    });

    test('every resource with Tags of its own carries them too', () => {
      const tagged = Object.entries(json.Resources).filter(([, r]) => r.Properties?.Tags !== undefined);
      assert.ok(tagged.length >= 5, `only ${tagged.length} tagged resources`);
      for (const [id, resource] of tagged) {
        for (const [key, value] of Object.entries(expected)) {
          assert.equal(tagOf(resource.Properties?.Tags, key), value, `${id} (${resource.Type}) tag ${key}`);
        }
      }
    });

    test('no AppRegistry application unless the spec asks for one', () => {
      const types = Object.values(json.Resources).map((r) => r.Type);
      assert.ok(!types.some((type) => type.startsWith('AWS::ServiceCatalogAppRegistry::')));
      assert.equal(result.stackName, `streamkit-${name}`);
    });
  });
}

describe('appRegistry: true', () => {
  for (const preset of ['apigw-kinesis-lambda', 'msk-lambda'] as const) {
    test(`${preset}: one application named after the stack, its attribute group, and the stack associated`, () => {
      const { template, result } = synth('name: orders\nappRegistry: true\n', preset);
      template.resourceCountIs('AWS::ServiceCatalogAppRegistry::Application', 1);
      template.hasResourceProperties('AWS::ServiceCatalogAppRegistry::Application', {
        Name: 'App-streamkit-orders',
        Tags: Match.objectLike({ 'streamkit:preset': preset }),
      });
      template.hasResourceProperties('AWS::ServiceCatalogAppRegistry::AttributeGroup', {
        Name: 'AttrGrp-streamkit-orders',
        Attributes: { applicationType: 'streamkit', preset, pipeline: 'orders', version: STREAMKIT_VERSION },
      });
      const app = Object.keys(template.findResources('AWS::ServiceCatalogAppRegistry::Application'))[0]!;
      const group = Object.keys(template.findResources('AWS::ServiceCatalogAppRegistry::AttributeGroup'))[0]!;
      template.hasResourceProperties('AWS::ServiceCatalogAppRegistry::AttributeGroupAssociation', {
        Application: { 'Fn::GetAtt': [app, 'Id'] },
        AttributeGroup: { 'Fn::GetAtt': [group, 'Id'] },
      });
      template.hasResourceProperties('AWS::ServiceCatalogAppRegistry::ResourceAssociation', {
        Application: { 'Fn::GetAtt': [app, 'Id'] },
        Resource: { Ref: 'AWS::StackId' },
        ResourceType: 'CFN_STACK',
      });
      // synthesize() throws on an unacknowledged cdk-nag error; warnings about the application would be here.
      assert.deepEqual(
        result.findings.filter((f) => f.constructPaths.some((path) => path.includes('AppRegistry'))),
        [],
      );
    });
  }
});

describe('the spec settings', () => {
  const problems = (yaml: string) => {
    try {
      specOf(yaml);
    } catch (error) {
      assert.ok(error instanceof SpecValidationError);
      return error.problems.map((p) => p.message);
    }
    assert.fail('expected the spec to be rejected');
  };

  test('appRegistry is off by default and must be true or false', () => {
    assert.equal(specOf('').appRegistry, false);
    assert.deepEqual(problems('appRegistry: yes please'), ['appRegistry must be true or false (got "yes please")']);
  });

  test('a tag of the spec cannot take streamkit’s own prefix', () => {
    assert.match(
      problems('tags:\n  "streamkit:preset": mine\n').join('\n'),
      /tags\.streamkit:preset must not start with "streamkit:", which streamkit's own tags use \(streamkit:preset, streamkit:pipeline, streamkit:version\)/,
    );
  });
});
