// Test support: checks real REST responses against the generated OpenAPI document with
// ajv (JSON Schema 2020-12). Every response must be documented for its operation and
// status, and its body must match the documented schema.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { buildOpenApiDocument } from "./document";

type Json = Record<string, any>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export function createContractChecker(doc: Json = buildOpenApiDocument()) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, "openapi.json");
  const templates = Object.keys(doc.paths).map((t) => ({ t, re: new RegExp(`^${t.replace(/\{\w+\}/g, "[^/]+")}$`) }));
  const seen = new Set<string>();

  return {
    /** operation+status pairs exercised so far ("post /api/v1/jobs 201"). */
    seen,
    async check(method: string, url: string, res: Response): Promise<unknown> {
      const path = new URL(url).pathname.replace(/\/+$/, "");
      const tpl = templates.find((x) => x.re.test(path))?.t;
      if (!tpl) throw new Error(`undocumented path ${path}`);
      const op = doc.paths[tpl][method.toLowerCase()];
      if (!op) throw new Error(`undocumented operation ${method} ${tpl}`);
      let spec = op.responses[String(res.status)];
      if (!spec) throw new Error(`${method} ${tpl} answered ${res.status}, which the document does not list (${Object.keys(op.responses).join(", ")})`);
      seen.add(`${method.toLowerCase()} ${tpl} ${res.status}`);
      if (spec.$ref) spec = doc.components.responses[spec.$ref.split("/").pop()];
      const text = await res.clone().text();
      if (!spec.content) {
        if (text !== "") throw new Error(`${method} ${tpl} ${res.status} has a body but documents none`);
        return undefined;
      }
      const body = JSON.parse(text);
      const pointer = spec === op.responses[String(res.status)]
        ? `#/paths/${tpl.replace(/~/g, "~0").replace(/\//g, "~1")}/${method.toLowerCase()}/responses/${res.status}/content/application~1json/schema`
        : `#/components/responses/${op.responses[String(res.status)].$ref.split("/").pop()}/content/application~1json/schema`;
      const validate = ajv.getSchema(`openapi.json${pointer}`);
      if (!validate) throw new Error(`no schema at ${pointer}`);
      if (!validate(body)) throw new Error(`${method} ${tpl} ${res.status} does not match its schema: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 500)}`);
      return body;
    },
  };
}
