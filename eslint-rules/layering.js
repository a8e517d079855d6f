// House import rules (docs/ARCHITECTURE.md): each layer has an allow-list of what it may import, and a source
// file under a layered folder that no layer covers is itself an error (default deny).
import path from 'node:path';

/**
 * What each folder of the engine may import besides itself, bottom to top: arrows point down, and cli, serve
 * and studio sit at the top. A new folder (reward/, say) is an error until it gets a line here.
 */
export const NATIVE_ALLOW = {
  api: [],
  onnx: [],
  text: ['api'],
  store: ['api'],
  jobs: ['api', 'store'],
  autograd: ['onnx'],
  models: ['api', 'onnx', 'autograd', 'text', 'store', 'jobs'],
  generate: ['api', 'models', 'text'],
  data: ['api', 'store', 'jobs'],
  eval: ['api', 'onnx', 'text', 'store', 'jobs', 'models', 'generate', 'data', 'rag'],
  train: ['api', 'onnx', 'autograd', 'text', 'store', 'jobs', 'models', 'generate', 'data', 'eval'],
  deploy: ['api', 'onnx', 'text', 'store', 'jobs', 'models', 'generate', 'data'],
  rag: ['api', 'onnx', 'text', 'store', 'jobs', 'models', 'generate'],
  studio: ['api', 'text', 'store', 'jobs', 'models', 'generate', 'data', 'eval', 'train', 'openai', 'rag'],
  serve: ['api', 'data', 'studio', 'openai'],
  openai: ['api', 'text', 'store', 'models', 'generate', 'rag'],
  cli: ['api', 'onnx', 'text', 'store', 'jobs', 'models', 'generate', 'data', 'eval', 'train', 'deploy', 'rag', 'studio', 'serve', 'openai'],
};

/** Node-side engine code: any package but Electron, and SQLite only in the store (the one SQL writer). */
const ENGINE = { packages: ['*'], forbidPackages: ['electron', 'better-sqlite3'], node: true };

function engineLayer(folder, may) {
  const name = `native/${folder}`;
  const own = { api: { packages: ['zod'], forbidPackages: [], node: false }, store: { forbidPackages: ['electron'] } }[folder];
  return { name, dir: `${name}/`, may: [name, ...may.map((m) => `native/${m}`)], ...ENGINE, ...own };
}

/** Layers: a `file` is matched exactly, a `dir` as a prefix. `may` lists layers; `packages` npm packages. */
export const LAYERS = [
  ...Object.entries(NATIVE_ALLOW).map(([folder, may]) => engineLayer(folder, may)),
  { name: 'native/cli.ts', file: 'native/cli.ts', may: ['native/cli', 'native/api', 'native/store', 'native/paths.ts'], ...ENGINE },
  { name: 'native/paths.ts', file: 'native/paths.ts', may: [], ...ENGINE },
  { name: 'renderer', dir: 'renderer/', may: ['renderer', 'native/api'], packages: ['react', 'react-dom', 'zod'], node: false },
  { name: 'electron', dir: 'electron/', may: ['electron', 'native/api', 'native/studio'], packages: ['*'], node: true },
];

const ROOT_DIRS = ['native/', 'renderer/', 'electron/'];

function layerOf(rel) {
  return LAYERS.find((l) => l.file === rel || l.file === `${rel}.ts`) ?? LAYERS.find((l) => l.dir && rel.startsWith(l.dir));
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
      uncovered: "'{{file}}' is in no layer of eslint-rules/layering.js: add its folder to NATIVE_ALLOW (or a layer) or move it.",
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
        if (target === 'package.json' && layer.node) return; // the app's own name and version
        const to = layerOf(target) ?? layerOf(`${target}/`);
        if (!to || !layer.may.includes(to.name)) {
          const data = { from: layer.name, spec, to: to ? to.name : target, allowed: layer.may.join(', ') || 'nothing' };
          context.report({ node, messageId: 'layer', data });
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
        const list = layer.packages.join(', ') + (layer.forbidPackages?.length ? ` (but not ${layer.forbidPackages.join(', ')})` : '');
        context.report({ node, messageId: 'pkg', data: { from: layer.name, spec, allowed: list } });
      }
    }
    const isRequire = (node) => node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal';
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
        if (layer && isRequire(node)) check(node, node.arguments[0].value);
      },
    };
  },
};

const NODE_BUILTINS = new Set([
  'assert', 'buffer', 'child_process', 'crypto', 'dns', 'events', 'fs', 'http', 'https', 'module', 'net', 'os',
  'path', 'process', 'readline', 'stream', 'string_decoder', 'timers', 'tls', 'url', 'util', 'v8', 'vm',
  'worker_threads', 'zlib',
]);

export default { rules: { layering: rule } };
