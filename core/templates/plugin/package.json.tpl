{
  "name": "{{package}}",
  "version": "0.1.0",
  "description": "{{description}}",
  "type": "module",
  "license": "MIT",
  "exports": { ".": "./src/index.ts" },
  "keywords": ["switchboard", "switchboard-plugin"],
  "scripts": { "test": "bun --bun vitest run --pool=threads" },
  "peerDependencies": { "@switchboard/core": "*" },
  "dependencies": { "zod": "4.6.7" },
  "devDependencies": { "vitest": "5.1.1" }
}
