// drizzle-kit settings: generates SQL migrations into core/drizzle from the schema.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./core/src/store/schema.ts",
  out: "./core/drizzle",
});
