// The API docs page: reads /openapi.json, shows each operation, and sends it on request.
// Built with DOM calls only (no innerHTML), so no text of the description is ever read as markup.

const methods = ['get', 'put', 'post', 'delete', 'patch'];
const tokenInput = document.getElementById('token');
tokenInput.value = sessionStorage.getItem('relais-token') ?? '';
tokenInput.addEventListener('input', () => sessionStorage.setItem('relais-token', tokenInput.value));

/** An element with attributes (`on*` as listeners) and children (strings become text). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

let spec;

function resolve(schema) {
  if (schema?.$ref?.startsWith('#/')) {
    return schema.$ref
      .slice(2)
      .split('/')
      .reduce((node, key) => node?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], spec);
  }
  return schema;
}

function refName(schema) {
  return schema?.$ref?.split('/').pop();
}

/** A one-line summary of a schema's type and constraints. */
function typeOf(raw) {
  const schema = resolve(raw) ?? {};
  const name = refName(raw);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map(typeOf).join(' | ');
  let type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  if (type === 'array') type = `${typeOf(schema.items)}[]`;
  const facts = [];
  if (schema.const !== undefined) facts.push(`= ${JSON.stringify(schema.const)}`);
  if (schema.enum) facts.push(schema.enum.map((v) => JSON.stringify(v)).join(' | '));
  if (schema.format) facts.push(schema.format);
  if (schema.pattern) facts.push(`/${schema.pattern}/`);
  for (const [key, label] of [
    ['minimum', '≥'],
    ['exclusiveMinimum', '>'],
    ['maximum', '≤'],
    ['exclusiveMaximum', '<'],
    ['minLength', 'length ≥'],
    ['maxLength', 'length ≤'],
    ['minItems', 'items ≥'],
    ['maxItems', 'items ≤'],
  ]) {
    if (schema[key] !== undefined) facts.push(`${label} ${schema[key]}`);
  }
  if (schema.default !== undefined) facts.push(`default ${JSON.stringify(schema.default)}`);
  return [name ?? type, ...facts].join(' ');
}

/** The fields of an object schema as a nested list, arrays and references followed. */
function schemaTree(raw, seen = new Set()) {
  const name = refName(raw);
  if (name && seen.has(name)) return el('span', { class: 'type' }, `${name} (above)`);
  const schema = resolve(raw) ?? {};
  const inner = new Set(seen);
  if (name) inner.add(name);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants)
    return el(
      'ul',
      { class: 'schema' },
      variants.map((v) => el('li', {}, 'one of: ', schemaTree(v, inner))),
    );
  if (schema.type === 'array' && (resolve(schema.items)?.properties || resolve(schema.items)?.anyOf)) {
    return el('div', {}, el('span', { class: 'type' }, typeOf(raw)), schemaTree(schema.items, inner));
  }
  if (!schema.properties) {
    const values = schema.additionalProperties ?? (schema.propertyNames ? {} : undefined);
    const keys = schema.propertyNames ? ` keys: ${typeOf(schema.propertyNames)}` : '';
    if (values !== undefined && typeof values === 'object')
      return el('div', {}, el('span', { class: 'type' }, `map${keys}, values:`), schemaTree(values, inner));
    return el('span', { class: 'type' }, typeOf(raw));
  }
  const required = new Set(schema.required ?? []);
  return el(
    'ul',
    { class: 'schema' },
    Object.entries(schema.properties).map(([key, child]) => {
      const resolved = resolve(child) ?? {};
      const nested = resolved.properties || resolve(resolved.items)?.properties || resolved.anyOf;
      return el(
        'li',
        {},
        el('code', {}, key),
        required.has(key) ? el('span', { class: 'required' }, ' required') : '',
        ' ',
        el('span', { class: 'type' }, typeOf(child)),
        resolved.description || child.description
          ? el('span', { class: 'note' }, ` — ${resolved.description ?? child.description}`)
          : '',
        nested ? schemaTree(child, inner) : '',
      );
    }),
    schema.additionalProperties === false ? [] : el('li', { class: 'note' }, '(other fields allowed)'),
  );
}

/** A body to start from: every required field with a value of its type. */
function skeleton(raw, depth = 0) {
  const schema = resolve(raw) ?? {};
  if (depth > 6) return null;
  if (schema.default !== undefined) return schema.default;
  if (schema.example !== undefined) return schema.example;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return skeleton(variants[0], depth + 1);
  switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
    case 'object': {
      const required = new Set(schema.required ?? []);
      return Object.fromEntries(
        Object.entries(schema.properties ?? {})
          .filter(([key]) => required.has(key))
          .map(([key, child]) => [key, skeleton(child, depth + 1)]),
      );
    }
    case 'array':
      return schema.minItems ? [skeleton(schema.items, depth + 1)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.format === 'date') return new Date().toISOString().slice(0, 10);
      if (schema.format === 'email') return 'someone@example.org';
      return 'A-1';
    default:
      return null;
  }
}

function tryForm(path, method, operation) {
  const parameters = operation.parameters ?? [];
  const fields = parameters.map((p) =>
    el(
      'label',
      {},
      `${p.name} (${p.in}${p.required ? ', required' : ''}) `,
      el('input', { 'data-in': p.in, 'data-name': p.name, placeholder: typeOf(p.schema) }),
    ),
  );
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
  const body = bodySchema
    ? el('textarea', { rows: 8, spellcheck: 'false' }, JSON.stringify(skeleton(bodySchema), null, 2))
    : undefined;
  const output = el('pre', { class: 'answer', hidden: true });
  const send = async (event) => {
    event.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    const headers = {};
    for (const input of form.querySelectorAll('input[data-in]')) {
      const value = input.value;
      if (value === '') continue;
      if (input.dataset.in === 'path')
        url = url.replace(`{${input.dataset.name}}`, encodeURIComponent(value));
      else if (input.dataset.in === 'query') query.set(input.dataset.name, value);
      else if (input.dataset.in === 'header') headers[input.dataset.name] = value;
    }
    if (tokenInput.value) headers.authorization = `Bearer ${tokenInput.value}`;
    if (body) headers['content-type'] = 'application/json';
    const target = `${url}${query.size > 0 ? `?${query}` : ''}`;
    output.hidden = false;
    output.textContent = `${method.toUpperCase()} ${target} …`;
    try {
      const answer = await fetch(target, { method: method.toUpperCase(), headers, body: body?.value });
      const type = answer.headers.get('content-type') ?? '';
      let text;
      if (type.includes('json')) text = JSON.stringify(await answer.json(), null, 2);
      else if (type.startsWith('text/')) text = await answer.text();
      else text = `(${type}, ${(await answer.blob()).size} bytes)`;
      output.textContent = `${answer.status} ${answer.statusText}  ${type}\n\n${text}`;
      output.dataset.status = String(answer.status);
    } catch (error) {
      output.textContent = `the request failed: ${error}`;
    }
  };
  const form = el(
    'form',
    { class: 'try', onsubmit: send },
    fields,
    body ? el('label', {}, 'body (JSON)', body) : '',
    el('button', { type: 'submit' }, `Send ${method.toUpperCase()}`),
    output,
  );
  return el('details', {}, el('summary', {}, 'Try it'), form);
}

function operationSection(path, method, operation) {
  const parameters = operation.parameters ?? [];
  const security = operation.security ?? spec.security ?? [];
  const securityText =
    security.length === 0
      ? 'no authentication'
      : security.map((s) => Object.keys(s).join(' + ')).join(' or ');
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
  return el(
    'section',
    { class: 'operation', id: operation.operationId },
    el('h3', {}, el('span', { class: `method ${method}` }, method.toUpperCase()), ' ', el('code', {}, path)),
    el('p', { class: 'summary' }, operation.summary ?? ''),
    operation.description ? el('p', {}, operation.description) : '',
    el('p', { class: 'note' }, `operationId ${operation.operationId} · ${securityText}`),
    parameters.length > 0
      ? el(
          'table',
          {},
          el('tr', {}, el('th', {}, 'parameter'), el('th', {}, 'in'), el('th', {}, 'schema')),
          parameters.map((p) =>
            el(
              'tr',
              {},
              el(
                'td',
                {},
                el('code', {}, p.name),
                p.required ? el('span', { class: 'required' }, ' required') : '',
              ),
              el('td', {}, p.in),
              el('td', {}, typeOf(p.schema)),
            ),
          ),
        )
      : '',
    bodySchema
      ? el(
          'details',
          { open: true },
          el(
            'summary',
            {},
            `body${operation.requestBody.required ? '' : ' (optional)'}: ${typeOf(bodySchema)}`,
          ),
          schemaTree(bodySchema),
        )
      : '',
    el(
      'ul',
      { class: 'responses' },
      Object.entries(operation.responses ?? {}).map(([status, response]) =>
        el(
          'li',
          { 'data-status': status },
          el(
            'details',
            {},
            el('summary', {}, el('b', {}, status), ` ${response.description ?? ''}`),
            Object.entries(response.content ?? {}).map(([type, media]) =>
              el('div', {}, el('code', {}, type), media.schema ? schemaTree(media.schema) : ''),
            ),
          ),
        ),
      ),
    ),
    tryForm(path, method, operation),
  );
}

async function showDescription() {
  const main = document.getElementById('operations');
  const headers = tokenInput.value ? { authorization: `Bearer ${tokenInput.value}` } : {};
  const answer = await fetch('/openapi.json', { headers });
  if (!answer.ok) {
    const why =
      answer.status === 401
        ? 'GET /openapi.json needs the bearer token (RELAIS_API_TOKEN): type it above.'
        : `GET /openapi.json answered ${answer.status}.`;
    main.replaceChildren(el('p', { class: 'error' }, why));
    tokenInput.addEventListener('change', showDescription, { once: true });
    return;
  }
  spec = await answer.json();
  document.getElementById('title').textContent = `${spec.info.title} (OpenAPI ${spec.openapi})`;
  document.getElementById('intro').textContent = spec.info.description ?? '';
  const byTag = new Map((spec.tags ?? []).map((t) => [t.name, { tag: t, operations: [] }]));
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of methods) {
      const operation = item[method];
      if (!operation) continue;
      const tag = operation.tags?.[0] ?? 'Other';
      if (!byTag.has(tag)) byTag.set(tag, { tag: { name: tag }, operations: [] });
      byTag.get(tag).operations.push({ path, method, operation });
    }
  }
  const groups = [...byTag.values()].filter((g) => g.operations.length > 0);
  document.getElementById('toc').replaceChildren(
    el(
      'ul',
      {},
      groups.map((g) =>
        el(
          'li',
          {},
          el('a', { href: `#tag-${g.tag.name}` }, g.tag.name),
          el(
            'ul',
            {},
            g.operations.map((o) =>
              el(
                'li',
                {},
                el('a', { href: `#${o.operation.operationId}` }, `${o.method.toUpperCase()} ${o.path}`),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  main.replaceChildren(
    ...groups.map((g) =>
      el(
        'div',
        { class: 'tag', id: `tag-${g.tag.name}` },
        el('h2', {}, g.tag.name),
        g.tag.description ? el('p', {}, g.tag.description) : '',
        g.operations.map((o) => operationSection(o.path, o.method, o.operation)),
      ),
    ),
  );
  document.body.dataset.ready = 'true';
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

showDescription();
