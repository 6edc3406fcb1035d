/**
 * Typed operations for the console, generated from the committed schema. A `.graphql` operation
 * that no longer matches `schema.graphql` fails this step, and so the build.
 * `persisted-documents.json` (sha256 -> document) is what the gateway accepts by hash.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/operations/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { Date: 'string', DateTime: 'string', ID: 'string', JSON: 'unknown' },
      },
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: 'replaceDocumentWithHash', hashAlgorithm: 'sha256' },
      },
    },
  },
};

export default config;
