// `cem analyze` (run by scripts/build.mjs): the custom elements manifest that IDEs, Storybook and
// docs tools read: every widget's attributes, properties, events, CSS parts and custom properties,
// from the JSDoc on its class (`@tag`, `@fires`, `@csspart`, `@cssproperty`).
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/testing/**', 'src/standalone/**', 'src/generated/**', 'src/**/messages.*.ts'],
  outdir: 'dist',
  litelement: true,
};
