export * from './package-presets.ts';
export * from './package-synthesizer.ts';
export * from './parameterize.ts';
export * from './preset-parameters.ts';
export * from './template-json.ts';
export * from './template-parameter.ts';
