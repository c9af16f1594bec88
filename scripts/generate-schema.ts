/**
 * Writes schema/workflow.schema.json, config.schema.json and alerts.schema.json from the same Zod schemas the
 * loader uses, so editors complete and check the files users write. Run by `npm run build`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { AlertsFile, ConfigFile, WorkflowFile } from "../src/spec/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "schema");
mkdirSync(out, { recursive: true });

const write = (name: string, schema: z.ZodType, title: string) => {
  const json = {
    ...z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" }),
    $id: `https://quorum.dev/schema/${name}`,
    title,
  };
  writeFileSync(join(out, name), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`wrote schema/${name}`);
};

write("workflow.schema.json", WorkflowFile, "quorum workflow (language v1)");
write("config.schema.json", ConfigFile, "quorum.config.yaml");
write("alerts.schema.json", AlertsFile, "quorum.alerts.yaml");
