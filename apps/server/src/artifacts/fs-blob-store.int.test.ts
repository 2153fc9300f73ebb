import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blobStoreContract } from "../ports/blob-store.contract.js";
import { createFsBlobStore } from "./fs-blob-store.js";

blobStoreContract("local folder", async () => {
  const dir = mkdtempSync(join(tmpdir(), "looplab-blobs-"));
  return { store: createFsBlobStore(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});
