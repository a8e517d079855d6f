// House import rules (docs/ARCHITECTURE.md): each layer has an allow-list of what it may import, and a source
// file under a layered folder that no layer covers is itself an error (default deny).
import path from 'node:path';

/** Layers, most specific first. `may` lists the layers a file may import from; `packages` the npm packages. */
export const LAYERS = [
  { name: 'native/api', dir: 'native/api/', may: ['native/api'], packages: ['zod'], node: false },
  { name: 'native', dir: 'native/', may: ['native/api', 'native'], packages: ['*'], forbidPackages: ['electron'], node: true },
  { name: 'renderer', dir: 'renderer/', may: ['renderer', 'native/api'], packages: ['react', 'react-dom', 'zod'], node: false },
  { name: 'electron', dir: 'electron/', may: ['electron', 'native/api', 'native'], packages: ['*'], node: true },
];

const ROOT_DIRS = ['native/', 'renderer/', 'electron/'];

function layerOf(rel) {
  return LAYERS.find((l) => rel.startsWith(l.dir));
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layering of native/, renderer/ and electron/' },
    schema: [],
    messages: {
      uncovered: "'{{file}}' is in no layer of eslint-rules/layering.js: add it to a layer or move it.",
      layer: "Layer '{{from}}' may not import '{{spec}}' (layer '{{to}}'). Allowed: {{allowed}}.",
      pkg: "Layer '{{from}}' may not import the package '{{spec}}'. Allowed packages: {{allowed}}.",
      node: "Layer '{{from}}' runs in the browser and may not import Node's '{{spec}}'.",
    },
  },
  create(context) {
    const cwd = context.cwd ?? process.cwd();
    const rel = path.relative(cwd, context.filename).split(path.sep).join('/');
    if (!ROOT_DIRS.some((d) => rel.startsWith(d))) return {};
    const layer = layerOf(rel);
    function check(node, spec) {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = path.relative(cwd, path.resolve(path.dirname(context.filename), spec)).split(path.sep).join('/');
        const to = layerOf(target.endsWith('/') ? target : `${target}`) ?? layerOf(`${target}/`);
        const toName = to ? to.name : target;
        if (target === 'package.json' && layer.node) return; // the app's own name and version
        if (!to || !layer.may.includes(to.name)) {
          context.report({ node, messageId: 'layer', data: { from: layer.name, spec, to: toName, allowed: layer.may.join(', ') } });
        }
        return;
      }
      if (spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0])) {
        if (!layer.node) context.report({ node, messageId: 'node', data: { from: layer.name, spec } });
        return;
      }
      const pkg = packageName(spec);
      const forbidden = layer.forbidPackages?.includes(pkg);
      const allowed = layer.packages.includes('*') || layer.packages.includes(pkg);
      if (forbidden || !allowed) {
        context.report({ node, messageId: 'pkg', data: { from: layer.name, spec, allowed: layer.packages.join(', ') } });
      }
    }
    return {
      Program(node) {
        if (!layer) context.report({ node, messageId: 'uncovered', data: { file: rel } });
      },
      ImportDeclaration(node) {
        if (layer) check(node, node.source.value);
      },
      ExportNamedDeclaration(node) {
        if (layer && node.source) check(node, node.source.value);
      },
      ExportAllDeclaration(node) {
        if (layer) check(node, node.source.value);
      },
      ImportExpression(node) {
        if (layer && node.source.type === 'Literal') check(node, node.source.value);
      },
      CallExpression(node) {
        if (layer && node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0].value);
        }
      },
    };
  },
};

const NODE_BUILTINS = new Set([
  'assert', 'buffer', 'child_process', 'crypto', 'dns', 'events', 'fs', 'http', 'https', 'module', 'net', 'os',
  'path', 'process', 'readline', 'stream', 'string_decoder', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
]);

export default { rules: { layering: rule } };
