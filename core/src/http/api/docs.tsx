/** @jsxImportSource hono/jsx */
/**
 * GET /api/openapi.json (the OpenAPI 3.1 document) and GET /api/docs: a plain HTML reference rendered
 * on the server from that document. No scripts and no CDN, so it works offline. Both are public.
 * The page's CSP allows nothing but its one inline stylesheet, by hash: no script, no image, no
 * frame around it, no form.
 */
import { Hono } from "hono";
import type { ApiApp } from "./app.ts";

export type OpenApiDocument = ReturnType<ApiApp["getOpenAPI31Document"]>;
type Operation = NonNullable<NonNullable<OpenApiDocument["paths"]>[string]["get"]>;

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const CSS = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2430}
h2{border-bottom:1px solid #ddd;padding-bottom:.3rem;margin-top:2.5rem}section.op{border:1px solid #e3e6ea;border-radius:6px;padding:.2rem 1rem 1rem;margin:1rem 0}
.m{display:inline-block;min-width:4.2rem;text-align:center;border-radius:4px;color:#fff;font:600 .8rem monospace;padding:.15rem .4rem;margin-right:.5rem}
.get{background:#2f7d32}.post{background:#1565c0}.patch{background:#b26a00}.put{background:#6a1b9a}.delete{background:#c62828}
pre{background:#f5f7f9;padding:.6rem;border-radius:4px;overflow:auto;font-size:.8rem}table{border-collapse:collapse}td,th{border:1px solid #e3e6ea;padding:.2rem .5rem;text-align:left}
@media (prefers-color-scheme:dark){body{background:#14181f;color:#dde3ea}pre{background:#1e242d}section.op,td,th{border-color:#2c333d}}`;

/** What the page reads of a response object (the library types responses as `any`). */
interface ResponseLike {
  description: string;
  content?: Record<string, { schema?: unknown }>;
}

interface Entry {
  method: (typeof METHODS)[number];
  path: string;
  op: Operation;
}

/** The operations of the document, grouped by their first tag. */
function byTag(doc: OpenApiDocument): Map<string, Entry[]> {
  const groups = new Map<string, Entry[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? "Other";
      groups.set(tag, [...(groups.get(tag) ?? []), { method, path, op }]);
    }
  }
  return groups;
}

const anchor = (e: Entry) => `${e.method}-${e.path.replace(/[^a-z0-9]+/gi, "-")}`;
const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** The names of the component schemas a schema refers to. */
function refsOf(value: unknown, found = new Set<string>()): Set<string> {
  if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key === "$ref" && typeof v === "string") found.add(v.split("/").pop()!);
      else refsOf(v, found);
    }
  }
  return found;
}

function Schema(props: { schema: unknown }) {
  const refs = [...refsOf(props.schema)];
  return (
    <>
      <pre>{pretty(props.schema)}</pre>
      {refs.length > 0 && (
        <p>
          See:{" "}
          {refs.map((name, i) => (
            <>
              {i > 0 && ", "}
              <a href={`#schema-${name}`}>{name}</a>
            </>
          ))}
        </p>
      )}
    </>
  );
}

function OperationView(props: { entry: Entry; base: string }) {
  const { method, path, op } = props.entry;
  const params = (op.parameters ?? []).filter((p) => !("$ref" in p));
  const body = op.requestBody && !("$ref" in op.requestBody) ? op.requestBody.content["application/json"]?.schema : undefined;
  return (
    <section class="op" id={anchor(props.entry)}>
      <h3>
        <span class={`m ${method}`}>{method.toUpperCase()}</span>
        <code>{props.base + path}</code>
      </h3>
      <p>
        <strong>{op.summary}</strong>
      </p>
      {op.description && <p>{op.description}</p>}
      {params.length > 0 && (
        <table>
          <tr>
            <th>Parameter</th>
            <th>In</th>
            <th>Required</th>
            <th>Schema</th>
            <th>Description</th>
          </tr>
          {params.map(
            (p) =>
              "name" in p && (
                <tr>
                  <td>
                    <code>{p.name}</code>
                  </td>
                  <td>{p.in}</td>
                  <td>{p.required ? "yes" : "no"}</td>
                  <td>
                    <code>{JSON.stringify(p.schema)}</code>
                  </td>
                  <td>{p.description ?? ""}</td>
                </tr>
              ),
          )}
        </table>
      )}
      {body !== undefined && (
        <>
          <h4>Request body (application/json)</h4>
          <Schema schema={body} />
        </>
      )}
      <h4>Responses</h4>
      {Object.entries(op.responses ?? {}).map(([status, raw]) => {
        const response = raw as ResponseLike;
        const [type, media] = Object.entries(response.content ?? {})[0] ?? [];
        return (
          <>
            <p>
              <code>{status}</code> {response.description}
              {type && <> ({type})</>}
            </p>
            {media?.schema !== undefined && <Schema schema={media.schema} />}
          </>
        );
      })}
    </section>
  );
}

function DocsPage(props: { doc: OpenApiDocument }) {
  const { doc } = props;
  const base = doc.servers?.[0]?.url ?? "";
  const groups = [...byTag(doc)];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{doc.info.title}</title>
        <style>{CSS}</style>
      </head>
      <body>
        <h1>
          {doc.info.title} <small>v{doc.info.version}</small>
        </h1>
        <p>{doc.info.description}</p>
        <p>
          The machine-readable description is at <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).
        </p>
        <nav>
          {groups.map(([tag, entries]) => (
            <p>
              <strong>{tag}</strong>:{" "}
              {entries.map((e, i) => (
                <>
                  {i > 0 && " · "}
                  <a href={`#${anchor(e)}`}>
                    {e.method.toUpperCase()} {e.path}
                  </a>
                </>
              ))}
            </p>
          ))}
        </nav>
        {groups.map(([tag, entries]) => (
          <>
            <h2 id={`tag-${tag}`}>{tag}</h2>
            {entries.map((entry) => (
              <OperationView entry={entry} base={base} />
            ))}
          </>
        ))}
        <h2>Schemas</h2>
        {Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => (
          <section id={`schema-${name}`}>
            <h3>{name}</h3>
            <Schema schema={schema} />
          </section>
        ))}
      </body>
    </html>
  );
}

/** The CSP of the docs page: `style-src` is the SHA-256 of CSS, the only thing the page loads. */
async function docsPolicy(): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(CSS)));
  const hash = btoa(String.fromCharCode(...digest));
  return `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/**
 * The public docs routes, to mount at /api. `document` is called per request (it is cached by the caller).
 *
 * @example
 * app.route("/api", createDocsApp(() => v1.getOpenAPI31Document(config)));
 */
export function createDocsApp(document: () => OpenApiDocument): Hono {
  const docs = new Hono();
  docs.get("/openapi.json", (c) => c.json(document()));
  const policy = docsPolicy();
  docs.get("/docs", async (c) =>
    c.html("<!doctype html>" + (<DocsPage doc={document()} />).toString(), 200, { "Content-Security-Policy": await policy }),
  );
  return docs;
}
