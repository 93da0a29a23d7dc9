// Parse an AsyncAPI document with the official parser (@asyncapi/parser) and print its errors
// and warnings; exit 1 when any is an error (or the document does not parse at all).
//   node contracts/asyncapi-validate.mjs [contracts/events/asyncapi.yaml]
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import parserModule from '@asyncapi/parser';

const { Parser, fromFile, DiagnosticSeverity } = parserModule;
const here = path.dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? path.join(here, 'events', 'asyncapi.yaml');
const SEVERITY = ['error', 'warning', 'info', 'hint'];

const { document, diagnostics } = await fromFile(new Parser(), file).parse();
for (const d of diagnostics.filter((d) => d.severity <= DiagnosticSeverity.Warning)) {
  const where = d.path.length ? ` at ${d.path.join('/')}` : '';
  console.error(`${SEVERITY[d.severity] ?? d.severity}: ${d.code}: ${d.message}${where}`);
}
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
if (document === undefined || errors.length > 0) {
  console.error(`${file}: ${errors.length} error(s); the document does not parse`);
  process.exit(1);
}
console.error(`${file}: parsed (${diagnostics.length} diagnostic(s), none an error)`);
