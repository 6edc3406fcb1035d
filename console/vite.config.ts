/**
 * Builds the two pages noyo-gateway serves from its own origin:
 *   console.html  -> /console   (the operations console)
 *   graphiql.html -> /graphql   (GraphiQL, every asset bundled)
 * into ../gateway/static (package data of the wheel; never committed).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { buildSchema, parse, validate } from 'graphql';

const SCHEMA_PATH = resolve(import.meta.dirname, '../schema.graphql');

/**
 * `import text from './x.graphql'` gives the document's text, after validating it against the
 * committed schema: an example that no longer matches `schema.graphql` fails the build.
 */
function validatedGraphQL(): Plugin {
  return {
    name: 'validated-graphql',
    enforce: 'pre',
    load(id) {
      if (!id.endsWith('.graphql')) return null;
      const schema = buildSchema(readFileSync(SCHEMA_PATH, 'utf8'));
      const text = readFileSync(id, 'utf8');
      const errors = validate(schema, parse(text));
      if (errors.length) {
        this.error(`${id} does not match schema.graphql:\n` + errors.map((e) => `  ${e.message}`).join('\n'));
      }
      return `export default ${JSON.stringify(text)};`;
    },
  };
}

/** Ships the console's persisted documents (written by codegen) beside the pages. */
function persistedDocuments(): Plugin {
  return {
    name: 'persisted-documents',
    apply: 'build',
    generateBundle() {
      const source = readFileSync(resolve(import.meta.dirname, 'src/gql/persisted-documents.json'), 'utf8');
      this.emitFile({ type: 'asset', fileName: 'persisted-documents.json', source });
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/static/',
  plugins: [validatedGraphQL(), persistedDocuments()],
  oxc: { jsx: { runtime: 'automatic' } },
  worker: { format: 'es' },
  build: {
    outDir: resolve(import.meta.dirname, '../gateway/static'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 6000,
    rollupOptions: {
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return; // "use client" in GraphiQL's dependencies
        warn(warning);
      },
      input: {
        console: resolve(import.meta.dirname, 'console.html'),
        graphiql: resolve(import.meta.dirname, 'graphiql.html'),
      },
    },
  },
});
