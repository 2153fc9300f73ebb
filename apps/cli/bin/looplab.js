#!/usr/bin/env node
// Looplab runs its TypeScript sources through tsx (Node 20 cannot strip types): no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv);
